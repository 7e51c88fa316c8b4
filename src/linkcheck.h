#ifndef MODELAUDIT_LINKCHECK_H
#define MODELAUDIT_LINKCHECK_H

#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "commands.h"
#include "links.h"
#include "options.h"

/*
 * The link checker: checks the links of a set with libcurl's multi
 * interface, many requests in flight, each host limited to a few of them.
 *
 * A check is a HEAD request, asked again with GET (reading at most
 * LINKCHECK_MAX_BODY bytes of the body) when the server rejects HEAD.
 * Redirects are followed here, not by libcurl, up to LINKCHECK_MAX_REDIRECTS
 * hops, so that every hop is checked for its scheme and a permanent hop is
 * noticed. Every connection's address is checked before connecting (the
 * open-socket callback receives the resolved address of each hop), unless
 * allow_private is set.
 */

#define LINKCHECK_MAX_BODY (64 * 1024)
#define LINKCHECK_MAX_REDIRECTS 10

struct link_check_options {
	long concurrency;	/* requests in flight in total */
	long per_host;		/* requests in flight per host name */
	long timeout;		/* seconds per request */
	long retries;		/* extra attempts after a transient failure */
	long backoff_ms;	/* first backoff delay, doubled on each retry (500) */
	int allow_private;	/* connect to private and loopback addresses too */
	const struct string_list *resolve;	/* "host:port:address" pins */
	/*
	 * Called when a link's check is over, with its class and status set.
	 * A negative return stops the scan, which then returns that value.
	 */
	int (*done)(struct link *l, void *data);
	/* Called about ten times a second while the scan runs; may be NULL. */
	void (*progress)(size_t done, size_t total, size_t in_flight, void *data);
	void *data;
};

/* The User-Agent of every request: modelaudit/<version>. */
#define LINKCHECK_USER_AGENT "modelaudit/" MODELAUDIT_VERSION " (link-rot scan)"

/*
 * Checks every link of set that has `check` set, and sets its class,
 * status, final_url and reason. Returns 0, a negative value returned by
 * opts->done, or -1 with a message in err when libcurl cannot be set up.
 */
int linkcheck_run(struct link_set *set, const struct link_check_options *opts,
		  struct buf *err);

/*
 * Reports whether addr is a public unicast address: not private, loopback,
 * link-local, shared (CGNAT), multicast, documentation, benchmarking or
 * reserved, for IPv4 and IPv6 (IPv4-mapped and NAT64 IPv6 addresses are
 * judged by the IPv4 address they carry).
 */
int linkcheck_address_is_public(const struct sockaddr *addr);

/*
 * Parses a Retry-After value, either seconds or an HTTP date, into seconds
 * from now (0 for a date in the past). Returns -1 when value is neither.
 */
long linkcheck_parse_retry_after(const char *value, time_t now);

/*
 * Classifies a final HTTP status; challenge is set when the response was
 * a bot challenge.
 */
enum link_class linkcheck_classify_status(long status, int challenge);

/* Reports whether a HEAD response with this status is asked again with GET. */
int linkcheck_head_rejected(long status);

/*
 * Validates a --resolve pin "host:port:address[,address...]". Returns 0, or
 * -1 with the reason in err.
 */
int linkcheck_validate_resolve(const char *pin, struct buf *err);

#endif
