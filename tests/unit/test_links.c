#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linkarchive.h"
#include "linkcheck.h"
#include "linkdb.h"
#include "links.h"
#include "registry.h"
#include "unit.h"

static struct text text_at(const char *s, uint32_t line, uint32_t column)
{
	struct text t = { 0 };

	t.s = s;
	t.pos.line = line;
	t.pos.column = column;
	t.present = s != NULL;
	return t;
}

/* A model with two sources and three scores, built by hand. */
static void build_model(struct model *m, struct source *sources, struct score *scores)
{
	memset(m, 0, sizeof(*m));
	memset(sources, 0, 2 * sizeof(*sources));
	memset(scores, 0, 3 * sizeof(*scores));
	m->path = "data/models.yaml";
	m->id = text_at("acme-7b", 2, 9);
	sources[0].url = text_at("https://example.org/card", 6, 14);
	sources[0].published = text_at("2024-01-10", 7, 20);
	sources[1].url = text_at("ftp://example.org/paper", 9, 14);
	m->sources = sources;
	m->nsources = 2;

	scores[0].benchmark = text_at("MMLU", 12, 20);
	scores[0].date = text_at("2024-02-01", 14, 15);
	scores[0].source = text_at("card", 15, 17);
	scores[0].source_url = "https://example.org/card";
	scores[1].benchmark = text_at("GPQA", 16, 20);
	scores[1].date = text_at("2024-03-05", 18, 15);
	scores[1].source = text_at("https://Example.ORG/paper", 19, 17);
	scores[1].source_url = "https://Example.ORG/paper";
	scores[2].benchmark = text_at("GSM8K", 20, 20);
	scores[2].source = text_at("nowhere", 23, 17);
	m->scores = scores;
	m->nscores = 3;
}

static void test_collect_dedupes_urls(void)
{
	struct link_set set;
	struct model m;
	struct source sources[2];
	struct score scores[3];
	struct link *l;

	build_model(&m, sources, scores);
	link_set_init(&set);
	links_collect(&set, &m);
	links_collect(&set, &m);

	CHECK_INT(set.nr, 2);
	l = link_set_find(&set, "https://example.org/card");
	CHECK(l != NULL);
	if (l) {
		CHECK_INT(l->ncited, 4);
		CHECK_STR(l->cited_by[0].path, "data/models.yaml");
		CHECK_INT(l->cited_by[0].pos.line, 6);
		CHECK(l->cited_by[0].benchmark == NULL);
		CHECK_STR(l->cited_by[1].benchmark, "MMLU");
		CHECK_INT(l->cited_by[1].pos.line, 15);
		CHECK_STR(l->cited_by[1].model, "acme-7b");
		CHECK(l->check);
	}
	l = link_set_find(&set, "https://Example.ORG/paper");
	CHECK(l != NULL);
	if (l)
		CHECK_STR(l->host, "example.org");
	CHECK(link_set_find(&set, "ftp://example.org/paper") == NULL);
	link_set_release(&set);
}

static void test_add_rejects_non_http(void)
{
	struct link_set set;

	link_set_init(&set);
	CHECK(link_set_add(&set, "mailto:someone@example.org", NULL) == NULL);
	CHECK(link_set_add(&set, "not a url", NULL) == NULL);
	CHECK(link_set_add(&set, "file:///etc/passwd", NULL) == NULL);
	CHECK(link_set_add(&set, "HTTP://example.org/", NULL) != NULL);
	CHECK_INT(set.nr, 1);
	link_set_release(&set);
}

static void test_set_grows(void)
{
	struct link_set set;
	struct buf url = BUF_INIT;
	int i, found = 0;

	link_set_init(&set);
	for (i = 0; i < 500; i++) {
		buf_setf(&url, "https://h%d.example/%d", i % 7, i);
		link_set_add(&set, url.ptr, NULL);
	}
	for (i = 0; i < 500; i++) {
		buf_setf(&url, "https://h%d.example/%d", i % 7, i);
		found += link_set_find(&set, url.ptr) != NULL;
	}
	CHECK_INT(set.nr, 500);
	CHECK_INT(found, 500);
	buf_release(&url);
	link_set_release(&set);
}

static void test_exclude_patterns(void)
{
	struct link_set set;
	struct string_list patterns = { 0 };
	struct buf err = BUF_INIT;

	link_set_init(&set);
	link_set_add(&set, "https://example.com/a", NULL);
	link_set_add(&set, "https://example.org/b", NULL);
	string_list_append(&patterns, "^https://example\\.com/");
	CHECK_INT(links_exclude(&set, &patterns, &err), 0);
	CHECK_INT(set.items[0].class, LINK_EXCLUDED);
	CHECK_INT(set.items[0].check, 0);
	CHECK_INT(set.items[1].check, 1);

	string_list_append(&patterns, "(");
	CHECK_INT(links_exclude(&set, &patterns, &err), -1);
	CHECK(strstr(err.ptr, "invalid exclude pattern '('") != NULL);
	string_list_release(&patterns);
	buf_release(&err);
	link_set_release(&set);
}

static int ipv4_public(const char *text)
{
	struct sockaddr_in in = { 0 };

	in.sin_family = AF_INET;
	inet_pton(AF_INET, text, &in.sin_addr);
	return linkcheck_address_is_public((struct sockaddr *)&in);
}

static int ipv6_public(const char *text)
{
	struct sockaddr_in6 in6 = { 0 };

	in6.sin6_family = AF_INET6;
	inet_pton(AF_INET6, text, &in6.sin6_addr);
	return linkcheck_address_is_public((struct sockaddr *)&in6);
}

static void test_address_check(void)
{
	static const char *const private4[] = {
		"0.0.0.0", "10.1.2.3", "100.64.0.1", "127.0.0.1", "169.254.169.254",
		"172.16.0.1", "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.1.1",
		"198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1",
		"255.255.255.255"
	};
	static const char *const public4[] = {
		"1.1.1.1", "8.8.8.8", "93.184.215.14", "172.32.0.1", "100.128.0.1", "192.0.3.1"
	};
	static const char *const private6[] = {
		"::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
		"2001:db8::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1",
		"2002:c0a8:101::1", "2001::1"
	};
	static const char *const public6[] = {
		"2606:4700:4700::1111", "2a00:1450:4001::1", "::ffff:8.8.8.8", "2002:808:808::1"
	};
	size_t i;

	for (i = 0; i < sizeof(private4) / sizeof(*private4); i++)
		if (ipv4_public(private4[i])) {
			printf("#   %s judged public\n", private4[i]);
			CHECK(0);
		}
	for (i = 0; i < sizeof(public4) / sizeof(*public4); i++)
		if (!ipv4_public(public4[i])) {
			printf("#   %s judged not public\n", public4[i]);
			CHECK(0);
		}
	for (i = 0; i < sizeof(private6) / sizeof(*private6); i++)
		if (ipv6_public(private6[i])) {
			printf("#   %s judged public\n", private6[i]);
			CHECK(0);
		}
	for (i = 0; i < sizeof(public6) / sizeof(*public6); i++)
		if (!ipv6_public(public6[i])) {
			printf("#   %s judged not public\n", public6[i]);
			CHECK(0);
		}
}

static void test_retry_after(void)
{
	time_t now = 1784160000;	/* 2026-07-16T00:00:00Z */

	CHECK_INT(linkcheck_parse_retry_after("120", now), 120);
	CHECK_INT(linkcheck_parse_retry_after(" 5 ", now), 5);
	CHECK_INT(linkcheck_parse_retry_after("0", now), 0);
	/* Huge values saturate instead of overflowing; the timeout caps them anyway. */
	CHECK(linkcheck_parse_retry_after("99999999999999", now) >= 100000000);
	CHECK_INT(linkcheck_parse_retry_after("Thu, 16 Jul 2026 00:00:30 GMT", now), 30);
	CHECK_INT(linkcheck_parse_retry_after("Wed, 15 Jul 2026 23:00:00 GMT", now), 0);
	CHECK_INT(linkcheck_parse_retry_after("soon", now), -1);
	CHECK_INT(linkcheck_parse_retry_after("12abc", now), -1);
	CHECK_INT(linkcheck_parse_retry_after("-5", now), -1);
	CHECK_INT(linkcheck_parse_retry_after("", now), -1);
}

static void test_classify_status(void)
{
	CHECK_INT(linkcheck_classify_status(200, 0), LINK_OK);
	CHECK_INT(linkcheck_classify_status(204, 0), LINK_OK);
	CHECK_INT(linkcheck_classify_status(404, 0), LINK_BROKEN);
	CHECK_INT(linkcheck_classify_status(410, 0), LINK_BROKEN);
	CHECK_INT(linkcheck_classify_status(400, 0), LINK_BROKEN);
	CHECK_INT(linkcheck_classify_status(401, 0), LINK_BLOCKED);
	CHECK_INT(linkcheck_classify_status(403, 0), LINK_BLOCKED);
	CHECK_INT(linkcheck_classify_status(429, 0), LINK_BLOCKED);
	CHECK_INT(linkcheck_classify_status(500, 0), LINK_SERVER_ERROR);
	CHECK_INT(linkcheck_classify_status(503, 0), LINK_SERVER_ERROR);
	CHECK_INT(linkcheck_classify_status(503, 1), LINK_BLOCKED);
	CHECK_INT(linkcheck_classify_status(0, 0), LINK_UNREACHABLE);
	CHECK(linkcheck_head_rejected(405));
	CHECK(linkcheck_head_rejected(404));
	CHECK(linkcheck_head_rejected(501));
	CHECK(!linkcheck_head_rejected(200));
	CHECK(!linkcheck_head_rejected(429));
}

static void test_validate_resolve(void)
{
	struct buf err = BUF_INIT;

	CHECK_INT(linkcheck_validate_resolve("example.org:443:127.0.0.1", &err), 0);
	CHECK_INT(linkcheck_validate_resolve("example.org:80:[::1]", &err), 0);
	CHECK_INT(linkcheck_validate_resolve("example.org:443", &err), -1);
	CHECK_INT(linkcheck_validate_resolve("example.org:http:127.0.0.1", &err), -1);
	CHECK_INT(linkcheck_validate_resolve(":443:127.0.0.1", &err), -1);
	CHECK_INT(linkcheck_validate_resolve("example.org:443:", &err), -1);
	buf_release(&err);
}

static void test_severity(void)
{
	struct link l;

	memset(&l, 0, sizeof(l));
	l.class = LINK_BROKEN;
	CHECK_INT(link_severity(&l), SEVERITY_ERROR);
	l.class = LINK_SERVER_ERROR;
	CHECK_INT(link_severity(&l), SEVERITY_WARNING);
	l.state = LINK_STATE_ROTTEN;
	CHECK_INT(link_severity(&l), SEVERITY_ERROR);
	l.state = LINK_STATE_OK;
	l.class = LINK_UNREACHABLE;
	CHECK_INT(link_severity(&l), SEVERITY_WARNING);
	l.class = LINK_REFUSED;
	CHECK_INT(link_severity(&l), SEVERITY_WARNING);
	l.class = LINK_BLOCKED;
	CHECK_INT(link_severity(&l), SEVERITY_NOTE);
	l.class = LINK_REDIRECTED;
	CHECK_INT(link_severity(&l), SEVERITY_NOTE);
	l.class = LINK_OK;
	CHECK_INT(link_severity(&l), SEVERITY_OFF);
	l.class = LINK_EXCLUDED;
	CHECK_INT(link_severity(&l), SEVERITY_OFF);
}

/* Runs one scan at time now that finds url in class c; returns its state. */
static enum link_state scan_once(const char *path, time_t now, const char *url,
				 enum link_class c, struct link *out)
{
	struct linkdb db;
	struct link_set set;
	struct link *l;
	struct buf err = BUF_INIT;
	enum link_state state = LINK_STATE_COUNT;

	link_set_init(&set);
	l = link_set_add(&set, url, NULL);
	if (linkdb_open(&db, path, now, &err) < 0) {
		printf("#   %s\n", err.ptr);
		goto done;
	}
	l->class = c;
	l->status = c == LINK_OK ? 200 : 404;
	l->checked = 1;
	if (linkdb_update(&db, &set, l, 2, &err) < 0 ||
	    linkdb_finish_scan(&db, &set, now, &err) < 0)
		printf("#   %s\n", err.ptr);
	else
		state = l->state;
	if (out) {
		out->consecutive_failures = l->consecutive_failures;
		out->first_failure = l->first_failure ? strdup(l->first_failure) : NULL;
	}
	linkdb_close(&db);
done:
	link_set_release(&set);
	buf_release(&err);
	return state;
}

static void test_database_states(void)
{
	/* Room for the "-wal" and "-shm" names of the same database. */
	char path[40] = "/tmp/modelaudit-linkdb-XXXXXX";
	const char *url = "https://example.org/a";
	time_t day = 86400, t0 = 1768435200;	/* 2026-01-15T00:00:00Z */
	struct link l = { 0 };
	struct buf extra = BUF_INIT;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	close(fd);
	unlink(path);

	CHECK_INT(scan_once(path, t0, url, LINK_OK, NULL), LINK_STATE_OK);
	CHECK_INT(scan_once(path, t0 + day, url, LINK_BROKEN, &l), LINK_STATE_NEW);
	CHECK_INT(l.consecutive_failures, 1);
	CHECK_STR(l.first_failure, "2026-01-16T00:00:00Z");
	free((char *)l.first_failure);
	CHECK_INT(scan_once(path, t0 + 2 * day, url, LINK_BLOCKED, &l), LINK_STATE_FAILING);
	CHECK_INT(l.consecutive_failures, 1);
	free((char *)l.first_failure);
	CHECK_INT(scan_once(path, t0 + 3 * day, url, LINK_UNREACHABLE, &l), LINK_STATE_ROTTEN);
	CHECK_INT(l.consecutive_failures, 2);
	CHECK_STR(l.first_failure, "2026-01-16T00:00:00Z");
	free((char *)l.first_failure);
	CHECK_INT(scan_once(path, t0 + 4 * day, url, LINK_OK, &l), LINK_STATE_RECOVERED);
	CHECK_INT(l.consecutive_failures, 0);
	CHECK(l.first_failure == NULL);
	CHECK_INT(scan_once(path, t0 + 5 * day, url, LINK_OK, NULL), LINK_STATE_OK);

	unlink(path);
	buf_setf(&extra, "%s-wal", path);
	unlink(extra.ptr);
	buf_setf(&extra, "%s-shm", path);
	unlink(extra.ptr);
	buf_release(&extra);
}

static void test_database_freshness(void)
{
	struct linkdb db;
	struct linkdb_record rec = { 0 };
	struct buf err = BUF_INIT;
	time_t t0 = 1768435200;		/* 2026-01-15T00:00:00Z */

	CHECK_INT(linkdb_open(&db, ":memory:", t0, &err), 0);
	rec.found = 1;
	rec.last_class = "ok";
	rec.last_ok = "2026-01-09T00:00:00Z";
	CHECK(linkdb_is_fresh(&db, &rec, 7));
	CHECK(!linkdb_is_fresh(&db, &rec, 6));
	CHECK(!linkdb_is_fresh(&db, &rec, 0));
	rec.consecutive_failures = 1;
	CHECK(!linkdb_is_fresh(&db, &rec, 7));
	rec.consecutive_failures = 0;
	rec.last_class = "blocked";
	CHECK(!linkdb_is_fresh(&db, &rec, 7));
	rec.found = 0;
	CHECK(!linkdb_is_fresh(&db, &rec, 7));
	linkdb_close(&db);
	buf_release(&err);
}

static void test_archive_date(void)
{
	struct link_set set;
	struct model m;
	struct source sources[2];
	struct score scores[3];
	struct link *l;

	build_model(&m, sources, scores);
	link_set_init(&set);
	links_collect(&set, &m);
	l = link_set_find(&set, "https://example.org/card");
	CHECK(l != NULL);
	if (l)
		CHECK_STR(link_archive_date(l), "2024-02-01");

	/* Without a score, the source's publication date applies. */
	m.nscores = 0;
	link_set_release(&set);
	link_set_init(&set);
	links_collect(&set, &m);
	l = link_set_find(&set, "https://example.org/card");
	if (l)
		CHECK_STR(link_archive_date(l), "2024-01-10");
	link_set_release(&set);
}

int main(void)
{
	RUN(test_collect_dedupes_urls);
	RUN(test_add_rejects_non_http);
	RUN(test_set_grows);
	RUN(test_exclude_patterns);
	RUN(test_address_check);
	RUN(test_retry_after);
	RUN(test_classify_status);
	RUN(test_validate_resolve);
	RUN(test_severity);
	RUN(test_database_states);
	RUN(test_database_freshness);
	RUN(test_archive_date);
	return unit_done();
}
