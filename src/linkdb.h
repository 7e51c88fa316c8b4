#ifndef MODELAUDIT_LINKDB_H
#define MODELAUDIT_LINKDB_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "links.h"

struct sqlite3;
struct sqlite3_stmt;

/*
 * The link database (SQLite, write-ahead log): what earlier scans found out
 * about each URL, and one row per scan. Results are written in batches of
 * LINKDB_BATCH, one transaction each, so a scan killed at any point leaves
 * every URL either as the last committed batch wrote it or as it was.
 *
 * Times are stored as ISO 8601 UTC text ("2026-01-15T06:00:00Z").
 */

#define LINKDB_BATCH 64

struct linkdb {
	struct sqlite3 *db;
	struct sqlite3_stmt *select;
	struct sqlite3_stmt *upsert;
	const char *path;
	long long scan;		/* id of the current scan row */
	size_t pending;		/* writes in the open transaction */
	char now[32];		/* the scan's time, ISO 8601 */
};

/* The stored record of one URL. */
struct linkdb_record {
	int found;
	long consecutive_failures;
	char *first_failure;	/* NULL when not failing */
	char *last_ok;		/* last time it was found working, or NULL */
	char *last_class;
	long last_status;
	char *final_url;
};

/*
 * Opens (creating when needed) the database at path, ":memory:" for one
 * that is not kept, and records the start of a scan at time now. Returns
 * 0, or -1 with "<path>: <reason>" in err.
 */
int linkdb_open(struct linkdb *db, const char *path, time_t now, struct buf *err);

/* Reads the record of url; rec->found is 0 when the database has none. */
int linkdb_lookup(struct linkdb *db, const char *url, struct linkdb_record *rec,
		  struct buf *err);
void linkdb_record_release(struct linkdb_record *rec);

/*
 * Reports whether the record shows the URL working within the last
 * max_age days before the scan, so that it need not be checked again.
 */
int linkdb_is_fresh(const struct linkdb *db, const struct linkdb_record *rec,
		    long max_age);

/*
 * Sets the state of l (checked in this scan) from the stored record and
 * fail_after, and stores the result. A failing class counts one more
 * failed scan, a working class resets the count, and the other classes
 * (blocked, refused) leave it unchanged.
 */
int linkdb_update(struct linkdb *db, struct link_set *set, struct link *l,
		  long fail_after, struct buf *err);

/*
 * Sets the state of l (not checked in this scan) from its stored record,
 * without writing anything.
 */
void linkdb_apply_record(struct link *l, const struct linkdb_record *rec,
			 long fail_after, struct link_set *set);

/* Commits the open batch, if any. */
int linkdb_flush(struct linkdb *db, struct buf *err);

/* Commits the open batch and records the end of the scan with its counts. */
int linkdb_finish_scan(struct linkdb *db, const struct link_set *set,
		       time_t end, struct buf *err);

void linkdb_close(struct linkdb *db);

/* Formats t as ISO 8601 UTC into out (at least 21 bytes). */
void linkdb_format_time(char *out, size_t size, time_t t);

#endif
