#ifndef MODELAUDIT_LINKARCHIVE_H
#define MODELAUDIT_LINKARCHIVE_H

#include "buf.h"
#include "links.h"
#include "options.h"

/*
 * Archived copies of broken links, looked up through the Wayback Machine's
 * availability API: GET <endpoint>?url=<url>&timestamp=<YYYYMMDD> returns
 * JSON whose archived_snapshots.closest.url is the copy nearest that date.
 */

struct link_archive_options {
	const char *endpoint;	/* e.g. https://archive.org/wayback/available */
	long timeout;		/* seconds per lookup */
	const struct string_list *resolve;	/* "host:port:address" pins */
};

/*
 * Looks up the archived copy of url nearest date (YYYY-MM-DD, or NULL for
 * the latest). Sets *copy to a new string, or NULL when the archive has
 * none. Returns 0, or -1 with the reason in err.
 */
int link_archive_lookup(char **copy, const struct link_archive_options *opts,
			const char *url, const char *date, struct buf *err);

/*
 * Returns the date to look an archived copy of l up for: the latest date
 * among the scores and sources that cite it, or NULL when none has one.
 */
const char *link_archive_date(const struct link *l);

#endif
