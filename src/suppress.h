#ifndef MODELAUDIT_SUPPRESS_H
#define MODELAUDIT_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "rules.h"

/*
 * Inline suppressions: a YAML comment
 *
 *   # modelaudit: ignore <rule-id> <reason>
 *
 * silences the findings of that rule on one line. A comment after other
 * text on a line covers that line. A comment alone on its line covers the
 * next line that is neither blank nor a comment, so several suppressions
 * can be stacked above one entry.
 *
 * A suppression that silences nothing, and one that is malformed (no rule
 * id, an unknown rule id, no reason, a directive other than `ignore`, or a
 * rule that cannot be suppressed), is reported as suppression-unused. A
 * malformed suppression silences nothing. Findings of rules that cannot be
 * switched off (yaml-syntax) and suppression-unused itself cannot be
 * suppressed. An unused suppression of a rule whose severity is off, or of
 * a rule that only `diff` raises, is not reported.
 *
 * libyaml does not report comments, so they are read from the raw text.
 * libyaml's scanner marks where the scalars are, so that a '#' inside a
 * quoted or block scalar is not taken for a comment.
 */

struct suppression {
	char *path;
	struct pos pos;		/* position of the '#' */
	uint32_t target;	/* line whose findings it covers; 0 for none */
	int rule;		/* enum rule_id, or -1 when malformed */
	char *comment;		/* the comment's text after '#', trimmed */
	char *problem;		/* why it is malformed, or NULL */
	int used;
};

struct suppress_list {
	struct suppression *items;
	size_t nr;
	size_t alloc;
};

#define SUPPRESS_LIST_INIT { NULL, 0, 0 }

/*
 * Reports whether text (len bytes) contains the directive prefix
 * "modelaudit:", without which it has no suppression.
 */
int suppress_possible(const char *text, size_t len);

/*
 * Appends the suppressions in the comments of one file's text (len bytes,
 * not necessarily NUL-terminated), read under the name path. Lines count
 * line feeds, as the loader's positions do.
 */
void suppress_scan(struct suppress_list *list, const char *path,
		   const char *text, size_t len);

/*
 * Removes the findings that a suppression covers and appends a
 * suppression-unused finding for each suppression that is malformed or
 * silenced nothing. severity is the severity of each rule in force (NULL
 * for the defaults). Returns the number of findings appended, which need
 * finding_list_finish() for their severity and fingerprint.
 */
size_t suppress_apply(struct suppress_list *list, struct finding_list *findings,
		      const enum severity *severity);

void suppress_release(struct suppress_list *list);

#endif
