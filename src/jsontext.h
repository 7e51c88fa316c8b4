#ifndef MODELAUDIT_JSONTEXT_H
#define MODELAUDIT_JSONTEXT_H

#include <jansson.h>

#include "buf.h"

/*
 * JSON text written one value at a time in the layout that jansson gives a
 * tree with JSON_INDENT(2) | JSON_PRESERVE_ORDER: each member or element
 * on a line of its own, indented by two spaces a level, and "[]" or "{}"
 * for an empty container. A report written this way needs no tree of its
 * values, and its text can go out in parts while it is being written.
 * jansson escapes every string that contains a character to escape.
 */
struct jsontext {
	struct buf text;	/* the text written so far */
	struct buf clean;	/* scratch: a string after sanitizing */
	json_t *string;		/* scratch: the string value jansson escapes */
	int depth;		/* containers open */
	int empty;		/* the innermost open container has no value yet */
};

void jsontext_init(struct jsontext *t);
void jsontext_release(struct jsontext *t);

/*
 * Each function below writes one value. key is the member name inside an
 * object, and NULL inside an array or for the outermost value. Keys are
 * written as they are, so they must need no escape.
 */

/* Starts an object ('{') or an array ('['), which jsontext_close() ends. */
void jsontext_open(struct jsontext *t, const char *key, char bracket);

/* Ends the innermost open container with its closing bracket ('}' or ']'). */
void jsontext_close(struct jsontext *t, char bracket);

/*
 * Writes s after report_sanitize() as a JSON string, or null when s is
 * NULL. jansson escapes the text when it contains a quote or a backslash.
 */
void jsontext_add_string(struct jsontext *t, const char *key, const char *s);

/*
 * Writes s after report_sanitize_escaped() as a JSON string, or null when
 * s is NULL: for a finding message, which is escaped already.
 */
void jsontext_add_escaped(struct jsontext *t, const char *key, const char *s);

/*
 * Writes name in quotes as it is, without jansson. For text that never
 * needs an escape: ids and names from the program's own tables, hex
 * object ids, ISO 8601 dates.
 */
void jsontext_add_name(struct jsontext *t, const char *key, const char *name);

void jsontext_add_integer(struct jsontext *t, const char *key, json_int_t value);
void jsontext_add_null(struct jsontext *t, const char *key);

#endif
