#ifndef MODELAUDIT_LINKREPORT_H
#define MODELAUDIT_LINKREPORT_H

#include <stdio.h>

#include "links.h"

/*
 * The reports of `modelaudit links`: text, JSON (the CLI contract) and
 * markdown. Links are listed failing first: rotten, new, failing,
 * recovered, then the rest, each group in order of first citation.
 */

struct link_report_options {
	int verbose;		/* text and markdown: list working links too */
	int color;
};

/*
 * Prints the failing, recovered and otherwise notable links with the
 * places that cite them.
 */
void link_report_text(FILE *out, const struct link_set *set,
		      const struct link_report_options *opts);

/* Prints the `links --format json` document. Returns 0, or -1 on a write error. */
int link_report_json(FILE *out, const struct link_set *set);

/* Prints a markdown report ready to paste into a pull-request comment. */
void link_report_markdown(FILE *out, const struct link_set *set,
			  const struct link_report_options *opts);

/* Prints "N URLs (N checked): N ok, N redirected, ..." and a newline. */
void link_report_summary(FILE *out, const struct link_set *set);

#endif
