#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "alloc.h"
#include "buf.h"
#include "commands.h"
#include "gitrepo.h"
#include "options.h"
#include "report.h"

static const char install_hook_usage[] =
	"usage: modelaudit install-hook [--force]\n"
	"\n"
	"Writes a git pre-commit hook that runs 'modelaudit check --staged', in the\n"
	"directory that core.hooksPath names, else in the repository's hooks directory.\n"
	"An existing hook that modelaudit did not write is kept unless --force is given,\n"
	"and then it is renamed to pre-commit.bak first.";

/* The hook runs 'modelaudit check --staged' as written, whatever options install it. */
static const struct option_help install_hook_option_help[] = {
	{ "config", "ignored: the hook finds the configuration when it runs" },
	{ "rules", "ignored: the hook loads the configured rules when it runs" },
	{ "fail-on", "ignored: the hook fails on errors, as check does by default" },
	{ "color", "ignored, because install-hook prints no colour" },
	{ "quiet", "print nothing on success: no confirmation, no warning" },
	{ "verbose", "ignored, because install-hook reads no registry" },
	{ NULL, NULL }
};

/* The line that marks a hook as written by this command. */
#define HOOK_MARKER "# Installed by 'modelaudit install-hook'."

/* Hook files larger than this are not read to compare them. */
#define HOOK_MAX_SIZE ((size_t)1024 * 1024)

/* Appends s to out as one single-quoted shell word. */
static void add_shell_quoted(struct buf *out, const char *s)
{
	buf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(out, "'\\''");
		else
			buf_addch(out, *s);
	}
	buf_addch(out, '\'');
}

/*
 * Appends the absolute path of the running executable, or "modelaudit"
 * when the system does not tell it (no /proc), to be found on PATH.
 */
static void add_executable_path(struct buf *out)
{
	size_t size = 256;

	for (;;) {
		char *path = xmalloc(size);
		ssize_t n = readlink("/proc/self/exe", path, size);

		if (n < 0) {
			free(path);
			buf_adds(out, "modelaudit");
			return;
		}
		if ((size_t)n < size) {
			buf_add(out, path, (size_t)n);
			free(path);
			return;
		}
		free(path);
		size *= 2;
	}
}

/*
 * Appends the hook script to out. It runs the modelaudit that installed it, by
 * absolute path, and falls back to modelaudit on PATH when that file is
 * gone, so that a hook survives a reinstall of modelaudit elsewhere.
 */
static void format_hook(struct buf *out)
{
	struct buf executable = BUF_INIT;

	add_executable_path(&executable);
	buf_adds(out, "#!/bin/sh\n" HOOK_MARKER "\n");
	buf_adds(out,
		 "# Audits the registry as staged for this commit and stops the commit on\n"
		 "# errors (add --strict to the check line to stop on warnings too).\n"
		 "# 'git commit --no-verify' skips it once.\n");
	buf_adds(out, "installed=");
	add_shell_quoted(out, executable.ptr);
	buf_adds(out, "\n"
		 "if [ -x \"$installed\" ]; then\n"
		 "\texec \"$installed\" check --staged\n"
		 "fi\n"
		 "if command -v modelaudit >/dev/null 2>&1; then\n"
		 "\texec modelaudit check --staged\n"
		 "fi\n"
		 "echo \"modelaudit: error: pre-commit hook: $installed does not exist and modelaudit is not on PATH\" >&2\n"
		 "exit 1\n");
	buf_release(&executable);
}

/*
 * Sets dir to the directory git runs hooks from: core.hooksPath (relative
 * to the top of the work tree, as git resolves it) or the hooks directory
 * of the repository, which linked worktrees share.
 */
static int find_hooks_dir(struct buf *dir, git_repository *git, struct buf *err)
{
	git_config *config = NULL;
	git_buf value = { 0 };
	int ret = -1;

	if (git_repository_config_snapshot(&config, git) < 0) {
		buf_setf(err, "cannot read the git configuration: %s", gitrepo_reason());
		goto done;
	}
	if (!git_config_get_path(&value, config, "core.hooksPath")) {
		if (value.ptr[0] != '/')
			buf_adds(dir, git_repository_workdir(git));
		buf_adds(dir, value.ptr);
		ret = 0;
		goto done;
	}
	git_error_clear();
	git_buf_dispose(&value);
	if (git_repository_item_path(&value, git, GIT_REPOSITORY_ITEM_HOOKS) < 0) {
		buf_setf(err, "cannot find the git hooks directory: %s", gitrepo_reason());
		goto done;
	}
	buf_adds(dir, value.ptr);
	ret = 0;

done:
	while (dir->len > 1 && dir->ptr[dir->len - 1] == '/')
		dir->ptr[--dir->len] = '\0';
	git_buf_dispose(&value);
	git_config_free(config);
	return ret;
}

/* Reports whether path starts with directory dir (given with or without a trailing slash). */
static int is_below(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

/* Reports whether dir lies outside both the work tree and the git directory. */
static int is_outside(const char *dir, git_repository *git)
{
	char *real = realpath(dir, NULL);
	char *workdir = realpath(git_repository_workdir(git), NULL);
	char *commondir = realpath(git_repository_commondir(git), NULL);
	int outside;

	outside = real && workdir && commondir &&
		  !is_below(real, workdir) && !is_below(real, commondir);
	free(real);
	free(workdir);
	free(commondir);
	return outside;
}

/* Creates dir and its missing parents. */
static int make_dirs(const char *dir, struct buf *err)
{
	struct buf path = BUF_INIT;
	const char *p;
	int ret = 0;

	for (p = dir; ; p++) {
		if ((*p == '/' || !*p) && p > dir) {
			buf_reset(&path);
			buf_add(&path, dir, (size_t)(p - dir));
			if (mkdir(path.ptr, 0777) < 0 && errno != EEXIST) {
				buf_setf(err, "cannot create %s: %s", path.ptr, strerror(errno));
				ret = -1;
				break;
			}
		}
		if (!*p)
			break;
	}
	buf_release(&path);
	return ret;
}

/* Renames hook to the first free name of hook.bak, hook.bak.1, ... */
static int keep_backup(struct buf *backup, const char *hook, struct buf *err)
{
	struct stat st;
	int n;

	buf_setf(backup, "%s.bak", hook);
	for (n = 1; !lstat(backup->ptr, &st); n++)
		buf_setf(backup, "%s.bak.%d", hook, n);
	if (rename(hook, backup->ptr) < 0) {
		buf_setf(err, "cannot rename %s to %s: %s", hook, backup->ptr, strerror(errno));
		return -1;
	}
	return 0;
}

/* Writes text to path with mode 0755 through a temporary file and a rename. */
static int write_executable(const char *path, const struct buf *text, struct buf *err)
{
	struct buf tmp = BUF_INIT;
	FILE *out;
	size_t written;
	int fd, ret = -1;

	buf_setf(&tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	if (fchmod(fd, 0755) < 0 || !(out = fdopen(fd, "w"))) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.ptr);
		goto done;
	}
	written = fwrite(text->ptr, 1, text->len, out);
	if (fclose(out) != 0 || written != text->len) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp.ptr);
		goto done;
	}
	if (rename(tmp.ptr, path) < 0) {
		buf_setf(err, "cannot rename %s to %s: %s", tmp.ptr, path, strerror(errno));
		unlink(tmp.ptr);
		goto done;
	}
	ret = 0;

done:
	buf_release(&tmp);
	return ret;
}

int cmd_install_hook(int argc, char **argv)
{
	static const char *const formats[] = { "text", NULL };
	struct common_options common;
	struct string_list args = { 0 };
	struct gitrepo *repo = NULL;
	struct buf err = BUF_INIT, dir = BUF_INIT, hook = BUF_INIT;
	struct buf script = BUF_INIT, current = BUF_INIT, backup = BUF_INIT;
	struct buf shown_hook = BUF_INIT;
	struct stat st;
	int force = 0, status = EXIT_OK;
	struct option options[] = {
		OPT_FLAG("force", &force, "replace an existing pre-commit hook, keeping it as pre-commit.bak"),
		COMMON_OPTIONS(&common, "text"),
		OPT_END()
	};

	memset(&common, 0, sizeof(common));
	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (common.help) {
		options_set_help(options, install_hook_option_help);
		options_print_help(stdout, install_hook_usage, options);
		goto done;
	}
	if (common_options_finish(&common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (args.nr) {
		fprintf(stderr, "modelaudit: error: install-hook takes no arguments (see 'modelaudit install-hook --help')\n");
		status = EXIT_USAGE;
		goto done;
	}

	if (gitrepo_open(&repo, &err) < 0)
		goto failed;
	if (!gitrepo_workdir(repo)) {
		buf_setf(&err, "cannot install a pre-commit hook in a bare repository");
		goto failed;
	}
	if (find_hooks_dir(&dir, gitrepo_git(repo), &err) < 0 || make_dirs(dir.ptr, &err) < 0)
		goto failed;
	buf_setf(&hook, "%s/pre-commit", dir.ptr);
	format_hook(&script);
	/* Paths are printed as report_error() prints them: control characters escaped. */
	report_sanitize_escaped(&shown_hook, hook.ptr);
	if (!common.quiet && is_outside(dir.ptr, gitrepo_git(repo))) {
		struct buf shown_dir = BUF_INIT;

		report_sanitize_escaped(&shown_dir, dir.ptr);
		fprintf(stderr, "modelaudit: warning: core.hooksPath names %s, outside this repository: "
			"the hook also runs in every other repository that uses that directory\n",
			shown_dir.ptr);
		buf_release(&shown_dir);
	}

	/*
	 * An existing hook: the same script needs nothing, an older one of
	 * ours is replaced, and anything else is kept unless --force.
	 */
	if (!lstat(hook.ptr, &st)) {
		struct buf ignored = BUF_INIT;
		int ours;

		current.cap = HOOK_MAX_SIZE;
		ours = !buf_read_file(&current, hook.ptr, &ignored) &&
		       strstr(current.ptr, "\n" HOOK_MARKER "\n") != NULL;
		buf_release(&ignored);
		if (ours && !strcmp(current.ptr, script.ptr)) {
			if (!common.quiet)
				printf("modelaudit: the pre-commit hook in %s is already installed\n",
				       shown_hook.ptr);
			goto done;
		}
		if (!ours && !force) {
			buf_setf(&err, "%s already exists and was not written by modelaudit; "
				 "rerun with --force to replace it (it is then kept as %s.bak)",
				 hook.ptr, hook.ptr);
			goto failed;
		}
		if (!ours && keep_backup(&backup, hook.ptr, &err) < 0)
			goto failed;
	}

	if (write_executable(hook.ptr, &script, &err) < 0)
		goto failed;
	if (!common.quiet) {
		if (backup.len) {
			struct buf shown_backup = BUF_INIT;

			report_sanitize_escaped(&shown_backup, backup.ptr);
			printf("modelaudit: kept the previous pre-commit hook as %s\n", shown_backup.ptr);
			buf_release(&shown_backup);
		}
		printf("modelaudit: installed the pre-commit hook in %s\n", shown_hook.ptr);
	}
	goto done;

failed:
	report_error("%s", err.ptr);
	status = EXIT_OPERATIONAL;
done:
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_OPERATIONAL;
	gitrepo_free(repo);
	buf_release(&err);
	buf_release(&dir);
	buf_release(&hook);
	buf_release(&script);
	buf_release(&current);
	buf_release(&backup);
	buf_release(&shown_hook);
	string_list_release(&args);
	string_list_release(&common.rules);
	return status;
}
