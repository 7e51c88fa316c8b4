#ifndef MODELAUDIT_BASELINE_H
#define MODELAUDIT_BASELINE_H

#include <stddef.h>

#include "buf.h"
#include "finding.h"

/*
 * A baseline: the fingerprints of findings that a registry accepts for now,
 * so that `check` fails only on new ones. The file is JSON:
 *
 *   {"version": 1, "findings": [{"fingerprint": "<32 hex digits>",
 *     "rule": "...", "path": "...", "model": "...", "message": "..."}]}
 *
 * Only the fingerprint is matched; the other members are there for the
 * people who review the file. A fingerprint listed N times hides at most N
 * findings, so a second copy of an accepted problem is still reported.
 * Findings of rules that cannot be switched off (yaml-syntax) are never
 * recorded nor hidden.
 */

/* Negative returns, mapped to exit codes by the command. */
#define BASELINE_ERROR (-1)	/* unreadable or unwritable file: exit 4 */
#define BASELINE_INVALID (-2)	/* not a baseline file: exit 3 */

struct baseline_entry {
	char fingerprint[33];
	size_t count;		/* times listed in the file */
	size_t matched;		/* findings hidden so far */
};

struct baseline {
	struct baseline_entry *items;	/* sorted by fingerprint */
	size_t nr;
	size_t alloc;
};

#define BASELINE_INIT { NULL, 0, 0 }

/* Parses baseline text (len bytes) read from path, which names it in errors. */
int baseline_parse(struct baseline *b, const char *path, const char *text,
		   size_t len, struct buf *err);

/* Reads and parses the baseline file at path. */
int baseline_read(struct baseline *b, const char *path, struct buf *err);

/* Appends the baseline document of findings, ending in a newline, to out. */
void baseline_format(struct buf *out, const struct finding_list *findings);

/* Writes the baseline of findings to path, replacing the file atomically. */
int baseline_write(const char *path, const struct finding_list *findings,
		   struct buf *err);

/*
 * Removes from findings those the baseline lists and returns how many it
 * removed. Findings must have their fingerprints (finding_list_finish()).
 */
size_t baseline_filter(struct baseline *b, struct finding_list *findings);

void baseline_release(struct baseline *b);

#endif
