#include "audit.h"

#include <stdlib.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "checks.h"
#include "fsutil.h"
#include "gitrepo.h"
#include "revrange.h"
#include "threads.h"

/*
 * Sets how many threads the registry may be parsed on (see
 * threads_default()).
 */
static void set_threads(struct registry *reg)
{
	int forced;

	reg->threads = threads_default(&forced);
	reg->force_split = forced;
}

void audit_init(struct audit *a)
{
	memset(a, 0, sizeof(*a));
	config_init(&a->config);
	a->registry.pool = &a->pool;
	set_threads(&a->registry);
}

void audit_release(struct audit *a)
{
	size_t i;

	for (i = 0; i < a->nfiles; i++) {
		free(a->files[i].path);
		free(a->files[i].text);
	}
	free(a->files);
	registry_release(&a->registry);
	arena_pool_release(&a->pool);
	finding_list_release(&a->findings);
	suppress_release(&a->suppressions);
	if (a->rules_loaded)
		ruleset_release(&a->rules);
	config_release(&a->config);
	memset(a, 0, sizeof(*a));
}

static int load_rules(struct audit *a, const struct string_list *extra_rules, struct buf *err)
{
	struct string_list dirs = { 0 };
	char **owned;
	size_t i, n = 0;
	int ret = 0;

	owned = xcalloc(a->config.rules.nr + 1, sizeof(*owned));
	for (i = 0; i < a->config.rules.nr; i++) {
		owned[n] = path_join(a->config.root, a->config.rules.items[i]);
		string_list_append(&dirs, owned[n++]);
	}
	for (i = 0; extra_rules && i < extra_rules->nr; i++)
		string_list_append(&dirs, extra_rules->items[i]);

	if (ruleset_load(&a->rules, dirs.items, dirs.nr, err) < 0)
		ret = AUDIT_CONFIG_ERROR;
	else
		a->rules_loaded = 1;

	for (i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	string_list_release(&dirs);
	return ret;
}

int audit_setup(struct audit *a, const char *config_path,
		const struct string_list *extra_rules, struct buf *err)
{
	int ret = config_load(&a->config, config_path, err);

	if (ret == -1)
		return AUDIT_CONFIG_ERROR;
	if (ret < 0)
		return AUDIT_ERROR;
	a->config_explicit = config_path != NULL;
	return load_rules(a, extra_rules, err);
}

void audit_add_texts(struct audit *a, const struct registry_text *files, size_t n)
{
	struct registry_text *named = xcalloc(n ? n : 1, sizeof(*named));
	size_t i;

	XGROW(a->files, a->files_alloc, a->nfiles + n);
	for (i = 0; i < n; i++) {
		struct audit_file *f = &a->files[a->nfiles++];

		f->path = xstrdup(files[i].path);
		f->text = a->keep_text ? xstrndup(files[i].text, files[i].len) : NULL;
		f->len = files[i].len;
		if (a->verbose) {
			struct buf shown = BUF_INIT;

			buf_adds_escaped(&shown, f->path);
			fprintf(stderr, "modelaudit: reading %s (%zu bytes)\n", shown.ptr, f->len);
			buf_release(&shown);
		}
		/* The findings name the file by the audit's copy of its path. */
		named[i] = files[i];
		named[i].path = f->path;
	}
	registry_add_files(&a->registry, &a->rules, named, n, &a->findings);
	for (i = 0; i < n; i++)
		suppress_scan(&a->suppressions, named[i].path, named[i].text, named[i].len);
	free(named);
}

/*
 * Maps a regular file of at least 1 MiB (and at most AUDIT_MAX_FILE_SIZE)
 * read-only; returns NULL for anything else, which is then read normally.
 */
static void *map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 1024 * 1024 ||
	    (size_t)st.st_size > AUDIT_MAX_FILE_SIZE) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

int audit_read_worktree(struct audit *a, const struct string_list *paths,
			struct buf *err)
{
	struct string_list files = { 0 }, skipped = { 0 };
	struct string_list *skip = a->verbose ? &skipped : NULL;
	struct buf text = BUF_INIT;
	struct registry_text *texts;
	char *mapped;
	size_t i;
	int ret = 0;

	if (paths && paths->nr) {
		for (i = 0; i < paths->nr && !ret; i++)
			if (collect_registry_files(&files, skip, paths->items[i], err) < 0)
				ret = AUDIT_ERROR;
	} else {
		for (i = 0; i < a->config.registry.nr && !ret; i++) {
			const char *item = a->config.registry.items[i];
			char *p = path_join(a->config.root, item);

			/* As in git, where a link's target is not part of the tree. */
			if (path_has_link(a->config.root, item)) {
				buf_setf(err, "%s: a registry path must not be or pass through "
					 "a symbolic link", p);
				ret = AUDIT_ERROR;
			} else if (collect_registry_files(&files, skip, p, err) < 0) {
				ret = AUDIT_ERROR;
			}
			if (ret && a->config.path)
				buf_addf(err, " (the registry: key of %s)", a->config.path);
			free(p);
		}
	}

	for (i = 0; i < skipped.nr; i++) {
		buf_reset(&text);
		buf_adds_escaped(&text, skipped.items[i]);
		fprintf(stderr, "modelaudit: skipping %s: not a regular file (a link or a "
			"special file below a registry directory is not read)\n", text.ptr);
		free((char *)skipped.items[i]);
	}
	string_list_release(&skipped);

	/* Every file is read first, so that they can be parsed on several threads. */
	texts = xcalloc(files.nr + 1, sizeof(*texts));
	mapped = xcalloc(files.nr + 1, sizeof(*mapped));
	for (i = 0; i < files.nr && !ret; i++) {
		size_t len;
		void *map = map_file(files.items[i], &len);

		texts[i].path = files.items[i];
		if (map) {
			/* Large files are mapped rather than copied. */
			mapped[i] = 1;
			texts[i].text = map;
			texts[i].len = len;
			continue;
		}
		buf_reset(&text);
		text.cap = AUDIT_MAX_FILE_SIZE;
		if (buf_read_file(&text, files.items[i], err) < 0) {
			ret = AUDIT_ERROR;
			break;
		}
		texts[i].text = buf_detach(&text, &texts[i].len);
	}
	if (!ret)
		audit_add_texts(a, texts, files.nr);
	for (i = 0; i < files.nr; i++) {
		if (mapped[i])
			munmap((void *)texts[i].text, texts[i].len);
		else
			free((char *)texts[i].text);
	}
	free(texts);
	free(mapped);

	for (i = 0; i < files.nr; i++)
		free((char *)files.items[i]);
	string_list_release(&files);
	buf_release(&text);
	return ret;
}

/* Replaces the configuration with the snapshot's own, when it has one. */
static int use_snapshot_config(struct audit *a, struct gitrepo *repo,
			       enum snapshot_kind kind, const char *rev, struct buf *err)
{
	struct buf text = BUF_INIT;
	int found = 0, ret = 0;

	ret = gitrepo_read_config(&text, &found, repo, kind, rev, err);
	if (ret == GITREPO_BAD_CONFIG && a->skip_unusable_config && kind == SNAPSHOT_COMMIT) {
		buf_release(&text);
		buf_reset(err);
		return 0;
	}
	if (ret < 0) {
		buf_release(&text);
		if (ret == GITREPO_BAD_CONFIG)
			return AUDIT_CONFIG_ERROR;
		return ret == GITREPO_BAD_SPEC ? AUDIT_USAGE_ERROR : AUDIT_ERROR;
	}
	if (found) {
		struct buf label = BUF_INIT;
		struct config own;

		buf_addf(&label, "%s:%s", kind == SNAPSHOT_INDEX ? "(index)" : rev,
			 GITREPO_CONFIG_NAME);
		config_init(&own);
		if (config_parse(&own, label.ptr, text.ptr, text.len, err) < 0)
			ret = AUDIT_CONFIG_ERROR;
		else if (!own.registry.nr)
			string_list_append(&own.registry, "data/models.yaml");
		if (a->skip_unusable_config && kind == SNAPSHOT_COMMIT &&
		    (ret || gitrepo_check_registry_paths(&own.registry, label.ptr, err) < 0)) {
			config_release(&own);
			buf_release(&label);
			buf_release(&text);
			buf_reset(err);
			return 0;
		}
		config_release(&a->config);
		a->config = own;
		/* The index's own file, which the user can fix; an old commit's cannot be. */
		if (!ret && kind == SNAPSHOT_INDEX &&
		    gitrepo_check_registry_paths(&a->config.registry, label.ptr, err) < 0)
			ret = AUDIT_CONFIG_ERROR;
		/* The snapshot's configuration sits at the top of the work tree. */
		if (!ret && gitrepo_workdir(repo)) {
			const char *top = gitrepo_workdir(repo);
			size_t len = strlen(top);

			a->config.root = arena_strndup(a->config.arena, top,
						       len > 1 && top[len - 1] == '/' ? len - 1 : len);
		}
		buf_release(&label);
	}
	buf_release(&text);
	return ret;
}

/* Reports whether the current directory is the top of repo's work tree. */
static int at_top(struct gitrepo *repo)
{
	const char *top = gitrepo_workdir(repo);
	char *cwd = getcwd(NULL, 0);
	size_t n;
	int same;

	if (!top || !cwd) {
		free(cwd);
		return 1;
	}
	n = strlen(top);
	if (n > 1 && top[n - 1] == '/')
		n--;
	same = strlen(cwd) == n && !strncmp(cwd, top, n);
	free(cwd);
	return same;
}

/*
 * Checks that rev is the syntax of one commit, as --rev takes: a range
 * would otherwise be looked up as a name and reported as unknown.
 */
static int check_one_commit(const char *rev, struct buf *err)
{
	struct revrange range = REVRANGE_INIT;
	size_t len = strlen(rev);
	int ret = 0;

	/*
	 * "^<rev>" excludes commits and "<rev>^@" names every parent of one,
	 * so neither is one commit. The messages of revrange_parse() for them
	 * advise a range, which --rev does not take.
	 */
	if (rev[0] == '^' || (len >= 2 && !strcmp(rev + len - 2, "^@"))) {
		buf_setf(err, "invalid revision ");
		revrange_add_quoted(err, rev);
		buf_adds(err, ": --rev names one commit, not a set of commits");
		return AUDIT_USAGE_ERROR;
	}
	if (revrange_parse(&range, rev, err) < 0) {
		ret = AUDIT_USAGE_ERROR;
	} else if (range.kind != REVRANGE_SINCE) {
		buf_setf(err, "invalid revision ");
		revrange_add_quoted(err, rev);
		buf_adds(err, ": --rev names one commit, not a range");
		ret = AUDIT_USAGE_ERROR;
	}
	revrange_release(&range);
	return ret;
}

int audit_read_git(struct audit *a, const char *rev, const struct string_list *paths,
		   struct buf *err)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct registry_text *texts;
	enum snapshot_kind kind = rev ? SNAPSHOT_COMMIT : SNAPSHOT_INDEX;
	const struct string_list *registry_paths;
	size_t i;
	int ret;

	if (rev) {
		ret = check_one_commit(rev, err);
		if (ret < 0)
			goto done;
	}
	ret = gitrepo_open(&repo, err);
	if (ret < 0) {
		ret = AUDIT_ERROR;
		goto done;
	}
	if (!a->config_explicit) {
		ret = use_snapshot_config(a, repo, kind, rev, err);
		if (ret < 0)
			goto done;
	}
	registry_paths = paths && paths->nr ? paths : &a->config.registry;
	ret = gitrepo_read_snapshot(&snap, repo, kind, rev, registry_paths, err);
	if (ret < 0) {
		ret = ret == GITREPO_BAD_SPEC ? AUDIT_USAGE_ERROR : AUDIT_ERROR;
		goto done;
	}
	if (snap.nmissing) {
		buf_setf(err, "%s: not found in %s", snap.missing[0],
			 kind == SNAPSHOT_INDEX ? "the index" : rev);
		if (paths && paths->nr && !at_top(repo))
			buf_adds(err, " (paths are taken from the repository root, "
				 "not from the current directory)");
		ret = AUDIT_ERROR;
		goto done;
	}
	texts = xcalloc(snap.nr + 1, sizeof(*texts));
	for (i = 0; i < snap.nr; i++) {
		texts[i].path = snap.files[i].path;
		texts[i].text = snap.files[i].data;
		texts[i].len = snap.files[i].len;
	}
	audit_add_texts(a, texts, snap.nr);
	free(texts);
	ret = 0;

done:
	snapshot_release(&snap);
	gitrepo_free(repo);
	return ret;
}

void audit_finish(struct audit *a)
{
	checks_registry(&a->registry, &a->rules, &a->findings);
	finding_list_finish(&a->findings, a->config.severity);
	if (suppress_apply(&a->suppressions, &a->findings, a->config.severity))
		finding_list_finish(&a->findings, a->config.severity);
}

void audit_print_summary(const struct audit *a, FILE *out)
{
	size_t errors = finding_list_count(&a->findings, SEVERITY_ERROR);
	size_t warnings = finding_list_count(&a->findings, SEVERITY_WARNING) - errors;
	size_t notes = finding_list_count(&a->findings, SEVERITY_NOTE) - errors - warnings;

	fprintf(out, "%zu error%s, %zu warning%s, %zu note%s in %zu file%s (%zu model%s, %zu score%s)\n",
		errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
		notes, notes == 1 ? "" : "s", a->registry.nfiles,
		a->registry.nfiles == 1 ? "" : "s", a->registry.nr,
		a->registry.nr == 1 ? "" : "s", a->registry.nscores,
		a->registry.nscores == 1 ? "" : "s");
}
