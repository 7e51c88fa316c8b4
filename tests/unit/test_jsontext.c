#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "jsontext.h"
#include "report.h"

/* Returns what jansson prints for value with the layout jsontext copies. */
static char *dump(json_t *value)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);

	json_decref(value);
	return text;
}

static void test_empty_containers(void)
{
	struct jsontext t;
	json_t *doc = json_object(), *list = json_array();
	char *expected;

	jsontext_init(&t);
	jsontext_open(&t, NULL, '{');
	jsontext_open(&t, "list", '[');
	jsontext_open(&t, NULL, '[');
	jsontext_close(&t, ']');
	jsontext_open(&t, NULL, '{');
	jsontext_close(&t, '}');
	jsontext_close(&t, ']');
	jsontext_open(&t, "object", '{');
	jsontext_close(&t, '}');
	jsontext_close(&t, '}');

	json_array_append_new(list, json_array());
	json_array_append_new(list, json_object());
	json_object_set_new(doc, "list", list);
	json_object_set_new(doc, "object", json_object());
	expected = dump(doc);
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	jsontext_release(&t);
}

static void test_scalars(void)
{
	struct jsontext t;
	json_t *doc = json_object();
	char *expected;

	jsontext_init(&t);
	jsontext_open(&t, NULL, '{');
	jsontext_add_integer(&t, "zero", 0);
	jsontext_add_integer(&t, "negative", -42);
	jsontext_add_integer(&t, "max", INT64_MAX);
	jsontext_add_integer(&t, "min", INT64_MIN);
	jsontext_add_null(&t, "null");
	jsontext_add_string(&t, "absent", NULL);
	jsontext_add_name(&t, "name", "score-missing-date");
	jsontext_add_string(&t, "quotes", "say \"hi\" \\ / \t");
	jsontext_add_escaped(&t, "message", "'a\\\\x1B' \\ \x1B");
	jsontext_add_string(&t, "control", "a\x1b[0m\x7f\xC2\x9B\xFF");
	jsontext_add_string(&t, "unicode", "GPQA \xE2\x80\x94 \xF0\x9F\x98\x80");
	jsontext_close(&t, '}');

	json_object_set_new(doc, "zero", json_integer(0));
	json_object_set_new(doc, "negative", json_integer(-42));
	json_object_set_new(doc, "max", json_integer(INT64_MAX));
	json_object_set_new(doc, "min", json_integer(INT64_MIN));
	json_object_set_new(doc, "null", json_null());
	json_object_set_new(doc, "absent", json_null());
	json_object_set_new(doc, "name", json_string("score-missing-date"));
	json_object_set_new(doc, "quotes", json_string("say \"hi\" \\\\ / \\x09"));
	json_object_set_new(doc, "message", json_string("'a\\\\x1B' \\ \\x1B"));
	json_object_set_new(doc, "control", json_string("a\\x1B[0m\\x7F\\xC2\\x9B\\xFF"));
	json_object_set_new(doc, "unicode", json_string("GPQA \xE2\x80\x94 \xF0\x9F\x98\x80"));
	expected = dump(doc);
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	jsontext_release(&t);
}

/* Nests deeper than the 32 spaces jsontext writes at a time. */
static void test_deep_nesting(void)
{
	struct jsontext t;
	json_t *doc = json_array(), *inner = doc;
	char *expected;
	int i;

	jsontext_init(&t);
	for (i = 0; i < 20; i++)
		jsontext_open(&t, NULL, '[');
	jsontext_add_integer(&t, NULL, 1);
	jsontext_add_string(&t, NULL, "x");
	for (i = 0; i < 20; i++)
		jsontext_close(&t, ']');

	for (i = 1; i < 20; i++) {
		json_t *next = json_array();

		json_array_append_new(inner, next);
		inner = next;
	}
	json_array_append_new(inner, json_integer(1));
	json_array_append_new(inner, json_string("x"));
	expected = dump(doc);
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	jsontext_release(&t);
}

/*
 * Checks that jsontext writes s, escaped already, as jansson writes the
 * string s alone, and s as registry text as jansson writes it after
 * report_sanitize().
 */
static void check_as_jansson(const char *s)
{
	struct jsontext t;
	char *expected;

	jsontext_init(&t);
	jsontext_add_escaped(&t, NULL, s);
	expected = dump(json_string(s));
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	jsontext_release(&t);

	jsontext_init(&t);
	jsontext_add_string(&t, NULL, s);
	expected = dump(report_json_string(s));
	CHECK_STR(t.text.ptr, expected);
	free(expected);
	jsontext_release(&t);
}

/*
 * Text without a quote or a backslash is written without jansson: every
 * printable ASCII character and a few UTF-8 sequences must come out as
 * jansson writes them.
 */
static void test_strings_match_jansson(void)
{
	static const char *const samples[] = {
		"", "caf\xC3\xA9", "GPQA \xE2\x80\x94 diamond", "\xE2\x80\xA8 \xE2\x80\xA9",
		"\xEF\xBF\xBD", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\xC2\xA0", "a/b</script>",
		"\"", "\\", "a \"b\" \\ c",
	};
	char text[4];
	int c;
	size_t i;

	for (c = 0x20; c < 0x7F; c++) {
		text[0] = 'a';
		text[1] = (char)c;
		text[2] = 'b';
		text[3] = '\0';
		check_as_jansson(text);
	}
	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		check_as_jansson(samples[i]);
}

static void test_scalar_alone(void)
{
	struct jsontext t;

	jsontext_init(&t);
	jsontext_add_string(&t, NULL, "a \"b\"");
	CHECK_STR(t.text.ptr, "\"a \\\"b\\\"\"");
	jsontext_release(&t);
}

int main(void)
{
	RUN(test_empty_containers);
	RUN(test_scalars);
	RUN(test_deep_nesting);
	RUN(test_strings_match_jansson);
	RUN(test_scalar_alone);
	return unit_done();
}
