#include <stdlib.h>

#include "alloc.h"
#include "buf.h"
#include "historychunk.h"
#include "registry.h"
#include "ruleset.h"
#include "semdiff.h"
#include "textutil.h"
#include "unit.h"
#include "values.h"

static struct ruleset rules;

/* One model with the given benchmark entries (YAML lines under benchmarks:). */
static void load_named(struct registry *reg, const char *id, const char *name,
		       const char *extra, const char *benchmarks)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct buf text = BUF_INIT;

	buf_addf(&text,
		 "models:\n"
		 "  - id: %s\n"
		 "    name: %s\n"
		 "    organization: Acme\n"
		 "    released: 2024-07-01\n"
		 "    sources:\n"
		 "      - id: card\n"
		 "        url: https://acme.org/card\n"
		 "      - id: paper\n"
		 "        url: https://arxiv.org/abs/2401.00001\n"
		 "%s"
		 "    benchmarks:\n"
		 "%s", id, name, extra, benchmarks);
	registry_add_file(reg, &rules, "m.yaml", text.ptr, text.len, &findings);
	finding_list_release(&findings);
	buf_release(&text);
}

static void load(struct registry *reg, const char *id, const char *extra,
		 const char *benchmarks)
{
	load_named(reg, id, "Acme 7B", extra, benchmarks);
}

static void diff(struct change_list *out, const struct registry *a,
		 const struct registry *b)
{
	semdiff_models(out, a->models, a->nr, b->models, b->nr, NULL, NULL);
}

#define SCORE(bench, variant, value, source) \
	"      - benchmark: " bench "\n" variant \
	"        score: " value "\n" \
	"        date: 2024-07-01\n" \
	"        source: " source "\n"

static void test_equal_rewrite_unchanged(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "    specs:\n      total_params: 1.5T\n",
	     SCORE("MMLU", "", "0.8050", "card"));
	load(&b, "acme-7b", "    specs:\n      total_params: 1500B\n",
	     SCORE("MMLU", "", "0.805", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 0);
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_changed_value_one_change(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "        variant: 5-shot\n", "0.79", "card"));
	load(&b, "acme-7b", "", SCORE("MMLU", "        variant: 5-shot\n", "0.794", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 1);
	if (changes.nr == 1) {
		CHECK_INT(changes.items[0].op, CHANGE_CHANGED);
		CHECK_INT(changes.items[0].kind, CHANGE_SCORE);
		CHECK_STR(changes.items[0].field, "score");
		CHECK_STR(changes.items[0].old, "0.79");
		CHECK_STR(changes.items[0].new, "0.794");
		CHECK_INT(changes.items[0].pos.line, 14);
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_new_source_paired(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "        variant: 5-shot\n", "0.79", "card"));
	load(&b, "acme-7b", "", SCORE("MMLU", "        variant: 5-shot\n", "0.79", "paper"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 1);
	if (changes.nr == 1) {
		CHECK_INT(changes.items[0].op, CHANGE_CHANGED);
		CHECK_STR(changes.items[0].field, "source");
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_last_of_benchmark_paired(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "        variant: 5-shot\n", "0.79", "card"));
	load(&b, "acme-7b", "", SCORE("mmlu", "        variant: 0-shot\n", "0.81", "paper"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 4);
	if (changes.nr == 4) {
		CHECK_STR(changes.items[0].field, "score");
		CHECK_STR(changes.items[1].field, "source");
		CHECK_STR(changes.items[2].field, "variant");
		CHECK_STR(changes.items[3].field, "benchmark");
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_ambiguous_left_unpaired(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "",
	     SCORE("MMLU", "        variant: 5-shot\n", "0.79", "card")
	     SCORE("MMLU", "        variant: 1-shot\n", "0.70", "card"));
	load(&b, "acme-7b", "",
	     SCORE("MMLU", "        variant: 0-shot\n", "0.81", "paper")
	     SCORE("MMLU", "        variant: 2-shot\n", "0.72", "paper"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 4);
	if (changes.nr == 4) {
		CHECK_INT(changes.items[0].op, CHANGE_ADDED);
		CHECK_INT(changes.items[1].op, CHANGE_ADDED);
		CHECK_INT(changes.items[2].op, CHANGE_REMOVED);
		CHECK_INT(changes.items[3].op, CHANGE_REMOVED);
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_renamed_model(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "",
	     SCORE("MMLU", "", "0.79", "card") SCORE("GSM8K", "", "0.5", "card")
	     SCORE("MATH", "", "0.3", "card"));
	load(&b, "acme-7b-instruct", "",
	     SCORE("MMLU", "", "0.79", "card") SCORE("GSM8K", "", "0.6", "card")
	     SCORE("MATH", "", "0.3", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 2);
	if (changes.nr == 2) {
		CHECK_INT(changes.items[0].op, CHANGE_RENAMED);
		CHECK_STR(changes.items[0].old, "acme-7b");
		CHECK_STR(changes.items[0].new, "acme-7b-instruct");
		CHECK_STR(changes.items[1].field, "score");
		CHECK_STR(changes.items[1].model, "acme-7b-instruct");
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_unrelated_models_not_renamed(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.79", "card"));
	load_named(&b, "other-7b", "Other 7B", "", SCORE("MMLU", "", "0.5", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 2);
	if (changes.nr == 2) {
		CHECK_INT(changes.items[0].op, CHANGE_ADDED);
		CHECK_INT(changes.items[0].kind, CHANGE_MODEL);
		CHECK_INT(changes.items[1].op, CHANGE_REMOVED);
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_split_clean_file(void)
{
	static const char text[] =
		"# comment\n"
		"models:\n"
		"  - id: a\n"
		"    name: A\n"
		"  # between\n"
		"\n"
		"  - id: b\n"
		"    notes: |\n"
		"      - not an item\n";
	struct chunk_span *spans = NULL;
	size_t count = 0;

	CHECK_INT(chunk_split(&spans, &count, text, sizeof(text) - 1), 0);
	CHECK_INT(count, 2);
	if (count == 2) {
		CHECK_INT(spans[0].line, 3);
		CHECK_INT(spans[1].line, 7);
		CHECK_INT(spans[0].offset, 18);
		CHECK_INT(spans[0].offset + spans[0].len, spans[1].offset);
		CHECK_INT(spans[1].offset + spans[1].len, sizeof(text) - 1);
	}
	free(spans);
}

static void test_split_rejects_other_layouts(void)
{
	static const char *const texts[] = {
		"\xEF\xBB\xBFmodels:\n  - id: a\n",
		"models:\n  - id: a\nother: 1\n",
		"models:\n\t- id: a\n",
		"models: [{id: a}]\n",
		"models:\n  - id: a\n - id: b\n",
		"models:\n",
		"---\nmodels:\n  - id: a\n",
		"# caf\xC3\xA9\nmodels:\n  - id: a\n",
		"# nul \0\nmodels:\n  - id: a\n",
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct chunk_span *spans = NULL;
		size_t count = 0;

		size_t len = strlen(texts[i]);

		if (strstr(texts[i], "# nul "))
			len += strlen(texts[i] + len + 1) + 1;
		CHECK_INT(chunk_split(&spans, &count, texts[i], len), -1);
		CHECK(spans == NULL);
	}
}

static void test_place_shifts_lines(void)
{
	struct registry a = REGISTRY_INIT;
	struct model *moved;

	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.79", "card"));
	CHECK_INT(a.nr, 1);
	if (!a.nr)
		return;
	moved = model_place(a.models[0], "other.yaml", 10, 100);
	CHECK_STR(moved->path, "other.yaml");
	CHECK_INT(moved->pos.line, a.models[0]->pos.line + 10);
	CHECK_INT(moved->scores[0].value.pos.line, a.models[0]->scores[0].value.pos.line + 10);
	CHECK_INT(moved->sources[1].url.pos.line, a.models[0]->sources[1].url.pos.line + 10);
	CHECK_INT(moved->offset, a.models[0]->offset + 100);
	CHECK_INT(a.models[0]->pos.line, 2);
	model_free(moved);
	registry_release(&a);
}

static void test_swapped_duplicates_unchanged(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;
	size_t old_match[2], new_match[2];

	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.5", "card") SCORE("MMLU", "", "0.6", "card"));
	load(&b, "acme-7b", "", SCORE("MMLU", "", "0.6", "card") SCORE("MMLU", "", "0.5", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 0);
	semdiff_pair_scores(old_match, new_match, a.models[0], b.models[0]);
	CHECK_INT(old_match[0], 1);
	CHECK_INT(old_match[1], 0);
	CHECK_INT(new_match[0], 1);
	CHECK_INT(new_match[1], 0);
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_duplicate_changed_in_place(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.5", "card") SCORE("MMLU", "", "0.6", "card"));
	load(&b, "acme-7b", "", SCORE("MMLU", "", "0.5", "card") SCORE("MMLU", "", "0.65", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 1);
	if (changes.nr == 1) {
		CHECK_STR(changes.items[0].old, "0.6");
		CHECK_STR(changes.items[0].new, "0.65");
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

static void test_dropped_model_of_shared_id(void)
{
	struct registry a = REGISTRY_INIT, b = REGISTRY_INIT;
	struct change_list changes = CHANGE_LIST_INIT;

	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.5", "card"));
	load(&a, "acme-7b", "", SCORE("MMLU", "", "0.6", "card"));
	load(&b, "acme-7b", "", SCORE("MMLU", "", "0.6", "card"));
	diff(&changes, &a, &b);
	CHECK_INT(changes.nr, 1);
	if (changes.nr == 1) {
		CHECK_INT(changes.items[0].op, CHANGE_REMOVED);
		CHECK_INT(changes.items[0].kind, CHANGE_MODEL);
		CHECK(changes.items[0].old_model == a.models[0]);
	}
	change_list_release(&changes);
	registry_release(&a);
	registry_release(&b);
}

/*
 * The score pairing of semdiff.c as it was before semdiff_pair_scores()
 * indexed the old scores, copied unchanged but for the names. Each pass
 * scans the old scores of a benchmark for every new score, which is
 * quadratic in the scores of one benchmark but follows the rules plainly.
 * The test below checks the indexed passes against it.
 */
static const char *reference_score_source(const struct score *s)
{
	return s->source_url ? s->source_url : s->source.s;
}

static const char *reference_score_benchmark(const struct score *s)
{
	return s->canonical ? s->canonical : s->benchmark.s;
}

/* Equal text is an equal value, which spares most calls the parse of decimal_equal(). */
static int reference_value_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b) || decimal_equal(a, b);
}

/* A score and its benchmark as benchmark_names_equal() compares it. */
struct reference_score_ref {
	char *key;
	size_t index;
};

static int reference_compare_score_refs(const void *x, const void *y)
{
	const struct reference_score_ref *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

/*
 * Returns the scores of m sorted by benchmark key, then by position. The
 * keys share one allocation, and the element past the last one points to it.
 */
static struct reference_score_ref *reference_sorted_score_refs(const struct model *m)
{
	struct reference_score_ref *refs = xcalloc(m->nscores + 1, sizeof(*refs));
	struct buf keys = BUF_INIT;
	size_t i;
	char *key;

	/* Each key as benchmark_names_equal() compares it, "-" for none. */
	for (i = 0; i < m->nscores; i++) {
		const char *name = reference_score_benchmark(&m->scores[i]);

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
	qsort(refs, m->nscores, sizeof(*refs), reference_compare_score_refs);
	return refs;
}

static void reference_free_score_refs(struct reference_score_ref *refs, size_t n)
{
	free(refs[n].key);
	free(refs);
}

/* Returns the first of refs (n, sorted) whose key is key, or n. */
static size_t reference_find_key(const struct reference_score_ref *refs, size_t n, const char *key)
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
static void reference_count_left(size_t *left, const struct reference_score_ref *refs, size_t n,
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
 * Reports whether two scores of one identity have the same value, date and
 * reported_by, the fields diff_score_pair() compares besides the identity.
 */
static int reference_same_content(const struct score *a, const struct score *b)
{
	return reference_value_equal(a->value.s, b->value.s) && text_equal(a->date.s, b->date.s) &&
	       text_equal(a->reported_by.s, b->reported_by.s);
}

/* Reports whether another score of m than the one at index i has its identity. */
static int reference_identity_repeated(const struct model *m, size_t i)
{
	size_t k;

	for (k = 0; k < m->nscores; k++)
		if (k != i && semdiff_same_identity(&m->scores[k], &m->scores[i]))
			return 1;
	return 0;
}

/*
 * Reports whether old and new have as many scores, each score has the
 * identity of the other side's score at its index, and every score whose
 * content changed has an identity of its own. The passes of
 * reference_pair_scores() would then pair them index by index. Each new
 * score in turn takes the first unpaired old score of its identity, which
 * is the one at its own index. Only entries of a repeated identity can
 * find their content at another index, as when two of them swap places.
 * An edit of values or dates keeps the identities.
 */
static int reference_scores_pair_in_order(const struct model *old, const struct model *new)
{
	size_t i;

	if (old->nscores != new->nscores)
		return 0;
	for (i = 0; i < new->nscores; i++)
		if (!semdiff_same_identity(&old->scores[i], &new->scores[i]))
			return 0;
	for (i = 0; i < new->nscores; i++)
		if (!reference_same_content(&old->scores[i], &new->scores[i]) &&
		    reference_identity_repeated(new, i))
			return 0;
	return 1;
}

/*
 * Fills old_match[i] with the index of the new score paired with old score
 * i (or -1), in four passes of decreasing strictness. The first pairs
 * scores of one identity and the same content, so entries of a repeated
 * identity that only moved keep their partners. The second pairs the rest
 * of an identity in order. Every pass pairs only scores of the same
 * benchmark, so each new score is compared with the old scores of its
 * benchmark alone, found by binary search.
 */
static void reference_pair_scores(size_t *old_match, size_t *new_match,
				  const struct model *old, const struct model *new)
{
	struct reference_score_ref *old_refs, *new_refs;
	char **new_keys;
	size_t *old_left, *new_left;
	size_t i, j, k;
	int pass;

	if (reference_scores_pair_in_order(old, new)) {
		for (i = 0; i < old->nscores; i++)
			old_match[i] = new_match[i] = i;
		return;
	}
	old_refs = reference_sorted_score_refs(old);
	new_refs = reference_sorted_score_refs(new);
	new_keys = xcalloc(new->nscores + 1, sizeof(*new_keys));
	old_left = xcalloc(old->nscores + 1, sizeof(size_t));
	new_left = xcalloc(new->nscores + 1, sizeof(size_t));
	for (i = 0; i < old->nscores; i++)
		old_match[i] = (size_t)-1;
	for (j = 0; j < new->nscores; j++)
		new_match[j] = (size_t)-1;
	for (k = 0; k < new->nscores; k++)
		new_keys[new_refs[k].index] = new_refs[k].key;

	for (pass = 0; pass < 4; pass++) {
		/*
		 * The last pass pairs the only score of a benchmark left on each
		 * side. The counts are taken once, before it: a pair it makes
		 * leaves no score of that benchmark unmatched, so the counts of
		 * the other benchmarks do not change.
		 */
		if (pass == 3) {
			reference_count_left(old_left, old_refs, old->nscores, old_match);
			reference_count_left(new_left, new_refs, new->nscores, new_match);
		}
		for (j = 0; j < new->nscores; j++) {
			const struct score *b = &new->scores[j];

			if (new_match[j] != (size_t)-1)
				continue;
			k = reference_find_key(old_refs, old->nscores, new_keys[j]);
			for (; k < old->nscores && !strcmp(old_refs[k].key, new_keys[j]); k++) {
				const struct score *a;
				int ok;

				i = old_refs[k].index;
				a = &old->scores[i];
				if (old_match[i] != (size_t)-1)
					continue;
				if (pass == 0)
					ok = text_equal(a->variant.s, b->variant.s) &&
					     text_equal(reference_score_source(a), reference_score_source(b)) &&
					     reference_same_content(a, b);
				else if (pass == 1)
					ok = text_equal(a->variant.s, b->variant.s) &&
					     text_equal(reference_score_source(a), reference_score_source(b));
				else if (pass == 2)
					ok = text_equal(a->variant.s, b->variant.s) ||
					     text_equal(reference_score_source(a), reference_score_source(b));
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

	reference_free_score_refs(old_refs, old->nscores);
	reference_free_score_refs(new_refs, new->nscores);
	free(new_keys);
	free(old_left);
	free(new_left);
}

/* A deterministic generator (xorshift64), so a failure can be replayed. */
static unsigned long long test_random_state = 0x2545F4914F6CDD1Dull;

static size_t test_random(size_t n)
{
	test_random_state ^= test_random_state << 13;
	test_random_state ^= test_random_state >> 7;
	test_random_state ^= test_random_state << 17;
	return (size_t)(test_random_state % n);
}

/*
 * Small pools of field values, each with spellings that the pairing takes
 * as equal ("MMLU" and "mmlu", "0.5" and "0.50") and NULL for an absent
 * field. A case draws from the first few of each pool, so that identities
 * repeat and every pass finds ties to break.
 */
static const char *const benchmark_pool[] = { "MMLU", "GSM8K", "mmlu", "GSM-8K", NULL, "-" };
static const char *const canonical_pool[] = { NULL, "MMLU", "GSM8K" };
static const char *const variant_pool[] = { NULL, "5-shot", "0-shot", "cot" };
static const char *const source_pool[] = { "card", "paper", NULL, "https://acme.org/card" };
static const char *const url_pool[] = { NULL, "https://acme.org/card", "https://arxiv.org/abs/1" };
static const char *const value_pool[] = {
	"0.5", "0.50", "0.6", "60", "60.0", NULL, "n/a", "-0", "0", "00.5"
};
static const char *const date_pool[] = { "2024-07-01", NULL, "2024-08-01" };
static const char *const reported_by_pool[] = { NULL, "acme", "lab" };

#define POOL_SIZE(pool) (sizeof(pool) / sizeof(pool[0]))

/* Sizes of the pools a case draws from, at least 1 each. */
struct pool_limits {
	size_t benchmark, canonical, variant, source, url, value, date, reported_by;
};

static const char *draw(const char *const *pool, size_t limit)
{
	return pool[test_random(limit)];
}

static void random_score(struct score *s, const struct pool_limits *l)
{
	memset(s, 0, sizeof(*s));
	s->benchmark.s = draw(benchmark_pool, l->benchmark);
	s->canonical = draw(canonical_pool, l->canonical);
	s->variant.s = draw(variant_pool, l->variant);
	s->source.s = draw(source_pool, l->source);
	s->source_url = draw(url_pool, l->url);
	s->value.s = draw(value_pool, l->value);
	s->date.s = draw(date_pool, l->date);
	s->reported_by.s = draw(reported_by_pool, l->reported_by);
}

/* Draws a new value, perhaps the same one, for one field of s. */
static void mutate_score(struct score *s, const struct pool_limits *l)
{
	switch (test_random(6)) {
	case 0:
		s->value.s = draw(value_pool, l->value);
		break;
	case 1:
		s->variant.s = draw(variant_pool, l->variant);
		break;
	case 2:
		s->source.s = draw(source_pool, l->source);
		s->source_url = draw(url_pool, l->url);
		break;
	case 3:
		s->date.s = draw(date_pool, l->date);
		break;
	case 4:
		s->reported_by.s = draw(reported_by_pool, l->reported_by);
		break;
	default:
		s->benchmark.s = draw(benchmark_pool, l->benchmark);
		s->canonical = draw(canonical_pool, l->canonical);
		break;
	}
}

/*
 * Fills new with the scores of old. One call in five copies them, which
 * both versions pair by the shortcut for scores in order. One in five
 * draws new values for about half of them in place, so the shortcut gets
 * from none to every score changed. The others keep, mutate or drop each
 * score, then add some scores and swap some.
 */
static void derive_scores(struct model *new, const struct model *old,
			  const struct pool_limits *l, size_t max)
{
	size_t i, k, swaps, change = test_random(5);

	new->nscores = 0;
	for (i = 0; i < old->nscores && new->nscores < max; i++) {
		struct score *s = &new->scores[new->nscores];

		if (change > 1 && !test_random(6))
			continue;
		*s = old->scores[i];
		if (change == 1 && test_random(2))
			s->value.s = draw(value_pool, l->value);
		else if (change > 1 && !test_random(3))
			mutate_score(s, l);
		new->nscores++;
	}
	while (change > 1 && new->nscores < max && !test_random(3))
		random_score(&new->scores[new->nscores++], l);
	swaps = change > 1 && new->nscores > 1 ? test_random(3) : 0;
	for (k = 0; k < swaps; k++) {
		size_t a = test_random(new->nscores), b = test_random(new->nscores);
		struct score t = new->scores[a];

		new->scores[a] = new->scores[b];
		new->scores[b] = t;
	}
}

static void random_limits(struct pool_limits *l)
{
	l->benchmark = 1 + test_random(POOL_SIZE(benchmark_pool));
	l->canonical = 1 + test_random(POOL_SIZE(canonical_pool));
	l->variant = 1 + test_random(POOL_SIZE(variant_pool));
	l->source = 1 + test_random(POOL_SIZE(source_pool));
	l->url = 1 + test_random(POOL_SIZE(url_pool));
	l->value = 1 + test_random(POOL_SIZE(value_pool));
	l->date = 1 + test_random(POOL_SIZE(date_pool));
	l->reported_by = 1 + test_random(POOL_SIZE(reported_by_pool));
}

/*
 * Pairs cases random pairs of models of at most max_scores scores each,
 * by semdiff_pair_scores() and by the reference, and returns how many
 * cases they paired differently. Four cases in five derive the new model
 * from the old one.
 */
static size_t count_reference_mismatches(size_t cases, size_t max_scores)
{
	struct model old, new;
	size_t *old_match = xcalloc(max_scores + 1, sizeof(size_t));
	size_t *new_match = xcalloc(max_scores + 1, sizeof(size_t));
	size_t *old_expected = xcalloc(max_scores + 1, sizeof(size_t));
	size_t *new_expected = xcalloc(max_scores + 1, sizeof(size_t));
	size_t c, i, failures = 0;

	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	old.scores = xcalloc(max_scores + 1, sizeof(struct score));
	new.scores = xcalloc(max_scores + 1, sizeof(struct score));
	for (c = 0; c < cases; c++) {
		struct pool_limits l;

		random_limits(&l);
		old.nscores = test_random(max_scores + 1);
		for (i = 0; i < old.nscores; i++)
			random_score(&old.scores[i], &l);
		if (test_random(5)) {
			derive_scores(&new, &old, &l, max_scores);
		} else {
			new.nscores = test_random(max_scores + 1);
			for (i = 0; i < new.nscores; i++)
				random_score(&new.scores[i], &l);
		}

		reference_pair_scores(old_expected, new_expected, &old, &new);
		semdiff_pair_scores(old_match, new_match, &old, &new);
		if (memcmp(old_match, old_expected, old.nscores * sizeof(size_t)) ||
		    memcmp(new_match, new_expected, new.nscores * sizeof(size_t))) {
			if (!failures)
				printf("#   case %zu: %zu old and %zu new scores pair differently\n",
				       c, old.nscores, new.nscores);
			failures++;
		}
	}

	free(old.scores);
	free(new.scores);
	free(old_match);
	free(new_match);
	free(old_expected);
	free(new_expected);
	return failures;
}

static void test_pairing_matches_reference(void)
{
	CHECK_INT(count_reference_mismatches(20000, 14), 0);
}

/* Models around the size where the passes stop scanning the old scores and sort them. */
static void test_pairing_mid_size_match_reference(void)
{
	CHECK_INT(count_reference_mismatches(3000, 80), 0);
}

/* Long runs of one benchmark, variant or source, where the cursors skip many paired scores. */
static void test_pairing_long_runs_match_reference(void)
{
	CHECK_INT(count_reference_mismatches(30, 1500), 0);
}

/* Reports whether looks_renamed() held before it sorted the scores: more than half shared. */
static int reference_looks_renamed(const struct model *a, const struct model *b)
{
	size_t i, j, same = 0, most = a->nscores > b->nscores ? a->nscores : b->nscores;

	for (i = 0; i < a->nscores; i++) {
		for (j = 0; j < b->nscores; j++) {
			if (semdiff_same_identity(&a->scores[i], &b->scores[j]) &&
			    reference_value_equal(a->scores[i].value.s, b->scores[j].value.s)) {
				same++;
				break;
			}
		}
	}
	return most ? same * 2 > most : 1;
}

/*
 * A removed and an added model with one source in common are reported as
 * a rename exactly when the reference finds more than half of their
 * scores shared.
 */
static void test_rename_matches_reference(void)
{
	enum { CASES = 5000, MAX_SCORES = 14 };
	struct score old_scores[MAX_SCORES], new_scores[MAX_SCORES];
	struct source source;
	struct model old, new;
	struct model *old_list[1] = { &old }, *new_list[1] = { &new };
	size_t c, i, renames = 0, failures = 0;

	memset(&source, 0, sizeof(source));
	source.id.s = "card";
	source.url.s = "https://acme.org/card";
	memset(&old, 0, sizeof(old));
	memset(&new, 0, sizeof(new));
	old.id.s = "acme-7b";
	new.id.s = "acme-7b-v2";
	old.name.s = new.name.s = "Acme 7B";
	old.sources = new.sources = &source;
	old.nsources = new.nsources = 1;
	old.scores = old_scores;
	new.scores = new_scores;
	for (c = 0; c < CASES; c++) {
		struct change_list changes = CHANGE_LIST_INIT;
		struct pool_limits l;
		int renamed;

		random_limits(&l);
		old.nscores = test_random(MAX_SCORES + 1);
		for (i = 0; i < old.nscores; i++)
			random_score(&old.scores[i], &l);
		derive_scores(&new, &old, &l, MAX_SCORES);

		semdiff_models(&changes, old_list, 1, new_list, 1, NULL, NULL);
		renamed = changes.nr && changes.items[0].op == CHANGE_RENAMED;
		renames += renamed;
		if (renamed != reference_looks_renamed(&old, &new)) {
			if (!failures)
				printf("#   case %zu: %zu old and %zu new scores, renamed %d\n",
				       c, old.nscores, new.nscores, renamed);
			failures++;
		}
		change_list_release(&changes);
	}
	CHECK_INT(failures, 0);
	/* Both outcomes occur, or the test compares nothing. */
	CHECK(renames > 0);
	CHECK(renames < CASES);
}

int main(void)
{
	struct buf err = BUF_INIT;

	if (ruleset_load(&rules, NULL, 0, &err) < 0) {
		printf("# ruleset: %s\n", err.ptr);
		return 1;
	}
	RUN(test_equal_rewrite_unchanged);
	RUN(test_changed_value_one_change);
	RUN(test_new_source_paired);
	RUN(test_last_of_benchmark_paired);
	RUN(test_ambiguous_left_unpaired);
	RUN(test_renamed_model);
	RUN(test_unrelated_models_not_renamed);
	RUN(test_split_clean_file);
	RUN(test_split_rejects_other_layouts);
	RUN(test_place_shifts_lines);
	RUN(test_swapped_duplicates_unchanged);
	RUN(test_duplicate_changed_in_place);
	RUN(test_dropped_model_of_shared_id);
	RUN(test_pairing_matches_reference);
	RUN(test_pairing_mid_size_match_reference);
	RUN(test_pairing_long_runs_match_reference);
	RUN(test_rename_matches_reference);
	ruleset_release(&rules);
	buf_release(&err);
	return unit_done();
}
