#ifndef MODELAUDIT_HISTORY_H
#define MODELAUDIT_HISTORY_H

#include <git2.h>

#include "buf.h"
#include "config.h"
#include "finding.h"
#include "gitrepo.h"
#include "ruleset.h"
#include "semdiff.h"

/*
 * The registry through git history: for each commit of a range, the
 * semantic diff against its first parent and the findings it introduced
 * and fixed. Each side is built from the registry files the commit's own
 * .modelaudit.yaml names (or the current configuration when the commit
 * has none that can be used, or when it came from --config) and audited
 * as `check` would audit it.
 *
 * What was parsed and found is cached per blob id for the whole run, so no
 * blob is parsed twice, and a commit whose registry files are those of its
 * parent is skipped without reading them.
 */

struct history;

/* The range or snapshot to compare. */
struct history_options {
	/*
	 * NULL (the working tree or index against HEAD) or a revision
	 * argument in one of the forms of struct revrange. With root set, it
	 * is the one revision to walk from, and NULL means HEAD.
	 */
	const char *rev;
	int root;		/* every commit reachable from the tip */
	int first_parent;	/* follow only first parents */
	int staged;		/* with rev NULL: the index, not the working tree */
	int net;		/* one report for the whole range */
	int changes_only;	/* report changes, no findings (skips the checks) */
	/*
	 * The configuration came from --config: its registry paths apply to
	 * every commit, the working tree and the index, whose own
	 * .modelaudit.yaml is not read.
	 */
	int explicit_config;
};

/* One reported step: a commit, the working tree, the index, or a whole range. */
struct history_step {
	const git_commit *commit;	/* NULL for the working tree or the index */
	const git_oid *id;		/* the step's new side; NULL for a snapshot */
	const git_oid *parent;		/* the old side; NULL for the empty registry */
	const char *label;		/* "working tree", "index", or NULL */
	size_t ncommits;		/* commits the step covers (--net) */
	struct change_list changes;
	struct finding_list introduced;	/* new findings, history rules included */
	struct finding_list fixed;	/* findings of the old side now gone */
	/* Every model of each side, in registry order; none for the empty registry. */
	struct model *const *old_models;
	size_t nold;
	struct model *const *new_models;
	size_t nnew;
};

/*
 * Called for each step, oldest first. Everything the step points to lives
 * until the callback returns. A negative return stops the walk and is
 * returned by history_run().
 */
typedef int (*history_fn)(void *data, const struct history_step *step);

/* The ends of the range, filled by history_run() before the first step. */
struct history_range {
	git_oid from;
	git_oid to;
	int has_from;		/* 0 for --root: the range starts empty */
	int has_to;		/* 0 for the working tree or the index */
};

/* Return of history_run() for an invalid .modelaudit.yaml in the working tree or index. */
#define HISTORY_INVALID_CONFIG (-3)

/*
 * Opens the repository of the current directory for history walks. rules,
 * severity and default_registry must outlive the history.
 * default_registry, the registry paths of the current configuration,
 * applies to a commit without a usable .modelaudit.yaml.
 */
int history_open(struct history **out, const struct ruleset *rules,
		 const enum severity *severity,
		 const struct string_list *default_registry, struct buf *err);

/*
 * Walks what options name and calls fn for each step that changes the
 * registry. range, when not NULL, is filled before the first call. Returns
 * 0, the callback's negative return, HISTORY_INVALID_CONFIG, or a
 * GITREPO_* code with a message in err (GITREPO_BAD_SPEC for a revision
 * that is not valid syntax). A commit that cannot be read, including one
 * beyond the boundary of a shallow clone, is a GITREPO_ERROR.
 */
int history_run(struct history *h, const struct history_options *options,
		history_fn fn, void *data, struct history_range *range,
		struct buf *err);

/*
 * Fills *models and *n with every model of the registry at rev (HEAD when
 * NULL), as the new side of a step has them: a file that does not load
 * keeps the models of its last version that loaded, found along first
 * parents. The registry paths are read as the last history_run() read
 * them. The models live until the next history_run() or
 * history_models_at(), or history_free().
 */
int history_models_at(struct model *const **models, size_t *n, struct history *h,
		      const char *rev, struct buf *err);

/*
 * Checks the syntax of options->rev, as history_run() would, without the
 * repository: returns 0, or GITREPO_BAD_SPEC with a message in err.
 */
int history_check_rev(const struct history_options *options, struct buf *err);

/* Returns the libgit2 handle of the repository walked, owned by h. */
git_repository *history_git(struct history *h);

/* Returns how many files were parsed whole and how many models one by one. */
void history_stats(const struct history *h, size_t *files, size_t *models);

/* Makes the walk report each file it parses on standard error. */
void history_set_verbose(struct history *h, int verbose);

void history_free(struct history *h);

#endif
