#include "history.h"

#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#endif

#include "alloc.h"
#include "historycache.h"
#include "historyside.h"
#include "revrange.h"

#define SIDE_CACHE 2

/* The files of a commit, listed by read_ahead() before the commit's turn. */
struct ahead_listing {
	git_oid commit;
	struct snapshot files;
	unsigned window;		/* the number of the window that listed it */
	/*
	 * The commit's first parent, for a commit of the window that has one.
	 * A listing of a first parent alone has none.
	 */
	git_oid parent;
	int has_parent;
};

struct history {
	struct gitrepo *repo;
	const struct ruleset *rules;
	const enum severity *severity;
	const struct string_list *default_registry;
	struct history_cache cache;
	struct side sides[SIDE_CACHE];	/* the sides built last, for linear walks */
	unsigned next_side;
	int changes_only;		/* from the options of the current run */
	int explicit_config;		/* from the options of the current run */
	struct ahead_listing *ahead;	/* of the commits of the last two windows */
	size_t nahead;
	size_t ahead_alloc;
	unsigned window;		/* the number of the window read ahead last */
};

/* Returns the options of the walk that history_compare_sides() uses. */
static struct side_checks side_checks_of(const struct history *h)
{
	struct side_checks c;

	c.rules = h->rules;
	c.severity = h->severity;
	c.changes_only = h->changes_only;
	return c;
}

#ifdef __GLIBC__
/*
 * Grows glibc's heap once and marks it for transparent huge pages. The
 * tens of megabytes a walk keeps then fault in 2 MiB at a time, not 4 KiB:
 * the faults took about a tenth of a walk of the llm-stats history. The
 * trim threshold set in history_open() keeps the freed block in the heap,
 * and pages never touched cost nothing. The block bypasses the counting
 * wrappers of alloc.h because the walk never uses it.
 */
#define HEAP_RESERVE ((size_t)128 * 1024 * 1024)
#define HUGE_PAGE ((uintptr_t)2 * 1024 * 1024)

static void heap_reserve_huge_pages(void)
{
#if defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
	char *p = malloc(HEAP_RESERVE);
	uintptr_t start, end;

	if (!p)
		return;
	start = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	end = ((uintptr_t)p + HEAP_RESERVE) & ~(HUGE_PAGE - 1);
	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
	free(p);
#endif
}
#endif

int history_open(struct history **out, const struct ruleset *rules,
		 const enum severity *severity,
		 const struct string_list *default_registry, struct buf *err)
{
	struct history *h;
	struct gitrepo *repo = NULL;
	int ret;

	*out = NULL;
	ret = gitrepo_open(&repo, err);
	if (ret < 0)
		return ret;
#ifdef __GLIBC__
	/*
	 * libgit2 allocates and frees a buffer the size of the blob for every
	 * delta it applies. Above glibc's mmap threshold each of those is a
	 * fresh mapping whose pages fault in again. Kept on the heap, the
	 * memory is reused across the reads of a walk.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 512 * 1024 * 1024);
	/*
	 * A walk frees many small blocks between allocations of 1 KiB and
	 * more (parser buffers, arena blocks). glibc keeps the small ones
	 * unmerged in its fast bins and merges them all at each such
	 * allocation, which took up to a tenth of a walk of the llm-stats
	 * history when measured, depending on where the blocks lay. Without fast bins a block is merged
	 * when it is freed, at a steady cost.
	 */
	mallopt(M_MXFAST, 0);
	heap_reserve_huge_pages();
#endif
	h = xcalloc(1, sizeof(*h));
	h->repo = repo;
	h->rules = rules;
	h->severity = severity;
	h->default_registry = default_registry;
	history_cache_init(&h->cache, repo, rules, severity);
	*out = h;
	return 0;
}

git_repository *history_git(struct history *h)
{
	return gitrepo_git(h->repo);
}

void history_stats(const struct history *h, size_t *files, size_t *models)
{
	*files = h->cache.parsed_files;
	*models = h->cache.parsed_chunks;
}

void history_set_verbose(struct history *h, int verbose)
{
	h->cache.verbose = verbose;
}

/* Drops the listings of the windows before window, which are reported. */
static void ahead_retire(struct history *h, unsigned window)
{
	size_t i, kept = 0;

	for (i = 0; i < h->nahead; i++) {
		if (h->ahead[i].window < window) {
			snapshot_release(&h->ahead[i].files);
			continue;
		}
		h->ahead[kept++] = h->ahead[i];
	}
	h->nahead = kept;
}

static void side_clear(struct history *h, struct side *s)
{
	size_t i;

	for (i = 0; i < s->nentries; i++)
		history_cache_unpin(&h->cache, s->entries[i]);
	free(s->entries);
	snapshot_release(&s->files);
	free(s->models);
	free(s->origins);
	finding_list_release(&s->findings);
	memset(s, 0, sizeof(*s));
}

void history_free(struct history *h)
{
	size_t i;

	if (!h)
		return;
	for (i = 0; i < SIDE_CACHE; i++)
		side_clear(h, &h->sides[i]);
	history_cache_read_ahead_finish(&h->cache);
	ahead_retire(h, UINT_MAX);
	free(h->ahead);
	history_cache_release(&h->cache);
	gitrepo_free(h->repo);
	free(h);
}

/*
 * Fills err for a revision walk that failed for reason, naming the range
 * walked.
 */
static void walk_failed(const struct history_options *options, int since,
			struct history *h, const char *reason, struct buf *err)
{
	const char *rev = options->rev ? options->rev : "HEAD";

	buf_reset(err);
	buf_adds(err, "cannot walk the history of '");
	buf_adds_escaped(err, rev);
	if (since)
		buf_adds(err, "..HEAD");
	buf_adds(err, "': ");
	buf_adds_escaped(err, reason);
	gitrepo_add_missing_hint(h->repo, err);
}

/* ---- building a side -------------------------------------------------- */

/*
 * Returns the registry paths of commit, whose tree is tree: those of the
 * commit's own configuration file, or the default when it has none that
 * can be used or when --config names the configuration of every commit.
 */
static int registry_paths(const struct string_list **out, struct history *h,
			  const git_tree *tree, const git_commit *commit,
			  struct buf *err)
{
	if (h->explicit_config) {
		*out = h->default_registry;
		return 0;
	}
	return history_cache_registry_paths(out, &h->cache, tree, git_commit_id(commit),
					    h->default_registry, err);
}

/* Copies the paths and blob ids of src into dst. */
static void copy_files(struct snapshot *dst, const struct snapshot *src)
{
	size_t i;

	dst->files = xcalloc(src->nr + 1, sizeof(*dst->files));
	dst->alloc = src->nr + 1;
	for (i = 0; i < src->nr; i++) {
		dst->files[i].path = xstrdup(src->files[i].path);
		git_oid_cpy(&dst->files[i].oid, &src->files[i].oid);
	}
	dst->nr = src->nr;
}

/* Returns the files of commit that read_ahead() listed, or NULL. */
static const struct snapshot *find_ahead(const struct history *h, const git_oid *commit)
{
	size_t i;

	for (i = h->nahead; i-- > 0;)
		if (git_oid_equal(&h->ahead[i].commit, commit))
			return &h->ahead[i].files;
	return NULL;
}

/* Lists the registry files of a commit. */
static int list_commit(struct snapshot *out, struct history *h,
		       const git_commit *commit, struct buf *err)
{
	git_tree *tree = NULL;
	const struct string_list *paths;
	const struct snapshot *listed = find_ahead(h, git_commit_id(commit));
	int ret;

	if (listed) {
		copy_files(out, listed);
		return 0;
	}
	if (git_commit_tree(&tree, commit) < 0) {
		buf_setf(err, "cannot read the tree of commit %s: %s",
			 git_oid_tostr_s(git_commit_id(commit)), gitrepo_reason());
		return GITREPO_ERROR;
	}
	ret = registry_paths(&paths, h, tree, commit, err);
	if (!ret)
		ret = gitrepo_list_tree(out, h->repo, tree, paths, err);
	git_tree_free(tree);
	return ret;
}

/*
 * Returns the object id at path in tree in *oid, or sets *found to 0 when
 * tree has no such path, or to -1 when a tree on the way cannot be read.
 */
static void tree_entry_id(git_oid *oid, int *found, const git_tree *tree, const char *path)
{
	git_tree_entry *entry = NULL;
	char *normal = gitrepo_normalize_path(path);
	int lookup = normal ? git_tree_entry_bypath(&entry, tree, normal) : GIT_ENOTFOUND;

	if (lookup == 0)
		*found = 1;
	else if (lookup == GIT_ENOTFOUND)
		*found = 0;
	else
		*found = -1;
	if (*found > 0)
		git_oid_cpy(oid, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	free(normal);
}

/*
 * Sets *same when a and b name the same registry paths and every one of
 * them is the same object (blob or tree) in both. This cheap test lets a
 * commit that does not touch the registry be skipped unread.
 */
static int same_registry(int *same, struct history *h, const git_commit *a,
			 const git_commit *b, struct buf *err)
{
	git_tree *ta = NULL, *tb = NULL;
	const struct string_list *pa, *pb;
	size_t i;
	int ret;

	*same = 0;
	if (git_commit_tree(&ta, a) < 0 || git_commit_tree(&tb, b) < 0) {
		buf_setf(err, "cannot read the tree of commit %s: %s",
			 git_oid_tostr_s(git_commit_id(ta ? b : a)), gitrepo_reason());
		ret = GITREPO_ERROR;
		goto done;
	}
	ret = registry_paths(&pa, h, ta, a, err);
	if (!ret)
		ret = registry_paths(&pb, h, tb, b, err);
	if (ret < 0 || pa->nr != pb->nr)
		goto done;
	for (i = 0; i < pa->nr; i++) {
		git_oid x, y;
		int fx, fy;

		if (strcmp(pa->items[i], pb->items[i]))
			goto done;
		tree_entry_id(&x, &fx, ta, pa->items[i]);
		tree_entry_id(&y, &fy, tb, pb->items[i]);
		/* A tree that cannot be read is left to the listing to report. */
		if (fx != fy || fx < 0 || (fx && !git_oid_equal(&x, &y)))
			goto done;
	}
	*same = 1;
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return ret;
}

static int same_files(const struct snapshot *a, const struct snapshot *b)
{
	size_t i;

	if (a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++) {
		if (strcmp(a->files[i].path, b->files[i].path) ||
		    !git_oid_equal(&a->files[i].oid, &b->files[i].oid))
			return 0;
	}
	return 1;
}

static const struct side *find_side(const struct history *h, const git_oid *commit)
{
	size_t i;

	for (i = 0; i < SIDE_CACHE; i++)
		if (h->sides[i].valid && git_oid_equal(&h->sides[i].commit, commit))
			return &h->sides[i];
	return NULL;
}

/* Returns the entry that s has loaded for path, its own or carried, or NULL. */
static const struct blob_entry *side_loaded_entry(const struct side *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nentries; i++) {
		const struct blob_entry *e = s->entries[i];

		if (!e->broken && !strcmp(e->path, path))
			return e;
	}
	return NULL;
}

/*
 * Finds the last version of path that loaded, walking first parents from
 * commit start (itself included), and returns its entry, pinned, in *out.
 * *out is NULL when a commit on the way has no file at path, or when every
 * version up to the root commit is broken. A commit whose side is cached
 * (usually start itself, the side compared with) ends the walk with what
 * that side shows for path, its own version or the one it carries.
 *
 * NOTE: without a cached side on the way, each call walks back over every
 * commit since the file last loaded. A walk of many branches (no
 * --first-parent) through a file that stays broken for long can spend
 * time there.
 */
static int find_loaded(const struct blob_entry **out, struct history *h,
		       const git_oid *start, const char *path, struct buf *err)
{
	git_commit *commit = NULL, *parent = NULL;
	git_oid last;
	int have_last = 0, ret = 0;

	*out = NULL;
	if (git_commit_lookup(&commit, gitrepo_git(h->repo), start) < 0) {
		buf_setf(err, "cannot read commit %s: %s", git_oid_tostr_s(start), gitrepo_reason());
		gitrepo_add_missing_hint(h->repo, err);
		return GITREPO_ERROR;
	}
	for (;;) {
		const struct side *known = find_side(h, git_commit_id(commit));
		git_tree *tree = NULL;
		git_tree_entry *te = NULL;
		git_oid oid;
		int blob;

		if (known) {
			*out = side_loaded_entry(known, path);
			if (*out)
				history_cache_pin(&h->cache, *out);
			break;
		}
		if (git_commit_tree(&tree, commit) < 0) {
			buf_setf(err, "cannot read the tree of commit %s: %s",
				 git_oid_tostr_s(git_commit_id(commit)), gitrepo_reason());
			ret = GITREPO_ERROR;
			break;
		}
		blob = git_tree_entry_bypath(&te, tree, path) == 0 &&
		       git_tree_entry_type(te) == GIT_OBJECT_BLOB;
		if (blob)
			git_oid_cpy(&oid, git_tree_entry_id(te));
		git_tree_entry_free(te);
		git_tree_free(tree);
		if (!blob)
			break;

		/* The commits that do not touch a broken file have its blob too, which is read once. */
		if (!have_last || !git_oid_equal(&oid, &last)) {
			const struct blob_entry *e;

			ret = history_cache_get(&e, &h->cache, &oid, path, NULL, 0, err);
			if (ret < 0)
				break;
			if (!e->broken) {
				*out = e;
				break;
			}
			history_cache_unpin(&h->cache, e);
			git_oid_cpy(&last, &oid);
			have_last = 1;
		}

		if (!git_commit_parentcount(commit))
			break;
		if (git_commit_parent(&parent, commit, 0) < 0) {
			buf_setf(err, "cannot read the parent of commit %s: %s",
				 git_oid_tostr_s(git_commit_id(commit)), gitrepo_reason());
			gitrepo_add_missing_hint(h->repo, err);
			ret = GITREPO_ERROR;
			break;
		}
		git_commit_free(commit);
		commit = parent;
		parent = NULL;
	}
	git_commit_free(commit);
	return ret;
}

/* Appends entry e, which the caller has pinned, and its models to s. */
static void side_add_entry(struct side *s, const struct blob_entry *e)
{
	size_t j;

	XGROW(s->entries, s->entries_alloc, s->nentries + 1);
	s->entries[s->nentries++] = e;
	for (j = 0; j < e->nmodels; j++) {
		XGROW(s->models, s->alloc, s->nr + 1);
		XGROW(s->origins, s->origins_alloc, s->nr + 1);
		s->origins[s->nr] = e->origins ? e->origins[j] : NULL;
		s->models[s->nr++] = e->models[j];
	}
}

/*
 * Fills s from its files (whose data may be loaded already): models and
 * findings. start is the commit that comes before s (its first parent, or
 * HEAD for the working tree and the index), or NULL when there is none.
 *
 * A file that does not load keeps the models of the last version of its
 * path that did. So a commit that breaks the YAML reports the loader's
 * findings, not every model of the file as removed. The commit that
 * repairs it reports what changed since that version. The search follows
 * first parents only, and a commit on the way without the file ends it,
 * so a file that is new and broken shows no models.
 */
static int side_fill(struct side *s, struct history *h, const git_oid *start,
		     struct buf *err)
{
	size_t i;

	history_cache_prefetch(&h->cache, s->files.files, s->files.nr);
	for (i = 0; i < s->files.nr; i++) {
		struct snapshot_file *f = &s->files.files[i];
		const struct blob_entry *e, *carried;
		int ret;

		ret = history_cache_get(&e, &h->cache, &f->oid, f->path, f->data,
					f->len, err);
		if (ret < 0)
			return ret;
		side_add_entry(s, e);
		free(f->data);
		f->data = NULL;
		if (!e->broken || !start)
			continue;
		ret = find_loaded(&carried, h, start, f->path, err);
		if (ret < 0)
			return ret;
		if (carried)
			side_add_entry(s, carried);
	}
	return 0;
}

/*
 * Returns the slot of the side cache that contains commit, or a cleared one
 * other than protect, so that both sides of a comparison can stay cached.
 */
static struct side *side_slot(struct history *h, const git_oid *commit,
			      const struct side *protect, int *found)
{
	struct side *s;
	size_t i;

	for (i = 0; i < SIDE_CACHE; i++) {
		if (h->sides[i].valid && git_oid_equal(&h->sides[i].commit, commit)) {
			*found = 1;
			return &h->sides[i];
		}
	}
	*found = 0;
	s = &h->sides[h->next_side++ % SIDE_CACHE];
	if (s == protect)
		s = &h->sides[h->next_side++ % SIDE_CACHE];
	side_clear(h, s);
	return s;
}

/* Returns the side of commit, built from files (which it takes over) or found in the cache. */
static int side_of_commit(struct side **out, struct history *h,
			  const git_commit *commit, struct snapshot *files,
			  const struct side *protect, struct buf *err)
{
	struct side *s;
	const git_oid *parent = NULL;
	int found, ret;

	s = side_slot(h, git_commit_id(commit), protect, &found);
	if (found) {
		snapshot_release(files);
		*out = s;
		return 0;
	}
	git_oid_cpy(&s->commit, git_commit_id(commit));
	s->files = *files;
	memset(files, 0, sizeof(*files));
	if (git_commit_parentcount(commit) > 0)
		parent = git_commit_parent_id(commit, 0);
	ret = side_fill(s, h, parent, err);
	if (ret < 0) {
		side_clear(h, s);
		return ret;
	}
	s->valid = 1;
	*out = s;
	return 0;
}


/*
 * Returns the committer's time shifted to the committer's time zone. git
 * stores the seconds as written, and a commit that git fsck accepts can
 * claim a time near the largest 64-bit value, so a sum past it stays at
 * that value: no score is dated after such a commit. libgit2 rejects a
 * negative time, so the sum cannot fall below the range.
 */
static long long commit_local_time(const git_commit *commit)
{
	long long t = (long long)git_commit_time(commit);
	long long shift = (long long)git_commit_time_offset(commit) * 60;

	if (shift > 0 && t > LLONG_MAX - shift)
		return LLONG_MAX;
	return t + shift;
}

/* ---- walking ---------------------------------------------------------- */

/* Reports one commit against its first parent, unless its registry files are the parent's. */
static int run_commit(struct history *h, const git_commit *commit,
		      history_fn fn, void *data, struct buf *err)
{
	git_commit *parent = NULL;
	struct snapshot new_files = SNAPSHOT_INIT, old_files = SNAPSHOT_INIT;
	struct side *old = NULL, *new = NULL;
	struct history_step step;
	struct side_checks checks = side_checks_of(h);
	struct finding_list owned = FINDING_LIST_INIT;
	int ret;

	memset(&step, 0, sizeof(step));
	if (git_commit_parentcount(commit) > 0 &&
	    git_commit_parent(&parent, commit, 0) < 0) {
		buf_setf(err, "cannot read the parent of commit %s: %s",
			 git_oid_tostr_s(git_commit_id(commit)), gitrepo_reason());
		gitrepo_add_missing_hint(h->repo, err);
		return GITREPO_ERROR;
	}

	if (parent) {
		int same;

		ret = same_registry(&same, h, parent, commit, err);
		if (ret < 0 || same)
			goto done;
	}

	/* The parent is usually the commit reported last, whose listing is cached. */
	ret = list_commit(&new_files, h, commit, err);
	if (!ret && parent) {
		const struct side *cached = find_side(h, git_commit_id(parent));

		if (cached)
			copy_files(&old_files, &cached->files);
		else
			ret = list_commit(&old_files, h, parent, err);
	}
	if (ret < 0)
		goto done;
	if (same_files(&old_files, &new_files))
		goto done;

	if (parent) {
		ret = side_of_commit(&old, h, parent, &old_files, NULL, err);
		if (ret < 0)
			goto done;
	}
	ret = side_of_commit(&new, h, commit, &new_files, old, err);
	if (ret < 0)
		goto done;

	step.commit = commit;
	step.id = git_commit_id(commit);
	step.parent = parent ? git_commit_id(parent) : NULL;
	step.ncommits = 1;
	history_compare_sides(&step, &owned, &checks, old, new, commit_local_time(commit));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);

done:
	history_step_release(&step, &owned);
	snapshot_release(&new_files);
	snapshot_release(&old_files);
	git_commit_free(parent);
	return ret;
}

/* ---- reading ahead ---------------------------------------------------- */

/*
 * history_run() takes the commits of a walk in windows of AHEAD_COMMITS.
 * read_ahead() lists the registry files of a window's commits and reads
 * every new version of them, while the other threads parse the window
 * before. history_cache_read_ahead_start() then helps that parse to its
 * end on this thread, and starts parsing the new versions read, which
 * goes on while the window before is reported. One commit alone seldom
 * brings enough new files to share out, and a window keeps the threads
 * busy while this one lists, compares and prints.
 *
 * A window lists at most AHEAD_FILES files, which bounds its memory. A
 * registry of fewer than AHEAD_MIN_FILES files is left to the walk: its
 * new versions are mostly the models of the last one, which the chunk
 * table has already, and reading them twice would cost more than it
 * saves.
 */
#define AHEAD_COMMITS 32
#define AHEAD_FILES 65536
#define AHEAD_MIN_FILES 4

static int compare_path_to_file(const void *path, const void *file)
{
	return strcmp(path, ((const struct snapshot_file *)file)->path);
}

/*
 * Reports whether snapshot s has a file at path. A snapshot is sorted by
 * path within each registry path, so one of several registry paths may
 * hide a file: the read-ahead then takes a new version for a first one.
 */
static int snapshot_has_path(const struct snapshot *s, const char *path)
{
	return s && s->nr &&
	       bsearch(path, s->files, s->nr, sizeof(*s->files), compare_path_to_file);
}

/* The files to read ahead, and per file whether it is a new version of a file. */
struct ahead_files {
	struct snapshot_file *files;
	size_t nr;
	size_t alloc;
	unsigned char *changed;
	size_t changed_alloc;
};

/*
 * Adds file f of a listing to the files to read ahead. changed is set when
 * the commit's first parent has another version of it.
 */
static void ahead_take(struct ahead_files *take, const struct snapshot_file *f, int changed)
{
	XGROW(take->files, take->alloc, take->nr + 1);
	XGROW(take->changed, take->changed_alloc, take->nr + 1);
	memset(&take->files[take->nr], 0, sizeof(*take->files));
	take->files[take->nr].path = f->path;
	git_oid_cpy(&take->files[take->nr].oid, &f->oid);
	take->changed[take->nr] = (unsigned char)changed;
	take->nr++;
}

/*
 * Lists the files of commit for the window unless they are listed already.
 * parent is the first parent of a commit of the window, NULL for a commit
 * listed as a first parent alone.
 */
static int ahead_list(struct history *h, const git_commit *commit, const git_oid *parent,
		      size_t *nfiles, struct buf *err)
{
	struct ahead_listing *l;

	if (find_ahead(h, git_commit_id(commit)))
		return 0;
	XGROW(h->ahead, h->ahead_alloc, h->nahead + 1);
	l = &h->ahead[h->nahead];
	memset(l, 0, sizeof(*l));
	if (list_commit(&l->files, h, commit, err) < 0) {
		snapshot_release(&l->files);
		return -1;
	}
	git_oid_cpy(&l->commit, git_commit_id(commit));
	l->window = h->window;
	if (parent) {
		git_oid_cpy(&l->parent, parent);
		l->has_parent = 1;
	}
	h->nahead++;
	*nfiles += l->files.nr;
	return 0;
}

/*
 * Lists the files of the commits ids (and of their first parents) that
 * touch the registry, and reads the new versions for the threads to parse.
 * Nothing here is an error: a commit that cannot be read ends the window's
 * reading, and run_commit() reads it again and reports the problem.
 */
static void read_ahead(struct history *h, const git_oid *ids, size_t n)
{
	struct buf err = BUF_INIT;
	struct ahead_files take;
	size_t i, k, nlisted = 0;

	if (h->cache.threads < 2 || !n)
		return;
	h->window++;
	h->cache.reading_ahead = 1;
	for (i = 0; i < n && nlisted < AHEAD_FILES; i++) {
		git_commit *commit = NULL, *parent = NULL;
		int same = 0, ret = 0;

		if (git_commit_lookup(&commit, gitrepo_git(h->repo), &ids[i]) < 0)
			break;
		if (git_commit_parentcount(commit) > 0 &&
		    git_commit_parent(&parent, commit, 0) < 0)
			ret = -1;
		if (!ret && parent)
			ret = same_registry(&same, h, parent, commit, &err);
		if (!ret && !same) {
			ret = ahead_list(h, commit, parent ? git_commit_id(parent) : NULL,
					 &nlisted, &err);
			if (!ret && parent)
				ret = ahead_list(h, parent, NULL, &nlisted, &err);
		}
		git_commit_free(parent);
		git_commit_free(commit);
		if (ret < 0)
			break;
	}
	h->cache.reading_ahead = 0;

	memset(&take, 0, sizeof(take));
	for (i = 0; i < h->nahead; i++) {
		const struct ahead_listing *l = &h->ahead[i];
		const struct snapshot *s = &l->files, *parent = NULL;

		if (l->window != h->window || s->nr < AHEAD_MIN_FILES)
			continue;
		/*
		 * A first parent listed alone starts the range, so all of it is
		 * read, with no version before.
		 */
		if (l->has_parent)
			parent = find_ahead(h, &l->parent);
		for (k = 0; k < s->nr; k++) {
			const struct snapshot_file *f = &s->files[k];

			if (history_cache_has_blob(&h->cache, &f->oid))
				continue;
			ahead_take(&take, f, snapshot_has_path(parent, f->path));
		}
	}
	history_cache_read_ahead_read(&h->cache, take.files, take.changed, take.nr);
	free(take.files);
	free(take.changed);
	buf_release(&err);
}

/* Reports the commits ids, oldest first. */
static int run_window(struct history *h, const git_oid *ids, size_t n, history_fn fn,
		      void *data, struct buf *err)
{
	git_commit *commit = NULL;
	size_t i;
	int ret = 0;

	for (i = 0; i < n && ret >= 0; i++) {
		if (git_commit_lookup(&commit, gitrepo_git(h->repo), &ids[i]) < 0) {
			buf_setf(err, "cannot read commit %s: %s", git_oid_tostr_s(&ids[i]),
				 gitrepo_reason());
			return GITREPO_ERROR;
		}
		ret = run_commit(h, commit, fn, data, err);
		git_commit_free(commit);
	}
	return ret;
}

/* The commits a walk starts from and stops at. */
struct walk_ends {
	git_commit *from;	/* hidden with its ancestors; NULL for none */
	git_commit *to;		/* the tip */
	int hide_parents;	/* every parent of to is hidden ("<rev>^!") */
	int since;		/* the argument named from alone, and to is HEAD */
};

static void walk_ends_release(struct walk_ends *ends)
{
	git_commit_free(ends->from);
	git_commit_free(ends->to);
}

/* Resolves rev to a commit, HEAD when rev is NULL. */
static int resolve(git_commit **out, struct history *h, const char *rev,
		   struct buf *err)
{
	return gitrepo_resolve_commit(out, h->repo, rev ? rev : "HEAD", err);
}

/* Parses options->rev into spec: for --root, one revision and no range. */
static int parse_rev(struct revrange *spec, const struct history_options *options,
		     struct buf *err)
{
	if (revrange_parse(spec, options->rev, err) < 0)
		return GITREPO_BAD_SPEC;
	if (options->root && spec->kind != REVRANGE_SINCE) {
		buf_reset(err);
		buf_adds(err, "--root takes one revision, not the range ");
		revrange_add_quoted(err, options->rev);
		return GITREPO_BAD_SPEC;
	}
	return 0;
}

int history_models_at(struct model *const **models, size_t *n, struct history *h,
		      const char *rev, struct buf *err)
{
	git_commit *commit = NULL;
	struct snapshot files;
	struct side *s;
	int ret;

	*models = NULL;
	*n = 0;
	memset(&files, 0, sizeof(files));
	ret = resolve(&commit, h, rev, err);
	if (!ret)
		ret = list_commit(&files, h, commit, err);
	if (!ret)
		ret = side_of_commit(&s, h, commit, &files, NULL, err);
	if (!ret) {
		*models = s->models;
		*n = s->nr;
	}
	snapshot_release(&files);
	git_commit_free(commit);
	return ret;
}

int history_check_rev(const struct history_options *options, struct buf *err)
{
	struct revrange spec = REVRANGE_INIT;
	int ret = 0;

	if (options->rev)
		ret = parse_rev(&spec, options, err);
	revrange_release(&spec);
	return ret;
}

/* Replaces ends->from with the merge base of from and to, for "<a>...<b>". */
static int start_at_merge_base(struct walk_ends *ends, struct history *h,
			       const char *rev, struct buf *err)
{
	git_oid base;

	if (git_merge_base(&base, gitrepo_git(h->repo), git_commit_id(ends->from),
			   git_commit_id(ends->to)) < 0) {
		buf_reset(err);
		buf_adds(err, "no merge base of ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": %s", gitrepo_reason());
		return GITREPO_ERROR;
	}
	git_commit_free(ends->from);
	ends->from = NULL;
	if (git_commit_lookup(&ends->from, gitrepo_git(h->repo), &base) < 0) {
		buf_reset(err);
		buf_adds(err, "cannot read the merge base of ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": %s", gitrepo_reason());
		return GITREPO_ERROR;
	}
	return 0;
}

/* Sets ends->from to parent n (from 1) of ends->to, for "<rev>^-<n>". */
static int start_at_parent(struct walk_ends *ends, const char *rev, unsigned long n,
			   struct buf *err)
{
	if (n > git_commit_parentcount(ends->to)) {
		buf_reset(err);
		buf_adds(err, "unknown revision ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": the commit has %u parent%s, not %lu",
			 git_commit_parentcount(ends->to),
			 git_commit_parentcount(ends->to) == 1 ? "" : "s", n);
		return GITREPO_ERROR;
	}
	if (git_commit_parent(&ends->from, ends->to, (unsigned int)(n - 1)) < 0) {
		buf_reset(err);
		buf_adds(err, "cannot read a parent of ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": %s", gitrepo_reason());
		return GITREPO_ERROR;
	}
	return 0;
}

/*
 * Resolves the revision argument (see struct revrange for its forms) into
 * the ends of the walk. Each end is named in messages as it was typed.
 */
static int resolve_range(struct walk_ends *ends, struct history *h,
			 const struct history_options *options, struct buf *err)
{
	struct revrange spec = REVRANGE_INIT;
	int ret;

	memset(ends, 0, sizeof(*ends));
	if (!options->rev)
		return resolve(&ends->to, h, NULL, err);
	ret = parse_rev(&spec, options, err);
	if (ret < 0)
		goto done;
	if (options->root) {
		ret = resolve(&ends->to, h, spec.from, err);
		goto done;
	}

	ends->since = spec.kind == REVRANGE_SINCE;
	if (spec.kind == REVRANGE_SINCE || spec.kind == REVRANGE_TWO_DOT ||
	    spec.kind == REVRANGE_THREE_DOT) {
		ret = resolve(&ends->from, h, spec.from, err);
		if (!ret)
			ret = resolve(&ends->to, h, spec.to, err);
		if (!ret && spec.kind == REVRANGE_THREE_DOT)
			ret = start_at_merge_base(ends, h, options->rev, err);
		goto done;
	}

	ret = resolve(&ends->to, h, spec.to, err);
	if (ret < 0)
		goto done;
	if (spec.kind == REVRANGE_PARENT) {
		ret = start_at_parent(ends, options->rev, spec.parent, err);
	} else if (git_commit_parentcount(ends->to)) {
		/* "<rev>^!": --net compares rev with its first parent, as for a merge. */
		ret = start_at_parent(ends, options->rev, 1, err);
		ends->hide_parents = 1;
	}

done:
	revrange_release(&spec);
	return ret;
}

static int walk_new(git_revwalk **walk, struct history *h,
		    const struct walk_ends *ends, int first_parent, struct buf *err)
{
	unsigned int i, nparents = git_commit_parentcount(ends->to);

	*walk = NULL;
	if (git_revwalk_new(walk, gitrepo_git(h->repo)) < 0 ||
	    git_revwalk_sorting(*walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
					GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(*walk, git_commit_id(ends->to)) < 0 ||
	    (ends->from && git_revwalk_hide(*walk, git_commit_id(ends->from)) < 0) ||
	    (first_parent && git_revwalk_simplify_first_parent(*walk) < 0))
		goto failed;
	for (i = 0; ends->hide_parents && i < nparents; i++) {
		if (git_revwalk_hide(*walk, git_commit_parent_id(ends->to, i)) < 0)
			goto failed;
	}
	return 0;

failed:
	buf_setf(err, "cannot walk the history: %s", gitrepo_reason());
	git_revwalk_free(*walk);
	*walk = NULL;
	return GITREPO_ERROR;
}

/* Reports the whole range as one step: from (or the empty registry) against to. */
static int run_net(struct history *h, const git_commit *from, const git_commit *to,
		   size_t ncommits, history_fn fn, void *data, struct buf *err)
{
	struct snapshot new_files = SNAPSHOT_INIT, old_files = SNAPSHOT_INIT;
	struct side *old = NULL, *new = NULL;
	struct history_step step;
	struct side_checks checks = side_checks_of(h);
	struct finding_list owned = FINDING_LIST_INIT;
	int ret;

	memset(&step, 0, sizeof(step));
	ret = list_commit(&new_files, h, to, err);
	if (!ret && from)
		ret = list_commit(&old_files, h, from, err);
	if (ret < 0 || same_files(&old_files, &new_files))
		goto done;
	if (from) {
		ret = side_of_commit(&old, h, from, &old_files, NULL, err);
		if (ret < 0)
			goto done;
	}
	ret = side_of_commit(&new, h, to, &new_files, old, err);
	if (ret < 0)
		goto done;
	step.commit = to;
	step.id = git_commit_id(to);
	step.parent = from ? git_commit_id(from) : NULL;
	step.ncommits = ncommits;
	history_compare_sides(&step, &owned, &checks, old, new, commit_local_time(to));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	history_step_release(&step, &owned);
	snapshot_release(&new_files);
	snapshot_release(&old_files);
	return ret;
}

/*
 * Sets *paths to the registry paths that the configuration file of the
 * working tree or the index names, parsed into cfg, or leaves it when
 * there is none. An invalid one is an error, as for `check`, and one that
 * names no registry gives data/models.yaml.
 */
static int snapshot_registry_paths(const struct string_list **paths, struct config *cfg,
				   struct history *h, enum snapshot_kind kind,
				   struct buf *err)
{
	struct buf text = BUF_INIT;
	int found = 0, ret;

	ret = gitrepo_read_config(&text, &found, h->repo, kind, NULL, err);
	if (ret == GITREPO_BAD_CONFIG)
		ret = HISTORY_INVALID_CONFIG;
	if (ret < 0 || !found)
		goto done;
	if (config_parse(cfg, kind == SNAPSHOT_INDEX ? "(index):" GITREPO_CONFIG_NAME :
			 GITREPO_CONFIG_NAME, text.ptr, text.len, err) < 0) {
		ret = HISTORY_INVALID_CONFIG;
		goto done;
	}
	if (!cfg->registry.nr)
		string_list_append(&cfg->registry, "data/models.yaml");
	if (gitrepo_check_registry_paths(&cfg->registry, cfg->path, err) < 0) {
		ret = HISTORY_INVALID_CONFIG;
		goto done;
	}
	*paths = &cfg->registry;
done:
	buf_release(&text);
	return ret;
}

/* Compares the working tree or the index with HEAD. */
static int run_snapshot(struct history *h, int staged, history_fn fn, void *data,
			struct history_range *range, struct buf *err)
{
	enum snapshot_kind kind = staged ? SNAPSHOT_INDEX : SNAPSHOT_WORKTREE;
	git_commit *head = NULL;
	struct snapshot old_files = SNAPSHOT_INIT;
	struct side new, *old = NULL;
	const struct string_list *paths = h->default_registry;
	struct config cfg;
	struct history_step step;
	struct side_checks checks = side_checks_of(h);
	struct finding_list owned = FINDING_LIST_INIT;
	int ret;

	memset(&new, 0, sizeof(new));
	memset(&step, 0, sizeof(step));
	config_init(&cfg);
	ret = resolve(&head, h, "HEAD", err);
	if (ret < 0)
		goto done;
	if (range) {
		git_oid_cpy(&range->from, git_commit_id(head));
		range->has_from = 1;
	}
	if (!h->explicit_config) {
		ret = snapshot_registry_paths(&paths, &cfg, h, kind, err);
		if (ret < 0)
			goto done;
	}
	ret = gitrepo_read_snapshot(&new.files, h->repo, kind, NULL, paths, err);
	if (ret < 0)
		goto done;
	ret = list_commit(&old_files, h, head, err);
	if (ret < 0 || same_files(&old_files, &new.files))
		goto done;
	ret = side_of_commit(&old, h, head, &old_files, NULL, err);
	if (ret < 0)
		goto done;
	ret = side_fill(&new, h, git_commit_id(head), err);
	if (ret < 0)
		goto done;

	step.label = staged ? "index" : "working tree";
	step.parent = git_commit_id(head);
	history_compare_sides(&step, &owned, &checks, old, &new, NO_COMMIT_TIME);
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	history_step_release(&step, &owned);
	side_clear(h, &new);
	snapshot_release(&old_files);
	config_release(&cfg);
	git_commit_free(head);
	return ret;
}

int history_run(struct history *h, const struct history_options *options,
		history_fn fn, void *data, struct history_range *range,
		struct buf *err)
{
	struct walk_ends ends = { NULL, NULL, 0, 0 };
	git_revwalk *walk = NULL;
	struct buf walk_error = BUF_INIT;
	git_oid id, windows[2][AHEAD_COMMITS];
	size_t ncommits = 0, nwindow[2] = { 0, 0 };
	int ret, walk_ended = 0, walk_broken = 0, cur = 0;

	if (range)
		memset(range, 0, sizeof(*range));
	h->changes_only = options->changes_only;
	h->explicit_config = options->explicit_config;
	if (!options->rev && !options->root)
		return run_snapshot(h, options->staged, fn, data, range, err);

	ret = resolve_range(&ends, h, options, err);
	if (ret < 0)
		goto done;
	if (range) {
		if (ends.from)
			git_oid_cpy(&range->from, git_commit_id(ends.from));
		git_oid_cpy(&range->to, git_commit_id(ends.to));
		range->has_from = ends.from != NULL;
		range->has_to = 1;
	}

	ret = walk_new(&walk, h, &ends, options->first_parent, err);
	if (ret < 0)
		goto done;
	while (!walk_ended) {
		int next = git_revwalk_next(&id, walk);

		/* Only GIT_ITEROVER ends the walk, and any other negative return is an error. */
		if (next == GIT_ITEROVER) {
			walk_ended = 1;
		} else if (next < 0) {
			/*
			 * The commits read before are reported first, and the
			 * libgit2 calls for them would replace its error.
			 */
			buf_adds(&walk_error, gitrepo_reason());
			walk_ended = walk_broken = 1;
		} else {
			ncommits++;
			if (!options->net)
				windows[cur][nwindow[cur]++] = id;
		}
		if (nwindow[cur] < AHEAD_COMMITS && !walk_ended)
			continue;

		/*
		 * This window is read while the threads parse the one before,
		 * and parses while the one before is reported. The commits
		 * read before a broken walk are reported before its error.
		 */
		read_ahead(h, windows[cur], nwindow[cur]);
		history_cache_read_ahead_start(&h->cache);
		if (nwindow[!cur]) {
			ret = run_window(h, windows[!cur], nwindow[!cur], fn, data, err);
			nwindow[!cur] = 0;
			ahead_retire(h, h->window);
		}
		if (ret < 0)
			goto done;
		cur = !cur;
	}
	history_cache_read_ahead_finish(&h->cache);
	if (nwindow[!cur]) {
		ret = run_window(h, windows[!cur], nwindow[!cur], fn, data, err);
		ahead_retire(h, UINT_MAX);
		if (ret < 0)
			goto done;
	}
	if (walk_broken) {
		walk_failed(options, ends.since, h, walk_error.ptr, err);
		ret = GITREPO_ERROR;
		goto done;
	}
	if (options->net && ncommits)
		ret = run_net(h, ends.from, ends.to, ncommits, fn, data, err);

done:
	git_revwalk_free(walk);
	walk_ends_release(&ends);
	buf_release(&walk_error);
	return ret;
}
