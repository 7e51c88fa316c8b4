#ifndef MODELAUDIT_REPORT_H
#define MODELAUDIT_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "buf.h"
#include "finding.h"

/* Findings as text and JSON, in the formats of the CLI contract. */

/* Returns the text of line (1-based) of path, or NULL; for --show-source. */
typedef const char *(*source_line_fn)(void *data, const char *path,
				      uint32_t line, size_t *len);

struct report_options {
	int color;
	int show_source;
	source_line_fn source_line;
	void *source_data;
};

struct report_summary {
	size_t files;
	size_t models;
	size_t scores;
};

/*
 * Text from the registry or from git (ids, names, values, paths, URLs,
 * commit subjects) is printed escaped once, so that it cannot drive a
 * terminal and reads back unambiguously. Each backslash is doubled. Each
 * control character (C0, DEL, C1), direction mark and byte of invalid
 * UTF-8 is written as \xHH. A name that contains the four characters
 * \x1B thus prints as \\x1B, and one that contains ESC as \x1B. JSON
 * strings carry the same escaped text.
 *
 * A finding message is built escaped already, with buf_add_escaped()
 * around each piece of registry text it quotes, so it goes through the
 * _escaped functions, which keep its backslashes. They still write a
 * control character or a byte of invalid UTF-8 as \xHH, so that a
 * message that quotes text without escaping it cannot drive a terminal.
 */

/*
 * Prints "modelaudit: error: " and the printf-style message on standard
 * error, with control characters escaped as report_sanitize_escaped()
 * does, because an operational message can quote a path or a library's
 * reason as it came.
 */
void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends registry text s to out, escaped as described above. */
void report_sanitize(struct buf *out, const char *s);

/*
 * Appends s to out escaped as report_sanitize() does but with backslashes
 * kept: for a finding message, which is escaped already, and for a path
 * that a CI service opens (report_locator_path()).
 */
void report_sanitize_escaped(struct buf *out, const char *s);

/*
 * Returns the length of the longest start of s that report_sanitize()
 * copies unchanged: strlen(s) when s needs no escape.
 */
size_t report_clean_length(const char *s);

/* Returns the length of the longest start of s that report_sanitize_escaped() copies unchanged. */
size_t report_escaped_clean_length(const char *s);

/*
 * Appends the line of a finding that report_text() prints, with its
 * newline and, when color is set, the terminal's color sequences.
 */
void report_add_finding_text(struct buf *out, const struct finding *f, int color);

/* Prints one finding a line: "path:line:col: severity: message [rule-id]". */
void report_text(FILE *out, const struct finding_list *findings,
		 const struct report_options *options);

/* Returns a new JSON object for one finding, as `check --format json` prints it. */
json_t *report_finding_json(const struct finding *f);

struct jsontext;

/* Writes the object of report_finding_json() for f as the next value of t. */
void report_add_finding_json(struct jsontext *t, const struct finding *f);

/* Returns a JSON string of s after report_sanitize(). */
json_t *report_json_string(const char *s);

/* Returns a JSON string of s after report_sanitize_escaped(), for a finding message. */
json_t *report_json_escaped_string(const char *s);

/* Prints the `check --format json` document. Returns 0, or -1 on a write error. */
int report_json(FILE *out, const struct finding_list *findings,
		const struct report_summary *summary);

/* Prints a JSON value indented by two spaces, keys in insertion order, and a newline. */
int report_print_json(FILE *out, json_t *value);

#endif
