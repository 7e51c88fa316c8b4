#ifndef MODELAUDIT_HISTORYREPORT_H
#define MODELAUDIT_HISTORYREPORT_H

#include <stdio.h>

#include <jansson.h>

#include "history.h"

/* The formats of `diff`: text, JSON and markdown, one step at a time. */

/* Appends the one-line description of a change: "changed score grok-3 GPQA (0-shot): score 0.79 -> 0.794". */
void history_describe_change(struct buf *out, const struct change *c);

/* Formats a git time as UTC ISO 8601 ("2025-07-10T18:55:32Z"). */
void history_format_time(struct buf *out, git_time_t t);

/* Prints a step as a text block: the commit, its changes, then findings. */
void history_print_text(FILE *out, const struct history_step *step, int color);

/* Returns the JSON object of a step, as in the `commits` list of `diff --format json`. */
json_t *history_step_json(const struct history_step *step);

/* Returns the JSON object of the range ("from" and "to" full ids, or null). */
json_t *history_range_json(const struct history_range *range);

/*
 * The document of `diff --format json`, gathered one step at a time: each
 * step's JSON tree is turned into text and freed as soon as the step is
 * reported, so that a long history does not hold the trees of every step.
 */
struct history_json {
	char *text;		/* the elements of the commits list so far */
	size_t len;
	size_t alloc;
	size_t count;		/* elements in text */
	int failed;		/* jansson's text was not laid out as expected */
};

void history_json_init(struct history_json *j);
void history_json_release(struct history_json *j);

/* Appends the JSON object of a step (history_step_json()) to the commits. */
void history_json_add(struct history_json *j, const struct history_step *step);

/*
 * Prints the whole document, indented by two spaces: the version, the
 * range and the commits gathered. Returns 0, or -1 on a write error or
 * when jansson's text was not laid out as expected.
 */
int history_json_print(FILE *out, const struct history_json *j,
		       const struct history_range *range);

/* Prints a step as markdown for a pull-request comment. */
void history_print_markdown(FILE *out, const struct history_step *step);

#endif
