#ifndef MODELAUDIT_GITLOOSE_H
#define MODELAUDIT_GITLOOSE_H

#include <git2.h>

#include "buf.h"

/*
 * A reader of the loose objects of a repository that rejects a damaged
 * object with a message naming it, in place of libgit2's own reader.
 *
 * libgit2 1.5.1 loops forever on a loose object whose zlib stream is cut
 * short, because its inflate loop takes Z_BUF_ERROR for "call again"
 * (fixed upstream in libgit2 pull request 7346). It is also reported to
 * write past its buffer when an object is longer than its header gives,
 * which was not reproduced here. Its errors for a bad zlib stream name no
 * object either. This reader inflates each loose object with zlib, requires the
 * stream to end with exactly as many bytes as the header gives, and
 * otherwise fails with "loose object <id> is corrupt: <why>".
 *
 * It is asked after the pack files and before libgit2's loose reader, so
 * a packed object is read as before. Reads by abbreviated id
 * (read_prefix), header reads and the object directories of alternates
 * still go to libgit2.
 */

/*
 * Puts the reader in front of libgit2's loose reader in the object
 * database of git. Returns 0, or -1 with a message in err.
 */
int gitloose_add(git_repository *git, struct buf *err);

/*
 * Reports whether a zlib stream of stream_len bytes can inflate to size
 * bytes. A size that no stream of that length can reach is a corrupt
 * header, and checking it first keeps a reader from allocating it.
 */
int gitloose_size_possible(size_t stream_len, size_t size);

#endif
