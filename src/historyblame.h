#ifndef MODELAUDIT_HISTORYBLAME_H
#define MODELAUDIT_HISTORYBLAME_H

#include <stddef.h>

#include <git2.h>

#include "history.h"

/*
 * The provenance of scores: while a history walk goes from the root to
 * HEAD, every value a score took, with the commit that set it. A score is
 * followed through the changes of its identity (a new variant or source)
 * and through renames of its model.
 */

struct blame_event {
	git_oid commit;
	char *value;		/* the value as written, or NULL for an empty one */
};

struct blame_trail {
	char *key;		/* the score's identity within its model */
	struct blame_event *events;	/* oldest first */
	size_t nr;
	size_t alloc;
};

struct blame_model {
	char *id;
	struct blame_trail *trails;
	size_t nr;
	size_t alloc;
};

/* A model id that a commit renamed. */
struct blame_rename {
	char *old;
	char *new;
	git_oid commit;
};

struct blame {
	struct blame_model *models;
	size_t nr;
	size_t alloc;
	struct blame_rename *renames;	/* oldest first */
	size_t nrenames;
	size_t renames_alloc;
};

#define BLAME_INIT { NULL, 0, 0, NULL, 0, 0 }

/* Records the value changes of one step; usable as a history_fn. */
int blame_add_step(void *blame, const struct history_step *step);

/* Returns the trail of score s of model id, or NULL when none was recorded. */
const struct blame_trail *blame_find(const struct blame *b, const char *model,
				     const struct score *s);

/*
 * Follows the renames recorded for model id, from the oldest on, and
 * returns the last one, whose new id the model has now; NULL when the id
 * was never renamed.
 */
const struct blame_rename *blame_renamed(const struct blame *b, const char *id);

void blame_release(struct blame *b);

#endif
