#ifndef MODELAUDIT_GITLOOSE_H
#define MODELAUDIT_GITLOOSE_H

#include <git2.h>

#include "buf.h"

/*
 * The object database of a repository, with a reader of loose objects
 * that rejects a damaged object with a message naming it in place of
 * libgit2's own.
 *
 * libgit2 1.5.1 loops forever on a loose object whose zlib stream is cut
 * short, because its inflate loop takes Z_BUF_ERROR for "call again"
 * (fixed upstream in libgit2 pull request 7346). It is also reported to
 * write past its buffer when an object is longer than its header gives,
 * which was not reproduced here. Its errors for a bad zlib stream name no
 * object either. This reader inflates each loose object with zlib,
 * requires the stream to end with exactly as many bytes as the header
 * gives, and otherwise fails with "loose object <id> is corrupt: <why>".
 *
 * For an abbreviated id, libgit2 queries every backend of the database,
 * so its own loose reader would still read the object after this one.
 * The database is therefore built anew, with libgit2's pack reader and
 * this loose reader for the object directory and for each alternate.
 */

/*
 * Replaces the object database of git with one built as above, from the
 * object directory (GIT_OBJECT_DIRECTORY, or "objects" in the common
 * directory), the alternates that its info/alternates file names, and
 * those of GIT_ALTERNATE_OBJECT_DIRECTORIES. Sets objects_dir to the
 * object directory and alternates to the alternates read, each path
 * followed by a NUL byte. Returns 0, or -1 with a message in err.
 */
int gitloose_install(git_repository *git, struct buf *objects_dir,
		     struct buf *alternates, struct buf *err);

/*
 * Reports whether a zlib stream of stream_len bytes can inflate to size
 * bytes. A size that no stream of that length can reach is a corrupt
 * header, and checking it first keeps a reader from allocating it.
 */
int gitloose_size_possible(size_t stream_len, size_t size);

#endif
