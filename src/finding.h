#ifndef MODELAUDIT_FINDING_H
#define MODELAUDIT_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* A position in a file: line and column count from 1; 0 means unknown. */
struct pos {
	uint32_t line;
	uint32_t column;
};

/*
 * One problem found in a registry. Strings are owned by the finding. The
 * message and the context share one allocation, which finding_clear()
 * frees through the message, so only the path may be replaced alone.
 * The optional context (model .. value) identifies the finding for its
 * fingerprint, which does not depend on line numbers so that baselines
 * survive edits elsewhere in the file.
 */
struct finding {
	enum rule_id rule;
	enum severity severity;
	char *message;
	char *path;
	struct pos pos;
	char *model;		/* optional */
	char *benchmark;	/* optional: the catalogue name, or as written when unknown */
	char *variant;		/* optional */
	char *source;		/* optional: resolved source URL */
	char *field;		/* optional: the field the finding is about */
	char *value;		/* optional: the offending value */
	char fingerprint[33];	/* hex; filled by finding_list_finish() */
};

struct finding_list {
	struct finding *items;
	size_t nr;
	size_t alloc;
};

#define FINDING_LIST_INIT { NULL, 0, 0 }

/*
 * Context of the entity that a finding is about; NULL members are absent.
 * Callers fill one on the stack and pass it to finding_add().
 */
struct finding_context {
	const char *model;
	const char *benchmark;
	const char *variant;
	const char *source;
	const char *field;
	const char *value;
};

/*
 * Appends a finding of rule at path:pos with a printf-style message, its
 * severity the rule's default. Returns the new finding so the caller can
 * adjust it; the pointer stays valid until the next append.
 */
struct finding *finding_add(struct finding_list *list, enum rule_id rule,
			    const char *path, struct pos pos,
			    const struct finding_context *ctx,
			    const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Appends a deep copy of f. */
void finding_list_add_copy(struct finding_list *list, const struct finding *f);

/* Moves every finding of src to the end of dst and leaves src empty. */
void finding_list_move(struct finding_list *dst, struct finding_list *src);

/*
 * Applies per-rule severities (dropping findings whose rule is off), fills
 * fingerprints and sorts by path, line, column, then rule id.
 */
void finding_list_finish(struct finding_list *list,
			 const enum severity *severity_by_rule);

/* Sorts by path, line, column, rule id and message, as finding_list_finish() does. */
void finding_list_sort(struct finding_list *list);

/* Fills f->fingerprint from the rule id and the context. */
void finding_fingerprint(struct finding *f);

/* Frees the strings of one finding (the list keeps its slot). */
void finding_clear(struct finding *f);

void finding_list_release(struct finding_list *list);

/* Counts findings of at least min severity. */
size_t finding_list_count(const struct finding_list *list, enum severity min);

#endif
