/*
 * Fuzz target: one registry file through the loader, the registry model,
 * every rule, and the text and JSON reports, as `check` runs them.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#include "buf.h"
#include "checks.h"
#include "finding.h"
#include "registry.h"
#include "report.h"
#include "ruleset.h"

static struct ruleset rules;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf err = BUF_INIT;

	(void)argc;
	(void)argv;
	setenv("MODELAUDIT_TODAY", "2026-01-15", 1);
	if (ruleset_load(&rules, NULL, 0, &err) < 0) {
		fprintf(stderr, "fuzz_loader: loading the built-in rules failed: %s\n", err.ptr);
		exit(1);
	}
	buf_release(&err);
	sink = fopen("/dev/null", "w");
	if (!sink)
		exit(1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry reg = REGISTRY_INIT;
	struct finding_list findings = FINDING_LIST_INIT;
	struct report_options ro = { 0 };
	struct report_summary summary;

	registry_add_file(&reg, &rules, "fuzz.yaml", (const char *)data, size, &findings);
	checks_registry(&reg, &rules, &findings);
	finding_list_finish(&findings, NULL);

	ro.color = 1;
	report_text(sink, &findings, &ro);
	summary.files = reg.nfiles;
	summary.models = reg.nr;
	summary.scores = reg.nscores;
	report_json(sink, &findings, &summary);

	finding_list_release(&findings);
	registry_release(&reg);
	return 0;
}
