#ifndef MODELAUDIT_HISTORYBLAME_H
#define MODELAUDIT_HISTORYBLAME_H

#include <stddef.h>

#include <git2.h>

#include "arena.h"
#include "history.h"

/*
 * The provenance of scores: while a history walk goes from the root to
 * HEAD, every value each score entry took, with the commit that set it.
 *
 * Each entry has a trail of its own, even when several entries of a model
 * share an identity. Trails are kept by model id, so models that share an
 * id share them, and blame_shared() reports when that happened. An entry is followed from one commit to the next by
 * the pairing of semdiff_pair_scores(), the one diff reports with, so it
 * keeps its trail through a change of its variant or source, and through
 * the renames of its model.
 */

struct blame_event {
	git_oid commit;
	char *value;		/* the value as written, or NULL for an empty one */
};

struct blame_trail {
	struct blame_event *events;	/* oldest first */
	size_t nr;
	size_t alloc;		/* 0 for a view into another trail */
};

/*
 * A model as the walk saw it last. scores contains a copy of the identity
 * and value of each score of that version. After them come the scores
 * that other branches may still have, such as those that a step removed
 * or that the parent of that step lacked. trails[i] is the trail of
 * scores[i].
 */
struct blame_model {
	char *id;
	struct score *scores;
	struct blame_trail *trails;
	unsigned char *removed;	/* removed[i]: a step removed scores[i] */
	size_t nr;
	unsigned long step;	/* the step that last updated the model */
	struct arena arena;	/* owns scores, their text and removed */
	/*
	 * The last commit whose registry had several models with this id
	 * while a step changed one of them, so that their trails may mix,
	 * and where those models were ("path:line, path:line"). NULL places
	 * when no commit had.
	 */
	git_oid shared_commit;
	char *shared_places;
};

/* A model id that a commit renamed. */
struct blame_rename {
	char *old;
	char *new;
	git_oid commit;
};

struct blame {
	struct blame_model **models;	/* sorted by id */
	size_t nr;
	size_t alloc;
	struct blame_rename *renames;	/* oldest first */
	size_t nrenames;
	size_t renames_alloc;
	unsigned long steps;		/* steps recorded so far */
};

#define BLAME_INIT { NULL, 0, 0, NULL, 0, 0, 0 }

/*
 * Records the value changes of one step, as a history_fn. A model that a
 * step removes keeps its trails. When a later step adds a model with the
 * same id, its scores are paired with the old ones, and only the values
 * that differ get that step's commit.
 */
int blame_add_step(void *blame, const struct history_step *step);

/*
 * Fills trails[i] (one element per score of m) with the trail of score i
 * of m. m is a model read at the end of the walk, such as HEAD's. Its
 * scores are paired with those of the version of the model with the same
 * id that the walk saw last.
 *
 * Each trail is a view into b (alloc 0, valid until blame_release()) that
 * ends with the last event whose value equals the score's value. The
 * events after it are values of a branch that a merge did not keep. A
 * trail without such an event is empty (nr 0), like one never recorded.
 */
void blame_find_trails(struct blame_trail *trails, const struct blame *b,
		       const struct model *m);

/*
 * Returns the latest rename of the model id, or NULL when none was
 * recorded. Sets *now to the id the model has after that rename and every
 * later rename of its new id.
 */
const struct blame_rename *blame_renamed(const char **now, const struct blame *b,
					 const char *id);

/*
 * Returns 1 when the trails of model id may mix the values of several
 * models that shared the id, or 0. With 1, *commit and *places (owned by
 * b) are the last commit with such models and their places in it.
 */
int blame_shared(const git_oid **commit, const char **places, const struct blame *b,
		 const char *id);

void blame_release(struct blame *b);

#endif
