#include "linkreport.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "report.h"

#define COLOR_RESET "\033[0m"
#define COLOR_BOLD "\033[1m"
#define COLOR_RED "\033[31m"
#define COLOR_YELLOW "\033[33m"
#define COLOR_GREEN "\033[32m"

/* Rank of each state in the reports: failing links come first. */
static int state_rank(enum link_state s)
{
	switch (s) {
	case LINK_STATE_ROTTEN: return 0;
	case LINK_STATE_NEW: return 1;
	case LINK_STATE_FAILING: return 2;
	case LINK_STATE_RECOVERED: return 3;
	default: return 4;
	}
}

/*
 * A blocked or refused link is neither failing nor working, so its state
 * stays "ok"; the text report lists it under a heading of its own rather
 * than among the links that work.
 */
static int is_unverified(const struct link *l)
{
	return l->state == LINK_STATE_OK &&
	       (l->class == LINK_BLOCKED || l->class == LINK_REFUSED);
}

static int group_rank(const struct link *l)
{
	return is_unverified(l) ? 5 : state_rank(l->state);
}

static const char *group_name(const struct link *l)
{
	return is_unverified(l) ? "not verified (blocked or refused)" : link_state_name(l->state);
}

static int compare_links(const void *a, const void *b)
{
	const struct link *x = *(const struct link *const *)a;
	const struct link *y = *(const struct link *const *)b;
	int rx = group_rank(x), ry = group_rank(y);

	if (rx != ry)
		return rx - ry;
	return x < y ? -1 : x > y;
}

/* Returns the links in report order, in an array the caller frees. */
static const struct link **sorted_links(const struct link_set *set)
{
	const struct link **list = xcalloc(set->nr ? set->nr : 1, sizeof(*list));
	size_t i;

	for (i = 0; i < set->nr; i++)
		list[i] = &set->items[i];
	qsort(list, set->nr, sizeof(*list), compare_links);
	return list;
}

/* Reports whether a link is listed without --verbose. */
static int is_notable(const struct link *l)
{
	if (l->state != LINK_STATE_OK)
		return 1;
	return l->class != LINK_OK && l->class != LINK_EXCLUDED;
}

/* Appends "broken (404): reason, moved permanently to URL" for l. */
static void describe_result(struct buf *out, const struct link *l)
{
	buf_adds(out, link_class_name(l->class));
	if (l->status)
		buf_addf(out, " (%ld)", l->status);
	if (l->reason) {
		buf_adds(out, ": ");
		report_sanitize(out, l->reason);
	}
	if (l->final_url) {
		buf_adds(out, l->class == LINK_REDIRECTED ? ", moved permanently to " : ", redirected to ");
		report_sanitize(out, l->final_url);
	}
}

static void describe_state(struct buf *out, const struct link *l)
{
	if (l->state == LINK_STATE_OK || l->state == LINK_STATE_RECOVERED || !l->first_failure)
		return;
	buf_addf(out, ", failing since %s, %ld scan%s in a row", l->first_failure,
		 l->consecutive_failures, l->consecutive_failures == 1 ? "" : "s");
}

static void describe_citation(struct buf *out, const struct link_citation *c)
{
	report_sanitize(out, c->path ? c->path : "-");
	buf_addf(out, ":%u:%u:", c->pos.line, c->pos.column);
	if (c->model) {
		buf_addch(out, ' ');
		report_sanitize(out, c->model);
	}
	if (c->benchmark) {
		buf_addch(out, ' ');
		report_sanitize(out, c->benchmark);
	}
}

static const char *state_color(enum link_state s)
{
	switch (s) {
	case LINK_STATE_ROTTEN: return COLOR_RED;
	case LINK_STATE_NEW:
	case LINK_STATE_FAILING: return COLOR_YELLOW;
	case LINK_STATE_RECOVERED: return COLOR_GREEN;
	default: return "";
	}
}

void link_report_text(FILE *out, const struct link_set *set,
		      const struct link_report_options *opts)
{
	const struct link **list = sorted_links(set);
	struct buf line = BUF_INIT;
	int group = -1;
	size_t i, j;

	for (i = 0; i < set->nr; i++) {
		const struct link *l = list[i];

		if (!opts->verbose && !is_notable(l))
			continue;
		if (group_rank(l) != group) {
			const char *heading = group_name(l);

			group = group_rank(l);
			if (opts->color)
				fprintf(out, "%s%s%s:" COLOR_RESET "\n", COLOR_BOLD,
					state_color(l->state), heading);
			else
				fprintf(out, "%s:\n", heading);
		}

		buf_reset(&line);
		report_sanitize(&line, l->url);
		buf_adds(&line, ": ");
		describe_result(&line, l);
		describe_state(&line, l);
		fprintf(out, "  %s\n", line.ptr);
		for (j = 0; j < l->ncited; j++) {
			buf_reset(&line);
			describe_citation(&line, &l->cited_by[j]);
			fprintf(out, "    %s\n", line.ptr);
		}
		if (l->archive) {
			buf_reset(&line);
			report_sanitize(&line, l->archive);
			fprintf(out, "    archived copy: %s\n", line.ptr);
		}
	}
	buf_release(&line);
	free(list);
}

static void count_classes(const struct link_set *set, size_t *counts, size_t *checked)
{
	size_t i;

	memset(counts, 0, sizeof(size_t) * LINK_CLASS_COUNT);
	*checked = 0;
	for (i = 0; i < set->nr; i++) {
		counts[set->items[i].class]++;
		*checked += set->items[i].checked ? 1 : 0;
	}
}

void link_report_summary(FILE *out, const struct link_set *set)
{
	size_t counts[LINK_CLASS_COUNT], checked;
	int c;

	count_classes(set, counts, &checked);
	fprintf(out, "%zu URL%s (%zu checked):", set->nr, set->nr == 1 ? "" : "s", checked);
	for (c = 0; c < LINK_CLASS_COUNT; c++)
		fprintf(out, "%s %zu %s", c ? "," : "", counts[c], link_class_name((enum link_class)c));
	fputc('\n', out);
}

static json_t *citation_json(const struct link_citation *c)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "path", report_json_string(c->path ? c->path : ""));
	json_object_set_new(obj, "line", json_integer(c->pos.line));
	if (c->model)
		json_object_set_new(obj, "model", report_json_string(c->model));
	if (c->benchmark)
		json_object_set_new(obj, "benchmark", report_json_string(c->benchmark));
	return obj;
}

static json_t *string_or_null(const char *s)
{
	return s ? report_json_string(s) : json_null();
}

static json_t *link_json(const struct link *l)
{
	json_t *obj = json_object(), *cited = json_array();
	size_t i;

	json_object_set_new(obj, "url", report_json_string(l->url));
	json_object_set_new(obj, "class", json_string(link_class_name(l->class)));
	json_object_set_new(obj, "status", l->status ? json_integer(l->status) : json_null());
	json_object_set_new(obj, "final_url", string_or_null(l->final_url));
	json_object_set_new(obj, "state", json_string(link_state_name(l->state)));
	json_object_set_new(obj, "first_failure", string_or_null(l->first_failure));
	json_object_set_new(obj, "consecutive_failures", json_integer(l->consecutive_failures));
	json_object_set_new(obj, "archive", string_or_null(l->archive));
	for (i = 0; i < l->ncited; i++)
		json_array_append_new(cited, citation_json(&l->cited_by[i]));
	json_object_set_new(obj, "cited_by", cited);
	return obj;
}

int link_report_json(FILE *out, const struct link_set *set)
{
	const struct link **list = sorted_links(set);
	json_t *root = json_object(), *links = json_array(), *summary = json_object();
	size_t counts[LINK_CLASS_COUNT], checked, i;
	int c, ret;

	for (i = 0; i < set->nr; i++)
		json_array_append_new(links, link_json(list[i]));
	count_classes(set, counts, &checked);
	json_object_set_new(summary, "urls", json_integer((json_int_t)set->nr));
	for (c = 0; c < LINK_CLASS_COUNT; c++)
		json_object_set_new(summary, link_class_name((enum link_class)c),
				    json_integer((json_int_t)counts[c]));

	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "links", links);
	json_object_set_new(root, "summary", summary);
	ret = report_print_json(out, root);
	json_decref(root);
	free(list);
	return ret;
}

/*
 * Appends s sanitised, with the characters that end a markdown table cell
 * or change its text escaped. A backslash is escaped too, so that the
 * rendered cell shows the doubled backslash of the text report, and a URL
 * that contains the characters \x1B reads apart from one that contains ESC.
 */
static void add_cell(struct buf *out, const char *s)
{
	struct buf clean = BUF_INIT;
	size_t i;

	report_sanitize(&clean, s);
	for (i = 0; i < clean.len; i++) {
		if (clean.ptr[i] == '|' || clean.ptr[i] == '<' || clean.ptr[i] == '>' ||
		    clean.ptr[i] == '`' || clean.ptr[i] == '*' || clean.ptr[i] == '_' ||
		    clean.ptr[i] == '\\')
			buf_addch(out, '\\');
		buf_addch(out, clean.ptr[i]);
	}
	buf_release(&clean);
}

void link_report_markdown(FILE *out, const struct link_set *set,
			  const struct link_report_options *opts)
{
	const struct link **list = sorted_links(set);
	struct buf row = BUF_INIT;
	size_t counts[LINK_CLASS_COUNT], checked, i, j, listed = 0;
	int c;

	fprintf(out, "### Link scan\n\n");
	for (i = 0; i < set->nr; i++) {
		const struct link *l = list[i];

		if (!opts->verbose && !is_notable(l))
			continue;
		if (!listed++)
			fprintf(out, "| State | URL | Result | Cited by | Suggestion |\n"
				"| --- | --- | --- | --- | --- |\n");
		buf_reset(&row);
		buf_addf(&row, "| %s | ", link_state_name(l->state));
		add_cell(&row, l->url);
		buf_addf(&row, " | %s", link_class_name(l->class));
		if (l->status)
			buf_addf(&row, " (%ld)", l->status);
		if (l->reason) {
			buf_adds(&row, ": ");
			add_cell(&row, l->reason);
		}
		buf_adds(&row, " | ");
		for (j = 0; j < l->ncited; j++) {
			const struct link_citation *ct = &l->cited_by[j];

			if (j)
				buf_adds(&row, "<br>");
			add_cell(&row, ct->path ? ct->path : "-");
			buf_addf(&row, ":%u", ct->pos.line);
			if (ct->model) {
				buf_addch(&row, ' ');
				add_cell(&row, ct->model);
			}
			if (ct->benchmark) {
				buf_addch(&row, ' ');
				add_cell(&row, ct->benchmark);
			}
		}
		buf_adds(&row, " | ");
		if (l->archive) {
			buf_adds(&row, "archived copy: ");
			add_cell(&row, l->archive);
		} else if (l->class == LINK_REDIRECTED && l->final_url) {
			buf_adds(&row, "moved to ");
			add_cell(&row, l->final_url);
		}
		buf_adds(&row, " |");
		fprintf(out, "%s\n", row.ptr);
	}
	if (!listed)
		fprintf(out, "No failing links.\n");

	count_classes(set, counts, &checked);
	fprintf(out, "\n%zu URL%s (%zu checked):", set->nr, set->nr == 1 ? "" : "s", checked);
	for (c = 0; c < LINK_CLASS_COUNT; c++)
		fprintf(out, "%s %zu %s", c ? "," : "", counts[c], link_class_name((enum link_class)c));
	fputc('\n', out);
	buf_release(&row);
	free(list);
}
