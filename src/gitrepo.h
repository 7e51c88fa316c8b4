#ifndef MODELAUDIT_GITREPO_H
#define MODELAUDIT_GITREPO_H

#include <stddef.h>

#include <git2.h>

#include "buf.h"
#include "options.h"

/*
 * Reading the registry out of git: the files of the registry as they are in
 * the working tree, in the index, or in a commit, each with its blob id.
 *
 * A registry path (from the `registry:` list of the configuration) is
 * relative to the repository root and names a file or a directory. A
 * directory means every *.yaml and *.yml file below it, except hidden
 * entries (names that start with a dot). The files of
 * one registry path come in byte order of their paths, the registry paths
 * in the order given; a file named twice is listed once.
 *
 * Every function returns 0 on success or a negative code with a message in
 * err: GITREPO_ERROR for an operational failure (exit status 4),
 * GITREPO_BAD_SPEC for a revision that is not valid syntax (exit status 2).
 */

#define GITREPO_ERROR (-1)
#define GITREPO_BAD_SPEC (-2)
/* A configuration file that is a symbolic link that cannot be followed. */
#define GITREPO_BAD_CONFIG (-3)

/*
 * Registry files larger than this are rejected rather than read: the
 * limit of files of the working tree (AUDIT_MAX_FILE_SIZE), so that the
 * index and the history allow no more than a checkout does.
 */
#define GITREPO_MAX_FILE ((size_t)256 * 1024 * 1024)

/* The name of the configuration file at the root of a snapshot. */
#define GITREPO_CONFIG_NAME ".modelaudit.yaml"

struct gitrepo;

enum snapshot_kind {
	SNAPSHOT_WORKTREE,	/* the files on disk */
	SNAPSHOT_INDEX,		/* the staged files */
	SNAPSHOT_COMMIT		/* the tree of a commit */
};

struct snapshot_file {
	char *path;		/* relative to the repository root, '/'-separated */
	char *data;		/* NUL-terminated contents; NULL until loaded */
	size_t len;
	git_oid oid;		/* blob id; for working-tree files, computed */
};

struct snapshot {
	struct snapshot_file *files;
	size_t nr;
	size_t alloc;
	/* Registry paths that name nothing in the snapshot (owned strings). */
	char **missing;
	size_t nmissing;
	size_t missing_alloc;
};

#define SNAPSHOT_INIT { NULL, 0, 0, NULL, 0, 0 }

/*
 * Opens the repository that contains the current directory (walking up,
 * honouring GIT_DIR as git does). Bare repositories and linked worktrees
 * open too, but a bare repository has no working-tree snapshot.
 */
int gitrepo_open(struct gitrepo **out, struct buf *err);

/* Closes the repository. NULL is allowed. */
void gitrepo_free(struct gitrepo *repo);

/* Returns libgit2's message for its last error, or "unknown libgit2 error". */
const char *gitrepo_reason(void);

/* Returns the libgit2 handle, owned by repo, for history walking. */
git_repository *gitrepo_git(struct gitrepo *repo);

/*
 * Appends to err, after a message about an object that was not found,
 * why objects can be missing. When repo is a shallow clone, the text
 * states that and how to fetch the rest. libgit2 1.5 has no support for
 * shallow clones, so a revision walk that reaches the clone's oldest
 * commits looks for their parents and fails. It reads a few commits past the start of a
 * range, so a range that stops just short of them fails too. It also
 * names the first pack file, of the object directory or of an alternate,
 * that is missing or damaged.
 */
void gitrepo_add_missing_hint(struct gitrepo *repo, struct buf *err);

struct pack_reader;

/*
 * Opens a pack reader (see historypack.h) over the packs of the object
 * directory that objects are read from (GIT_OBJECT_DIRECTORY, or "objects"
 * in the common directory of the repository) and of its alternates.
 * Returns NULL when there are no packs.
 */
struct pack_reader *gitrepo_pack_reader(const struct gitrepo *repo, size_t cache_budget);

/* Returns the working tree's root with a trailing '/', or NULL when bare. */
const char *gitrepo_workdir(const struct gitrepo *repo);

/*
 * Resolves rev (anything `git rev-parse` accepts) to a commit, which the
 * caller frees with git_commit_free(). An unknown revision fails with
 * "unknown revision '<rev>': <libgit2's reason>", followed by the hint
 * of gitrepo_add_missing_hint() when the revision names a missing commit.
 */
int gitrepo_resolve_commit(git_commit **out, struct gitrepo *repo,
			   const char *rev, struct buf *err);

/*
 * Reads the registry files of a snapshot into out (which starts as
 * SNAPSHOT_INIT and is released with snapshot_release()): the working tree,
 * the index, or the commit that rev names (rev is ignored for the other
 * kinds). Each file's contents are loaded. A registry path that names
 * nothing is recorded in out->missing, not an error: the caller decides.
 */
int gitrepo_read_snapshot(struct snapshot *out, struct gitrepo *repo,
			  enum snapshot_kind kind, const char *rev,
			  const struct string_list *registry_paths,
			  struct buf *err);

/*
 * Reads the configuration file (GITREPO_CONFIG_NAME at the root) of a
 * snapshot into text. Sets *found to 0, and leaves text empty, when the
 * snapshot has none.
 */
int gitrepo_read_config(struct buf *text, int *found, struct gitrepo *repo,
			enum snapshot_kind kind, const char *rev,
			struct buf *err);

/*
 * Lower-level calls for history walking, where most commits share most
 * blobs. gitrepo_list_tree() lists the registry files of tree with their
 * blob ids but does not load them, and gitrepo_load_blob() loads one.
 */
int gitrepo_list_tree(struct snapshot *out, struct gitrepo *repo,
		      const git_tree *tree,
		      const struct string_list *registry_paths,
		      struct buf *err);
/* Sets err to the message for the blob oid at path, larger than GITREPO_MAX_FILE. */
void gitrepo_too_large(struct buf *err, const char *path, const git_oid *oid);
/*
 * Checks got, a return value of pack_reader_read() for the blob oid at
 * path with the size it gave. Returns GITREPO_ERROR with a message in err
 * when the blob or an object of its delta chain is over the limit, else 0.
 */
int gitrepo_pack_limit(struct buf *err, int got, const char *path, const git_oid *oid, size_t size);
/*
 * Checks the size of blob oid, from its header, against GITREPO_MAX_FILE.
 * Returns GITREPO_ERROR with a message in err when the blob is larger,
 * and 0 otherwise. A header that cannot be read also gives 0, because
 * reading the blob then reports why.
 */
int gitrepo_check_size(struct gitrepo *repo, const git_oid *oid, const char *path,
		       struct buf *err);
int gitrepo_load_blob(char **data, size_t *len, struct gitrepo *repo,
		      const git_oid *oid, const char *path, struct buf *err);

/*
 * Reads GITREPO_CONFIG_NAME from tree, following symbolic links inside
 * the tree as a checkout would. Sets *found to 0 when tree has none.
 * Returns GITREPO_BAD_CONFIG, with a message that names where (the
 * revision), when a link on the way is absolute, leaves the repository,
 * names no file or is one of a chain of more than eight.
 */
int gitrepo_tree_config(struct buf *text, int *found, struct gitrepo *repo,
			const git_tree *tree, const char *where, struct buf *err);
/* Finds the blob that gitrepo_tree_config() would read, without reading it. */
int gitrepo_tree_config_id(git_oid *id, int *found, struct gitrepo *repo,
			   const git_tree *tree, const char *where, struct buf *err);

/*
 * Normalises a registry path from the configuration: drops "./" and
 * trailing slashes. Returns NULL for a path that leaves the repository
 * (absolute, or with a ".." component) or names its root.
 */
char *gitrepo_normalize_path(const char *path);

/*
 * Checks that every registry path of the configuration file named config
 * stays inside the repository. Returns 0, or -1 with a message in err
 * that names the file and the first path that leaves.
 */
int gitrepo_check_registry_paths(const struct string_list *paths, const char *config,
				 struct buf *err);

void snapshot_release(struct snapshot *snap);

/* The author and the subject line of a commit, in UTF-8. */
struct commit_text {
	struct buf name;
	struct buf email;
	struct buf subject;
};

/*
 * Fills t with the author and the subject of commit, converted to UTF-8
 * from the encoding that the commit's header names, as git log shows
 * them. Text that does not convert is kept as it is, for the report
 * writers to escape. Release t with gitrepo_commit_text_release().
 */
void gitrepo_commit_text(struct commit_text *t, const git_commit *commit);

void gitrepo_commit_text_release(struct commit_text *t);

#endif
