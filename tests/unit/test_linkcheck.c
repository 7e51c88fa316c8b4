/*
 * The checker against tests/httpd.py on 127.0.0.1, with an address check
 * that lets the first connection through and rejects the later ones, as a
 * public page that redirects to a private address would be treated.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linkcheck.h"
#include "links.h"
#include "unit.h"

static pid_t server_pid = -1;
static long server_port;

/* Starts tests/httpd.py and reads the port it prints; returns 0 on success. */
static int start_server(void)
{
	int fds[2];
	FILE *out;
	char line[32];

	if (pipe(fds) < 0)
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", "tests/httpd.py", "--lifetime", "60", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	out = fdopen(fds[0], "r");
	if (!out)
		return -1;
	if (!fgets(line, sizeof(line), out)) {
		fclose(out);
		return -1;
	}
	fclose(out);
	server_port = atol(line);
	return server_port > 0 ? 0 : -1;
}

static void stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
}

struct gate {
	int allowed;	/* connections still to let through */
	int opened;
	int rejected;
};

static int first_connections_only(const struct sockaddr *addr, void *data)
{
	struct gate *g = data;

	(void)addr;
	if (g->allowed > 0) {
		g->allowed--;
		g->opened++;
		return 1;
	}
	g->rejected++;
	return 0;
}

/* Checks one URL of the test server with g deciding every connection. */
static struct link *check_path(struct link_set *set, const char *path, struct gate *g)
{
	struct link_check_options opts;
	struct buf url = BUF_INIT, err = BUF_INIT;
	struct link *l;

	buf_addf(&url, "http://127.0.0.1:%ld%s", server_port, path);
	l = link_set_add(set, url.ptr, NULL);
	memset(&opts, 0, sizeof(opts));
	opts.concurrency = 4;
	opts.per_host = 2;
	opts.timeout = 5;
	opts.retries = 0;
	opts.backoff_ms = 100;
	opts.address_allowed = first_connections_only;
	opts.data = g;
	if (linkcheck_run(set, &opts, &err) < 0)
		printf("#   %s\n", err.ptr);
	buf_release(&url);
	buf_release(&err);
	return l;
}

static void test_redirect_to_rejected_address(void)
{
	struct link_set set;
	struct gate g = { 1, 0, 0 };
	struct link *l;

	link_set_init(&set);
	l = check_path(&set, "/found-close", &g);
	CHECK_INT(l->class, LINK_REFUSED);
	CHECK_STR(l->reason, "127.0.0.1 is not a public address");
	CHECK(l->final_url != NULL);
	if (l->final_url)
		CHECK(strstr(l->final_url, "/ok") != NULL);
	CHECK_INT(g.opened, 1);
	CHECK(g.rejected >= 1);
	link_set_release(&set);
}

static void test_redirect_allowed_is_ok(void)
{
	struct link_set set;
	struct gate g = { 10, 0, 0 };
	struct link *l;

	link_set_init(&set);
	l = check_path(&set, "/found-close", &g);
	CHECK_INT(l->class, LINK_OK);
	CHECK_INT(l->status, 200);
	CHECK_INT(g.opened, 2);
	CHECK_INT(g.rejected, 0);
	link_set_release(&set);
}

static void test_first_hop_rejected(void)
{
	struct link_set set;
	struct gate g = { 0, 0, 0 };
	struct link *l;

	link_set_init(&set);
	l = check_path(&set, "/ok", &g);
	CHECK_INT(l->class, LINK_REFUSED);
	CHECK(l->final_url == NULL);
	CHECK_INT(l->status, 0);
	link_set_release(&set);
}

int main(void)
{
	if (start_server() < 0) {
		printf("not ok - tests/httpd.py did not start\n");
		stop_server();
		return 1;
	}
	RUN(test_redirect_to_rejected_address);
	RUN(test_redirect_allowed_is_ok);
	RUN(test_first_hop_rejected);
	stop_server();
	return unit_done();
}
