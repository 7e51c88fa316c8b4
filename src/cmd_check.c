#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "audit.h"
#include "baseline.h"
#include "buf.h"
#include "commands.h"
#include "config.h"
#include "finding.h"
#include "fsutil.h"
#include "gitrepo.h"
#include "options.h"
#include "report.h"
#include "report_ci.h"

static const char check_usage[] =
	"usage: modelaudit check [<path>...] [--staged | --rev <rev>] [<options>]\n"
	"\n"
	"Audits the registry (by default the one that .modelaudit.yaml names, else\n"
	"data/models.yaml) and prints one finding a line.";

struct check_options {
	struct common_options common;
	int staged;
	const char *rev;
	int show_source;
	const char *baseline;
	const char *write_baseline;
	int strict;
};

/* The text of the files read, kept for --show-source. */
static const char *find_line(void *data, const char *path, uint32_t line, size_t *len)
{
	const struct audit *a = data;
	size_t i;

	for (i = 0; i < a->nfiles; i++) {
		const struct audit_file *f = &a->files[i];
		const char *p, *end;
		uint32_t n = 1;

		if (strcmp(f->path, path) || !f->text)
			continue;
		p = f->text;
		end = f->text + f->len;
		if (f->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		while (n < line && p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			if (!nl)
				return NULL;
			p = nl + 1;
			n++;
		}
		/* A problem at the end of the file is on the empty line after it. */
		if (p == end && n == line && f->len && end[-1] == '\n') {
			*len = 0;
			return p;
		}
		if (p >= end)
			return NULL;
		{
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

			if (l && p[l - 1] == '\r')
				l--;
			*len = l;
		}
		return p;
	}
	return NULL;
}

/*
 * Applies the baseline: --write-baseline records the findings and then
 * hides them all; else --baseline, or the configuration's `baseline:`
 * (relative to the configuration's directory), hides those it lists.
 */
static int apply_baseline(struct audit *a, const struct check_options *o,
			  size_t *hidden, const char **used, struct buf *err)
{
	struct baseline b = BASELINE_INIT;
	const char *path = o->write_baseline ? o->write_baseline : o->baseline;
	char *from_config = NULL;
	int ret = 0;

	*hidden = 0;
	if (o->write_baseline) {
		ret = baseline_write(o->write_baseline, &a->findings, err);
		if (ret < 0)
			goto done;
	}
	if (!path && a->config.baseline)
		path = from_config = path_join(a->config.root, a->config.baseline);
	if (!path)
		goto done;
	ret = baseline_read(&b, path, err);
	if (ret < 0) {
		if (from_config)
			buf_addf(err, " (the baseline: key of %s)",
				 a->config.path ? a->config.path : "the configuration");
		goto done;
	}
	*hidden = baseline_filter(&b, &a->findings);
	*used = from_config ? a->config.baseline : path;

done:
	free(from_config);
	baseline_release(&b);
	return ret;
}

/* Prints the findings as SARIF, GitHub workflow commands or JUnit XML. */
static int print_ci_report(FILE *out, const char *format, const struct audit *a,
			   const struct check_options *o)
{
	struct report_ci_options ro = { 0 };
	struct gitrepo *repo = NULL;
	struct buf ignored = BUF_INIT;
	const char **files;
	char *root = NULL;
	size_t i;
	int ret;

	/* Locations are relative to the repository's top, or else the configuration's directory. */
	if (!gitrepo_open(&repo, &ignored) && gitrepo_workdir(repo))
		root = xstrdup(gitrepo_workdir(repo));
	else
		root = realpath(a->config.root, NULL);
	files = xcalloc(a->nfiles + 1, sizeof(*files));
	for (i = 0; i < a->nfiles; i++)
		files[i] = a->files[i].path;

	ro.root = root;
	ro.paths_from_root = o->staged || o->rev;
	ro.severity = a->config.severity;
	ro.fail_on = o->common.fail_on_severity;
	ro.files = files;
	ro.nfiles = a->nfiles;
	if (!strcmp(format, "sarif"))
		ret = report_sarif(out, &a->findings, &ro);
	else if (!strcmp(format, "github"))
		ret = report_github(out, &a->findings, &ro);
	else
		ret = report_junit(out, &a->findings, &ro);

	free(files);
	free(root);
	gitrepo_free(repo);
	buf_release(&ignored);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "sarif", "github", "junit", NULL };
	struct check_options opts;
	struct string_list args = { 0 };
	struct audit audit;
	struct buf err = BUF_INIT;
	const char *baseline_used = NULL;
	size_t hidden = 0;
	int status = EXIT_OK, ret;
	struct option options[] = {
		OPT_FLAG("staged", &opts.staged, "audit the files staged in the git index, not the working tree"),
		OPT_STRING("rev", "<rev>", &opts.rev, "audit the registry as it is in commit <rev>"),
		OPT_FLAG("show-source", &opts.show_source, "print the offending line with a caret under the column"),
		OPT_STRING("baseline", "<file>", &opts.baseline, "hide the findings recorded in the baseline <file>"),
		OPT_STRING("write-baseline", "<file>", &opts.write_baseline, "record the current findings in <file>, then hide them"),
		OPT_FLAG("strict", &opts.strict, "exit 1 on warnings too (as --fail-on warning)"),
		COMMON_OPTIONS(&opts.common, "text, json, sarif, github or junit"),
		OPT_END()
	};

	memset(&opts, 0, sizeof(opts));
	audit_init(&audit);

	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (opts.common.help) {
		options_print_help(stdout, check_usage, options);
		goto done;
	}
	if (common_options_finish(&opts.common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (opts.strict && opts.common.fail_on_severity > SEVERITY_WARNING)
		opts.common.fail_on_severity = SEVERITY_WARNING;
	if (opts.staged && opts.rev) {
		fprintf(stderr, "modelaudit: error: --staged and --rev cannot be used together\n");
		status = EXIT_USAGE;
		goto done;
	}

	audit.keep_text = opts.show_source;
	/* check runs no rule that needs a whole model once its own rules ran. */
	audit.registry.slim = 1;
	audit.verbose = opts.common.verbose;
	ret = audit_setup(&audit, opts.common.config, &opts.common.rules, &err);
	if (ret < 0) {
		report_error("%s", err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	if (opts.staged || opts.rev)
		ret = audit_read_git(&audit, opts.staged ? NULL : opts.rev, &args, &err);
	else
		ret = audit_read_worktree(&audit, &args, &err);
	if (ret < 0) {
		report_error("%s", err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG :
			 ret == AUDIT_USAGE_ERROR ? EXIT_USAGE : EXIT_OPERATIONAL;
		goto done;
	}
	audit_finish(&audit);
	ret = apply_baseline(&audit, &opts, &hidden, &baseline_used, &err);
	if (ret < 0) {
		report_error("%s", err.ptr);
		status = ret == BASELINE_INVALID ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	if (strcmp(opts.common.format, "text") && strcmp(opts.common.format, "json")) {
		if (print_ci_report(stdout, opts.common.format, &audit, &opts) < 0) {
			fprintf(stderr, "modelaudit: error: writing the report failed\n");
			status = EXIT_OPERATIONAL;
			goto done;
		}
	} else if (!strcmp(opts.common.format, "json")) {
		struct report_summary summary;

		summary.files = audit.registry.nfiles;
		summary.models = audit.registry.nr;
		summary.scores = audit.registry.nscores;
		if (report_json(stdout, &audit.findings, &summary) < 0) {
			fprintf(stderr, "modelaudit: error: writing the report failed\n");
			status = EXIT_OPERATIONAL;
			goto done;
		}
	} else {
		struct report_options ro = { 0 };

		ro.color = opts.common.use_color;
		ro.show_source = opts.show_source;
		ro.source_line = find_line;
		ro.source_data = &audit;
		report_text(stdout, &audit.findings, &ro);
	}
	if (!opts.common.quiet)
		audit_print_summary(&audit, stderr);
	if (!opts.common.quiet && opts.write_baseline)
		fprintf(stderr, "modelaudit: wrote %zu finding%s to the baseline %s\n",
			hidden, hidden == 1 ? "" : "s", opts.write_baseline);
	else if (!opts.common.quiet && hidden)
		fprintf(stderr, "modelaudit: %zu finding%s hidden by the baseline %s\n",
			hidden, hidden == 1 ? "" : "s", baseline_used);

	if ((int)finding_list_count(&audit.findings, SEVERITY_NOTE) &&
	    opts.common.fail_on_severity <= SEVERITY_ERROR &&
	    finding_list_count(&audit.findings, (enum severity)opts.common.fail_on_severity))
		status = EXIT_FINDINGS;

done:
	if (fflush(stdout) != 0 && status != EXIT_USAGE)
		status = EXIT_OPERATIONAL;
	audit_release(&audit);
	buf_release(&err);
	string_list_release(&args);
	string_list_release(&opts.common.rules);
	return status;
}
