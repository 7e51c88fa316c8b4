#include "report_ci.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report.h"

/*
 * JUnit XML as GitLab, Jenkins and the JUnit report actions read it: one
 * <testsuite> a registry file and one <testcase> a finding. A finding at or
 * above the --fail-on severity is a <failure>; one below it is a passing
 * test case that carries the finding in <system-out>, so that the report
 * fails exactly when the exit status does. A file without findings gets
 * one passing test case, so that every file read shows up.
 */

static int compare_paths(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Fills *out with the distinct paths of the files read and of the findings, sorted. */
static size_t collect_paths(const char ***out, const struct finding_list *findings,
			    const struct report_ci_options *o)
{
	const char **paths = xcalloc(o->nfiles + findings->nr + 1, sizeof(*paths));
	size_t i, n = 0, kept = 0;

	for (i = 0; i < o->nfiles; i++)
		paths[n++] = o->files[i];
	for (i = 0; i < findings->nr; i++)
		paths[n++] = findings->items[i].path;
	if (n > 1)
		qsort(paths, n, sizeof(*paths), compare_paths);
	for (i = 0; i < n; i++)
		if (!kept || strcmp(paths[kept - 1], paths[i]))
			paths[kept++] = paths[i];
	*out = paths;
	return kept;
}

/*
 * The values of add_attribute() and add_text() are escaped already: paths
 * by report_sanitize() or report_locator_path(), messages when they were
 * built. They pass through report_sanitize_escaped() only so that a
 * control character left in a message cannot drive a terminal.
 */
static void add_attribute(struct buf *out, const char *name, const char *value)
{
	struct buf clean = BUF_INIT;

	report_sanitize_escaped(&clean, value);
	buf_addf(out, " %s=\"", name);
	report_xml_escape(out, clean.ptr);
	buf_addch(out, '"');
	buf_release(&clean);
}

static void add_text(struct buf *out, const char *value)
{
	struct buf clean = BUF_INIT;

	report_sanitize_escaped(&clean, value);
	report_xml_escape(out, clean.ptr);
	buf_release(&clean);
}

/*
 * Appends the test case of f. path is the file's path escaped as the text
 * report shows it, and locator as the file attribute names the file.
 */
static void add_testcase(struct buf *out, const struct finding *f, const char *path,
			 const char *locator, const struct report_ci_options *o)
{
	const char *rule = rule_table[f->rule].id;
	struct buf name = BUF_INIT, detail = BUF_INIT;
	int failure = (int)f->severity >= o->fail_on;

	buf_addf(&name, "%s: %s", rule, f->message);
	buf_addf(&detail, "%s:%u:%u: %s: %s [%s]", path, f->pos.line, f->pos.column,
		 severity_name(f->severity), f->message, rule);

	buf_adds(out, "    <testcase");
	add_attribute(out, "name", name.ptr);
	add_attribute(out, "classname", path);
	add_attribute(out, "file", locator);
	if (f->pos.line)
		buf_addf(out, " line=\"%u\"", f->pos.line);
	buf_adds(out, ">\n");
	if (failure) {
		buf_adds(out, "      <failure");
		add_attribute(out, "type", rule);
		add_attribute(out, "message", f->message);
		buf_addch(out, '>');
		add_text(out, detail.ptr);
		buf_adds(out, "</failure>\n");
	} else {
		buf_adds(out, "      <system-out>");
		add_text(out, detail.ptr);
		buf_adds(out, "</system-out>\n");
	}
	buf_adds(out, "    </testcase>\n");
	buf_release(&name);
	buf_release(&detail);
}

/* Appends the suite of one file; findings[0..n) are that file's findings. */
static size_t add_suite(struct buf *out, const char *raw_path, const struct finding *findings,
			size_t n, const struct report_ci_options *o)
{
	struct buf path = BUF_INIT, shown = BUF_INIT, locator = BUF_INIT, cases = BUF_INIT;
	size_t i, failures = 0;

	report_repo_path(&path, o, raw_path);
	report_sanitize(&shown, path.ptr);
	report_locator_path(&locator, path.ptr);
	for (i = 0; i < n; i++) {
		add_testcase(&cases, &findings[i], shown.ptr, locator.ptr, o);
		if ((int)findings[i].severity >= o->fail_on)
			failures++;
	}
	if (!n) {
		buf_adds(&cases, "    <testcase name=\"no findings\"");
		add_attribute(&cases, "classname", shown.ptr);
		add_attribute(&cases, "file", locator.ptr);
		buf_adds(&cases, "/>\n");
	}

	buf_adds(out, "  <testsuite");
	add_attribute(out, "name", shown.ptr);
	buf_addf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n",
		 n ? n : 1, failures);
	buf_add(out, cases.ptr, cases.len);
	buf_adds(out, "  </testsuite>\n");
	buf_release(&path);
	buf_release(&shown);
	buf_release(&locator);
	buf_release(&cases);
	return failures;
}

int report_junit(FILE *out, const struct finding_list *findings,
		 const struct report_ci_options *o)
{
	struct buf suites = BUF_INIT;
	const char **paths = NULL;
	size_t npaths, i, next = 0, tests = 0, failures = 0;

	/* Findings come sorted by path, in strcmp() order like paths. */
	npaths = collect_paths(&paths, findings, o);
	for (i = 0; i < npaths; i++) {
		size_t first = next;

		while (next < findings->nr && !strcmp(findings->items[next].path, paths[i]))
			next++;
		failures += add_suite(&suites, paths[i], findings->items + first, next - first, o);
		tests += next > first ? next - first : 1;
	}

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(out, "<testsuites name=\"modelaudit\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		tests, failures);
	fwrite(suites.ptr, 1, suites.len, out);
	fprintf(out, "</testsuites>\n");
	free(paths);
	buf_release(&suites);
	return ferror(out) ? -1 : 0;
}
