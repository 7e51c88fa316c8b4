#ifndef MODELAUDIT_REVRANGE_H
#define MODELAUDIT_REVRANGE_H

#include "buf.h"

/*
 * The revision argument of `diff`, split into its ends as `git log` splits
 * a range. Only the text is read here, so every error is a syntax error
 * (exit status 2). Whether an end names a commit is for the repository to
 * decide (gitrepo_resolve_commit()).
 */

enum revrange_kind {
	REVRANGE_SINCE,		/* "<since>": since..HEAD */
	REVRANGE_TWO_DOT,	/* "<a>..<b>" */
	REVRANGE_THREE_DOT,	/* "<a>...<b>": from the merge base of a and b to b */
	REVRANGE_ONLY,		/* "<rev>^!": the commit rev alone */
	REVRANGE_PARENT		/* "<rev>^-<n>": rev^<n>..rev */
};

struct revrange {
	enum revrange_kind kind;
	/*
	 * The ends as typed, or NULL for an end left empty, which means HEAD.
	 * from is set for SINCE, TWO_DOT and THREE_DOT; to for every kind but
	 * SINCE.
	 */
	char *from;
	char *to;
	unsigned long parent;	/* PARENT: which parent of to, from 1 */
};

#define REVRANGE_INIT { REVRANGE_SINCE, NULL, NULL, 0 }

/*
 * Parses arg into out, which the caller releases with revrange_release()
 * whatever the return. Returns 0, or -1 with a message in err that names
 * arg with its control characters escaped. Rejected: an empty argument,
 * more than two ends ("a..b..c"), a lone negative revision ("^a"), which
 * leaves no commit to report, "<rev>^@" (every parent of rev, which is no
 * single range) and "<rev>^-0".
 *
 * A message search ":/<text>" takes the rest of the argument as its text,
 * so it can end a range but not start one. A ".." inside braces (as in
 * "HEAD^{/fix..}") does not split the argument either.
 */
int revrange_parse(struct revrange *out, const char *arg, struct buf *err);

void revrange_release(struct revrange *range);

/* Appends 'rev' to b, quoted, with control characters escaped. */
void revrange_add_quoted(struct buf *b, const char *rev);

#endif
