#include "historyblame.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "semdiff.h"
#include "values.h"

#define UNPAIRED ((size_t)-1)

static int value_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return decimal_equal(a, b);
}

/* Appends a value unless it equals the last one (a merge repeating a branch's change). */
static void trail_add(struct blame_trail *t, const git_oid *commit, const char *value)
{
	if (t->nr && value_equal(t->events[t->nr - 1].value, value))
		return;
	XGROW(t->events, t->alloc, t->nr + 1);
	git_oid_cpy(&t->events[t->nr].commit, commit);
	t->events[t->nr].value = value ? xstrdup(value) : NULL;
	t->nr++;
}

static void trail_clear(struct blame_trail *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->events[i].value);
	free(t->events);
	memset(t, 0, sizeof(*t));
}

static const char *copy_text(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

/* Copies into arena a the fields of a score that semdiff_pair_scores() reads, and its value. */
static void copy_score(struct score *dst, struct arena *a, const struct score *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->pos = src->pos;
	dst->benchmark.s = copy_text(a, src->benchmark.s);
	dst->variant.s = copy_text(a, src->variant.s);
	dst->value.s = copy_text(a, src->value.s);
	dst->date.s = copy_text(a, src->date.s);
	dst->reported_by.s = copy_text(a, src->reported_by.s);
	dst->source.s = copy_text(a, src->source.s);
	dst->canonical = copy_text(a, src->canonical);
	dst->source_url = copy_text(a, src->source_url);
}

static void blame_model_free(struct blame_model *bm)
{
	size_t i;

	if (!bm)
		return;
	for (i = 0; i < bm->nr; i++)
		trail_clear(&bm->trails[i]);
	free(bm->trails);
	arena_release(&bm->arena);
	free(bm->id);
	free(bm->shared_places);
	free(bm);
}

/* Returns the index of model id in b->models, or with *found 0 where to insert it. */
static size_t model_index(int *found, const struct blame *b, const char *id)
{
	size_t lo = 0, hi = b->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(b->models[mid]->id, id);

		if (!c) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = 0;
	return lo;
}

static struct blame_model *find_model(const struct blame *b, const char *id)
{
	int found;
	size_t i = model_index(&found, b, id);

	return found ? b->models[i] : NULL;
}

/* Removes model id from b and returns it, or NULL when b has no such model. */
static struct blame_model *take_model(struct blame *b, const char *id)
{
	struct blame_model *bm;
	int found;
	size_t i = model_index(&found, b, id);

	if (!found)
		return NULL;
	bm = b->models[i];
	memmove(&b->models[i], &b->models[i + 1], (b->nr - i - 1) * sizeof(*b->models));
	b->nr--;
	return bm;
}

/* Stores bm under id, in place of the model stored there before. */
static void put_model(struct blame *b, struct blame_model *bm, const char *id)
{
	int found;
	size_t i = model_index(&found, b, id);

	free(bm->id);
	bm->id = xstrdup(id);
	if (found) {
		blame_model_free(b->models[i]);
		b->models[i] = bm;
		return;
	}
	XGROW(b->models, b->alloc, b->nr + 1);
	memmove(&b->models[i + 1], &b->models[i], (b->nr - i) * sizeof(*b->models));
	b->models[i] = bm;
	b->nr++;
}

/* Wraps the scores of bm as a model, the form semdiff_pair_scores() reads. */
static void model_view(struct model *view, const struct blame_model *bm)
{
	memset(view, 0, sizeof(*view));
	view->scores = bm->scores;
	view->nscores = bm->nr;
}

static size_t *unpaired_array(size_t n)
{
	size_t *a = xcalloc(n + 1, sizeof(*a));
	size_t i;

	for (i = 0; i < n; i++)
		a[i] = UNPAIRED;
	return a;
}

/*
 * Pairs the scores of a and b that a_taken and b_taken leave unpaired
 * (UNPAIRED) with each other, by semdiff_pair_scores() on those scores
 * alone. Fills a_match and b_match (UNPAIRED for the scores left over).
 */
static void pair_leftovers(size_t *a_match, size_t *b_match,
			   const struct model *a, const size_t *a_taken,
			   const struct model *b, const size_t *b_taken)
{
	struct model left_a, left_b;
	size_t *a_index = xcalloc(a->nscores + 1, sizeof(size_t));
	size_t *b_index = xcalloc(b->nscores + 1, sizeof(size_t));
	size_t *left_a_match, *left_b_match;
	size_t i;

	memset(&left_a, 0, sizeof(left_a));
	memset(&left_b, 0, sizeof(left_b));
	left_a.scores = xcalloc(a->nscores + 1, sizeof(struct score));
	left_b.scores = xcalloc(b->nscores + 1, sizeof(struct score));
	for (i = 0; i < a->nscores; i++) {
		a_match[i] = UNPAIRED;
		if (a_taken[i] != UNPAIRED)
			continue;
		a_index[left_a.nscores] = i;
		left_a.scores[left_a.nscores++] = a->scores[i];
	}
	for (i = 0; i < b->nscores; i++) {
		b_match[i] = UNPAIRED;
		if (b_taken[i] != UNPAIRED)
			continue;
		b_index[left_b.nscores] = i;
		left_b.scores[left_b.nscores++] = b->scores[i];
	}

	left_a_match = unpaired_array(left_a.nscores);
	left_b_match = unpaired_array(left_b.nscores);
	if (left_a.nscores && left_b.nscores)
		semdiff_pair_scores(left_a_match, left_b_match, &left_a, &left_b);
	for (i = 0; i < left_a.nscores; i++) {
		size_t j = left_a_match[i];

		if (j == UNPAIRED)
			continue;
		a_match[a_index[i]] = b_index[j];
		b_match[b_index[j]] = a_index[i];
	}

	free(left_a.scores);
	free(left_b.scores);
	free(left_a_match);
	free(left_b_match);
	free(a_index);
	free(b_index);
}

/*
 * Moves bm on to new, the model as a step left it. old is the model in the
 * step's parent, or NULL when the step added the model.
 *
 * The step's own pairing of old with new is the one diff reports. To find
 * the trail of each old score, the scores of bm are paired with old. They
 * differ from old when the step is on another branch than the step
 * recorded before it. So the scores of bm that old lacks are kept, and a
 * merge finds there the trail of a score that a branch added. A score the
 * step removes is kept too, for a branch that still has it, but no score
 * that diff reports as added takes its trail.
 *
 * A score gets the step's commit when diff reports its value as changed or
 * the score as added, unless its trail already ends with that value.
 */
static void model_update(struct blame_model *bm, const struct model *old,
			 const struct model *new, const git_oid *commit)
{
	struct model last;
	struct arena arena = ARENA_INIT;
	struct blame_trail *trails;
	struct score *scores;
	unsigned char *removed;
	/*
	 * Pairings, each array indexed by one side and holding indexes of
	 * the other: bm with old (last_match, old_last), old with new
	 * (old_match, new_old), and what is left of bm with what is left of
	 * new (other, new_other).
	 */
	size_t *last_match = unpaired_array(bm->nr);
	size_t *old_last = unpaired_array(old ? old->nscores : 0);
	size_t *old_match = unpaired_array(old ? old->nscores : 0);
	size_t *new_old = unpaired_array(new->nscores);
	size_t *other = unpaired_array(bm->nr);
	size_t *new_other = unpaired_array(new->nscores);
	size_t *closed = unpaired_array(bm->nr);
	size_t nold = old ? old->nscores : 0;
	size_t i, j, n;

	model_view(&last, bm);
	if (old) {
		semdiff_pair_scores(last_match, old_last, &last, old);
		semdiff_pair_scores(old_match, new_old, old, new);
	}

	/* Scores diff reports as added may take the trail of another branch's score. */
	for (i = 0; i < bm->nr; i++)
		if (last_match[i] != UNPAIRED || bm->removed[i])
			closed[i] = 0;	/* any index leaves the score out */
	pair_leftovers(other, new_other, &last, closed, new, new_old);

	n = new->nscores;
	for (i = 0; i < bm->nr; i++)
		if (last_match[i] == UNPAIRED && other[i] == UNPAIRED)
			n++;
	for (i = 0; i < nold; i++)
		if (old_match[i] == UNPAIRED && old_last[i] != UNPAIRED)
			n++;
	trails = xcalloc(n + 1, sizeof(*trails));
	scores = arena_calloc(&arena, (n + 1) * sizeof(*scores));
	removed = arena_calloc(&arena, n + 1);

	/* First the scores of new, then those of other branches, then the removed ones. */
	for (j = 0; j < new->nscores; j++) {
		const struct score *s = &new->scores[j];
		size_t from = UNPAIRED;
		int set = 1;

		if (new_old[j] != UNPAIRED) {
			from = old_last[new_old[j]];
			set = !value_equal(old->scores[new_old[j]].value.s, s->value.s);
		} else if (new_other[j] != UNPAIRED) {
			from = new_other[j];
		}
		if (from != UNPAIRED) {
			trails[j] = bm->trails[from];
			memset(&bm->trails[from], 0, sizeof(bm->trails[from]));
		}
		/*
		 * NOTE: an old score that pairs with no score of bm gets no
		 * commit while its value stays the same, because the walk did
		 * not see which commit set it.
		 */
		if (set)
			trail_add(&trails[j], commit, s->value.s);
		copy_score(&scores[j], &arena, s);
	}

	n = new->nscores;
	for (i = 0; i < bm->nr; i++) {
		if (last_match[i] != UNPAIRED || other[i] != UNPAIRED)
			continue;
		trails[n] = bm->trails[i];
		memset(&bm->trails[i], 0, sizeof(bm->trails[i]));
		copy_score(&scores[n], &arena, &bm->scores[i]);
		removed[n] = bm->removed[i];
		n++;
	}
	for (i = 0; i < nold; i++) {
		size_t from = old_last[i];

		if (old_match[i] != UNPAIRED || from == UNPAIRED)
			continue;
		trails[n] = bm->trails[from];
		memset(&bm->trails[from], 0, sizeof(bm->trails[from]));
		copy_score(&scores[n], &arena, &old->scores[i]);
		removed[n] = 1;
		n++;
	}

	for (i = 0; i < bm->nr; i++)
		trail_clear(&bm->trails[i]);
	free(bm->trails);
	arena_release(&bm->arena);
	bm->trails = trails;
	bm->scores = scores;
	bm->removed = removed;
	bm->nr = n;
	bm->arena = arena;

	free(last_match);
	free(old_last);
	free(old_match);
	free(new_old);
	free(other);
	free(new_other);
	free(closed);
}

/* The models of one side of a step with an id, sorted by id, then in registry order. */
struct id_index {
	struct id_ref {
		const struct model *m;
		size_t index;
	} *refs;
	size_t nr;
	int built;
};

static int compare_id_refs(const void *x, const void *y)
{
	const struct id_ref *a = x, *b = y;
	int c = strcmp(a->m->id.s, b->m->id.s);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void id_index_build(struct id_index *ix, struct model *const *models, size_t n)
{
	size_t i;

	ix->built = 1;
	ix->refs = xcalloc(n + 1, sizeof(*ix->refs));
	for (i = 0; i < n; i++) {
		if (!models[i]->id.s)
			continue;
		ix->refs[ix->nr].m = models[i];
		ix->refs[ix->nr].index = i;
		ix->nr++;
	}
	if (ix->nr > 1)
		qsort(ix->refs, ix->nr, sizeof(*ix->refs), compare_id_refs);
}

/* Returns how many models of ix have id, and sets *first to the first of them. */
static size_t id_index_count(size_t *first, const struct id_index *ix, const char *id)
{
	size_t lo = 0, hi = ix->nr, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->refs[mid].m->id.s, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < ix->nr && !strcmp(ix->refs[end].m->id.s, id); end++)
		;
	*first = lo;
	return end - lo;
}

/* The step being recorded, with the id indexes of its sides, built on first use. */
struct step_ids {
	const struct history_step *step;
	struct id_index old;
	struct id_index new;
};

/*
 * Records on bm that the step changed a model whose id several models of
 * the step's commit or of its parent have, so that the trails of bm may
 * mix theirs: which commit had them, and where.
 */
static void note_shared(struct blame_model *bm, struct step_ids *ids,
			const struct model *old, const struct model *new)
{
	const struct history_step *step = ids->step;
	const struct id_index *ix = &ids->new;
	const git_oid *commit = step->id;
	struct buf places = BUF_INIT;
	size_t first, n, i;

	if (!ids->new.built)
		id_index_build(&ids->new, step->new_models, step->nnew);
	if (!ids->old.built)
		id_index_build(&ids->old, step->old_models, step->nold);
	n = id_index_count(&first, &ids->new, new->id.s);
	if (n < 2 && old && old->id.s && step->parent) {
		ix = &ids->old;
		commit = step->parent;
		n = id_index_count(&first, &ids->old, old->id.s);
	}
	if (n < 2)
		return;

	for (i = first; i < first + n; i++) {
		const struct model *m = ix->refs[i].m;

		buf_addf(&places, "%s%s:%u", i > first ? ", " : "", m->path,
			 (unsigned)m->pos.line);
	}
	free(bm->shared_places);
	bm->shared_places = buf_detach(&places, NULL);
	git_oid_cpy(&bm->shared_commit, commit);
}

/*
 * Records the step's change of one model, once per step. old is the model
 * in the step's parent (NULL when the step added it), new the model in the
 * step.
 */
static void add_model_change(struct blame *b, struct step_ids *ids,
			     const struct model *old, const struct model *new,
			     const git_oid *commit)
{
	struct blame_model *bm;

	if (!new->id.s)
		return;

	/*
	 * NOTE: models that share an id share one entry, updated by the first
	 * of them that a step changes, so their trails can mix. note_shared()
	 * records when, for blame to say so.
	 */
	bm = find_model(b, new->id.s);
	if (bm && bm->step == b->steps) {
		note_shared(bm, ids, old, new);
		return;
	}

	/*
	 * A renamed model's trails move to its new id. When the old id has
	 * none, another branch made the same rename first, and the trails
	 * filed under the new id are those of this model.
	 */
	if (old && old->id.s && strcmp(old->id.s, new->id.s)) {
		struct blame_model *renamed = take_model(b, old->id.s);

		if (renamed) {
			put_model(b, renamed, new->id.s);
			bm = renamed;
		}
	}
	if (!bm) {
		bm = xcalloc(1, sizeof(*bm));
		put_model(b, bm, new->id.s);
	}

	bm->step = b->steps;
	model_update(bm, old, new, commit);
	note_shared(bm, ids, old, new);
}

static void add_rename(struct blame *b, const struct change *c, const git_oid *commit)
{
	struct blame_rename *r;

	if (!c->old || !c->new)
		return;
	XGROW(b->renames, b->renames_alloc, b->nrenames + 1);
	r = &b->renames[b->nrenames++];
	r->old = xstrdup(c->old);
	r->new = xstrdup(c->new);
	git_oid_cpy(&r->commit, commit);
}

int blame_add_step(void *data, const struct history_step *step)
{
	struct blame *b = data;
	struct step_ids ids;
	size_t i;

	if (!step->id)
		return 0;
	memset(&ids, 0, sizeof(ids));
	ids.step = step;
	b->steps++;
	for (i = 0; i < step->changes.nr; i++) {
		const struct change *c = &step->changes.items[i];

		if (c->kind == CHANGE_MODEL && c->op == CHANGE_RENAMED)
			add_rename(b, c, step->id);
		/* A removed model keeps its trails, for a step that adds it back. */
		if (!c->new_model)
			continue;
		add_model_change(b, &ids, c->old_model, c->new_model, step->id);
	}
	free(ids.old.refs);
	free(ids.new.refs);
	return 0;
}

int blame_shared(const git_oid **commit, const char **places, const struct blame *b,
		 const char *id)
{
	const struct blame_model *bm = find_model(b, id);

	*commit = NULL;
	*places = NULL;
	if (!bm || !bm->shared_places)
		return 0;
	*commit = &bm->shared_commit;
	*places = bm->shared_places;
	return 1;
}

void blame_find_trails(struct blame_trail *trails, const struct blame *b,
		       const struct model *m)
{
	const struct blame_model *bm = m->id.s ? find_model(b, m->id.s) : NULL;
	struct model last;
	size_t *last_match, *m_match;
	size_t j;

	memset(trails, 0, m->nscores * sizeof(*trails));
	if (!bm)
		return;

	model_view(&last, bm);
	last_match = unpaired_array(bm->nr);
	m_match = unpaired_array(m->nscores);
	semdiff_pair_scores(last_match, m_match, &last, m);
	for (j = 0; j < m->nscores; j++) {
		const struct blame_trail *t;
		size_t n;

		if (m_match[j] == UNPAIRED)
			continue;
		t = &bm->trails[m_match[j]];
		for (n = t->nr; n > 0; n--)
			if (value_equal(t->events[n - 1].value, m->scores[j].value.s))
				break;
		trails[j].events = t->events;
		trails[j].nr = n;
	}
	free(last_match);
	free(m_match);
}

const struct blame_rename *blame_renamed(const char **now, const struct blame *b,
					 const char *id)
{
	const struct blame_rename *first = NULL;
	size_t i, start = 0;

	*now = NULL;
	for (i = b->nrenames; i-- > 0;) {
		if (!strcmp(b->renames[i].old, id)) {
			first = &b->renames[i];
			start = i + 1;
			break;
		}
	}
	if (!first)
		return NULL;

	/* Later renames are in history order, so one pass follows the chain. */
	*now = first->new;
	for (i = start; i < b->nrenames; i++)
		if (!strcmp(b->renames[i].old, *now))
			*now = b->renames[i].new;
	return first;
}

void blame_release(struct blame *b)
{
	size_t i;

	for (i = 0; i < b->nr; i++)
		blame_model_free(b->models[i]);
	free(b->models);
	for (i = 0; i < b->nrenames; i++) {
		free(b->renames[i].old);
		free(b->renames[i].new);
	}
	free(b->renames);
	memset(b, 0, sizeof(*b));
}
