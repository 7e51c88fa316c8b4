#include "semdiff.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "textutil.h"
#include "values.h"

const char *change_op_name(enum change_op op)
{
	static const char *const names[] = { "added", "removed", "changed", "renamed" };

	return names[op];
}

const char *change_kind_name(enum change_kind kind)
{
	static const char *const names[] = { "model", "score", "source", "spec", "field" };

	return names[kind];
}

void change_list_release(struct change_list *list)
{
	free(list->items);
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}

static struct change *change_add(struct change_list *out, enum change_op op,
				 enum change_kind kind, const struct model *old,
				 const struct model *new)
{
	struct change *c;

	XGROW(out->items, out->alloc, out->nr + 1);
	c = &out->items[out->nr++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->kind = kind;
	c->old_model = old;
	c->new_model = new;
	c->model = new ? new->id.s : old->id.s;
	c->path = new ? new->path : old->path;
	c->pos = new ? new->pos : old->pos;
	return c;
}

static const char *score_source(const struct score *s)
{
	return s->source_url ? s->source_url : s->source.s;
}

static const char *score_benchmark(const struct score *s)
{
	return s->canonical ? s->canonical : s->benchmark.s;
}

/*
 * The same name as written is the same benchmark, and most scores of a
 * changed model keep theirs: strcmp() settles them before the slower
 * comparison that ignores case and separators.
 */
static int same_benchmark(const char *a, const char *b)
{
	if (a && b && !strcmp(a, b))
		return 1;
	return benchmark_names_equal(a, b);
}

int semdiff_same_identity(const struct score *a, const struct score *b)
{
	return same_benchmark(score_benchmark(a), score_benchmark(b)) &&
	       text_equal(a->variant.s, b->variant.s) &&
	       text_equal(score_source(a), score_source(b));
}

/* Equal text is an equal value, which spares most calls the parse of decimal_equal(). */
static int value_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b) || decimal_equal(a, b);
}

/* ---- fields of a model ------------------------------------------------ */

static void diff_text(struct change_list *out, const struct model *old,
		      const struct model *new, const char *name,
		      const struct text *a, const struct text *b)
{
	struct change *c;

	if (text_equal(a->s, b->s))
		return;
	c = change_add(out, CHANGE_CHANGED, CHANGE_FIELD, old, new);
	c->field = name;
	c->old = a->s;
	c->new = b->s;
	if (b->s)
		c->pos = b->pos;
}

static const struct field *find_field(const struct model *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nfields; i++)
		if (!strcmp(m->fields[i].key, key))
			return &m->fields[i];
	return NULL;
}

static void diff_fields(struct change_list *out, const struct model *old,
			const struct model *new)
{
	size_t i;

	diff_text(out, old, new, "name", &old->name, &new->name);
	diff_text(out, old, new, "organization", &old->organization, &new->organization);
	diff_text(out, old, new, "released", &old->released, &new->released);
	diff_text(out, old, new, "family", &old->family, &new->family);
	diff_text(out, old, new, "base_model", &old->base_model, &new->base_model);

	for (i = 0; i < new->nfields; i++) {
		const struct field *f = &new->fields[i];
		const struct field *o = find_field(old, f->key);
		struct change *c;

		if (o && text_equal(o->value, f->value))
			continue;
		c = change_add(out, o ? CHANGE_CHANGED : CHANGE_ADDED, CHANGE_FIELD, old, new);
		c->field = f->key;
		c->old = o ? o->value : NULL;
		c->new = f->value;
		c->pos = f->pos;
	}
	for (i = 0; i < old->nfields; i++) {
		const struct field *o = &old->fields[i];
		struct change *c;

		if (find_field(new, o->key))
			continue;
		c = change_add(out, CHANGE_REMOVED, CHANGE_FIELD, old, new);
		c->field = o->key;
		c->old = o->value;
	}
}

/* ---- sources ---------------------------------------------------------- */

static void diff_source_text(struct change_list *out, const struct model *old,
			     const struct model *new, const struct source *b,
			     const char *name, const struct text *x,
			     const struct text *y)
{
	struct change *c;

	if (text_equal(x->s, y->s))
		return;
	c = change_add(out, CHANGE_CHANGED, CHANGE_SOURCE, old, new);
	c->source = b->id.s;
	c->field = name;
	c->old = x->s;
	c->new = y->s;
	c->pos = y->s ? y->pos : b->pos;
}

static void diff_sources(struct change_list *out, const struct model *old,
			 const struct model *new)
{
	size_t i;

	for (i = 0; i < new->nsources; i++) {
		const struct source *b = &new->sources[i];
		const struct source *a = b->id.s ? model_find_source(old, b->id.s) : NULL;
		struct change *c;

		if (!a) {
			c = change_add(out, CHANGE_ADDED, CHANGE_SOURCE, old, new);
			c->source = b->id.s;
			c->new = b->url.s;
			c->pos = b->pos;
			continue;
		}
		diff_source_text(out, old, new, b, "url", &a->url, &b->url);
		diff_source_text(out, old, new, b, "title", &a->title, &b->title);
		diff_source_text(out, old, new, b, "published", &a->published, &b->published);
	}
	for (i = 0; i < old->nsources; i++) {
		const struct source *a = &old->sources[i];
		struct change *c;

		if (a->id.s && model_find_source(new, a->id.s))
			continue;
		c = change_add(out, CHANGE_REMOVED, CHANGE_SOURCE, old, new);
		c->source = a->id.s;
		c->old = a->url.s;
		c->path = old->path;
		c->pos = a->pos;
	}
}

/* ---- specs ------------------------------------------------------------ */

static int spec_value_equal(const char *key, const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	if (!strcmp(a, b))
		return 1;
	if (!strcmp(key, "total_params") || !strcmp(key, "active_params") ||
	    !strcmp(key, "pretraining_tokens"))
		return count_equal(a, b, 0);
	if (!strcmp(key, "context_window"))
		return count_equal(a, b, 1);
	return 0;
}

static void diff_specs(struct change_list *out, const struct model *old,
		       const struct model *new)
{
	size_t i;

	for (i = 0; i < new->nspecs; i++) {
		const struct spec *b = &new->specs[i];
		const struct spec *a = b->key.s ? model_find_spec(old, b->key.s) : NULL;
		struct change *c;

		if (!a) {
			c = change_add(out, CHANGE_ADDED, CHANGE_SPEC, old, new);
			c->field = b->key.s;
			c->new = b->value.s;
			c->pos = b->key.pos;
			continue;
		}
		if (!spec_value_equal(b->key.s, a->value.s, b->value.s)) {
			c = change_add(out, CHANGE_CHANGED, CHANGE_SPEC, old, new);
			c->field = b->key.s;
			c->old = a->value.s;
			c->new = b->value.s;
			c->pos = b->value.s ? b->value.pos : b->key.pos;
		}
		if (!text_equal(a->source.s, b->source.s)) {
			c = change_add(out, CHANGE_CHANGED, CHANGE_SPEC, old, new);
			c->field = b->key.s;
			c->subfield = "source";
			c->old = a->source.s;
			c->new = b->source.s;
			c->pos = b->source.s ? b->source.pos : b->key.pos;
		}
	}
	for (i = 0; i < old->nspecs; i++) {
		const struct spec *a = &old->specs[i];
		struct change *c;

		if (a->key.s && model_find_spec(new, a->key.s))
			continue;
		c = change_add(out, CHANGE_REMOVED, CHANGE_SPEC, old, new);
		c->field = a->key.s;
		c->old = a->value.s;
		c->path = old->path;
		c->pos = a->key.pos;
	}
}

/* ---- scores ----------------------------------------------------------- */

static struct change *score_change(struct change_list *out, enum change_op op,
				   const struct model *old, const struct model *new,
				   const struct score *a, const struct score *b)
{
	struct change *c = change_add(out, op, CHANGE_SCORE, old, new);
	const struct score *s = b ? b : a;

	c->old_score = a;
	c->new_score = b;
	c->benchmark = s->benchmark.s;
	c->variant = s->variant.s;
	c->pos = s->pos;
	if (!b)
		c->path = old->path;
	return c;
}

static struct change *score_field(struct change_list *out, const struct model *old,
				  const struct model *new, const struct score *a,
				  const struct score *b, const char *name,
				  const struct text *x, const struct text *y)
{
	struct change *c = score_change(out, CHANGE_CHANGED, old, new, a, b);

	c->field = name;
	c->old = x->s;
	c->new = y->s;
	if (y->s)
		c->pos = y->pos;
	return c;
}

static void diff_score_pair(struct change_list *out, const struct model *old,
			    const struct model *new, const struct score *a,
			    const struct score *b)
{
	if (!value_equal(a->value.s, b->value.s))
		score_field(out, old, new, a, b, "score", &a->value, &b->value);
	if (!text_equal(a->date.s, b->date.s))
		score_field(out, old, new, a, b, "date", &a->date, &b->date);
	if (!text_equal(score_source(a), score_source(b))) {
		struct change *c = score_field(out, old, new, a, b, "source",
					       &a->source, &b->source);

		/*
		 * The same source id on both sides, whose URL changed: the
		 * change is in the URLs it stands for, so those are shown.
		 */
		if (text_equal(a->source.s, b->source.s)) {
			c->old = score_source(a);
			c->new = score_source(b);
		}
	}
	if (!text_equal(a->variant.s, b->variant.s))
		score_field(out, old, new, a, b, "variant", &a->variant, &b->variant);
	/* A respelling of one benchmark ("SocialIQA", "Social IQa") is shown too. */
	if (!text_equal(a->benchmark.s, b->benchmark.s))
		score_field(out, old, new, a, b, "benchmark", &a->benchmark, &b->benchmark);
	if (!text_equal(a->reported_by.s, b->reported_by.s))
		score_field(out, old, new, a, b, "reported_by", &a->reported_by, &b->reported_by);
}

/* A score and its benchmark as benchmark_names_equal() compares it. */
struct score_ref {
	char *key;
	size_t index;
};

static int compare_score_refs(const void *x, const void *y)
{
	const struct score_ref *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Returns the scores of m sorted by benchmark key, then by position. The
 * keys share one allocation, and the element past the last one points to it.
 */
static struct score_ref *sorted_score_refs(const struct model *m)
{
	struct score_ref *refs = xcalloc(m->nscores + 1, sizeof(*refs));
	struct buf keys = BUF_INIT;
	size_t i;
	char *key;

	/* Each key as benchmark_names_equal() compares it, "-" for none. */
	for (i = 0; i < m->nscores; i++) {
		const char *name = score_benchmark(&m->scores[i]);

		if (name)
			benchmark_name_normalise(&keys, name);
		else
			buf_addch(&keys, '-');
		buf_addch(&keys, '\0');
	}
	key = refs[m->nscores].key = buf_detach(&keys, NULL);
	for (i = 0; i < m->nscores; i++) {
		refs[i].key = key;
		refs[i].index = i;
		key += strlen(key) + 1;
	}
	qsort(refs, m->nscores, sizeof(*refs), compare_score_refs);
	return refs;
}

static void free_score_refs(struct score_ref *refs, size_t n)
{
	free(refs[n].key);
	free(refs);
}

/* Returns the first of refs (n, sorted) whose key is key, or n. */
static size_t find_key(const struct score_ref *refs, size_t n, const char *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(refs[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Sets left[i] of each unmatched score to the unmatched scores of its benchmark. */
static void count_left(size_t *left, const struct score_ref *refs, size_t n,
		       const size_t *match)
{
	size_t first = 0, k, unmatched;

	while (first < n) {
		size_t end = first;

		unmatched = 0;
		while (end < n && !strcmp(refs[end].key, refs[first].key)) {
			if (match[refs[end].index] == (size_t)-1)
				unmatched++;
			end++;
		}
		for (k = first; k < end; k++)
			left[refs[k].index] = unmatched;
		first = end;
	}
}

/*
 * Reports whether old and new have as many scores and each score has the
 * identity of the other side's score at its index. The first pass of
 * pair_scores() then pairs them index by index: each new score in turn
 * takes the first unpaired old score of its identity, which is the one at
 * its own index. An edit of values or dates keeps the identities.
 */
static int scores_pair_in_order(const struct model *old, const struct model *new)
{
	size_t i;

	if (old->nscores != new->nscores)
		return 0;
	for (i = 0; i < new->nscores; i++)
		if (!semdiff_same_identity(&old->scores[i], &new->scores[i]))
			return 0;
	return 1;
}

/*
 * Fills old_match[i] with the index of the new score paired with old score
 * i (or -1), in three passes of decreasing strictness. Every pass pairs
 * only scores of the same benchmark, so each new score is compared with
 * the old scores of its benchmark alone, found by binary search.
 */
void semdiff_pair_scores(size_t *old_match, size_t *new_match,
			 const struct model *old, const struct model *new)
{
	struct score_ref *old_refs, *new_refs;
	char **new_keys;
	size_t *old_left, *new_left;
	size_t i, j, k;
	int pass;

	if (scores_pair_in_order(old, new)) {
		for (i = 0; i < old->nscores; i++)
			old_match[i] = new_match[i] = i;
		return;
	}
	old_refs = sorted_score_refs(old);
	new_refs = sorted_score_refs(new);
	new_keys = xcalloc(new->nscores + 1, sizeof(*new_keys));
	old_left = xcalloc(old->nscores + 1, sizeof(size_t));
	new_left = xcalloc(new->nscores + 1, sizeof(size_t));
	for (i = 0; i < old->nscores; i++)
		old_match[i] = (size_t)-1;
	for (j = 0; j < new->nscores; j++)
		new_match[j] = (size_t)-1;
	for (k = 0; k < new->nscores; k++)
		new_keys[new_refs[k].index] = new_refs[k].key;

	for (pass = 0; pass < 3; pass++) {
		/*
		 * The last pass pairs the only score of a benchmark left on each
		 * side. The counts are taken once, before it: a pair it makes
		 * leaves no score of that benchmark unmatched, so the counts of
		 * the other benchmarks do not change.
		 */
		if (pass == 2) {
			count_left(old_left, old_refs, old->nscores, old_match);
			count_left(new_left, new_refs, new->nscores, new_match);
		}
		for (j = 0; j < new->nscores; j++) {
			const struct score *b = &new->scores[j];

			if (new_match[j] != (size_t)-1)
				continue;
			k = find_key(old_refs, old->nscores, new_keys[j]);
			for (; k < old->nscores && !strcmp(old_refs[k].key, new_keys[j]); k++) {
				const struct score *a;
				int ok;

				i = old_refs[k].index;
				a = &old->scores[i];
				if (old_match[i] != (size_t)-1)
					continue;
				if (pass == 0)
					ok = text_equal(a->variant.s, b->variant.s) &&
					     text_equal(score_source(a), score_source(b));
				else if (pass == 1)
					ok = text_equal(a->variant.s, b->variant.s) ||
					     text_equal(score_source(a), score_source(b));
				else
					ok = old_left[i] == 1 && new_left[j] == 1;
				if (ok) {
					old_match[i] = j;
					new_match[j] = i;
					break;
				}
			}
		}
	}

	free_score_refs(old_refs, old->nscores);
	free_score_refs(new_refs, new->nscores);
	free(new_keys);
	free(old_left);
	free(new_left);
}

static void diff_scores(struct change_list *out, const struct model *old,
			const struct model *new)
{
	size_t *old_match = xcalloc(old->nscores + 1, sizeof(size_t));
	size_t *new_match = xcalloc(new->nscores + 1, sizeof(size_t));
	size_t i, j;

	semdiff_pair_scores(old_match, new_match, old, new);
	for (j = 0; j < new->nscores; j++) {
		if (new_match[j] == (size_t)-1) {
			struct change *c = score_change(out, CHANGE_ADDED, old, new,
							NULL, &new->scores[j]);

			c->new = new->scores[j].value.s;
			continue;
		}
		diff_score_pair(out, old, new, &old->scores[new_match[j]], &new->scores[j]);
	}
	for (i = 0; i < old->nscores; i++) {
		if (old_match[i] == (size_t)-1) {
			struct change *c = score_change(out, CHANGE_REMOVED, old, new,
							&old->scores[i], NULL);

			c->old = old->scores[i].value.s;
		}
	}
	free(old_match);
	free(new_match);
}

static void diff_model(struct change_list *out, const struct model *old,
		       const struct model *new)
{
	diff_fields(out, old, new);
	diff_sources(out, old, new);
	diff_specs(out, old, new);
	diff_scores(out, old, new);
}

/* ---- renames ---------------------------------------------------------- */

static int has_source_url(const struct model *m, const char *url)
{
	size_t i;

	for (i = 0; i < m->nsources; i++)
		if (text_equal(m->sources[i].url.s, url))
			return 1;
	return 0;
}

/*
 * Reports whether b looks like a with a new id: the same source URLs, and more
 * than half of the scores the same identity and value.
 */
static int looks_renamed(const struct model *a, const struct model *b)
{
	size_t i, j, same = 0, most;

	if (!a->nsources || a->nsources != b->nsources)
		return 0;
	for (i = 0; i < a->nsources; i++)
		if (!has_source_url(b, a->sources[i].url.s))
			return 0;
	most = a->nscores > b->nscores ? a->nscores : b->nscores;
	if (!most)
		return text_equal(a->name.s, b->name.s);
	for (i = 0; i < a->nscores; i++) {
		for (j = 0; j < b->nscores; j++) {
			if (semdiff_same_identity(&a->scores[i], &b->scores[j]) &&
			    value_equal(a->scores[i].value.s, b->scores[j].value.s)) {
				same++;
				break;
			}
		}
	}
	return same * 2 > most;
}

/*
 * A rename keeps every source URL, so the smallest source URL of the old
 * model is one of the new model's. Old models are looked up by it, so
 * that an added model is compared only with the removed models that share
 * a source, not with every removed model.
 */
struct rename_ref {
	const char *url;	/* smallest source URL, "" for a source without one */
	size_t index;		/* in the old registry */
};

static const char *source_url_key(const struct source *s)
{
	return s->url.s ? s->url.s : "";
}

static const char *smallest_source_url(const struct model *m)
{
	const char *min = NULL;
	size_t i;

	for (i = 0; i < m->nsources; i++) {
		const char *url = source_url_key(&m->sources[i]);

		if (!min || strcmp(url, min) < 0)
			min = url;
	}
	return min;
}

static int compare_rename_refs(const void *x, const void *y)
{
	const struct rename_ref *a = x, *b = y;
	int c = strcmp(a->url, b->url);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* Returns the first of refs (n, sorted) whose url is url, or n. */
static size_t find_rename_url(const struct rename_ref *refs, size_t n, const char *url)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(refs[mid].url, url) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Returns the first ref at or after k whose old model is still unmatched,
 * or n. next[] links each ref to a later one, and every ref between the
 * two is matched. The links are shortened on the way, so skipping the
 * models matched earlier costs nearly nothing.
 */
static size_t next_unmatched(size_t *next, const struct rename_ref *refs, size_t n,
			     const size_t *old_match, size_t k)
{
	size_t root = k, t;

	while (root < n && old_match[refs[root].index] != (size_t)-1)
		root = next[root];
	while (k < n && k != root) {
		t = next[k];
		next[k] = root;
		k = t;
	}
	return root;
}

/*
 * Pairs the models left unmatched as renames, in the new registry's order:
 * each added model with the first removed model, in the old registry's
 * order, that looks_renamed(). The candidates are the removed models whose
 * smallest source URL is one of the added model's URLs, merged in order.
 */
static void pair_renames(size_t *old_match, size_t *new_match,
			 struct model *const *old, size_t nold,
			 struct model *const *new, size_t nnew)
{
	struct rename_ref *refs = xcalloc(nold + 1, sizeof(*refs));
	size_t *next = xcalloc(nold + 1, sizeof(size_t));
	size_t *heads = NULL, heads_alloc = 0;
	const char **urls = NULL;
	size_t urls_alloc = 0, nrefs = 0, i, j, k;

	for (i = 0; i < nold; i++) {
		if (old_match[i] != (size_t)-1 || !old[i]->nsources)
			continue;
		refs[nrefs].url = smallest_source_url(old[i]);
		refs[nrefs].index = i;
		nrefs++;
	}
	qsort(refs, nrefs, sizeof(*refs), compare_rename_refs);
	for (k = 0; k < nrefs; k++)
		next[k] = k + 1;

	for (j = 0; j < nnew; j++) {
		const struct model *m = new[j];
		size_t nurls = 0, s, t;

		if (new_match[j] != (size_t)-1 || !m->nsources)
			continue;

		/* One head per distinct source URL: its next unmatched candidate. */
		XGROW(urls, urls_alloc, m->nsources);
		XGROW(heads, heads_alloc, m->nsources);
		for (s = 0; s < m->nsources; s++) {
			const char *url = source_url_key(&m->sources[s]);

			for (t = 0; t < nurls && strcmp(urls[t], url); t++)
				;
			if (t < nurls)
				continue;
			urls[nurls] = url;
			heads[nurls] = next_unmatched(next, refs, nrefs, old_match,
						      find_rename_url(refs, nrefs, url));
			nurls++;
		}

		for (;;) {
			size_t best = nurls;

			for (t = 0; t < nurls; t++) {
				if (heads[t] >= nrefs || strcmp(refs[heads[t]].url, urls[t]))
					continue;
				if (best == nurls || refs[heads[t]].index < refs[heads[best]].index)
					best = t;
			}
			if (best == nurls)
				break;
			i = refs[heads[best]].index;
			if (looks_renamed(old[i], m)) {
				old_match[i] = j;
				new_match[j] = i;
				break;
			}
			heads[best] = next_unmatched(next, refs, nrefs, old_match, heads[best] + 1);
		}
	}

	free(refs);
	free(next);
	free(heads);
	free(urls);
}

/* ---- models ----------------------------------------------------------- */

struct model_ref {
	struct model *m;
	size_t index;		/* in the input, to keep the registry's order */
	size_t match;		/* index in the other side, or -1 */
};

static int compare_refs(const void *x, const void *y)
{
	const struct model_ref *a = x, *b = y;
	int c = strcmp(a->m->id.s ? a->m->id.s : "", b->m->id.s ? b->m->id.s : "");

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

static struct model_ref *sorted_refs(struct model *const *models, size_t n)
{
	struct model_ref *refs = xcalloc(n + 1, sizeof(*refs));
	size_t i;

	for (i = 0; i < n; i++) {
		refs[i].m = models[i];
		refs[i].index = i;
		refs[i].match = (size_t)-1;
	}
	qsort(refs, n, sizeof(*refs), compare_refs);
	return refs;
}

void semdiff_models(struct change_list *out,
		    struct model *const *old, size_t nold,
		    struct model *const *new, size_t nnew,
		    const void *const *old_same, const void *const *new_same)
{
	struct model_ref *a = sorted_refs(old, nold), *b = sorted_refs(new, nnew);
	size_t *old_match = xcalloc(nold + 1, sizeof(size_t));
	size_t *new_match = xcalloc(nnew + 1, sizeof(size_t));
	size_t i = 0, j = 0;

	for (i = 0; i < nold; i++)
		old_match[i] = (size_t)-1;
	for (j = 0; j < nnew; j++)
		new_match[j] = (size_t)-1;

	/* Match ids by merging the two sorted lists; models without an id stay unmatched. */
	i = 0;
	j = 0;
	while (i < nold && j < nnew) {
		const char *x = a[i].m->id.s, *y = b[j].m->id.s;
		int c;

		if (!x) {
			i++;
			continue;
		}
		if (!y) {
			j++;
			continue;
		}
		c = strcmp(x, y);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			old_match[a[i].index] = b[j].index;
			new_match[b[j].index] = a[i].index;
			i++;
			j++;
		}
	}

	pair_renames(old_match, new_match, old, nold, new, nnew);

	for (j = 0; j < nnew; j++) {
		struct model *m = new[j];

		if (new_match[j] == (size_t)-1) {
			struct change *c = change_add(out, CHANGE_ADDED, CHANGE_MODEL, NULL, m);

			c->new = m->id.s;
			continue;
		}
		if (old[new_match[j]] == m)
			continue;
		if (old_same && new_same && old_same[new_match[j]] &&
		    old_same[new_match[j]] == new_same[j])
			continue;
		if (!text_equal(old[new_match[j]]->id.s, m->id.s)) {
			struct change *c = change_add(out, CHANGE_RENAMED, CHANGE_MODEL,
						      old[new_match[j]], m);

			c->old = old[new_match[j]]->id.s;
			c->new = m->id.s;
		}
		diff_model(out, old[new_match[j]], m);
	}
	for (i = 0; i < nold; i++) {
		if (old_match[i] == (size_t)-1) {
			struct change *c = change_add(out, CHANGE_REMOVED, CHANGE_MODEL, old[i], NULL);

			c->old = old[i]->id.s;
		}
	}

	free(a);
	free(b);
	free(old_match);
	free(new_match);
}
