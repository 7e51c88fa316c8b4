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

/*
 * The default maximum size of the markdown document, in bytes. GitHub
 * rejects a comment of more than 65,536 characters, and every character
 * takes at least one byte of UTF-8, so the document fits with room to
 * spare for a line that a workflow adds.
 */
#define HISTORY_MARKDOWN_MAX_SIZE 60000

/*
 * Characters of a commit subject, an author name or a value from the
 * registry (a model id, a benchmark name, an old or a new value) that
 * markdown shows.
 */
#define HISTORY_MARKDOWN_MAX_CHARS 200

/*
 * Characters of a finding's message that markdown shows. A message quotes
 * at most 200 bytes of each value, but some name a benchmark or a date
 * whole.
 */
#define HISTORY_MARKDOWN_MAX_MESSAGE 1000

/*
 * The document of `diff --format markdown`, for a pull-request comment,
 * written to a file one step at a time and never longer than max_size
 * bytes. When the whole document would be longer, it stops at a whole
 * line, before the first part (a commit's heading, a table row, a
 * finding) that does not fit, and ends with a line that counts what was
 * left out.
 */
struct history_markdown {
	FILE *out;
	size_t max_size;	/* bytes, the closing line included */
	size_t written;		/* bytes written out */
	struct buf text;	/* the part being added */
	struct buf held;	/* parts that fit only if nothing comes after them */
	struct buf cell;	/* scratch for a cell's text */
	struct buf short_text;	/* scratch for a subject or name cut short */
	struct buf location;	/* scratch for a path and line numbers */
	int started;		/* the document's title is added */
	size_t steps;		/* steps added */
	int cut;		/* a part did not fit: the rest is counted, not written */
	char last[2];		/* the last two bytes written out */
	/* Counts of what the held parts contain, and of what was left out. */
	size_t held_commits, held_changes, held_findings;
	size_t lines_left, commits_left, changes_left, findings_left;
};

/*
 * Prepares to write the document to out, at most max_size bytes of it.
 * max_size must leave room for the title and the closing line: use
 * HISTORY_MARKDOWN_MAX_SIZE, or a few kilobytes at least.
 */
void history_markdown_init(struct history_markdown *md, FILE *out, size_t max_size);
void history_markdown_release(struct history_markdown *md);

/* Adds the section of a step, after the document's title for the first. */
void history_markdown_add(struct history_markdown *md, const struct history_step *step);

/*
 * Ends the document: after its title, with empty_line when no step was
 * added and empty_line is not NULL, and with the closing line when the
 * document was cut. A write error shows in ferror(out).
 */
void history_markdown_finish(struct history_markdown *md, const char *empty_line);

#endif
