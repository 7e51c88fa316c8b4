#include <string.h>

#include "loader.h"
#include "unit.h"

static void load(struct loaded_file *file, struct finding_list *findings,
		 const char *text, const struct loader_options *options)
{
	loader_parse(file, "t.yaml", text, strlen(text), options, findings);
}

static void test_positions_of_keys_and_values(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;
	const struct node *models, *item, *name;

	load(&file, &findings, "models:\n  - id: a\n    name: B\n", NULL);
	CHECK_INT(findings.nr, 0);
	CHECK(file.root != NULL);
	CHECK(!file.root || file.root->type == NODE_MAPPING);
	models = node_get(file.root, "models");
	CHECK(models != NULL);
	CHECK(!models || models->type == NODE_SEQUENCE);
	item = models ? models->child : NULL;
	CHECK(item != NULL);
	CHECK(!item || item->type == NODE_MAPPING);
	CHECK_INT(item->pos.line, 2);
	CHECK_INT(item->pos.column, 5);
	name = node_get(item, "name");
	CHECK(name != NULL);
	if (name) {
		CHECK_STR(name->value, "B");
		CHECK_INT(name->pos.line, 3);
		CHECK_INT(name->pos.column, 11);
	}
	loaded_file_release(&file);
	finding_list_release(&findings);
}

static void test_byte_offsets_with_multibyte_text(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;
	const char *text = "\xEF\xBB\xBFname: h\xC3\xA9llo\nnext: x\n";
	const struct node *next;

	load(&file, &findings, text, NULL);
	next = node_get(file.root, "next");
	CHECK(next != NULL);
	if (next) {
		CHECK_INT(next->offset, strstr(text, "x\n") - text);
		CHECK_INT(next->pos.line, 2);
		CHECK_INT(next->pos.column, 7);
	}
	loaded_file_release(&file);
	finding_list_release(&findings);
}

static void test_scalar_styles_kept(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;

	load(&file, &findings, "a: no\nb: 'no'\nc: \"no\"\n", NULL);
	CHECK_INT(node_get(file.root, "a")->style, SCALAR_PLAIN);
	CHECK_INT(node_get(file.root, "b")->style, SCALAR_SINGLE_QUOTED);
	CHECK_INT(node_get(file.root, "c")->style, SCALAR_DOUBLE_QUOTED);
	CHECK_STR(node_get(file.root, "a")->value, "no");
	loaded_file_release(&file);
	finding_list_release(&findings);
}

struct streamed {
	int count;
	unsigned lines[4];
	char ids[4][8];
};

static void on_model(void *data, const struct node *item)
{
	struct streamed *s = data;
	const struct node *id = node_get(item, "id");

	if (s->count < 4) {
		s->lines[s->count] = item->pos.line;
		snprintf(s->ids[s->count], sizeof(s->ids[0]), "%s", id ? id->value : "?");
	}
	s->count++;
}

static void test_streaming_hands_over_each_model(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;
	struct loader_options options = { 0 };
	struct streamed s;
	const struct node *models;

	memset(&s, 0, sizeof(s));
	options.on_model = on_model;
	options.data = &s;
	options.line_offset = 10;
	load(&file, &findings, "models:\n  - id: a\n  - id: b\n  - id: c\n", &options);
	CHECK_INT(findings.nr, 0);
	CHECK_INT(s.count, 3);
	CHECK_STR(s.ids[0], "a");
	CHECK_STR(s.ids[2], "c");
	CHECK_INT(s.lines[0], 12);
	CHECK_INT(s.lines[2], 14);
	models = node_get(file.root, "models");
	CHECK(models != NULL);
	CHECK(!models || models->len == 0);
	loaded_file_release(&file);
	finding_list_release(&findings);
}

static void test_duplicate_keys_keep_first(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;

	load(&file, &findings, "a: 1\nb: {x: 1}\na: [2]\nc: 3\n", NULL);
	CHECK_INT(findings.nr, 1);
	CHECK_INT(findings.items[0].rule, RULE_YAML_DUPLICATE_KEY);
	CHECK_INT(findings.items[0].pos.line, 3);
	CHECK_STR(node_get(file.root, "a")->value, "1");
	CHECK_STR(node_get(file.root, "c")->value, "3");
	CHECK_INT(file.root->len, 6);
	loaded_file_release(&file);
	finding_list_release(&findings);
}

static void test_syntax_error_is_fatal(void)
{
	struct finding_list findings = FINDING_LIST_INIT;
	struct loaded_file file;

	load(&file, &findings, "a: [1,\n", NULL);
	CHECK(file.fatal);
	CHECK(file.root == NULL);
	CHECK_INT(findings.nr, 1);
	CHECK_INT(findings.items[0].rule, RULE_YAML_SYNTAX);
	loaded_file_release(&file);
	finding_list_release(&findings);
}

int main(void)
{
	RUN(test_positions_of_keys_and_values);
	RUN(test_byte_offsets_with_multibyte_text);
	RUN(test_scalar_styles_kept);
	RUN(test_streaming_hands_over_each_model);
	RUN(test_duplicate_keys_keep_first);
	RUN(test_syntax_error_is_fatal);
	return unit_done();
}
