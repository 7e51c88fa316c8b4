#include "unit.h"

#include "suppress.h"

static void scan(struct suppress_list *list, const char *text)
{
	suppress_scan(list, "m.yaml", text, strlen(text));
}

static void test_scan_targets(void)
{
	struct suppress_list list = SUPPRESS_LIST_INIT;

	scan(&list,
	     "a: 1  # modelaudit: ignore url-insecure trailing\n"	/* line 1 */
	     "# modelaudit: ignore schema-enum above\n"		/* line 2 */
	     "\n"
	     "# other comment\n"
	     "b: 2\n"						/* line 5 */
	     "# modelaudit: ignore schema-type at the end\n");
	CHECK_INT(list.nr, 3);
	CHECK_INT(list.items[0].target, 1);
	CHECK_INT(list.items[0].pos.column, 7);
	CHECK_INT(list.items[0].rule, RULE_URL_INSECURE);
	CHECK_STR(list.items[0].comment, " modelaudit: ignore url-insecure trailing");
	CHECK_INT(list.items[1].target, 5);
	CHECK_INT(list.items[2].target, 0);
	CHECK(list.items[2].problem == NULL);
	suppress_release(&list);
}

static void test_scan_skips_scalars(void)
{
	struct suppress_list list = SUPPRESS_LIST_INIT;

	scan(&list,
	     "a: 'x # modelaudit: ignore url-insecure single'\n"
	     "b: \"x # modelaudit: ignore url-insecure double\"\n"
	     "c: x#modelaudit-ignore url-insecure plain\n"
	     "d: |\n"
	     "  # modelaudit: ignore url-insecure literal\n"
	     "e: [x, y] # modelaudit: ignore url-insecure after a flow\n");
	CHECK_INT(list.nr, 1);
	CHECK_INT(list.items[0].pos.line, 6);
	suppress_release(&list);
}

static void test_scan_columns_count_characters(void)
{
	struct suppress_list list = SUPPRESS_LIST_INIT;

	scan(&list, "\xEF\xBB\xBFn: \xC3\xA9t\xC3\xA9 # modelaudit: ignore url-insecure r\n");
	CHECK_INT(list.nr, 1);
	CHECK_INT(list.items[0].pos.line, 1);
	CHECK_INT(list.items[0].pos.column, 8);
	suppress_release(&list);
}

static void test_apply_marks_and_reports(void)
{
	struct suppress_list list = SUPPRESS_LIST_INIT;
	struct finding_list findings = FINDING_LIST_INIT;
	struct pos at_one = { 1, 4 }, at_two = { 2, 4 };

	scan(&list,
	     "a: 1  # modelaudit: ignore url-insecure accepted\n"
	     "b: 2  # modelaudit: ignore schema-enum nothing here\n");
	finding_add(&findings, RULE_URL_INSECURE, "m.yaml", at_one, NULL, "http");
	finding_add(&findings, RULE_URL_INSECURE, "other.yaml", at_one, NULL, "http");
	finding_add(&findings, RULE_YAML_SYNTAX, "m.yaml", at_two, NULL, "broken");
	CHECK_INT(suppress_apply(&list, &findings, NULL), 1);
	CHECK_INT(findings.nr, 3);
	CHECK_STR(findings.items[0].path, "other.yaml");
	CHECK_INT(findings.items[1].rule, RULE_YAML_SYNTAX);
	CHECK_INT(findings.items[2].rule, RULE_SUPPRESSION_UNUSED);
	CHECK_INT(findings.items[2].pos.line, 2);
	CHECK_STR(findings.items[2].value, " modelaudit: ignore schema-enum nothing here");
	finding_list_release(&findings);
	suppress_release(&list);
}

static void test_scan_without_directive_is_empty(void)
{
	struct suppress_list list = SUPPRESS_LIST_INIT;

	scan(&list, "a: 1 # plain comment\n");
	CHECK_INT(list.nr, 0);
	scan(&list, "");
	CHECK_INT(list.nr, 0);
	suppress_release(&list);
}

int main(void)
{
	RUN(test_scan_targets);
	RUN(test_scan_skips_scalars);
	RUN(test_scan_columns_count_characters);
	RUN(test_apply_marks_and_reports);
	RUN(test_scan_without_directive_is_empty);
	return unit_done();
}
