/*
 * Fuzz target: the semantic diff of two registries and the three formats
 * of `diff`. The input is the old registry, a line "=====", then the new
 * one; without that line the whole input is the new registry, compared
 * with an empty one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#include "buf.h"
#include "finding.h"
#include "history.h"
#include "historyreport.h"
#include "registry.h"
#include "ruleset.h"
#include "semdiff.h"

static struct ruleset rules;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf err = BUF_INIT;

	(void)argc;
	(void)argv;
	setenv("MODELAUDIT_TODAY", "2026-01-15", 1);
	if (ruleset_load(&rules, NULL, 0, &err) < 0) {
		fprintf(stderr, "fuzz_semdiff: loading the built-in rules failed: %s\n", err.ptr);
		exit(1);
	}
	buf_release(&err);
	sink = fopen("/dev/null", "w");
	if (!sink)
		exit(1);
	return 0;
}

/* Returns the offset of the separator line in text, or len when it has none. */
static size_t find_separator(const char *text, size_t len)
{
	static const char separator[] = "=====\n";
	size_t n = sizeof(separator) - 1;
	size_t i;

	for (i = 0; i + n <= len; i++) {
		if ((i == 0 || text[i - 1] == '\n') && !memcmp(text + i, separator, n))
			return i;
	}
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct registry old = REGISTRY_INIT, new = REGISTRY_INIT;
	struct finding_list old_findings = FINDING_LIST_INIT;
	struct history_step step;
	struct history_range range;
	struct history_json json;
	struct history_markdown markdown;
	size_t split = find_separator(text, size);

	if (split < size) {
		registry_add_file(&old, &rules, "old.yaml", text, split, &old_findings);
		text += split + 6;
		size -= split + 6;
	}

	memset(&step, 0, sizeof(step));
	step.label = "working tree";
	registry_add_file(&new, &rules, "new.yaml", text, size, &step.introduced);
	finding_list_finish(&step.introduced, NULL);
	finding_list_move(&step.fixed, &old_findings);
	finding_list_finish(&step.fixed, NULL);
	semdiff_models(&step.changes, old.models, old.nr, new.models, new.nr, NULL, NULL);

	history_print_text(sink, &step, 1);
	/* A small maximum size, so that inputs of a few kilobytes reach the cut. */
	history_markdown_init(&markdown, sink, 4096);
	history_markdown_add(&markdown, &step);
	history_markdown_finish(&markdown, NULL);
	history_markdown_release(&markdown);
	memset(&range, 0, sizeof(range));
	history_json_init(&json, sink, &range);
	history_json_add(&json, &step);
	history_json_finish(&json);
	history_json_release(&json);

	change_list_release(&step.changes);
	finding_list_release(&step.introduced);
	finding_list_release(&step.fixed);
	finding_list_release(&old_findings);
	registry_release(&old);
	registry_release(&new);
	return 0;
}
