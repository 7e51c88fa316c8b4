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

/* Prints a step as markdown for a pull-request comment. */
void history_print_markdown(FILE *out, const struct history_step *step);

#endif
