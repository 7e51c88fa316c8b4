#include "jsontext.h"

#include <string.h>

#include "alloc.h"
#include "report.h"

/*
 * A comma, a newline and the indentation of 16 levels. The text between
 * two values is written from it in one piece, and deeper levels add more
 * spaces from it.
 */
static const char separator[] = ",\n                                ";
#define SEPARATOR_LEVELS ((sizeof(separator) - 3) / 2)

void jsontext_init(struct jsontext *t)
{
	memset(t, 0, sizeof(*t));
	buf_init(&t->text, 0);
	buf_init(&t->clean, 0);
	t->string = json_string_nocheck("");
	if (!t->string)
		xmalloc((size_t)-1);	/* jansson failed to allocate: exits */
}

void jsontext_release(struct jsontext *t)
{
	buf_release(&t->text);
	buf_release(&t->clean);
	json_decref(t->string);
	t->string = NULL;
}

/* Writes a newline and the indentation of the current depth, after a comma if comma is set. */
static void add_newline(struct jsontext *t, int comma)
{
	size_t levels = (size_t)t->depth;
	size_t first = levels < SEPARATOR_LEVELS ? levels : SEPARATOR_LEVELS;

	buf_add(&t->text, separator + !comma, 1 + (size_t)comma + 2 * first);
	for (levels -= first; levels; levels -= first) {
		first = levels < SEPARATOR_LEVELS ? levels : SEPARATOR_LEVELS;
		buf_add(&t->text, separator + 2, 2 * first);
	}
}

/* Writes what comes before a value: the comma after the previous value, the indentation and the key. */
static void start_value(struct jsontext *t, const char *key)
{
	if (t->depth)
		add_newline(t, !t->empty);
	t->empty = 0;
	if (key) {
		buf_addch(&t->text, '"');
		buf_adds(&t->text, key);
		buf_add(&t->text, "\": ", 3);
	}
}

void jsontext_open(struct jsontext *t, const char *key, char bracket)
{
	start_value(t, key);
	buf_addch(&t->text, bracket);
	t->depth++;
	t->empty = 1;
}

void jsontext_close(struct jsontext *t, char bracket)
{
	t->depth--;
	if (!t->empty)
		add_newline(t, 0);
	buf_addch(&t->text, bracket);
	t->empty = 0;
}

static int add_escaped(const char *piece, size_t len, void *data)
{
	return buf_add(data, piece, len);
}

/*
 * Writes s as a JSON string, escaped as report_sanitize() does when raw is
 * set and as report_sanitize_escaped() does otherwise.
 */
static void add_text(struct jsontext *t, const char *key, const char *s, int raw)
{
	const char *clean = s;
	size_t n;

	if (!s) {
		jsontext_add_null(t, key);
		return;
	}
	start_value(t, key);
	n = raw ? report_clean_length(s) : report_escaped_clean_length(s);
	if (s[n]) {
		buf_reset(&t->clean);
		if (raw)
			report_sanitize(&t->clean, s);
		else
			report_sanitize_escaped(&t->clean, s);
		clean = t->clean.ptr;
		n = t->clean.len;
	}
	/*
	 * Without JSON_ESCAPE_SLASH and JSON_ENSURE_ASCII, jansson escapes
	 * only quotes, backslashes and code points below U+0020 (dump_string()
	 * in its dump.c, 2.14), and both sanitize functions leave none of
	 * the last. Text without the first two is thus written as jansson
	 * would write it, without jansson's walk over each code point, which
	 * was the largest cost of writing a report. A unit test compares the
	 * two.
	 */
	if (!clean[strcspn(clean, "\"\\")]) {
		buf_addch(&t->text, '"');
		buf_add(&t->text, clean, n);
		buf_addch(&t->text, '"');
		return;
	}
	/*
	 * The text is valid UTF-8 after either sanitize function, so jansson
	 * fails here only when it cannot allocate.
	 */
	if (json_string_setn_nocheck(t->string, clean, n) < 0 ||
	    json_dump_callback(t->string, add_escaped, &t->text, JSON_ENCODE_ANY) < 0)
		xmalloc((size_t)-1);	/* exits */
}

void jsontext_add_string(struct jsontext *t, const char *key, const char *s)
{
	add_text(t, key, s, 1);
}

void jsontext_add_escaped(struct jsontext *t, const char *key, const char *s)
{
	add_text(t, key, s, 0);
}

void jsontext_add_name(struct jsontext *t, const char *key, const char *name)
{
	start_value(t, key);
	buf_addch(&t->text, '"');
	buf_adds(&t->text, name);
	buf_addch(&t->text, '"');
}

void jsontext_add_integer(struct jsontext *t, const char *key, json_int_t value)
{
	char digits[24];
	size_t i = sizeof(digits);
	unsigned long long magnitude = value < 0 ? 0ULL - (unsigned long long)value :
				       (unsigned long long)value;

	start_value(t, key);
	do {
		digits[--i] = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (value < 0)
		digits[--i] = '-';
	buf_add(&t->text, digits + i, sizeof(digits) - i);
}

void jsontext_add_null(struct jsontext *t, const char *key)
{
	start_value(t, key);
	buf_add(&t->text, "null", 4);
}
