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
 * each.
 *
 * It reads only version 2 pack indexes of the repository's own object
 * directory. Anything else (a loose object, an alternate, a damaged pack)
 * makes a read return -1, and the caller reads the blob with libgit2.
 */

struct pack_reader;

/* Opens the packs of objects_dir (".git/objects"); NULL when there are none. */
struct pack_reader *pack_reader_open(const char *objects_dir);

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
 * size of the object in *len when its delta chain holds an object larger
 * than 2 * max bytes, or -1 when the reader cannot provide it. The sizes
 * come from the headers of the pack entries and deltas, so an object over
 * the limit is never built.
 */
int pack_reader_read(struct pack_reader *r, const git_oid *oid,
		     const char **data, size_t *len, size_t max);

#endif
