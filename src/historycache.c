#include "historycache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "historychunk.h"
#include "historypack.h"
#include "report.h"
#include "threads.h"

struct config_entry {
	git_oid oid;
	struct config config;
	int usable;		/* parsed, and names no path outside the repository */
	char *why;		/* the reason when not usable */
	int reported;		/* --verbose has said that it is not used */
	struct config_entry *next;
};

void history_cache_init(struct history_cache *cache, struct gitrepo *repo,
			const struct ruleset *rules, const enum severity *severity)
{
	memset(cache, 0, sizeof(*cache));
	cache->repo = repo;
	cache->rules = rules;
	cache->severity = severity;
	cache->nbuckets = 256;
	cache->buckets = xcalloc(cache->nbuckets, sizeof(*cache->buckets));
	cache->chunks = chunk_table_new();
	{
		int forced;

		cache->threads = threads_default(&forced);
		cache->share_all = forced;
	}
	cache->packs = gitrepo_pack_reader(repo, PACK_READER_WALK_BUDGET);
}

static void entry_free(struct blob_entry *e)
{
	size_t i;

	for (i = 0; i < e->nmodels; i++)
		if (!e->shared || !e->shared[i])
			model_free(e->models[i]);
	free(e->models);
	suppress_release(&e->suppressions);
	free(e->shared);
	free(e->origins);
	free(e->parts);
	finding_list_release(&e->findings);
	free(e->path);
	free(e);
}

static void batch_free(struct text_batch *b);

void history_cache_release(struct history_cache *cache)
{
	struct config_entry *c, *next;
	size_t i;

	history_cache_read_ahead_finish(cache);
	batch_free(cache->staged);
	free(cache->ahead[0]);
	free(cache->ahead[1]);
	for (i = 0; i < cache->nbuckets; i++) {
		struct blob_entry *e = cache->buckets[i], *enext;

		for (; e; e = enext) {
			enext = e->next;
			entry_free(e);
		}
	}
	free(cache->buckets);
	for (c = cache->configs; c; c = next) {
		next = c->next;
		config_release(&c->config);
		free(c->why);
		free(c);
	}
	chunk_table_free(cache->chunks);
	pack_reader_free(cache->packs);
	memset(cache, 0, sizeof(*cache));
}

static size_t bucket_of(const struct history_cache *cache, const git_oid *oid)
{
	size_t h;

	memcpy(&h, oid->id, sizeof(h));
	return h & (cache->nbuckets - 1);
}

static void cache_insert(struct history_cache *cache, struct blob_entry *e)
{
	size_t b = bucket_of(cache, &e->oid);

	e->next = cache->buckets[b];
	cache->buckets[b] = e;
	cache->nentries++;
}

int history_cache_suppressed(const struct blob_entry *e, const struct finding *f)
{
	size_t i;

	if (!e->suppressions.nr || strcmp(e->path, f->path))
		return 0;
	for (i = 0; i < e->suppressions.nr; i++) {
		const struct suppression *s = &e->suppressions.items[i];

		if (!s->problem && s->rule == (int)f->rule && s->target == f->pos.line)
			return 1;
	}
	return 0;
}

/*
 * Maximum number of models in the idle entries kept: enough for a
 * registry of up to 8,192 files of one model each, while an entry of a
 * large single-file registry is dropped as soon as no side uses it.
 */
#define IDLE_MODELS_MAX 8192

static void idle_remove(struct history_cache *cache, struct blob_entry *e)
{
	if (e->idle_prev)
		e->idle_prev->idle_next = e->idle_next;
	else
		cache->idle_first = e->idle_next;
	if (e->idle_next)
		e->idle_next->idle_prev = e->idle_prev;
	else
		cache->idle_last = e->idle_prev;
	e->idle_prev = NULL;
	e->idle_next = NULL;
	cache->idle_models -= e->nmodels;
}

static void idle_append(struct history_cache *cache, struct blob_entry *e)
{
	e->idle_prev = cache->idle_last;
	e->idle_next = NULL;
	if (cache->idle_last)
		cache->idle_last->idle_next = e;
	else
		cache->idle_first = e;
	cache->idle_last = e;
	cache->idle_models += e->nmodels;
}

static void cache_drop(struct history_cache *cache, struct blob_entry *e)
{
	struct blob_entry **p;

	for (p = &cache->buckets[bucket_of(cache, &e->oid)]; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			cache->nentries--;
			entry_free(e);
			return;
		}
	}
}

void history_cache_pin(struct history_cache *cache, const struct blob_entry *entry)
{
	struct blob_entry *e = (struct blob_entry *)entry;

	if (!e->pins && e->rebuildable)
		idle_remove(cache, e);
	e->pins++;
}

void history_cache_unpin(struct history_cache *cache, const struct blob_entry *entry)
{
	struct blob_entry *e = (struct blob_entry *)entry;

	if (--e->pins || !e->rebuildable)
		return;
	idle_append(cache, e);
	while (cache->idle_models > IDLE_MODELS_MAX) {
		struct blob_entry *oldest = cache->idle_first;

		idle_remove(cache, oldest);
		cache_drop(cache, oldest);
	}
}

static void set_path(struct finding *f, const char *path)
{
	free(f->path);
	f->path = xstrdup(path);
}

/* Copies the finished findings of src to dst at another path, lines moved by delta. */
static void place_findings(struct finding_list *dst, const struct finding_list *src,
			   const char *path, long delta)
{
	size_t i;

	for (i = 0; i < src->nr; i++) {
		struct finding *f;

		finding_list_add_copy(dst, &src->items[i]);
		f = &dst->items[dst->nr - 1];
		set_path(f, path);
		/* A finding about no model names its file in its fingerprint. */
		if (!f->model)
			finding_fingerprint(f);
		if (f->pos.line)
			f->pos.line = (uint32_t)((long)f->pos.line + delta);
	}
}

/*
 * Drops the suppression-unused findings of a broken entry, and its
 * suppressions. A file that does not load has no models for them to
 * cover, and a side shows the models of an older version in its place
 * (see side_fill() in history.c), whose lines they do not name.
 */
static void entry_forget_suppressions(struct blob_entry *e)
{
	size_t i, kept = 0;

	for (i = 0; i < e->findings.nr; i++) {
		struct finding *f = &e->findings.items[i];

		if (f->rule == RULE_SUPPRESSION_UNUSED) {
			finding_clear(f);
			continue;
		}
		e->findings.items[kept++] = *f;
	}
	e->findings.nr = kept;
	suppress_release(&e->suppressions);
}

/*
 * Applies the file's inline suppressions to its findings, as check does.
 * The entry must have all its findings in its own list (no parts).
 *
 * NOTE: a suppression that only a cross-model finding uses is reported
 * here as unused, because those findings are judged per side, later.
 */
static void entry_suppress(struct history_cache *cache, struct blob_entry *e,
			   const char *text, size_t len)
{
	suppress_scan(&e->suppressions, e->path, text, len);
	if (suppress_apply(&e->suppressions, &e->findings, cache->severity))
		finding_list_finish(&e->findings, cache->severity);
	if (e->broken)
		entry_forget_suppressions(e);
}

static void copy_suppressions(struct suppress_list *dst, const struct suppress_list *src,
			      const char *path)
{
	size_t i;

	for (i = 0; i < src->nr; i++) {
		struct suppression *s;

		XGROW(dst->items, dst->alloc, dst->nr + 1);
		s = &dst->items[dst->nr++];
		*s = src->items[i];
		s->path = xstrdup(path);
		s->comment = src->items[i].comment ? xstrdup(src->items[i].comment) : NULL;
		s->problem = src->items[i].problem ? xstrdup(src->items[i].problem) : NULL;
	}
}

static struct blob_entry *entry_new(const git_oid *oid, const char *path)
{
	struct blob_entry *e = xcalloc(1, sizeof(*e));

	git_oid_cpy(&e->oid, oid);
	e->path = xstrdup(path);
	return e;
}

/* The same blob under another path: copies of base's models that name path. */
static struct blob_entry *entry_moved(const struct blob_entry *base, const char *path)
{
	struct blob_entry *e = entry_new(&base->oid, path);
	size_t i;

	e->models = xcalloc(base->nmodels + 1, sizeof(*e->models));
	for (i = 0; i < base->nmodels; i++)
		e->models[i] = model_place(base->models[i], e->path, 0, 0);
	e->nmodels = base->nmodels;
	e->broken = base->broken;
	place_findings(&e->findings, &base->findings, e->path, 0);
	copy_suppressions(&e->suppressions, &base->suppressions, e->path);
	return e;
}

/*
 * Builds an entry from the file's chunks, reusing each model already
 * parsed from the same text. With borrow set, a model used as it was
 * parsed refers to its chunk's findings instead of copying them. Returns
 * NULL when the file does not cut cleanly into chunks that parse on their
 * own.
 */
static struct blob_entry *entry_from_chunks(struct history_cache *cache,
					    const git_oid *oid, const char *path,
					    const char *text, size_t len, int borrow)
{
	struct chunk_span *spans = NULL;
	struct blob_entry *e;
	size_t i, count;

	if (chunk_split(&spans, &count, text, len) < 0)
		return NULL;
	e = entry_new(oid, path);
	e->models = xcalloc(count + 1, sizeof(*e->models));
	e->shared = xcalloc(count + 1, 1);
	e->origins = xcalloc(count + 1, sizeof(*e->origins));
	if (borrow)
		e->parts = xcalloc(count + 1, sizeof(*e->parts));
	for (i = 0; i < count; i++) {
		const struct model_chunk *c;
		long line_delta;

		c = chunk_table_get(cache->chunks, path, text, &spans[i], cache->rules,
				    cache->severity, &cache->parsed_chunks);
		if (!c) {
			entry_free(e);
			free(spans);
			return NULL;
		}
		line_delta = (long)spans[i].line - (long)c->line;
		e->origins[i] = c;
		if (line_delta && c->quotes_lines) {
			/* Parsed at these lines, its messages name the right ones. */
			struct model_chunk *here = chunk_table_parse(cache->chunks, path, text,
								     &spans[i], cache->rules,
								     cache->severity);

			if (!here) {
				entry_free(e);
				free(spans);
				return NULL;
			}
			e->models[i] = here->model;
			place_findings(&e->findings, &here->findings, e->path, 0);
			if (borrow) {
				e->parts[i].first = e->findings.nr - here->findings.nr;
				e->parts[i].count = here->findings.nr;
			}
			here->model = NULL;
			model_chunk_free_shell(here);
			e->nmodels++;
			continue;
		}
		/*
		 * Only a model whose lines or file changed gets a copy: a byte
		 * offset that moved (a longer value earlier in the file) is not
		 * worth one, since nothing reads a model's byte span after parsing.
		 */
		if (!line_delta && !strcmp(c->model->path, path)) {
			e->models[i] = c->model;
			e->shared[i] = 1;
		} else {
			e->models[i] = model_place(c->model, e->path, line_delta,
						   (long)spans[i].offset - (long)c->offset);
		}
		if (e->shared[i] && borrow) {
			/* Copies would equal the chunk's: same path, same lines. */
			e->parts[i].list = &c->findings;
			e->parts[i].count = c->findings.nr;
		} else {
			size_t first = e->findings.nr;

			place_findings(&e->findings, &c->findings, e->path,
				       e->shared[i] ? 0 : line_delta);
			if (borrow) {
				e->parts[i].first = first;
				e->parts[i].count = e->findings.nr - first;
			}
		}
		e->nmodels++;
	}
	free(spans);
	e->rebuildable = 1;
	return e;
}

static struct blob_entry *entry_from_file(struct history_cache *cache,
					  const git_oid *oid, const char *path,
					  const char *text, size_t len)
{
	struct registry reg = REGISTRY_INIT;
	struct blob_entry *e = entry_new(oid, path);

	registry_add_file(&reg, cache->rules, e->path, text, len, &e->findings);
	finding_list_finish(&e->findings, cache->severity);
	e->models = reg.models;
	e->nmodels = reg.nr;
	e->broken = reg.nbroken > 0;
	cache->parsed_files++;
	return e;
}

int history_cache_get(const struct blob_entry **out, struct history_cache *cache,
		      const git_oid *oid, const char *path, const char *data,
		      size_t len, struct buf *err)
{
	struct blob_entry *e, *base = NULL;
	git_blob *blob = NULL;

	*out = NULL;
	for (e = cache->buckets[bucket_of(cache, oid)]; e; e = e->next) {
		if (!git_oid_equal(&e->oid, oid))
			continue;
		if (!strcmp(e->path, path)) {
			if (!e->pins && e->rebuildable)
				idle_remove(cache, e);
			e->pins++;
			*out = e;
			return 0;
		}
		if (!base || !base->rebuildable)
			base = e;
	}

	if (base && !base->rebuildable) {
		e = entry_moved(base, path);
	} else {
		int got = data ? 0 : pack_reader_read(cache->packs, oid, &data, &len, GITREPO_MAX_FILE);

		if (gitrepo_pack_limit(err, got, path, oid, len) < 0)
			return GITREPO_ERROR;
		/* The blob's own buffer is parsed in place: a registry can be large. */
		if (got < 0) {
			if (gitrepo_check_size(cache->repo, oid, path, err) < 0)
				return GITREPO_ERROR;
			if (git_blob_lookup(&blob, gitrepo_git(cache->repo), oid) < 0) {
				buf_setf(err, "cannot read '%s' (blob %s): %s", path,
					 git_oid_tostr_s(oid), gitrepo_reason());
				return GITREPO_ERROR;
			}
			data = git_blob_rawcontent(blob);
			len = (size_t)git_blob_rawsize(blob);
		}
		int suppressible = suppress_possible(data, len);

		e = entry_from_chunks(cache, oid, path, data, len, !suppressible);
		if (!e)
			e = entry_from_file(cache, oid, path, data, len);
		if (suppressible)
			entry_suppress(cache, e, data, len);
		git_blob_free(blob);
	}
	if (cache->verbose) {
		struct buf shown = BUF_INIT;

		buf_adds_escaped(&shown, path);
		fprintf(stderr, "modelaudit: read %s (%s): %zu model%s\n", shown.ptr,
			git_oid_tostr_s(oid), e->nmodels, e->nmodels == 1 ? "" : "s");
		buf_release(&shown);
	}
	cache_insert(cache, e);
	e->pins++;
	*out = e;
	return 0;
}

int history_cache_has_blob(const struct history_cache *cache, const git_oid *oid)
{
	const struct blob_entry *e;

	for (e = cache->buckets[bucket_of(cache, oid)]; e; e = e->next)
		if (git_oid_equal(&e->oid, oid))
			return 1;
	return 0;
}

static int compare_oids(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

static int read_ahead_has(const struct history_cache *cache, const git_oid *oid)
{
	int g;

	for (g = 0; g < 2; g++)
		if (cache->nahead[g] && bsearch(oid, cache->ahead[g], cache->nahead[g],
						sizeof(*cache->ahead[g]), compare_oids))
			return 1;
	return 0;
}

/* Reports whether blob oid needs no reading: the cache has it, or a read-ahead took it. */
static int blob_known(const struct history_cache *cache, const git_oid *oid)
{
	return history_cache_has_blob(cache, oid) || read_ahead_has(cache, oid);
}

/*
 * The maximum of bytes of text that history_cache_prefetch() keeps in
 * memory at a time. It parses what it has read when it reaches this, and
 * reads on. The read-ahead counts the texts of its parse in progress too,
 * and ends that parse first.
 */
#define PREFETCH_BYTES ((size_t)32 * 1024 * 1024)

/* Texts read for parsing, and the chunks they cut into. */
struct text_batch {
	struct chunk_job *jobs;
	size_t njobs;
	size_t jobs_alloc;
	char **texts;
	size_t ntexts;
	size_t texts_alloc;
	size_t bytes;
};

/*
 * Reads file f and adds its chunks to b, unless it cannot be read from a
 * pack or cut, or it is larger than max (0 for no limit).
 */
static void batch_add(struct history_cache *cache, struct text_batch *b,
		      const struct snapshot_file *f, size_t max)
{
	struct chunk_span *spans = NULL;
	const char *data = f->data;
	size_t len = f->len, count, k;
	char *text;

	if (!data && (!cache->packs ||
		      pack_reader_read(cache->packs, &f->oid, &data, &len, GITREPO_MAX_FILE) != 0))
		return;
	if (max && len > max)
		return;
	/* The reader's buffer lasts only until its next read. */
	text = xmalloc(len + 1);
	memcpy(text, data, len);
	text[len] = '\0';
	if (chunk_split(&spans, &count, text, len) < 0) {
		free(text);
		return;
	}
	XGROW(b->texts, b->texts_alloc, b->ntexts + 1);
	b->texts[b->ntexts++] = text;
	b->bytes += len;
	for (k = 0; k < count; k++) {
		XGROW(b->jobs, b->jobs_alloc, b->njobs + 1);
		b->jobs[b->njobs].path = f->path;
		b->jobs[b->njobs].text = text;
		b->jobs[b->njobs].span = spans[k];
		b->njobs++;
	}
	free(spans);
}

/* Frees the texts of b and empties it, keeping its arrays. */
static void batch_reset(struct text_batch *b)
{
	size_t i;

	for (i = 0; i < b->ntexts; i++)
		free(b->texts[i]);
	b->ntexts = b->njobs = b->bytes = 0;
}

static void batch_release(struct text_batch *b)
{
	batch_reset(b);
	free(b->texts);
	free(b->jobs);
	memset(b, 0, sizeof(*b));
}

/* Frees b and its texts. b may be NULL. */
static void batch_free(struct text_batch *b)
{
	if (!b)
		return;
	batch_release(b);
	free(b);
}

/* Parses the chunks of b on cache->threads threads, and waits for them. */
static void batch_parse(struct history_cache *cache, struct text_batch *b)
{
	chunk_table_prefetch(cache->chunks, b->jobs, b->njobs, cache->rules, cache->severity,
			     cache->threads, cache->share_all ? 1 : 0, &cache->parsed_chunks);
	batch_reset(b);
}

void history_cache_prefetch(struct history_cache *cache,
			    const struct snapshot_file *files, size_t n)
{
	struct text_batch b;
	size_t i, missing = 0;

	/* The threads and their memory are taken while a read-ahead parses. */
	if (cache->threads < 2 || cache->pending)
		return;
	/*
	 * One new version of a large file is not shared out: most of its
	 * models are in the table already, and cutting and hashing it here
	 * as well as in history_cache_get() would cost more than it saves.
	 */
	for (i = 0; i < n; i++)
		missing += !blob_known(cache, &files[i].oid);
	if (missing < 2)
		return;
	memset(&b, 0, sizeof(b));
	for (i = 0; i < n; i++) {
		if (blob_known(cache, &files[i].oid))
			continue;
		batch_add(cache, &b, &files[i], 0);
		if (b.bytes >= PREFETCH_BYTES)
			batch_parse(cache, &b);
	}
	batch_parse(cache, &b);
	batch_release(&b);
}

/* The slot of oid in an open-addressing table of mask + 1 blob ids, marked in used. */
static size_t oid_slot(const git_oid *table, const unsigned char *used, size_t mask,
		       const git_oid *oid)
{
	uint64_t h;
	size_t i;

	/* A blob id is a hash already: its first bytes spread well. */
	memcpy(&h, oid->id, sizeof(h));
	for (i = (size_t)h & mask; used[i] && !git_oid_equal(&table[i], oid); i = (i + 1) & mask)
		;
	return i;
}

/* Drops the older blobs that the read-ahead took, whose commits are reported. */
static void ahead_rotate(struct history_cache *cache)
{
	git_oid *older = cache->ahead[0];
	size_t older_alloc = cache->ahead_alloc[0];

	cache->ahead[0] = cache->ahead[1];
	cache->nahead[0] = cache->nahead[1];
	cache->ahead_alloc[0] = cache->ahead_alloc[1];
	cache->ahead[1] = older;
	cache->ahead_alloc[1] = older_alloc;
	cache->nahead[1] = 0;
}

void history_cache_read_ahead_read(struct history_cache *cache,
				   const struct snapshot_file *files,
				   const unsigned char *changed, size_t n)
{
	struct text_batch *b;
	git_oid *seen, **ahead = &cache->ahead[1];
	unsigned char *used;
	size_t i, k, nseen = 0, mask = 15;

	/* The commits of the oldest blobs remembered are reported by now. */
	ahead_rotate(cache);
	if (cache->threads < 2 || !n || cache->staged)
		return;
	while (mask < n * 2)
		mask = mask * 2 + 1;
	seen = xcalloc(mask + 1, sizeof(*seen));
	used = xcalloc(mask + 1, 1);
	b = xcalloc(1, sizeof(*b));
	for (i = 0; i < n; i++) {
		k = oid_slot(seen, used, mask, &files[i].oid);
		if (used[k] || blob_known(cache, &files[i].oid))
			continue;
		used[k] = 1;
		git_oid_cpy(&seen[k], &files[i].oid);
		nseen++;
		batch_add(cache, b, &files[i], changed[i] ? AHEAD_LARGE : 0);
		/*
		 * The texts of the parse in progress count towards the bound,
		 * and a parse of the threads cannot overlap another.
		 */
		if (cache->pending && b->bytes + cache->pending_texts->bytes >= PREFETCH_BYTES)
			history_cache_read_ahead_finish(cache);
		if (b->bytes >= PREFETCH_BYTES)
			batch_parse(cache, b);
	}
	if (nseen) {
		XGROW(*ahead, cache->ahead_alloc[1], cache->nahead[1] + nseen);
		for (k = 0; k <= mask; k++)
			if (used[k])
				git_oid_cpy(&(*ahead)[cache->nahead[1]++], &seen[k]);
		qsort(*ahead, cache->nahead[1], sizeof(**ahead), compare_oids);
	}
	free(seen);
	free(used);
	cache->staged = b;
}

void history_cache_read_ahead_start(struct history_cache *cache)
{
	struct text_batch *b = cache->staged;

	history_cache_read_ahead_finish(cache);
	if (!b)
		return;
	cache->staged = NULL;
	/* These texts parse while the caller goes on. */
	cache->pending = chunk_table_prefetch_start(cache->chunks, b->jobs, b->njobs,
						    cache->rules, cache->severity,
						    cache->threads, cache->share_all ? 1 : 0);
	if (!cache->pending) {
		batch_free(b);
		return;
	}
	cache->pending_texts = b;
}

void history_cache_read_ahead_finish(struct history_cache *cache)
{
	if (!cache->pending)
		return;
	chunk_table_prefetch_finish(cache->chunks, cache->pending, &cache->parsed_chunks);
	cache->pending = NULL;
	batch_free(cache->pending_texts);
	cache->pending_texts = NULL;
}

/*
 * Parses the configuration text of c and reports whether it can be used.
 * It cannot when it is invalid or names a registry path outside the
 * repository, and why then contains the reason. One that names no
 * registry gets the default, data/models.yaml, as `check --rev` gives it.
 */
static int config_usable(struct config_entry *c, const char *text, size_t len,
			 struct buf *why)
{
	size_t i;

	if (config_parse(&c->config, GITREPO_CONFIG_NAME, text, len, why) < 0)
		return 0;
	for (i = 0; i < c->config.registry.nr; i++) {
		char *normal = gitrepo_normalize_path(c->config.registry.items[i]);

		if (!normal) {
			buf_setf(why, "%s: registry path '%s' is outside the repository",
				 GITREPO_CONFIG_NAME, c->config.registry.items[i]);
			return 0;
		}
		free(normal);
	}
	if (!c->config.registry.nr)
		string_list_append(&c->config.registry, "data/models.yaml");
	return 1;
}

/*
 * A commit whose configuration cannot be used keeps the registry of the
 * current one, as if it had none, because a mistake fixed in a later
 * commit must not stop every walk through it. --verbose prints this once,
 * for the first commit reported with that file. A read-ahead, which lists
 * commits before their turn, prints nothing.
 */
/*
 * Prints, for --verbose, why the configuration of commit is not used. The
 * reason, shown, is escaped already.
 */
static void print_unused_config(const git_oid *commit, const char *shown)
{
	fprintf(stderr, "modelaudit: configuration of commit %s not used, so the "
		"registry paths of the current one apply: %s\n",
		git_oid_tostr_s(commit), shown);
}

static void report_unused_config(struct history_cache *cache, struct config_entry *c,
				 const git_oid *commit)
{
	struct buf why = BUF_INIT;

	if (!cache->verbose || c->usable || c->reported || cache->reading_ahead)
		return;
	/* The reason can quote a registry path of the file as it was written. */
	report_sanitize_escaped(&why, c->why ? c->why : "");
	print_unused_config(commit, why.ptr);
	buf_release(&why);
	c->reported = 1;
}

int history_cache_registry_paths(const struct string_list **out,
				 struct history_cache *cache, const git_tree *tree,
				 const git_oid *commit,
				 const struct string_list *fallback, struct buf *err)
{
	struct config_entry *c;
	struct buf why = BUF_INIT;
	char *data = NULL;
	size_t len = 0;
	git_oid id;
	int found, ret;

	*out = fallback;
	ret = gitrepo_tree_config_id(&id, &found, cache->repo, tree, NULL, err);
	if (ret == GITREPO_BAD_CONFIG) {
		/*
		 * The link's target can differ from commit to commit, so
		 * nothing is cached. The message is escaped already.
		 */
		if (cache->verbose && !cache->reading_ahead &&
		    !git_oid_equal(&cache->link_reported, commit)) {
			print_unused_config(commit, err->ptr);
			git_oid_cpy(&cache->link_reported, commit);
		}
		buf_reset(err);
		return 0;
	}
	if (ret < 0 || !found)
		return ret;
	for (c = cache->configs; c; c = c->next) {
		if (git_oid_equal(&c->oid, &id)) {
			if (c->usable)
				*out = &c->config.registry;
			report_unused_config(cache, c, commit);
			return 0;
		}
	}

	ret = gitrepo_load_blob(&data, &len, cache->repo, &id, GITREPO_CONFIG_NAME, err);
	if (ret < 0)
		return ret;
	c = xcalloc(1, sizeof(*c));
	git_oid_cpy(&c->oid, &id);
	config_init(&c->config);
	c->usable = config_usable(c, data, len, &why);
	if (!c->usable)
		c->why = buf_detach(&why, NULL);
	report_unused_config(cache, c, commit);
	c->next = cache->configs;
	cache->configs = c;
	if (c->usable)
		*out = &c->config.registry;
	free(data);
	buf_release(&why);
	return 0;
}
