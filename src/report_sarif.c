#include "report_ci.h"

#include <ctype.h>
#include <string.h>

#include "commands.h"
#include "report.h"

/*
 * SARIF 2.1.0 as GitHub code scanning reads it: one run whose
 * tool.driver.rules lists every rule, and one result a finding with a
 * location relative to the repository's top and the finding's fingerprint
 * under partialFingerprints, so that code scanning tracks a finding across
 * commits even when its line moves.
 */

/* The key of the fingerprint in partialFingerprints; the suffix is its version. */
#define SARIF_FINGERPRINT_KEY "modelaudit/v1"

static const char *sarif_level(enum severity s)
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
	return "none";
}

static json_t *text_object(const char *text)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "text", report_json_string(text));
	return obj;
}

/* Returns the rule's help: its summary as a sentence and how to accept a finding. */
static json_t *rule_help(const struct rule *r)
{
	struct buf text = BUF_INIT, markdown = BUF_INIT;
	json_t *help = json_object();

	/* A summary that starts with a field name (base_model, ...) keeps its case. */
	if (strcspn(r->summary, " _.") < strcspn(r->summary, " "))
		buf_addf(&text, "%s.", r->summary);
	else
		buf_addf(&text, "%c%s.", toupper((unsigned char)r->summary[0]), r->summary + 1);
	buf_add(&markdown, text.ptr, text.len);
	if (r->flags & RULE_MANDATORY) {
		buf_adds(&text, " This rule cannot be switched off, suppressed or baselined.");
		buf_adds(&markdown, "\n\nThis rule cannot be switched off, suppressed or baselined.");
	} else if (r - rule_table == RULE_SUPPRESSION_UNUSED) {
		buf_adds(&text, " Remove the comment, or set the rule's severity under"
			 " 'severity:' in .modelaudit.yaml: it cannot be suppressed inline.");
		buf_adds(&markdown, "\n\nRemove the comment, or set the rule's severity in"
			 " `.modelaudit.yaml`; it cannot be suppressed inline.");
	} else {
		buf_addf(&text, " To accept one finding, write the comment"
			 " '# modelaudit: ignore %s <reason>' on its line or on the line above."
			 " To change the rule's severity, set it under 'severity:' in .modelaudit.yaml.",
			 r->id);
		buf_addf(&markdown, "\n\nTo accept one finding, write this comment on its line"
			 " or on the line above:\n\n```yaml\n# modelaudit: ignore %s <reason>\n```\n\n"
			 "To change the rule's severity, set it in `.modelaudit.yaml`:\n\n"
			 "```yaml\nseverity:\n  %s: warning   # error, warning, note or off\n```\n",
			 r->id, r->id);
	}

	/* The text is modelaudit's own, so it needs no escaping. */
	json_object_set_new(help, "text", json_string(text.ptr));
	json_object_set_new(help, "markdown", json_string(markdown.ptr));
	buf_release(&text);
	buf_release(&markdown);
	return help;
}

static json_t *sarif_rules(const struct report_ci_options *o)
{
	json_t *rules = json_array();
	int i;

	for (i = 0; i < RULE_COUNT; i++) {
		const struct rule *r = &rule_table[i];
		enum severity s = o->severity ? o->severity[i] : r->severity;
		json_t *rule = json_object(), *config = json_object();

		json_object_set_new(rule, "id", json_string(r->id));
		json_object_set_new(rule, "shortDescription", text_object(r->summary));
		json_object_set_new(rule, "help", rule_help(r));
		if (s == SEVERITY_OFF) {
			json_object_set_new(config, "enabled", json_false());
			s = r->severity;
		}
		json_object_set_new(config, "level", json_string(sarif_level(s)));
		json_object_set_new(rule, "defaultConfiguration", config);
		json_array_append_new(rules, rule);
	}
	return rules;
}

static json_t *sarif_location(const struct finding *f, const struct report_ci_options *o)
{
	struct buf path = BUF_INIT, uri = BUF_INIT;
	json_t *location = json_object(), *physical = json_object();
	json_t *artifact = json_object();

	/*
	 * The URI percent-encodes every byte of the path as it is, so that it
	 * names the real file: a backslash is %5C and ESC is %1B, neither
	 * escaped first as the text report escapes them.
	 */
	report_repo_path(&path, o, f->path);
	if (path.ptr[0] == '/')
		buf_adds(&uri, "file://");
	report_uri_path(&uri, path.ptr);
	json_object_set_new(artifact, "uri", json_string(uri.ptr));
	json_object_set_new(physical, "artifactLocation", artifact);

	/* SARIF regions start at line 1; a finding with no known line has none. */
	if (f->pos.line) {
		json_t *region = json_object();

		json_object_set_new(region, "startLine", json_integer(f->pos.line));
		if (f->pos.column)
			json_object_set_new(region, "startColumn", json_integer(f->pos.column));
		json_object_set_new(physical, "region", region);
	}
	json_object_set_new(location, "physicalLocation", physical);
	buf_release(&path);
	buf_release(&uri);
	return location;
}

static json_t *sarif_result(const struct finding *f, const struct report_ci_options *o)
{
	json_t *result = json_object(), *fingerprints = json_object();
	json_t *locations = json_array(), *properties = json_object();
	json_t *message;

	json_object_set_new(result, "ruleId", json_string(rule_table[f->rule].id));
	json_object_set_new(result, "ruleIndex", json_integer(f->rule));
	json_object_set_new(result, "level", json_string(sarif_level(f->severity)));
	message = json_object();
	json_object_set_new(message, "text", report_json_escaped_string(f->message));
	json_object_set_new(result, "message", message);
	if (f->path[0])
		json_array_append_new(locations, sarif_location(f, o));
	json_object_set_new(result, "locations", locations);
	json_object_set_new(fingerprints, SARIF_FINGERPRINT_KEY, json_string(f->fingerprint));
	json_object_set_new(result, "partialFingerprints", fingerprints);

	if (f->model)
		json_object_set_new(properties, "model", report_json_string(f->model));
	if (f->benchmark)
		json_object_set_new(properties, "benchmark", report_json_string(f->benchmark));
	if (f->variant)
		json_object_set_new(properties, "variant", report_json_string(f->variant));
	if (json_object_size(properties))
		json_object_set_new(result, "properties", properties);
	else
		json_decref(properties);
	return result;
}

int report_sarif(FILE *out, const struct finding_list *findings,
		 const struct report_ci_options *o)
{
	json_t *log = json_object(), *runs = json_array(), *run = json_object();
	json_t *tool = json_object(), *driver = json_object(), *results = json_array();
	size_t i;
	int ret;

	json_object_set_new(log, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(log, "version", json_string("2.1.0"));

	json_object_set_new(driver, "name", json_string("modelaudit"));
	json_object_set_new(driver, "version", json_string(MODELAUDIT_VERSION));
	json_object_set_new(driver, "semanticVersion", json_string(MODELAUDIT_VERSION));
	json_object_set_new(driver, "informationUri", json_string(MODELAUDIT_HOMEPAGE));
	json_object_set_new(driver, "rules", sarif_rules(o));
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);

	/* Columns count characters, as libyaml counts them, not UTF-16 units. */
	json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	for (i = 0; i < findings->nr; i++)
		json_array_append_new(results, sarif_result(&findings->items[i], o));
	json_object_set_new(run, "results", results);

	json_array_append_new(runs, run);
	json_object_set_new(log, "runs", runs);
	ret = report_print_json(out, log);
	json_decref(log);
	return ret;
}
