#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "audit.h"
#include "buf.h"
#include "commands.h"
#include "linkarchive.h"
#include "linkcheck.h"
#include "linkdb.h"
#include "linkreport.h"
#include "links.h"
#include "options.h"
#include "report.h"

static const char links_usage[] =
	"usage: modelaudit links [<path>...] [<options>]\n"
	"\n"
	"Checks every distinct http(s) URL of the registry's sources and scores once,\n"
	"records the result in the link database and reports failing links with the\n"
	"places that cite them.";

struct links_options {
	struct common_options common;
	int allow_private;
	int archive;
	struct string_list resolve;
	const char *database;
	const char *concurrency;
	const char *per_host;
	const char *timeout;
	const char *retries;
	const char *max_age;
	const char *fail_after;
};

/* The state of one scan, shared with the checker's callbacks. */
struct scan {
	struct link_set set;
	struct linkdb db;
	int db_open;
	long fail_after;
	struct buf err;
	int progress_shown;
};

/* Parses a whole number from min to 1000000 given to option name. */
static int parse_number(long *out, const char *name, const char *value, long min)
{
	char *end;
	long n;

	if (!value)
		return 0;
	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || *end || end == value || n < min || n > 1000000) {
		report_error("--%s must be a whole number from %ld to 1000000, not '%s'", name, min, value);
		return -1;
	}
	*out = n;
	return 0;
}

static int apply_options(struct link_settings *s, const struct links_options *o)
{
	if (parse_number(&s->concurrency, "concurrency", o->concurrency, 1) < 0 ||
	    parse_number(&s->per_host, "per-host", o->per_host, 1) < 0 ||
	    parse_number(&s->timeout, "timeout", o->timeout, 1) < 0 ||
	    parse_number(&s->retries, "retries", o->retries, 0) < 0 ||
	    parse_number(&s->max_age, "max-age", o->max_age, 0) < 0 ||
	    parse_number(&s->fail_after, "fail-after", o->fail_after, 1) < 0)
		return -1;
	return 0;
}

/*
 * Returns the time of the scan: now, or midnight UTC of MODELAUDIT_TODAY
 * (YYYY-MM-DD) when it is set, so that tests get stable times.
 */
static time_t scan_time(void)
{
	const char *today = getenv("MODELAUDIT_TODAY");
	struct tm tm = { 0 };

	if (today && sscanf(today, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) == 3) {
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		return timegm(&tm);
	}
	return time(NULL);
}

/* Creates the directories above path that do not exist yet. */
static int make_parent_dirs(const char *path, struct buf *err)
{
	char *copy = xstrdup(path);
	char *p;
	int ret = 0;

	for (p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST) {
			buf_setf(err, "cannot create directory %s: %s", copy, strerror(errno));
			ret = -1;
			break;
		}
		*p = '/';
	}
	free(copy);
	return ret;
}

static int store_result(struct link *l, void *data)
{
	struct scan *scan = data;

	if (!scan->db_open)
		return 0;
	return linkdb_update(&scan->db, &scan->set, l, scan->fail_after, &scan->err);
}

static void show_progress(size_t done, size_t total, size_t in_flight, void *data)
{
	struct scan *scan = data;

	fprintf(stderr, "\rmodelaudit: checking links: %zu/%zu done, %zu in flight\033[K",
		done, total, in_flight);
	fflush(stderr);
	scan->progress_shown = 1;
}

/* Sets the stored state of the links that this scan does not check. */
static int plan_checks(struct scan *scan, long max_age)
{
	size_t i;

	for (i = 0; i < scan->set.nr; i++) {
		struct link *l = &scan->set.items[i];
		struct linkdb_record rec;

		if (linkdb_lookup(&scan->db, l->url, &rec, &scan->err) < 0)
			return -1;
		if (l->check && linkdb_is_fresh(&scan->db, &rec, max_age))
			l->check = 0;
		if (!l->check)
			linkdb_apply_record(l, &rec, scan->fail_after, &scan->set);
		linkdb_record_release(&rec);
	}
	return 0;
}

/* Looks up archived copies of broken and rotten links; failures are warnings. */
static void find_archived_copies(struct scan *scan, const struct link_settings *s)
{
	struct link_archive_options ao;
	struct buf err = BUF_INIT, url = BUF_INIT;
	size_t i;

	ao.endpoint = s->archive;
	ao.timeout = s->timeout;
	ao.resolve = &s->resolve;
	for (i = 0; i < scan->set.nr; i++) {
		struct link *l = &scan->set.items[i];
		char *copy = NULL;

		if (l->class != LINK_BROKEN && l->state != LINK_STATE_ROTTEN)
			continue;
		if (link_archive_lookup(&copy, &ao, l->url, link_archive_date(l), &err) < 0) {
			buf_reset(&url);
			report_sanitize(&url, l->url);
			fprintf(stderr, "modelaudit: warning: archive lookup for %s failed: %s\n",
				url.ptr, err.ptr);
			continue;
		}
		l->archive = link_set_strdup(&scan->set, copy);
		free(copy);
	}
	buf_release(&err);
	buf_release(&url);
}

static int exit_status(const struct link_set *set, int fail_on)
{
	size_t i;

	if (fail_on > SEVERITY_ERROR)
		return EXIT_OK;
	for (i = 0; i < set->nr; i++) {
		enum severity s = link_severity(&set->items[i]);

		if (s != SEVERITY_OFF && (int)s >= fail_on)
			return EXIT_FINDINGS;
	}
	return EXIT_OK;
}

/* Returns the database path: --database as given, else links.database under the root. */
static char *database_path(const struct links_options *o, const struct config *cfg)
{
	struct buf path = BUF_INIT;

	if (o->database)
		return xstrdup(o->database);
	if (!strcmp(cfg->links.database, ":memory:") || cfg->links.database[0] == '/' ||
	    !cfg->root || !strcmp(cfg->root, "."))
		return xstrdup(cfg->links.database);
	buf_addf(&path, "%s/%s", cfg->root, cfg->links.database);
	return buf_detach(&path, NULL);
}

int cmd_links(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "markdown", NULL };
	struct links_options opts;
	struct string_list args = { 0 };
	struct audit audit;
	struct scan scan;
	struct link_settings settings;
	struct link_check_options check;
	char *db_path = NULL;
	size_t i;
	int status = EXIT_OK, ret;
	struct option options[] = {
		OPT_FLAG("allow-private", &opts.allow_private, "also check URLs whose address is private, loopback or link-local"),
		OPT_STRING_LIST("resolve", "<host:port:addr>", &opts.resolve, "connect to addr for host:port, as curl --resolve (repeatable)"),
		OPT_FLAG("archive", &opts.archive, "suggest the archived copy of each broken or rotten link"),
		OPT_STRING("database", "<file>", &opts.database, "keep link states in <file> instead of links.database (:memory: keeps none)"),
		OPT_STRING("concurrency", "<n>", &opts.concurrency, "requests in flight in total (links.concurrency, default 16)"),
		OPT_STRING("per-host", "<n>", &opts.per_host, "requests in flight per host name (links.per_host, default 2)"),
		OPT_STRING("timeout", "<seconds>", &opts.timeout, "time limit of each request (links.timeout, default 20)"),
		OPT_STRING("retries", "<n>", &opts.retries, "retries after a transient failure (links.retries, default 2)"),
		OPT_STRING("max-age", "<days>", &opts.max_age, "skip URLs found working within <days> (links.max_age, default 7; 0 checks all)"),
		OPT_STRING("fail-after", "<n>", &opts.fail_after, "failed scans in a row before a link is rotten (links.fail_after, default 2)"),
		COMMON_OPTIONS(&opts.common, "text, json or markdown"),
		OPT_END()
	};

	memset(&opts, 0, sizeof(opts));
	memset(&scan, 0, sizeof(scan));
	link_set_init(&scan.set);
	buf_init(&scan.err, 0);
	audit_init(&audit);

	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (opts.common.help) {
		options_print_help(stdout, links_usage, options);
		goto done;
	}
	if (common_options_finish(&opts.common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}

	audit.verbose = opts.common.verbose;
	ret = audit_setup(&audit, opts.common.config, &opts.common.rules, &scan.err);
	if (ret < 0) {
		report_error("%s", scan.err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	settings = audit.config.links;
	if (apply_options(&settings, &opts) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	for (i = 0; i < settings.resolve.nr; i++) {
		if (linkcheck_validate_resolve(settings.resolve.items[i], &scan.err) < 0) {
			report_error("links.resolve: %s", scan.err.ptr);
			status = EXIT_CONFIG;
			goto done;
		}
	}
	for (i = 0; i < opts.resolve.nr; i++) {
		if (linkcheck_validate_resolve(opts.resolve.items[i], &scan.err) < 0) {
			report_error("--resolve: %s", scan.err.ptr);
			status = EXIT_USAGE;
			goto done;
		}
	}

	ret = audit_read_worktree(&audit, &args, &scan.err);
	if (ret < 0) {
		report_error("%s", scan.err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG :
			 ret == AUDIT_USAGE_ERROR ? EXIT_USAGE : EXIT_OPERATIONAL;
		goto done;
	}
	for (i = 0; i < audit.registry.nr; i++)
		links_collect(&scan.set, audit.registry.models[i]);
	if (links_exclude(&scan.set, &settings.exclude, &scan.err) < 0) {
		report_error("links.exclude: %s", scan.err.ptr);
		status = EXIT_CONFIG;
		goto done;
	}

	/* The command line's pins come last, so that they win over the configuration's. */
	{
		struct string_list *all = &audit.config.links.resolve;

		for (i = 0; i < opts.resolve.nr; i++)
			string_list_append(all, opts.resolve.items[i]);
		settings.resolve = *all;
	}

	db_path = database_path(&opts, &audit.config);
	if (strcmp(db_path, ":memory:") && make_parent_dirs(db_path, &scan.err) < 0) {
		report_error("%s", scan.err.ptr);
		status = EXIT_OPERATIONAL;
		goto done;
	}
	scan.fail_after = settings.fail_after;
	if (linkdb_open(&scan.db, db_path, scan_time(), &scan.err) < 0) {
		report_error("%s", scan.err.ptr);
		status = EXIT_OPERATIONAL;
		goto done;
	}
	scan.db_open = 1;
	if (plan_checks(&scan, settings.max_age) < 0) {
		report_error("%s", scan.err.ptr);
		status = EXIT_OPERATIONAL;
		goto done;
	}

	memset(&check, 0, sizeof(check));
	check.concurrency = settings.concurrency;
	check.per_host = settings.per_host;
	check.timeout = settings.timeout;
	check.retries = settings.retries;
	check.backoff_ms = 500;
	check.allow_private = opts.allow_private;
	check.resolve = &settings.resolve;
	check.done = store_result;
	check.data = &scan;
	if (!opts.common.quiet && isatty(STDERR_FILENO))
		check.progress = show_progress;
	ret = linkcheck_run(&scan.set, &check, &scan.err);
	if (scan.progress_shown)
		fprintf(stderr, "\r\033[K");
	if (ret < 0 || linkdb_finish_scan(&scan.db, &scan.set, time(NULL), &scan.err) < 0) {
		report_error("%s", scan.err.ptr);
		status = EXIT_OPERATIONAL;
		goto done;
	}

	if (opts.archive && strcmp(settings.archive, "off"))
		find_archived_copies(&scan, &settings);

	if (!strcmp(opts.common.format, "json")) {
		if (link_report_json(stdout, &scan.set) < 0) {
			fprintf(stderr, "modelaudit: error: writing the report failed\n");
			status = EXIT_OPERATIONAL;
			goto done;
		}
	} else {
		struct link_report_options ro = { 0 };

		ro.verbose = opts.common.verbose;
		ro.color = opts.common.use_color;
		if (!strcmp(opts.common.format, "markdown"))
			link_report_markdown(stdout, &scan.set, &ro);
		else
			link_report_text(stdout, &scan.set, &ro);
		if (!opts.common.quiet && strcmp(opts.common.format, "markdown"))
			link_report_summary(stderr, &scan.set);
	}
	status = exit_status(&scan.set, opts.common.fail_on_severity);

done:
	if (fflush(stdout) != 0 && status != EXIT_USAGE)
		status = EXIT_OPERATIONAL;
	if (scan.db_open)
		linkdb_close(&scan.db);
	free(db_path);
	link_set_release(&scan.set);
	buf_release(&scan.err);
	audit_release(&audit);
	string_list_release(&args);
	string_list_release(&opts.resolve);
	string_list_release(&opts.common.rules);
	return status;
}
