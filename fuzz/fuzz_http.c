/*
 * Fuzz target: the classification of HTTP responses. A server thread on
 * 127.0.0.1 answers every connection with the input, byte for byte, and
 * closes it; the link checker then checks one URL on that server (HEAD,
 * GET again, redirects, challenges, retries) and the archive lookup reads
 * the same reply as the availability API's JSON.
 *
 * A reply can redirect anywhere, so this target runs only in a network
 * namespace of its own whose only interface is the loopback one
 * (`unshare -rn`, see the Makefile): it refuses to start elsewhere.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fuzz.h"

#include "buf.h"
#include "linkarchive.h"
#include "linkcheck.h"
#include "links.h"

static pthread_mutex_t reply_lock = PTHREAD_MUTEX_INITIALIZER;
static const uint8_t *reply_data;
static size_t reply_size;
static int listen_fd = -1;
static char check_url[64];
static char archive_endpoint[64];
static int verbose;	/* FUZZ_HTTP_VERBOSE=1 prints each outcome */

/*
 * Exits unless every network interface of this namespace is a loopback
 * one, and brings the loopback interface up (a new namespace starts with
 * it down).
 */
static void require_isolated_network(void)
{
	struct ifaddrs *list, *i;
	struct ifreq req;
	int fd;

	if (getifaddrs(&list) < 0) {
		perror("fuzz_http: getifaddrs");
		exit(1);
	}
	for (i = list; i; i = i->ifa_next) {
		if (!(i->ifa_flags & IFF_LOOPBACK)) {
			fprintf(stderr, "fuzz_http: interface %s is not loopback: "
				"run this target under 'unshare -rn' (see make fuzz)\n", i->ifa_name);
			exit(1);
		}
	}
	freeifaddrs(list);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&req, 0, sizeof(req));
	strcpy(req.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &req) < 0) {
		perror("fuzz_http: reading the flags of lo");
		exit(1);
	}
	if (!(req.ifr_flags & IFF_UP)) {
		req.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &req) < 0) {
			perror("fuzz_http: bringing lo up");
			exit(1);
		}
	}
	close(fd);
}

/* Reads the request head, so that closing the socket does not reset it. */
static void read_request(int fd)
{
	char block[4096];
	char tail[4] = { 0 };
	size_t total = 0;

	while (total < 64 * 1024) {
		ssize_t n = read(fd, block, sizeof(block));
		ssize_t k;

		if (n <= 0)
			return;
		for (k = 0; k < n; k++) {
			memmove(tail, tail + 1, 3);
			tail[3] = block[k];
			if (!memcmp(tail, "\r\n\r\n", 4))
				return;
		}
		total += (size_t)n;
	}
}

static void write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static void *serve(void *unused)
{
	(void)unused;
	for (;;) {
		struct timeval tv = { 2, 0 };
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		read_request(fd);
		pthread_mutex_lock(&reply_lock);
		write_all(fd, reply_data, reply_size);
		pthread_mutex_unlock(&reply_lock);
		shutdown(fd, SHUT_WR);
		close(fd);
	}
	return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in addr;
	socklen_t addr_len = sizeof(addr);
	pthread_t thread;

	(void)argc;
	(void)argv;
	require_isolated_network();
	verbose = getenv("FUZZ_HTTP_VERBOSE") != NULL;
	curl_global_init(CURL_GLOBAL_DEFAULT);

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(listen_fd, 16) < 0 ||
	    getsockname(listen_fd, (struct sockaddr *)&addr, &addr_len) < 0) {
		perror("fuzz_http: listening on 127.0.0.1");
		exit(1);
	}
	snprintf(check_url, sizeof(check_url), "http://127.0.0.1:%u/page",
		 (unsigned)ntohs(addr.sin_port));
	snprintf(archive_endpoint, sizeof(archive_endpoint),
		 "http://127.0.0.1:%u/wayback/available", (unsigned)ntohs(addr.sin_port));
	if (pthread_create(&thread, NULL, serve, NULL) != 0)
		exit(1);
	pthread_detach(thread);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct link_set set;
	struct link_check_options opts;
	struct link_archive_options archive;
	struct link_citation cite = { "fuzz.yaml", { 1, 1 }, "model", "MMLU", "2025-01-01" };
	struct buf err = BUF_INIT;
	char *copy = NULL;

	pthread_mutex_lock(&reply_lock);
	reply_data = data;
	reply_size = size;
	pthread_mutex_unlock(&reply_lock);

	link_set_init(&set);
	link_set_add(&set, check_url, &cite);
	memset(&opts, 0, sizeof(opts));
	opts.concurrency = 1;
	opts.per_host = 1;
	opts.timeout = 2;
	opts.retries = 0;
	opts.allow_private = 1;
	linkcheck_run(&set, &opts, &err);
	if (verbose)
		fprintf(stderr, "fuzz_http: class %s, status %ld, reason %s\n",
			link_class_name(set.items[0].class), set.items[0].status,
			set.items[0].reason ? set.items[0].reason : "none");
	link_set_release(&set);

	memset(&archive, 0, sizeof(archive));
	archive.endpoint = archive_endpoint;
	archive.timeout = 2;
	buf_reset(&err);
	link_archive_lookup(&copy, &archive, "https://example.org/x", "2025-01-01", &err);
	if (verbose)
		fprintf(stderr, "fuzz_http: archive copy %s, error %s\n",
			copy ? copy : "none", err.len ? err.ptr : "none");
	free(copy);
	buf_release(&err);

	/* The server thread must not read the input after this returns. */
	pthread_mutex_lock(&reply_lock);
	reply_data = NULL;
	reply_size = 0;
	pthread_mutex_unlock(&reply_lock);
	return 0;
}
