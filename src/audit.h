#ifndef MODELAUDIT_AUDIT_H
#define MODELAUDIT_AUDIT_H

#include <stdio.h>

#include "buf.h"
#include "config.h"
#include "finding.h"
#include "options.h"
#include "registry.h"
#include "ruleset.h"
#include "suppress.h"

/*
 * One audit of a registry: the configuration and rules in force, the files
 * read, the registry built from them and its findings. `check` runs one;
 * `links` uses one to collect the registry's URLs.
 */

/* Negative returns of the audit_* calls, mapped to exit codes by commands. */
#define AUDIT_ERROR (-1)		/* operational: exit 4 */
#define AUDIT_USAGE_ERROR (-2)		/* bad revision syntax and the like: exit 2 */
#define AUDIT_CONFIG_ERROR (-3)		/* invalid configuration or rule file: exit 3 */

/* Registry files larger than this are rejected (exit 4). */
#define AUDIT_MAX_FILE_SIZE ((size_t)256 * 1024 * 1024)

struct audit_file {
	char *path;
	char *text;	/* kept only when keep_text is set */
	size_t len;
};

struct audit {
	struct config config;
	struct ruleset rules;
	struct registry registry;
	struct arena_pool pool;		/* memory of the registry's models */
	struct finding_list findings;
	struct suppress_list suppressions;	/* from the files' comments */
	struct audit_file *files;
	size_t nfiles;
	size_t files_alloc;
	int keep_text;		/* keep each file's text (for --show-source) */
	int verbose;		/* report each file read on standard error */
	int config_explicit;	/* --config was given */
	/*
	 * Set to read a commit as diff and blame read it: when the commit's
	 * configuration cannot be used (invalid, or naming a registry path
	 * outside the repository), the current one applies instead of an error.
	 */
	int skip_unusable_config;
	int rules_loaded;
};

void audit_init(struct audit *a);

/*
 * Loads the configuration (config_path from --config, or found by walking
 * up) and the rules: built-in, the configuration's `rules:` and extra_rules
 * (from --rules).
 */
int audit_setup(struct audit *a, const char *config_path,
		const struct string_list *extra_rules, struct buf *err);

/*
 * Reads and audits the registry in the working tree: the files and
 * directories of paths, or the configuration's registry when paths is empty.
 */
int audit_read_worktree(struct audit *a, const struct string_list *paths,
			struct buf *err);

/*
 * Reads and audits the registry as it is in the git index (rev NULL) or in
 * the commit rev. paths, if not empty, are relative to the repository root.
 * Unless --config was given, the snapshot's own .modelaudit.yaml applies
 * when it has one.
 */
int audit_read_git(struct audit *a, const char *rev, const struct string_list *paths,
		   struct buf *err);

/*
 * Audits the texts of files[0..n), each under its path, in that order
 * (on several threads when there is enough text).
 */
void audit_add_texts(struct audit *a, const struct registry_text *files, size_t n);

/* Runs the cross-model rules, applies severities and sorts the findings. */
void audit_finish(struct audit *a);

/* Prints "N errors, N warnings, N notes in N files (N models, N scores)". */
void audit_print_summary(const struct audit *a, FILE *out);

void audit_release(struct audit *a);

#endif
