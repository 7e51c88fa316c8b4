#include "linkcheck.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "alloc.h"
#include "textutil.h"

struct checker;

/* A host name and the requests for it that wait for a free slot. */
struct host {
	const char *name;
	struct request **queue;
	size_t head;		/* next request to start */
	size_t nr;
	size_t alloc;
	long in_flight;
};

/* The check of one link: every hop, method and attempt it takes. */
struct request {
	struct checker *checker;
	struct link *link;
	struct host *host;
	CURL *easy;
	char *url;		/* the current hop */
	char *hop_host;		/* lower-case host of the current hop */
	struct curl_slist *resolve;	/* the pins of hop_host */
	char *errbuf;		/* CURL_ERROR_SIZE bytes */
	int get;		/* GET instead of HEAD */
	int hops;		/* redirects followed */
	int attempt;		/* retries used */
	int permanent;		/* a 301 or 308 hop was followed */
	int address_refused;	/* the open-socket callback rejected an address */
	int body_full;		/* the body reached LINKCHECK_MAX_BODY */
	struct buf body;
	struct buf refused;	/* the address rejected, as text */
	long long due_ms;	/* when a delayed retry may start */
};

struct checker {
	const struct link_check_options *opts;
	struct link_set *set;
	CURLM *multi;
	struct request *requests;
	size_t nrequests;
	struct host *hosts;
	size_t nhosts;
	size_t alloc_hosts;
	size_t *slots;		/* hash table of host index + 1, 0 for empty */
	size_t nslots;
	size_t next_host;	/* round-robin cursor over hosts */
	struct request **delayed;
	size_t ndelayed;
	size_t alloc_delayed;
	size_t done;
	size_t in_flight;
	int stop;		/* value returned by opts->done, when negative */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ipv4_is_public(uint32_t a)
{
	if ((a >> 24) == 0 || (a >> 24) == 10 || (a >> 24) == 127)
		return 0;
	if ((a & 0xFFC00000u) == 0x64400000u)	/* 100.64.0.0/10, shared */
		return 0;
	if ((a & 0xFFFF0000u) == 0xA9FE0000u)	/* 169.254.0.0/16 */
		return 0;
	if ((a & 0xFFF00000u) == 0xAC100000u)	/* 172.16.0.0/12 */
		return 0;
	if ((a & 0xFFFFFF00u) == 0xC0000000u)	/* 192.0.0.0/24 */
		return 0;
	if ((a & 0xFFFFFF00u) == 0xC0000200u)	/* 192.0.2.0/24 */
		return 0;
	if ((a & 0xFFFF0000u) == 0xC0A80000u)	/* 192.168.0.0/16 */
		return 0;
	if ((a & 0xFFFE0000u) == 0xC6120000u)	/* 198.18.0.0/15 */
		return 0;
	if ((a & 0xFFFFFF00u) == 0xC6336400u)	/* 198.51.100.0/24 */
		return 0;
	if ((a & 0xFFFFFF00u) == 0xCB007100u)	/* 203.0.113.0/24 */
		return 0;
	if ((a >> 28) >= 0xE)			/* multicast, reserved, broadcast */
		return 0;
	return 1;
}

static uint32_t ipv4_at(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int ipv6_is_public(const unsigned char *b)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
	static const unsigned char nat64[12] = { 0, 0x64, 0xFF, 0x9B };

	if (!memcmp(b, mapped, 12) || !memcmp(b, nat64, 12))
		return ipv4_is_public(ipv4_at(b + 12));
	if ((b[0] & 0xE0) != 0x20)		/* outside 2000::/3 global unicast */
		return 0;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)
		return 0;			/* 2001:db8::/32 documentation */
	if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xFE) == 0)
		return 0;			/* 2001::/23 protocol assignments */
	if (b[0] == 0x20 && b[1] == 0x02)	/* 6to4 carries an IPv4 address */
		return ipv4_is_public(ipv4_at(b + 2));
	return 1;
}

int linkcheck_address_is_public(const struct sockaddr *addr)
{
	if (addr->sa_family == AF_INET) {
		struct sockaddr_in in;

		memcpy(&in, addr, sizeof(in));
		return ipv4_is_public(ntohl(in.sin_addr.s_addr));
	}
	if (addr->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;

		memcpy(&in6, addr, sizeof(in6));
		return ipv6_is_public(in6.sin6_addr.s6_addr);
	}
	return 0;
}

long linkcheck_parse_retry_after(const char *value, time_t now)
{
	const char *p = value;
	long seconds = 0;
	time_t when;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p >= '0' && *p <= '9') {
		for (; *p >= '0' && *p <= '9'; p++) {
			if (seconds < 100000000)
				seconds = seconds * 10 + (*p - '0');
		}
		while (*p == ' ' || *p == '\t')
			p++;
		return *p ? -1 : seconds;
	}
	if (!*p)
		return -1;
	when = curl_getdate(p, NULL);
	if (when == -1)
		return -1;
	return when > now ? (long)(when - now) : 0;
}

enum link_class linkcheck_classify_status(long status, int challenge)
{
	if (challenge)
		return LINK_BLOCKED;
	if (status >= 200 && status < 300)
		return LINK_OK;
	if (status == 401 || status == 403 || status == 429)
		return LINK_BLOCKED;
	if (status >= 300 && status < 500)
		return LINK_BROKEN;
	if (status >= 500)
		return LINK_SERVER_ERROR;
	return LINK_UNREACHABLE;
}

int linkcheck_head_rejected(long status)
{
	switch (status) {
	case 400: case 403: case 404: case 405: case 406: case 410:
	case 500: case 501:
		return 1;
	default:
		return 0;
	}
}

int linkcheck_validate_resolve(const char *pin, struct buf *err)
{
	const char *port = strchr(pin, ':');
	const char *address = port ? strchr(port + 1, ':') : NULL;
	const char *p;

	if (*pin == '+' || *pin == '-')
		pin++;
	if (!port || !address || port == pin || address == port + 1 || !address[1]) {
		buf_setf(err, "invalid resolve pin '%s' (expected host:port:address)", pin);
		return -1;
	}
	for (p = port + 1; p < address; p++) {
		if (*p < '0' || *p > '9') {
			buf_setf(err, "invalid resolve pin '%s': port is not a number", pin);
			return -1;
		}
	}
	return 0;
}

/*
 * Finds or adds the host of name (a string owned by the link set). A hash
 * table of host index + 1 keeps this linear for registries of many hosts.
 */
static struct host *checker_host(struct checker *c, const char *name)
{
	size_t i, mask;

	if ((c->nhosts + 1) * 2 > c->nslots) {
		c->nslots = c->nslots ? c->nslots * 2 : 64;
		free(c->slots);
		c->slots = xcalloc(c->nslots, sizeof(*c->slots));
		for (i = 0; i < c->nhosts; i++) {
			const char *host = c->hosts[i].name;
			size_t k = (size_t)text_hash(host, strlen(host)) & (c->nslots - 1);

			while (c->slots[k])
				k = (k + 1) & (c->nslots - 1);
			c->slots[k] = i + 1;
		}
	}

	mask = c->nslots - 1;
	for (i = (size_t)text_hash(name, strlen(name)) & mask; c->slots[i]; i = (i + 1) & mask)
		if (!strcmp(c->hosts[c->slots[i] - 1].name, name))
			return &c->hosts[c->slots[i] - 1];

	XGROW(c->hosts, c->alloc_hosts, c->nhosts + 1);
	memset(&c->hosts[c->nhosts], 0, sizeof(c->hosts[0]));
	c->hosts[c->nhosts].name = name;
	c->slots[i] = c->nhosts + 1;
	return &c->hosts[c->nhosts++];
}

static void host_push(struct host *h, struct request *r)
{
	XGROW(h->queue, h->alloc, h->nr + 1);
	h->queue[h->nr++] = r;
}

static curl_socket_t open_socket(void *data, curlsocktype purpose,
				 struct curl_sockaddr *address)
{
	struct request *r = data;
	const struct link_check_options *o = r->checker->opts;
	struct sockaddr_storage storage = { 0 };
	size_t len = address->addrlen;
	int allowed;

	(void)purpose;
	if (len > sizeof(storage))
		len = sizeof(storage);
	memcpy(&storage, &address->addr, len);
	if (o->address_allowed)
		allowed = o->address_allowed((const struct sockaddr *)&storage, o->data);
	else
		allowed = o->allow_private ||
			  linkcheck_address_is_public((const struct sockaddr *)&storage);
	if (!allowed) {
		char text[INET6_ADDRSTRLEN] = "";

		if (address->family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&storage)->sin_addr, text, sizeof(text));
		else if (address->family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&storage)->sin6_addr, text, sizeof(text));
		buf_setf(&r->refused, "%s is not a public address", text);
		r->address_refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(address->family, address->socktype, address->protocol);
}

/* Keeps the first LINKCHECK_MAX_BODY bytes and stops the transfer there. */
static size_t write_body(char *data, size_t size, size_t count, void *p)
{
	struct request *r = p;
	size_t len = size * count;
	size_t room = LINKCHECK_MAX_BODY - r->body.len;

	if (len > room) {
		buf_add(&r->body, data, room);
		r->body_full = 1;
		return 0;
	}
	buf_add(&r->body, data, len);
	return len;
}

static int request_setup(struct checker *c, struct request *r)
{
	const struct link_check_options *o = c->opts;

	r->easy = curl_easy_init();
	if (!r->easy)
		return -1;
	r->errbuf = xmalloc(CURL_ERROR_SIZE);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, LINKCHECK_USER_AGENT);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, o->timeout * 1000);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, o->timeout * 1000);
	curl_easy_setopt(r->easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/*
	 * No CURLOPT_PIPEWAIT: it makes every request to a host wait until the first
	 * response on the host's connection shows whether it multiplexes, so a
	 * server that never responds would stall the whole host. Requests still
	 * share a connection already known to multiplex.
	 */
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	/* A proxy would be the address checked, not the server. */
	curl_easy_setopt(r->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(r->easy, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(r->easy, CURLOPT_OPENSOCKETDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, write_body);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
	return 0;
}

/*
 * Returns the pins of opts->resolve for host, or NULL. Each request gets
 * only these, because libcurl parses every pin of CURLOPT_RESOLVE again
 * for every transfer.
 */
static struct curl_slist *pins_for_host(const struct checker *c, const char *host)
{
	const struct string_list *pins = c->opts->resolve;
	struct curl_slist *list = NULL;
	size_t i, len = strlen(host);

	for (i = 0; pins && i < pins->nr; i++) {
		const char *p = pins->items[i];

		if (*p == '+' || *p == '-')
			p++;
		if (!strncasecmp(p, host, len) && p[len] == ':') {
			struct curl_slist *next = curl_slist_append(list, pins->items[i]);

			if (next)
				list = next;
		}
	}
	return list;
}

/* Adds r to the multi handle for its current hop and method. */
static int request_add(struct checker *c, struct request *r)
{
	curl_slist_free_all(r->resolve);
	r->resolve = pins_for_host(c, r->hop_host);
	curl_easy_setopt(r->easy, CURLOPT_RESOLVE, r->resolve);
	r->errbuf[0] = '\0';
	r->address_refused = 0;
	r->body_full = 0;
	buf_reset(&r->body);
	curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
	if (r->get)
		curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
	return curl_multi_add_handle(c->multi, r->easy) == CURLM_OK ? 0 : -1;
}

static void request_release(struct request *r)
{
	if (r->easy)
		curl_easy_cleanup(r->easy);
	r->easy = NULL;
	free(r->url);
	r->url = NULL;
	free(r->hop_host);
	r->hop_host = NULL;
	curl_slist_free_all(r->resolve);
	r->resolve = NULL;
	free(r->errbuf);
	r->errbuf = NULL;
	buf_release(&r->body);
	buf_release(&r->refused);
}

/* Ends the check of r with class and reason, and reports the link done. */
static void request_finish(struct checker *c, struct request *r,
			   enum link_class class, long status, const char *reason)
{
	struct link *l = r->link;

	l->class = class;
	l->status = status;
	l->reason = reason ? link_set_strdup(c->set, reason) : NULL;
	l->final_url = r->hops ? link_set_strdup(c->set, r->url) : NULL;
	l->checked = 1;
	request_release(r);
	r->host->in_flight--;
	c->in_flight--;
	c->done++;
	if (c->opts->done && !c->stop) {
		int ret = c->opts->done(l, c->opts->data);

		if (ret < 0)
			c->stop = ret;
	}
}

/* Frees r's slot and starts it again after delay_ms. */
static void request_delay(struct checker *c, struct request *r, long long delay_ms)
{
	r->attempt++;
	r->due_ms = now_ms() + delay_ms;
	r->host->in_flight--;
	c->in_flight--;
	XGROW(c->delayed, c->alloc_delayed, c->ndelayed + 1);
	c->delayed[c->ndelayed++] = r;
}

static long long backoff_ms(const struct checker *c, const struct request *r)
{
	long long delay = c->opts->backoff_ms;
	int i;

	for (i = 0; i < r->attempt && delay < c->opts->timeout * 1000; i++)
		delay *= 2;
	if (delay > c->opts->timeout * 1000)
		delay = c->opts->timeout * 1000;
	return delay;
}

static int is_transient_error(CURLcode result)
{
	switch (result) {
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return 0;
	}
}

/* Returns a fixed description of a transfer error, so output is stable. */
static const char *describe_error(CURLcode result)
{
	switch (result) {
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "could not resolve host";
	case CURLE_COULDNT_CONNECT:
		return "could not connect";
	case CURLE_GOT_NOTHING:
		return "empty reply";
	case CURLE_WEIRD_SERVER_REPLY:
		return "malformed reply";
	case CURLE_SEND_ERROR:
		return "send failed";
	case CURLE_RECV_ERROR:
		return "receive failed";
	case CURLE_PEER_FAILED_VERIFICATION:
		return "TLS certificate not trusted";
	case CURLE_SSL_CONNECT_ERROR:
		return "TLS handshake failed";
	default:
		return curl_easy_strerror(result);
	}
}

/* Reports whether the response in r is a bot challenge page. */
static int is_challenge(const struct request *r, long status)
{
	struct curl_header *h = NULL;

	if (curl_easy_header(r->easy, "cf-mitigated", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
	    h && !strcasecmp(h->value, "challenge"))
		return 1;
	if ((status == 403 || status == 503) &&
	    (strstr(r->body.ptr, "/cdn-cgi/challenge-platform/") ||
	     strstr(r->body.ptr, "_cf_chl_opt")))
		return 1;
	return 0;
}

static long retry_after(const struct request *r)
{
	struct curl_header *h = NULL;

	if (curl_easy_header(r->easy, "Retry-After", 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
		return -1;
	return linkcheck_parse_retry_after(h->value, time(NULL));
}

/* The kind of URL that http_url_host() found. */
enum url_kind {
	URL_HTTP,		/* an http or https URL, whose host is returned */
	URL_UNPARSED,		/* text that libcurl does not parse as a URL */
	URL_OTHER_SCHEME	/* a URL of another scheme, or without a host */
};

/* Sets *host to the lower-case host of an http or https URL (or NULL) and returns its kind. */
static enum url_kind http_url_host(char **host, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *name = NULL, *p;
	enum url_kind kind = URL_UNPARSED;

	*host = NULL;
	if (!u)
		return URL_UNPARSED;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
		kind = URL_OTHER_SCHEME;
		if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		    (!strcmp(scheme, "http") || !strcmp(scheme, "https")) &&
		    curl_url_get(u, CURLUPART_HOST, &name, 0) == CURLUE_OK) {
			*host = xstrdup(name);
			for (p = *host; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			kind = URL_HTTP;
		}
	}
	curl_free(scheme);
	curl_free(name);
	curl_url_cleanup(u);
	return kind;
}

/* Follows the redirect of a 3xx response; returns 0 when r goes on. */
static int request_redirect(struct checker *c, struct request *r, long status)
{
	char *location = NULL, *host;

	curl_easy_getinfo(r->easy, CURLINFO_REDIRECT_URL, &location);
	if (!location) {
		request_finish(c, r, LINK_BROKEN, status, "redirect without a location");
		return -1;
	}
	switch (http_url_host(&host, location)) {
	case URL_HTTP:
		break;
	case URL_UNPARSED:
		request_finish(c, r, LINK_BROKEN, status, "redirect to a location that is not a valid URL");
		return -1;
	case URL_OTHER_SCHEME:
		request_finish(c, r, LINK_REFUSED, status, "redirect to a URL that is not http or https");
		return -1;
	}
	if (r->hops >= LINKCHECK_MAX_REDIRECTS) {
		free(host);
		request_finish(c, r, LINK_BROKEN, status, "more than 10 redirects");
		return -1;
	}
	free(r->hop_host);
	r->hop_host = host;
	if (status == 301 || status == 308)
		r->permanent = 1;
	r->hops++;
	location = xstrdup(location);
	free(r->url);
	r->url = location;
	return 0;
}

/* Decides what comes after a transfer of r that ended with result. */
static void request_done(struct checker *c, struct request *r, CURLcode result)
{
	const struct link_check_options *o = c->opts;
	long status = 0;
	enum link_class class;

	curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (result == CURLE_WRITE_ERROR && r->body_full)
		result = CURLE_OK;

	if (result != CURLE_OK) {
		if (r->address_refused && result == CURLE_COULDNT_CONNECT) {
			request_finish(c, r, LINK_REFUSED, 0, r->refused.ptr);
			return;
		}
		/*
		 * Schemes are checked before each hop, so libcurl's "unsupported
		 * protocol" can only mean a reply in an unknown HTTP version.
		 */
		if (result == CURLE_UNSUPPORTED_PROTOCOL)
			result = CURLE_WEIRD_SERVER_REPLY;
		if (!r->get && (result == CURLE_GOT_NOTHING || result == CURLE_WEIRD_SERVER_REPLY)) {
			r->get = 1;
			goto again;
		}
		if (is_transient_error(result) && r->attempt < o->retries) {
			request_delay(c, r, backoff_ms(c, r));
			return;
		}
		request_finish(c, r, LINK_UNREACHABLE, 0, describe_error(result));
		return;
	}

	if (status >= 300 && status < 400 && status != 304) {
		if (request_redirect(c, r, status) < 0)
			return;
		goto again;
	}
	if (!r->get && linkcheck_head_rejected(status)) {
		r->get = 1;
		goto again;
	}
	if (is_challenge(r, status)) {
		request_finish(c, r, LINK_BLOCKED, status, "bot challenge");
		return;
	}
	if ((status == 429 || status == 503) && r->attempt < o->retries) {
		long long delay = retry_after(r);

		delay = delay < 0 ? backoff_ms(c, r) : delay * 1000;
		if (delay > o->timeout * 1000)
			delay = o->timeout * 1000;
		request_delay(c, r, delay);
		return;
	}
	if ((status == 500 || status == 502 || status == 504) && r->attempt < o->retries) {
		request_delay(c, r, backoff_ms(c, r));
		return;
	}
	/* A challenge page shows only in the body of a GET. */
	if (!r->get && status == 503) {
		r->get = 1;
		goto again;
	}

	class = linkcheck_classify_status(status, 0);
	if (class == LINK_OK && r->permanent)
		class = LINK_REDIRECTED;
	request_finish(c, r, class, status, NULL);
	return;

again:
	if (request_add(c, r) < 0)
		request_finish(c, r, LINK_UNREACHABLE, 0, "could not start the request");
}

/* Starts queued requests while the total and per-host limits allow. */
static void start_ready(struct checker *c)
{
	size_t i, idle = 0;

	while (c->in_flight < (size_t)c->opts->concurrency && c->nhosts && idle < c->nhosts) {
		struct host *h = &c->hosts[c->next_host];
		struct request *r;

		c->next_host = (c->next_host + 1) % c->nhosts;
		if (h->head == h->nr || h->in_flight >= c->opts->per_host) {
			idle++;
			continue;
		}
		idle = 0;
		r = h->queue[h->head++];
		h->in_flight++;
		c->in_flight++;
		if (!r->easy && request_setup(c, r) < 0) {
			request_finish(c, r, LINK_UNREACHABLE, 0, "could not start the request");
			continue;
		}
		if (request_add(c, r) < 0)
			request_finish(c, r, LINK_UNREACHABLE, 0, "could not start the request");
	}

	for (i = 0; i < c->nhosts; i++) {
		struct host *h = &c->hosts[i];

		if (h->head == h->nr) {
			h->head = 0;
			h->nr = 0;
		}
	}
}

/* Moves delayed requests that are due back to their host queues. */
static long long promote_due(struct checker *c)
{
	long long now = now_ms(), next = -1;
	size_t i = 0;

	while (i < c->ndelayed) {
		struct request *r = c->delayed[i];

		if (r->due_ms <= now) {
			host_push(r->host, r);
			c->delayed[i] = c->delayed[--c->ndelayed];
			continue;
		}
		if (next < 0 || r->due_ms - now < next)
			next = r->due_ms - now;
		i++;
	}
	return next;
}

static int checker_pending(const struct checker *c)
{
	size_t i;

	if (c->in_flight || c->ndelayed)
		return 1;
	for (i = 0; i < c->nhosts; i++)
		if (c->hosts[i].head < c->hosts[i].nr)
			return 1;
	return 0;
}

static int checker_init(struct checker *c, struct link_set *set,
			const struct link_check_options *opts, struct buf *err)
{
	size_t i, n = 0;

	memset(c, 0, sizeof(*c));
	c->opts = opts;
	c->set = set;
	c->multi = curl_multi_init();
	if (!c->multi) {
		buf_setf(err, "cannot set up libcurl: curl_multi_init failed");
		return -1;
	}
	curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
	curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, opts->concurrency * 2);

	for (i = 0; i < set->nr; i++)
		n += set->items[i].check ? 1 : 0;
	c->requests = xcalloc(n ? n : 1, sizeof(*c->requests));
	for (i = 0; i < set->nr; i++) {
		struct link *l = &set->items[i];
		struct request *r;

		if (!l->check)
			continue;
		r = &c->requests[c->nrequests++];
		r->checker = c;
		r->link = l;
		r->url = xstrdup(l->url);
		r->hop_host = xstrdup(l->host);
		buf_init(&r->body, 0);
		buf_init(&r->refused, 0);
		checker_host(c, l->host);
	}
	/* Point at hosts only once all exist: the array moves while it grows. */
	for (i = 0; i < c->nrequests; i++) {
		struct request *r = &c->requests[i];

		r->host = checker_host(c, r->link->host);
		host_push(r->host, r);
	}
	return 0;
}

static void checker_release(struct checker *c)
{
	size_t i;

	for (i = 0; i < c->nrequests; i++) {
		struct request *r = &c->requests[i];

		if (r->easy)
			curl_multi_remove_handle(c->multi, r->easy);
		request_release(r);
	}
	for (i = 0; i < c->nhosts; i++)
		free(c->hosts[i].queue);
	free(c->hosts);
	free(c->slots);
	free(c->requests);
	free(c->delayed);
	if (c->multi)
		curl_multi_cleanup(c->multi);
}

int linkcheck_run(struct link_set *set, const struct link_check_options *opts,
		  struct buf *err)
{
	struct checker c;
	long long last_progress = 0;
	int ret = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		buf_setf(err, "cannot set up libcurl: curl_global_init failed");
		return -1;
	}
	if (checker_init(&c, set, opts, err) < 0) {
		ret = -1;
		goto done;
	}

	while (!c.stop) {
		long long next_due = promote_due(&c);
		int running = 0, finished = 0, wait_ms = 1000;
		CURLMsg *msg;
		CURLMcode mc;

		start_ready(&c);
		if (!checker_pending(&c))
			break;

		mc = curl_multi_perform(c.multi, &running);
		if (mc != CURLM_OK) {
			buf_setf(err, "link check failed: %s", curl_multi_strerror(mc));
			ret = -1;
			goto done;
		}
		while ((msg = curl_multi_info_read(c.multi, &running))) {
			struct request *r = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
			request_done(&c, r, msg->data.result);
			finished = 1;
		}

		if (opts->progress && now_ms() - last_progress >= 100) {
			last_progress = now_ms();
			opts->progress(c.done, c.nrequests, c.in_flight, opts->data);
		}
		if (finished)
			continue;
		if (next_due >= 0 && next_due < wait_ms)
			wait_ms = (int)next_due + 1;
		mc = curl_multi_poll(c.multi, NULL, 0, wait_ms, NULL);
		if (mc != CURLM_OK) {
			buf_setf(err, "link check failed: %s", curl_multi_strerror(mc));
			ret = -1;
			goto done;
		}
	}
	if (c.stop)
		ret = c.stop;
	else if (opts->progress)
		opts->progress(c.done, c.nrequests, 0, opts->data);

done:
	checker_release(&c);
	curl_global_cleanup();
	return ret;
}
