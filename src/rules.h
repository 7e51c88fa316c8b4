#ifndef MODELAUDIT_RULES_H
#define MODELAUDIT_RULES_H

#include <stddef.h>

enum severity {
	SEVERITY_OFF = 0,
	SEVERITY_NOTE = 1,
	SEVERITY_WARNING = 2,
	SEVERITY_ERROR = 3
};

/*
 * Every rule that modelaudit defines. The order is that of rule_table[] and of
 * `modelaudit rules`; ids (the strings) never change once released.
 */
enum rule_id {
	RULE_YAML_SYNTAX,
	RULE_YAML_DUPLICATE_KEY,
	RULE_YAML_ALIAS,
	RULE_YAML_MULTIPLE_DOCUMENTS,
	RULE_YAML_ENCODING,
	RULE_YAML_AMBIGUOUS_SCALAR,
	RULE_SCHEMA_REQUIRED,
	RULE_SCHEMA_TYPE,
	RULE_SCHEMA_ENUM,
	RULE_SCHEMA_UNKNOWN_FIELD,
	RULE_MODEL_DUPLICATE_ID,
	RULE_MODEL_NO_SOURCE,
	RULE_MODEL_UNKNOWN_BASE,
	RULE_SOURCE_DUPLICATE_ID,
	RULE_SOURCE_UNKNOWN_REF,
	RULE_URL_INVALID,
	RULE_URL_INSECURE,
	RULE_URL_PLACEHOLDER,
	RULE_SCORE_MISSING_DATE,
	RULE_SCORE_MISSING_SOURCE,
	RULE_SCORE_INTERPOLATED,
	RULE_SCORE_NOT_NUMERIC,
	RULE_SCORE_OUT_OF_RANGE,
	RULE_SCORE_DUPLICATE,
	RULE_SCORE_SUSPECT_INTERPOLATED,
	RULE_BENCHMARK_UNKNOWN,
	RULE_DATE_INVALID,
	RULE_DATE_IN_FUTURE,
	RULE_DATE_BEFORE_RELEASE,
	RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL,
	RULE_PARAMS_DENSE_MISMATCH,
	RULE_QUANTIZATIONS_UNVERIFIED,
	RULE_DATE_AFTER_COMMIT,
	RULE_SCORE_CHANGED_WITHOUT_SOURCE,
	RULE_SCORE_REMOVED,
	RULE_MODEL_REMOVED,
	RULE_SUPPRESSION_UNUSED,
	RULE_COUNT
};

/* Flags of a rule. */
#define RULE_HISTORY	(1u << 0)	/* raised by `diff` only, from commit context */
#define RULE_MANDATORY	(1u << 1)	/* its severity cannot be set to off */

struct rule {
	const char *id;
	enum severity severity;		/* default */
	unsigned flags;
	const char *summary;		/* one line, lower case, no final period */
};

extern const struct rule rule_table[RULE_COUNT];

/* Returns the rule whose id is name, or -1. */
int rule_lookup(const char *name);

/*
 * Reports whether a loader finding of this rule stops its file (a YAML
 * error), so that the file's models are dropped.
 */
int rule_stops_file(enum rule_id rule);

const char *severity_name(enum severity s);
/* Parses "error", "warning", "note" or "off"; returns -1 for anything else. */
int severity_parse(const char *name);

#endif
