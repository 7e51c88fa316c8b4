#include "linkarchive.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "linkcheck.h"

/* Replies of the availability API are small, so a larger one is not from it. */
#define ARCHIVE_MAX_REPLY (1024 * 1024)

static int is_date(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

const char *link_archive_date(const struct link *l)
{
	const char *score_date = NULL, *source_date = NULL;
	size_t i;

	for (i = 0; i < l->ncited; i++) {
		const struct link_citation *c = &l->cited_by[i];
		const char **latest = c->benchmark ? &score_date : &source_date;

		if (is_date(c->date) && (!*latest || strcmp(c->date, *latest) > 0))
			*latest = c->date;
	}
	return score_date ? score_date : source_date;
}

static size_t write_reply(char *data, size_t size, size_t count, void *p)
{
	struct buf *reply = p;

	if (buf_add(reply, data, size * count) < 0)
		return 0;
	return size * count;
}

/* Builds <endpoint>?url=<url>[&timestamp=YYYYMMDD] with CURLU. */
static char *lookup_url(const char *endpoint, const char *url, const char *date)
{
	CURLU *u = curl_url();
	struct buf query = BUF_INIT;
	char *result = NULL, *full = NULL;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, endpoint, 0) != CURLUE_OK)
		goto done;
	buf_addf(&query, "url=%s", url);
	if (curl_url_set(u, CURLUPART_QUERY, query.ptr, CURLU_APPENDQUERY | CURLU_URLENCODE) != CURLUE_OK)
		goto done;
	if (date) {
		buf_setf(&query, "timestamp=%.4s%.2s%.2s", date, date + 5, date + 8);
		if (curl_url_set(u, CURLUPART_QUERY, query.ptr, CURLU_APPENDQUERY) != CURLUE_OK)
			goto done;
	}
	if (curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
		result = xstrdup(full);

done:
	curl_free(full);
	curl_url_cleanup(u);
	buf_release(&query);
	return result;
}

/* Takes archived_snapshots.closest.url out of the API's reply. */
static int parse_reply(char **copy, const struct buf *reply, struct buf *err)
{
	json_error_t jerr;
	json_t *root, *closest, *available, *url;

	root = json_loadb(reply->ptr, reply->len, 0, &jerr);
	if (!root) {
		buf_setf(err, "invalid JSON in the archive's reply: ");
		buf_adds_escaped(err, jerr.text);
		return -1;
	}
	closest = json_object_get(json_object_get(root, "archived_snapshots"), "closest");
	available = json_object_get(closest, "available");
	url = json_object_get(closest, "url");
	if (closest && (!available || json_is_true(available)) && json_is_string(url) &&
	    (!strncmp(json_string_value(url), "http://", 7) ||
	     !strncmp(json_string_value(url), "https://", 8)))
		*copy = xstrdup(json_string_value(url));
	json_decref(root);
	return 0;
}

int link_archive_lookup(char **copy, const struct link_archive_options *opts,
			const char *url, const char *date, struct buf *err)
{
	CURL *easy = NULL;
	struct curl_slist *resolve = NULL;
	struct buf reply = BUF_INIT;
	char *request = NULL;
	long status = 0;
	size_t i;
	CURLcode rc;
	int ret = -1;

	*copy = NULL;
	request = lookup_url(opts->endpoint, url, is_date(date) ? date : NULL);
	if (!request) {
		buf_setf(err, "invalid archive endpoint '%s'", opts->endpoint);
		goto done;
	}
	easy = curl_easy_init();
	if (!easy) {
		buf_setf(err, "cannot set up libcurl");
		goto done;
	}
	for (i = 0; opts->resolve && i < opts->resolve->nr; i++)
		resolve = curl_slist_append(resolve, opts->resolve->items[i]);

	buf_init(&reply, ARCHIVE_MAX_REPLY);
	curl_easy_setopt(easy, CURLOPT_URL, request);
	curl_easy_setopt(easy, CURLOPT_USERAGENT, LINKCHECK_USER_AGENT);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
	/*
	 * The endpoint is trusted configuration, but a redirect from it could
	 * lead to any address without the scan's address check, so none is
	 * followed: the availability API answers with JSON directly.
	 */
	curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, opts->timeout * 1000);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, write_reply);
	curl_easy_setopt(easy, CURLOPT_WRITEDATA, &reply);
	if (resolve)
		curl_easy_setopt(easy, CURLOPT_RESOLVE, resolve);

	rc = curl_easy_perform(easy);
	if (rc != CURLE_OK) {
		buf_setf(err, "%s: %s", request, rc == CURLE_WRITE_ERROR ?
			 "reply larger than 1 MiB" : curl_easy_strerror(rc));
		goto done;
	}
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		buf_setf(err, "%s: HTTP status %ld", request, status);
		goto done;
	}
	ret = parse_reply(copy, &reply, err);

done:
	if (easy)
		curl_easy_cleanup(easy);
	curl_slist_free_all(resolve);
	buf_release(&reply);
	free(request);
	return ret;
}
