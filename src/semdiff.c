#include "semdiff.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
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

static int str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

/* Compares benchmark names the way the catalogue matches them: ignoring case and " -_/". */
static int benchmark_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	for (;;) {
		while (*a && strchr(" -_/", *a))
			a++;
		while (*b && strchr(" -_/", *b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

static const char *score_source(const struct score *s)
{
	return s->source_url ? s->source_url : s->source.s;
}

static const char *score_benchmark(const struct score *s)
{
	return s->canonical ? s->canonical : s->benchmark.s;
}

int semdiff_same_identity(const struct score *a, const struct score *b)
{
	return benchmark_equal(score_benchmark(a), score_benchmark(b)) &&
	       str_equal(a->variant.s, b->variant.s) &&
	       str_equal(score_source(a), score_source(b));
}

static int value_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return decimal_equal(a, b);
}

/* ---- fields of a model ------------------------------------------------ */

static void diff_text(struct change_list *out, const struct model *old,
		      const struct model *new, const char *name,
		      const struct text *a, const struct text *b)
{
	struct change *c;

	if (str_equal(a->s, b->s))
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

		if (o && str_equal(o->value, f->value))
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

	if (str_equal(x->s, y->s))
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
		if (!str_equal(a->source.s, b->source.s)) {
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

static void score_field(struct change_list *out, const struct model *old,
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
}

static void diff_score_pair(struct change_list *out, const struct model *old,
			    const struct model *new, const struct score *a,
			    const struct score *b)
{
	if (!value_equal(a->value.s, b->value.s))
		score_field(out, old, new, a, b, "score", &a->value, &b->value);
	if (!str_equal(a->date.s, b->date.s))
		score_field(out, old, new, a, b, "date", &a->date, &b->date);
	if (!str_equal(score_source(a), score_source(b)))
		score_field(out, old, new, a, b, "source", &a->source, &b->source);
	if (!str_equal(a->variant.s, b->variant.s))
		score_field(out, old, new, a, b, "variant", &a->variant, &b->variant);
	if (!benchmark_equal(score_benchmark(a), score_benchmark(b)))
		score_field(out, old, new, a, b, "benchmark", &a->benchmark, &b->benchmark);
	if (!str_equal(a->reported_by.s, b->reported_by.s))
		score_field(out, old, new, a, b, "reported_by", &a->reported_by, &b->reported_by);
}

/* Counts the unmatched scores of benchmark in m. */
static size_t count_left(const struct model *m, const size_t *match,
			 const char *benchmark)
{
	size_t i, n = 0;

	for (i = 0; i < m->nscores; i++)
		if (match[i] == (size_t)-1 &&
		    benchmark_equal(score_benchmark(&m->scores[i]), benchmark))
			n++;
	return n;
}

/*
 * Fills old_match[i] with the index of the new score paired with old score
 * i (or -1), in three passes of decreasing strictness.
 */
static void pair_scores(size_t *old_match, size_t *new_match,
			const struct model *old, const struct model *new)
{
	size_t i, j;
	int pass;

	for (i = 0; i < old->nscores; i++)
		old_match[i] = (size_t)-1;
	for (j = 0; j < new->nscores; j++)
		new_match[j] = (size_t)-1;

	for (pass = 0; pass < 3; pass++) {
		for (j = 0; j < new->nscores; j++) {
			const struct score *b = &new->scores[j];

			if (new_match[j] != (size_t)-1)
				continue;
			for (i = 0; i < old->nscores; i++) {
				const struct score *a = &old->scores[i];
				int ok;

				if (old_match[i] != (size_t)-1)
					continue;
				if (pass == 0) {
					ok = semdiff_same_identity(a, b);
				} else {
					ok = benchmark_equal(score_benchmark(a), score_benchmark(b));
					if (ok && pass == 1)
						ok = str_equal(a->variant.s, b->variant.s) ||
						     str_equal(score_source(a), score_source(b));
					if (ok && pass == 2)
						ok = count_left(old, old_match, score_benchmark(a)) == 1 &&
						     count_left(new, new_match, score_benchmark(b)) == 1;
				}
				if (ok) {
					old_match[i] = j;
					new_match[j] = i;
					break;
				}
			}
		}
	}
}

static void diff_scores(struct change_list *out, const struct model *old,
			const struct model *new)
{
	size_t *old_match = xcalloc(old->nscores + 1, sizeof(size_t));
	size_t *new_match = xcalloc(new->nscores + 1, sizeof(size_t));
	size_t i, j;

	pair_scores(old_match, new_match, old, new);
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
		if (str_equal(m->sources[i].url.s, url))
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
		return str_equal(a->name.s, b->name.s);
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

	/* Pair what is left as renames, in the new registry's order. */
	for (j = 0; j < nnew; j++) {
		if (new_match[j] != (size_t)-1)
			continue;
		for (i = 0; i < nold; i++) {
			if (old_match[i] != (size_t)-1 || !looks_renamed(old[i], new[j]))
				continue;
			old_match[i] = j;
			new_match[j] = i;
			break;
		}
	}

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
		if (!str_equal(old[new_match[j]]->id.s, m->id.s)) {
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
