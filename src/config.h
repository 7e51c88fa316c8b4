#ifndef MODELAUDIT_CONFIG_H
#define MODELAUDIT_CONFIG_H

#include <stddef.h>

#include "buf.h"
#include "options.h"
#include "rules.h"

/*
 * The configuration: `.modelaudit.yaml` at the repository root (found by
 * walking up from the current directory), or the file given by --config.
 * Every setting has a default, so no file at all is a valid configuration.
 */
struct link_settings {
	long concurrency;	/* requests in flight in total (16) */
	long per_host;		/* requests in flight per host (2) */
	long timeout;		/* seconds per request (20) */
	long retries;		/* (2) */
	long max_age;		/* days a working URL is not checked again (7) */
	long fail_after;	/* consecutive failed scans before rotten (2) */
	struct string_list exclude;	/* PCRE2 patterns */
	struct string_list resolve;	/* "host:port:address", as curl's --resolve */
	const char *database;	/* .modelaudit/links.sqlite */
	const char *archive;	/* Wayback availability endpoint, or "off" */
};

struct config {
	const char *path;	/* the file read, or NULL when none was found */
	const char *root;	/* directory that relative paths are relative to */
	struct string_list registry;	/* files or directories (data/models.yaml) */
	struct string_list rules;	/* extra rule directories */
	enum severity severity[RULE_COUNT];
	const char *baseline;	/* NULL when unset */
	struct link_settings links;
	struct arena *arena;	/* owns the strings above */
};

/* Fills cfg with the defaults; root is "." */
void config_init(struct config *cfg);

/*
 * Parses the configuration text (len bytes) read from path. Returns 0, or
 * -1 with "path:line:column: message" in err (exit status 3).
 */
int config_parse(struct config *cfg, const char *path, const char *text,
		 size_t len, struct buf *err);

/*
 * Finds and parses the configuration: explicit (from --config) when not
 * NULL, else `.modelaudit.yaml` in the current directory or the nearest
 * parent that has one, stopping at the root of the git work tree. With no
 * file, the defaults apply and cfg->root is the work tree root (or the
 * current directory outside git). Returns 0, -1 for an invalid file
 * (exit 3) or -2 when an explicit file cannot be read (exit 4).
 */
int config_load(struct config *cfg, const char *explicit, struct buf *err);

void config_release(struct config *cfg);

#endif
