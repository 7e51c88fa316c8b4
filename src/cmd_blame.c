#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "audit.h"
#include "commands.h"
#include "history.h"
#include "historyblame.h"
#include "historyreport.h"
#include "options.h"
#include "report.h"

static const char blame_usage[] =
	"usage: modelaudit blame <model-id> [<benchmark>] [<options>]\n"
	"\n"
	"Lists, for every score of the model in HEAD (or of one benchmark), the\n"
	"commit that set its current value, and every earlier value with its commit.";

/*
 * The options every command takes whose usual help does not hold for
 * blame, with what they do here. They are still accepted and checked, so
 * one set of options works for every command.
 */
static const struct option_help blame_option_help[] = {
	{ "fail-on", "ignored, because blame reports no findings (it never exits 1)" },
	{ "color", "ignored, because blame prints no colour" },
	{ "quiet", "ignored, because blame prints no summary" },
	{ NULL, NULL }
};

/* Compares benchmark names as the catalogue does: ignoring case and " -_/". */
static int same_benchmark(const char *a, const char *b)
{
	if (!a || !b)
		return 0;
	for (;;) {
		while (*a && strchr(" -_/", *a))
			a++;
		while (*b && strchr(" -_/", *b))
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		a++;
		b++;
	}
}

static int score_selected(const struct score *s, const char *benchmark,
			  const struct ruleset *rules)
{
	const struct benchmark_def *def;

	if (!benchmark)
		return 1;
	if (same_benchmark(s->benchmark.s, benchmark) || same_benchmark(s->canonical, benchmark))
		return 1;
	def = ruleset_find_benchmark(rules, benchmark);
	return def && s->canonical && !strcmp(def->name, s->canonical);
}

/* The models of the registry at HEAD that blame looks in. */
struct head_models {
	struct model *const *models;
	size_t nr;
};

static const struct model *find_model(const struct head_models *head, const char *id)
{
	size_t i;

	for (i = 0; i < head->nr; i++)
		if (head->models[i]->id.s && !strcmp(head->models[i]->id.s, id))
			return head->models[i];
	return NULL;
}

/*
 * Appends "PATH does not load at HEAD (PATH:LINE:COL: MESSAGE [RULE])" for
 * each file of the audit of HEAD that a loader finding stopped, joined by
 * "; ".
 */
static void describe_broken(struct buf *out, const struct audit *head)
{
	size_t i, n = 0;

	for (i = 0; i < head->findings.nr; i++) {
		const struct finding *f = &head->findings.items[i];

		if (!rule_stops_file(f->rule))
			continue;
		if (n++)
			buf_adds(out, "; ");
		report_sanitize(out, f->path);
		buf_adds(out, " does not load at HEAD (");
		report_sanitize(out, f->path);
		buf_addf(out, ":%u:%u: ", f->pos.line, f->pos.column);
		report_sanitize_escaped(out, f->message);
		buf_addf(out, " [%s])", rule_table[f->rule].id);
	}
}

/*
 * Prints an error that names the places of the models of reg with the id
 * and returns 1 when there are several of them, or returns 0.
 */
static int report_ambiguous(const struct head_models *reg, const char *id)
{
	struct buf msg = BUF_INIT;
	size_t i, n = 0;

	for (i = 0; i < reg->nr; i++)
		if (reg->models[i]->id.s && !strcmp(reg->models[i]->id.s, id))
			n++;
	if (n < 2)
		return 0;
	buf_adds(&msg, "model id '");
	report_sanitize(&msg, id);
	buf_addf(&msg, "' is used by %zu models at HEAD (", n);
	n = 0;
	for (i = 0; i < reg->nr; i++) {
		const struct model *m = reg->models[i];

		if (!m->id.s || strcmp(m->id.s, id))
			continue;
		if (n++)
			buf_adds(&msg, ", ");
		report_sanitize(&msg, m->path);
		buf_addf(&msg, ":%u", (unsigned)m->pos.line);
	}
	buf_adds(&msg, "), and blame keeps one trail per id, so it cannot tell which values are "
		 "whose: give each model its own id");
	report_error("%s", msg.ptr);
	buf_release(&msg);
	return 1;
}

/*
 * Prints a warning when a commit had several models with id while one of
 * them changed, so that the trails may mix their values.
 */
static void warn_shared(const struct blame *blame, const char *id)
{
	struct buf msg = BUF_INIT;
	const git_oid *commit;
	const char *places;

	if (!blame_shared(&commit, &places, blame, id))
		return;
	buf_addf(&msg, "commit %.10s had several models with id '", git_oid_tostr_s(commit));
	report_sanitize(&msg, id);
	buf_adds(&msg, "' (");
	report_sanitize(&msg, places);
	buf_adds(&msg, "), and blame keeps one trail per id: the values up to that commit "
		 "may be those of another model");
	fprintf(stderr, "modelaudit: warning: %s\n", msg.ptr);
	buf_release(&msg);
}

/*
 * The widths of the value and author columns of the text output. A longer
 * value or name does not widen its column past COLUMN_MAX characters: it
 * pushes the rest of its own line right, so that one hostile value cannot
 * pad every line.
 */
#define COLUMN_MAX 40

struct columns {
	size_t value;
	size_t author;
};

/* Returns how many characters s (valid UTF-8, as report_sanitize() leaves it) shows. */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Raises *width to the width of text, up to COLUMN_MAX. */
static void widen(size_t *width, const char *text)
{
	size_t n = text_width(text);

	if (n > *width)
		*width = n < COLUMN_MAX ? n : COLUMN_MAX;
}

/* Appends s sanitized, then spaces up to width characters. */
static void add_column(struct buf *out, const char *s, size_t width)
{
	size_t start = out->len, used;

	report_sanitize(out, s);
	used = text_width(out->ptr + start);
	while (used++ < width)
		buf_add(out, " ", 1);
}

/*
 * Appends "value  commit  date  author  subject" for one event, with the
 * value and the author padded to the widths of cols, and widens cols to
 * fit this event. Trailing spaces are dropped.
 */
static void describe_event(struct buf *out, git_repository *git,
			   const struct blame_event *e, struct columns *cols)
{
	git_commit *commit = NULL;
	struct commit_text ct;
	size_t start = out->len;

	add_column(out, e->value ? e->value : "(none)", cols->value);
	widen(&cols->value, out->ptr + start);
	buf_addf(out, "  %.10s", git_oid_tostr_s(&e->commit));
	if (git_commit_lookup(&commit, git, &e->commit) < 0)
		return;
	gitrepo_commit_text(&ct, commit);
	buf_adds(out, "  ");
	history_format_time(out, git_commit_author(commit)->when.time);
	buf_adds(out, "  ");
	start = out->len;
	add_column(out, ct.name.ptr, cols->author);
	widen(&cols->author, out->ptr + start);
	buf_adds(out, "  ");
	report_sanitize(out, ct.subject.ptr);
	while (out->len && out->ptr[out->len - 1] == ' ')
		out->ptr[--out->len] = '\0';
	gitrepo_commit_text_release(&ct);
	git_commit_free(commit);
}

static json_t *event_json(git_repository *git, const struct blame_event *e)
{
	json_t *obj = json_object();
	git_commit *commit = NULL;
	struct buf text = BUF_INIT;

	json_object_set_new(obj, "value", e->value ? report_json_string(e->value) : json_null());
	json_object_set_new(obj, "commit", json_string(git_oid_tostr_s(&e->commit)));
	if (git_commit_lookup(&commit, git, &e->commit) == 0) {
		struct commit_text ct;

		gitrepo_commit_text(&ct, commit);
		report_sanitize(&text, ct.name.ptr);
		buf_adds(&text, " <");
		report_sanitize(&text, ct.email.ptr);
		buf_adds(&text, ">");
		json_object_set_new(obj, "author", json_string(text.ptr));
		buf_reset(&text);
		history_format_time(&text, git_commit_author(commit)->when.time);
		json_object_set_new(obj, "date", json_string(text.ptr));
		json_object_set_new(obj, "subject", report_json_string(ct.subject.ptr));
		gitrepo_commit_text_release(&ct);
		git_commit_free(commit);
	}
	buf_release(&text);
	return obj;
}

/* Widens cols to fit every event of t. */
static void measure_trail(git_repository *git, const struct blame_trail *t,
			  struct columns *cols)
{
	struct buf scratch = BUF_INIT;
	size_t i;

	for (i = 0; i < t->nr; i++) {
		buf_reset(&scratch);
		describe_event(&scratch, git, &t->events[i], cols);
	}
	buf_release(&scratch);
}

static void print_text(git_repository *git, const struct model *m,
		       const struct score *s, const struct blame_trail *t,
		       struct columns *cols)
{
	struct buf line = BUF_INIT;
	size_t i;

	report_sanitize(&line, m->path);
	buf_addf(&line, ":%u: ", s->pos.line);
	report_sanitize(&line, s->benchmark.s ? s->benchmark.s : "?");
	if (s->variant.s) {
		buf_adds(&line, " (");
		report_sanitize(&line, s->variant.s);
		buf_adds(&line, ")");
	}
	buf_adds(&line, " ");
	report_sanitize(&line, s->value.s ? s->value.s : "(none)");
	printf("%s\n", line.ptr);
	if (!t || !t->nr)
		printf("    (no commit found)\n");
	for (i = t ? t->nr : 0; i-- > 0;) {
		buf_reset(&line);
		describe_event(&line, git, &t->events[i], cols);
		printf("    %s\n", line.ptr);
	}
	buf_release(&line);
}

static json_t *score_json(git_repository *git, const struct model *m,
			  const struct score *s, const struct blame_trail *t)
{
	json_t *obj = json_object(), *earlier = json_array();
	size_t i;

	json_object_set_new(obj, "benchmark", report_json_string(s->benchmark.s ? s->benchmark.s : ""));
	json_object_set_new(obj, "variant", s->variant.s ? report_json_string(s->variant.s) : json_null());
	json_object_set_new(obj, "source", s->source_url ? report_json_string(s->source_url) :
			    s->source.s ? report_json_string(s->source.s) : json_null());
	json_object_set_new(obj, "value", s->value.s ? report_json_string(s->value.s) : json_null());
	json_object_set_new(obj, "path", report_json_string(m->path));
	json_object_set_new(obj, "line", json_integer(s->pos.line));
	if (t && t->nr) {
		json_t *current = event_json(git, &t->events[t->nr - 1]);

		json_object_set(obj, "commit", json_object_get(current, "commit"));
		json_object_set(obj, "author", json_object_get(current, "author"));
		json_object_set(obj, "date", json_object_get(current, "date"));
		json_object_set(obj, "subject", json_object_get(current, "subject"));
		json_decref(current);
		for (i = t->nr - 1; i-- > 0;)
			json_array_append_new(earlier, event_json(git, &t->events[i]));
	} else {
		json_object_set_new(obj, "commit", json_null());
	}
	json_object_set_new(obj, "history", earlier);
	return obj;
}

/*
 * Prints that model id is not in the registry at HEAD and, when a commit
 * renamed it to a model that is, which commit and what its id is now.
 */
static void print_not_found(const struct blame *blame, const struct head_models *reg,
			    const struct audit *head, const char *id)
{
	struct buf msg = BUF_INIT;
	const char *now;
	const struct blame_rename *r = blame_renamed(&now, blame, id);

	buf_adds(&msg, "model '");
	report_sanitize(&msg, id);
	buf_adds(&msg, "' not found in the registry at HEAD");
	if (r) {
		int at_head = find_model(reg, now) != NULL;

		buf_addf(&msg, ": commit %.10s renamed it to '", git_oid_tostr_s(&r->commit));
		report_sanitize(&msg, r->new);
		buf_adds(&msg, "'");
		if (strcmp(now, r->new)) {
			buf_adds(&msg, at_head ? ", and its id at HEAD is '" : ", later renamed to '");
			report_sanitize(&msg, now);
			buf_adds(&msg, "'");
		}
		if (!at_head)
			buf_adds(&msg, ", which is not at HEAD either");
	}
	if (head->registry.nbroken) {
		buf_adds(&msg, ": ");
		describe_broken(&msg, head);
	}
	report_error("%s", msg.ptr);
	buf_release(&msg);
}

int cmd_blame(int argc, char **argv)
{
	static const char *const formats[] = { "text", "json", NULL };
	struct common_options common;
	struct string_list args = { 0 };
	struct history_options hopt;
	struct history *h = NULL;
	struct audit audit, head;
	struct blame blame = BLAME_INIT;
	struct buf err = BUF_INIT;
	const struct model *m;
	struct head_models at_head;
	struct columns cols = { 0, 0 };
	const char *id, *benchmark;
	struct blame_trail *trails = NULL;
	json_t *scores = NULL;
	size_t i, shown = 0;
	int status = EXIT_OK, ret;
	struct option options[] = {
		COMMON_OPTIONS(&common, "text or json"),
		OPT_END()
	};

	memset(&common, 0, sizeof(common));
	memset(&hopt, 0, sizeof(hopt));
	options_set_help(options, blame_option_help);
	audit_init(&audit);
	audit_init(&head);

	if (options_parse(argc, argv, options, &args) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (common.help) {
		options_print_help(stdout, blame_usage, options);
		goto done;
	}
	if (common_options_finish(&common, formats, stdout) < 0) {
		status = EXIT_USAGE;
		goto done;
	}
	if (args.nr < 1 || args.nr > 2) {
		fprintf(stderr, "modelaudit: error: 'blame' takes a model id and an optional benchmark (see 'modelaudit blame --help')\n");
		status = EXIT_USAGE;
		goto done;
	}
	id = args.items[0];
	benchmark = args.nr > 1 ? args.items[1] : NULL;

	audit.verbose = common.verbose;
	head.verbose = common.verbose;
	/* HEAD is read as the walk read it: an unusable configuration is skipped. */
	head.skip_unusable_config = 1;
	ret = audit_setup(&audit, common.config, &common.rules, &err);
	if (ret == 0)
		ret = audit_setup(&head, common.config, &common.rules, &err);
	if (ret < 0) {
		report_error("%s", err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}
	ret = history_open(&h, &audit.rules, audit.config.severity,
			   &audit.config.registry, &err);
	if (ret == 0) {
		history_set_verbose(h, common.verbose);
		hopt.root = 1;
		hopt.changes_only = 1;
		hopt.explicit_config = common.config != NULL;
		ret = history_run(h, &hopt, blame_add_step, &blame, NULL, &err);
	}
	if (ret == 0)
		ret = audit_read_git(&head, "HEAD", NULL, &err);
	if (ret < 0) {
		report_error("%s", err.ptr);
		status = ret == AUDIT_CONFIG_ERROR ? EXIT_CONFIG : EXIT_OPERATIONAL;
		goto done;
	}

	at_head.models = head.registry.models;
	at_head.nr = head.registry.nr;
	m = find_model(&at_head, id);
	if (!m && head.registry.nbroken) {
		/* The model may be in a file that does not load: take its last version that did, as diff does. */
		ret = history_models_at(&at_head.models, &at_head.nr, h, NULL, &err);
		if (ret < 0) {
			report_error("%s", err.ptr);
			status = EXIT_OPERATIONAL;
			goto done;
		}
		m = find_model(&at_head, id);
		if (m) {
			struct buf msg = BUF_INIT;

			describe_broken(&msg, &head);
			buf_adds(&msg, ": model '");
			report_sanitize(&msg, id);
			buf_adds(&msg, "' is shown as in the last version of its file that loaded");
			fprintf(stderr, "modelaudit: warning: %s\n", msg.ptr);
			buf_release(&msg);
		}
	}
	if (!m) {
		print_not_found(&blame, &at_head, &head, id);
		status = EXIT_OPERATIONAL;
		goto done;
	}

	if (report_ambiguous(&at_head, id)) {
		status = EXIT_OPERATIONAL;
		goto done;
	}
	warn_shared(&blame, id);

	trails = xcalloc(m->nscores + 1, sizeof(*trails));
	blame_find_trails(trails, &blame, m);
	if (!strcmp(common.format, "json"))
		scores = json_array();
	/* The columns line up across the whole output, as in git blame. */
	for (i = 0; !scores && i < m->nscores; i++)
		if (score_selected(&m->scores[i], benchmark, &head.rules))
			measure_trail(history_git(h), &trails[i], &cols);
	for (i = 0; i < m->nscores; i++) {
		const struct score *s = &m->scores[i];
		const struct blame_trail *t = &trails[i];

		if (!score_selected(s, benchmark, &head.rules))
			continue;
		if (scores)
			json_array_append_new(scores, score_json(history_git(h), m, s, t));
		else
			print_text(history_git(h), m, s, t, &cols);
		shown++;
	}
	if (benchmark && !shown) {
		struct buf msg = BUF_INIT;

		buf_adds(&msg, "model '");
		report_sanitize(&msg, id);
		buf_adds(&msg, "' has no score of benchmark '");
		report_sanitize(&msg, benchmark);
		buf_addch(&msg, '\'');
		report_error("%s", msg.ptr);
		buf_release(&msg);
		status = EXIT_OPERATIONAL;
		goto done;
	}
	if (!shown && !scores) {
		struct buf line = BUF_INIT;

		/* A model with no scores gets one line, so that the output is never empty. */
		report_sanitize(&line, m->path);
		buf_addf(&line, ":%u: model ", m->pos.line);
		report_sanitize(&line, id);
		buf_adds(&line, " has no scores");
		printf("%s\n", line.ptr);
		buf_release(&line);
	}
	if (scores) {
		json_t *doc = json_object();

		json_object_set_new(doc, "version", json_integer(1));
		json_object_set_new(doc, "model", report_json_string(id));
		json_object_set_new(doc, "scores", scores);
		scores = NULL;
		if (report_print_json(stdout, doc) < 0)
			status = EXIT_OPERATIONAL;
		json_decref(doc);
	}

done:
	if (fflush(stdout) != 0 && status != EXIT_USAGE)
		status = EXIT_OPERATIONAL;
	json_decref(scores);
	free(trails);
	blame_release(&blame);
	history_free(h);
	audit_release(&head);
	audit_release(&audit);
	buf_release(&err);
	string_list_release(&args);
	string_list_release(&common.rules);
	return status;
}
