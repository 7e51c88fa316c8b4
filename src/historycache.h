#ifndef MODELAUDIT_HISTORYCACHE_H
#define MODELAUDIT_HISTORYCACHE_H

#include <git2.h>

#include "buf.h"
#include "config.h"
#include "finding.h"
#include "gitrepo.h"
#include "registry.h"
#include "ruleset.h"
#include "suppress.h"

/*
 * The caches of a history walk, which live for the whole run:
 *
 * - per blob id, the models of a registry file and the findings of the
 *   file and of each model (not the cross-model ones), so that no blob is
 *   parsed twice. The same blob under another path (a
 *   moved file) gets shallow copies of the models that name the new path.
 *   The findings are finished (severities, fingerprints) once, here.
 * - per blob id of .modelaudit.yaml, the registry paths it configures.
 * - per model text (see historychunk.h), the model built from it, so that
 *   a large single-file registry costs in proportion to what a commit
 *   touched rather than to its size.
 */

/*
 * The place of the findings of one model of an entry: count findings from
 * first in list, which is a list of the chunk table, or the entry's own
 * list when NULL.
 */
struct finding_part {
	const struct finding_list *list;
	size_t first;
	size_t count;
};

struct blob_entry {
	git_oid oid;
	char *path;			/* the path that models and findings name */
	struct model **models;
	size_t nmodels;
	struct finding_list findings;	/* severities applied, fingerprints filled */
	/*
	 * Per model, where its findings are, or NULL when they are all in
	 * findings. A model used as it was parsed from a chunk keeps the
	 * chunk's findings there rather than copies.
	 */
	struct finding_part *parts;
	struct suppress_list suppressions;	/* the file's inline suppressions */
	char *shared;			/* per model: owned by the chunk table, not freed here */
	const void **origins;		/* per model: the chunk it was built from, or NULL */
	int rebuildable;		/* built from cached chunks, so cheap to build again */
	/*
	 * The file failed to load (yaml-syntax, invalid UTF-8, a limit hit):
	 * it has no models, and its findings are those of the loader.
	 */
	int broken;
	unsigned pins;			/* sides that use the entry */
	struct blob_entry *next;	/* in the hash bucket */
	/* In the cache's idle list: rebuildable, and no side uses it. */
	struct blob_entry *idle_prev;
	struct blob_entry *idle_next;
};

/* See history_cache_read_ahead_read(). */
#define AHEAD_LARGE ((size_t)1024 * 1024)

struct chunk_prefetch;
struct chunk_table;
struct config_entry;
struct text_batch;
struct pack_reader;

struct history_cache {
	struct gitrepo *repo;
	const struct ruleset *rules;
	const enum severity *severity;
	struct blob_entry **buckets;
	size_t nbuckets;
	size_t nentries;
	struct blob_entry *idle_first;	/* the entry unused longest */
	struct blob_entry *idle_last;
	size_t idle_models;		/* models of the idle entries */
	struct config_entry *configs;
	struct chunk_table *chunks;
	struct pack_reader *packs;	/* NULL when the repository has no packs */
	size_t parsed_files;		/* whole-file parses, for --verbose */
	size_t parsed_chunks;		/* per-model parses */
	/*
	 * Sorted: the blobs that history_cache_read_ahead_read() took, for
	 * the commits being reported [0] and the next ones [1].
	 */
	git_oid *ahead[2];
	size_t nahead[2];
	size_t ahead_alloc[2];
	struct chunk_prefetch *pending;	/* the read-ahead parsing, or NULL */
	struct text_batch *pending_texts;	/* its texts */
	struct text_batch *staged;	/* read, and not parsing yet */
	int reading_ahead;		/* the commits listed are not reported yet */
	unsigned threads;		/* for history_cache_prefetch() */
	int share_all;			/* share out even a few models (MODELAUDIT_THREADS) */
	int verbose;
	/* The last commit whose configuration link was reported as not followed. */
	git_oid link_reported;
};

void history_cache_init(struct history_cache *cache, struct gitrepo *repo,
			const struct ruleset *rules, const enum severity *severity);
void history_cache_release(struct history_cache *cache);

/*
 * Returns in *out the parsed form of blob oid under path, parsing it on
 * first use, and counts one more use of it (see history_cache_unpin()). data (len bytes) is the blob's text when the caller has it
 * already (working-tree files), or NULL to read it from the repository.
 */
int history_cache_get(const struct blob_entry **out, struct history_cache *cache,
		      const git_oid *oid, const char *path, const char *data,
		      size_t len, struct buf *err);

/*
 * Parses the models of the files not in the cache yet on cache->threads
 * threads, so that the history_cache_get() calls that follow find them
 * parsed. Files that do not cut into models, and any problem, are left to
 * history_cache_get(); nothing here is an error.
 */
void history_cache_prefetch(struct history_cache *cache,
			    const struct snapshot_file *files, size_t n);

/* Reports whether the cache has an entry for blob oid, under any path. */
int history_cache_has_blob(const struct history_cache *cache, const git_oid *oid);

/*
 * Reads files for a parse on the other threads, each blob once whatever
 * its paths, and keeps their texts until history_cache_read_ahead_start().
 * A file whose changed[] is set is a new version of a file: when it is
 * larger than AHEAD_LARGE it is left to history_cache_get(), since the
 * chunk table has most of its models from the version before. The blobs
 * taken are remembered until the second call after this one, so that no
 * read-ahead or history_cache_prefetch() reads them again. Each call
 * drops the blobs of the call two before it.
 *
 * This may run while the parse of the call before goes on: the walk reads
 * the next commits while the threads parse the current ones.
 */
void history_cache_read_ahead_read(struct history_cache *cache,
				   const struct snapshot_file *files,
				   const unsigned char *changed, size_t n);

/*
 * Ends the parse in progress, if any, and starts parsing what
 * history_cache_read_ahead_read() read since, while the caller goes on. Until
 * history_cache_read_ahead_finish() ends the parse,
 * history_cache_prefetch() does nothing.
 */
void history_cache_read_ahead_start(struct history_cache *cache);

/* Parses what the read-ahead left on the calling thread and adds it to the cache. */
void history_cache_read_ahead_finish(struct history_cache *cache);

/* Reports whether an inline suppression of the file of e covers f (by rule and line). */
int history_cache_suppressed(const struct blob_entry *e, const struct finding *f);

/*
 * Releases one use of an entry returned by history_cache_get(). An entry
 * built from cached chunks that no side uses any more stays idle, because
 * a walk that goes back to an older commit needs it again. The entries
 * idle longest are dropped when the idle ones contain too many models, which
 * bounds memory on long histories of a large file. Entries parsed whole
 * stay, so that no file is parsed twice.
 */
void history_cache_unpin(struct history_cache *cache, const struct blob_entry *entry);

/* Counts one more use of an entry that history_cache_get() returned, as another call would. */
void history_cache_pin(struct history_cache *cache, const struct blob_entry *entry);

/*
 * Returns in *out the registry paths that the .modelaudit.yaml of tree
 * configures (data/models.yaml when it names none), or fallback when tree
 * has none or one that cannot be used: invalid, or naming a path outside
 * the repository. commit is the commit of tree, named in the message that
 * --verbose prints about a configuration not used. The list lives as long
 * as the cache.
 */
int history_cache_registry_paths(const struct string_list **out,
				 struct history_cache *cache, const git_tree *tree,
				 const git_oid *commit,
				 const struct string_list *fallback, struct buf *err);

#endif
