#include "unit.h"

#include <stdlib.h>

#include <jansson.h>

#include "buf.h"
#include "jsontext.h"
#include "report.h"
#include "semdiff.h"

/* Replaces the contents of out with s as report_sanitize() writes it. */
static void sanitized(struct buf *out, const char *s)
{
	buf_reset(out);
	report_sanitize(out, s);
}

static void test_sanitize_keeps_plain_text(void)
{
	struct buf out = BUF_INIT;

	sanitized(&out, "MMLU (5-shot): 0.85 / \"quoted\"");
	CHECK_STR(out.ptr, "MMLU (5-shot): 0.85 / \"quoted\"");
	sanitized(&out, "");
	CHECK_STR(out.ptr, "");
	/* é (2 bytes), € (3 bytes), 😀 (4 bytes) */
	sanitized(&out, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	CHECK_STR(out.ptr, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
	buf_release(&out);
}

static void test_sanitize_escapes_controls(void)
{
	struct buf out = BUF_INIT;

	sanitized(&out, "a\tb\nc\x1B[31m\x7F");
	CHECK_STR(out.ptr, "a\\x09b\\x0Ac\\x1B[31m\\x7F");
	/* U+0085, a C1 control, is C2 85. */
	sanitized(&out, "x\xC2\x85y");
	CHECK_STR(out.ptr, "x\\xC2\\x85y");
	/* U+00A0 is the first code point kept. */
	sanitized(&out, "\xC2\xA0");
	CHECK_STR(out.ptr, "\xC2\xA0");
	buf_release(&out);
}

/* A name with the four characters \x1B must not print as one with ESC. */
static void test_sanitize_doubles_backslash(void)
{
	struct buf out = BUF_INIT;

	sanitized(&out, "a\\x1B");
	CHECK_STR(out.ptr, "a\\\\x1B");
	sanitized(&out, "a\x1B");
	CHECK_STR(out.ptr, "a\\x1B");
	sanitized(&out, "\\");
	CHECK_STR(out.ptr, "\\\\");
	sanitized(&out, "C:\\models\\\\x\x1B\\");
	CHECK_STR(out.ptr, "C:\\\\models\\\\\\\\x\\x1B\\\\");
	buf_release(&out);
}

/* Escaped text keeps its backslashes, but a control character left in it is still escaped. */
static void test_sanitize_escaped_keeps_backslash(void)
{
	struct buf out = BUF_INIT;

	report_sanitize_escaped(&out, "score of 'a\\\\x1B' and 'a\\x1B'");
	CHECK_STR(out.ptr, "score of 'a\\\\x1B' and 'a\\x1B'");
	buf_reset(&out);
	report_sanitize_escaped(&out, "bad \x1B[2J\xFF \\");
	CHECK_STR(out.ptr, "bad \\x1B[2J\\xFF \\");
	buf_release(&out);
}

static void test_sanitize_escapes_direction_controls(void)
{
	struct buf out = BUF_INIT;

	/* U+202E (right-to-left override) and U+2066 (left-to-right isolate). */
	sanitized(&out, "a\xE2\x80\xAE" "1.0\xE2\x81\xA6" "b");
	CHECK_STR(out.ptr, "a\\xE2\\x80\\xAE1.0\\xE2\\x81\\xA6b");
	/* U+200F (right-to-left mark) and U+061C (Arabic letter mark). */
	sanitized(&out, "\xE2\x80\x8F\xD8\x9C");
	CHECK_STR(out.ptr, "\\xE2\\x80\\x8F\\xD8\\x9C");
	/* Their neighbours U+2029, U+202F, U+2065 and U+206A are kept. */
	sanitized(&out, "\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA");
	CHECK_STR(out.ptr, "\xE2\x80\xA9\xE2\x80\xAF\xE2\x81\xA5\xE2\x81\xAA");
	buf_release(&out);
}

static void test_sanitize_escapes_invalid_utf8(void)
{
	struct buf out = BUF_INIT;

	/* A lone continuation byte, and bytes never valid in UTF-8. */
	sanitized(&out, "\x80\xC0\xC1\xF5\xFF");
	CHECK_STR(out.ptr, "\\x80\\xC0\\xC1\\xF5\\xFF");
	/* An overlong form of '/' and a surrogate (U+D800). */
	sanitized(&out, "\xE0\x80\xAF|\xED\xA0\x80");
	CHECK_STR(out.ptr, "\\xE0\\x80\\xAF|\\xED\\xA0\\x80");
	/* Past U+10FFFF, and an overlong four-byte form. */
	sanitized(&out, "\xF4\x90\x80\x80|\xF0\x80\x80\x80");
	CHECK_STR(out.ptr, "\\xF4\\x90\\x80\\x80|\\xF0\\x80\\x80\\x80");
	/* A sequence cut by the end of the string. */
	sanitized(&out, "ab\xE2\x82");
	CHECK_STR(out.ptr, "ab\\xE2\\x82");
	buf_release(&out);
}

static void test_clean_length_stops_at_escape(void)
{
	CHECK_INT(report_clean_length(""), 0);
	CHECK_INT(report_clean_length("plain text"), 10);
	CHECK_INT(report_clean_length("caf\xC3\xA9!"), 6);
	CHECK_INT(report_clean_length("ab\ncd"), 2);
	CHECK_INT(report_clean_length("\x1B"), 0);
	CHECK_INT(report_clean_length("ok\xC2\x85"), 2);
	CHECK_INT(report_clean_length("ok\xE2\x82"), 2);
	CHECK_INT(report_clean_length("\xF0\x9F\x98\x80\x7F"), 4);
	CHECK_INT(report_clean_length("C:\\x"), 2);
	CHECK_INT(report_escaped_clean_length("C:\\x"), 4);
	CHECK_INT(report_escaped_clean_length("C:\\x\x1B"), 4);
}

/*
 * Puts each byte at the edges of printable ASCII at each offset of a
 * 40-byte line, so that it falls at every place of the eight-byte words
 * report_clean_length() tests at once.
 */
static void test_clean_length_at_every_offset(void)
{
	static const unsigned char edges[] = { 0x01, 0x1F, 0x7F, 0x80, 0x9F, 0xA0, 0xFF, '\\' };
	static const unsigned char kept[] = { 0x20, 0x7E, '[', ']' };
	char line[41];
	size_t i, offset;

	for (i = 0; i < sizeof(edges); i++) {
		for (offset = 0; offset < 40; offset++) {
			memset(line, 'a', 40);
			line[40] = '\0';
			line[offset] = (char)edges[i];
			CHECK_INT(report_clean_length(line), offset);
			CHECK_INT(report_escaped_clean_length(line),
				  edges[i] == '\\' ? 40 : offset);
		}
	}
	for (i = 0; i < sizeof(kept); i++) {
		for (offset = 0; offset < 40; offset++) {
			memset(line, 'a', 40);
			line[40] = '\0';
			line[offset] = (char)kept[i];
			CHECK_INT(report_clean_length(line), 40);
		}
	}
	for (offset = 0; offset < 38; offset++) {
		memset(line, 'a', 40);
		line[40] = '\0';
		memcpy(line + offset, "\xE2\x80\x94", 3);
		CHECK_INT(report_clean_length(line), 40);
		line[offset + 2] = 'a';
		CHECK_INT(report_clean_length(line), offset);
	}
}

static void test_json_string_is_sanitized(void)
{
	json_t *plain = report_json_string("GPQA \xE2\x80\x94 diamond");
	json_t *dirty = report_json_string("bad\x1B[0m\xFF");
	json_t *typed = report_json_string("bad\\x1B");
	json_t *message = report_json_escaped_string("'bad\\\\x1B' \x1B");

	CHECK_STR(json_string_value(plain), "GPQA \xE2\x80\x94 diamond");
	CHECK_INT(json_string_length(plain), 16);
	CHECK_STR(json_string_value(dirty), "bad\\x1B[0m\\xFF");
	CHECK_STR(json_string_value(typed), "bad\\\\x1B");
	CHECK_STR(json_string_value(message), "'bad\\\\x1B' \\x1B");
	json_decref(plain);
	json_decref(dirty);
	json_decref(typed);
	json_decref(message);
}

/* Returns what report_print_json() writes for value, read back from a temporary file. */
static void printed_json(struct buf *out, json_t *value, int *ret)
{
	FILE *f = tmpfile();
	char chunk[4096];
	size_t n;

	buf_reset(out);
	*ret = -2;
	if (!f)
		return;
	*ret = report_print_json(f, value);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

/* The document of many small pieces and one string longer than the write buffer. */
static json_t *large_document(void)
{
	json_t *doc = json_object(), *list = json_array();
	struct buf big = BUF_INIT;
	size_t i;

	for (i = 0; i < 3000; i++) {
		json_t *item = json_object();

		json_object_set_new(item, "index", json_integer((json_int_t)i));
		json_object_set_new(item, "name", json_string("a \"quoted\" name\twith a tab"));
		json_array_append_new(list, item);
	}
	for (i = 0; i < 100 * 1024; i++)
		buf_addch(&big, 'a' + (int)(i % 26));
	json_object_set_new(doc, "items", list);
	json_object_set_new(doc, "big", json_string(big.ptr));
	json_object_set_new(doc, "empty", json_array());
	buf_release(&big);
	return doc;
}

static void test_print_json_matches_jansson(void)
{
	json_t *doc = large_document();
	char *expected = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct buf out = BUF_INIT, want = BUF_INIT;
	int ret;

	printed_json(&out, doc, &ret);
	CHECK_INT(ret, 0);
	buf_adds(&want, expected ? expected : "");
	buf_addch(&want, '\n');
	CHECK_INT(out.len, want.len);
	CHECK_STR(out.ptr, want.ptr);
	free(expected);
	json_decref(doc);
	buf_release(&out);
	buf_release(&want);
}

static void test_print_json_small_value(void)
{
	json_t *value = json_array();
	struct buf out = BUF_INIT;
	int ret;

	printed_json(&out, value, &ret);
	CHECK_INT(ret, 0);
	CHECK_STR(out.ptr, "[]\n");
	json_decref(value);
	buf_release(&out);
}

static void test_print_json_reports_write_error(void)
{
	json_t *doc = large_document();
	FILE *full = fopen("/dev/full", "w");
	int ret;

	if (!full) {
		printf("#   /dev/full is not available: skipped\n");
		json_decref(doc);
		return;
	}
	ret = report_print_json(full, doc);
	CHECK_INT(ret, -1);
	fclose(full);
	json_decref(doc);
}

/* Checks that jansson writes name in quotes and unchanged, as jsontext_add_name() does. */
static void check_plain_name(const char *name)
{
	json_t *string = json_string(name);
	char *text = json_dumps(string, JSON_ENCODE_ANY);
	struct buf expected = BUF_INIT;

	buf_addf(&expected, "\"%s\"", name);
	CHECK_STR(text, expected.ptr);
	free(text);
	json_decref(string);
	buf_release(&expected);
}

static void test_names_need_no_escape(void)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		check_plain_name(rule_table[i].id);
	for (i = SEVERITY_OFF; i <= SEVERITY_ERROR; i++)
		check_plain_name(severity_name((enum severity)i));
	for (i = CHANGE_ADDED; i <= CHANGE_RENAMED; i++)
		check_plain_name(change_op_name((enum change_op)i));
	for (i = CHANGE_MODEL; i <= CHANGE_FIELD; i++)
		check_plain_name(change_kind_name((enum change_kind)i));
}

/* Checks report_add_finding_json() against jansson's text of report_finding_json() inside a list. */
static void check_finding_text(const struct finding *f)
{
	struct jsontext t;
	json_t *list = json_array();
	char *expected;

	jsontext_init(&t);
	jsontext_open(&t, NULL, '[');
	report_add_finding_json(&t, f);
	report_add_finding_json(&t, f);
	jsontext_close(&t, ']');
	json_array_append_new(list, report_finding_json(f));
	json_array_append_new(list, report_finding_json(f));
	expected = json_dumps(list, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	json_decref(list);
	jsontext_release(&t);
}

static void test_finding_text_matches_tree(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct finding_context ctx = { 0 };
	struct pos pos = { 12, 5 };
	size_t i;

	finding_add(&list, RULE_URL_INSECURE, "data/\x1b[31mm\\x1B.yaml", pos, NULL,
		    "insecure URL 'http://acme.org/\"card\"\\'");
	ctx.model = "acme-7b";
	finding_add(&list, RULE_SCORE_MISSING_DATE, "m.yaml", pos, &ctx, "no date");
	ctx.benchmark = "MM\x1b[31mLU";
	ctx.variant = "5-shot \"cot\" \\";
	finding_add(&list, RULE_SCORE_MISSING_DATE, "m.yaml", pos, &ctx, "no date \xFF");
	finding_list_finish(&list, NULL);
	for (i = 0; i < list.nr; i++)
		check_finding_text(&list.items[i]);
	finding_list_release(&list);
}

/* A path prints with its backslash doubled, and the message it comes with unchanged. */
static void test_finding_text_escapes_once(void)
{
	struct finding_list list = FINDING_LIST_INIT;
	struct pos pos = { 12, 5 };
	struct buf text = BUF_INIT;

	finding_add(&list, RULE_URL_INSECURE, "data/a\\x1B\x1B.yaml", pos, NULL,
		    "insecure URL 'http://acme.org/\\\\x1B'");
	finding_list_finish(&list, NULL);
	report_add_finding_text(&text, &list.items[0], 0);
	CHECK_STR(text.ptr, "data/a\\\\x1B\\x1B.yaml:12:5: warning: insecure URL "
		  "'http://acme.org/\\\\x1B' [url-insecure]\n");
	buf_release(&text);
	finding_list_release(&list);
}

int main(void)
{
	RUN(test_sanitize_keeps_plain_text);
	RUN(test_sanitize_escapes_controls);
	RUN(test_sanitize_doubles_backslash);
	RUN(test_sanitize_escaped_keeps_backslash);
	RUN(test_sanitize_escapes_direction_controls);
	RUN(test_sanitize_escapes_invalid_utf8);
	RUN(test_clean_length_stops_at_escape);
	RUN(test_clean_length_at_every_offset);
	RUN(test_json_string_is_sanitized);
	RUN(test_print_json_matches_jansson);
	RUN(test_print_json_small_value);
	RUN(test_print_json_reports_write_error);
	RUN(test_names_need_no_escape);
	RUN(test_finding_text_matches_tree);
	RUN(test_finding_text_escapes_once);
	return unit_done();
}
