#include "linkdb.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define LINKDB_SCHEMA_VERSION 1

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS link ("
	" url TEXT PRIMARY KEY,"
	" first_failure TEXT,"			/* start of the current failing run */
	" consecutive_failures INTEGER NOT NULL DEFAULT 0,"
	" last_status INTEGER,"			/* NULL when there was no HTTP status */
	" last_class TEXT NOT NULL,"
	" final_url TEXT,"
	" last_checked TEXT NOT NULL,"
	" last_ok TEXT,"			/* last time it was found working */
	" last_scan INTEGER"
	");"
	"CREATE TABLE IF NOT EXISTS scan ("
	" id INTEGER PRIMARY KEY,"
	" started TEXT NOT NULL,"
	" finished TEXT,"			/* NULL for an interrupted scan */
	" urls INTEGER, ok INTEGER, redirected INTEGER, broken INTEGER,"
	" blocked INTEGER, server_error INTEGER, unreachable INTEGER,"
	" refused INTEGER, excluded INTEGER"
	");";

void linkdb_format_time(char *out, size_t size, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int db_error(struct linkdb *db, struct buf *err, const char *what)
{
	buf_setf(err, "%s: %s: %s", db->path, what,
		 db->db ? sqlite3_errmsg(db->db) : "out of memory");
	return -1;
}

static int exec(struct linkdb *db, const char *sql, struct buf *err)
{
	char *message = NULL;

	if (sqlite3_exec(db->db, sql, NULL, NULL, &message) != SQLITE_OK) {
		buf_setf(err, "%s: %s", db->path, message ? message : sqlite3_errmsg(db->db));
		sqlite3_free(message);
		return -1;
	}
	return 0;
}

static int check_schema_version(struct linkdb *db, struct buf *err)
{
	sqlite3_stmt *st = NULL;
	int version = 0, ret = 0;

	if (sqlite3_prepare_v2(db->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "cannot read the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	if (version > LINKDB_SCHEMA_VERSION) {
		buf_setf(err, "%s: link database of a newer modelaudit (schema %d, expected %d)",
			 db->path, version, LINKDB_SCHEMA_VERSION);
		return -1;
	}
	if (version < LINKDB_SCHEMA_VERSION)
		ret = exec(db, "PRAGMA user_version = 1", err);
	return ret;
}

static int open_db(struct linkdb *db, struct buf *err)
{
	const char *path = db->path;
	sqlite3_stmt *st = NULL;

	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return db_error(db, err, "cannot open the link database");
	sqlite3_busy_timeout(db->db, 5000);
	if (exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err) < 0)
		return -1;
	if (exec(db, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	if (exec(db, schema, err) < 0 || check_schema_version(db, err) < 0) {
		exec(db, "ROLLBACK", err);
		return -1;
	}

	if (sqlite3_prepare_v2(db->db, "INSERT INTO scan (started) VALUES (?)", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "cannot record the scan");
	sqlite3_bind_text(st, 1, db->now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_error(db, err, "cannot record the scan");
	}
	sqlite3_finalize(st);
	db->scan = sqlite3_last_insert_rowid(db->db);
	if (exec(db, "COMMIT", err) < 0)
		return -1;

	if (sqlite3_prepare_v2(db->db,
			       "SELECT consecutive_failures, first_failure, last_ok,"
			       " last_class, last_status, final_url FROM link WHERE url = ?",
			       -1, &db->select, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db->db,
			       "INSERT INTO link (url, first_failure, consecutive_failures,"
			       " last_status, last_class, final_url, last_checked, last_ok, last_scan)"
			       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
			       " ON CONFLICT (url) DO UPDATE SET first_failure = ?2,"
			       " consecutive_failures = ?3, last_status = ?4, last_class = ?5,"
			       " final_url = ?6, last_checked = ?7,"
			       " last_ok = coalesce(?8, last_ok), last_scan = ?9",
			       -1, &db->upsert, NULL) != SQLITE_OK)
		return db_error(db, err, "cannot prepare the link queries");
	return 0;
}

int linkdb_open(struct linkdb *db, const char *path, time_t now, struct buf *err)
{
	memset(db, 0, sizeof(*db));
	db->path = path;
	linkdb_format_time(db->now, sizeof(db->now), now);
	if (open_db(db, err) < 0) {
		linkdb_close(db);
		return -1;
	}
	return 0;
}

static char *column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s ? xstrdup((const char *)s) : NULL;
}

int linkdb_lookup(struct linkdb *db, const char *url, struct linkdb_record *rec,
		  struct buf *err)
{
	int rc;

	memset(rec, 0, sizeof(*rec));
	sqlite3_reset(db->select);
	sqlite3_bind_text(db->select, 1, url, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(db->select);
	if (rc == SQLITE_ROW) {
		rec->found = 1;
		rec->consecutive_failures = sqlite3_column_int64(db->select, 0);
		rec->first_failure = column_strdup(db->select, 1);
		rec->last_ok = column_strdup(db->select, 2);
		rec->last_class = column_strdup(db->select, 3);
		rec->last_status = sqlite3_column_int64(db->select, 4);
		rec->final_url = column_strdup(db->select, 5);
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(db->select);
		return db_error(db, err, "cannot read a link");
	}
	sqlite3_reset(db->select);
	return 0;
}

void linkdb_record_release(struct linkdb_record *rec)
{
	free(rec->first_failure);
	free(rec->last_ok);
	free(rec->last_class);
	free(rec->final_url);
	memset(rec, 0, sizeof(*rec));
}

int linkdb_is_fresh(const struct linkdb *db, const struct linkdb_record *rec,
		    long max_age)
{
	struct tm tm = { 0 };
	char cutoff[32];
	time_t now;

	if (!rec->found || !rec->last_ok || rec->consecutive_failures || max_age <= 0)
		return 0;
	if (!rec->last_class || (strcmp(rec->last_class, "ok") && strcmp(rec->last_class, "redirected")))
		return 0;

	/* db->now is UTC, so timegm() turns it back into the same time_t. */
	if (sscanf(db->now, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	now = timegm(&tm);
	linkdb_format_time(cutoff, sizeof(cutoff), now - (time_t)max_age * 86400);
	return strcmp(rec->last_ok, cutoff) > 0;
}

static enum link_class class_from_name(const char *name)
{
	int c;

	for (c = 0; name && c < LINK_CLASS_COUNT; c++)
		if (!strcmp(name, link_class_name((enum link_class)c)))
			return (enum link_class)c;
	return LINK_OK;
}

static enum link_state state_from_count(long count, long fail_after)
{
	if (count <= 0)
		return LINK_STATE_OK;
	return count >= fail_after ? LINK_STATE_ROTTEN : LINK_STATE_FAILING;
}

void linkdb_apply_record(struct link *l, const struct linkdb_record *rec,
			 long fail_after, struct link_set *set)
{
	if (!rec->found)
		return;
	if (!l->checked && l->class != LINK_EXCLUDED) {
		l->class = class_from_name(rec->last_class);
		l->status = rec->last_status;
		l->final_url = link_set_strdup(set, rec->final_url);
	}
	l->consecutive_failures = rec->consecutive_failures;
	l->first_failure = link_set_strdup(set, rec->first_failure);
	l->state = state_from_count(rec->consecutive_failures, fail_after);
}

static int begin_batch(struct linkdb *db, struct buf *err)
{
	if (db->pending)
		return 0;
	return exec(db, "BEGIN IMMEDIATE", err);
}

int linkdb_flush(struct linkdb *db, struct buf *err)
{
	if (!db->pending)
		return 0;
	db->pending = 0;
	return exec(db, "COMMIT", err);
}

int linkdb_update(struct linkdb *db, struct link_set *set, struct link *l,
		  long fail_after, struct buf *err)
{
	struct linkdb_record rec;
	const char *first_failure = NULL;
	long count;
	int ret = -1;

	if (begin_batch(db, err) < 0)
		return -1;
	if (linkdb_lookup(db, l->url, &rec, err) < 0)
		return -1;

	count = rec.consecutive_failures;
	if (link_class_is_failure(l->class)) {
		count++;
		first_failure = rec.first_failure ? rec.first_failure : db->now;
		if (count >= fail_after)
			l->state = LINK_STATE_ROTTEN;
		else
			l->state = count == 1 ? LINK_STATE_NEW : LINK_STATE_FAILING;
	} else if (link_class_is_working(l->class)) {
		l->state = count > 0 ? LINK_STATE_RECOVERED : LINK_STATE_OK;
		count = 0;
	} else {
		first_failure = rec.first_failure;
		l->state = state_from_count(count, fail_after);
	}
	l->consecutive_failures = count;
	l->first_failure = link_set_strdup(set, first_failure);

	sqlite3_reset(db->upsert);
	sqlite3_clear_bindings(db->upsert);
	sqlite3_bind_text(db->upsert, 1, l->url, -1, SQLITE_STATIC);
	if (first_failure)
		sqlite3_bind_text(db->upsert, 2, first_failure, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(db->upsert, 3, count);
	if (l->status)
		sqlite3_bind_int64(db->upsert, 4, l->status);
	sqlite3_bind_text(db->upsert, 5, link_class_name(l->class), -1, SQLITE_STATIC);
	if (l->final_url)
		sqlite3_bind_text(db->upsert, 6, l->final_url, -1, SQLITE_STATIC);
	sqlite3_bind_text(db->upsert, 7, db->now, -1, SQLITE_STATIC);
	if (link_class_is_working(l->class))
		sqlite3_bind_text(db->upsert, 8, db->now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(db->upsert, 9, db->scan);
	if (sqlite3_step(db->upsert) != SQLITE_DONE) {
		db_error(db, err, "cannot store a link");
		goto done;
	}
	sqlite3_reset(db->upsert);

	db->pending++;
	if (db->pending >= LINKDB_BATCH && linkdb_flush(db, err) < 0)
		goto done;
	ret = 0;

done:
	linkdb_record_release(&rec);
	return ret;
}

int linkdb_finish_scan(struct linkdb *db, const struct link_set *set,
		       time_t end, struct buf *err)
{
	sqlite3_stmt *st = NULL;
	long counts[LINK_CLASS_COUNT] = { 0 };
	char finished[32];
	size_t i;
	int c;

	if (linkdb_flush(db, err) < 0)
		return -1;
	for (i = 0; i < set->nr; i++)
		counts[set->items[i].class]++;
	linkdb_format_time(finished, sizeof(finished), end);

	if (sqlite3_prepare_v2(db->db,
			       "UPDATE scan SET finished = ?, urls = ?, ok = ?, redirected = ?,"
			       " broken = ?, blocked = ?, server_error = ?, unreachable = ?,"
			       " refused = ?, excluded = ? WHERE id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "cannot record the end of the scan");
	sqlite3_bind_text(st, 1, finished, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)set->nr);
	for (c = 0; c < LINK_CLASS_COUNT; c++)
		sqlite3_bind_int64(st, 3 + c, counts[c]);
	sqlite3_bind_int64(st, 3 + LINK_CLASS_COUNT, db->scan);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_error(db, err, "cannot record the end of the scan");
	}
	sqlite3_finalize(st);
	return 0;
}

void linkdb_close(struct linkdb *db)
{
	if (db->pending)
		sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(db->select);
	sqlite3_finalize(db->upsert);
	sqlite3_close(db->db);
	db->db = NULL;
	db->select = NULL;
	db->upsert = NULL;
}
