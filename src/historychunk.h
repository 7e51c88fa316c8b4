#ifndef MODELAUDIT_HISTORYCHUNK_H
#define MODELAUDIT_HISTORYCHUNK_H

#include <stddef.h>
#include <stdint.h>

#include "finding.h"
#include "registry.h"
#include "ruleset.h"

/*
 * Per-model parsing of registry files for history walks. A registry file
 * in the usual layout (`models:` and then one block sequence item per
 * model) is cut into chunks at the items, by scanning lines, without
 * parsing. Each chunk's text is hashed; a chunk seen before reuses the
 * model built from it, and only new chunks are parsed, each on its own.
 * A file that does not cut cleanly is parsed whole.
 */

/* A model parsed from one chunk, at the place where it was first seen. */
struct model_chunk {
	uint64_t hash;
	char *text;
	size_t len;
	uint32_t line;
	size_t offset;
	struct model *model;
	struct finding_list findings;	/* of the model, finished with the severities */
	/*
	 * Whether a message of findings names a line of the chunk ("already
	 * used on line 7", "model at line 2"). Placed at other lines, such a
	 * message would name the wrong one.
	 */
	int quotes_lines;
	struct model_chunk *next;
};

struct chunk_table;

struct chunk_table *chunk_table_new(void);

/*
 * Parses the chunk of text at span as chunk_table_get() does, but returns
 * it without adding it to the table, for a chunk whose findings quote its
 * lines at other lines. NULL when it does not parse cleanly. Free it with
 * model_chunk_free(), or take its model and free the rest with
 * model_chunk_free_shell().
 */
struct model_chunk *chunk_table_parse(struct chunk_table *table, const char *path,
				      const char *text, const struct chunk_span *span,
				      const struct ruleset *rules,
				      const enum severity *severity);
void model_chunk_free(struct model_chunk *c);
void model_chunk_free_shell(struct model_chunk *c);
void chunk_table_free(struct chunk_table *table);

/*
 * Returns the chunk of text at span, parsing it on first sight (and then
 * incrementing *parsed) as a one-item registry file named path, with the
 * lines and bytes before it accounted for. Returns NULL when the chunk
 * alone does not parse to exactly one model without file-level findings:
 * the caller then parses the whole file.
 */
const struct model_chunk *chunk_table_get(struct chunk_table *table,
					  const char *path, const char *text,
					  const struct chunk_span *span,
					  const struct ruleset *rules,
					  const enum severity *severity,
					  size_t *parsed);

/* A chunk of a file to parse: text is the whole file. */
struct chunk_job {
	const char *path;
	const char *text;
	struct chunk_span span;
};

/*
 * Parses the chunks of jobs that the table does not hold yet on up to
 * threads threads, and adds them to the table in the order of jobs, so
 * that chunk_table_get() finds them. A chunk that does not parse cleanly
 * is left out. Unless share_all is set, a few new chunks are not worth the
 * threads and are left to chunk_table_get().
 */
void chunk_table_prefetch(struct chunk_table *table, const struct chunk_job *jobs,
			  size_t njobs, const struct ruleset *rules,
			  const enum severity *severity, unsigned threads,
			  int share_all, size_t *parsed);

/*
 * chunk_table_prefetch() in two halves, so that the calling thread can
 * work on while the other threads parse. The start picks the jobs to
 * parse and starts the threads. It returns NULL when there are too few
 * to share out. The finish parses what is left on the calling thread and
 * adds the chunks to the table. Until then the jobs' texts must stay. The
 * calling thread may look chunks up and add its own meanwhile, but must
 * not start another prefetch.
 */
struct chunk_prefetch;

struct chunk_prefetch *chunk_table_prefetch_start(struct chunk_table *table,
						  const struct chunk_job *jobs, size_t njobs,
						  const struct ruleset *rules,
						  const enum severity *severity,
						  unsigned threads, int share_all);
void chunk_table_prefetch_finish(struct chunk_table *table, struct chunk_prefetch *p,
				 size_t *parsed);

/*
 * Returns a copy of m as it would be at another place: in the file path,
 * every line moved by line_delta and the byte span by byte_delta. The copy
 * shares m's strings, so m must outlive it; free it with model_free().
 */
struct model *model_place(const struct model *m, const char *path,
			  long line_delta, long byte_delta);

#endif
