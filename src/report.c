#include "report.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "jsontext.h"
#include "rules.h"

#define COLOR_RESET "\033[0m"
#define COLOR_BOLD "\033[1m"
#define COLOR_DIM "\033[2m"

/* Bytes of a source line that --show-source prints at most. */
#define REPORT_MAX_SOURCE_LINE 1024

static const char *severity_color(enum severity s)
{
	switch (s) {
	case SEVERITY_ERROR:
		return "\033[1;31m";
	case SEVERITY_WARNING:
		return "\033[1;33m";
	default:
		return "\033[1;36m";
	}
}

/* Eight copies of the byte b, to test eight bytes at a time. */
#define EVERY_BYTE(b) (UINT64_C(0x0101010101010101) * (b))

/*
 * Returns the length of the printable ASCII (0x20..0x7E) at the start of
 * the len bytes at p, up to the first backslash when raw is set.
 */
static size_t printable_length(const unsigned char *p, size_t len, int raw)
{
	size_t n = 0;

	/*
	 * A word contains a byte below 0x20 exactly when subtracting 0x20
	 * from each byte sets the top bit of a byte whose top bit was clear.
	 * It contains a byte above 0x7E exactly when a byte has its top bit
	 * set before or after adding 1 to each byte. A borrow or carry
	 * between bytes starts only at a byte outside the range, which the
	 * test then finds. A backslash is a zero byte of the word XORed with
	 * backslashes, which the first test finds with 0x01 in place of 0x20.
	 */
	while (len - n >= 8) {
		uint64_t w, x;

		memcpy(&w, p + n, sizeof(w));
		if (((w - EVERY_BYTE(0x20)) & ~w & EVERY_BYTE(0x80)) ||
		    (((w + EVERY_BYTE(0x01)) | w) & EVERY_BYTE(0x80)))
			break;
		x = w ^ EVERY_BYTE('\\');
		if (raw && ((x - EVERY_BYTE(0x01)) & ~x & EVERY_BYTE(0x80)))
			break;
		n += 8;
	}
	while (n < len && p[n] >= 0x20 && p[n] < 0x7F && !(raw && p[n] == '\\'))
		n++;
	return n;
}

/*
 * Returns the length of the start of the len bytes at p, which a NUL
 * ends, that sanitize() copies unchanged.
 */
static size_t clean_length(const unsigned char *p, size_t len, int raw)
{
	size_t n = 0;

	for (;;) {
		size_t width;

		n += printable_length(p + n, len - n, raw);
		if (n == len)
			return n;
		/* printable_length() stops at a backslash only when raw is set. */
		if (p[n] == '\\')
			return n;
		width = utf8_shown_length(p + n, len - n);
		if (!width)
			return n;
		n += width;
	}
}

size_t report_clean_length(const char *s)
{
	return clean_length((const unsigned char *)s, strlen(s), 1);
}

size_t report_escaped_clean_length(const char *s)
{
	return clean_length((const unsigned char *)s, strlen(s), 0);
}

/*
 * Appends s with each control character, direction mark and byte of
 * invalid UTF-8 written as \xHH and, when raw is set, each backslash
 * doubled.
 */
static void sanitize(struct buf *out, const char *s, int raw)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(s);

	/*
	 * The length left is carried from one escape to the next: measuring
	 * the rest of s again at each one would take time quadratic in the
	 * length of a string full of control characters.
	 */
	for (;;) {
		size_t n = clean_length((const unsigned char *)s, len, raw);
		unsigned char c;
		char escape[4];

		buf_add(out, s, n);
		s += n;
		len -= n;
		if (!len)
			return;
		c = (unsigned char)*s;
		if (c == '\\') {
			buf_add(out, "\\\\", 2);
		} else {
			escape[0] = '\\';
			escape[1] = 'x';
			escape[2] = hex[c >> 4];
			escape[3] = hex[c & 15];
			buf_add(out, escape, sizeof(escape));
		}
		s++;
		len--;
	}
}

void report_sanitize(struct buf *out, const char *s)
{
	sanitize(out, s, 1);
}

void report_sanitize_escaped(struct buf *out, const char *s)
{
	sanitize(out, s, 0);
}

static void print_source(FILE *out, const struct finding *f,
			 const struct report_options *o)
{
	struct buf line = BUF_INIT;
	const char *text;
	size_t len = 0, i, column = 1;
	int cut = 0;

	text = o->source_line(o->source_data, f->path, f->pos.line, &len);
	if (!text)
		return;
	/* A line of a hostile file can be megabytes long: show its start. */
	if (len > REPORT_MAX_SOURCE_LINE) {
		len = REPORT_MAX_SOURCE_LINE;
		while (len && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
		cut = 1;
	}
	buf_add_escaped(&line, text, len);
	if (cut)
		buf_adds(&line, "...");
	fprintf(out, "%5u | %s\n      | ", f->pos.line, line.ptr);
	/* The caret goes under the column'th character of the escaped line. */
	for (i = 0; i < len && column < f->pos.column; i++) {
		unsigned char c = (unsigned char)text[i];

		if ((c & 0xC0) == 0x80)
			continue;
		fputc(c == '\t' ? '\t' : ' ', out);
		column++;
	}
	fprintf(out, "%s^%s\n", o->color ? severity_color(f->severity) : "",
		o->color ? COLOR_RESET : "");
	buf_release(&line);
}

void report_add_finding_text(struct buf *out, const struct finding *f, int color)
{
	if (color)
		buf_adds(out, COLOR_BOLD);
	report_sanitize(out, f->path);
	buf_addf(out, ":%u:%u:", f->pos.line, f->pos.column);
	if (color) {
		buf_adds(out, COLOR_RESET " ");
		buf_adds(out, severity_color(f->severity));
	} else {
		buf_addch(out, ' ');
	}
	buf_adds(out, severity_name(f->severity));
	buf_adds(out, color ? ":" COLOR_RESET " " : ": ");
	report_sanitize_escaped(out, f->message);
	buf_adds(out, color ? " " COLOR_DIM "[" : " [");
	buf_adds(out, rule_table[f->rule].id);
	buf_adds(out, color ? "]" COLOR_RESET "\n" : "]\n");
}

void report_text(FILE *out, const struct finding_list *findings,
		 const struct report_options *o)
{
	struct buf line = BUF_INIT;
	size_t i;

	for (i = 0; i < findings->nr; i++) {
		const struct finding *f = &findings->items[i];

		buf_reset(&line);
		report_add_finding_text(&line, f, o->color);
		fwrite(line.ptr, 1, line.len, out);
		if (o->show_source && o->source_line && f->pos.line)
			print_source(out, f, o);
	}
	buf_release(&line);
}

/*
 * Returns a JSON string of s after sanitize(). That text is valid UTF-8,
 * so jansson need not check it again. Most text needs no escape and is
 * passed on without a copy.
 */
static json_t *json_string_of(const char *s, int raw)
{
	struct buf clean = BUF_INIT;
	size_t n = clean_length((const unsigned char *)s, strlen(s), raw);
	json_t *j;

	if (!s[n]) {
		j = json_stringn_nocheck(s, n);
	} else {
		sanitize(&clean, s, raw);
		j = json_stringn_nocheck(clean.ptr, clean.len);
		buf_release(&clean);
	}
	if (!j)
		xmalloc((size_t)-1);	/* jansson failed to allocate: exits */
	return j;
}

json_t *report_json_string(const char *s)
{
	return json_string_of(s, 1);
}

json_t *report_json_escaped_string(const char *s)
{
	return json_string_of(s, 0);
}

static void set_string(json_t *obj, const char *key, const char *value)
{
	if (value)
		json_object_set_new_nocheck(obj, key, report_json_string(value));
}

json_t *report_finding_json(const struct finding *f)
{
	json_t *obj = json_object();

	set_string(obj, "rule", rule_table[f->rule].id);
	set_string(obj, "severity", severity_name(f->severity));
	json_object_set_new_nocheck(obj, "message", report_json_escaped_string(f->message));
	set_string(obj, "path", f->path);
	json_object_set_new_nocheck(obj, "line", json_integer(f->pos.line));
	json_object_set_new_nocheck(obj, "column", json_integer(f->pos.column));
	set_string(obj, "model", f->model);
	set_string(obj, "benchmark", f->benchmark);
	set_string(obj, "variant", f->variant);
	set_string(obj, "fingerprint", f->fingerprint);
	return obj;
}

void report_add_finding_json(struct jsontext *t, const struct finding *f)
{
	jsontext_open(t, NULL, '{');
	jsontext_add_name(t, "rule", rule_table[f->rule].id);
	jsontext_add_name(t, "severity", severity_name(f->severity));
	jsontext_add_escaped(t, "message", f->message);
	jsontext_add_string(t, "path", f->path);
	jsontext_add_integer(t, "line", f->pos.line);
	jsontext_add_integer(t, "column", f->pos.column);
	if (f->model)
		jsontext_add_string(t, "model", f->model);
	if (f->benchmark)
		jsontext_add_string(t, "benchmark", f->benchmark);
	if (f->variant)
		jsontext_add_string(t, "variant", f->variant);
	jsontext_add_name(t, "fingerprint", f->fingerprint);
	jsontext_close(t, '}');
}

/* Bytes of JSON text gathered before each write. */
#define JSON_WRITE_SIZE (64 * 1024)

struct json_writer {
	FILE *out;
	char *text;		/* JSON_WRITE_SIZE bytes */
	size_t len;
	int failed;
};

static void json_writer_write(struct json_writer *w, const char *data, size_t len)
{
	if (len && fwrite(data, 1, len, w->out) != len)
		w->failed = 1;
}

/*
 * Receives the pieces of the JSON text from jansson, which passes many
 * short ones (a quote, a key, an indentation): gathered in a buffer, they
 * cost one fwrite() per JSON_WRITE_SIZE bytes instead of one each.
 */
static int json_writer_add(const char *piece, size_t len, void *data)
{
	struct json_writer *w = data;

	if (len <= JSON_WRITE_SIZE - w->len) {
		memcpy(w->text + w->len, piece, len);
		w->len += len;
		return 0;
	}
	json_writer_write(w, w->text, w->len);
	w->len = 0;
	if (len > JSON_WRITE_SIZE) {
		json_writer_write(w, piece, len);
	} else {
		memcpy(w->text, piece, len);
		w->len = len;
	}
	return w->failed ? -1 : 0;
}

int report_print_json(FILE *out, json_t *value)
{
	struct json_writer w;
	int ret;

	w.out = out;
	w.text = xmalloc(JSON_WRITE_SIZE);
	w.len = 0;
	w.failed = 0;
	ret = json_dump_callback(value, json_writer_add, &w,
				 JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (ret == 0)
		json_writer_add("\n", 1, &w);
	json_writer_write(&w, w.text, w.len);
	free(w.text);
	if (ret < 0 || w.failed)
		return -1;
	return ferror(out) ? -1 : 0;
}

int report_json(FILE *out, const struct finding_list *findings,
		const struct report_summary *summary)
{
	json_t *doc = json_object(), *list = json_array(), *sum = json_object();
	size_t i;
	int ret;

	json_object_set_new(doc, "version", json_integer(1));
	for (i = 0; i < findings->nr; i++)
		json_array_append_new(list, report_finding_json(&findings->items[i]));
	json_object_set_new(doc, "findings", list);

	json_object_set_new(sum, "files", json_integer((json_int_t)summary->files));
	json_object_set_new(sum, "models", json_integer((json_int_t)summary->models));
	json_object_set_new(sum, "scores", json_integer((json_int_t)summary->scores));
	json_object_set_new(sum, "errors", json_integer((json_int_t)(
		finding_list_count(findings, SEVERITY_ERROR))));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)(
		finding_list_count(findings, SEVERITY_WARNING) -
		finding_list_count(findings, SEVERITY_ERROR))));
	json_object_set_new(sum, "notes", json_integer((json_int_t)(
		finding_list_count(findings, SEVERITY_NOTE) -
		finding_list_count(findings, SEVERITY_WARNING))));
	json_object_set_new(doc, "summary", sum);

	ret = report_print_json(out, doc);
	json_decref(doc);
	return ret;
}
