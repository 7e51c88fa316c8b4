#ifndef MODELAUDIT_LINKS_H
#define MODELAUDIT_LINKS_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "finding.h"
#include "options.h"
#include "rules.h"

struct model;

/*
 * The links of a registry: every distinct http(s) URL of sources[].url and
 * benchmarks[].source, each with the places that cite it, and what a scan
 * found out about it.
 */

/* The outcome of checking one URL; names as in `links --format json`. */
enum link_class {
	LINK_OK,
	LINK_REDIRECTED,	/* works, but moved permanently (301, 308) */
	LINK_BROKEN,		/* 404, 410, other 4xx not blocked, redirect loop */
	LINK_BLOCKED,		/* 401, 403, 429, bot challenge */
	LINK_SERVER_ERROR,	/* 5xx */
	LINK_UNREACHABLE,	/* DNS, connection, TLS, timeout, malformed reply */
	LINK_REFUSED,		/* not checked: unsafe address or scheme */
	LINK_EXCLUDED,		/* matches a links.exclude pattern */
	LINK_CLASS_COUNT
};

/* The state of a URL across scans, from the link database. */
enum link_state {
	LINK_STATE_OK,
	LINK_STATE_NEW,		/* failing in this scan for the first time */
	LINK_STATE_FAILING,	/* failing, fewer than fail_after scans in a row */
	LINK_STATE_ROTTEN,	/* failing in fail_after or more scans in a row */
	LINK_STATE_RECOVERED,	/* working again after failing */
	LINK_STATE_COUNT
};

/* One place that cites a URL: a source entry or a score. */
struct link_citation {
	const char *path;
	struct pos pos;
	const char *model;	/* model id, NULL when the model has none */
	const char *benchmark;	/* NULL for a source entry */
	const char *date;	/* score date or source publication date, or NULL */
};

struct link {
	const char *url;	/* as written in the registry */
	const char *host;	/* lower-case host name, for the per-host limit */
	struct link_citation *cited_by;
	size_t ncited;
	size_t alloc_cited;

	/* Result of this scan (or of the stored scan when not checked). */
	enum link_class class;
	long status;		/* last HTTP status, 0 when there was none */
	const char *final_url;	/* where redirects ended, NULL without redirects */
	const char *reason;	/* why it failed when no status says it, or NULL */
	int check;		/* to be checked in this scan */
	int checked;		/* checked in this scan */

	/* State across scans. */
	enum link_state state;
	const char *first_failure;	/* ISO 8601 UTC time, or NULL */
	long consecutive_failures;
	const char *archive;	/* archived copy suggested as replacement, or NULL */
};

/*
 * A set of links in order of first citation. Strings of the links are
 * copied into the set's arena, so the set does not depend on the models
 * it was collected from.
 */
struct link_set {
	struct link *items;
	size_t nr;
	size_t alloc;
	size_t *slots;		/* hash table of item index + 1, 0 for empty */
	size_t nslots;
	struct arena arena;
};

void link_set_init(struct link_set *set);
void link_set_release(struct link_set *set);

/*
 * Adds a citation of url, adding the URL first when the set does not have
 * it yet. Returns the link, or NULL when url is not an absolute http or
 * https URL (those are not collected).
 */
struct link *link_set_add(struct link_set *set, const char *url,
			  const struct link_citation *citation);

/* Looks up url; NULL when the set does not have it. */
struct link *link_set_find(const struct link_set *set, const char *url);

/* Copies s into the set's arena (NULL stays NULL). */
const char *link_set_strdup(struct link_set *set, const char *s);

/* Adds every http(s) URL of the sources and scores of m. */
void links_collect(struct link_set *set, const struct model *m);

/*
 * Marks every link whose URL matches one of the PCRE2 patterns as
 * excluded. Returns 0, or -1 with "invalid exclude pattern ..." in err.
 */
int links_exclude(struct link_set *set, const struct string_list *patterns,
		  struct buf *err);

/* Reports whether a link of class c counts as a failed check for the state. */
int link_class_is_failure(enum link_class c);
/* Reports whether a link of class c counts as working (resets the state). */
int link_class_is_working(enum link_class c);

/*
 * The severity of a link for --fail-on: error for broken links and rotten
 * ones, warning for server errors, unreachable and refused links, note for
 * blocked and permanently redirected ones, SEVERITY_OFF otherwise.
 */
enum severity link_severity(const struct link *l);

const char *link_class_name(enum link_class c);
const char *link_state_name(enum link_state s);

#endif
