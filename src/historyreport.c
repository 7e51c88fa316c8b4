#include "historyreport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsontext.h"
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

	/*
	 * gmtime_r() fails when the year does not fit in an int, which a
	 * commit can claim because git stores the seconds as written. Such a
	 * time shows as the epoch rather than as whatever tm held.
	 */
	if (!gmtime_r(&tt, &tm)) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_adds(out, text);
}

static void add_author(struct buf *out, const struct commit_text *ct)
{
	report_sanitize(out, ct->name.ptr);
	buf_adds(out, " <");
	report_sanitize(out, ct->email.ptr);
	buf_addch(out, '>');
}

static void add_location(struct buf *out, const struct change *c)
{
	report_sanitize(out, c->path ? c->path : "");
	if (c->pos.line)
		buf_addf(out, ":%u", c->pos.line);
}

/*
 * Returns the length in bytes of the first max characters of s, or
 * strlen(s) when s has no more. A character is a lead byte with the
 * continuation bytes that follow it (up to the number it announces) or
 * any other byte alone, so no valid UTF-8 sequence is split. Only the
 * bytes counted are read, however long s is.
 */
static size_t prefix_length(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0, chars;

	for (chars = 0; p[n] && chars < max; chars++) {
		size_t width = 1, k;

		if (p[n] >= 0xC0 && p[n] <= 0xDF)
			width = 2;
		else if (p[n] >= 0xE0 && p[n] <= 0xEF)
			width = 3;
		else if (p[n] >= 0xF0 && p[n] <= 0xF7)
			width = 4;
		for (k = 1; k < width && (p[n + k] & 0xC0) == 0x80; k++)
			;
		n += k;
	}
	return n;
}

/* ---- text ------------------------------------------------------------- */

/*
 * Bytes of a report that are gathered before they are written out, so
 * that a long step is written in parts of about this size.
 */
#define WRITE_SIZE (64 * 1024)

/* Writes out text and empties it once it contains WRITE_SIZE bytes or more. */
static void write_when_full(FILE *out, struct buf *text)
{
	if (text->len >= WRITE_SIZE) {
		fwrite(text->ptr, 1, text->len, out);
		buf_reset(text);
	}
}

/*
 * Appends s sanitised as report_sanitize() does, a part of WRITE_SIZE
 * characters at a time, and writes out text as it fills, so that a long
 * commit subject is not copied whole once more. A part ends between two
 * characters as prefix_length() counts them, where report_sanitize()
 * never keeps a sequence across, so the parts sanitise as the whole does.
 */
static void add_sanitized_parts(FILE *out, struct buf *text, const char *s)
{
	struct buf part = BUF_INIT;

	while (*s) {
		size_t n = prefix_length(s, WRITE_SIZE);

		buf_reset(&part);
		buf_add(&part, s, n);
		report_sanitize(text, part.ptr);
		write_when_full(out, text);
		s += n;
	}
	buf_release(&part);
}

static void add_findings_text(FILE *out, struct buf *text,
			      const struct finding_list *list, int color)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		report_add_finding_text(text, &list->items[i], color);
		write_when_full(out, text);
	}
}

void history_print_text(FILE *out, const struct history_step *step, int color)
{
	struct buf text = BUF_INIT;
	size_t i;

	if (step->commit) {
		struct commit_text ct;

		gitrepo_commit_text(&ct, step->commit);
		buf_addf(&text, "commit %s", git_oid_tostr_s(step->id));
		if (step->ncommits > 1)
			buf_addf(&text, " (%zu commits since %s)", step->ncommits,
				 step->parent ? git_oid_tostr_s(step->parent) : "the root");
		buf_adds(&text, "\nAuthor: ");
		add_author(&text, &ct);
		buf_adds(&text, "\nDate:   ");
		history_format_time(&text, git_commit_author(step->commit)->when.time);
		buf_adds(&text, "\n\n    ");
		add_sanitized_parts(out, &text, ct.subject.ptr);
		buf_adds(&text, "\n\n");
		gitrepo_commit_text_release(&ct);
	} else {
		buf_addf(&text, "%s against %s\n\n", step->label,
			 step->parent ? git_oid_tostr_s(step->parent) : "the empty registry");
	}

	for (i = 0; i < step->changes.nr; i++) {
		const struct change *c = &step->changes.items[i];

		add_location(&text, c);
		buf_adds(&text, ": ");
		history_describe_change(&text, c);
		buf_addch(&text, '\n');
		write_when_full(out, &text);
	}

	if (step->introduced.nr) {
		buf_adds(&text, step->changes.nr ? "\nintroduced:\n" : "introduced:\n");
		add_findings_text(out, &text, &step->introduced, color);
	}
	if (step->fixed.nr) {
		buf_adds(&text, step->changes.nr || step->introduced.nr ? "\nfixed:\n" : "fixed:\n");
		add_findings_text(out, &text, &step->fixed, color);
	}
	buf_addch(&text, '\n');
	fwrite(text.ptr, 1, text.len, out);
	buf_release(&text);
}

/* ---- JSON ------------------------------------------------------------- */

static void add_oid(struct jsontext *t, const char *key, const git_oid *oid)
{
	if (oid)
		jsontext_add_name(t, key, git_oid_tostr_s(oid));
	else
		jsontext_add_null(t, key);
}

static void add_change(struct jsontext *t, const struct change *c, struct buf *scratch)
{
	jsontext_open(t, NULL, '{');
	jsontext_add_name(t, "op", change_op_name(c->op));
	jsontext_add_name(t, "kind", change_kind_name(c->kind));
	jsontext_add_string(t, "model", c->model);
	if (c->kind == CHANGE_SCORE) {
		jsontext_add_string(t, "benchmark", c->benchmark);
		jsontext_add_string(t, "variant", c->variant);
	}
	if (c->kind == CHANGE_SOURCE)
		jsontext_add_string(t, "source", c->source);
	if (c->field && c->subfield) {
		buf_reset(scratch);
		buf_adds(scratch, c->field);
		buf_addch(scratch, '.');
		buf_adds(scratch, c->subfield);
		jsontext_add_string(t, "field", scratch->ptr);
	} else if (c->field) {
		jsontext_add_string(t, "field", c->field);
	}
	if (c->op != CHANGE_ADDED)
		jsontext_add_string(t, "old", c->old);
	if (c->op != CHANGE_REMOVED)
		jsontext_add_string(t, "new", c->new);
	jsontext_add_string(t, "path", c->path);
	jsontext_add_integer(t, "line", c->pos.line);
	jsontext_close(t, '}');
}

void history_json_init(struct history_json *j, FILE *out,
		       const struct history_range *range)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->range = range;
	jsontext_init(&j->text);
	buf_init(&j->scratch, 0);
}

void history_json_release(struct history_json *j)
{
	jsontext_release(&j->text);
	buf_release(&j->scratch);
}

/* Writes out the text gathered, or only drops it once a write has failed. */
static void write_text(struct history_json *j)
{
	struct buf *text = &j->text.text;

	if (!j->failed && text->len && fwrite(text->ptr, 1, text->len, j->out) != text->len)
		j->failed = 1;
	buf_reset(text);
}

static void write_text_when_full(struct history_json *j)
{
	if (j->text.text.len >= WRITE_SIZE)
		write_text(j);
}

/* Starts the document: the version, the range and the commits list. */
static void start_document(struct history_json *j)
{
	struct jsontext *t = &j->text;
	const struct history_range *range = j->range;

	jsontext_open(t, NULL, '{');
	jsontext_add_integer(t, "version", 1);
	jsontext_open(t, "range", '{');
	add_oid(t, "from", range->has_from ? &range->from : NULL);
	add_oid(t, "to", range->has_to ? &range->to : NULL);
	jsontext_close(t, '}');
	jsontext_open(t, "commits", '[');
	j->started = 1;
}

static void add_findings(struct history_json *j, const char *key,
			 const struct finding_list *list)
{
	size_t i;

	jsontext_open(&j->text, key, '[');
	for (i = 0; i < list->nr; i++) {
		report_add_finding_json(&j->text, &list->items[i]);
		write_text_when_full(j);
	}
	jsontext_close(&j->text, ']');
}

void history_json_add(struct history_json *j, const struct history_step *step)
{
	struct jsontext *t = &j->text;
	size_t i;

	if (!j->started)
		start_document(j);
	jsontext_open(t, NULL, '{');
	add_oid(t, "commit", step->id);
	jsontext_open(t, "parents", '[');
	if (step->commit && step->ncommits <= 1) {
		for (i = 0; i < git_commit_parentcount(step->commit); i++)
			add_oid(t, NULL, git_commit_parent_id(step->commit, (unsigned)i));
	} else if (step->parent) {
		add_oid(t, NULL, step->parent);
	}
	jsontext_close(t, ']');
	if (step->commit) {
		struct commit_text ct;

		gitrepo_commit_text(&ct, step->commit);
		buf_reset(&j->scratch);
		add_author(&j->scratch, &ct);
		/* add_author() escaped the name and the address already. */
		jsontext_add_escaped(t, "author", j->scratch.ptr);
		buf_reset(&j->scratch);
		history_format_time(&j->scratch, git_commit_author(step->commit)->when.time);
		jsontext_add_name(t, "date", j->scratch.ptr);
		jsontext_add_string(t, "subject", ct.subject.ptr);
		gitrepo_commit_text_release(&ct);
	} else {
		jsontext_add_null(t, "author");
		jsontext_add_null(t, "date");
		jsontext_add_string(t, "subject", step->label);
	}
	if (step->ncommits > 1)
		jsontext_add_integer(t, "commits", (json_int_t)step->ncommits);

	jsontext_open(t, "changes", '[');
	for (i = 0; i < step->changes.nr; i++) {
		add_change(t, &step->changes.items[i], &j->scratch);
		write_text_when_full(j);
	}
	jsontext_close(t, ']');
	add_findings(j, "introduced", &step->introduced);
	add_findings(j, "fixed", &step->fixed);
	jsontext_close(t, '}');
	write_text(j);
}

int history_json_finish(struct history_json *j)
{
	if (!j->started)
		start_document(j);
	jsontext_close(&j->text, ']');
	jsontext_close(&j->text, '}');
	buf_addch(&j->text.text, '\n');
	write_text(j);
	if (j->failed || ferror(j->out))
		return -1;
	return 0;
}

/* ---- markdown --------------------------------------------------------- */

/*
 * Bytes kept free for the closing line of a cut document. The line takes
 * at most 249: 145 bytes of text and four counts of at most 26 bytes each
 * (the 20 digits of a 64-bit size_t and their commas).
 */
#define CLOSING_ROOM 512

void history_markdown_init(struct history_markdown *md, FILE *out, size_t max_size)
{
	memset(md, 0, sizeof(*md));
	md->out = out;
	md->max_size = max_size;
	buf_init(&md->text, 0);
	buf_init(&md->held, 0);
	buf_init(&md->cell, 0);
	buf_init(&md->short_text, 0);
	buf_init(&md->location, 0);
}

void history_markdown_release(struct history_markdown *md)
{
	buf_release(&md->text);
	buf_release(&md->held);
	buf_release(&md->cell);
	buf_release(&md->short_text);
	buf_release(&md->location);
}

static size_t count_lines(const struct buf *text)
{
	const char *p = text->ptr, *end = text->ptr + text->len;
	size_t n = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p)))) {
		n++;
		p++;
	}
	return n;
}

static void write_markdown(struct history_markdown *md, const struct buf *text)
{
	if (!text->len)
		return;
	fwrite(text->ptr, 1, text->len, md->out);
	md->written += text->len;
	md->last[0] = text->len > 1 ? text->ptr[text->len - 2] : md->last[1];
	md->last[1] = text->ptr[text->len - 1];
}

/*
 * Ends a part of the document: the whole lines added to md->text since
 * the last part, which contain `commits` commit headings, `changes` table
 * rows and `findings` findings. A part is written out while the document
 * stays short of max_size by CLOSING_ROOM, then held while it stays
 * within max_size, since the document may end there. The first part that
 * does not fit cuts the document: it, the held parts and every part after
 * it are only counted.
 */
static void end_part(struct history_markdown *md, size_t commits,
		     size_t changes, size_t findings)
{
	struct buf *text = &md->text;
	size_t room = md->max_size > CLOSING_ROOM ? md->max_size - CLOSING_ROOM : 0;

	if (!md->cut && !md->held.len && md->written + text->len <= room) {
		write_markdown(md, text);
	} else if (!md->cut && md->written + md->held.len + text->len <= md->max_size) {
		buf_add(&md->held, text->ptr, text->len);
		md->held_commits += commits;
		md->held_changes += changes;
		md->held_findings += findings;
	} else {
		if (!md->cut) {
			md->cut = 1;
			md->lines_left += count_lines(&md->held);
			md->commits_left += md->held_commits;
			md->changes_left += md->held_changes;
			md->findings_left += md->held_findings;
			buf_release(&md->held);
		}
		md->lines_left += count_lines(text);
		md->commits_left += commits;
		md->changes_left += changes;
		md->findings_left += findings;
	}
	buf_reset(text);
}

/*
 * Appends sanitised text p with the characters markdown reads (pipes,
 * backticks, emphasis, links, tags, entities and the backslash itself)
 * escaped. The backslashes that sanitising doubled are escaped again, so
 * that the rendered text shows them doubled as the text report does.
 */
static void add_markdown_text(struct history_markdown *md, const char *p)
{
	for (;;) {
		size_t n = strcspn(p, "|`*_<[]&~\\");

		buf_add(&md->text, p, n);
		p += n;
		if (!*p)
			break;
		buf_addch(&md->text, '\\');
		buf_addch(&md->text, *p);
		p++;
	}
}

/* Appends registry text s for a table cell or heading: sanitised, then escaped for markdown. */
static void add_cell(struct history_markdown *md, const char *s)
{
	const char *p = s ? s : "(none)";

	if (p[report_clean_length(p)]) {
		buf_reset(&md->cell);
		report_sanitize(&md->cell, p);
		p = md->cell.ptr;
	}
	add_markdown_text(md, p);
}

/*
 * Appends text that is escaped already (a finding message, a location) as
 * add_cell() does, without doubling its backslashes a second time.
 */
static void add_escaped_cell(struct history_markdown *md, const char *s)
{
	const char *p = s;

	if (p[report_escaped_clean_length(p)]) {
		buf_reset(&md->cell);
		report_sanitize_escaped(&md->cell, p);
		p = md->cell.ptr;
	}
	add_markdown_text(md, p);
}

/*
 * Appends s as add_cell() does, cut to max characters and an ellipsis, so
 * that one long value cannot take the space of the whole document.
 */
static void add_cut_cell(struct history_markdown *md, const char *s, size_t max)
{
	size_t n;

	if (!s) {
		add_cell(md, s);
		return;
	}
	n = prefix_length(s, max);
	if (!s[n]) {
		add_cell(md, s);
		return;
	}
	buf_reset(&md->short_text);
	buf_add(&md->short_text, s, n);
	buf_adds(&md->short_text, "\u2026");
	add_cell(md, md->short_text.ptr);
}

/*
 * Returns n, or less so that the first n bytes of the escaped text s do
 * not end inside an escape sequence (\\, \n, \t, \r or \xHH), whose rest
 * would otherwise read as other text. n is at most strlen(s).
 */
static size_t escape_boundary(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t width = 1;

		if (s[i] == '\\')
			width = s[i + 1] == 'x' ? 4 : 2;
		if (i + width > n)
			return i;
		i += width;
	}
	return n;
}

/*
 * Appends a finding message, which is escaped already, as add_cut_cell()
 * appends registry text: cut to max characters and an ellipsis, but
 * never inside an escape sequence.
 */
static void add_cut_message(struct history_markdown *md, const char *s, size_t max)
{
	size_t n = prefix_length(s, max);

	if (!s[n]) {
		add_escaped_cell(md, s);
		return;
	}
	n = escape_boundary(s, n);
	buf_reset(&md->short_text);
	buf_add(&md->short_text, s, n);
	buf_adds(&md->short_text, "\u2026");
	add_escaped_cell(md, md->short_text.ptr);
}

/*
 * Appends a location (a path and line numbers, already sanitised) as code,
 * or as escaped text when the path contains a backtick or a pipe, which a
 * code span in a table cannot hold.
 */
static void add_code(struct history_markdown *md, const struct buf *location)
{
	if (strpbrk(location->ptr, "`|")) {
		add_escaped_cell(md, location->ptr);
		return;
	}
	buf_addch(&md->text, '`');
	buf_add(&md->text, location->ptr, location->len);
	buf_addch(&md->text, '`');
}

/* Adds the title of the document, once. */
static void start_markdown(struct history_markdown *md)
{
	if (md->started)
		return;
	buf_adds(&md->text, "## modelaudit diff\n\n");
	end_part(md, 0, 0, 0);
	md->started = 1;
}

/* Adds the heading of a step: the commit, its subject, author and date. */
static void add_step_heading(struct history_markdown *md, const struct history_step *step)
{
	struct buf *text = &md->text;
	struct commit_text ct;

	if (!step->commit) {
		buf_addf(text, "### %s\n", step->label);
		end_part(md, 0, 0, 0);
		return;
	}

	gitrepo_commit_text(&ct, step->commit);
	buf_addf(text, "### `%.12s` ", git_oid_tostr_s(step->id));
	add_cut_cell(md, ct.subject.ptr, HISTORY_MARKDOWN_MAX_CHARS);
	buf_adds(text, "\n\n");
	add_cut_cell(md, ct.name.ptr, HISTORY_MARKDOWN_MAX_CHARS);
	gitrepo_commit_text_release(&ct);
	buf_adds(text, ", ");
	history_format_time(text, git_commit_author(step->commit)->when.time);
	if (step->ncommits > 1)
		buf_addf(text, " (%zu commits)", step->ncommits);
	buf_adds(text, "\n");
	end_part(md, 1, 0, 0);
}

/* Appends a value from the registry for a table cell, cut as a commit subject is. */
static void add_value_cell(struct history_markdown *md, const char *s)
{
	add_cut_cell(md, s, HISTORY_MARKDOWN_MAX_CHARS);
}

/* Appends the cells of a change between its first and its last pipe. */
static void add_change_cells(struct history_markdown *md, const struct change *c)
{
	struct buf *text = &md->text;

	buf_addf(text, "| %s %s | ", change_op_name(c->op), change_kind_name(c->kind));
	add_value_cell(md, c->model);
	buf_adds(text, " | ");
	if (c->kind == CHANGE_SCORE) {
		add_value_cell(md, c->benchmark);
		if (c->variant) {
			buf_adds(text, " (");
			add_value_cell(md, c->variant);
			buf_adds(text, ")");
		}
		if (c->field) {
			buf_adds(text, ": ");
			add_value_cell(md, c->field);
		}
	} else if (c->kind == CHANGE_SOURCE) {
		add_value_cell(md, c->source);
		if (c->field) {
			buf_adds(text, ": ");
			add_value_cell(md, c->field);
		}
	} else if (c->kind != CHANGE_MODEL) {
		add_value_cell(md, c->field);
		if (c->subfield)
			buf_addf(text, " %s", c->subfield);
	}
	buf_adds(text, " | ");
	if (c->op != CHANGE_ADDED)
		add_value_cell(md, c->old);
	buf_adds(text, " | ");
	if (c->op != CHANGE_REMOVED)
		add_value_cell(md, c->new);
	buf_adds(text, " | ");
	buf_reset(&md->location);
	add_location(&md->location, c);
	add_code(md, &md->location);
	buf_adds(text, " |\n");
}

/* Adds the table of changes, each row a part, the first with the table's head. */
static void add_changes(struct history_markdown *md, const struct change_list *changes)
{
	size_t i;

	if (!changes->nr)
		return;
	buf_adds(&md->text, "\n| change | model | what | old | new | where |\n"
		 "| --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < changes->nr; i++) {
		add_change_cells(md, &changes->items[i]);
		end_part(md, 0, 1, 0);
	}
}

/* Adds a list of findings, each a part, the first with the list's title. */
static void add_findings_markdown(struct history_markdown *md, const char *title,
				  const struct finding_list *list)
{
	struct buf *text = &md->text;
	size_t i;

	if (!list->nr)
		return;
	buf_addf(text, "\n**%s**\n\n", title);
	for (i = 0; i < list->nr; i++) {
		const struct finding *f = &list->items[i];

		buf_addf(text, "- **%s** ", severity_name(f->severity));
		buf_reset(&md->location);
		report_sanitize(&md->location, f->path);
		buf_addf(&md->location, ":%u:%u", f->pos.line, f->pos.column);
		add_code(md, &md->location);
		buf_addch(text, ' ');
		add_cut_message(md, f->message, HISTORY_MARKDOWN_MAX_MESSAGE);
		buf_addf(text, " (`%s`)\n", rule_table[f->rule].id);
		end_part(md, 0, 0, 1);
	}
}

void history_markdown_add(struct history_markdown *md, const struct history_step *step)
{
	start_markdown(md);
	md->steps++;
	add_step_heading(md, step);
	add_changes(md, &step->changes);
	add_findings_markdown(md, "Introduced", &step->introduced);
	add_findings_markdown(md, "Fixed", &step->fixed);
	buf_addch(&md->text, '\n');
	end_part(md, 0, 0, 0);
}

/* Appends n with a comma between groups of three digits: 2,613. */
static void add_count(struct buf *out, size_t n)
{
	char digits[32];
	int len = snprintf(digits, sizeof(digits), "%zu", n), i;

	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_addch(out, ',');
		buf_addch(out, digits[i]);
	}
}

/* Writes the line that ends a cut document: what was left out, and how to see it. */
static void write_closing_line(struct history_markdown *md)
{
	const struct {
		size_t n;
		const char *one, *many;
	} left[] = {
		{ md->commits_left, "commit", "commits" },
		{ md->changes_left, "change", "changes" },
		{ md->findings_left, "finding", "findings" },
	};
	struct buf *text = &md->text;
	const char *separator = " (";
	size_t i;

	/* A blank line first, so that the line does not read as a table row. */
	if (md->last[0] != '\n')
		buf_addch(text, '\n');
	buf_adds(text, "\u2026 ");
	add_count(text, md->lines_left);
	buf_adds(text, md->lines_left == 1 ? " more line" : " more lines");
	buf_adds(text, " not shown");
	for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		if (!left[i].n)
			continue;
		buf_adds(text, separator);
		add_count(text, left[i].n);
		buf_addf(text, " %s", left[i].n == 1 ? left[i].one : left[i].many);
		separator = ", ";
	}
	if (strcmp(separator, " (") != 0)
		buf_addch(text, ')');
	buf_adds(text, ": run the same `modelaudit diff` command with `--format text`"
		 " to see the whole report.\n");
	write_markdown(md, text);
	buf_reset(text);
}

void history_markdown_finish(struct history_markdown *md, const char *empty_line)
{
	start_markdown(md);
	if (!md->steps && empty_line) {
		buf_adds(&md->text, empty_line);
		buf_addch(&md->text, '\n');
		end_part(md, 0, 0, 0);
	}
	if (md->cut)
		write_closing_line(md);
	else
		write_markdown(md, &md->held);
	buf_reset(&md->held);
}
