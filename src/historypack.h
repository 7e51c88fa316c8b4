#ifndef MODELAUDIT_HISTORYPACK_H
#define MODELAUDIT_HISTORYPACK_H

#include <stddef.h>

#include <git2.h>

/*
 * A reader of blobs from git pack files that keeps the objects it
 * materialised, for walks over many versions of one large file.
 *
 * A new version of a file is usually stored as a delta against an
 * earlier one. libgit2 caches no delta base larger than 1 MiB
 * (GIT_PACK_CACHE_SIZE_LIMIT in its pack.h, 1.5 and later), so
 * every read of a large blob applies its whole delta chain again. This
 * reader caches the objects it built, up to a memory budget, so reading
 * the versions of a file one after the other applies about one delta
 * each. It also bounds the size of every object of a delta chain, which
 * libgit2 does not, so check reads packed files through it too.
 *
 * It reads only version 2 pack indexes, of the object directories it is
 * given. Anything else (a loose object, a damaged pack) makes a read
 * return -1, and the caller reads the blob with libgit2.
 */

struct pack_reader;

/*
 * The memory that a walk over history keeps for built objects: 96 MiB, the
 * default of git's core.deltaBaseCacheLimit.
 */
#define PACK_READER_WALK_BUDGET ((size_t)96 * 1024 * 1024)

/*
 * Opens the packs of the ndirs object directories objects_dirs (such as
 * ".git/objects" and its alternates); NULL when there are none. The
 * reader keeps the objects it built up to cache_budget bytes, and always
 * the last one read, even when it is larger.
 */
struct pack_reader *pack_reader_open(const char *const *objects_dirs, size_t ndirs,
				     size_t cache_budget);

/*
 * Frees objects until the cache is within its budget again, the last one
 * read included, so the data of the last read is no longer valid.
 */
void pack_reader_trim(struct pack_reader *r);

void pack_reader_free(struct pack_reader *r);

/* The return value of pack_reader_read() for a blob larger than its limit. */
#define PACK_READER_TOO_LARGE 1

/*
 * The return value of pack_reader_read() for a blob that the pack builds
 * from a delta base, or through a delta, larger than twice its limit.
 */
#define PACK_READER_BASE_TOO_LARGE 2

/*
 * Reads blob oid. Returns 0 with *data and *len pointing at its contents,
 * valid until the next call, PACK_READER_TOO_LARGE with its size in *len
 * when it is larger than max bytes, PACK_READER_BASE_TOO_LARGE with the
 * size of the object in *len when its delta chain contains an object larger
 * than 2 * max bytes, or -1 when the reader cannot provide it. The sizes
 * come from the headers of the pack entries and deltas, so an object over
 * the limit is never built.
 */
int pack_reader_read(struct pack_reader *r, const git_oid *oid,
		     const char **data, size_t *len, size_t max);

#endif
