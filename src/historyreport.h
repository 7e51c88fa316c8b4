#ifndef MODELAUDIT_HISTORYREPORT_H
#define MODELAUDIT_HISTORYREPORT_H

#include <stdio.h>

#include <jansson.h>

#include "history.h"
#include "jsontext.h"

/* The formats of `diff`: text, JSON and markdown, one step at a time. */

/* Appends the one-line description of a change: "changed score grok-3 GPQA (0-shot): score 0.79 -> 0.794". */
void history_describe_change(struct buf *out, const struct change *c);

/* Formats a git time as UTC ISO 8601 ("2025-07-10T18:55:32Z"). */
void history_format_time(struct buf *out, git_time_t t);

/* Prints a step as a text block: the commit, its changes, then findings. */
void history_print_text(FILE *out, const struct history_step *step, int color);

/*
 * The document of `diff --format json`, written to a file one step at a
 * time: a long history is never held whole, as text or as a tree.
 */
struct history_json {
	FILE *out;
	const struct history_range *range;	/* filled before the first step */
	struct jsontext text;	/* text not yet written out */
	struct buf scratch;
	int started;		/* the document's start is written */
	int failed;		/* a write failed: the rest is dropped */
};

/*
 * Prepares to write the document to out. range is read when the first
 * step or the end is written, so history_run() may fill it in between.
 */
void history_json_init(struct history_json *j, FILE *out,
		       const struct history_range *range);
void history_json_release(struct history_json *j);

/*
 * Writes the JSON object of a step as the next element of the commits
 * list, after the start of the document (version, range) for the first.
 */
void history_json_add(struct history_json *j, const struct history_step *step);

/*
 * Ends the document, after its start when no step came, and writes out
 * what is left. Returns 0, or -1 when a write failed.
 */
int history_json_finish(struct history_json *j);

/* Prints a step as markdown for a pull-request comment. */
void history_print_markdown(FILE *out, const struct history_step *step);

#endif
