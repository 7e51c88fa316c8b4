#include "links.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <curl/curl.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "textutil.h"
#include "registry.h"

static const char *const class_names[LINK_CLASS_COUNT] = {
	"ok", "redirected", "broken", "blocked", "server-error",
	"unreachable", "refused", "excluded"
};

static const char *const state_names[LINK_STATE_COUNT] = {
	"ok", "new", "failing", "rotten", "recovered"
};

const char *link_class_name(enum link_class c)
{
	return c < LINK_CLASS_COUNT ? class_names[c] : "?";
}

const char *link_state_name(enum link_state s)
{
	return s < LINK_STATE_COUNT ? state_names[s] : "?";
}

int link_class_is_failure(enum link_class c)
{
	return c == LINK_BROKEN || c == LINK_SERVER_ERROR || c == LINK_UNREACHABLE;
}

int link_class_is_working(enum link_class c)
{
	return c == LINK_OK || c == LINK_REDIRECTED;
}

enum severity link_severity(const struct link *l)
{
	if (l->class == LINK_BROKEN || l->state == LINK_STATE_ROTTEN)
		return SEVERITY_ERROR;
	switch (l->class) {
	case LINK_SERVER_ERROR:
	case LINK_UNREACHABLE:
	case LINK_REFUSED:
		return SEVERITY_WARNING;
	case LINK_BLOCKED:
	case LINK_REDIRECTED:
		return SEVERITY_NOTE;
	default:
		return SEVERITY_OFF;
	}
}

void link_set_init(struct link_set *set)
{
	memset(set, 0, sizeof(*set));
}

void link_set_release(struct link_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++)
		free(set->items[i].cited_by);
	free(set->items);
	free(set->slots);
	arena_release(&set->arena);
	link_set_init(set);
}

const char *link_set_strdup(struct link_set *set, const char *s)
{
	return s ? arena_strdup(&set->arena, s) : NULL;
}

static size_t *find_slot(const struct link_set *set, const char *url)
{
	size_t i = (size_t)text_hash(url, strlen(url)) & (set->nslots - 1);

	for (;;) {
		size_t *slot = &set->slots[i];

		if (!*slot || !strcmp(set->items[*slot - 1].url, url))
			return slot;
		i = (i + 1) & (set->nslots - 1);
	}
}

/* Keeps the table at most half full, so that probing stays short. */
static void grow_slots(struct link_set *set)
{
	size_t i;

	if (set->nslots && (set->nr + 1) * 2 <= set->nslots)
		return;
	free(set->slots);
	set->nslots = set->nslots ? set->nslots * 2 : 64;
	set->slots = xcalloc(set->nslots, sizeof(*set->slots));
	for (i = 0; i < set->nr; i++)
		*find_slot(set, set->items[i].url) = i + 1;
}

struct link *link_set_find(const struct link_set *set, const char *url)
{
	size_t *slot;

	if (!set->nslots)
		return NULL;
	slot = find_slot(set, url);
	return *slot ? &set->items[*slot - 1] : NULL;
}

/*
 * Returns the lower-case host of url in the arena, or NULL when url is not
 * an absolute http or https URL.
 */
static const char *http_url_host(struct link_set *set, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	const char *result = NULL;
	char *p;

	if (!u)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto done;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https")))
		goto done;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
		goto done;
	for (p = host; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	result = arena_strdup(&set->arena, host);

done:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return result;
}

struct link *link_set_add(struct link_set *set, const char *url,
			  const struct link_citation *citation)
{
	struct link *l = link_set_find(set, url);
	struct link_citation *c;

	if (!l) {
		const char *host = http_url_host(set, url);

		if (!host)
			return NULL;
		grow_slots(set);
		XGROW(set->items, set->alloc, set->nr + 1);
		l = &set->items[set->nr++];
		memset(l, 0, sizeof(*l));
		l->url = arena_strdup(&set->arena, url);
		l->host = host;
		l->check = 1;
		*find_slot(set, l->url) = set->nr;
	}

	if (!citation)
		return l;
	XGROW(l->cited_by, l->alloc_cited, l->ncited + 1);
	c = &l->cited_by[l->ncited++];
	c->path = link_set_strdup(set, citation->path);
	c->pos = citation->pos;
	c->model = link_set_strdup(set, citation->model);
	c->benchmark = link_set_strdup(set, citation->benchmark);
	c->date = link_set_strdup(set, citation->date);
	return l;
}

void links_collect(struct link_set *set, const struct model *m)
{
	size_t i;

	for (i = 0; i < m->nsources; i++) {
		const struct source *s = &m->sources[i];
		struct link_citation c = { 0 };

		if (!s->url.s)
			continue;
		c.path = m->path;
		c.pos = s->url.pos;
		c.model = m->id.s;
		c.date = s->published.s;
		link_set_add(set, s->url.s, &c);
	}

	for (i = 0; i < m->nscores; i++) {
		const struct score *s = &m->scores[i];
		struct link_citation c = { 0 };

		if (!s->source_url)
			continue;
		c.path = m->path;
		c.pos = s->source.pos;
		c.model = m->id.s;
		c.benchmark = s->benchmark.s;
		c.date = s->date.s;
		link_set_add(set, s->source_url, &c);
	}
}

int links_exclude(struct link_set *set, const struct string_list *patterns,
		  struct buf *err)
{
	pcre2_match_data *match = NULL;
	size_t i, j;
	int ret = 0;

	for (i = 0; i < patterns->nr; i++) {
		pcre2_code *re;
		int code;
		PCRE2_SIZE offset;

		re = pcre2_compile((PCRE2_SPTR)patterns->items[i], PCRE2_ZERO_TERMINATED,
				   PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code, &offset, NULL);
		if (!re) {
			PCRE2_UCHAR message[256];

			pcre2_get_error_message(code, message, sizeof(message));
			buf_setf(err, "invalid exclude pattern '%s': %s at offset %zu",
				 patterns->items[i], (const char *)message, (size_t)offset);
			ret = -1;
			goto done;
		}
		if (!match)
			match = pcre2_match_data_create(1, NULL);
		for (j = 0; j < set->nr; j++) {
			struct link *l = &set->items[j];

			if (pcre2_match(re, (PCRE2_SPTR)l->url, PCRE2_ZERO_TERMINATED,
					0, 0, match, NULL) >= 0) {
				l->class = LINK_EXCLUDED;
				l->check = 0;
			}
		}
		pcre2_code_free(re);
	}

done:
	pcre2_match_data_free(match);
	return ret;
}
