/*
 * Comparing two sides of a history step: the changes between their
 * models, the findings one side has and the other has not, and the
 * findings of the history rules.
 */
#include "historyside.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "checks.h"
#include "textutil.h"
#include "values.h"

/* Drops the findings of list that an inline suppression of a file of a or b covers. */
static void drop_suppressed(struct finding_list *list, const struct side *a,
			    const struct side *b)
{
	const struct side *sides[2];
	size_t i, j, k, kept = 0;

	sides[0] = a;
	sides[1] = b;
	for (i = 0; i < list->nr; i++) {
		struct finding *f = &list->items[i];
		int covered = 0;

		for (k = 0; k < 2 && !covered; k++)
			for (j = 0; sides[k] && j < sides[k]->nentries && !covered; j++)
				covered = history_cache_suppressed(sides[k]->entries[j], f);
		if (covered) {
			finding_clear(f);
			continue;
		}
		list->items[kept++] = *f;
	}
	list->nr = kept;
}

/*
 * Returns the cross-model findings of the whole side, running the checks
 * on first use: a comparison with a side that shares most models needs
 * only those of the models that changed (see compare_checks()).
 */
static const struct finding_list *side_findings(const struct side_checks *c, struct side *s)
{
	struct registry reg = REGISTRY_INIT;

	if (s->checked)
		return &s->findings;
	reg.models = s->models;
	reg.nr = s->nr;
	reg.nfiles = s->files.nr;
	checks_registry(&reg, c->rules, &s->findings);
	finding_list_finish(&s->findings, c->severity);
	drop_suppressed(&s->findings, s, NULL);
	s->checked = 1;
	return &s->findings;
}

/* ---- comparing two sides ---------------------------------------------- */

/* Fingerprints of finished findings have this many hex digits, so memcmp() orders them as strcmp(). */
#define FINGERPRINT_LEN 32

static int compare_fingerprints(const void *x, const void *y)
{
	const struct finding *const *a = x, *const *b = y;

	return memcmp((*a)->fingerprint, (*b)->fingerprint, FINGERPRINT_LEN);
}

/*
 * Returns the slot of key in an open-addressing table of pointers (mask + 1
 * slots, a power of two): its own, or the empty one where it would go.
 */
static size_t pointer_slot(const void *const *keys, size_t mask, const void *key)
{
	size_t i = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull & mask;

	while (keys[i] && keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

/* Returns the mask of a table for count pointers, at most half full. */
static size_t pointer_mask(size_t count)
{
	size_t size = 16;

	while (size < count * 2)
		size *= 2;
	return size - 1;
}

struct finding_refs {
	const struct finding **items;
	/*
	 * Per item, its score_key(), once refs_fill_keys() has filled them:
	 * the matches below compare keys before they compare text.
	 */
	uint64_t *keys;
	size_t nr;
	size_t alloc;
};

static void refs_add_range(struct finding_refs *refs, const struct finding_list *list,
			   size_t first, size_t count)
{
	size_t i;

	XGROW(refs->items, refs->alloc, refs->nr + count);
	for (i = first; i < first + count; i++)
		refs->items[refs->nr++] = &list->items[i];
}

static void refs_add_list(struct finding_refs *refs, const struct finding_list *list)
{
	refs_add_range(refs, list, 0, list->nr);
}

/* Adds the findings of a cache entry, model by model. */
static void refs_add_entry(struct finding_refs *refs, const struct blob_entry *e)
{
	size_t i;

	if (!e->parts) {
		refs_add_list(refs, &e->findings);
		return;
	}
	for (i = 0; i < e->nmodels; i++) {
		const struct finding_part *part = &e->parts[i];

		refs_add_range(refs, part->list ? part->list : &e->findings, part->first,
			       part->count);
	}
}

/*
 * Collects the findings of side s that can differ from those of other:
 * the cross-model ones in cross, and those of every cache entry that
 * other does not use. An entry both sides use contributes the same findings to both,
 * so leaving it out does not change which findings match.
 */
static void collect_findings(struct finding_refs *refs, const struct side *s,
			     const struct finding_list *cross, const struct side *other)
{
	const void **theirs = NULL;
	size_t i, n = other ? other->nentries : 0, mask = pointer_mask(n);

	theirs = xcalloc(mask + 1, sizeof(*theirs));
	for (i = 0; i < n; i++)
		theirs[pointer_slot(theirs, mask, other->entries[i])] = other->entries[i];
	for (i = 0; i < s->nentries; i++) {
		const struct blob_entry *e = s->entries[i];

		if (theirs[pointer_slot(theirs, mask, e)])
			continue;
		refs_add_entry(refs, e);
	}
	refs_add_list(refs, cross);
	free(theirs);
}

/*
 * Reports whether findings x and y differ at most in their model id and in
 * how the benchmark name is spelt.
 */
static int same_but_model(const struct finding *x, const struct finding *y)
{
	int same_benchmark = text_equal(x->benchmark, y->benchmark) ||
		(x->benchmark && y->benchmark &&
		 benchmark_names_equal(x->benchmark, y->benchmark));

	return x->rule == y->rule && same_benchmark &&
	       text_equal(x->variant, y->variant) && text_equal(x->source, y->source) &&
	       text_equal(x->field, y->field) && text_equal(x->value, y->value);
}

/* Reports whether new finding y matches old finding x under a rule looser than the fingerprint. */
typedef int finding_match_fn(const struct finding *x, const struct finding *y,
			     const void *data);

static uint64_t key_add(uint64_t key, const char *text)
{
	uint64_t h = text ? text_hash(text, strlen(text)) : 0x51ED270B2A5D1E4Full;

	return (key ^ h) * 0x9E3779B97F4A7C15ull + (key >> 29);
}

/*
 * Returns a hash of what about_score() and same_respelt() compare: the
 * model id, the benchmark name as benchmark_names_equal() compares it,
 * the variant and the source. Findings or scores that they take as the
 * same have the same key.
 */
static uint64_t score_key(const char *model, const char *benchmark, const char *variant,
			  const char *source)
{
	uint64_t key = key_add(0, model);

	key = (key ^ (benchmark ? benchmark_name_hash(benchmark) : 1)) * 0x9E3779B97F4A7C15ull;
	key = key_add(key, variant);
	return key_add(key, source);
}

static uint64_t finding_key(const struct finding *f)
{
	return score_key(f->model, f->benchmark, f->variant, f->source);
}

static void refs_fill_keys(struct finding_refs *refs)
{
	size_t i;

	refs->keys = xcalloc(refs->nr + 1, sizeof(*refs->keys));
	for (i = 0; i < refs->nr; i++)
		refs->keys[i] = finding_key(refs->items[i]);
}

/*
 * Removes from b the first finding that matches x by same, and reports
 * whether there was one. When b has keys, only findings of key are
 * compared: same must then imply that their keys are equal.
 */
static int take_match_keyed(struct finding_refs *b, uint64_t key, const struct finding *x,
			    finding_match_fn *same, const void *data)
{
	size_t j;

	for (j = 0; j < b->nr; j++) {
		if (b->keys && b->keys[j] != key)
			continue;
		if (same(x, b->items[j], data)) {
			b->items[j] = b->items[--b->nr];
			if (b->keys)
				b->keys[j] = b->keys[b->nr];
			return 1;
		}
	}
	return 0;
}

/* take_match_keyed() for a match that does not imply equal keys: every finding is compared. */
static int take_match(struct finding_refs *b, const struct finding *x,
		      finding_match_fn *same, const void *data)
{
	uint64_t *keys = b->keys;
	size_t j;

	for (j = 0; j < b->nr; j++) {
		if (same(x, b->items[j], data)) {
			b->items[j] = b->items[--b->nr];
			if (keys)
				keys[j] = keys[b->nr];
			return 1;
		}
	}
	return 0;
}

static int same_respelt(const struct finding *x, const struct finding *y, const void *data)
{
	(void)data;
	return text_equal(x->model, y->model) && same_but_model(x, y);
}

/*
 * Clears the findings left in a and b that differ only in how a benchmark
 * name is spelt ("Social IQA" and "Social IQa" are one benchmark): the
 * fingerprint takes the name as written, but renaming it fixes nothing.
 */
static void match_respelt(struct finding_refs *a, struct finding_refs *b)
{
	size_t i, na = 0;

	refs_fill_keys(b);
	for (i = 0; i < a->nr; i++) {
		const struct finding *x = a->items[i];

		if (!x->benchmark || !take_match_keyed(b, finding_key(x), x, same_respelt, NULL))
			a->items[na++] = x;
	}
	a->nr = na;
}

/*
 * Clears, in a and b, the findings that match one to one by fingerprint,
 * leaving only those found on one side.
 */
static void match_findings(struct finding_refs *a, struct finding_refs *b)
{
	size_t i = 0, j = 0, na = 0, nb = 0;

	/* qsort() must not be given a NULL array, even an empty one. */
	if (a->nr > 1)
		qsort(a->items, a->nr, sizeof(*a->items), compare_fingerprints);
	if (b->nr > 1)
		qsort(b->items, b->nr, sizeof(*b->items), compare_fingerprints);
	while (i < a->nr && j < b->nr) {
		int c = memcmp(a->items[i]->fingerprint, b->items[j]->fingerprint,
			       FINGERPRINT_LEN);

		if (c < 0) {
			a->items[na++] = a->items[i++];
		} else if (c > 0) {
			b->items[nb++] = b->items[j++];
		} else {
			i++;
			j++;
		}
	}
	while (i < a->nr)
		a->items[na++] = a->items[i++];
	while (j < b->nr)
		b->items[nb++] = b->items[j++];
	a->nr = na;
	b->nr = nb;
	match_respelt(a, b);
}

/* Reports whether y is x with the model id new_id in place of its own. */
static int same_renamed(const struct finding *x, const struct finding *y, const void *new_id)
{
	return text_equal(y->model, new_id) && same_but_model(x, y);
}

/*
 * Clears the findings left in a (old) and b (new) that differ only in the
 * id of a model renamed by one of changes: renaming a model fixes none of
 * its findings and introduces none.
 */
static void match_renamed(struct finding_refs *a, struct finding_refs *b,
			  const struct change_list *changes)
{
	const struct change **renames = NULL;
	size_t i, k, nrenames = 0, na = 0;

	for (i = 0; i < changes->nr; i++) {
		if (changes->items[i].kind == CHANGE_MODEL && changes->items[i].op == CHANGE_RENAMED) {
			renames = xrealloc(renames, xmul(nrenames + 1, sizeof(*renames)));
			renames[nrenames++] = &changes->items[i];
		}
	}
	for (i = 0; i < a->nr && nrenames; i++) {
		const struct finding *x = a->items[i];
		const char *id = NULL;

		for (k = 0; k < nrenames && !id; k++)
			if (text_equal(renames[k]->old, x->model))
				id = renames[k]->new;
		if (!id || !take_match(b, x, same_renamed, id))
			a->items[na++] = x;
	}
	if (nrenames)
		a->nr = na;
	free(renames);
}

/* Returns the source of score s as the findings about it name it: its URL when it has one. */
static const char *finding_source(const struct score *s)
{
	return s->source_url ? s->source_url : s->source.s;
}

/* Reports whether finding f is about score s of the model with id model. */
static int about_score(const struct finding *f, const char *model, const struct score *s)
{
	return f->benchmark && s->canonical && text_equal(f->model, model) &&
	       benchmark_names_equal(f->benchmark, s->canonical) &&
	       text_equal(f->variant, s->variant.s) && text_equal(f->source, finding_source(s));
}

/* Reports whether y, a new finding, is old finding x of the score that change c paired. */
static int same_paired(const struct finding *x, const struct finding *y, const void *change)
{
	const struct change *c = change;

	return y->rule == x->rule && text_equal(y->field, x->field) &&
	       text_equal(y->value, x->value) &&
	       about_score(y, c->new_model->id.s, c->new_score);
}

/*
 * Clears the findings left in a (old) and b (new) that are about two
 * scores paired by one of changes, and differ only in what the change
 * changed: the variant, the source, or its URL. The fingerprint includes
 * all three, but relabelling a score fixes none of its findings.
 */
static void match_paired(struct finding_refs *a, struct finding_refs *b,
			 const struct change_list *changes)
{
	/* Per change, the keys of the findings about its old and its new score. */
	uint64_t *old_keys, *new_keys;
	unsigned char *paired;
	size_t i, k, na = 0;

	if (!a->nr || !b->nr)
		return;
	old_keys = xcalloc(changes->nr + 1, sizeof(*old_keys));
	new_keys = xcalloc(changes->nr + 1, sizeof(*new_keys));
	paired = xcalloc(changes->nr + 1, 1);
	for (k = 0; k < changes->nr; k++) {
		const struct change *c = &changes->items[k];

		if (c->kind != CHANGE_SCORE || c->op != CHANGE_CHANGED || !c->old_score ||
		    !c->new_score)
			continue;
		paired[k] = 1;
		old_keys[k] = score_key(c->old_model->id.s, c->old_score->canonical,
					c->old_score->variant.s, finding_source(c->old_score));
		new_keys[k] = score_key(c->new_model->id.s, c->new_score->canonical,
					c->new_score->variant.s, finding_source(c->new_score));
	}
	for (i = 0; i < a->nr; i++) {
		const struct finding *x = a->items[i];
		uint64_t key = x->benchmark ? finding_key(x) : 0;
		int matched = 0;

		for (k = 0; k < changes->nr && !matched && x->benchmark; k++) {
			const struct change *c = &changes->items[k];

			if (paired[k] && old_keys[k] == key &&
			    about_score(x, c->old_model->id.s, c->old_score))
				matched = take_match_keyed(b, new_keys[k], x, same_paired, c);
		}
		if (!matched)
			a->items[na++] = x;
	}
	a->nr = na;
	free(old_keys);
	free(new_keys);
	free(paired);
}

static void describe_score(struct buf *out, const struct score *s)
{
	buf_adds_escaped(out, s->benchmark.s ? s->benchmark.s : "?");
	if (s->variant.s) {
		buf_adds(out, " (");
		buf_adds_escaped(out, s->variant.s);
		buf_addch(out, ')');
	}
}

static void score_context(struct finding_context *ctx, const char *model,
			  const struct score *s, const char *field)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->model = model;
	ctx->benchmark = s->benchmark.s;
	ctx->variant = s->variant.s;
	ctx->source = s->source_url ? s->source_url : s->source.s;
	ctx->field = field;
}

static void check_score_date(struct finding_list *out, const struct change *c,
			     long commit_day, const char *commit_date)
{
	const struct score *s = c->new_score;
	struct finding_context ctx;
	struct buf what = BUF_INIT;
	long day;

	if (!s->date.s || date_parse(s->date.s, &day) != 0 || day <= commit_day)
		return;
	describe_score(&what, s);
	buf_adds(&what, " is dated ");
	buf_adds_escaped(&what, s->date.s);
	score_context(&ctx, c->model, s, "date");
	ctx.value = s->date.s;
	finding_add(out, RULE_DATE_AFTER_COMMIT, c->path, s->date.pos, &ctx,
		    "score of %s, after its commit (%s)", what.ptr, commit_date);
	buf_release(&what);
}

/*
 * Appends the findings of the history rules to out: the changes only the
 * commit context can judge. commit_time is the committer's time as
 * seconds since the epoch, already shifted to the committer's time zone,
 * or NO_COMMIT_TIME. Without a commit, date-after-commit does not apply:
 * a date after today is check's date-in-future.
 */
static void history_findings(struct finding_list *out,
			     const struct change_list *changes, long long commit_time)
{
	const struct score *last = NULL;
	int dated = commit_time != NO_COMMIT_TIME;
	long commit_day = 0;
	char commit_date[16] = "";
	struct tm tm;
	size_t i;

	if (dated) {
		time_t t;

		commit_day = (long)(commit_time >= 0 ? commit_time / 86400 :
				    -((-commit_time + 86399) / 86400));
		t = (time_t)commit_day * 86400;
		/*
		 * A year past the range of an int has no struct tm. No score
		 * date comes after it, so the empty date is never shown.
		 */
		if (gmtime_r(&t, &tm))
			strftime(commit_date, sizeof(commit_date), "%Y-%m-%d", &tm);
	}

	for (i = 0; i < changes->nr; i++) {
		const struct change *c = &changes->items[i];
		struct finding_context ctx;
		struct buf what = BUF_INIT;

		if (c->kind == CHANGE_MODEL && c->op == CHANGE_REMOVED) {
			memset(&ctx, 0, sizeof(ctx));
			ctx.model = c->model;
			buf_adds_escaped(&what, c->model ? c->model : "(no id)");
			finding_add(out, RULE_MODEL_REMOVED, c->path, c->pos, &ctx,
				    "model %s was removed", what.ptr);
			buf_release(&what);
			continue;
		}
		if (c->kind == CHANGE_MODEL && c->op == CHANGE_ADDED) {
			/* A model added with its scores adds each of them. */
			struct change score = *c;
			size_t k;

			for (k = 0; k < c->new_model->nscores && dated; k++) {
				score.new_score = &c->new_model->scores[k];
				check_score_date(out, &score, commit_day, commit_date);
			}
			continue;
		}
		if (c->kind != CHANGE_SCORE)
			continue;
		if (c->op == CHANGE_REMOVED) {
			const char *was = c->old_score->value.s;

			describe_score(&what, c->old_score);
			buf_adds(&what, " was removed (it was ");
			buf_adds_escaped(&what, was ? was : "empty");
			score_context(&ctx, c->model, c->old_score, NULL);
			finding_add(out, RULE_SCORE_REMOVED, c->path, c->pos, &ctx,
				    "score of %s)", what.ptr);
			buf_release(&what);
			continue;
		}
		/* A changed score has one change per field: judge its date once. */
		if (c->new_score != last && dated)
			check_score_date(out, c, commit_day, commit_date);
		last = c->new_score;
		if (c->op == CHANGE_CHANGED && !strcmp(c->field, "score")) {
			const struct score *a = c->old_score, *b = c->new_score;
			const char *sa = a->source_url ? a->source_url : a->source.s;
			const char *sb = b->source_url ? b->source_url : b->source.s;

			if ((a->date.s == b->date.s || (a->date.s && b->date.s && !strcmp(a->date.s, b->date.s))) &&
			    (sa == sb || (sa && sb && !strcmp(sa, sb)))) {
				describe_score(&what, b);
				buf_adds(&what, " changed from ");
				buf_adds_escaped(&what, a->value.s ? a->value.s : "empty");
				buf_adds(&what, " to ");
				buf_adds_escaped(&what, b->value.s ? b->value.s : "empty");
				score_context(&ctx, c->model, b, "score");
				ctx.value = b->value.s;
				finding_add(out, RULE_SCORE_CHANGED_WITHOUT_SOURCE, c->path,
					    b->value.pos, &ctx,
					    "score of %s with the same date and source", what.ptr);
			}
		}
		buf_release(&what);
	}
}

/* ---- what a commit changed -------------------------------------------- */

/*
 * The models of two sides, split into unchanged pairs and changed models.
 * A pair is one model on both sides, or two built from the same text (the
 * same origin), which semdiff_models() takes as unchanged. Pairs keep the
 * order of both sides, and only models with an id are paired. Pairs add
 * the same to both sides of a comparison. So when the conditions below
 * hold, comparing the changed models alone gives the same changes and
 * findings as comparing every model.
 */
struct side_delta {
	struct model **old_models;	/* changed, in the old side's order */
	const void **old_origins;
	size_t nold;
	struct model **new_models;	/* changed, in the new side's order */
	const void **new_origins;
	size_t nnew;
	/*
	 * No changed model has the id of a paired one, so id matching pairs
	 * changed models only with changed models.
	 */
	int models_apart;
	/*
	 * Also: no file has inline suppressions, and either both sides have
	 * the same ids and every base_model of a changed model names one of
	 * them, or every base_model names a model on both sides. The
	 * cross-model findings of the pairs are then the same on both sides.
	 */
	int checks_apart;
};

#define NO_INDEX ((size_t)-1)

static int has_id(const struct model *m)
{
	return m->id.s && *m->id.s;
}

static const void *model_key(const struct side *s, size_t i)
{
	return s->origins[i] ? s->origins[i] : (const void *)s->models[i];
}

/*
 * Sets old_paired[i] and new_paired[j] for the pairs, found greedily in
 * the new side's order: each model takes the first unpaired old model of
 * its key after the old model paired last, so pairs never cross.
 */
static void pair_models(unsigned char *old_paired, unsigned char *new_paired,
			const struct side *old, const struct side *new)
{
	size_t mask = pointer_mask(old->nr), i, j, want = 0;
	const void **keys;
	size_t *heads, *next;

	keys = xcalloc(mask + 1, sizeof(*keys));
	heads = xcalloc(mask + 1, sizeof(*heads));
	next = xcalloc(old->nr + 1, sizeof(*next));

	/*
	 * Each key heads a chain of old models in increasing order. Models of
	 * one key have one id, so only the new model's is looked at.
	 */
	for (i = old->nr; i-- > 0;) {
		size_t slot;

		slot = pointer_slot(keys, mask, model_key(old, i));
		next[i] = keys[slot] ? heads[slot] : NO_INDEX;
		keys[slot] = model_key(old, i);
		heads[slot] = i;
	}
	for (j = 0; j < new->nr; j++) {
		size_t slot;

		slot = pointer_slot(keys, mask, model_key(new, j));
		if (!keys[slot])
			continue;
		i = heads[slot];
		while (i != NO_INDEX && i < want)
			i = next[i];
		heads[slot] = i == NO_INDEX ? NO_INDEX : next[i];
		if (i == NO_INDEX || !has_id(new->models[j]))
			continue;
		old_paired[i] = 1;
		new_paired[j] = 1;
		want = i + 1;
	}
	free(keys);
	free(heads);
	free(next);
}

/* A set of strings, for the ids and base models of the changed models. */
struct name_set {
	struct name_slot {
		const char *s;
		uint64_t hash;
		int found;
	} *slots;
	size_t mask;
};

static void name_set_init(struct name_set *set, size_t count)
{
	size_t size = 16;

	while (size < count * 2)
		size *= 2;
	set->slots = xcalloc(size, sizeof(*set->slots));
	set->mask = size - 1;
}

/* Returns the slot of s: its own, or the empty one where it would go. */
static struct name_slot *name_set_slot(const struct name_set *set, const char *s,
				       uint64_t hash)
{
	size_t i = hash & set->mask;

	while (set->slots[i].s && (set->slots[i].hash != hash || strcmp(set->slots[i].s, s)))
		i = (i + 1) & set->mask;
	return &set->slots[i];
}

static void name_set_add(struct name_set *set, const char *s)
{
	uint64_t hash = text_hash(s, strlen(s));
	struct name_slot *slot = name_set_slot(set, s, hash);

	slot->s = s;
	slot->hash = hash;
}

static struct name_slot *name_set_find_hashed(const struct name_set *set, const char *s,
					      uint64_t hash)
{
	struct name_slot *slot = name_set_slot(set, s, hash);

	return slot->s ? slot : NULL;
}

static struct name_slot *name_set_find(const struct name_set *set, const char *s)
{
	return name_set_find_hashed(set, s, text_hash(s, strlen(s)));
}

static int compare_strings(const void *x, const void *y)
{
	const char *const *a = x, *const *b = y;

	return strcmp(*a, *b);
}

/* Reports whether the changed models of both sides have the same ids, counted with repeats. */
static int same_changed_ids(const struct side_delta *d)
{
	const char **a = xcalloc(d->nold + 1, sizeof(*a));
	const char **b = xcalloc(d->nnew + 1, sizeof(*b));
	size_t i, na = 0, nb = 0;
	int same;

	for (i = 0; i < d->nold; i++)
		if (has_id(d->old_models[i]))
			a[na++] = d->old_models[i]->id.s;
	for (i = 0; i < d->nnew; i++)
		if (has_id(d->new_models[i]))
			b[nb++] = d->new_models[i]->id.s;
	same = na == nb;
	if (same && na > 1) {
		qsort(a, na, sizeof(*a), compare_strings);
		qsort(b, nb, sizeof(*b), compare_strings);
	}
	for (i = 0; same && i < na; i++)
		same = !strcmp(a[i], b[i]);
	free(a);
	free(b);
	return same;
}

static int has_suppressions(const struct side *s)
{
	size_t i;

	for (i = 0; i < s->nentries; i++)
		if (s->entries[i]->suppressions.nr)
			return 1;
	return 0;
}

/*
 * Fills bases with the base models of the changed models that no changed
 * model of either side has as id, and returns how many. The pairs must
 * have them all for checks_apart.
 */
static size_t missing_bases(struct name_set *bases, const struct side_delta *d,
			    const struct name_set *ids)
{
	size_t i, n = 0;

	name_set_init(bases, d->nold + d->nnew);
	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];

		if (!m->base_model.s || !*m->base_model.s || name_set_find(ids, m->base_model.s))
			continue;
		if (!name_set_find(bases, m->base_model.s)) {
			name_set_add(bases, m->base_model.s);
			n++;
		}
	}
	return n;
}

/* Reports whether id names one of the n models. */
static int names_model(struct model *const *models, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (models[i]->id.s && !strcmp(models[i]->id.s, id))
			return 1;
	return 0;
}

/*
 * Reports whether the cross-model findings of the pairs are the same on
 * both sides although the ids of the changed models differ (models added,
 * removed or renamed). That holds when every base_model resolves on both
 * sides, so that none is reported. The base of a pair must name a pair
 * (pairs is the set of their ids) or a changed model on each side. The
 * base of a changed model must name a pair or a changed model of its side.
 */
static int other_ids_apart(const struct side_delta *d, const struct side *new,
			   const unsigned char *new_paired, const struct name_set *pairs)
{
	size_t i;

	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];
		const char *base = m->base_model.s;

		if (!base || !*base || name_set_find(pairs, base))
			continue;
		if (i < d->nold ? !names_model(d->old_models, d->nold, base) :
				  !names_model(d->new_models, d->nnew, base))
			return 0;
	}
	for (i = 0; i < new->nr; i++) {
		const char *base = new->models[i]->base_model.s;

		if (!new_paired[i] || !base || !*base || name_set_find(pairs, base))
			continue;
		if (!names_model(d->old_models, d->nold, base) ||
		    !names_model(d->new_models, d->nnew, base))
			return 0;
	}
	return 1;
}

/* Fills d for two sides; see struct side_delta. */
static void side_delta_fill(struct side_delta *d, const struct side *old,
			    const struct side *new, int checks)
{
	unsigned char *old_paired = xcalloc(old->nr + 1, 1);
	unsigned char *new_paired = xcalloc(new->nr + 1, 1);
	struct name_set ids, bases, pairs;
	size_t i, pending = 0;
	int same_ids;

	memset(d, 0, sizeof(*d));
	memset(&bases, 0, sizeof(bases));
	memset(&pairs, 0, sizeof(pairs));
	pair_models(old_paired, new_paired, old, new);
	d->old_models = xcalloc(old->nr + 1, sizeof(*d->old_models));
	d->old_origins = xcalloc(old->nr + 1, sizeof(*d->old_origins));
	d->new_models = xcalloc(new->nr + 1, sizeof(*d->new_models));
	d->new_origins = xcalloc(new->nr + 1, sizeof(*d->new_origins));
	for (i = 0; i < old->nr; i++) {
		if (old_paired[i])
			continue;
		d->old_models[d->nold] = old->models[i];
		d->old_origins[d->nold++] = old->origins[i];
	}
	for (i = 0; i < new->nr; i++) {
		if (new_paired[i])
			continue;
		d->new_models[d->nnew] = new->models[i];
		d->new_origins[d->nnew++] = new->origins[i];
	}

	name_set_init(&ids, d->nold + d->nnew);
	for (i = 0; i < d->nold; i++)
		if (d->old_models[i]->id.s)
			name_set_add(&ids, d->old_models[i]->id.s);
	for (i = 0; i < d->nnew; i++)
		if (d->new_models[i]->id.s)
			name_set_add(&ids, d->new_models[i]->id.s);
	/*
	 * Both sides have the same ids when their changed models do, and the
	 * base models that those lack must be ids of pairs. Otherwise every
	 * id of the pairs is collected for other_ids_apart().
	 */
	d->checks_apart = checks && !has_suppressions(old) && !has_suppressions(new);
	same_ids = d->checks_apart && same_changed_ids(d);
	if (same_ids)
		pending = missing_bases(&bases, d, &ids);
	else if (d->checks_apart)
		name_set_init(&pairs, new->nr);

	/* The pairs have the same ids on both sides: one side's are enough. */
	d->models_apart = 1;
	for (i = 0; i < new->nr; i++) {
		const char *id = new->models[i]->id.s;
		struct name_slot *slot;
		uint64_t hash;

		if (!new_paired[i])
			continue;
		hash = text_hash(id, strlen(id));
		if (name_set_find_hashed(&ids, id, hash)) {
			d->models_apart = 0;
			break;
		}
		if (pairs.slots) {
			slot = name_set_slot(&pairs, id, hash);
			slot->s = id;
			slot->hash = hash;
		}
		slot = pending ? name_set_find_hashed(&bases, id, hash) : NULL;
		if (slot && !slot->found) {
			slot->found = 1;
			pending--;
		}
	}
	if (same_ids)
		d->checks_apart = d->models_apart && !pending;
	else
		d->checks_apart = d->checks_apart && d->models_apart &&
				  other_ids_apart(d, new, new_paired, &pairs);
	free(ids.slots);
	free(bases.slots);
	free(pairs.slots);
	free(old_paired);
	free(new_paired);
}

static void side_delta_release(struct side_delta *d)
{
	free(d->old_models);
	free(d->old_origins);
	free(d->new_models);
	free(d->new_origins);
}

static int compare_hashes(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y;

	return *a < *b ? -1 : *a > *b;
}

/*
 * Fills found with the cross-model findings of side s that can differ from
 * those of the other side when d->checks_apart is set: model-duplicate-id
 * among its changed models (no pair shares their ids), and
 * score-suspect-interpolated in the sibling groups (n hashes, sorted) of
 * the changed models of both sides. A group has one family, so only the
 * models of the families of the changed models (nfamilies, distinct) are
 * read, unless there are more than FAMILIES_MAX of them.
 */
#define FAMILIES_MAX 64

static int in_families(const char *const *families, size_t n, const char *family)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (families[i][0] == family[0] && !strcmp(families[i], family))
			return 1;
	return 0;
}

static void changed_findings(struct finding_list *found, const struct side_checks *c,
			     const struct side *s, struct model **changed, size_t nchanged,
			     const uint64_t *groups, size_t n, const char *const *families,
			     size_t nfamilies)
{
	struct registry reg = REGISTRY_INIT;
	struct model **kin = NULL;
	size_t i, nkin = 0;

	reg.models = changed;
	reg.nr = nchanged;
	checks_duplicate_ids(&reg, c->rules, found);

	if (n) {
		kin = xcalloc(s->nr + 1, sizeof(*kin));
		for (i = 0; i < s->nr; i++) {
			const struct model *m = s->models[i];

			if (m->nsiblings && (nfamilies > FAMILIES_MAX ||
					     in_families(families, nfamilies, m->family.s)))
				kin[nkin++] = s->models[i];
		}
		reg.models = kin;
		reg.nr = nkin;
		checks_interpolated_groups(&reg, c->rules, groups, n, found);
		free(kin);
	}
	finding_list_finish(found, c->severity);
	drop_suppressed(found, s, NULL);
}

/* Fills old_found and new_found as changed_findings() describes. */
static void compare_checks(struct finding_list *old_found, struct finding_list *new_found,
			   const struct side_checks *c, const struct side *old,
			   const struct side *new, const struct side_delta *d)
{
	const char **families = xcalloc(d->nold + d->nnew + 1, sizeof(*families));
	uint64_t *groups = NULL;
	size_t ngroups = 0, nfamilies = 0, alloc = 0, i, k, kept = 0;

	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];

		if (!m->nsiblings)
			continue;
		/* Models with siblings have a family (checks_prepare_model()). */
		if (nfamilies <= FAMILIES_MAX && !in_families(families, nfamilies, m->family.s))
			families[nfamilies++] = m->family.s;
		XGROW(groups, alloc, ngroups + m->nsiblings);
		for (k = 0; k < m->nsiblings; k++)
			groups[ngroups++] = m->siblings[k].hash;
	}
	if (ngroups > 1)
		qsort(groups, ngroups, sizeof(*groups), compare_hashes);
	for (i = 0; i < ngroups; i++)
		if (!kept || groups[kept - 1] != groups[i])
			groups[kept++] = groups[i];

	changed_findings(old_found, c, old, d->old_models, d->nold, groups, kept, families,
			 nfamilies);
	changed_findings(new_found, c, new, d->new_models, d->nnew, groups, kept, families,
			 nfamilies);
	free(families);
	free(groups);
}

/*
 * Drops the model-removed findings of list whose model id another model of
 * side s still has: dropping one of two models that share an id removes no
 * model id from the registry. The change itself is still reported.
 */
static void drop_ids_kept(struct finding_list *list, const struct side *s)
{
	struct name_set ids;
	size_t i, remaining = 0;

	for (i = 0; i < list->nr && list->items[i].rule != RULE_MODEL_REMOVED; i++)
		;
	if (i == list->nr)
		return;
	name_set_init(&ids, s->nr);
	for (i = 0; i < s->nr; i++)
		if (has_id(s->models[i]))
			name_set_add(&ids, s->models[i]->id.s);
	for (i = 0; i < list->nr; i++) {
		struct finding *f = &list->items[i];

		if (f->rule == RULE_MODEL_REMOVED && f->model && name_set_find(&ids, f->model)) {
			finding_clear(f);
			continue;
		}
		list->items[remaining++] = *f;
	}
	list->nr = remaining;
	free(ids.slots);
}

/* Appends a shallow copy of f, whose strings stay f's. */
static void add_borrowed(struct finding_list *list, const struct finding *f)
{
	XGROW(list->items, list->alloc, list->nr + 1);
	list->items[list->nr++] = *f;
}

void history_compare_sides(struct history_step *step, struct finding_list *owned,
			   const struct side_checks *c, struct side *old, struct side *new,
			   long long commit_time)
{
	struct finding_refs old_refs = { NULL, NULL, 0, 0 }, new_refs = { NULL, NULL, 0, 0 };
	struct finding_list rules_found = FINDING_LIST_INIT;
	struct finding_list old_cross = FINDING_LIST_INIT, new_cross = FINDING_LIST_INIT;
	const struct finding_list *old_found = NULL, *new_found;
	struct side_delta d;
	size_t i;

	memset(&d, 0, sizeof(d));
	if (old) {
		step->old_models = old->models;
		step->nold = old->nr;
	}
	step->new_models = new->models;
	step->nnew = new->nr;
	if (old)
		side_delta_fill(&d, old, new, !c->changes_only);
	if (d.models_apart)
		semdiff_models(&step->changes, d.old_models, d.nold, d.new_models, d.nnew,
			       d.old_origins, d.new_origins);
	else
		semdiff_models(&step->changes, old ? old->models : NULL, old ? old->nr : 0,
			       new->models, new->nr, old ? old->origins : NULL, new->origins);
	if (c->changes_only)
		goto done;

	if (d.checks_apart) {
		compare_checks(&old_cross, &new_cross, c, old, new, &d);
		old_found = &old_cross;
		new_found = &new_cross;
	} else {
		if (old)
			old_found = side_findings(c, old);
		new_found = side_findings(c, new);
	}
	if (old)
		collect_findings(&old_refs, old, old_found, new);
	collect_findings(&new_refs, new, new_found, old);
	match_findings(&old_refs, &new_refs);
	match_renamed(&old_refs, &new_refs, &step->changes);
	match_paired(&old_refs, &new_refs, &step->changes);
	for (i = 0; i < new_refs.nr; i++)
		add_borrowed(&step->introduced, new_refs.items[i]);
	for (i = 0; i < old_refs.nr; i++)
		add_borrowed(&step->fixed, old_refs.items[i]);
	/* The copies are of finished findings: they only need sorting. */
	finding_list_sort(&step->fixed);

	history_findings(&rules_found, &step->changes, commit_time);
	drop_ids_kept(&rules_found, new);
	finding_list_finish(&rules_found, c->severity);
	drop_suppressed(&rules_found, new, old);
	for (i = 0; i < rules_found.nr; i++)
		add_borrowed(&step->introduced, &rules_found.items[i]);
	finding_list_move(owned, &rules_found);
	finding_list_release(&rules_found);
	finding_list_sort(&step->introduced);

done:
	free(old_refs.items);
	free(new_refs.items);
	free(old_refs.keys);
	free(new_refs.keys);
	finding_list_move(owned, &old_cross);
	finding_list_move(owned, &new_cross);
	finding_list_release(&old_cross);
	finding_list_release(&new_cross);
	side_delta_release(&d);
}

void history_step_release(struct history_step *step, struct finding_list *owned)
{
	change_list_release(&step->changes);
	free(step->introduced.items);
	free(step->fixed.items);
	finding_list_release(owned);
	memset(step, 0, sizeof(*step));
}
