#include "unit.h"

#include <stdlib.h>

#include "alloc.h"
#include "baseline.h"
#include "finding.h"

static struct finding *add(struct finding_list *list, enum rule_id rule,
			   const char *model, const char *value, uint32_t line)
{
	struct finding_context ctx = { 0 };
	struct pos pos;

	ctx.model = model;
	ctx.value = value;
	pos.line = line;
	pos.column = 3;
	return finding_add(list, rule, "data/models.yaml", pos, model ? &ctx : NULL,
			   "message about %s", value ? value : "nothing");
}

static int parse(struct baseline *b, const char *text, struct buf *err)
{
	return baseline_parse(b, "base.json", text, strlen(text), err);
}

static void test_round_trip_hides_same_findings(void)
{
	struct finding_list before = FINDING_LIST_INIT, after = FINDING_LIST_INIT;
	struct baseline b = BASELINE_INIT;
	struct buf text = BUF_INIT, err = BUF_INIT;

	add(&before, RULE_SCHEMA_ENUM, "acme-7b", "no", 15);
	add(&before, RULE_SCHEMA_UNKNOWN_FIELD, "acme-7b", "licence", 9);
	finding_list_finish(&before, NULL);
	baseline_format(&text, &before);

	/* The same problems on other lines, and one new problem. */
	add(&after, RULE_SCHEMA_ENUM, "acme-7b", "no", 40);
	add(&after, RULE_SCHEMA_UNKNOWN_FIELD, "acme-7b", "licence", 2);
	add(&after, RULE_SCHEMA_ENUM, "acme-7b", "maybe", 41);
	finding_list_finish(&after, NULL);

	CHECK_INT(parse(&b, text.ptr, &err), 0);
	CHECK_INT(b.nr, 2);
	CHECK_INT(baseline_filter(&b, &after), 2);
	CHECK_INT(after.nr, 1);
	CHECK_STR(after.items[0].value, "maybe");

	finding_list_release(&before);
	finding_list_release(&after);
	baseline_release(&b);
	buf_release(&text);
	buf_release(&err);
}

static void test_duplicate_fingerprint_hides_once(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct baseline b = BASELINE_INIT;
	struct buf text = BUF_INIT, err = BUF_INIT;

	add(&list, RULE_SCHEMA_ENUM, "acme-7b", "no", 15);
	finding_list_finish(&list, NULL);
	baseline_format(&text, &list);

	/* A second copy of the accepted problem is new. */
	add(&list, RULE_SCHEMA_ENUM, "acme-7b", "no", 30);
	finding_list_finish(&list, NULL);
	CHECK_INT(parse(&b, text.ptr, &err), 0);
	CHECK_INT(baseline_filter(&b, &list), 1);
	CHECK_INT(list.nr, 1);
	CHECK_INT(list.items[0].pos.line, 30);

	finding_list_release(&list);
	baseline_release(&b);
	buf_release(&text);
	buf_release(&err);
}

static void test_listed_twice_hides_twice(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct baseline b = BASELINE_INIT;
	struct buf text = BUF_INIT, err = BUF_INIT;

	add(&list, RULE_SCHEMA_ENUM, "acme-7b", "no", 15);
	add(&list, RULE_SCHEMA_ENUM, "acme-7b", "no", 30);
	finding_list_finish(&list, NULL);
	baseline_format(&text, &list);
	CHECK_INT(parse(&b, text.ptr, &err), 0);
	CHECK_INT(b.nr, 1);
	CHECK_INT(b.items[0].count, 2);
	CHECK_INT(baseline_filter(&b, &list), 2);
	CHECK_INT(list.nr, 0);

	finding_list_release(&list);
	baseline_release(&b);
	buf_release(&text);
	buf_release(&err);
}

static void test_mandatory_rule_not_recorded(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct baseline b = BASELINE_INIT;
	struct buf text = BUF_INIT, err = BUF_INIT;

	add(&list, RULE_YAML_SYNTAX, NULL, NULL, 1);
	finding_list_finish(&list, NULL);
	baseline_format(&text, &list);
	CHECK_STR(text.ptr, "{\n  \"version\": 1,\n  \"findings\": []\n}\n");

	/* Even a hand-written entry does not hide it. */
	buf_reset(&text);
	buf_addf(&text, "{\"version\": 1, \"findings\": [{\"fingerprint\": \"%s\"}]}",
		 list.items[0].fingerprint);
	CHECK_INT(parse(&b, text.ptr, &err), 0);
	CHECK_INT(baseline_filter(&b, &list), 0);
	CHECK_INT(list.nr, 1);

	finding_list_release(&list);
	baseline_release(&b);
	buf_release(&text);
	buf_release(&err);
}

static void test_format_lists_review_fields(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct buf text = BUF_INIT;
	struct buf expect = BUF_INIT;

	add(&list, RULE_SCHEMA_ENUM, "acme-7b", "no", 15);
	finding_list_finish(&list, NULL);
	baseline_format(&text, &list);
	buf_addf(&expect,
		 "{\n  \"version\": 1,\n  \"findings\": [\n    {\n"
		 "      \"fingerprint\": \"%s\",\n"
		 "      \"rule\": \"schema-enum\",\n"
		 "      \"path\": \"data/models.yaml\",\n"
		 "      \"model\": \"acme-7b\",\n"
		 "      \"message\": \"message about no\"\n"
		 "    }\n  ]\n}\n", list.items[0].fingerprint);
	CHECK_STR(text.ptr, expect.ptr);

	finding_list_release(&list);
	buf_release(&text);
	buf_release(&expect);
}

static void test_format_ignores_line_order(void)
{
	struct finding_list a = FINDING_LIST_INIT, b = FINDING_LIST_INIT;
	struct buf text_a = BUF_INIT, text_b = BUF_INIT;

	add(&a, RULE_SCHEMA_ENUM, "acme-7b", "no", 15);
	add(&a, RULE_SCHEMA_ENUM, "zeta-1b", "no", 40);
	finding_list_finish(&a, NULL);
	add(&b, RULE_SCHEMA_ENUM, "acme-7b", "no", 60);
	add(&b, RULE_SCHEMA_ENUM, "zeta-1b", "no", 4);
	finding_list_finish(&b, NULL);
	baseline_format(&text_a, &a);
	baseline_format(&text_b, &b);
	CHECK_STR(text_a.ptr, text_b.ptr);

	finding_list_release(&a);
	finding_list_release(&b);
	buf_release(&text_a);
	buf_release(&text_b);
}

static void test_parse_rejects_invalid(void)
{
	static const struct {
		const char *text;
		const char *error;
	} cases[] = {
		{ "[", "base.json:1:1: invalid baseline: " },
		{ "{\"findings\": []}", "base.json: not a modelaudit baseline of version 1" },
		{ "{\"version\": 2, \"findings\": []}", "base.json: not a modelaudit baseline of version 1" },
		{ "{\"version\": 1}", "base.json: invalid baseline: 'findings' must be a list" },
		{ "{\"version\": 1, \"findings\": [{}]}",
		  "base.json: invalid baseline: finding 1 has no fingerprint of 32 lower-case hex digits" },
		{ "{\"version\": 1, \"findings\": [{\"fingerprint\": \"ABCDEF\"}]}",
		  "base.json: invalid baseline: finding 1 has no fingerprint" },
		{ "{\"version\": 1, \"version\": 1, \"findings\": []}", "base.json:1:" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct baseline b = BASELINE_INIT;
		struct buf err = BUF_INIT;

		CHECK_INT(parse(&b, cases[i].text, &err), BASELINE_INVALID);
		if (strncmp(err.ptr, cases[i].error, strlen(cases[i].error)))
			printf("#   case %zu: got \"%s\"\n", i, err.ptr);
		CHECK(!strncmp(err.ptr, cases[i].error, strlen(cases[i].error)));
		baseline_release(&b);
		buf_release(&err);
	}
}

static void test_read_missing_file_fails(void)
{
	struct baseline b = BASELINE_INIT;
	struct buf err = BUF_INIT;

	CHECK_INT(baseline_read(&b, "/nonexistent/base.json", &err), BASELINE_ERROR);
	CHECK(strstr(err.ptr, "/nonexistent/base.json") != NULL);
	baseline_release(&b);
	buf_release(&err);
}

int main(void)
{
	RUN(test_round_trip_hides_same_findings);
	RUN(test_duplicate_fingerprint_hides_once);
	RUN(test_listed_twice_hides_twice);
	RUN(test_mandatory_rule_not_recorded);
	RUN(test_format_lists_review_fields);
	RUN(test_format_ignores_line_order);
	RUN(test_parse_rejects_invalid);
	RUN(test_read_missing_file_fails);
	return unit_done();
}
