#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "rules.h"

static const char rules_usage[] = "usage: modelaudit rules [--format text|json]";

/* The table is built in: neither the configuration nor extra rules change it. */
static const struct option_help rules_option_help[] = {
	{ "config", "ignored: the table shows the default severities" },
	{ "rules", "ignored: the table lists the built-in rules" },
	{ "fail-on", "ignored, because rules reports no findings" },
	{ "color", "ignored, because rules prints no colour" },
	{ "quiet", "ignored, because rules prints no summary" },
	{ "verbose", "ignored, because rules reads no files" },
	{ NULL, NULL }
};

/* Prints the rule table: one rule a line, id, default severity and summary. */
int cmd_rules(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	struct common_options common = { 0 };
	struct string_list args = { 0 };
	struct option options[] = {
		COMMON_OPTIONS(&common, "text or json"),
		OPT_END()
	};
	int i, status = EXIT_OK;

	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (common.help) {
		options_set_help(options, rules_option_help);
		options_print_help(stdout, rules_usage, options);
		goto done;
	}
	if (args.nr) {
		fprintf(stderr, "modelaudit: error: 'rules' takes no arguments\n");
		status = EXIT_USAGE;
		goto done;
	}
	if (common_options_finish(&common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}

	if (!strcmp(common.format, "json")) {
		printf("{\n  \"version\": 1,\n  \"rules\": [\n");
		for (i = 0; i < RULE_COUNT; i++)
			printf("    {\"id\": \"%s\", \"severity\": \"%s\", \"history\": %s, \"summary\": \"%s\"}%s\n",
			       rule_table[i].id, severity_name(rule_table[i].severity),
			       rule_table[i].flags & RULE_HISTORY ? "true" : "false",
			       rule_table[i].summary, i + 1 < RULE_COUNT ? "," : "");
		printf("  ]\n}\n");
		goto done;
	}
	for (i = 0; i < RULE_COUNT; i++)
		printf("%-29s %-8s %s%s\n", rule_table[i].id,
		       severity_name(rule_table[i].severity), rule_table[i].summary,
		       rule_table[i].flags & RULE_HISTORY ? " (diff only)" : "");

done:
	string_list_release(&args);
	string_list_release(&common.rules);
	return status;
}
