#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "commands.h"
#include "history.h"
#include "historyreport.h"
#include "options.h"
#include "report.h"

static const char diff_usage[] =
	"usage: modelaudit diff [<since> | <a>..<b> | --root [<rev>]] [--first-parent] [--net] [--staged] [<options>]\n"
	"\n"
	"Reports every commit of the range that changes the registry, oldest first:\n"
	"what it added, changed and removed, and which findings it introduced and\n"
	"fixed. With no revision, compares the working tree (or, with --staged, the\n"
	"index) with HEAD.";

enum diff_format { DIFF_TEXT, DIFF_JSON, DIFF_MARKDOWN };

struct diff_output {
	enum diff_format format;
	int color;
	int fail_on;		/* enum severity, or SEVERITY_ERROR + 1 for never */
	int failed;		/* a step introduced a finding at fail_on or above */
	size_t steps;
	size_t changes;
	size_t introduced;
	size_t fixed;
	struct history_json json;	/* JSON only */
	struct history_markdown markdown;	/* markdown only */
};

static int print_step(void *data, const struct history_step *step)
{
	struct diff_output *o = data;

	o->steps++;
	o->changes += step->changes.nr;
	o->introduced += step->introduced.nr;
	o->fixed += step->fixed.nr;
	if (o->fail_on <= SEVERITY_ERROR &&
	    finding_list_count(&step->introduced, (enum severity)o->fail_on))
		o->failed = 1;

	switch (o->format) {
	case DIFF_JSON:
		history_json_add(&o->json, step);
		break;
	case DIFF_MARKDOWN:
		history_markdown_add(&o->markdown, step);
		break;
	default:
		history_print_text(stdout, step, o->color);
		break;
	}
	return 0;
}

/*
 * Prints the closing count. The working tree and the index are no
 * commits, so they are named, and --net reports the range as one step.
 */
static void print_summary(const struct diff_output *o, const struct history_options *h,
			  FILE *out)
{
	if (h->staged || (!h->rev && !h->root))
		fprintf(out, "%s: ", h->staged ? "index" : "working tree");
	else if (h->net)
		fputs("the range as a whole: ", out);
	else
		fprintf(out, "%zu commit%s with registry changes: ", o->steps,
			o->steps == 1 ? "" : "s");
	fprintf(out, "%zu change%s, %zu finding%s introduced, %zu fixed\n",
		o->changes, o->changes == 1 ? "" : "s",
		o->introduced, o->introduced == 1 ? "" : "s", o->fixed);
}

/*
 * Copies the document spooled in doc to standard output, where a failed
 * write ends the run (see main.c). Returns 0, or -1 when the temporary
 * file cannot be written out or read back.
 */
static int copy_document(FILE *doc)
{
	char chunk[65536];
	size_t n;

	if (ferror(doc) || fflush(doc) != 0 || fseek(doc, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), doc)) > 0)
		fwrite(chunk, 1, n, stdout);
	return ferror(doc) ? -1 : 0;
}

/* Returns the line of a markdown report with nothing to show, which a pull-request comment carries alone. */
static const char *empty_report(const struct history_options *o)
{
	if (o->staged)
		return "The index does not change the registry.";
	if (!o->rev && !o->root)
		return "The working tree does not change the registry.";
	if (o->net)
		return "The range as a whole does not change the registry.";
	return "No commit in the range changes the registry.";
}

int cmd_diff(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", "markdown", NULL };
	struct common_options common;
	struct history_options hopt;
	struct history_range range;
	struct string_list args = { 0 };
	struct diff_output out;
	struct history *h = NULL;
	struct audit audit;
	struct buf err = BUF_INIT;
	int status = EXIT_OK, ret;
	FILE *doc = NULL;
	struct option options[] = {
		OPT_FLAG("root", &hopt.root, "report every commit reachable from HEAD (or <rev>), the first against an empty registry"),
		OPT_FLAG("first-parent", &hopt.first_parent, "follow only the first parent of merge commits"),
		OPT_FLAG("net", &hopt.net, "print one report for the whole range instead of one per commit"),
		OPT_FLAG("staged", &hopt.staged, "compare the git index, not the working tree, with HEAD"),
		COMMON_OPTIONS(&common, "text, json or markdown"),
		OPT_END()
	};

	memset(&common, 0, sizeof(common));
	memset(&hopt, 0, sizeof(hopt));
	memset(&out, 0, sizeof(out));
	memset(&range, 0, sizeof(range));
	audit_init(&audit);

	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (common.help) {
		options_print_help(stdout, diff_usage, options);
		goto done;
	}
	if (common_options_finish(&common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (args.nr > 1) {
		fprintf(stderr, "modelaudit: error: 'diff' takes at most one revision or range (see 'modelaudit diff --help')\n");
		status = EXIT_USAGE;
		goto done;
	}
	hopt.rev = args.nr ? args.items[0] : NULL;
	hopt.explicit_config = common.config != NULL;
	if (hopt.staged && (hopt.rev || hopt.root)) {
		fprintf(stderr, "modelaudit: error: --staged compares the index with HEAD and takes no revision or --root\n");
		status = EXIT_USAGE;
		goto done;
	}
	if (history_check_rev(&hopt, &err) < 0) {
		fprintf(stderr, "modelaudit: error: %s\n", err.ptr);
		status = EXIT_USAGE;
		goto done;
	}

	audit.verbose = common.verbose;
	ret = audit_setup(&audit, common.config, &common.rules, &err);
	if (ret < 0) {
		fprintf(stderr, "modelaudit: error: %s\n", err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	ret = history_open(&h, &audit.rules, audit.config.severity,
			   &audit.config.registry, &err);
	if (ret < 0) {
		fprintf(stderr, "modelaudit: error: %s\n", err.ptr);
		status = EXIT_OPERATIONAL;
		goto done;
	}
	history_set_verbose(h, common.verbose);

	out.format = !strcmp(common.format, "json") ? DIFF_JSON :
		     !strcmp(common.format, "markdown") ? DIFF_MARKDOWN : DIFF_TEXT;
	out.color = common.use_color;
	out.fail_on = common.fail_on_severity;
	/*
	 * A JSON or markdown document is spooled to a temporary file and
	 * printed once the whole range has been read, so that a failure part
	 * way leaves standard output empty rather than a document cut short.
	 */
	if (out.format != DIFF_TEXT) {
		doc = tmpfile();
		if (!doc) {
			fprintf(stderr, "modelaudit: error: cannot create a temporary file for the report: %s\n",
				strerror(errno));
			status = EXIT_OPERATIONAL;
			goto done;
		}
	}
	history_json_init(&out.json, doc, &range);
	history_markdown_init(&out.markdown, doc, HISTORY_MARKDOWN_MAX_SIZE);

	/* The markdown size does not change the exit status, which the counts of every step decide. */
	ret = history_run(h, &hopt, print_step, &out, &range, &err);
	if (out.format == DIFF_MARKDOWN && ret == 0)
		history_markdown_finish(&out.markdown, empty_report(&hopt));
	if (ret < 0) {
		fprintf(stderr, "modelaudit: error: %s\n", err.ptr);
		status = ret == GITREPO_BAD_SPEC ? EXIT_USAGE :
			 ret == HISTORY_INVALID_CONFIG ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	if ((out.format == DIFF_JSON && history_json_finish(&out.json) < 0) ||
	    (doc && copy_document(doc) < 0)) {
		fprintf(stderr, "modelaudit: error: cannot spool the report to a temporary file: %s\n",
			strerror(errno));
		status = EXIT_OPERATIONAL;
		goto done;
	}
	if (!common.quiet && out.format != DIFF_JSON)
		print_summary(&out, &hopt, stderr);
	if (common.verbose) {
		size_t files, models;

		history_stats(h, &files, &models);
		fprintf(stderr, "modelaudit: parsed %zu file%s whole and %zu model%s one by one\n",
			files, files == 1 ? "" : "s", models, models == 1 ? "" : "s");
	}
	if (status == EXIT_OK && out.failed)
		status = EXIT_FINDINGS;

done:
	if (fflush(stdout) != 0 && status != EXIT_USAGE)
		status = EXIT_OPERATIONAL;
	history_json_release(&out.json);
	history_markdown_release(&out.markdown);
	if (doc)
		fclose(doc);
	history_free(h);
	audit_release(&audit);
	buf_release(&err);
	string_list_release(&args);
	string_list_release(&common.rules);
	return status;
}
