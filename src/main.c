/* fopencookie(), a GNU extension, for standard output and standard error. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "commands.h"
#include "report.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct command commands[] = {
	{ "check", cmd_check, "check [<path>...] [--staged | --rev <rev>]",
	  "audit the registry" },
	{ "diff", cmd_diff, "diff [<since> | <a>..<b> | --root [<rev>]] [--first-parent] [--net] [--staged]",
	  "per-commit semantic diff with findings" },
	{ "blame", cmd_blame, "blame <model-id> [<benchmark>]",
	  "provenance trail of scores" },
	{ "links", cmd_links, "links [<path>...]",
	  "link-rot scan of every source URL" },
	{ "rules", cmd_rules, "rules",
	  "list every rule: id, default severity, summary" },
	{ "install-hook", cmd_install_hook, "install-hook [--force]",
	  "install the git pre-commit hook" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void print_usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: modelaudit <command> [<options>]\n\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "    modelaudit %s\n        %s\n", commands[i].usage, commands[i].summary);
	fprintf(out, "    modelaudit --help | help <command> | --version\n\n");
	fprintf(out, "Options of every command: --config <file>, --rules <dir>, --format <fmt>,\n"
		"--fail-on error|warning|note|never, --color auto|always|never, --quiet, --verbose.\n"
		"'modelaudit help <command>' describes one command; man modelaudit describes all\n"
		"(in the source tree: man -l man/modelaudit.1).\n");
}

/*
 * Every command writes its report to standard output through the stdio
 * buffer, where a failed write would go unnoticed until the command had
 * printed its summary. Here the failure is caught where it happens, for
 * every command, and ends the run at once with exit status 4, before any
 * later message can claim success.
 */

/* The errno of a standard output that was closed at start, or 0. */
static int stdout_closed;
/* Set once standard output is closed, after the command. */
static int stdout_finished;

static _Noreturn void report_unwritable(int errnum)
{
	static int reported;

	/*
	 * Under valgrind, which has glibc free its resources at exit, the
	 * streams are flushed again after _exit() and this runs a second time.
	 */
	if (!reported) {
		reported = 1;
		/* Written to the descriptor, because stderr may be the stream that called here. */
		dprintf(STDERR_FILENO, "modelaudit: error: cannot write the report: %s\n",
			strerror(errnum));
	}
	_exit(EXIT_OPERATIONAL);
}

/*
 * Points descriptors 0, 1 and 2 at /dev/null when they are closed, so that
 * no file that modelaudit opens gets one of them and receives the report.
 * A closed standard output is remembered as an error for the first write.
 */
static void reserve_standard_fds(void)
{
	int fd;

	for (fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			stdout_closed = EBADF;
		if (open("/dev/null", O_RDWR) < 0)
			return;
	}
}

#ifdef __GLIBC__
/* Writes all of data to fd. Returns 0, or the errno of the failure. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t stdout_write(void *cookie, const char *data, size_t len)
{
	int errnum = stdout_closed ? stdout_closed : write_all(STDOUT_FILENO, data, len);

	(void)cookie;
	if (errnum)
		report_unwritable(errnum);
	return (ssize_t)len;
}

static int stdout_close(void *cookie)
{
	(void)cookie;
	return close(STDOUT_FILENO);
}

/*
 * Flushes standard output first, so that a report that cannot be written
 * stops the run before a summary on standard error follows it, and so
 * that the two streams keep their order when they go to one file.
 */
static ssize_t stderr_write(void *cookie, const char *data, size_t len)
{
	(void)cookie;
	if (!stdout_finished)
		fflush(stdout);
	if (write_all(STDERR_FILENO, data, len))
		return -1;
	return (ssize_t)len;
}

static void wrap_standard_streams(void)
{
	static const cookie_io_functions_t out_io = { NULL, stdout_write, NULL, stdout_close };
	static const cookie_io_functions_t err_io = { NULL, stderr_write, NULL, NULL };
	FILE *out, *err;

	reserve_standard_fds();
	out = fopencookie(NULL, "w", out_io);
	err = fopencookie(NULL, "w", err_io);
	if (!out || !err) {
		if (out)
			fclose(out);
		if (err)
			fclose(err);
		return;
	}
	/* A terminal gets each line as it is written, as the usual stdout does. */
	setvbuf(out, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	setvbuf(err, NULL, _IONBF, 0);
	stdout = out;
	stderr = err;
}
#else
/*
 * NOTE: without fopencookie() a failed write is seen only when standard
 * output is flushed after the command, which may have printed its summary.
 */
static void wrap_standard_streams(void)
{
	reserve_standard_fds();
}
#endif

/*
 * Flushes and closes standard output after the command. A failed write
 * has ended the run already, so what is left is a close that fails, as it
 * can on a network file system.
 */
static int finish_output(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		report_unwritable(errno ? errno : EIO);
	stdout_finished = 1;
	if (fclose(stdout) != 0)
		report_unwritable(errno);
	return status;
}

static int run(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("modelaudit %s\n", MODELAUDIT_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *help_argv[3];

		if (argc < 3) {
			print_usage(stdout);
			return EXIT_OK;
		}
		cmd = find_command(argv[2]);
		if (!cmd) {
			report_error("unknown command '%s' (see 'modelaudit --help')", argv[2]);
			return EXIT_USAGE;
		}
		help_argv[0] = argv[2];
		help_argv[1] = "--help";
		help_argv[2] = NULL;
		return cmd->run(2, help_argv);
	}

	cmd = find_command(argv[1]);
	if (!cmd) {
		report_error("unknown command '%s' (see 'modelaudit --help')", argv[1]);
		return EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}

int main(int argc, char **argv)
{
	wrap_standard_streams();
	return finish_output(run(argc, argv));
}
