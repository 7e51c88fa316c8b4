#include "history.h"

#include <stdint.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#endif

#include "alloc.h"
#include "checks.h"
#include "historycache.h"
#include "revrange.h"
#include "textutil.h"
#include "values.h"

/*
 * One side of a comparison: the registry of one commit (or snapshot), its
 * files and the findings of auditing it, severities applied. The findings
 * of each file stay in its cache entry; the side keeps the cross-model ones.
 *
 * A file that does not load (a broken entry) is followed in entries by
 * the entry of the last version of its path that loaded, whose models the
 * side shows in its place (see side_fill()).
 */
struct side {
	git_oid commit;
	int valid;
	struct snapshot files;		/* paths and blob ids; data not kept */
	const struct blob_entry **entries;	/* pinned in the cache */
	size_t nentries;
	size_t entries_alloc;
	struct model **models;		/* borrowed from the entries */
	const void **origins;		/* per model: the chunk it was built from, or NULL */
	size_t nr;
	size_t alloc;
	size_t origins_alloc;
	struct finding_list findings;	/* of checks_registry(), once checked is set */
	int checked;
};

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

static const char *git_reason(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown libgit2 error";
}

/* Fills err for a revision walk that failed, naming the range walked. */
static void walk_failed(const struct history_options *options, int since,
			struct history *h, struct buf *err)
{
	const char *rev = options->rev ? options->rev : "HEAD";
	const char *reason = git_reason();

	buf_reset(err);
	buf_adds(err, "cannot walk the history of '");
	buf_adds_escaped(err, rev);
	if (since)
		buf_adds(err, "..HEAD");
	buf_adds(err, "': ");
	buf_adds_escaped(err, reason);
	gitrepo_add_shallow_hint(h->repo, err);
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
			 git_oid_tostr_s(git_commit_id(commit)), git_reason());
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
			 git_oid_tostr_s(git_commit_id(ta ? b : a)), git_reason());
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

/* Drops the findings of list that an inline suppression of a file of a or b covers. */
static void drop_suppressed(struct finding_list *list, const struct side *a,
			    const struct side *b)
{
	const struct side *sides[2];
	size_t i, j, k, kept = 0;

	sides[0] = a;
	sides[1] = b;
	for (i = 0; i < list->nr; i++) {
		struct finding *f = &list->items[i];
		int covered = 0;

		for (k = 0; k < 2 && !covered; k++)
			for (j = 0; sides[k] && j < sides[k]->nentries && !covered; j++)
				covered = history_cache_suppressed(sides[k]->entries[j], f);
		if (covered) {
			finding_clear(f);
			continue;
		}
		list->items[kept++] = *f;
	}
	list->nr = kept;
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
		buf_setf(err, "cannot read commit %s: %s", git_oid_tostr_s(start), git_reason());
		gitrepo_add_shallow_hint(h->repo, err);
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
				 git_oid_tostr_s(git_commit_id(commit)), git_reason());
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
				 git_oid_tostr_s(git_commit_id(commit)), git_reason());
			gitrepo_add_shallow_hint(h->repo, err);
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
 * Returns the cross-model findings of the whole side, running the checks
 * on first use: a comparison with a side that shares most models needs
 * only those of the models that changed (see compare_checks()).
 */
static const struct finding_list *side_findings(struct history *h, struct side *s)
{
	struct registry reg = REGISTRY_INIT;

	if (s->checked)
		return &s->findings;
	reg.models = s->models;
	reg.nr = s->nr;
	reg.nfiles = s->files.nr;
	checks_registry(&reg, h->rules, &s->findings);
	finding_list_finish(&s->findings, h->severity);
	drop_suppressed(&s->findings, s, NULL);
	s->checked = 1;
	return &s->findings;
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

/* ---- comparing two sides ---------------------------------------------- */

/* Fingerprints of finished findings have this many hex digits, so memcmp() orders them as strcmp(). */
#define FINGERPRINT_LEN 32

static int compare_fingerprints(const void *x, const void *y)
{
	const struct finding *const *a = x, *const *b = y;

	return memcmp((*a)->fingerprint, (*b)->fingerprint, FINGERPRINT_LEN);
}

/*
 * Returns the slot of key in an open-addressing table of pointers (mask + 1
 * slots, a power of two): its own, or the empty one where it would go.
 */
static size_t pointer_slot(const void *const *keys, size_t mask, const void *key)
{
	size_t i = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull & mask;

	while (keys[i] && keys[i] != key)
		i = (i + 1) & mask;
	return i;
}

/* Returns the mask of a table for count pointers, at most half full. */
static size_t pointer_mask(size_t count)
{
	size_t size = 16;

	while (size < count * 2)
		size *= 2;
	return size - 1;
}

struct finding_refs {
	const struct finding **items;
	/*
	 * Per item, its score_key(), once refs_fill_keys() has filled them:
	 * the matches below compare keys before they compare text.
	 */
	uint64_t *keys;
	size_t nr;
	size_t alloc;
};

static void refs_add_range(struct finding_refs *refs, const struct finding_list *list,
			   size_t first, size_t count)
{
	size_t i;

	XGROW(refs->items, refs->alloc, refs->nr + count);
	for (i = first; i < first + count; i++)
		refs->items[refs->nr++] = &list->items[i];
}

static void refs_add_list(struct finding_refs *refs, const struct finding_list *list)
{
	refs_add_range(refs, list, 0, list->nr);
}

/* Adds the findings of a cache entry, model by model. */
static void refs_add_entry(struct finding_refs *refs, const struct blob_entry *e)
{
	size_t i;

	if (!e->parts) {
		refs_add_list(refs, &e->findings);
		return;
	}
	for (i = 0; i < e->nmodels; i++) {
		const struct finding_part *part = &e->parts[i];

		refs_add_range(refs, part->list ? part->list : &e->findings, part->first,
			       part->count);
	}
}

/*
 * Collects the findings of side s that can differ from those of other:
 * the cross-model ones in cross, and those of every cache entry that
 * other does not use. An entry both sides use contributes the same findings to both,
 * so leaving it out does not change which findings match.
 */
static void collect_findings(struct finding_refs *refs, const struct side *s,
			     const struct finding_list *cross, const struct side *other)
{
	const void **theirs = NULL;
	size_t i, n = other ? other->nentries : 0, mask = pointer_mask(n);

	theirs = xcalloc(mask + 1, sizeof(*theirs));
	for (i = 0; i < n; i++)
		theirs[pointer_slot(theirs, mask, other->entries[i])] = other->entries[i];
	for (i = 0; i < s->nentries; i++) {
		const struct blob_entry *e = s->entries[i];

		if (theirs[pointer_slot(theirs, mask, e)])
			continue;
		refs_add_entry(refs, e);
	}
	refs_add_list(refs, cross);
	free(theirs);
}

/*
 * Reports whether findings x and y differ at most in their model id and in
 * how the benchmark name is spelt.
 */
static int same_but_model(const struct finding *x, const struct finding *y)
{
	int same_benchmark = text_equal(x->benchmark, y->benchmark) ||
		(x->benchmark && y->benchmark &&
		 benchmark_names_equal(x->benchmark, y->benchmark));

	return x->rule == y->rule && same_benchmark &&
	       text_equal(x->variant, y->variant) && text_equal(x->source, y->source) &&
	       text_equal(x->field, y->field) && text_equal(x->value, y->value);
}

/* Reports whether new finding y matches old finding x under a rule looser than the fingerprint. */
typedef int finding_match_fn(const struct finding *x, const struct finding *y,
			     const void *data);

static uint64_t key_add(uint64_t key, const char *text)
{
	uint64_t h = text ? text_hash(text, strlen(text)) : 0x51ED270B2A5D1E4Full;

	return (key ^ h) * 0x9E3779B97F4A7C15ull + (key >> 29);
}

/*
 * Returns a hash of what about_score() and same_respelt() compare: the
 * model id, the benchmark name as benchmark_names_equal() compares it,
 * the variant and the source. Findings or scores that they take as the
 * same have the same key.
 */
static uint64_t score_key(const char *model, const char *benchmark, const char *variant,
			  const char *source)
{
	uint64_t key = key_add(0, model);

	key = (key ^ (benchmark ? benchmark_name_hash(benchmark) : 1)) * 0x9E3779B97F4A7C15ull;
	key = key_add(key, variant);
	return key_add(key, source);
}

static uint64_t finding_key(const struct finding *f)
{
	return score_key(f->model, f->benchmark, f->variant, f->source);
}

static void refs_fill_keys(struct finding_refs *refs)
{
	size_t i;

	refs->keys = xcalloc(refs->nr + 1, sizeof(*refs->keys));
	for (i = 0; i < refs->nr; i++)
		refs->keys[i] = finding_key(refs->items[i]);
}

/*
 * Removes from b the first finding that matches x by same, and reports
 * whether there was one. When b has keys, only findings of key are
 * compared: same must then imply that their keys are equal.
 */
static int take_match_keyed(struct finding_refs *b, uint64_t key, const struct finding *x,
			    finding_match_fn *same, const void *data)
{
	size_t j;

	for (j = 0; j < b->nr; j++) {
		if (b->keys && b->keys[j] != key)
			continue;
		if (same(x, b->items[j], data)) {
			b->items[j] = b->items[--b->nr];
			if (b->keys)
				b->keys[j] = b->keys[b->nr];
			return 1;
		}
	}
	return 0;
}

/* take_match_keyed() for a match that does not imply equal keys: every finding is compared. */
static int take_match(struct finding_refs *b, const struct finding *x,
		      finding_match_fn *same, const void *data)
{
	uint64_t *keys = b->keys;
	size_t j;

	for (j = 0; j < b->nr; j++) {
		if (same(x, b->items[j], data)) {
			b->items[j] = b->items[--b->nr];
			if (keys)
				keys[j] = keys[b->nr];
			return 1;
		}
	}
	return 0;
}

static int same_respelt(const struct finding *x, const struct finding *y, const void *data)
{
	(void)data;
	return text_equal(x->model, y->model) && same_but_model(x, y);
}

/*
 * Clears the findings left in a and b that differ only in how a benchmark
 * name is spelt ("Social IQA" and "Social IQa" are one benchmark): the
 * fingerprint takes the name as written, but renaming it fixes nothing.
 */
static void match_respelt(struct finding_refs *a, struct finding_refs *b)
{
	size_t i, na = 0;

	refs_fill_keys(b);
	for (i = 0; i < a->nr; i++) {
		const struct finding *x = a->items[i];

		if (!x->benchmark || !take_match_keyed(b, finding_key(x), x, same_respelt, NULL))
			a->items[na++] = x;
	}
	a->nr = na;
}

/*
 * Clears, in a and b, the findings that match one to one by fingerprint,
 * leaving only those found on one side.
 */
static void match_findings(struct finding_refs *a, struct finding_refs *b)
{
	size_t i = 0, j = 0, na = 0, nb = 0;

	/* qsort() must not be given a NULL array, even an empty one. */
	if (a->nr > 1)
		qsort(a->items, a->nr, sizeof(*a->items), compare_fingerprints);
	if (b->nr > 1)
		qsort(b->items, b->nr, sizeof(*b->items), compare_fingerprints);
	while (i < a->nr && j < b->nr) {
		int c = memcmp(a->items[i]->fingerprint, b->items[j]->fingerprint,
			       FINGERPRINT_LEN);

		if (c < 0) {
			a->items[na++] = a->items[i++];
		} else if (c > 0) {
			b->items[nb++] = b->items[j++];
		} else {
			i++;
			j++;
		}
	}
	while (i < a->nr)
		a->items[na++] = a->items[i++];
	while (j < b->nr)
		b->items[nb++] = b->items[j++];
	a->nr = na;
	b->nr = nb;
	match_respelt(a, b);
}

/* Reports whether y is x with the model id new_id in place of its own. */
static int same_renamed(const struct finding *x, const struct finding *y, const void *new_id)
{
	return text_equal(y->model, new_id) && same_but_model(x, y);
}

/*
 * Clears the findings left in a (old) and b (new) that differ only in the
 * id of a model renamed by one of changes: renaming a model fixes none of
 * its findings and introduces none.
 */
static void match_renamed(struct finding_refs *a, struct finding_refs *b,
			  const struct change_list *changes)
{
	const struct change **renames = NULL;
	size_t i, k, nrenames = 0, na = 0;

	for (i = 0; i < changes->nr; i++) {
		if (changes->items[i].kind == CHANGE_MODEL && changes->items[i].op == CHANGE_RENAMED) {
			renames = xrealloc(renames, xmul(nrenames + 1, sizeof(*renames)));
			renames[nrenames++] = &changes->items[i];
		}
	}
	for (i = 0; i < a->nr && nrenames; i++) {
		const struct finding *x = a->items[i];
		const char *id = NULL;

		for (k = 0; k < nrenames && !id; k++)
			if (text_equal(renames[k]->old, x->model))
				id = renames[k]->new;
		if (!id || !take_match(b, x, same_renamed, id))
			a->items[na++] = x;
	}
	if (nrenames)
		a->nr = na;
	free(renames);
}

/* Returns the source of score s as the findings about it name it: its URL when it has one. */
static const char *finding_source(const struct score *s)
{
	return s->source_url ? s->source_url : s->source.s;
}

/* Reports whether finding f is about score s of the model with id model. */
static int about_score(const struct finding *f, const char *model, const struct score *s)
{
	return f->benchmark && s->canonical && text_equal(f->model, model) &&
	       benchmark_names_equal(f->benchmark, s->canonical) &&
	       text_equal(f->variant, s->variant.s) && text_equal(f->source, finding_source(s));
}

/* Reports whether y, a new finding, is old finding x of the score that change c paired. */
static int same_paired(const struct finding *x, const struct finding *y, const void *change)
{
	const struct change *c = change;

	return y->rule == x->rule && text_equal(y->field, x->field) &&
	       text_equal(y->value, x->value) &&
	       about_score(y, c->new_model->id.s, c->new_score);
}

/*
 * Clears the findings left in a (old) and b (new) that are about two
 * scores paired by one of changes, and differ only in what the change
 * changed: the variant, the source, or its URL. The fingerprint includes
 * all three, but relabelling a score fixes none of its findings.
 */
static void match_paired(struct finding_refs *a, struct finding_refs *b,
			 const struct change_list *changes)
{
	/* Per change, the keys of the findings about its old and its new score. */
	uint64_t *old_keys, *new_keys;
	unsigned char *paired;
	size_t i, k, na = 0;

	if (!a->nr || !b->nr)
		return;
	old_keys = xcalloc(changes->nr + 1, sizeof(*old_keys));
	new_keys = xcalloc(changes->nr + 1, sizeof(*new_keys));
	paired = xcalloc(changes->nr + 1, 1);
	for (k = 0; k < changes->nr; k++) {
		const struct change *c = &changes->items[k];

		if (c->kind != CHANGE_SCORE || c->op != CHANGE_CHANGED || !c->old_score ||
		    !c->new_score)
			continue;
		paired[k] = 1;
		old_keys[k] = score_key(c->old_model->id.s, c->old_score->canonical,
					c->old_score->variant.s, finding_source(c->old_score));
		new_keys[k] = score_key(c->new_model->id.s, c->new_score->canonical,
					c->new_score->variant.s, finding_source(c->new_score));
	}
	for (i = 0; i < a->nr; i++) {
		const struct finding *x = a->items[i];
		uint64_t key = x->benchmark ? finding_key(x) : 0;
		int matched = 0;

		for (k = 0; k < changes->nr && !matched && x->benchmark; k++) {
			const struct change *c = &changes->items[k];

			if (paired[k] && old_keys[k] == key &&
			    about_score(x, c->old_model->id.s, c->old_score))
				matched = take_match_keyed(b, new_keys[k], x, same_paired, c);
		}
		if (!matched)
			a->items[na++] = x;
	}
	a->nr = na;
	free(old_keys);
	free(new_keys);
	free(paired);
}

static void describe_score(struct buf *out, const struct score *s)
{
	buf_adds_escaped(out, s->benchmark.s ? s->benchmark.s : "?");
	if (s->variant.s) {
		buf_adds(out, " (");
		buf_adds_escaped(out, s->variant.s);
		buf_addch(out, ')');
	}
}

static void score_context(struct finding_context *ctx, const char *model,
			  const struct score *s, const char *field)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->model = model;
	ctx->benchmark = s->benchmark.s;
	ctx->variant = s->variant.s;
	ctx->source = s->source_url ? s->source_url : s->source.s;
	ctx->field = field;
}

static void check_score_date(struct finding_list *out, const struct change *c,
			     long commit_day, const char *commit_date)
{
	const struct score *s = c->new_score;
	struct finding_context ctx;
	struct buf what = BUF_INIT;
	long day;

	if (!s->date.s || date_parse(s->date.s, &day) != 0 || day <= commit_day)
		return;
	describe_score(&what, s);
	buf_adds(&what, " is dated ");
	buf_adds_escaped(&what, s->date.s);
	score_context(&ctx, c->model, s, "date");
	ctx.value = s->date.s;
	finding_add(out, RULE_DATE_AFTER_COMMIT, c->path, s->date.pos, &ctx,
		    "score of %s, after its commit (%s)", what.ptr, commit_date);
	buf_release(&what);
}

/* The commit time of the working tree and the index, which have no commit to date them. */
#define NO_COMMIT_TIME LLONG_MIN

/*
 * Appends the findings of the history rules to out: the changes only the
 * commit context can judge. commit_time is the committer's time as
 * seconds since the epoch, already shifted to the committer's time zone,
 * or NO_COMMIT_TIME. Without a commit, date-after-commit does not apply:
 * a date after today is check's date-in-future.
 */
static void history_findings(struct finding_list *out,
			     const struct change_list *changes, long long commit_time)
{
	const struct score *last = NULL;
	int dated = commit_time != NO_COMMIT_TIME;
	long commit_day = 0;
	char commit_date[16] = "";
	struct tm tm;
	size_t i;

	if (dated) {
		time_t t;

		commit_day = (long)(commit_time >= 0 ? commit_time / 86400 :
				    -((-commit_time + 86399) / 86400));
		t = (time_t)commit_day * 86400;
		gmtime_r(&t, &tm);
		strftime(commit_date, sizeof(commit_date), "%Y-%m-%d", &tm);
	}

	for (i = 0; i < changes->nr; i++) {
		const struct change *c = &changes->items[i];
		struct finding_context ctx;
		struct buf what = BUF_INIT;

		if (c->kind == CHANGE_MODEL && c->op == CHANGE_REMOVED) {
			memset(&ctx, 0, sizeof(ctx));
			ctx.model = c->model;
			buf_adds_escaped(&what, c->model ? c->model : "(no id)");
			finding_add(out, RULE_MODEL_REMOVED, c->path, c->pos, &ctx,
				    "model %s was removed", what.ptr);
			buf_release(&what);
			continue;
		}
		if (c->kind == CHANGE_MODEL && c->op == CHANGE_ADDED) {
			/* A model added with its scores adds each of them. */
			struct change score = *c;
			size_t k;

			for (k = 0; k < c->new_model->nscores && dated; k++) {
				score.new_score = &c->new_model->scores[k];
				check_score_date(out, &score, commit_day, commit_date);
			}
			continue;
		}
		if (c->kind != CHANGE_SCORE)
			continue;
		if (c->op == CHANGE_REMOVED) {
			const char *was = c->old_score->value.s;

			describe_score(&what, c->old_score);
			buf_adds(&what, " was removed (it was ");
			buf_adds_escaped(&what, was ? was : "empty");
			score_context(&ctx, c->model, c->old_score, NULL);
			finding_add(out, RULE_SCORE_REMOVED, c->path, c->pos, &ctx,
				    "score of %s)", what.ptr);
			buf_release(&what);
			continue;
		}
		/* A changed score has one change per field: judge its date once. */
		if (c->new_score != last && dated)
			check_score_date(out, c, commit_day, commit_date);
		last = c->new_score;
		if (c->op == CHANGE_CHANGED && !strcmp(c->field, "score")) {
			const struct score *a = c->old_score, *b = c->new_score;
			const char *sa = a->source_url ? a->source_url : a->source.s;
			const char *sb = b->source_url ? b->source_url : b->source.s;

			if ((a->date.s == b->date.s || (a->date.s && b->date.s && !strcmp(a->date.s, b->date.s))) &&
			    (sa == sb || (sa && sb && !strcmp(sa, sb)))) {
				describe_score(&what, b);
				buf_adds(&what, " changed from ");
				buf_adds_escaped(&what, a->value.s ? a->value.s : "empty");
				buf_adds(&what, " to ");
				buf_adds_escaped(&what, b->value.s ? b->value.s : "empty");
				score_context(&ctx, c->model, b, "score");
				ctx.value = b->value.s;
				finding_add(out, RULE_SCORE_CHANGED_WITHOUT_SOURCE, c->path,
					    b->value.pos, &ctx,
					    "score of %s with the same date and source", what.ptr);
			}
		}
		buf_release(&what);
	}
}

/* ---- what a commit changed -------------------------------------------- */

/*
 * The models of two sides, split into unchanged pairs and changed models.
 * A pair is one model on both sides, or two built from the same text (the
 * same origin), which semdiff_models() takes as unchanged. Pairs keep the
 * order of both sides, and only models with an id are paired. Pairs add
 * the same to both sides of a comparison. So when the conditions below
 * hold, comparing the changed models alone gives the same changes and
 * findings as comparing every model.
 */
struct side_delta {
	struct model **old_models;	/* changed, in the old side's order */
	const void **old_origins;
	size_t nold;
	struct model **new_models;	/* changed, in the new side's order */
	const void **new_origins;
	size_t nnew;
	/*
	 * No changed model has the id of a paired one, so id matching pairs
	 * changed models only with changed models.
	 */
	int models_apart;
	/*
	 * Also: no file has inline suppressions, and either both sides have
	 * the same ids and every base_model of a changed model names one of
	 * them, or every base_model names a model on both sides. The
	 * cross-model findings of the pairs are then the same on both sides.
	 */
	int checks_apart;
};

#define NO_INDEX ((size_t)-1)

static int has_id(const struct model *m)
{
	return m->id.s && *m->id.s;
}

static const void *model_key(const struct side *s, size_t i)
{
	return s->origins[i] ? s->origins[i] : (const void *)s->models[i];
}

/*
 * Sets old_paired[i] and new_paired[j] for the pairs, found greedily in
 * the new side's order: each model takes the first unpaired old model of
 * its key after the old model paired last, so pairs never cross.
 */
static void pair_models(unsigned char *old_paired, unsigned char *new_paired,
			const struct side *old, const struct side *new)
{
	size_t mask = pointer_mask(old->nr), i, j, want = 0;
	const void **keys;
	size_t *heads, *next;

	keys = xcalloc(mask + 1, sizeof(*keys));
	heads = xcalloc(mask + 1, sizeof(*heads));
	next = xcalloc(old->nr + 1, sizeof(*next));

	/*
	 * Each key heads a chain of old models in increasing order. Models of
	 * one key have one id, so only the new model's is looked at.
	 */
	for (i = old->nr; i-- > 0;) {
		size_t slot;

		slot = pointer_slot(keys, mask, model_key(old, i));
		next[i] = keys[slot] ? heads[slot] : NO_INDEX;
		keys[slot] = model_key(old, i);
		heads[slot] = i;
	}
	for (j = 0; j < new->nr; j++) {
		size_t slot;

		slot = pointer_slot(keys, mask, model_key(new, j));
		if (!keys[slot])
			continue;
		i = heads[slot];
		while (i != NO_INDEX && i < want)
			i = next[i];
		heads[slot] = i == NO_INDEX ? NO_INDEX : next[i];
		if (i == NO_INDEX || !has_id(new->models[j]))
			continue;
		old_paired[i] = 1;
		new_paired[j] = 1;
		want = i + 1;
	}
	free(keys);
	free(heads);
	free(next);
}

/* A set of strings, for the ids and base models of the changed models. */
struct name_set {
	struct name_slot {
		const char *s;
		uint64_t hash;
		int found;
	} *slots;
	size_t mask;
};

static void name_set_init(struct name_set *set, size_t count)
{
	size_t size = 16;

	while (size < count * 2)
		size *= 2;
	set->slots = xcalloc(size, sizeof(*set->slots));
	set->mask = size - 1;
}

/* Returns the slot of s: its own, or the empty one where it would go. */
static struct name_slot *name_set_slot(const struct name_set *set, const char *s,
				       uint64_t hash)
{
	size_t i = hash & set->mask;

	while (set->slots[i].s && (set->slots[i].hash != hash || strcmp(set->slots[i].s, s)))
		i = (i + 1) & set->mask;
	return &set->slots[i];
}

static void name_set_add(struct name_set *set, const char *s)
{
	uint64_t hash = text_hash(s, strlen(s));
	struct name_slot *slot = name_set_slot(set, s, hash);

	slot->s = s;
	slot->hash = hash;
}

static struct name_slot *name_set_find_hashed(const struct name_set *set, const char *s,
					      uint64_t hash)
{
	struct name_slot *slot = name_set_slot(set, s, hash);

	return slot->s ? slot : NULL;
}

static struct name_slot *name_set_find(const struct name_set *set, const char *s)
{
	return name_set_find_hashed(set, s, text_hash(s, strlen(s)));
}

static int compare_strings(const void *x, const void *y)
{
	const char *const *a = x, *const *b = y;

	return strcmp(*a, *b);
}

/* Reports whether the changed models of both sides have the same ids, counted with repeats. */
static int same_changed_ids(const struct side_delta *d)
{
	const char **a = xcalloc(d->nold + 1, sizeof(*a));
	const char **b = xcalloc(d->nnew + 1, sizeof(*b));
	size_t i, na = 0, nb = 0;
	int same;

	for (i = 0; i < d->nold; i++)
		if (has_id(d->old_models[i]))
			a[na++] = d->old_models[i]->id.s;
	for (i = 0; i < d->nnew; i++)
		if (has_id(d->new_models[i]))
			b[nb++] = d->new_models[i]->id.s;
	same = na == nb;
	if (same && na > 1) {
		qsort(a, na, sizeof(*a), compare_strings);
		qsort(b, nb, sizeof(*b), compare_strings);
	}
	for (i = 0; same && i < na; i++)
		same = !strcmp(a[i], b[i]);
	free(a);
	free(b);
	return same;
}

static int has_suppressions(const struct side *s)
{
	size_t i;

	for (i = 0; i < s->nentries; i++)
		if (s->entries[i]->suppressions.nr)
			return 1;
	return 0;
}

/*
 * Fills bases with the base models of the changed models that no changed
 * model of either side has as id, and returns how many. The pairs must
 * have them all for checks_apart.
 */
static size_t missing_bases(struct name_set *bases, const struct side_delta *d,
			    const struct name_set *ids)
{
	size_t i, n = 0;

	name_set_init(bases, d->nold + d->nnew);
	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];

		if (!m->base_model.s || !*m->base_model.s || name_set_find(ids, m->base_model.s))
			continue;
		if (!name_set_find(bases, m->base_model.s)) {
			name_set_add(bases, m->base_model.s);
			n++;
		}
	}
	return n;
}

/* Reports whether id names one of the n models. */
static int names_model(struct model *const *models, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (models[i]->id.s && !strcmp(models[i]->id.s, id))
			return 1;
	return 0;
}

/*
 * Reports whether the cross-model findings of the pairs are the same on
 * both sides although the ids of the changed models differ (models added,
 * removed or renamed). That holds when every base_model resolves on both
 * sides, so that none is reported. The base of a pair must name a pair
 * (pairs is the set of their ids) or a changed model on each side. The
 * base of a changed model must name a pair or a changed model of its side.
 */
static int other_ids_apart(const struct side_delta *d, const struct side *new,
			   const unsigned char *new_paired, const struct name_set *pairs)
{
	size_t i;

	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];
		const char *base = m->base_model.s;

		if (!base || !*base || name_set_find(pairs, base))
			continue;
		if (i < d->nold ? !names_model(d->old_models, d->nold, base) :
				  !names_model(d->new_models, d->nnew, base))
			return 0;
	}
	for (i = 0; i < new->nr; i++) {
		const char *base = new->models[i]->base_model.s;

		if (!new_paired[i] || !base || !*base || name_set_find(pairs, base))
			continue;
		if (!names_model(d->old_models, d->nold, base) ||
		    !names_model(d->new_models, d->nnew, base))
			return 0;
	}
	return 1;
}

/* Fills d for two sides; see struct side_delta. */
static void side_delta_fill(struct side_delta *d, const struct side *old,
			    const struct side *new, int checks)
{
	unsigned char *old_paired = xcalloc(old->nr + 1, 1);
	unsigned char *new_paired = xcalloc(new->nr + 1, 1);
	struct name_set ids, bases, pairs;
	size_t i, pending = 0;
	int same_ids;

	memset(d, 0, sizeof(*d));
	memset(&bases, 0, sizeof(bases));
	memset(&pairs, 0, sizeof(pairs));
	pair_models(old_paired, new_paired, old, new);
	d->old_models = xcalloc(old->nr + 1, sizeof(*d->old_models));
	d->old_origins = xcalloc(old->nr + 1, sizeof(*d->old_origins));
	d->new_models = xcalloc(new->nr + 1, sizeof(*d->new_models));
	d->new_origins = xcalloc(new->nr + 1, sizeof(*d->new_origins));
	for (i = 0; i < old->nr; i++) {
		if (old_paired[i])
			continue;
		d->old_models[d->nold] = old->models[i];
		d->old_origins[d->nold++] = old->origins[i];
	}
	for (i = 0; i < new->nr; i++) {
		if (new_paired[i])
			continue;
		d->new_models[d->nnew] = new->models[i];
		d->new_origins[d->nnew++] = new->origins[i];
	}

	name_set_init(&ids, d->nold + d->nnew);
	for (i = 0; i < d->nold; i++)
		if (d->old_models[i]->id.s)
			name_set_add(&ids, d->old_models[i]->id.s);
	for (i = 0; i < d->nnew; i++)
		if (d->new_models[i]->id.s)
			name_set_add(&ids, d->new_models[i]->id.s);
	/*
	 * Both sides have the same ids when their changed models do, and the
	 * base models that those lack must be ids of pairs. Otherwise every
	 * id of the pairs is collected for other_ids_apart().
	 */
	d->checks_apart = checks && !has_suppressions(old) && !has_suppressions(new);
	same_ids = d->checks_apart && same_changed_ids(d);
	if (same_ids)
		pending = missing_bases(&bases, d, &ids);
	else if (d->checks_apart)
		name_set_init(&pairs, new->nr);

	/* The pairs have the same ids on both sides: one side's are enough. */
	d->models_apart = 1;
	for (i = 0; i < new->nr; i++) {
		const char *id = new->models[i]->id.s;
		struct name_slot *slot;
		uint64_t hash;

		if (!new_paired[i])
			continue;
		hash = text_hash(id, strlen(id));
		if (name_set_find_hashed(&ids, id, hash)) {
			d->models_apart = 0;
			break;
		}
		if (pairs.slots) {
			slot = name_set_slot(&pairs, id, hash);
			slot->s = id;
			slot->hash = hash;
		}
		slot = pending ? name_set_find_hashed(&bases, id, hash) : NULL;
		if (slot && !slot->found) {
			slot->found = 1;
			pending--;
		}
	}
	if (same_ids)
		d->checks_apart = d->models_apart && !pending;
	else
		d->checks_apart = d->checks_apart && d->models_apart &&
				  other_ids_apart(d, new, new_paired, &pairs);
	free(ids.slots);
	free(bases.slots);
	free(pairs.slots);
	free(old_paired);
	free(new_paired);
}

static void side_delta_release(struct side_delta *d)
{
	free(d->old_models);
	free(d->old_origins);
	free(d->new_models);
	free(d->new_origins);
}

static int compare_hashes(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y;

	return *a < *b ? -1 : *a > *b;
}

/*
 * Fills found with the cross-model findings of side s that can differ from
 * those of the other side when d->checks_apart is set: model-duplicate-id
 * among its changed models (no pair shares their ids), and
 * score-suspect-interpolated in the sibling groups (n hashes, sorted) of
 * the changed models of both sides. A group has one family, so only the
 * models of the families of the changed models (nfamilies, distinct) are
 * read, unless there are more than FAMILIES_MAX of them.
 */
#define FAMILIES_MAX 64

static int in_families(const char *const *families, size_t n, const char *family)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (families[i][0] == family[0] && !strcmp(families[i], family))
			return 1;
	return 0;
}

static void changed_findings(struct finding_list *found, struct history *h,
			     const struct side *s, struct model **changed, size_t nchanged,
			     const uint64_t *groups, size_t n, const char *const *families,
			     size_t nfamilies)
{
	struct registry reg = REGISTRY_INIT;
	struct model **kin = NULL;
	size_t i, nkin = 0;

	reg.models = changed;
	reg.nr = nchanged;
	checks_duplicate_ids(&reg, h->rules, found);

	if (n) {
		kin = xcalloc(s->nr + 1, sizeof(*kin));
		for (i = 0; i < s->nr; i++) {
			const struct model *m = s->models[i];

			if (m->nsiblings && (nfamilies > FAMILIES_MAX ||
					     in_families(families, nfamilies, m->family.s)))
				kin[nkin++] = s->models[i];
		}
		reg.models = kin;
		reg.nr = nkin;
		checks_interpolated_groups(&reg, h->rules, groups, n, found);
		free(kin);
	}
	finding_list_finish(found, h->severity);
	drop_suppressed(found, s, NULL);
}

/* Fills old_found and new_found as changed_findings() describes. */
static void compare_checks(struct finding_list *old_found, struct finding_list *new_found,
			   struct history *h, const struct side *old,
			   const struct side *new, const struct side_delta *d)
{
	const char **families = xcalloc(d->nold + d->nnew + 1, sizeof(*families));
	uint64_t *groups = NULL;
	size_t ngroups = 0, nfamilies = 0, alloc = 0, i, k, kept = 0;

	for (i = 0; i < d->nold + d->nnew; i++) {
		const struct model *m = i < d->nold ? d->old_models[i] : d->new_models[i - d->nold];

		if (!m->nsiblings)
			continue;
		/* Models with siblings have a family (checks_prepare_model()). */
		if (nfamilies <= FAMILIES_MAX && !in_families(families, nfamilies, m->family.s))
			families[nfamilies++] = m->family.s;
		XGROW(groups, alloc, ngroups + m->nsiblings);
		for (k = 0; k < m->nsiblings; k++)
			groups[ngroups++] = m->siblings[k].hash;
	}
	if (ngroups > 1)
		qsort(groups, ngroups, sizeof(*groups), compare_hashes);
	for (i = 0; i < ngroups; i++)
		if (!kept || groups[kept - 1] != groups[i])
			groups[kept++] = groups[i];

	changed_findings(old_found, h, old, d->old_models, d->nold, groups, kept, families,
			 nfamilies);
	changed_findings(new_found, h, new, d->new_models, d->nnew, groups, kept, families,
			 nfamilies);
	free(families);
	free(groups);
}

/*
 * Drops the model-removed findings of list whose model id another model of
 * side s still has: dropping one of two models that share an id removes no
 * model id from the registry. The change itself is still reported.
 */
static void drop_ids_kept(struct finding_list *list, const struct side *s)
{
	struct name_set ids;
	size_t i, remaining = 0;

	for (i = 0; i < list->nr && list->items[i].rule != RULE_MODEL_REMOVED; i++)
		;
	if (i == list->nr)
		return;
	name_set_init(&ids, s->nr);
	for (i = 0; i < s->nr; i++)
		if (has_id(s->models[i]))
			name_set_add(&ids, s->models[i]->id.s);
	for (i = 0; i < list->nr; i++) {
		struct finding *f = &list->items[i];

		if (f->rule == RULE_MODEL_REMOVED && f->model && name_set_find(&ids, f->model)) {
			finding_clear(f);
			continue;
		}
		list->items[remaining++] = *f;
	}
	list->nr = remaining;
	free(ids.slots);
}

/* Appends a shallow copy of f, whose strings stay f's. */
static void add_borrowed(struct finding_list *list, const struct finding *f)
{
	XGROW(list->items, list->alloc, list->nr + 1);
	list->items[list->nr++] = *f;
}

/*
 * Compares old (NULL for the empty registry) with new and fills the
 * step's changes, introduced and fixed findings. The findings are shallow
 * copies: their strings belong to the sides, or to owned, which must live
 * as long as the step (see step_release()).
 */
static void compare_sides(struct history_step *step, struct finding_list *owned,
			  struct history *h, struct side *old, struct side *new,
			  long long commit_time)
{
	struct finding_refs old_refs = { NULL, NULL, 0, 0 }, new_refs = { NULL, NULL, 0, 0 };
	struct finding_list rules_found = FINDING_LIST_INIT;
	struct finding_list old_cross = FINDING_LIST_INIT, new_cross = FINDING_LIST_INIT;
	const struct finding_list *old_found = NULL, *new_found;
	struct side_delta d;
	size_t i;

	memset(&d, 0, sizeof(d));
	if (old) {
		step->old_models = old->models;
		step->nold = old->nr;
	}
	step->new_models = new->models;
	step->nnew = new->nr;
	if (old)
		side_delta_fill(&d, old, new, !h->changes_only);
	if (d.models_apart)
		semdiff_models(&step->changes, d.old_models, d.nold, d.new_models, d.nnew,
			       d.old_origins, d.new_origins);
	else
		semdiff_models(&step->changes, old ? old->models : NULL, old ? old->nr : 0,
			       new->models, new->nr, old ? old->origins : NULL, new->origins);
	if (h->changes_only)
		goto done;

	if (d.checks_apart) {
		compare_checks(&old_cross, &new_cross, h, old, new, &d);
		old_found = &old_cross;
		new_found = &new_cross;
	} else {
		if (old)
			old_found = side_findings(h, old);
		new_found = side_findings(h, new);
	}
	if (old)
		collect_findings(&old_refs, old, old_found, new);
	collect_findings(&new_refs, new, new_found, old);
	match_findings(&old_refs, &new_refs);
	match_renamed(&old_refs, &new_refs, &step->changes);
	match_paired(&old_refs, &new_refs, &step->changes);
	for (i = 0; i < new_refs.nr; i++)
		add_borrowed(&step->introduced, new_refs.items[i]);
	for (i = 0; i < old_refs.nr; i++)
		add_borrowed(&step->fixed, old_refs.items[i]);
	/* The copies are of finished findings: they only need sorting. */
	finding_list_sort(&step->fixed);

	history_findings(&rules_found, &step->changes, commit_time);
	drop_ids_kept(&rules_found, new);
	finding_list_finish(&rules_found, h->severity);
	drop_suppressed(&rules_found, new, old);
	for (i = 0; i < rules_found.nr; i++)
		add_borrowed(&step->introduced, &rules_found.items[i]);
	finding_list_move(owned, &rules_found);
	finding_list_release(&rules_found);
	finding_list_sort(&step->introduced);

done:
	free(old_refs.items);
	free(new_refs.items);
	free(old_refs.keys);
	free(new_refs.keys);
	finding_list_move(owned, &old_cross);
	finding_list_move(owned, &new_cross);
	finding_list_release(&old_cross);
	finding_list_release(&new_cross);
	side_delta_release(&d);
}

/* Releases a step filled by compare_sides() and the findings it borrowed from owned. */
static void step_release(struct history_step *step, struct finding_list *owned)
{
	change_list_release(&step->changes);
	free(step->introduced.items);
	free(step->fixed.items);
	finding_list_release(owned);
	memset(step, 0, sizeof(*step));
}

static long long commit_local_time(const git_commit *commit)
{
	return (long long)git_commit_time(commit) +
	       (long long)git_commit_time_offset(commit) * 60;
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
	struct finding_list owned = FINDING_LIST_INIT;
	int ret;

	memset(&step, 0, sizeof(step));
	if (git_commit_parentcount(commit) > 0 &&
	    git_commit_parent(&parent, commit, 0) < 0) {
		buf_setf(err, "cannot read the parent of commit %s: %s",
			 git_oid_tostr_s(git_commit_id(commit)), git_reason());
		gitrepo_add_shallow_hint(h->repo, err);
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
	compare_sides(&step, &owned, h, old, new, commit_local_time(commit));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);

done:
	step_release(&step, &owned);
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
				 git_reason());
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
		buf_addf(err, ": %s", git_reason());
		return GITREPO_ERROR;
	}
	git_commit_free(ends->from);
	ends->from = NULL;
	if (git_commit_lookup(&ends->from, gitrepo_git(h->repo), &base) < 0) {
		buf_reset(err);
		buf_adds(err, "cannot read the merge base of ");
		revrange_add_quoted(err, rev);
		buf_addf(err, ": %s", git_reason());
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
		buf_addf(err, ": %s", git_reason());
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
	buf_setf(err, "cannot walk the history: %s", git_reason());
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
	compare_sides(&step, &owned, h, old, new, commit_local_time(to));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	step_release(&step, &owned);
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
	compare_sides(&step, &owned, h, old, &new, NO_COMMIT_TIME);
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	step_release(&step, &owned);
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
		walk_failed(options, ends.since, h, err);
		ret = GITREPO_ERROR;
		goto done;
	}
	if (options->net && ncommits)
		ret = run_net(h, ends.from, ends.to, ncommits, fn, data, err);

done:
	git_revwalk_free(walk);
	walk_ends_release(&ends);
	return ret;
}
