#include "history.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "alloc.h"
#include "checks.h"
#include "historycache.h"
#include "textutil.h"
#include "values.h"

/*
 * One side of a comparison: the registry of one commit (or snapshot), its
 * files and the findings of auditing it, severities applied. The findings
 * of each file stay in its cache entry; the side keeps the cross-model ones.
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
	struct finding_list findings;	/* of checks_registry() */
};

#define SIDE_CACHE 2

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
};

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
static void walk_failed(const struct history_options *options, struct history *h,
			struct buf *err)
{
	const char *rev = options->rev ? options->rev : "HEAD";

	if (options->root || strstr(rev, ".."))
		buf_setf(err, "cannot walk the history of '%s': %s", rev, git_reason());
	else
		buf_setf(err, "cannot walk the history of '%s..HEAD': %s", rev, git_reason());
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

/* Lists the registry files of a commit. */
static int list_commit(struct snapshot *out, struct history *h,
		       const git_commit *commit, struct buf *err)
{
	git_tree *tree = NULL;
	const struct string_list *paths;
	int ret;

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

/* Returns the object id at path in tree in *oid, or sets *found to 0. */
static void tree_entry_id(git_oid *oid, int *found, const git_tree *tree, const char *path)
{
	git_tree_entry *entry = NULL;
	char *normal = gitrepo_normalize_path(path);

	*found = normal && git_tree_entry_bypath(&entry, tree, normal) == 0;
	if (*found)
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
		if (fx != fy || (fx && !git_oid_equal(&x, &y)))
			goto done;
	}
	*same = 1;
done:
	git_tree_free(ta);
	git_tree_free(tb);
	return ret;
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

/* Fills s from its files (whose data may be loaded already): models and findings. */
static int side_fill(struct side *s, struct history *h, struct buf *err)
{
	struct registry reg = REGISTRY_INIT;
	size_t i, j;

	history_cache_prefetch(&h->cache, s->files.files, s->files.nr);
	for (i = 0; i < s->files.nr; i++) {
		struct snapshot_file *f = &s->files.files[i];
		const struct blob_entry *e;
		int ret;

		ret = history_cache_get(&e, &h->cache, &f->oid, f->path, f->data,
					f->len, err);
		if (ret < 0)
			return ret;
		XGROW(s->entries, s->entries_alloc, s->nentries + 1);
		s->entries[s->nentries++] = e;
		for (j = 0; j < e->nmodels; j++) {
			XGROW(s->models, s->alloc, s->nr + 1);
			XGROW(s->origins, s->origins_alloc, s->nr + 1);
			s->origins[s->nr] = e->origins ? e->origins[j] : NULL;
			s->models[s->nr++] = e->models[j];
		}
		free(f->data);
		f->data = NULL;
	}

	if (h->changes_only)
		return 0;
	reg.models = s->models;
	reg.nr = s->nr;
	reg.nfiles = s->files.nr;
	checks_registry(&reg, h->rules, &s->findings);
	finding_list_finish(&s->findings, h->severity);
	drop_suppressed(&s->findings, s, NULL);
	return 0;
}

static const struct side *find_side(const struct history *h, const git_oid *commit)
{
	size_t i;

	for (i = 0; i < SIDE_CACHE; i++)
		if (h->sides[i].valid && git_oid_equal(&h->sides[i].commit, commit))
			return &h->sides[i];
	return NULL;
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
	ret = side_fill(s, h, err);
	if (ret < 0) {
		side_clear(h, s);
		return ret;
	}
	s->valid = 1;
	*out = s;
	return 0;
}

/* ---- comparing two sides ---------------------------------------------- */

static int compare_fingerprints(const void *x, const void *y)
{
	const struct finding *const *a = x, *const *b = y;

	return strcmp((*a)->fingerprint, (*b)->fingerprint);
}

static int compare_pointers(const void *x, const void *y)
{
	const void *const *a = x, *const *b = y;

	return *a < *b ? -1 : *a > *b;
}

struct finding_refs {
	const struct finding **items;
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
 * the cross-model ones, and those of every cache entry that other does
 * not use. An entry both sides use contributes the same findings to both,
 * so leaving it out does not change which findings match.
 */
static void collect_findings(struct finding_refs *refs, const struct side *s,
			     const struct side *other)
{
	const struct blob_entry **theirs = NULL;
	size_t i, n = other ? other->nentries : 0;

	if (n) {
		theirs = xcalloc(n, sizeof(*theirs));
		memcpy(theirs, other->entries, n * sizeof(*theirs));
		qsort(theirs, n, sizeof(*theirs), compare_pointers);
	}
	for (i = 0; i < s->nentries; i++) {
		const struct blob_entry *e = s->entries[i];

		if (n && bsearch(&e, theirs, n, sizeof(*theirs), compare_pointers))
			continue;
		refs_add_entry(refs, e);
	}
	refs_add_list(refs, &s->findings);
	free(theirs);
}

/*
 * Clears the findings left in a and b that differ only in how a benchmark
 * name is spelt ("Social IQA" and "Social IQa" are one benchmark): the
 * fingerprint takes the name as written, but renaming it fixes nothing.
 */
static void match_respelt(struct finding_refs *a, struct finding_refs *b)
{
	size_t i, j, na = 0;

	for (i = 0; i < a->nr; i++) {
		const struct finding *x = a->items[i];
		int matched = 0;

		for (j = 0; j < b->nr && x->benchmark; j++) {
			const struct finding *y = b->items[j];

			if (x->rule == y->rule && text_equal(x->model, y->model) &&
			    benchmark_names_equal(x->benchmark, y->benchmark) &&
			    text_equal(x->variant, y->variant) && text_equal(x->source, y->source) &&
			    text_equal(x->field, y->field) && text_equal(x->value, y->value)) {
				b->items[j] = b->items[--b->nr];
				matched = 1;
				break;
			}
		}
		if (!matched)
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
		int c = strcmp(a->items[i]->fingerprint, b->items[j]->fingerprint);

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

static void describe_score(struct buf *out, const struct score *s)
{
	buf_adds(out, s->benchmark.s ? s->benchmark.s : "?");
	if (s->variant.s)
		buf_addf(out, " (%s)", s->variant.s);
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
	score_context(&ctx, c->model, s, "date");
	ctx.value = s->date.s;
	finding_add(out, RULE_DATE_AFTER_COMMIT, c->path, s->date.pos, &ctx,
		    "score of %s is dated %s, after its commit (%s)", what.ptr,
		    s->date.s, commit_date);
	buf_release(&what);
}

/*
 * Appends the findings of the history rules to out: the changes only the
 * commit context can judge. commit_time is the committer's time as
 * seconds since the epoch, already shifted to the committer's time zone.
 */
static void history_findings(struct finding_list *out,
			     const struct change_list *changes, long long commit_time)
{
	const struct score *last = NULL;
	long commit_day = (long)(commit_time >= 0 ? commit_time / 86400 :
				 -((-commit_time + 86399) / 86400));
	char commit_date[16];
	time_t t = (time_t)commit_day * 86400;
	struct tm tm;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(commit_date, sizeof(commit_date), "%Y-%m-%d", &tm);

	for (i = 0; i < changes->nr; i++) {
		const struct change *c = &changes->items[i];
		struct finding_context ctx;
		struct buf what = BUF_INIT;

		if (c->kind == CHANGE_MODEL && c->op == CHANGE_REMOVED) {
			memset(&ctx, 0, sizeof(ctx));
			ctx.model = c->model;
			finding_add(out, RULE_MODEL_REMOVED, c->path, c->pos, &ctx,
				    "model %s was removed", c->model ? c->model : "(no id)");
			continue;
		}
		if (c->kind != CHANGE_SCORE)
			continue;
		if (c->op == CHANGE_REMOVED) {
			describe_score(&what, c->old_score);
			score_context(&ctx, c->model, c->old_score, NULL);
			finding_add(out, RULE_SCORE_REMOVED, c->path, c->pos, &ctx,
				    "score of %s was removed (it was %s)", what.ptr,
				    c->old_score->value.s ? c->old_score->value.s : "empty");
			buf_release(&what);
			continue;
		}
		/* A changed score has one change per field: judge its date once. */
		if (c->new_score != last)
			check_score_date(out, c, commit_day, commit_date);
		last = c->new_score;
		if (c->op == CHANGE_CHANGED && !strcmp(c->field, "score")) {
			const struct score *a = c->old_score, *b = c->new_score;
			const char *sa = a->source_url ? a->source_url : a->source.s;
			const char *sb = b->source_url ? b->source_url : b->source.s;

			if ((a->date.s == b->date.s || (a->date.s && b->date.s && !strcmp(a->date.s, b->date.s))) &&
			    (sa == sb || (sa && sb && !strcmp(sa, sb)))) {
				describe_score(&what, b);
				score_context(&ctx, c->model, b, "score");
				ctx.value = b->value.s;
				finding_add(out, RULE_SCORE_CHANGED_WITHOUT_SOURCE, c->path,
					    b->value.pos, &ctx,
					    "score of %s changed from %s to %s with the same date and source",
					    what.ptr, a->value.s ? a->value.s : "empty",
					    b->value.s ? b->value.s : "empty");
			}
		}
		buf_release(&what);
	}
}

/*
 * Compares old (NULL for the empty registry) with new and fills the
 * step's changes, introduced and fixed findings.
 */
static void compare_sides(struct history_step *step, struct history *h,
			  const struct side *old, const struct side *new,
			  long long commit_time)
{
	struct finding_refs old_refs = { NULL, 0, 0 }, new_refs = { NULL, 0, 0 };
	struct finding_list rules_found = FINDING_LIST_INIT;
	size_t i;

	semdiff_models(&step->changes, old ? old->models : NULL, old ? old->nr : 0,
		       new->models, new->nr, old ? old->origins : NULL, new->origins);
	if (h->changes_only)
		return;

	if (old)
		collect_findings(&old_refs, old, new);
	collect_findings(&new_refs, new, old);
	match_findings(&old_refs, &new_refs);
	for (i = 0; i < new_refs.nr; i++)
		finding_list_add_copy(&step->introduced, new_refs.items[i]);
	for (i = 0; i < old_refs.nr; i++)
		finding_list_add_copy(&step->fixed, old_refs.items[i]);
	/* The copies are of finished findings: they only need sorting. */
	finding_list_sort(&step->fixed);

	history_findings(&rules_found, &step->changes, commit_time);
	finding_list_finish(&rules_found, h->severity);
	drop_suppressed(&rules_found, new, old);
	finding_list_move(&step->introduced, &rules_found);
	finding_list_release(&rules_found);
	finding_list_sort(&step->introduced);

	free(old_refs.items);
	free(new_refs.items);
}

static void step_release(struct history_step *step)
{
	change_list_release(&step->changes);
	finding_list_release(&step->introduced);
	finding_list_release(&step->fixed);
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
	compare_sides(&step, h, old, new, commit_local_time(commit));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);

done:
	step_release(&step);
	snapshot_release(&new_files);
	snapshot_release(&old_files);
	git_commit_free(parent);
	return ret;
}

static int resolve(git_commit **out, struct history *h, const char *rev,
		   struct buf *err)
{
	return gitrepo_resolve_commit(out, h->repo, *rev ? rev : "HEAD", err);
}

/*
 * Parses "<a>..<b>" (either end may be empty for HEAD) or "<since>" into
 * the two ends. "<a>...<b>" starts at the merge base of a and b.
 */
static int resolve_range(git_commit **from, git_commit **to, struct history *h,
			 const char *rev, struct buf *err)
{
	const char *dots = strstr(rev, "..");
	char *left = NULL;
	int ret;

	*from = NULL;
	*to = NULL;
	if (!dots) {
		ret = resolve(from, h, rev, err);
		if (!ret)
			ret = resolve(to, h, "HEAD", err);
		return ret;
	}
	left = xstrndup(rev, (size_t)(dots - rev));
	if (dots[2] == '.') {
		git_oid base;

		ret = resolve(from, h, left, err);
		if (!ret)
			ret = resolve(to, h, dots + 3, err);
		if (!ret && git_merge_base(&base, gitrepo_git(h->repo),
					   git_commit_id(*from), git_commit_id(*to)) < 0) {
			buf_setf(err, "no merge base of '%s': %s", rev, git_reason());
			ret = GITREPO_ERROR;
		}
		if (!ret) {
			git_commit_free(*from);
			*from = NULL;
			if (git_commit_lookup(from, gitrepo_git(h->repo), &base) < 0) {
				buf_setf(err, "cannot read the merge base of '%s': %s", rev,
					 git_reason());
				ret = GITREPO_ERROR;
			}
		}
	} else {
		ret = resolve(from, h, left, err);
		if (!ret)
			ret = resolve(to, h, dots + 2, err);
	}
	free(left);
	return ret;
}

static int walk_new(git_revwalk **walk, struct history *h, const git_commit *from,
		    const git_commit *to, int first_parent, struct buf *err)
{
	*walk = NULL;
	if (git_revwalk_new(walk, gitrepo_git(h->repo)) < 0 ||
	    git_revwalk_sorting(*walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
					GIT_SORT_REVERSE) < 0 ||
	    git_revwalk_push(*walk, git_commit_id(to)) < 0 ||
	    (from && git_revwalk_hide(*walk, git_commit_id(from)) < 0) ||
	    (first_parent && git_revwalk_simplify_first_parent(*walk) < 0)) {
		buf_setf(err, "cannot walk the history: %s", git_reason());
		git_revwalk_free(*walk);
		*walk = NULL;
		return GITREPO_ERROR;
	}
	return 0;
}

/* Reports the whole range as one step: from (or the empty registry) against to. */
static int run_net(struct history *h, const git_commit *from, const git_commit *to,
		   size_t ncommits, history_fn fn, void *data, struct buf *err)
{
	struct snapshot new_files = SNAPSHOT_INIT, old_files = SNAPSHOT_INIT;
	struct side *old = NULL, *new = NULL;
	struct history_step step;
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
	compare_sides(&step, h, old, new, commit_local_time(to));
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	step_release(&step);
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
	int ret;
	time_t now = time(NULL);

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
	ret = side_fill(&new, h, err);
	if (ret < 0)
		goto done;

	step.label = staged ? "index" : "working tree";
	step.parent = git_commit_id(head);
	compare_sides(&step, h, old, &new, (long long)now);
	if (step.changes.nr || step.introduced.nr || step.fixed.nr)
		ret = fn(data, &step);
done:
	step_release(&step);
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
	git_commit *from = NULL, *to = NULL, *commit = NULL;
	git_revwalk *walk = NULL;
	git_oid id;
	size_t ncommits = 0;
	int ret;

	if (range)
		memset(range, 0, sizeof(*range));
	h->changes_only = options->changes_only;
	h->explicit_config = options->explicit_config;
	if (!options->rev && !options->root)
		return run_snapshot(h, options->staged, fn, data, range, err);

	if (options->root)
		ret = resolve(&to, h, options->rev ? options->rev : "HEAD", err);
	else
		ret = resolve_range(&from, &to, h, options->rev, err);
	if (ret < 0)
		goto done;
	if (range) {
		if (from)
			git_oid_cpy(&range->from, git_commit_id(from));
		git_oid_cpy(&range->to, git_commit_id(to));
		range->has_from = from != NULL;
		range->has_to = 1;
	}

	ret = walk_new(&walk, h, from, to, options->first_parent, err);
	if (ret < 0)
		goto done;
	for (;;) {
		int next = git_revwalk_next(&id, walk);

		/* Only GIT_ITEROVER ends the walk, and any other negative return is an error. */
		if (next == GIT_ITEROVER)
			break;
		if (next < 0) {
			walk_failed(options, h, err);
			ret = GITREPO_ERROR;
			goto done;
		}
		ncommits++;
		if (options->net)
			continue;
		if (git_commit_lookup(&commit, gitrepo_git(h->repo), &id) < 0) {
			buf_setf(err, "cannot read commit %s: %s", git_oid_tostr_s(&id),
				 git_reason());
			ret = GITREPO_ERROR;
			goto done;
		}
		ret = run_commit(h, commit, fn, data, err);
		git_commit_free(commit);
		commit = NULL;
		if (ret < 0)
			goto done;
	}
	if (options->net && ncommits)
		ret = run_net(h, from, to, ncommits, fn, data, err);

done:
	git_revwalk_free(walk);
	git_commit_free(from);
	git_commit_free(to);
	return ret;
}
