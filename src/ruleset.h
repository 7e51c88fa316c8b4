#ifndef MODELAUDIT_RULESET_H
#define MODELAUDIT_RULESET_H

#include <stddef.h>

#include "buf.h"
#include "rules.h"

/*
 * What the checks consult besides the registry: the benchmark catalogue
 * (rules/benchmarks.yaml), the PCRE2 pattern lists (the .txt files of rules/patterns)
 * and today's date. The built-in files are always loaded; extra rule
 * directories (--rules, `rules:` in the configuration) add to them.
 */

struct benchmark_def {
	const char *name;	/* canonical */
	const char **aliases;
	size_t naliases;
	double min, max;	/* valid range of a score */
	int has_min, has_max;
	const char *unit;	/* "percent", "points", "elo", ... */
};

/* The pattern lists, each read from rules/patterns/<file name>. */
enum pattern_kind {
	PATTERN_ESTIMATE_MARKER,	/* estimate-marker.txt: a score value that marks an estimate */
	PATTERN_ESTIMATE_FIELD,		/* estimate-field.txt: "key" or "key: value" of a score entry */
	PATTERN_PLACEHOLDER_HOST,	/* placeholder-host.txt: a host name that is a placeholder */
	PATTERN_KIND_COUNT
};

struct pattern_set;

struct ruleset {
	struct benchmark_def *benchmarks;
	size_t nbenchmarks;
	struct benchmark_index *index;	/* normalised name or alias -> benchmark */
	struct pattern_set *patterns[PATTERN_KIND_COUNT];
	char today[11];			/* YYYY-MM-DD, UTC; MODELAUDIT_TODAY overrides */
};

/*
 * Loads the built-in rules and then each directory of extra_dirs (a file
 * named benchmarks.yaml adds benchmarks; patterns/<kind>.txt adds patterns).
 * Returns 0, or -1 with a message in err naming the file, line and column
 * (exit status 3).
 */
int ruleset_load(struct ruleset *rs, const char *const *extra_dirs,
		 size_t ndirs, struct buf *err);
void ruleset_release(struct ruleset *rs);

/* Finds a benchmark by name or alias, ignoring case and " -_/". */
const struct benchmark_def *ruleset_find_benchmark(const struct ruleset *rs,
						   const char *name);

/* Returns the catalogue name nearest to name (edit distance), or NULL. */
const char *ruleset_suggest_benchmark(const struct ruleset *rs,
				      const char *name);

/* Reports whether s matches any pattern of the kind. */
int ruleset_match(const struct ruleset *rs, enum pattern_kind kind,
		  const char *s, size_t len);

/*
 * A ruleset is read-only after ruleset_load(), so several threads may
 * check against it at once; each keeps its own PCRE2 match data. A thread
 * calls this before it ends to free that; ruleset_release() does it for
 * the thread that releases the ruleset.
 */
void ruleset_thread_release(void);

#endif
