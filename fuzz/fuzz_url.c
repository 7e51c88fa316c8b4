/*
 * Fuzz target: URL parsing. Each line of the input is a URL as a registry
 * could cite it; it goes into a link set (host extraction, deduplication),
 * through an exclude pattern, the --resolve pin check and the Retry-After
 * parser, and the set is printed in the three formats of `links`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#include "alloc.h"
#include "buf.h"
#include "linkcheck.h"
#include "linkreport.h"
#include "links.h"
#include "options.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sink = fopen("/dev/null", "w");
	if (!sink)
		exit(1);
	return 0;
}

/* Gives each link a class and state picked by its position, to reach every report branch. */
static void vary_results(struct link_set *set)
{
	size_t i;

	for (i = 0; i < set->nr; i++) {
		struct link *l = &set->items[i];

		if (l->class != LINK_EXCLUDED)
			l->class = (enum link_class)(i % LINK_CLASS_COUNT);
		l->state = (enum link_state)(i % LINK_STATE_COUNT);
		l->status = l->class == LINK_OK ? 200 : 404;
		l->checked = 1;
		if (l->class == LINK_REDIRECTED)
			l->final_url = l->url;
		if (l->state != LINK_STATE_OK)
			l->first_failure = "2026-01-15T06:00:00Z";
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	struct link_set set;
	struct string_list patterns = { 0 };
	struct link_report_options ro = { 1, 1 };
	struct buf err = BUF_INIT;
	char *line, *next;
	size_t n = 0;

	link_set_init(&set);
	for (line = text; line; line = next) {
		struct link_citation cite = { "fuzz.yaml", { 1, 1 }, "model", NULL, "2025-01-01" };

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		cite.pos.line = (uint32_t)++n;
		cite.benchmark = n % 2 ? "MMLU" : NULL;
		link_set_add(&set, line, &cite);
		link_set_find(&set, line);
		buf_reset(&err);
		linkcheck_validate_resolve(line, &err);
		linkcheck_parse_retry_after(line, 1768456800);
	}

	string_list_append(&patterns, "^https?://[^/]*example\\.(com|org)/");
	if (links_exclude(&set, &patterns, &err) < 0)
		abort();
	vary_results(&set);
	link_report_text(sink, &set, &ro);
	link_report_json(sink, &set);
	link_report_markdown(sink, &set, &ro);
	link_report_summary(sink, &set);

	string_list_release(&patterns);
	link_set_release(&set);
	buf_release(&err);
	free(text);
	return 0;
}
