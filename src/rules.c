#include "rules.h"

#include <string.h>

/*
 * The rule table: the single source of the checks' ids and severities, of
 * `modelaudit rules`, of the man page list and of the rule-page tests.
 */
const struct rule rule_table[RULE_COUNT] = {
	[RULE_YAML_SYNTAX] = { "yaml-syntax", SEVERITY_ERROR, RULE_MANDATORY,
		"the file is not valid YAML" },
	[RULE_YAML_DUPLICATE_KEY] = { "yaml-duplicate-key", SEVERITY_ERROR, 0,
		"a mapping has the same key twice" },
	[RULE_YAML_ALIAS] = { "yaml-alias", SEVERITY_ERROR, 0,
		"an anchor or alias is used" },
	[RULE_YAML_MULTIPLE_DOCUMENTS] = { "yaml-multiple-documents", SEVERITY_ERROR, 0,
		"a file holds more than one YAML document, or none" },
	[RULE_YAML_ENCODING] = { "yaml-encoding", SEVERITY_ERROR, 0,
		"the file is not UTF-8 (UTF-16, invalid bytes, NUL bytes)" },
	[RULE_YAML_AMBIGUOUS_SCALAR] = { "yaml-ambiguous-scalar", SEVERITY_WARNING, 0,
		"an unquoted string that YAML 1.1 reads as a boolean or null" },
	[RULE_SCHEMA_REQUIRED] = { "schema-required", SEVERITY_ERROR, 0,
		"a required field is missing or empty" },
	[RULE_SCHEMA_TYPE] = { "schema-type", SEVERITY_ERROR, 0,
		"a field has the wrong shape or type" },
	[RULE_SCHEMA_ENUM] = { "schema-enum", SEVERITY_ERROR, 0,
		"a field is outside its allowed values" },
	[RULE_SCHEMA_UNKNOWN_FIELD] = { "schema-unknown-field", SEVERITY_WARNING, 0,
		"a key the registry format does not define" },
	[RULE_MODEL_DUPLICATE_ID] = { "model-duplicate-id", SEVERITY_ERROR, 0,
		"two models share an id" },
	[RULE_MODEL_NO_SOURCE] = { "model-no-source", SEVERITY_ERROR, 0,
		"a model has no sources" },
	[RULE_MODEL_UNKNOWN_BASE] = { "model-unknown-base", SEVERITY_WARNING, 0,
		"base_model names no model of the registry" },
	[RULE_SOURCE_DUPLICATE_ID] = { "source-duplicate-id", SEVERITY_ERROR, 0,
		"two sources of one model share an id" },
	[RULE_SOURCE_UNKNOWN_REF] = { "source-unknown-ref", SEVERITY_ERROR, 0,
		"a score or spec cites a source id the model does not define" },
	[RULE_URL_INVALID] = { "url-invalid", SEVERITY_ERROR, 0,
		"a URL that does not parse, or whose scheme is not http or https" },
	[RULE_URL_INSECURE] = { "url-insecure", SEVERITY_WARNING, 0,
		"an http:// URL" },
	[RULE_URL_PLACEHOLDER] = { "url-placeholder", SEVERITY_ERROR, 0,
		"a URL on a reserved or placeholder host" },
	[RULE_SCORE_MISSING_DATE] = { "score-missing-date", SEVERITY_ERROR, 0,
		"a score has no publication date" },
	[RULE_SCORE_MISSING_SOURCE] = { "score-missing-source", SEVERITY_ERROR, 0,
		"a score has no source" },
	[RULE_SCORE_INTERPOLATED] = { "score-interpolated", SEVERITY_ERROR, 0,
		"a score marked as an estimate, or an entry that says it was interpolated" },
	[RULE_SCORE_NOT_NUMERIC] = { "score-not-numeric", SEVERITY_ERROR, 0,
		"a score that is not a plain decimal" },
	[RULE_SCORE_OUT_OF_RANGE] = { "score-out-of-range", SEVERITY_ERROR, 0,
		"a score outside the benchmark's range in the catalogue" },
	[RULE_SCORE_DUPLICATE] = { "score-duplicate", SEVERITY_ERROR, 0,
		"the same benchmark, variant and source twice in one model" },
	[RULE_SCORE_SUSPECT_INTERPOLATED] = { "score-suspect-interpolated", SEVERITY_WARNING, 0,
		"a score equal to the mean of two sibling models that bracket it in size" },
	[RULE_BENCHMARK_UNKNOWN] = { "benchmark-unknown", SEVERITY_WARNING, 0,
		"a benchmark that is not in the catalogue" },
	[RULE_DATE_INVALID] = { "date-invalid", SEVERITY_ERROR, 0,
		"a date that is not a real YYYY-MM-DD calendar date" },
	[RULE_DATE_IN_FUTURE] = { "date-in-future", SEVERITY_ERROR, 0,
		"a date after today (UTC)" },
	[RULE_DATE_BEFORE_RELEASE] = { "date-before-release", SEVERITY_WARNING, 0,
		"a score dated more than 90 days before the model's release" },
	[RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL] = { "params-active-exceeds-total", SEVERITY_ERROR, 0,
		"active_params greater than total_params" },
	[RULE_PARAMS_DENSE_MISMATCH] = { "params-dense-mismatch", SEVERITY_ERROR, 0,
		"a dense model whose active_params differ from total_params" },
	[RULE_QUANTIZATIONS_UNVERIFIED] = { "quantizations-unverified", SEVERITY_WARNING, 0,
		"quantizations.families without quantizations.verified" },
	[RULE_DATE_AFTER_COMMIT] = { "date-after-commit", SEVERITY_ERROR, RULE_HISTORY,
		"a commit adds or changes a score dated after the commit" },
	[RULE_SCORE_CHANGED_WITHOUT_SOURCE] = { "score-changed-without-source", SEVERITY_WARNING, RULE_HISTORY,
		"a commit changes a score's value but not its date or source" },
	[RULE_SCORE_REMOVED] = { "score-removed", SEVERITY_NOTE, RULE_HISTORY,
		"a commit removes a score" },
	[RULE_MODEL_REMOVED] = { "model-removed", SEVERITY_WARNING, RULE_HISTORY,
		"a commit removes a model" },
	[RULE_SUPPRESSION_UNUSED] = { "suppression-unused", SEVERITY_WARNING, 0,
		"an inline suppression that silences nothing" },
};

int rule_lookup(const char *name)
{
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		if (!strcmp(rule_table[i].id, name))
			return i;
	return -1;
}

int rule_stops_file(enum rule_id rule)
{
	return rule == RULE_YAML_SYNTAX || rule == RULE_YAML_ALIAS ||
	       rule == RULE_YAML_ENCODING || rule == RULE_YAML_MULTIPLE_DOCUMENTS ||
	       rule == RULE_YAML_DUPLICATE_KEY;
}

const char *severity_name(enum severity s)
{
	switch (s) {
	case SEVERITY_ERROR:
		return "error";
	case SEVERITY_WARNING:
		return "warning";
	case SEVERITY_NOTE:
		return "note";
	case SEVERITY_OFF:
		break;
	}
	return "off";
}

int severity_parse(const char *name)
{
	if (!strcmp(name, "error"))
		return SEVERITY_ERROR;
	if (!strcmp(name, "warning"))
		return SEVERITY_WARNING;
	if (!strcmp(name, "note"))
		return SEVERITY_NOTE;
	if (!strcmp(name, "off"))
		return SEVERITY_OFF;
	return -1;
}
