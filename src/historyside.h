#ifndef MODELAUDIT_HISTORYSIDE_H
#define MODELAUDIT_HISTORYSIDE_H

/*
 * The sides of a history step, shared by the walk (history.c), which
 * builds them, and the comparison (historycompare.c). Private to the
 * history modules; commands use history.h.
 */

#include <git2.h>

#include "finding.h"
#include "history.h"
#include "historycache.h"
#include "registry.h"
#include "ruleset.h"

/*
 * One side of a comparison: the registry of one commit (or snapshot), its
 * files and the findings of auditing it, severities applied. The findings
 * of each file stay in its cache entry; the side keeps the cross-model ones.
 *
 * A file that does not load (a broken entry) is followed in entries by
 * the entry of the last version of its path that loaded, whose models the
 * side shows in its place (see side_fill() in history.c).
 */
struct side {
	git_oid commit;
	int valid;
	struct snapshot files;		/* paths and blob ids; data not kept */
	const struct blob_entry **entries;	/* pinned in the cache */
	size_t nentries;
	size_t entries_alloc;
	struct model **models;		/* borrowed from the entries */
	const void **origins;		/* per model: the chunk it was built from, or NULL */
	size_t nr;
	size_t alloc;
	size_t origins_alloc;
	struct finding_list findings;	/* of checks_registry(), once checked is set */
	int checked;
};

/* The options of the walk that a comparison uses. */
struct side_checks {
	const struct ruleset *rules;
	const enum severity *severity;
	int changes_only;		/* compare the models only, no findings */
};

/* The commit time of the working tree and the index, which have no commit to date them. */
#define NO_COMMIT_TIME LLONG_MIN

/*
 * Compares old (NULL for the empty registry) with new and fills the
 * step's changes, introduced and fixed findings. commit_time is the
 * committer's time shifted to the committer's time zone, or
 * NO_COMMIT_TIME. The findings are shallow copies: their strings belong
 * to the sides, or to owned, which must live as long as the step (see
 * history_step_release()).
 */
void history_compare_sides(struct history_step *step, struct finding_list *owned,
			   const struct side_checks *c, struct side *old, struct side *new,
			   long long commit_time);

/* Releases a step filled by history_compare_sides() and the findings it borrowed from owned. */
void history_step_release(struct history_step *step, struct finding_list *owned);

#endif
