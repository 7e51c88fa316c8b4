#include "historychunk.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "checks.h"
#include "loader.h"
#include "textutil.h"
#include "threads.h"

/* ---- the table of parsed chunks --------------------------------------- */

struct chunk_table {
	struct model_chunk **buckets;
	size_t nbuckets;
	size_t count;
	/*
	 * The memory of the chunks' models, which live as long as the table:
	 * one pool costs fewer allocations than an arena each, and is
	 * released at once.
	 */
	struct arena_pool pool;
	/* The memory of the chunks parsed by chunk_table_prefetch(), a pool per thread. */
	struct arena_pool thread_pools[THREADS_MAX];
};

struct chunk_table *chunk_table_new(void)
{
	struct chunk_table *t = xcalloc(1, sizeof(*t));

	t->nbuckets = 1024;
	t->buckets = xcalloc(t->nbuckets, sizeof(*t->buckets));
	return t;
}

void model_chunk_free_shell(struct model_chunk *c)
{
	if (!c)
		return;
	free(c->text);
	finding_list_release(&c->findings);
	free(c);
}

void model_chunk_free(struct model_chunk *c)
{
	if (!c)
		return;
	model_free(c->model);
	model_chunk_free_shell(c);
}

void chunk_table_free(struct chunk_table *table)
{
	size_t i;

	if (!table)
		return;
	for (i = 0; i < table->nbuckets; i++) {
		struct model_chunk *c = table->buckets[i], *next;

		for (; c; c = next) {
			next = c->next;
			model_chunk_free(c);
		}
	}
	free(table->buckets);
	arena_pool_release(&table->pool);
	for (i = 0; i < THREADS_MAX; i++)
		arena_pool_release(&table->thread_pools[i]);
	free(table);
}

static void table_grow(struct chunk_table *t)
{
	size_t n = t->nbuckets * 4, i;
	struct model_chunk **b = xcalloc(n, sizeof(*b));

	for (i = 0; i < t->nbuckets; i++) {
		struct model_chunk *c = t->buckets[i], *next;

		for (; c; c = next) {
			next = c->next;
			c->next = b[c->hash & (n - 1)];
			b[c->hash & (n - 1)] = c;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

struct chunk_parse {
	const char *path;
	const struct ruleset *rules;
	struct arena_pool *pool;
	struct model *model;
	size_t models;
	struct finding_list findings;
};

static void on_chunk_model(void *data, const struct node *item)
{
	struct chunk_parse *cp = data;
	struct model *m = model_from_node(item, cp->path, cp->rules, &cp->findings, cp->pool);

	checks_model(m, cp->rules, &cp->findings);
	cp->models++;
	if (cp->model)
		model_free(m);
	else
		cp->model = m;
}

/* Reports whether a message of c's findings names one of c's lines. */
static int quotes_lines(const struct model_chunk *c)
{
	size_t i;

	/* The messages about a model without an id call it "model at line N". */
	if (!c->model->id.s && c->findings.nr)
		return 1;
	for (i = 0; i < c->findings.nr; i++)
		if (c->findings.items[i].rule == RULE_SOURCE_DUPLICATE_ID ||
		    c->findings.items[i].rule == RULE_SCORE_DUPLICATE)
			return 1;
	return 0;
}

/* The synthetic first line that makes a chunk a registry file of its own. */
static const char chunk_prefix[] = "models:\n";
#define CHUNK_PREFIX_LEN (sizeof(chunk_prefix) - 1)

/*
 * Parses the chunk of text at span and finishes its findings with
 * severity, which costs almost a tenth of the parse and so is done on
 * the thread that parsed it. Returns NULL when the chunk does not parse cleanly.
 */
static struct model_chunk *parse_chunk(const char *path, const char *text,
				       const struct chunk_span *span,
				       const struct ruleset *rules,
				       const enum severity *severity,
				       struct arena_pool *pool)
{
	struct chunk_parse cp;
	struct loader_options options;
	struct loaded_file file;
	struct finding_list file_findings = FINDING_LIST_INIT;
	struct model_chunk *c = NULL;
	char *doc;
	int clean;

	if (span->line < 2 || span->offset < CHUNK_PREFIX_LEN)
		return NULL;
	memset(&cp, 0, sizeof(cp));
	cp.path = path;
	cp.rules = rules;
	cp.pool = pool;
	memset(&options, 0, sizeof(options));
	options.line_offset = span->line - 2;
	options.byte_offset = span->offset - CHUNK_PREFIX_LEN;
	options.on_model = on_chunk_model;
	options.data = &cp;

	doc = xmalloc(CHUNK_PREFIX_LEN + span->len + 1);
	memcpy(doc, chunk_prefix, CHUNK_PREFIX_LEN);
	memcpy(doc + CHUNK_PREFIX_LEN, text + span->offset, span->len);
	doc[CHUNK_PREFIX_LEN + span->len] = '\0';
	loader_parse(&file, path, doc, CHUNK_PREFIX_LEN + span->len, &options,
		     &file_findings);
	clean = !file.fatal && file.root && !file_findings.nr && cp.models == 1;
	loaded_file_release(&file);
	finding_list_release(&file_findings);
	free(doc);

	if (!clean) {
		model_free(cp.model);
		finding_list_release(&cp.findings);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->text = xstrndup(text + span->offset, span->len);
	c->len = span->len;
	c->line = span->line;
	c->offset = span->offset;
	c->model = cp.model;
	c->findings = cp.findings;
	finding_list_finish(&c->findings, severity);
	c->quotes_lines = quotes_lines(c);
	return c;
}

static struct model_chunk *chunk_find(const struct chunk_table *table, uint64_t hash,
				      const char *text, size_t len)
{
	struct model_chunk *c;

	for (c = table->buckets[hash & (table->nbuckets - 1)]; c; c = c->next)
		if (c->hash == hash && c->len == len && !memcmp(c->text, text, len))
			return c;
	return NULL;
}

static void chunk_insert(struct chunk_table *table, struct model_chunk *c, uint64_t hash)
{
	c->hash = hash;
	if (table->count >= table->nbuckets * 2)
		table_grow(table);
	c->next = table->buckets[hash & (table->nbuckets - 1)];
	table->buckets[hash & (table->nbuckets - 1)] = c;
	table->count++;
}

const struct model_chunk *chunk_table_get(struct chunk_table *table,
					  const char *path, const char *text,
					  const struct chunk_span *span,
					  const struct ruleset *rules,
					  const enum severity *severity,
					  size_t *parsed)
{
	uint64_t h = text_hash(text + span->offset, span->len);
	struct model_chunk *c = chunk_find(table, h, text + span->offset, span->len);

	if (c)
		return c;
	c = parse_chunk(path, text, span, rules, severity, &table->pool);
	if (!c)
		return NULL;
	(*parsed)++;
	chunk_insert(table, c, h);
	return c;
}

struct model_chunk *chunk_table_parse(struct chunk_table *table, const char *path,
				      const char *text, const struct chunk_span *span,
				      const struct ruleset *rules,
				      const enum severity *severity)
{
	return parse_chunk(path, text, span, rules, severity, &table->pool);
}

/* ---- parsing new chunks on several threads ---------------------------- */

/* Fewer new chunks than this per thread are not worth starting it. */
#define PREFETCH_MIN_CHUNKS 16

/*
 * The new chunks, which the threads take in blocks of PREFETCH_BLOCK as
 * each finishes the last: parse times differ too much from chunk to chunk
 * for runs fixed in advance to end together.
 */
#define PREFETCH_BLOCK 4

struct prefetch_work {
	const struct chunk_job *jobs;
	const size_t *todo;		/* indexes of jobs to parse */
	size_t ntodo;
	atomic_size_t next;		/* the first index of todo not taken */
	struct model_chunk **out;	/* per index of todo */
	const struct ruleset *rules;
	const enum severity *severity;
};

/* One thread's part: the shared work, and the memory for its chunks. */
struct prefetch_run {
	struct prefetch_work *work;
	struct arena_pool *pool;
};

static void *prefetch_run(void *data)
{
	struct prefetch_run *r = data;
	struct prefetch_work *w = r->work;
	size_t first, i;

	while ((first = atomic_fetch_add(&w->next, PREFETCH_BLOCK)) < w->ntodo) {
		size_t end = first + PREFETCH_BLOCK < w->ntodo ? first + PREFETCH_BLOCK : w->ntodo;

		for (i = first; i < end; i++) {
			const struct chunk_job *j = &w->jobs[w->todo[i]];

			w->out[i] = parse_chunk(j->path, j->text, &j->span, w->rules,
						w->severity, r->pool);
		}
	}
	ruleset_thread_release();
	return NULL;
}

/*
 * Returns the indexes of the jobs whose text the table does not hold, the
 * first of each text only, in the order of jobs. Sets *hashes to every
 * job's hash.
 */
static size_t *new_jobs(size_t *count, uint64_t **hashes, const struct chunk_table *table,
			const struct chunk_job *jobs, size_t njobs)
{
	size_t nslots = 16, i, n = 0;
	size_t *todo = xcalloc(njobs, sizeof(*todo));
	size_t *slots;

	/* An open-addressing set of the jobs taken, at most half full. */
	while (nslots < njobs * 2)
		nslots *= 2;
	slots = xcalloc(nslots, sizeof(*slots));
	*hashes = xcalloc(njobs, sizeof(**hashes));
	for (i = 0; i < njobs; i++) {
		const char *text = jobs[i].text + jobs[i].span.offset;
		size_t len = jobs[i].span.len, k;
		uint64_t h = text_hash(text, len);
		int seen = 0;

		(*hashes)[i] = h;
		if (chunk_find(table, h, text, len))
			continue;
		for (k = h & (nslots - 1); slots[k]; k = (k + 1) & (nslots - 1)) {
			const struct chunk_job *o = &jobs[slots[k] - 1];

			if ((*hashes)[slots[k] - 1] == h && o->span.len == len &&
			    !memcmp(o->text + o->span.offset, text, len)) {
				seen = 1;
				break;
			}
		}
		if (seen)
			continue;
		slots[k] = i + 1;
		todo[n++] = i;
	}
	free(slots);
	*count = n;
	return todo;
}

/* A parse that chunk_table_prefetch_start() started and chunk_table_prefetch_finish() ends. */
struct chunk_prefetch {
	struct prefetch_work work;
	struct prefetch_run runs[THREADS_MAX];
	struct threads_started threads;
	size_t *todo;
	uint64_t *hashes;
};

struct chunk_prefetch *chunk_table_prefetch_start(struct chunk_table *table,
						  const struct chunk_job *jobs, size_t njobs,
						  const struct ruleset *rules,
						  const enum severity *severity,
						  unsigned threads, int share_all)
{
	struct chunk_prefetch *p;
	void *args[THREADS_MAX];
	size_t ntodo, nruns, i;
	uint64_t *hashes;
	size_t *todo = new_jobs(&ntodo, &hashes, table, jobs, njobs);

	nruns = threads < THREADS_MAX ? threads : THREADS_MAX;
	if (nruns > ntodo / (share_all ? 1 : PREFETCH_MIN_CHUNKS))
		nruns = ntodo / (share_all ? 1 : PREFETCH_MIN_CHUNKS);
	if (nruns < 2) {
		free(todo);
		free(hashes);
		return NULL;
	}

	p = xcalloc(1, sizeof(*p));
	p->todo = todo;
	p->hashes = hashes;
	p->work.jobs = jobs;
	p->work.todo = todo;
	p->work.ntodo = ntodo;
	atomic_init(&p->work.next, 0);
	p->work.out = xcalloc(ntodo, sizeof(*p->work.out));
	p->work.rules = rules;
	p->work.severity = severity;
	for (i = 0; i < nruns; i++) {
		p->runs[i].work = &p->work;
		p->runs[i].pool = &table->thread_pools[i];
		args[i] = &p->runs[i];
	}
	/* The first run is the calling thread's, in chunk_table_prefetch_finish(). */
	threads_start(&p->threads, prefetch_run, args + 1, nruns - 1);
	return p;
}

void chunk_table_prefetch_finish(struct chunk_table *table, struct chunk_prefetch *p,
				 size_t *parsed)
{
	size_t i;

	if (!p)
		return;
	prefetch_run(&p->runs[0]);
	threads_join(&p->threads);
	for (i = 0; i < p->work.ntodo; i++) {
		struct model_chunk *c = p->work.out[i];
		uint64_t h = p->hashes[p->todo[i]];

		if (!c)
			continue;
		/* The calling thread may have parsed the same text meanwhile. */
		if (chunk_find(table, h, c->text, c->len)) {
			model_chunk_free(c);
			continue;
		}
		(*parsed)++;
		chunk_insert(table, c, h);
	}
	free(p->work.out);
	free(p->todo);
	free(p->hashes);
	free(p);
}

void chunk_table_prefetch(struct chunk_table *table, const struct chunk_job *jobs,
			  size_t njobs, const struct ruleset *rules,
			  const enum severity *severity, unsigned threads,
			  int share_all, size_t *parsed)
{
	chunk_table_prefetch_finish(table, chunk_table_prefetch_start(table, jobs, njobs, rules,
								      severity, threads,
								      share_all),
				    parsed);
}

/* ---- placing a model elsewhere ---------------------------------------- */

static void shift_pos(struct pos *p, long delta)
{
	if (p->line)
		p->line = (uint32_t)((long)p->line + delta);
}

static void shift_text(struct text *t, long delta)
{
	shift_pos(&t->pos, delta);
}

static void *copy_array(struct arena *a, const void *items, size_t n, size_t size)
{
	void *p;

	if (!n)
		return (void *)items;
	p = arena_alloc(a, xmul(n, size));
	memcpy(p, items, n * size);
	return p;
}

/*
 * NOTE: every position of struct model must be shifted here; a position
 * field added to the model later must be added too.
 */
struct model *model_place(const struct model *m, const char *path,
			  long line_delta, long byte_delta)
{
	struct model *c = xmalloc(sizeof(*c));
	size_t i, k;

	*c = *m;
	memset(&c->arena, 0, sizeof(c->arena));
	c->path = arena_strdup(&c->arena, path);
	c->offset = (size_t)((long)c->offset + byte_delta);
	c->end_offset = (size_t)((long)c->end_offset + byte_delta);
	if (!line_delta)
		return c;

	shift_pos(&c->pos, line_delta);
	shift_text(&c->id, line_delta);
	shift_text(&c->name, line_delta);
	shift_text(&c->organization, line_delta);
	shift_text(&c->released, line_delta);
	shift_text(&c->family, line_delta);
	shift_text(&c->base_model, line_delta);

	c->sources = copy_array(&c->arena, m->sources, m->nsources, sizeof(*m->sources));
	for (i = 0; i < c->nsources; i++) {
		struct source *s = &c->sources[i];

		shift_pos(&s->pos, line_delta);
		shift_text(&s->id, line_delta);
		shift_text(&s->url, line_delta);
		shift_text(&s->title, line_delta);
		shift_text(&s->published, line_delta);
	}

	c->specs = copy_array(&c->arena, m->specs, m->nspecs, sizeof(*m->specs));
	for (i = 0; i < c->nspecs; i++) {
		shift_text(&c->specs[i].key, line_delta);
		shift_text(&c->specs[i].value, line_delta);
		shift_text(&c->specs[i].source, line_delta);
	}

	c->scores = copy_array(&c->arena, m->scores, m->nscores, sizeof(*m->scores));
	for (i = 0; i < c->nscores; i++) {
		struct score *s = &c->scores[i];

		shift_pos(&s->pos, line_delta);
		shift_text(&s->benchmark, line_delta);
		shift_text(&s->variant, line_delta);
		shift_text(&s->value, line_delta);
		shift_text(&s->date, line_delta);
		shift_text(&s->source, line_delta);
		shift_text(&s->reported_by, line_delta);
		shift_text(&s->notes, line_delta);
		s->extra = copy_array(&c->arena, s->extra, s->nextra, sizeof(*s->extra));
		for (k = 0; k < s->nextra; k++) {
			shift_pos(&s->extra[k].key_pos, line_delta);
			shift_pos(&s->extra[k].pos, line_delta);
		}
	}

	c->fields = copy_array(&c->arena, m->fields, m->nfields, sizeof(*m->fields));
	for (i = 0; i < c->nfields; i++) {
		shift_pos(&c->fields[i].key_pos, line_delta);
		shift_pos(&c->fields[i].pos, line_delta);
	}

	c->siblings = copy_array(&c->arena, m->siblings, m->nsiblings, sizeof(*m->siblings));
	for (i = 0; i < c->nsiblings; i++)
		shift_pos(&c->siblings[i].pos, line_delta);
	return c;
}
