#include "historyreport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "report.h"

static void add_value(struct buf *out, const char *s)
{
	if (s)
		report_sanitize(out, s);
	else
		buf_adds(out, "(none)");
}

static void add_score_name(struct buf *out, const struct change *c)
{
	add_value(out, c->benchmark);
	if (c->variant) {
		buf_adds(out, " (");
		report_sanitize(out, c->variant);
		buf_addch(out, ')');
	}
}

void history_describe_change(struct buf *out, const struct change *c)
{
	buf_addf(out, "%s %s ", change_op_name(c->op), change_kind_name(c->kind));
	if (c->kind == CHANGE_MODEL) {
		if (c->op == CHANGE_RENAMED) {
			add_value(out, c->old);
			buf_adds(out, " -> ");
			add_value(out, c->new);
		} else {
			add_value(out, c->model);
		}
		return;
	}

	add_value(out, c->model);
	buf_addch(out, ' ');
	switch (c->kind) {
	case CHANGE_SCORE:
		add_score_name(out, c);
		break;
	case CHANGE_SOURCE:
		add_value(out, c->source);
		break;
	default:
		add_value(out, c->field);
		if (c->subfield)
			buf_addf(out, " %s", c->subfield);
		break;
	}
	buf_adds(out, ": ");
	if (c->op == CHANGE_CHANGED) {
		if (c->kind == CHANGE_SCORE || c->kind == CHANGE_SOURCE)
			buf_addf(out, "%s ", c->field);
		add_value(out, c->old);
		buf_adds(out, " -> ");
		add_value(out, c->new);
	} else {
		add_value(out, c->op == CHANGE_ADDED ? c->new : c->old);
	}
}

void history_format_time(struct buf *out, git_time_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char text[32];

	gmtime_r(&tt, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_adds(out, text);
}

static void add_author(struct buf *out, const git_commit *commit)
{
	const git_signature *a = git_commit_author(commit);

	report_sanitize(out, a->name);
	buf_adds(out, " <");
	report_sanitize(out, a->email);
	buf_addch(out, '>');
}

static void add_location(struct buf *out, const struct change *c)
{
	report_sanitize(out, c->path ? c->path : "");
	if (c->pos.line)
		buf_addf(out, ":%u", c->pos.line);
}

/* ---- text ------------------------------------------------------------- */

void history_print_text(FILE *out, const struct history_step *step, int color)
{
	struct report_options ro;
	struct buf line = BUF_INIT;
	size_t i;

	if (step->commit) {
		buf_addf(&line, "commit %s", git_oid_tostr_s(step->id));
		if (step->ncommits > 1)
			buf_addf(&line, " (%zu commits since %s)", step->ncommits,
				 step->parent ? git_oid_tostr_s(step->parent) : "the root");
		buf_adds(&line, "\nAuthor: ");
		add_author(&line, step->commit);
		buf_adds(&line, "\nDate:   ");
		history_format_time(&line, git_commit_author(step->commit)->when.time);
		buf_adds(&line, "\n\n    ");
		report_sanitize(&line, git_commit_summary((git_commit *)step->commit));
		buf_adds(&line, "\n\n");
	} else {
		buf_addf(&line, "%s against %s\n\n", step->label,
			 step->parent ? git_oid_tostr_s(step->parent) : "the empty registry");
	}
	fputs(line.ptr, out);

	for (i = 0; i < step->changes.nr; i++) {
		const struct change *c = &step->changes.items[i];

		buf_reset(&line);
		add_location(&line, c);
		buf_adds(&line, ": ");
		history_describe_change(&line, c);
		fprintf(out, "%s\n", line.ptr);
	}

	memset(&ro, 0, sizeof(ro));
	ro.color = color;
	if (step->introduced.nr) {
		fprintf(out, "%sintroduced:\n", step->changes.nr ? "\n" : "");
		report_text(out, &step->introduced, &ro);
	}
	if (step->fixed.nr) {
		fprintf(out, "%sfixed:\n", step->changes.nr || step->introduced.nr ? "\n" : "");
		report_text(out, &step->fixed, &ro);
	}
	fputc('\n', out);
	buf_release(&line);
}

/* ---- JSON ------------------------------------------------------------- */

/*
 * The keys, ids, dates and names below are ASCII and registry text passes
 * report_sanitize(), so every string is valid UTF-8 and the _nocheck
 * calls skip jansson's second check of it.
 */

static void set_string(json_t *obj, const char *key, const char *s)
{
	json_object_set_new_nocheck(obj, key, s ? report_json_string(s) : json_null());
}

static json_t *oid_json(const git_oid *oid)
{
	return oid ? json_string_nocheck(git_oid_tostr_s(oid)) : json_null();
}

static json_t *change_json(const struct change *c)
{
	json_t *obj = json_object();

	json_object_set_new_nocheck(obj, "op", json_string_nocheck(change_op_name(c->op)));
	json_object_set_new_nocheck(obj, "kind", json_string_nocheck(change_kind_name(c->kind)));
	set_string(obj, "model", c->model);
	if (c->kind == CHANGE_SCORE) {
		set_string(obj, "benchmark", c->benchmark);
		set_string(obj, "variant", c->variant);
	}
	if (c->kind == CHANGE_SOURCE)
		set_string(obj, "source", c->source);
	if (c->field) {
		struct buf name = BUF_INIT;

		buf_adds(&name, c->field);
		if (c->subfield)
			buf_addf(&name, ".%s", c->subfield);
		set_string(obj, "field", name.ptr);
		buf_release(&name);
	}
	if (c->op != CHANGE_ADDED)
		set_string(obj, "old", c->old);
	if (c->op != CHANGE_REMOVED)
		set_string(obj, "new", c->new);
	set_string(obj, "path", c->path);
	json_object_set_new_nocheck(obj, "line", json_integer(c->pos.line));
	return obj;
}

static json_t *findings_json(const struct finding_list *list)
{
	json_t *array = json_array();
	size_t i;

	for (i = 0; i < list->nr; i++)
		json_array_append_new(array, report_finding_json(&list->items[i]));
	return array;
}

json_t *history_step_json(const struct history_step *step)
{
	json_t *obj = json_object(), *parents = json_array(), *changes = json_array();
	struct buf text = BUF_INIT;
	size_t i;

	json_object_set_new_nocheck(obj, "commit", oid_json(step->id));
	if (step->commit && step->ncommits <= 1) {
		for (i = 0; i < git_commit_parentcount(step->commit); i++)
			json_array_append_new(parents, oid_json(git_commit_parent_id(step->commit,
										   (unsigned)i)));
	} else if (step->parent) {
		json_array_append_new(parents, oid_json(step->parent));
	}
	json_object_set_new_nocheck(obj, "parents", parents);
	if (step->commit) {
		add_author(&text, step->commit);
		json_object_set_new_nocheck(obj, "author", json_string_nocheck(text.ptr));
		buf_reset(&text);
		history_format_time(&text, git_commit_author(step->commit)->when.time);
		json_object_set_new_nocheck(obj, "date", json_string_nocheck(text.ptr));
		set_string(obj, "subject", git_commit_summary((git_commit *)step->commit));
	} else {
		json_object_set_new_nocheck(obj, "author", json_null());
		json_object_set_new_nocheck(obj, "date", json_null());
		set_string(obj, "subject", step->label);
	}
	if (step->ncommits > 1)
		json_object_set_new_nocheck(obj, "commits", json_integer((json_int_t)step->ncommits));
	for (i = 0; i < step->changes.nr; i++)
		json_array_append_new(changes, change_json(&step->changes.items[i]));
	json_object_set_new_nocheck(obj, "changes", changes);
	json_object_set_new_nocheck(obj, "introduced", findings_json(&step->introduced));
	json_object_set_new_nocheck(obj, "fixed", findings_json(&step->fixed));
	buf_release(&text);
	return obj;
}

json_t *history_range_json(const struct history_range *range)
{
	json_t *obj = json_object();

	json_object_set_new_nocheck(obj, "from", range->has_from ? oid_json(&range->from) : json_null());
	json_object_set_new_nocheck(obj, "to", range->has_to ? oid_json(&range->to) : json_null());
	return obj;
}

void history_json_init(struct history_json *j)
{
	memset(j, 0, sizeof(*j));
}

void history_json_release(struct history_json *j)
{
	free(j->text);
	memset(j, 0, sizeof(*j));
}

/*
 * A step's object is written as the only element of a list in a list,
 * which puts it at the depth of the elements of the document's commits
 * list, so that jansson indents it as the document needs. The text of the
 * outer lists is then dropped: STEP_HEAD before the object, STEP_TAIL after.
 */
#define STEP_HEAD "[\n  [\n    "
#define STEP_TAIL "\n  ]\n]"
#define STEP_HEAD_LEN (sizeof(STEP_HEAD) - 1)
#define STEP_TAIL_LEN (sizeof(STEP_TAIL) - 1)

struct step_text {
	struct history_json *j;
	size_t head;		/* bytes of STEP_HEAD passed so far */
};

static void json_text_add(struct history_json *j, const char *piece, size_t len)
{
	if (len > j->alloc - j->len)
		XGROW(j->text, j->alloc, j->len + len);
	memcpy(j->text + j->len, piece, len);
	j->len += len;
}

/* Receives jansson's text of the nested lists and keeps it without STEP_HEAD. */
static int add_step_text(const char *piece, size_t len, void *data)
{
	struct step_text *t = data;

	while (len && t->head < STEP_HEAD_LEN) {
		if (*piece != STEP_HEAD[t->head])
			t->j->failed = 1;
		piece++;
		len--;
		t->head++;
	}
	json_text_add(t->j, piece, len);
	return 0;
}

void history_json_add(struct history_json *j, const struct history_step *step)
{
	json_t *outer = json_array(), *inner = json_array();
	struct step_text t = { j, 0 };
	size_t start;

	json_array_append_new(inner, history_step_json(step));
	json_array_append_new(outer, inner);
	if (j->count)
		json_text_add(j, ",", 1);
	json_text_add(j, "\n    ", 5);
	start = j->len;
	json_dump_callback(outer, add_step_text, &t, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(outer);
	if (j->len - start < STEP_TAIL_LEN ||
	    memcmp(j->text + j->len - STEP_TAIL_LEN, STEP_TAIL, STEP_TAIL_LEN))
		j->failed = 1;
	else
		j->len -= STEP_TAIL_LEN;
	j->count++;
}

static int add_text(const char *piece, size_t len, void *data)
{
	return buf_add(data, piece, len);
}

int history_json_print(FILE *out, const struct history_json *j,
		       const struct history_range *range)
{
	static const char empty_end[] = "[]\n}";
	json_t *doc = json_object();
	struct buf frame = BUF_INIT;
	size_t head;
	int ret = 0;

	/*
	 * jansson writes the document with an empty commits list, which ends
	 * it, and the commits gathered as text go in place of that list.
	 */
	json_object_set_new_nocheck(doc, "version", json_integer(1));
	json_object_set_new_nocheck(doc, "range", history_range_json(range));
	json_object_set_new_nocheck(doc, "commits", json_array());
	json_dump_callback(doc, add_text, &frame, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (j->failed || frame.len < sizeof(empty_end) - 1 ||
	    memcmp(frame.ptr + frame.len - (sizeof(empty_end) - 1), empty_end,
		   sizeof(empty_end) - 1)) {
		ret = -1;
		goto done;
	}
	head = frame.len - (sizeof(empty_end) - 1);
	fwrite(frame.ptr, 1, head, out);
	if (j->count) {
		fputc('[', out);
		fwrite(j->text, 1, j->len, out);
		fputs("\n  ]\n}\n", out);
	} else {
		fputs(empty_end, out);
		fputc('\n', out);
	}
	if (ferror(out))
		ret = -1;

done:
	buf_release(&frame);
	return ret;
}

/* ---- markdown --------------------------------------------------------- */

/* Appends s for a markdown table cell: sanitised, with the characters markdown reads (pipes, backticks, emphasis, tags) escaped. */
static void add_cell(struct buf *out, const char *s)
{
	struct buf clean = BUF_INIT;
	size_t i;

	add_value(&clean, s);
	for (i = 0; i < clean.len; i++) {
		if (clean.ptr[i] == '|' || clean.ptr[i] == '`' || clean.ptr[i] == '*' ||
		    clean.ptr[i] == '_' || clean.ptr[i] == '<')
			buf_addch(out, '\\');
		buf_addch(out, clean.ptr[i]);
	}
	buf_release(&clean);
}

static void markdown_findings(struct buf *out, const char *title,
			      const struct finding_list *list)
{
	size_t i;

	if (!list->nr)
		return;
	buf_addf(out, "\n**%s**\n\n", title);
	for (i = 0; i < list->nr; i++) {
		const struct finding *f = &list->items[i];

		buf_addf(out, "- **%s** `", severity_name(f->severity));
		report_sanitize(out, f->path);
		buf_addf(out, ":%u:%u` ", f->pos.line, f->pos.column);
		add_cell(out, f->message);
		buf_addf(out, " (`%s`)\n", rule_table[f->rule].id);
	}
}

void history_print_markdown(FILE *out, const struct history_step *step)
{
	struct buf md = BUF_INIT;
	size_t i;

	if (step->commit) {
		buf_addf(&md, "### `%.12s` ", git_oid_tostr_s(step->id));
		add_cell(&md, git_commit_summary((git_commit *)step->commit));
		buf_adds(&md, "\n\n");
		add_cell(&md, git_commit_author(step->commit)->name);
		buf_adds(&md, ", ");
		history_format_time(&md, git_commit_author(step->commit)->when.time);
		if (step->ncommits > 1)
			buf_addf(&md, " (%zu commits)", step->ncommits);
		buf_adds(&md, "\n");
	} else {
		buf_addf(&md, "### %s\n", step->label);
	}

	if (step->changes.nr) {
		buf_adds(&md, "\n| change | model | what | old | new | where |\n"
			 "| --- | --- | --- | --- | --- | --- |\n");
		for (i = 0; i < step->changes.nr; i++) {
			const struct change *c = &step->changes.items[i];

			buf_addf(&md, "| %s %s | ", change_op_name(c->op), change_kind_name(c->kind));
			add_cell(&md, c->model);
			buf_adds(&md, " | ");
			if (c->kind == CHANGE_SCORE) {
				add_cell(&md, c->benchmark);
				if (c->variant) {
					buf_adds(&md, " (");
					add_cell(&md, c->variant);
					buf_adds(&md, ")");
				}
				if (c->field) {
					buf_adds(&md, ": ");
					add_cell(&md, c->field);
				}
			} else if (c->kind == CHANGE_SOURCE) {
				add_cell(&md, c->source);
				if (c->field) {
					buf_adds(&md, ": ");
					add_cell(&md, c->field);
				}
			} else if (c->kind != CHANGE_MODEL) {
				add_cell(&md, c->field);
				if (c->subfield)
					buf_addf(&md, " %s", c->subfield);
			}
			buf_adds(&md, " | ");
			if (c->op != CHANGE_ADDED)
				add_cell(&md, c->old);
			buf_adds(&md, " | ");
			if (c->op != CHANGE_REMOVED)
				add_cell(&md, c->new);
			buf_adds(&md, " | `");
			add_location(&md, c);
			buf_adds(&md, "` |\n");
		}
	}
	markdown_findings(&md, "Introduced", &step->introduced);
	markdown_findings(&md, "Fixed", &step->fixed);
	buf_adds(&md, "\n");
	fputs(md.ptr, out);
	buf_release(&md);
}
