#include <stdlib.h>

#include "historychunk.h"
#include "registry.h"
#include "ruleset.h"
#include "semdiff.h"
#include "unit.h"

static struct ruleset rules;

/* One model with the given benchmark entries (YAML lines under benchmarks:). */
static void load(struct registry *reg, const char *id, const char *extra,
		 const char *benchmarks)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct buf text = BUF_INIT;

	buf_addf(&text,
		 "models:\n"
		 "  - id: %s\n"
		 "    name: Acme 7B\n"
		 "    organization: Acme\n"
		 "    released: 2024-07-01\n"
		 "    sources:\n"
		 "      - id: card\n"
		 "        url: https://acme.org/card\n"
		 "      - id: paper\n"
		 "        url: https://arxiv.org/abs/2401.00001\n"
		 "%s"
		 "    benchmarks:\n"
		 "%s", id, extra, benchmarks);
	registry_add_file(reg, &rules, "m.yaml", text.ptr, text.len, &findings);
	finding_list_release(&findings);
	buf_release(&text);
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
	load(&b, "other-7b", "", SCORE("MMLU", "", "0.5", "card"));
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
	ruleset_release(&rules);
	buf_release(&err);
	return unit_done();
}
