#ifndef MODELAUDIT_SEMDIFF_H
#define MODELAUDIT_SEMDIFF_H

#include <stddef.h>

#include "registry.h"

/*
 * The semantic diff of two registries: what changed in meaning, model by
 * model, not line by line. Models are matched by id, scores by identity
 * (canonical benchmark, variant, resolved source URL) and then by the
 * pairing rules below, sources by id and specs by key. Values are compared by
 * what they mean: `0.8050` equals `0.805`, `1.5T` equals `1500B`.
 */

enum change_op {
	CHANGE_ADDED,
	CHANGE_REMOVED,
	CHANGE_CHANGED,
	CHANGE_RENAMED
};

enum change_kind {
	CHANGE_MODEL,
	CHANGE_SCORE,
	CHANGE_SOURCE,
	CHANGE_SPEC,
	CHANGE_FIELD		/* any other field of a model */
};

/*
 * One change. Every string points into the models compared, which must
 * outlive the change list. For a changed entry, field names what changed
 * (for a score: score, date, source, variant, benchmark or reported_by)
 * and old/new are the values as written (NULL when absent). The location
 * is the new side's, or the old side's for a removal.
 */
struct change {
	enum change_op op;
	enum change_kind kind;
	const char *model;		/* the model's id (the new id after a rename) */
	const char *benchmark;		/* scores: as written */
	const char *variant;		/* scores: as written, or NULL */
	const char *source;		/* sources: the source id */
	const char *field;
	const char *subfield;		/* specs: "source" when the spec's source changed */
	const char *old;
	const char *new;
	const char *path;
	struct pos pos;
	const struct model *old_model;	/* NULL when added */
	const struct model *new_model;	/* NULL when removed */
	const struct score *old_score;	/* scores only */
	const struct score *new_score;
};

struct change_list {
	struct change *items;
	size_t nr;
	size_t alloc;
};

#define CHANGE_LIST_INIT { NULL, 0, 0 }

/*
 * Appends to out the changes that turn the models of old into those of new,
 * in the order of the new registry (removals of a model's parts after its
 * other changes, removed models last). Models that are equal pointers on
 * both sides, or whose entries in old_same and new_same (when not NULL)
 * are equal pointers, are taken as unchanged without being compared. The
 * caller passes there what each model was built from, such as its text.
 *
 * Several models with one id are paired first with a model of that id
 * that did not change, then in order. Scores of one identity are paired
 * first with a score of the same value, date and reported_by, then in
 * order. Scores left unmatched by identity are paired when they share the
 * benchmark and either the variant or the source, or failing that when
 * exactly one entry of that benchmark is left on each side. A removed and
 * an added model with the same sources and mostly the same scores are
 * reported as one renamed model.
 */
void semdiff_models(struct change_list *out,
		    struct model *const *old, size_t nold,
		    struct model *const *new, size_t nnew,
		    const void *const *old_same, const void *const *new_same);

/*
 * Pairs the scores of two versions of a model by the rules above, as
 * semdiff_models() does. Sets old_match[i] to the index in new of the
 * score paired with old score i, and new_match[j] to the index in old of
 * the score paired with new score j, or to (size_t)-1 for an unpaired
 * score. Each array has one element per score of its model. Only the
 * benchmark, canonical, variant, source, source_url, value, date and
 * reported_by of the scores are read.
 */
void semdiff_pair_scores(size_t *old_match, size_t *new_match,
			 const struct model *old, const struct model *new);

/* Reports whether two scores have the same identity. */
int semdiff_same_identity(const struct score *a, const struct score *b);

const char *change_op_name(enum change_op op);
const char *change_kind_name(enum change_kind kind);

void change_list_release(struct change_list *list);

#endif
