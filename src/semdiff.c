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

/*
 * Reports whether two scores of one identity have the same value, date and
 * reported_by, the fields diff_score_pair() compares besides the identity.
 */
static int same_content(const struct score *a, const struct score *b)
{
	return value_equal(a->value.s, b->value.s) && text_equal(a->date.s, b->date.s) &&
	       text_equal(a->reported_by.s, b->reported_by.s);
}

/* Reports whether another score of m than the one at index i has its identity. */
static int identity_repeated(const struct model *m, size_t i)
{
	size_t k;

	for (k = 0; k < m->nscores; k++)
		if (k != i && semdiff_same_identity(&m->scores[k], &m->scores[i]))
			return 1;
	return 0;
}

/*
 * The maximum number of scores of changed content that
 * scores_pair_in_order() checks one by one, each with a scan of the model.
 * A model with more goes through the passes, which pair it the same way in
 * O(n log n).
 */
#define IN_ORDER_MAX_CHANGED 8

/*
 * Reports whether old and new have as many scores, each score has the
 * identity of the other side's score at its index, and every score whose
 * content changed has an identity of its own. The passes of
 * semdiff_pair_scores() would then pair them index by index. Each new
 * score in turn takes the first unpaired old score of its identity, which
 * is the one at its own index. Only entries of a repeated identity can
 * find their content at another index, as when two of them swap places.
 * An edit of values or dates keeps the identities, and this check spares
 * such an edit the sorting of the passes.
 */
static int scores_pair_in_order(const struct model *old, const struct model *new)
{
	size_t i, changed = 0;

	if (old->nscores != new->nscores)
		return 0;
	for (i = 0; i < new->nscores; i++)
		if (!semdiff_same_identity(&old->scores[i], &new->scores[i]))
			return 0;
	for (i = 0; i < new->nscores; i++) {
		if (same_content(&old->scores[i], &new->scores[i]))
			continue;
		if (++changed > IN_ORDER_MAX_CHANGED || identity_repeated(new, i))
			return 0;
	}
	return 1;
}

#define UNPAIRED ((size_t)-1)
#define NO_KEY ((size_t)-1)

/*
 * The fields of a score that the pairing passes compare. Each field of
 * each score gets a number, and two scores get the same number for a
 * field exactly when the passes take that field as equal. The passes then
 * sort and compare numbers, not text.
 */
enum pair_field {
	PAIR_BENCHMARK,		/* as benchmark_names_equal() compares it */
	PAIR_VARIANT,
	PAIR_SOURCE,		/* the resolved URL, or the source as written */
	PAIR_VALUE,		/* as decimal_equal() compares it */
	PAIR_DATE,
	PAIR_REPORTED_BY,
	PAIR_NFIELDS
};

#define PAIR_IDENTITY ((1u << PAIR_BENCHMARK) | (1u << PAIR_VARIANT) | (1u << PAIR_SOURCE))
#define PAIR_ALL ((1u << PAIR_NFIELDS) - 1)
#define PAIR_SHARED (PAIR_IDENTITY | (1u << PAIR_VALUE))

/*
 * The state of one semdiff_pair_scores() call. A slot is a score of either
 * side. Old score i is slot i and new score j is slot nold + j.
 */
struct score_pairing {
	const struct model *old, *new;
	size_t nold, nslots;
	size_t *ids[PAIR_NFIELDS];	/* each field's number, by slot */
	size_t *old_match, *new_match;
};

static const struct score *slot_score(const struct score_pairing *p, size_t slot)
{
	if (slot < p->nold)
		return &p->old->scores[slot];
	return &p->new->scores[slot - p->nold];
}

/*
 * Returns the text that field f of the score in slot is numbered by. The
 * benchmark name and the value are numbered by their keys, stored in keys
 * at the offsets in key_at. key_at has two offsets a slot, NO_KEY for none.
 */
static const char *field_text(const struct score_pairing *p, size_t slot,
			      enum pair_field f, const char *keys, const size_t *key_at)
{
	const struct score *s = slot_score(p, slot);
	size_t at;

	switch (f) {
	case PAIR_BENCHMARK:
	case PAIR_VALUE:
		at = key_at[2 * slot + (f == PAIR_VALUE)];
		return at == NO_KEY ? NULL : keys + at;
	case PAIR_VARIANT:
		return s->variant.s;
	case PAIR_SOURCE:
		return score_source(s);
	case PAIR_DATE:
		return s->date.s;
	default:
		return s->reported_by.s;
	}
}

/*
 * Fills p->ids. Each field's distinct texts get numbers in the order they
 * first occur, 0 for none, found in a hash table of the texts seen.
 */
static void number_fields(struct score_pairing *p)
{
	size_t *key_at = xcalloc(xmul(p->nslots + 1, 2), sizeof(size_t));
	size_t mask = 15, slot, next_id;
	size_t *seen;		/* per table entry, the slot of a text seen, plus 1 */
	uint64_t *hashes = xcalloc(p->nslots + 1, sizeof(*hashes));
	struct buf keys = BUF_INIT;
	int f;

	for (slot = 0; slot < p->nslots; slot++) {
		const struct score *s = slot_score(p, slot);
		const char *name = score_benchmark(s);

		key_at[2 * slot] = key_at[2 * slot + 1] = NO_KEY;
		if (name) {
			key_at[2 * slot] = keys.len;
			benchmark_name_normalise(&keys, name);
			buf_addch(&keys, '\0');
		}
		if (s->value.s) {
			key_at[2 * slot + 1] = keys.len;
			decimal_key(&keys, s->value.s);
			buf_addch(&keys, '\0');
		}
	}

	while (mask < p->nslots * 2)
		mask = mask * 2 + 1;
	seen = xcalloc(mask + 1, sizeof(*seen));
	for (f = 0; f < PAIR_NFIELDS; f++) {
		p->ids[f] = xcalloc(p->nslots + 1, sizeof(size_t));
		memset(seen, 0, (mask + 1) * sizeof(*seen));
		next_id = 1;
		for (slot = 0; slot < p->nslots; slot++) {
			const char *text = field_text(p, slot, f, keys.ptr, key_at);
			size_t k;

			if (!text)
				continue;	/* id 0 */
			hashes[slot] = text_hash(text, strlen(text));
			for (k = hashes[slot] & mask; seen[k]; k = (k + 1) & mask) {
				size_t other = seen[k] - 1;

				if (hashes[other] == hashes[slot] &&
				    !strcmp(field_text(p, other, f, keys.ptr, key_at), text))
					break;
			}
			if (seen[k]) {
				p->ids[f][slot] = p->ids[f][seen[k] - 1];
				continue;
			}
			seen[k] = slot + 1;
			p->ids[f][slot] = next_id++;
		}
	}

	free(seen);
	free(hashes);
	buf_release(&keys);
	free(key_at);
}

/* Compares the fields (a bit mask of pair_field) of the scores in two slots. */
static int compare_slots(const struct score_pairing *p, unsigned fields, size_t a, size_t b)
{
	int f;

	for (f = 0; f < PAIR_NFIELDS; f++) {
		if (!(fields & (1u << f)) || p->ids[f][a] == p->ids[f][b])
			continue;
		return p->ids[f][a] < p->ids[f][b] ? -1 : 1;
	}
	return 0;
}

/*
 * The old scores sorted by some fields, then by index, so the scores that
 * agree on those fields form a run in the registry's order. A pass takes
 * the first unpaired score of a run. cursor[] at a run's first element is
 * where the next search of that run starts, since every score before it is
 * paired and stays paired. So each search costs a binary search for the
 * run, and a pass walks each run once in all.
 */
struct pair_index {
	unsigned fields;
	size_t *order;		/* NULL for a model of few scores, which are scanned */
	size_t *cursor;
};

/*
 * The maximum number of old scores that are scanned for each new score
 * instead of sorted. Most models have a few dozen scores, and the scans
 * spare them the allocations and sorts of the indexes. The bound is an
 * estimate, not a measured crossover.
 */
#define PAIR_SCAN_MAX 32

/* A sort key of an old score: its numbers for the fields of an index, the others 0. */
struct slot_key {
	size_t id[PAIR_NFIELDS];
	size_t slot;
};

static int compare_slot_keys(const void *x, const void *y)
{
	const struct slot_key *a = x, *b = y;
	int f;

	for (f = 0; f < PAIR_NFIELDS; f++)
		if (a->id[f] != b->id[f])
			return a->id[f] < b->id[f] ? -1 : 1;
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* Sorts the old scores of p into x by fields. sort_keys has room for them all. */
static void pair_index_init(struct pair_index *x, const struct score_pairing *p,
			    unsigned fields, struct slot_key *sort_keys)
{
	size_t i;
	int f;

	x->fields = fields;
	x->order = NULL;
	x->cursor = NULL;
	if (p->nold <= PAIR_SCAN_MAX)
		return;
	x->order = xcalloc(p->nold + 1, sizeof(size_t));
	x->cursor = xcalloc(p->nold + 1, sizeof(size_t));
	for (i = 0; i < p->nold; i++) {
		for (f = 0; f < PAIR_NFIELDS; f++)
			sort_keys[i].id[f] = (fields & (1u << f)) ? p->ids[f][i] : 0;
		sort_keys[i].slot = i;
	}
	qsort(sort_keys, p->nold, sizeof(*sort_keys), compare_slot_keys);
	for (i = 0; i < p->nold; i++) {
		x->order[i] = sort_keys[i].slot;
		x->cursor[i] = i;
	}
}

static void pair_index_release(struct pair_index *x)
{
	free(x->order);
	free(x->cursor);
}

/*
 * Returns the first unpaired old score, in the registry's order, that
 * agrees with new score j on the fields of x, or UNPAIRED.
 */
static size_t pair_index_first(struct pair_index *x, const struct score_pairing *p, size_t j)
{
	size_t slot = p->nold + j, lo = 0, hi = p->nold, k;

	if (!x->order) {
		for (k = 0; k < p->nold; k++)
			if (p->old_match[k] == UNPAIRED && !compare_slots(p, x->fields, k, slot))
				return k;
		return UNPAIRED;
	}

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (compare_slots(p, x->fields, x->order[mid], slot) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == p->nold || compare_slots(p, x->fields, x->order[lo], slot))
		return UNPAIRED;

	k = x->cursor[lo];
	while (k < p->nold && p->old_match[x->order[k]] != UNPAIRED &&
	       !compare_slots(p, x->fields, x->order[k], slot))
		k++;
	x->cursor[lo] = k;
	if (k == p->nold || compare_slots(p, x->fields, x->order[k], slot))
		return UNPAIRED;
	return x->order[k];
}

static void pair_slots(struct score_pairing *p, size_t i, size_t j)
{
	p->old_match[i] = j;
	p->new_match[j] = i;
}

/*
 * Pairs each unpaired new score, in order, with the first unpaired old
 * score that agrees with it on the fields of x, or (when y is not NULL)
 * on those of y.
 */
static void pair_pass(struct score_pairing *p, struct pair_index *x, struct pair_index *y)
{
	size_t j, i, other;

	for (j = 0; j < p->new->nscores; j++) {
		if (p->new_match[j] != UNPAIRED)
			continue;
		i = pair_index_first(x, p, j);
		if (y) {
			other = pair_index_first(y, p, j);
			if (i == UNPAIRED || (other != UNPAIRED && other < i))
				i = other;
		}
		if (i != UNPAIRED)
			pair_slots(p, i, j);
	}
}

/*
 * Pairs the only unpaired score of a benchmark on each side, and
 * by_benchmark finds the old one. The counts are taken before any pair is
 * made. A pair leaves no score of its benchmark unpaired, so the counts of
 * the other benchmarks stay true.
 */
static void pair_last_of_benchmark(struct score_pairing *p, struct pair_index *by_benchmark)
{
	size_t *old_left = xcalloc(p->nslots + 1, sizeof(size_t));
	size_t *new_left = xcalloc(p->nslots + 1, sizeof(size_t));
	const size_t *benchmark = p->ids[PAIR_BENCHMARK];
	size_t i, j;

	for (i = 0; i < p->nold; i++)
		if (p->old_match[i] == UNPAIRED)
			old_left[benchmark[i]]++;
	for (j = 0; j < p->new->nscores; j++)
		if (p->new_match[j] == UNPAIRED)
			new_left[benchmark[p->nold + j]]++;

	for (j = 0; j < p->new->nscores; j++) {
		size_t id = benchmark[p->nold + j];

		if (p->new_match[j] != UNPAIRED || new_left[id] != 1 || old_left[id] != 1)
			continue;
		i = pair_index_first(by_benchmark, p, j);
		if (i != UNPAIRED)
			pair_slots(p, i, j);
	}

	free(old_left);
	free(new_left);
}

static void pair_by_passes(size_t *old_match, size_t *new_match,
			   const struct model *old, const struct model *new);

/*
 * Fills old_match[i] with the index of the new score paired with old score
 * i (or -1), in four passes of decreasing strictness. The first pairs
 * scores of one identity and the same content, so entries of a repeated
 * identity that only moved keep their partners. The second pairs the rest
 * of an identity in order. The third pairs scores of one benchmark that
 * share the variant or the source, and the last the only score of a
 * benchmark left on each side. In every pass each new score in turn takes
 * the first unpaired old score that qualifies. The old scores are indexed
 * by the fields each pass compares, so a model with many scores of one
 * benchmark costs O(n log n), not a scan of the benchmark per score.
 */
void semdiff_pair_scores(size_t *old_match, size_t *new_match,
			 const struct model *old, const struct model *new)
{
	struct model old_rest, new_rest;
	size_t i, same = 0;

	if (scores_pair_in_order(old, new)) {
		for (i = 0; i < old->nscores; i++)
			old_match[i] = new_match[i] = i;
		return;
	}

	/*
	 * A common start is a run of scores from the first, each with the
	 * identity and the content of the other side's score at its index.
	 * The first pass pairs such scores index by index, because each new
	 * score in turn finds every old score before its own paired. Nothing
	 * later pairs a score of that start, so the passes run on the rest,
	 * which is often a score or two.
	 */
	while (same < old->nscores && same < new->nscores &&
	       semdiff_same_identity(&old->scores[same], &new->scores[same]) &&
	       same_content(&old->scores[same], &new->scores[same])) {
		old_match[same] = new_match[same] = same;
		same++;
	}
	if (!same) {
		pair_by_passes(old_match, new_match, old, new);
		return;
	}
	old_rest = *old;
	new_rest = *new;
	old_rest.scores += same;
	old_rest.nscores -= same;
	new_rest.scores += same;
	new_rest.nscores -= same;
	pair_by_passes(old_match + same, new_match + same, &old_rest, &new_rest);
	for (i = same; i < old->nscores; i++)
		if (old_match[i] != UNPAIRED)
			old_match[i] += same;
	for (i = same; i < new->nscores; i++)
		if (new_match[i] != UNPAIRED)
			new_match[i] += same;
}

/* semdiff_pair_scores() without its shortcuts. */
static void pair_by_passes(size_t *old_match, size_t *new_match,
			   const struct model *old, const struct model *new)
{
	struct score_pairing p;
	struct pair_index by_content, by_identity, by_variant, by_source, by_benchmark;
	struct slot_key *sort_keys;
	size_t i;
	int f;

	for (i = 0; i < old->nscores; i++)
		old_match[i] = UNPAIRED;
	for (i = 0; i < new->nscores; i++)
		new_match[i] = UNPAIRED;

	p.old = old;
	p.new = new;
	p.nold = old->nscores;
	p.nslots = old->nscores + new->nscores;
	p.old_match = old_match;
	p.new_match = new_match;
	number_fields(&p);

	sort_keys = p.nold > PAIR_SCAN_MAX ? xcalloc(p.nold + 1, sizeof(*sort_keys)) : NULL;
	pair_index_init(&by_content, &p, PAIR_ALL, sort_keys);
	pair_index_init(&by_identity, &p, PAIR_IDENTITY, sort_keys);
	pair_index_init(&by_variant, &p, (1u << PAIR_BENCHMARK) | (1u << PAIR_VARIANT), sort_keys);
	pair_index_init(&by_source, &p, (1u << PAIR_BENCHMARK) | (1u << PAIR_SOURCE), sort_keys);
	pair_index_init(&by_benchmark, &p, 1u << PAIR_BENCHMARK, sort_keys);
	free(sort_keys);

	pair_pass(&p, &by_content, NULL);
	pair_pass(&p, &by_identity, NULL);
	pair_pass(&p, &by_variant, &by_source);
	pair_last_of_benchmark(&p, &by_benchmark);

	pair_index_release(&by_content);
	pair_index_release(&by_identity);
	pair_index_release(&by_variant);
	pair_index_release(&by_source);
	pair_index_release(&by_benchmark);
	for (f = 0; f < PAIR_NFIELDS; f++)
		free(p.ids[f]);
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
 * Returns how many scores of a have a score in b with the same identity
 * and value. Both sides are sorted by those fields, so that a model with
 * many scores costs O(n log n), not a scan of b for each score of a.
 */
static size_t count_shared_scores(const struct model *a, const struct model *b)
{
	struct score_pairing p;
	struct slot_key *keys;
	size_t slot, first, end, k, shared = 0;
	int f;

	memset(&p, 0, sizeof(p));
	p.old = a;
	p.new = b;
	p.nold = a->nscores;
	p.nslots = a->nscores + b->nscores;
	number_fields(&p);

	keys = xcalloc(p.nslots + 1, sizeof(*keys));
	for (slot = 0; slot < p.nslots; slot++) {
		for (f = 0; f < PAIR_NFIELDS; f++)
			keys[slot].id[f] = (PAIR_SHARED & (1u << f)) ? p.ids[f][slot] : 0;
		keys[slot].slot = slot;
	}
	qsort(keys, p.nslots, sizeof(*keys), compare_slot_keys);

	/* A run of equal keys lists the scores of a before those of b. */
	for (first = 0; first < p.nslots; first = end) {
		size_t from_a = 0;

		end = first;
		while (end < p.nslots && !compare_slots(&p, PAIR_SHARED, keys[end].slot,
							keys[first].slot))
			end++;
		for (k = first; k < end && keys[k].slot < p.nold; k++)
			from_a++;
		if (k < end)
			shared += from_a;
	}

	free(keys);
	for (f = 0; f < PAIR_NFIELDS; f++)
		free(p.ids[f]);
	return shared;
}

/*
 * Reports whether b looks like a with a new id: the same source URLs, and
 * either more than half of the scores the same identity and value, or the
 * same name, organization and release date. The second case is an id made
 * official while a score is updated in the same commit, which a model with
 * two or three scores would otherwise never pass as a rename.
 */
static int looks_renamed(const struct model *a, const struct model *b)
{
	size_t i, most;

	if (!a->nsources || a->nsources != b->nsources)
		return 0;
	for (i = 0; i < a->nsources; i++)
		if (!has_source_url(b, a->sources[i].url.s))
			return 0;
	if (a->name.s && text_equal(a->name.s, b->name.s) &&
	    a->organization.s && text_equal(a->organization.s, b->organization.s) &&
	    a->released.s && text_equal(a->released.s, b->released.s))
		return 1;
	most = a->nscores > b->nscores ? a->nscores : b->nscores;
	if (!most)
		return text_equal(a->name.s, b->name.s);
	return count_shared_scores(a, b) * 2 > most;
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

/* Reports whether new[j] is old[i] unchanged: the same model, the same text, or no change found. */
static int model_unchanged(struct model *const *old, size_t i, struct model *const *new,
			   size_t j, const void *const *old_same, const void *const *new_same)
{
	struct change_list changes = CHANGE_LIST_INIT;
	int same;

	if (old[i] == new[j])
		return 1;
	if (old_same && new_same && old_same[i] && old_same[i] == new_same[j])
		return 1;
	diff_model(&changes, old[i], new[j]);
	same = changes.nr == 0;
	change_list_release(&changes);
	return same;
}

/*
 * Pairs the models of one id (a and b, na and nb of them, in registry
 * order) when either side has several: first each new model with the
 * first unpaired old model it equals, then the rest in order. So dropping
 * or moving one of two models that share an id leaves the other paired
 * with itself.
 */
static void pair_same_id(size_t *old_match, size_t *new_match,
			 const struct model_ref *a, size_t na,
			 const struct model_ref *b, size_t nb,
			 struct model *const *old, struct model *const *new,
			 const void *const *old_same, const void *const *new_same)
{
	size_t i, j, k;

	if (na == 1 && nb == 1) {
		old_match[a[0].index] = b[0].index;
		new_match[b[0].index] = a[0].index;
		return;
	}
	for (j = 0; j < nb; j++) {
		for (i = 0; i < na; i++) {
			if (old_match[a[i].index] != (size_t)-1 ||
			    !model_unchanged(old, a[i].index, new, b[j].index, old_same, new_same))
				continue;
			old_match[a[i].index] = b[j].index;
			new_match[b[j].index] = a[i].index;
			break;
		}
	}
	for (i = 0, j = 0; i < na && j < nb; i++) {
		if (old_match[a[i].index] != (size_t)-1)
			continue;
		for (k = j; k < nb && new_match[b[k].index] != (size_t)-1; k++)
			;
		if (k == nb)
			break;
		old_match[a[i].index] = b[k].index;
		new_match[b[k].index] = a[i].index;
		j = k + 1;
	}
}

/* Returns the end of the run of refs from first on whose id is that of refs[first]. */
static size_t same_id_end(const struct model_ref *refs, size_t n, size_t first)
{
	size_t end = first + 1;

	while (end < n && !strcmp(refs[end].m->id.s, refs[first].m->id.s))
		end++;
	return end;
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
			size_t i_end = same_id_end(a, nold, i), j_end = same_id_end(b, nnew, j);

			pair_same_id(old_match, new_match, a + i, i_end - i, b + j, j_end - j,
				     old, new, old_same, new_same);
			i = i_end;
			j = j_end;
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
