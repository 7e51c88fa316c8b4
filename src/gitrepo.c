#include "gitrepo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "fsutil.h"
#include "gitloose.h"
#include "historypack.h"
#include "revrange.h"

/* The memory that the pack reader of check --staged and --rev keeps for built objects. */
#define GITREPO_PACK_BUDGET ((size_t)16 * 1024 * 1024)

struct gitrepo {
	git_repository *git;
	git_index *index;	/* loaded on first use */
	struct buf objects_dir;
	struct buf alternates;	/* each path followed by a NUL byte */
	struct pack_reader *packs;	/* opened on the first blob read */
	int packs_opened;
};

const char *gitrepo_reason(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

int gitrepo_open(struct gitrepo **out, struct buf *err)
{
	git_repository *git = NULL;

	*out = NULL;
	git_libgit2_init();
	/*
	 * Objects are only read here, and hashing every blob again on read
	 * costs as much as inflating it; git checks hashes when objects
	 * arrive (fetch, fsck), which is where a corrupt object is caught.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/*
	 * Like git, honour GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE: a
	 * pre-commit hook of 'git commit -a' or 'git commit <path>' must read
	 * the temporary index that GIT_INDEX_FILE names.
	 */
	if (git_repository_open_ext(&git, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
		buf_setf(err, "cannot open the git repository of the current directory: %s",
			 gitrepo_reason());
		git_libgit2_shutdown();
		return GITREPO_ERROR;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->git = git;
	if (gitloose_install(git, &(*out)->objects_dir, &(*out)->alternates, err) < 0) {
		gitrepo_free(*out);
		*out = NULL;
		return GITREPO_ERROR;
	}
	return 0;
}

void gitrepo_free(struct gitrepo *repo)
{
	if (!repo)
		return;
	git_index_free(repo->index);
	pack_reader_free(repo->packs);
	git_repository_free(repo->git);
	buf_release(&repo->objects_dir);
	buf_release(&repo->alternates);
	free(repo);
	git_libgit2_shutdown();
}

git_repository *gitrepo_git(struct gitrepo *repo)
{
	return repo->git;
}

struct pack_reader *gitrepo_pack_reader(const struct gitrepo *repo, size_t cache_budget)
{
	const char **dirs = NULL;
	const char *alt;
	size_t n = 0, alloc = 0;
	struct pack_reader *r;

	XGROW(dirs, alloc, n + 1);
	dirs[n++] = repo->objects_dir.ptr;
	for (alt = repo->alternates.ptr; alt && alt < repo->alternates.ptr + repo->alternates.len;
	     alt += strlen(alt) + 1) {
		XGROW(dirs, alloc, n + 1);
		dirs[n++] = alt;
	}
	r = pack_reader_open(dirs, n, cache_budget);
	free(dirs);
	return r;
}

const char *gitrepo_workdir(const struct gitrepo *repo)
{
	return git_repository_workdir(repo->git);
}

/* Reads the last len bytes of file fd into out. Returns 0, or -1 when it is shorter. */
static int read_tail(int fd, unsigned char *out, size_t len)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_size < (off_t)len)
		return -1;
	return pread(fd, out, len, st.st_size - (off_t)len) == (ssize_t)len ? 0 : -1;
}

/*
 * Appends to err why the pack file of index idx_name in pack_dir cannot
 * be read, when it is missing or does not end with the checksum that the
 * index records (a pack cut short does not). Returns 1 when it appended.
 */
static int add_damaged_pack(struct buf *err, const char *pack_dir, const char *idx_name)
{
	unsigned char idx_tail[2 * GIT_OID_RAWSZ], pack_tail[GIT_OID_RAWSZ];
	struct buf path = BUF_INIT;
	int fd, ret = 0;

	buf_setf(&path, "%s/%s", pack_dir, idx_name);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read_tail(fd, idx_tail, sizeof(idx_tail)) < 0)
		goto done;
	close(fd);
	buf_setf(&path, "%s/%.*s.pack", pack_dir, (int)(strlen(idx_name) - 4), idx_name);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int open_errno = errno;

		buf_adds(err, " (the pack file ");
		buf_adds_escaped(err, path.ptr);
		if (open_errno == ENOENT)
			buf_adds(err, " is missing");
		else
			buf_addf(err, " cannot be opened: %s", strerror(open_errno));
		buf_adds(err, ", so the objects of its index cannot be read)");
		ret = 1;
	} else if (read_tail(fd, pack_tail, sizeof(pack_tail)) < 0 ||
		   memcmp(pack_tail, idx_tail, sizeof(pack_tail)) != 0) {
		buf_adds(err, " (the pack file ");
		buf_adds_escaped(err, path.ptr);
		buf_adds(err, " is damaged or cut short: it does not end with the "
			 "checksum that its index records)");
		ret = 1;
	}

done:
	if (fd >= 0)
		close(fd);
	buf_release(&path);
	return ret;
}

/*
 * Appends to err why the first pack of object directory objects_dir that
 * is missing or damaged cannot be read. Returns 1 when it appended.
 */
static int add_damaged_pack_of(struct buf *err, const char *objects_dir)
{
	struct buf pack_dir = BUF_INIT;
	struct dirent *d;
	DIR *dir;
	int found = 0;

	buf_setf(&pack_dir, "%s/pack", objects_dir);
	dir = opendir(pack_dir.ptr);
	while (dir && !found && (d = readdir(dir)) != NULL) {
		size_t n = strlen(d->d_name);

		found = n > 4 && !strcmp(d->d_name + n - 4, ".idx") &&
			add_damaged_pack(err, pack_dir.ptr, d->d_name);
	}
	if (dir)
		closedir(dir);
	buf_release(&pack_dir);
	return found;
}

void gitrepo_add_missing_hint(struct gitrepo *repo, struct buf *err)
{
	const char *alt;

	if (git_repository_is_shallow(repo->git) == 1)
		buf_adds(err, " (the repository is a shallow clone, which lacks the commits "
			 "before its oldest ones: run 'git fetch --unshallow', or use a full clone)");

	/*
	 * libgit2 skips a pack that it cannot read, and its objects then look
	 * missing. A clone made with --shared reads its history from the
	 * packs of an alternate.
	 */
	if (add_damaged_pack_of(err, repo->objects_dir.ptr))
		return;
	for (alt = repo->alternates.ptr; alt && alt < repo->alternates.ptr + repo->alternates.len;
	     alt += strlen(alt) + 1)
		if (add_damaged_pack_of(err, alt))
			return;
}

/* Appends "<what> '<rev>': <libgit2's reason>" to err, all escaped. */
static void revision_failed(struct buf *err, const char *what, const char *rev,
			    const char *reason)
{
	buf_reset(err);
	buf_adds(err, what);
	revrange_add_quoted(err, rev);
	buf_adds(err, ": ");
	buf_adds_escaped(err, reason);
}

/* Returns the length of rev's leading name: what precedes "~", "^", ":" or "@{". */
static size_t base_name_len(const char *rev)
{
	size_t i;

	for (i = 0; rev[i]; i++) {
		if (rev[i] == '~' || rev[i] == '^' || rev[i] == ':')
			break;
		if (rev[i] == '@' && rev[i + 1] == '{')
			break;
	}
	return i;
}

/*
 * For "HEAD@{<n>}" (and "@@{<n>}"), whose name is base_len bytes long,
 * writes to spec the id that HEAD's own reflog records n moves ago and the
 * rest of rev. libgit2 1.5 reads the reflog of the branch that HEAD points
 * to instead, which is what git gives for "@{<n>}". Sets *done to 0 and
 * writes nothing when rev has another form.
 */
static int head_reflog_spec(int *done, struct buf *spec, struct gitrepo *repo,
			    const char *rev, size_t base_len, struct buf *err)
{
	const char *p = rev + base_len;
	const git_reflog_entry *entry = NULL;
	git_reflog *reflog = NULL;
	unsigned long n;
	char *end;
	int ret = 0;

	*done = 0;
	if (strncmp(p, "@{", 2) || p[2] < '0' || p[2] > '9')
		return 0;
	errno = 0;
	n = strtoul(p + 2, &end, 10);
	if (errno || *end != '}')
		return 0;
	*done = 1;

	if (git_reflog_read(&reflog, repo->git, "HEAD") < 0) {
		revision_failed(err, "unknown revision ", rev, gitrepo_reason());
		ret = GITREPO_ERROR;
		goto done;
	}
	if (n < git_reflog_entrycount(reflog))
		entry = git_reflog_entry_byindex(reflog, n);
	if (!entry) {
		buf_reset(err);
		buf_adds(err, "unknown revision ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": the reflog of HEAD has %zu entr%s",
			 git_reflog_entrycount(reflog),
			 git_reflog_entrycount(reflog) == 1 ? "y" : "ies");
		ret = GITREPO_ERROR;
		goto done;
	}
	buf_adds(spec, git_oid_tostr_s(git_reflog_entry_id_new(entry)));
	buf_adds(spec, end + 1);

done:
	git_reflog_free(reflog);
	return ret;
}

/*
 * Writes to spec the text to give libgit2 1.5 for rev, where the two read
 * a revision differently. git reads "@" as a whole name as HEAD ("@~1",
 * "@^", "@@{1}"), while libgit2 accepts only "@" alone. git reads a longer
 * name that ends in "@" ("main@") as a reference name, while libgit2
 * drops the "@", so the reference is looked up here and its id given
 * instead. "HEAD@{<n>}" is read from HEAD's reflog (head_reflog_spec()).
 */
static int revision_spec(struct buf *spec, struct gitrepo *repo, const char *rev,
			 struct buf *err)
{
	size_t len = base_name_len(rev);
	git_reference *ref = NULL, *resolved = NULL;
	char *name;
	int ret, done;

	if ((len == 1 && rev[0] == '@') || (len == 4 && !strncmp(rev, "HEAD", 4))) {
		ret = head_reflog_spec(&done, spec, repo, rev, len, err);
		if (ret < 0 || done)
			return ret;
	}
	if (len == 1 && rev[0] == '@') {
		buf_adds(spec, "HEAD");
		buf_adds(spec, rev + 1);
		return 0;
	}
	if (len < 2 || rev[len - 1] != '@') {
		buf_adds(spec, rev);
		return 0;
	}

	name = xstrndup(rev, len);
	ret = 0;
	if (git_reference_dwim(&ref, repo->git, name) < 0 ||
	    git_reference_resolve(&resolved, ref) < 0) {
		revision_failed(err, "unknown revision ", rev, gitrepo_reason());
		ret = GITREPO_ERROR;
	} else {
		buf_adds(spec, git_oid_tostr_s(git_reference_target(resolved)));
		buf_adds(spec, rev + len);
	}
	git_reference_free(resolved);
	git_reference_free(ref);
	free(name);
	return ret;
}

/*
 * Reports whether libgit2 error e is about an object or a reference that
 * exists but cannot be read, such as a corrupt loose object (gitloose.c),
 * rather than about a name that matches nothing.
 */
static int is_damage(const git_error *e)
{
	return e->klass == GIT_ERROR_ODB || e->klass == GIT_ERROR_ZLIB ||
	       e->klass == GIT_ERROR_OBJECT || e->klass == GIT_ERROR_REFERENCE;
}

/*
 * libgit2 1.5 returns GIT_EINVALIDSPEC for "HEAD~1" when HEAD names a
 * tree or a blob, which is no syntax error. Fills err and returns -1 when
 * the name that rev starts with names one; returns 0 otherwise.
 */
static int base_not_commit(struct buf *err, struct gitrepo *repo, const char *rev)
{
	size_t len = base_name_len(rev);
	git_object *obj = NULL, *peeled = NULL;
	git_object_t type = GIT_OBJECT_INVALID;
	char *base;

	if (!len || !rev[len])
		return 0;
	base = xstrndup(rev, len);
	if (git_revparse_single(&obj, repo->git, base) == 0) {
		type = git_object_type(obj);
		if (type == GIT_OBJECT_TAG && git_object_peel(&peeled, obj, GIT_OBJECT_ANY) == 0)
			type = git_object_type(peeled);
	}
	git_object_free(peeled);
	git_object_free(obj);
	if (type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB) {
		buf_reset(err);
		buf_adds(err, "unknown revision ");
		revrange_add_quoted(err, rev);
		buf_adds(err, ": ");
		revrange_add_quoted(err, base);
		buf_addf(err, " names a %s, not a commit", git_object_type2string(type));
	}
	free(base);
	return type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB ? -1 : 0;
}

int gitrepo_resolve_commit(git_commit **out, struct gitrepo *repo,
			   const char *rev, struct buf *err)
{
	struct buf spec = BUF_INIT;
	git_object *obj = NULL, *inner = NULL;
	int ret;

	*out = NULL;
	ret = revision_spec(&spec, repo, rev, err);
	if (ret < 0)
		goto done;
	git_error_clear();
	ret = git_revparse_single(&obj, repo->git, spec.ptr);
	if (ret < 0 && git_repository_head_unborn(repo->git) == 1) {
		revision_failed(err, "unknown revision ", rev,
				"the current branch has no commits yet");
		ret = GITREPO_ERROR;
		goto done;
	}
	if (ret < 0) {
		const git_error *e = git_error_last();
		int missing_object = e && e->klass == GIT_ERROR_ODB;

		/*
		 * For "@{-<n>}" past the branches checked out, libgit2 1.5
		 * returns GIT_ENOTFOUND and sets no message. The message left
		 * is about a configuration file it looked for on the way
		 * ("could not find '~/.gitconfig' to stat"), not the revision.
		 */
		if (ret == GIT_ENOTFOUND && e && e->klass == GIT_ERROR_OS)
			e = NULL;

		if (ret == GIT_EINVALIDSPEC && base_not_commit(err, repo, rev) < 0) {
			ret = GITREPO_ERROR;
			goto done;
		}
		/*
		 * libgit2 1.5 does not always set its own message for this
		 * return, and may leave one of an earlier failed lookup.
		 */
		if (ret == GIT_EINVALIDSPEC) {
			revision_failed(err, "invalid revision ", rev,
					"not valid revision syntax (see gitrevisions(7))");
			ret = GITREPO_BAD_SPEC;
			goto done;
		}
		/*
		 * libgit2 1.5 sets no message when a search such as ":/text" finds
		 * nothing. For HEAD~5 in a history of three commits its message is
		 * "parent 0 does not exist", which names no commit the user typed.
		 */
		if (e && !strncmp(e->message, "parent ", 7) && strstr(e->message, "does not exist"))
			revision_failed(err, "unknown revision ", rev,
					"no such parent: the history is shorter than that, "
					"or the commit is not a merge");
		else if (ret != GIT_ENOTFOUND && e && is_damage(e))
			revision_failed(err, "cannot read revision ", rev, gitrepo_reason());
		else
			revision_failed(err, "unknown revision ", rev,
					e ? gitrepo_reason() : "no commit matches");
		/* HEAD~5 in a clone of depth 2 names a commit that is not there. */
		if (missing_object)
			gitrepo_add_missing_hint(repo, err);
		ret = GITREPO_ERROR;
		goto done;
	}

	/*
	 * A tree or a blob (an id, "HEAD:path", "HEAD^{tree}") exists but is no
	 * commit. Like an unknown revision, only the repository can tell, so
	 * it is an operational failure too.
	 */
	if (git_object_peel((git_object **)out, obj, GIT_OBJECT_COMMIT) < 0) {
		git_object_t type = git_object_type(obj);

		/* A tag is named by what it points to, once every tag is peeled off. */
		if (type == GIT_OBJECT_TAG && git_object_peel(&inner, obj, GIT_OBJECT_ANY) == 0)
			type = git_object_type(inner);
		if (type == GIT_OBJECT_TREE || type == GIT_OBJECT_BLOB) {
			buf_reset(err);
			buf_adds(err, "revision ");
			revrange_add_quoted(err, rev);
			buf_addf(err, " names a %s, not a commit", git_object_type2string(type));
		} else {
			revision_failed(err, "cannot read the commit of ", rev, gitrepo_reason());
		}
		ret = GITREPO_ERROR;
	}

done:
	git_object_free(inner);
	git_object_free(obj);
	buf_release(&spec);
	return ret;
}

char *gitrepo_normalize_path(const char *path)
{
	struct buf out = BUF_INIT;
	const char *p = path;

	if (*p == '/')
		return NULL;
	while (*p) {
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == 2 && !strncmp(p, "..", 2)) {
			buf_release(&out);
			return NULL;
		}
		if (len && !(len == 1 && *p == '.')) {
			if (out.len)
				buf_addch(&out, '/');
			buf_add(&out, p, len);
		}
		p += len;
		if (*p == '/')
			p++;
	}
	if (!out.len) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

int gitrepo_check_registry_paths(const struct string_list *paths, const char *config,
				 struct buf *err)
{
	size_t i;

	for (i = 0; i < paths->nr; i++) {
		char *path = gitrepo_normalize_path(paths->items[i]);

		if (path) {
			free(path);
			continue;
		}
		buf_reset(err);
		buf_adds_escaped(err, config);
		buf_adds(err, ": registry path '");
		buf_adds_escaped(err, paths->items[i]);
		buf_adds(err, "' is outside the repository, and the index and commits "
			 "have only paths from its root");
		return -1;
	}
	return 0;
}

static int has_yaml_suffix(const char *path)
{
	size_t len = strlen(path);

	return (len > 5 && !strcmp(path + len - 5, ".yaml")) ||
	       (len > 4 && !strcmp(path + len - 4, ".yml"));
}

/* Appends a file with no contents yet. */
static struct snapshot_file *snapshot_add(struct snapshot *snap,
					  const char *path, const git_oid *oid)
{
	struct snapshot_file *f;

	XGROW(snap->files, snap->alloc, snap->nr + 1);
	f = &snap->files[snap->nr++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	if (oid)
		git_oid_cpy(&f->oid, oid);
	return f;
}

static void snapshot_add_missing(struct snapshot *snap, const char *path)
{
	XGROW(snap->missing, snap->missing_alloc, snap->nmissing + 1);
	snap->missing[snap->nmissing++] = xstrdup(path);
}

static int compare_files(const void *a, const void *b)
{
	const struct snapshot_file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/*
 * Sorts the files added since first, those of one registry path, and drops
 * the ones an earlier registry path listed already.
 */
static void sort_from(struct snapshot *snap, size_t first)
{
	size_t i, j, unique = first;

	if (snap->nr - first > 1)
		qsort(snap->files + first, snap->nr - first,
		      sizeof(*snap->files), compare_files);
	if (!first)
		return;
	for (i = first; i < snap->nr; i++) {
		struct snapshot_file *f = &snap->files[i];

		for (j = 0; j < first; j++)
			if (!strcmp(snap->files[j].path, f->path))
				break;
		if (j < first) {
			free(f->path);
			free(f->data);
			continue;
		}
		snap->files[unique++] = *f;
	}
	snap->nr = unique;
}

void snapshot_release(struct snapshot *snap)
{
	size_t i;

	for (i = 0; i < snap->nr; i++) {
		free(snap->files[i].path);
		free(snap->files[i].data);
	}
	free(snap->files);
	for (i = 0; i < snap->nmissing; i++)
		free(snap->missing[i]);
	free(snap->missing);
	memset(snap, 0, sizeof(*snap));
}

/* ---- commits ---------------------------------------------------------- */

/*
 * libgit2 walks a tree by recursion, one call per level: with libgit2 1.5
 * and an 8 MB stack, a tree some 70,000 levels deep overflowed it. git
 * caps the depth of trees at 4096 levels by default (core.maxTreeDepth),
 * and so does the walk below a registry directory.
 */
#define GITREPO_MAX_TREE_DEPTH 4096

struct tree_walk {
	struct snapshot *snap;
	const char *prefix;	/* the registry directory, with no slash */
	struct buf path;
	int too_deep;		/* set when the walk stopped at the depth limit */
};

/* Reports whether a directory below root is deeper than the limit. */
static int tree_too_deep(const char *root)
{
	size_t levels = 0;

	/* Each level takes at least two bytes of root ("a/"). */
	if (strlen(root) < 2 * GITREPO_MAX_TREE_DEPTH)
		return 0;
	for (; *root; root++)
		levels += *root == '/';
	return levels >= GITREPO_MAX_TREE_DEPTH;
}

static int tree_walk_entry(const char *root, const git_tree_entry *entry,
			   void *data)
{
	struct tree_walk *w = data;
	git_filemode_t mode = git_tree_entry_filemode(entry);
	const char *name = git_tree_entry_name(entry);

	/* Hidden entries below a registry directory are not registry files. */
	if (name[0] == '.')
		return mode == GIT_FILEMODE_TREE ? 1 : 0;
	if (mode == GIT_FILEMODE_TREE && tree_too_deep(root)) {
		w->too_deep = 1;
		return -1;
	}
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return 0;
	if (!has_yaml_suffix(name))
		return 0;
	/* Three appends: formatting the path was a large share of a listing. */
	buf_reset(&w->path);
	buf_adds(&w->path, w->prefix);
	buf_addch(&w->path, '/');
	buf_adds(&w->path, root);
	buf_adds(&w->path, name);
	snapshot_add(w->snap, w->path.ptr, git_tree_entry_id(entry));
	return 0;
}

int gitrepo_list_tree(struct snapshot *out, struct gitrepo *repo,
		      const git_tree *tree,
		      const struct string_list *registry_paths,
		      struct buf *err)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < registry_paths->nr && !ret; i++) {
		git_tree_entry *entry = NULL;
		git_tree *sub = NULL;
		char *path = gitrepo_normalize_path(registry_paths->items[i]);
		size_t first = out->nr;
		git_filemode_t mode;
		int lookup;

		if (!path) {
			buf_setf(err, "registry path '%s' is outside the repository: "
				 "paths are taken from the repository root",
				 registry_paths->items[i]);
			ret = GITREPO_ERROR;
			goto next;
		}
		/*
		 * GIT_ENOTFOUND means the tree has no such path. libgit2 1.5
		 * returns -1 instead when a directory on the way cannot be read,
		 * which must not read as a registry file that was removed.
		 */
		lookup = git_tree_entry_bypath(&entry, tree, path);
		if (lookup == GIT_ENOTFOUND) {
			snapshot_add_missing(out, path);
			goto next;
		}
		if (lookup < 0) {
			buf_reset(err);
			buf_adds(err, "cannot read a tree on the path to '");
			buf_adds_escaped(err, path);
			buf_adds(err, "': ");
			buf_adds_escaped(err, gitrepo_reason());
			ret = GITREPO_ERROR;
			goto next;
		}
		mode = git_tree_entry_filemode(entry);
		if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			snapshot_add(out, path, git_tree_entry_id(entry));
		} else if (mode == GIT_FILEMODE_TREE) {
			struct tree_walk w = { out, path, BUF_INIT, 0 };

			if (git_tree_lookup(&sub, repo->git, git_tree_entry_id(entry)) < 0 ||
			    git_tree_walk(sub, GIT_TREEWALK_PRE, tree_walk_entry, &w) < 0) {
				buf_reset(err);
				buf_adds(err, "cannot read the tree of '");
				buf_adds_escaped(err, path);
				if (w.too_deep)
					buf_addf(err, "': its directories nest more than %d levels deep "
						 "(git's core.maxTreeDepth)", GITREPO_MAX_TREE_DEPTH);
				else
					buf_addf(err, "': %s", gitrepo_reason());
				ret = GITREPO_ERROR;
			}
			buf_release(&w.path);
		} else {
			snapshot_add_missing(out, path);
		}
		sort_from(out, first);
next:
		git_tree_free(sub);
		git_tree_entry_free(entry);
		free(path);
	}
	return ret;
}

void gitrepo_too_large(struct buf *err, const char *path, const git_oid *oid)
{
	buf_setf(err, "%s: file is larger than the limit of %zu bytes (blob %s)", path,
		 GITREPO_MAX_FILE, git_oid_tostr_s(oid));
}

int gitrepo_pack_limit(struct buf *err, int got, const char *path, const git_oid *oid, size_t size)
{
	if (got == PACK_READER_TOO_LARGE) {
		gitrepo_too_large(err, path, oid);
		return GITREPO_ERROR;
	}
	if (got == PACK_READER_BASE_TOO_LARGE) {
		buf_setf(err,
			 "cannot read '%s' (blob %s): the pack builds it from an object of %zu bytes, "
			 "more than twice the limit of %zu bytes",
			 path, git_oid_tostr_s(oid), size, (size_t)GITREPO_MAX_FILE);
		return GITREPO_ERROR;
	}
	return 0;
}

int gitrepo_check_size(struct gitrepo *repo, const git_oid *oid, const char *path,
		       struct buf *err)
{
	git_odb *odb = NULL;
	git_object_t type;
	size_t size = 0;
	int too_large = 0;

	/* The header gives the size without inflating the whole object. */
	if (git_repository_odb(&odb, repo->git) == 0 &&
	    git_odb_read_header(&size, &type, odb, oid) == 0)
		too_large = size > GITREPO_MAX_FILE;
	git_odb_free(odb);
	git_error_clear();
	if (too_large) {
		gitrepo_too_large(err, path, oid);
		return GITREPO_ERROR;
	}
	return 0;
}

int gitrepo_load_blob(char **data, size_t *len, struct gitrepo *repo,
		      const git_oid *oid, const char *path, struct buf *err)
{
	git_blob *blob = NULL;
	const char *text;
	size_t text_len = 0;
	int got;

	*data = NULL;
	*len = 0;
	/*
	 * The pack reader bounds the whole delta chain, not only the blob, so
	 * it reads first. libgit2 reads what it cannot, such as loose objects.
	 * The reader's cache helps files that share delta bases, and a file
	 * larger than the cache is dropped once copied.
	 */
	if (!repo->packs_opened) {
		repo->packs = gitrepo_pack_reader(repo, GITREPO_PACK_BUDGET);
		repo->packs_opened = 1;
	}
	got = pack_reader_read(repo->packs, oid, &text, &text_len, GITREPO_MAX_FILE);
	if (gitrepo_pack_limit(err, got, path, oid, text_len) < 0)
		return GITREPO_ERROR;
	if (got != 0) {
		if (gitrepo_check_size(repo, oid, path, err) < 0)
			return GITREPO_ERROR;
		if (git_blob_lookup(&blob, repo->git, oid) < 0) {
			buf_setf(err, "cannot read '%s' (blob %s): %s", path,
				 git_oid_tostr_s(oid), gitrepo_reason());
			return GITREPO_ERROR;
		}
		if (git_blob_rawsize(blob) > GITREPO_MAX_FILE) {
			gitrepo_too_large(err, path, oid);
			git_blob_free(blob);
			return GITREPO_ERROR;
		}
		text = git_blob_rawcontent(blob);
		text_len = (size_t)git_blob_rawsize(blob);
	}
	*len = text_len;
	*data = xmalloc(text_len + 1);
	memcpy(*data, text, text_len);
	(*data)[text_len] = '\0';
	git_blob_free(blob);
	pack_reader_trim(repo->packs);
	return 0;
}

/*
 * The maximum number of symbolic links followed from the configuration
 * file. A longer chain is reported together with a loop.
 */
#define GITREPO_MAX_LINKS 8

/* The mode and object of an entry of a tree or of the index. */
struct entry_ref {
	unsigned mode;
	git_oid id;
};

/* Finds the entry at path of a snapshot. Returns 0, or -1 when there is none. */
typedef int (*entry_lookup)(struct entry_ref *out, const void *snapshot, const char *path);

static int tree_lookup(struct entry_ref *out, const void *tree, const char *path)
{
	git_tree_entry *entry = NULL;

	if (git_tree_entry_bypath(&entry, tree, path) < 0) {
		git_error_clear();
		return -1;
	}
	out->mode = git_tree_entry_filemode(entry);
	git_oid_cpy(&out->id, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	return 0;
}

static int index_lookup(struct entry_ref *out, const void *index, const char *path)
{
	const git_index_entry *e = git_index_get_bypath((git_index *)index, path, 0);

	if (!e || (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
		return -1;
	out->mode = e->mode;
	git_oid_cpy(&out->id, &e->id);
	return 0;
}

/*
 * Sets out to the path that the symbolic link at link_path points to,
 * the target (len bytes) taken from the link's directory, with "." and
 * ".." resolved. Returns 0, or -1 when the target is absolute, empty or
 * leaves the top of the repository.
 */
static int resolve_link(struct buf *out, const char *link_path, const char *target, size_t len)
{
	const char *slash = strrchr(link_path, '/');
	const char *p, *end = target + len;

	buf_reset(out);
	if (len == 0 || target[0] == '/' || memchr(target, '\0', len))
		return -1;
	if (slash)
		buf_add(out, link_path, (size_t)(slash - link_path));
	for (p = target; p < end;) {
		const char *next = memchr(p, '/', (size_t)(end - p));
		size_t n = next ? (size_t)(next - p) : (size_t)(end - p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* Drop the last component of out, with its slash. */
			if (out->len == 0)
				return -1;
			while (out->len > 0 && out->ptr[out->len - 1] != '/')
				out->len--;
			if (out->len > 0)
				out->len--;
			out->ptr[out->len] = '\0';
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (out->len)
				buf_addch(out, '/');
			buf_add(out, p, n);
		}
		p = next ? next + 1 : end;
	}
	return out->len ? 0 : -1;
}

/*
 * Sets err to the reason that the configuration file of where (a revision,
 * "(index)", or NULL to leave it out), a symbolic link, cannot be followed.
 */
static int link_unusable(struct buf *err, const char *where, const char *reason)
{
	buf_reset(err);
	if (where) {
		buf_adds_escaped(err, where);
		buf_addch(err, ':');
	}
	buf_addf(err, "%s is a symbolic link ", GITREPO_CONFIG_NAME);
	buf_adds_escaped(err, reason);
	return GITREPO_BAD_CONFIG;
}

/*
 * Finds the blob of the configuration file of a snapshot (where names it
 * in messages), following symbolic links inside the snapshot as a
 * checkout of it would. Sets *found to 0 when there is no such file.
 * Returns 0, GITREPO_BAD_CONFIG with a message in err when a link on the
 * way is absolute, leaves the repository, names no file or is one of more
 * than GITREPO_MAX_LINKS, or GITREPO_ERROR when a link cannot be read.
 */
static int find_config(git_oid *id, int *found, struct gitrepo *repo,
		       entry_lookup lookup, const void *snapshot, const char *where,
		       struct buf *err)
{
	struct buf path = BUF_INIT, next = BUF_INIT, why = BUF_INIT;
	int links, ret = 0;

	*found = 0;
	buf_adds(&path, GITREPO_CONFIG_NAME);
	for (links = 0;; links++) {
		struct entry_ref e;
		struct buf swap;
		char *target;
		size_t len;

		if (lookup(&e, snapshot, path.ptr) < 0) {
			if (links > 0) {
				buf_setf(&why, "to %s, which is not there", path.ptr);
				ret = link_unusable(err, where, why.ptr);
			}
			break;
		}
		if (e.mode == GIT_FILEMODE_BLOB || e.mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
			git_oid_cpy(id, &e.id);
			*found = 1;
			break;
		}
		if (e.mode != GIT_FILEMODE_LINK) {
			if (links > 0) {
				buf_setf(&why, "to %s, which is not a file", path.ptr);
				ret = link_unusable(err, where, why.ptr);
			}
			break;
		}
		if (links == GITREPO_MAX_LINKS) {
			buf_setf(&why, "in a chain of more than %d links, or a loop", GITREPO_MAX_LINKS);
			ret = link_unusable(err, where, why.ptr);
			break;
		}
		ret = gitrepo_load_blob(&target, &len, repo, &e.id, path.ptr, err);
		if (ret < 0)
			break;
		if (resolve_link(&next, path.ptr, target, len) < 0) {
			buf_setf(&why, "to %.*s, outside the repository", (int)len, target);
			ret = link_unusable(err, where, why.ptr);
			free(target);
			break;
		}
		free(target);
		swap = path;
		path = next;
		next = swap;
	}
	buf_release(&path);
	buf_release(&next);
	buf_release(&why);
	return ret;
}

/*
 * Reads the configuration file of a snapshot into text, as find_config()
 * finds it. Sets *found to 1 only when it was read.
 */
static int read_config_of(struct buf *text, int *found, struct gitrepo *repo,
			  entry_lookup lookup, const void *snapshot, const char *where,
			  struct buf *err)
{
	git_oid id;
	char *data;
	size_t len;
	int ret;

	buf_reset(text);
	ret = find_config(&id, found, repo, lookup, snapshot, where, err);
	if (ret < 0 || !*found)
		return ret;
	*found = 0;
	ret = gitrepo_load_blob(&data, &len, repo, &id, GITREPO_CONFIG_NAME, err);
	if (ret < 0)
		return ret;
	buf_add(text, data, len);
	free(data);
	*found = 1;
	return 0;
}

int gitrepo_tree_config(struct buf *text, int *found, struct gitrepo *repo,
			const git_tree *tree, const char *where, struct buf *err)
{
	return read_config_of(text, found, repo, tree_lookup, tree, where, err);
}

int gitrepo_tree_config_id(git_oid *id, int *found, struct gitrepo *repo,
			   const git_tree *tree, const char *where, struct buf *err)
{
	return find_config(id, found, repo, tree_lookup, tree, where, err);
}

/* ---- the index -------------------------------------------------------- */

static int load_index(struct gitrepo *repo, struct buf *err)
{
	/* libgit2 gives a bare repository an empty index, which would read as a registry removed. */
	if (git_repository_is_bare(repo->git)) {
		buf_setf(err, "cannot read the git index: the repository is bare");
		return GITREPO_ERROR;
	}
	if (repo->index)
		return git_index_read(repo->index, 0) < 0 ? GITREPO_ERROR : 0;
	if (git_repository_index(&repo->index, repo->git) < 0) {
		buf_setf(err, "cannot read the git index: %s", gitrepo_reason());
		return GITREPO_ERROR;
	}
	return 0;
}

static int list_index(struct snapshot *out, struct gitrepo *repo,
		      const struct string_list *registry_paths, struct buf *err)
{
	size_t i, j, count;
	int ret;

	ret = load_index(repo, err);
	if (ret < 0)
		return ret;
	count = git_index_entrycount(repo->index);
	for (i = 0; i < registry_paths->nr; i++) {
		char *path = gitrepo_normalize_path(registry_paths->items[i]);
		size_t plen, first = out->nr;
		int matched = 0;

		if (!path) {
			buf_setf(err, "registry path '%s' is outside the repository: "
				 "paths are taken from the repository root",
				 registry_paths->items[i]);
			return GITREPO_ERROR;
		}
		plen = strlen(path);
		for (j = 0; j < count; j++) {
			const git_index_entry *e = git_index_get_byindex(repo->index, j);
			int exact = !strcmp(e->path, path);
			int below = !exact && !strncmp(e->path, path, plen) && e->path[plen] == '/';
			int listed = exact || (below && has_yaml_suffix(e->path) &&
					       !strstr(e->path + plen, "/."));

			/*
			 * An intent-to-add entry (git add -N) has no content staged,
			 * so it counts as absent, as in git diff --cached. A symbolic
			 * link or a submodule is no registry file, as in a commit.
			 */
			if ((!exact && !below) || S_ISLNK(e->mode) ||
			    e->mode == GIT_FILEMODE_COMMIT ||
			    (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
				continue;
			if (GIT_INDEX_ENTRY_STAGE(e) != 0) {
				if (!listed)
					continue;
				buf_setf(err, "%s: unmerged in the index (resolve the conflict, "
					 "then stage the file with 'git add')", e->path);
				free(path);
				return GITREPO_ERROR;
			}
			matched = 1;
			if (listed)
				snapshot_add(out, e->path, &e->id);
		}
		if (!matched)
			snapshot_add_missing(out, path);
		sort_from(out, first);
		free(path);
	}
	return 0;
}

/* ---- the working tree ------------------------------------------------- */

static int list_worktree_dir(struct snapshot *out, const char *workdir,
			     const char *rel, struct buf *err)
{
	struct buf full = BUF_INIT, child = BUF_INIT;
	DIR *dir = NULL;
	struct dirent *d;
	int ret = 0;

	buf_setf(&full, "%s%s", workdir, rel);
	dir = opendir(full.ptr);
	if (!dir) {
		buf_setf(err, "cannot read directory '%s': %s", rel, strerror(errno));
		ret = GITREPO_ERROR;
		goto done;
	}
	while ((d = readdir(dir))) {
		struct stat st;

		if (d->d_name[0] == '.')
			continue;
		buf_setf(&child, "%s/%s", rel, d->d_name);
		buf_setf(&full, "%s%s", workdir, child.ptr);
		/* A symbolic link is skipped, as the commit and index readers skip it. */
		if (lstat(full.ptr, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			ret = list_worktree_dir(out, workdir, child.ptr, err);
			if (ret < 0)
				goto done;
		} else if (S_ISREG(st.st_mode) && has_yaml_suffix(d->d_name)) {
			snapshot_add(out, child.ptr, NULL);
		}
	}
done:
	if (dir)
		closedir(dir);
	buf_release(&full);
	buf_release(&child);
	return ret;
}

static int list_worktree(struct snapshot *out, struct gitrepo *repo,
			 const struct string_list *registry_paths, struct buf *err)
{
	const char *workdir = git_repository_workdir(repo->git);
	struct buf full = BUF_INIT;
	size_t i;
	int ret = 0;

	if (!workdir) {
		buf_setf(err, "cannot read the working tree: the repository is bare");
		return GITREPO_ERROR;
	}
	for (i = 0; i < registry_paths->nr && !ret; i++) {
		char *path = gitrepo_normalize_path(registry_paths->items[i]);
		size_t first = out->nr;
		struct stat st;

		if (!path) {
			buf_setf(err, "registry path '%s' is outside the repository: "
				 "paths are taken from the repository root",
				 registry_paths->items[i]);
			ret = GITREPO_ERROR;
			break;
		}
		/*
		 * A path that is or passes through a symbolic link names nothing,
		 * as in a commit, where a link is not followed.
		 */
		buf_setf(&full, "%s%s", workdir, path);
		if (path_has_link(workdir, path) || stat(full.ptr, &st) < 0)
			snapshot_add_missing(out, path);
		else if (S_ISDIR(st.st_mode))
			ret = list_worktree_dir(out, workdir, path, err);
		else if (S_ISREG(st.st_mode))
			snapshot_add(out, path, NULL);
		else
			snapshot_add_missing(out, path);
		sort_from(out, first);
		free(path);
	}
	buf_release(&full);
	return ret;
}

static int read_worktree_file(char **data, size_t *len, const char *workdir,
			      const char *path, struct buf *err)
{
	struct buf full = BUF_INIT, text = BUF_INIT, why = BUF_INIT;
	int ret = 0;

	buf_init(&text, GITREPO_MAX_FILE);
	buf_setf(&full, "%s%s", workdir, path);
	if (buf_read_file(&text, full.ptr, &why) < 0) {
		buf_setf(err, "cannot read '%s': %s", path, why.ptr);
		ret = GITREPO_ERROR;
		buf_release(&text);
	} else {
		*data = buf_detach(&text, len);
	}
	buf_release(&full);
	buf_release(&why);
	return ret;
}

/* ---- snapshots -------------------------------------------------------- */

static int load_files(struct snapshot *snap, struct gitrepo *repo,
		      enum snapshot_kind kind, struct buf *err)
{
	const char *workdir = git_repository_workdir(repo->git);
	size_t i;
	int ret;

	for (i = 0; i < snap->nr; i++) {
		struct snapshot_file *f = &snap->files[i];

		if (kind == SNAPSHOT_WORKTREE) {
			ret = read_worktree_file(&f->data, &f->len, workdir, f->path, err);
			if (ret < 0)
				return ret;
			if (git_odb_hash(&f->oid, f->data, f->len, GIT_OBJECT_BLOB) < 0) {
				buf_setf(err, "cannot hash '%s': %s", f->path, gitrepo_reason());
				return GITREPO_ERROR;
			}
		} else {
			ret = gitrepo_load_blob(&f->data, &f->len, repo, &f->oid,
						f->path, err);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

static int commit_tree(git_tree **tree, struct gitrepo *repo, const char *rev,
		       struct buf *err)
{
	git_commit *commit = NULL;
	int ret;

	*tree = NULL;
	ret = gitrepo_resolve_commit(&commit, repo, rev ? rev : "HEAD", err);
	if (ret < 0)
		return ret;
	if (git_commit_tree(tree, commit) < 0) {
		revision_failed(err, "cannot read the tree of ", rev ? rev : "HEAD",
				gitrepo_reason());
		ret = GITREPO_ERROR;
	}
	git_commit_free(commit);
	return ret;
}

/*
 * Fails when a registry path that the listing of tree recorded as missing
 * is a symbolic link or a submodule there. A history walk reads such an
 * entry as a file removed, but `check --rev` reports what is there.
 */
static int reject_special_entries(const struct snapshot *snap, const git_tree *tree,
				  const char *rev, struct buf *err)
{
	size_t i;

	for (i = 0; i < snap->nmissing; i++) {
		git_tree_entry *entry = NULL;
		const char *what = NULL;

		if (git_tree_entry_bypath(&entry, tree, snap->missing[i]) == 0) {
			if (git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK)
				what = "a symbolic link";
			else if (git_tree_entry_filemode(entry) == GIT_FILEMODE_COMMIT)
				what = "a submodule";
		}
		git_tree_entry_free(entry);
		if (what) {
			buf_reset(err);
			buf_adds_escaped(err, snap->missing[i]);
			buf_addf(err, ": %s in ", what);
			buf_adds_escaped(err, rev);
			buf_adds(err, ", not a file or a directory");
			return GITREPO_ERROR;
		}
	}
	return 0;
}

int gitrepo_read_snapshot(struct snapshot *out, struct gitrepo *repo,
			  enum snapshot_kind kind, const char *rev,
			  const struct string_list *registry_paths,
			  struct buf *err)
{
	git_tree *tree = NULL;
	int ret;

	switch (kind) {
	case SNAPSHOT_WORKTREE:
		ret = list_worktree(out, repo, registry_paths, err);
		break;
	case SNAPSHOT_INDEX:
		ret = list_index(out, repo, registry_paths, err);
		break;
	default:
		ret = commit_tree(&tree, repo, rev, err);
		if (!ret)
			ret = gitrepo_list_tree(out, repo, tree, registry_paths, err);
		if (!ret)
			ret = reject_special_entries(out, tree, rev ? rev : "HEAD", err);
		break;
	}
	if (!ret)
		ret = load_files(out, repo, kind, err);
	git_tree_free(tree);
	return ret;
}

int gitrepo_read_config(struct buf *text, int *found, struct gitrepo *repo,
			enum snapshot_kind kind, const char *rev,
			struct buf *err)
{
	const char *workdir;
	git_tree *tree = NULL;
	struct stat st;
	int ret = 0;

	*found = 0;
	buf_reset(text);
	switch (kind) {
	case SNAPSHOT_WORKTREE: {
		char *data = NULL;
		size_t len = 0;
		struct buf full = BUF_INIT;

		workdir = git_repository_workdir(repo->git);
		if (!workdir) {
			buf_setf(err, "cannot read the working tree: the repository is bare");
			return GITREPO_ERROR;
		}
		buf_setf(&full, "%s%s", workdir, GITREPO_CONFIG_NAME);
		if (stat(full.ptr, &st) == 0) {
			ret = read_worktree_file(&data, &len, workdir,
						 GITREPO_CONFIG_NAME, err);
			if (!ret) {
				buf_add(text, data, len);
				*found = 1;
			}
			free(data);
		}
		buf_release(&full);
		return ret;
	}
	case SNAPSHOT_INDEX: {
		const git_index_entry *e;

		ret = load_index(repo, err);
		if (ret < 0)
			return ret;
		e = git_index_get_bypath(repo->index, GITREPO_CONFIG_NAME, 0);
		if (!e && (git_index_get_bypath(repo->index, GITREPO_CONFIG_NAME, 1) ||
			   git_index_get_bypath(repo->index, GITREPO_CONFIG_NAME, 2) ||
			   git_index_get_bypath(repo->index, GITREPO_CONFIG_NAME, 3))) {
			buf_setf(err, "%s: unmerged in the index (resolve the conflict, "
				 "then stage the file with 'git add')", GITREPO_CONFIG_NAME);
			return GITREPO_ERROR;
		}
		return read_config_of(text, found, repo, index_lookup, repo->index, "(index)", err);
	}
	default:
		ret = commit_tree(&tree, repo, rev, err);
		if (!ret)
			ret = gitrepo_tree_config(text, found, repo, tree, rev, err);
		git_tree_free(tree);
		return ret;
	}
}

/* ---- commit text ------------------------------------------------------ */

/* Reports whether name is a spelling of UTF-8 (or of its subset, ASCII). */
static int is_utf8_name(const char *name)
{
	return !strcasecmp(name, "UTF-8") || !strcasecmp(name, "UTF8") ||
	       !strcasecmp(name, "US-ASCII") || !strcasecmp(name, "ASCII");
}

/*
 * Appends s to out converted to UTF-8 by cd, or unchanged when cd is
 * (iconv_t)-1 (an encoding iconv does not know) or s does not convert.
 */
static void add_recoded(struct buf *out, const char *s, iconv_t cd)
{
	size_t len = strlen(s), in_left = len, out_left, cap;
	char *in = (char *)s, *converted, *o;

	if (cd == (iconv_t)-1 || !len) {
		buf_adds(out, s);
		return;
	}
	/*
	 * Four bytes of UTF-8 per input byte is enough for a charset of
	 * commit messages. A conversion that needs more fails with E2BIG,
	 * so s is kept as it is.
	 */
	cap = xmul(len, 4);
	converted = xmalloc(cap);
	o = converted;
	out_left = cap;
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1 ||
	    iconv(cd, NULL, NULL, &o, &out_left) == (size_t)-1)
		buf_adds(out, s);
	else
		buf_add(out, converted, cap - out_left);
	free(converted);
}

/*
 * Reports whether c is whitespace to git: a space, tab, newline or
 * carriage return. git's isspace() leaves out the vertical tab and the
 * form feed that the C library's includes.
 */
static int is_git_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Appends the subject of commit message msg as git log's %s shows it:
 * leading blank lines skipped, then the lines of the first paragraph,
 * each without its trailing whitespace, joined by single spaces.
 * libgit2's git_commit_summary() differs: it also squashes runs of
 * whitespace and trims the start of the first line.
 */
static void add_subject(struct buf *out, const char *msg)
{
	const char *line = msg;
	int started = 0;

	while (*line) {
		const char *newline = strchr(line, '\n');
		size_t len = newline ? (size_t)(newline - line) : strlen(line);

		while (len > 0 && is_git_space(line[len - 1]))
			len--;
		if (len == 0 && started)
			break;
		if (len > 0) {
			if (started)
				buf_addch(out, ' ');
			buf_add(out, line, len);
			started = 1;
		}
		if (!newline)
			break;
		line = newline + 1;
	}
}

void gitrepo_commit_text(struct commit_text *t, const git_commit *commit)
{
	const char *encoding = git_commit_message_encoding(commit);
	const git_signature *author = git_commit_author(commit);
	const char *message = git_commit_message(commit);
	struct buf subject = BUF_INIT;
	iconv_t cd = (iconv_t)-1;

	buf_init(&t->name, 0);
	buf_init(&t->email, 0);
	buf_init(&t->subject, 0);
	if (encoding && !is_utf8_name(encoding))
		cd = iconv_open("UTF-8", encoding);
	add_recoded(&t->name, author->name, cd);
	add_recoded(&t->email, author->email, cd);
	add_subject(&subject, message ? message : "");
	add_recoded(&t->subject, subject.ptr ? subject.ptr : "", cd);
	buf_release(&subject);
	if (cd != (iconv_t)-1)
		iconv_close(cd);
}

void gitrepo_commit_text_release(struct commit_text *t)
{
	buf_release(&t->name);
	buf_release(&t->email);
	buf_release(&t->subject);
}
