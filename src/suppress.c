#include "suppress.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "buf.h"
#include "textutil.h"

#define DIRECTIVE_PREFIX "modelaudit:"

/* The extent of one scalar token: 1-based positions, the end exclusive. */
struct span {
	struct pos start;
	struct pos end;
};

struct span_list {
	struct span *items;
	size_t nr;
	size_t alloc;
};

static int pos_before(struct pos a, struct pos b)
{
	return a.line < b.line || (a.line == b.line && a.column < b.column);
}

static struct pos mark_pos(yaml_mark_t m)
{
	struct pos p;

	p.line = (uint32_t)m.line + 1;
	p.column = (uint32_t)m.column + 1;
	return p;
}

/*
 * Collects, with libyaml's scanner, the spans of the scalar tokens that
 * reach one of the lines (ascending) that may hold a directive; the others
 * cannot matter. When the text is not valid YAML, the spans stop at the
 * error, and a '#' past it is judged by the raw text alone.
 */
static void scan_scalars(struct span_list *spans, const char *text, size_t len,
			 const uint32_t *lines, size_t nlines)
{
	yaml_parser_t parser;
	yaml_token_t token;
	size_t next_line = 0;

	if (!yaml_parser_initialize(&parser))
		xmalloc((size_t)-1);	/* libyaml failed to allocate: exits */
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		int done;

		if (!yaml_parser_scan(&parser, &token))
			break;
		if (token.type == YAML_SCALAR_TOKEN) {
			struct pos start = mark_pos(token.start_mark), end = mark_pos(token.end_mark);

			while (next_line < nlines && lines[next_line] < start.line)
				next_line++;
			if (next_line < nlines && lines[next_line] <= end.line) {
				XGROW(spans->items, spans->alloc, spans->nr + 1);
				spans->items[spans->nr].start = start;
				spans->items[spans->nr].end = end;
				spans->nr++;
			}
		}
		done = token.type == YAML_STREAM_END_TOKEN;
		yaml_token_delete(&token);
		if (done)
			break;
	}
	yaml_parser_delete(&parser);
}

/* Reports whether p..end holds only blanks, or blanks and then a comment. */
static int is_blank_or_comment(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == end || *p == '#';
}

/* Returns the 1-based line after line (starting at next) that has content, or 0. */
static uint32_t next_content_line(const char *next, const char *end, uint32_t line)
{
	while (next < end) {
		const char *nl = memchr(next, '\n', (size_t)(end - next));
		const char *stop = nl ? nl : end;

		line++;
		if (!is_blank_or_comment(next, stop))
			return line;
		if (!nl)
			break;
		next = nl + 1;
	}
	return 0;
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static const char *word_end(const char *p, const char *end)
{
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/* Fills s->rule, or s->problem when the directive is malformed. */
static void parse_directive(struct suppression *s, const char *p, const char *end)
{
	const char *verb, *verb_end, *rule, *rule_end;
	char *name;
	struct buf problem = BUF_INIT;

	s->rule = -1;
	verb = skip_blanks(p, end);
	verb_end = word_end(verb, end);
	rule = skip_blanks(verb_end, end);
	rule_end = word_end(rule, end);

	if (verb == verb_end) {
		s->problem = xstrdup("modelaudit comment without a directive: write '# modelaudit: ignore <rule-id> <reason>'");
		return;
	}
	if ((size_t)(verb_end - verb) != 6 || memcmp(verb, "ignore", 6)) {
		buf_adds(&problem, "unknown modelaudit directive '");
		buf_add_escaped(&problem, verb, (size_t)(verb_end - verb));
		buf_adds(&problem, "' (expected 'ignore <rule-id> <reason>')");
		s->problem = buf_detach(&problem, NULL);
		return;
	}
	if (rule == rule_end) {
		s->problem = xstrdup("suppression names no rule: write '# modelaudit: ignore <rule-id> <reason>'");
		return;
	}

	name = xstrndup(rule, (size_t)(rule_end - rule));
	s->rule = rule_lookup(name);
	if (s->rule < 0) {
		const char *ids[RULE_COUNT];
		const char *suggestion;
		int i;

		for (i = 0; i < RULE_COUNT; i++)
			ids[i] = rule_table[i].id;
		suggestion = nearest_word(name, ids, RULE_COUNT);
		buf_adds(&problem, "suppression names unknown rule '");
		buf_adds_escaped(&problem, name);
		if (suggestion)
			buf_addf(&problem, "' (did you mean '%s'?)", suggestion);
		else
			buf_adds(&problem, "' (see 'modelaudit rules')");
	} else if (rule_table[s->rule].flags & RULE_MANDATORY) {
		buf_addf(&problem, "rule '%s' cannot be suppressed", name);
		s->rule = -1;
	} else if (s->rule == RULE_SUPPRESSION_UNUSED) {
		buf_addf(&problem, "rule '%s' cannot be suppressed inline: set its severity in the configuration",
			 name);
		s->rule = -1;
	} else if (skip_blanks(rule_end, end) == end) {
		buf_addf(&problem, "suppression of '%s' has no reason: write why the finding is acceptable after the rule id",
			 name);
		s->rule = -1;
	}
	if (problem.len)
		s->problem = buf_detach(&problem, NULL);
	free(name);
}

/* Reports whether p..end starts with prefix. */
static int has_prefix(const char *p, const char *end, const char *prefix)
{
	size_t n = strlen(prefix);

	return (size_t)(end - p) >= n && !memcmp(p, prefix, n);
}

/* Appends the suppression whose comment runs from the '#' at comment to end. */
static void add_suppression(struct suppress_list *list, const char *path, struct pos pos,
			    uint32_t target, const char *comment, const char *end)
{
	struct suppression *s;
	const char *p = skip_blanks(comment + 1, end) + strlen(DIRECTIVE_PREFIX);

	while (end > comment && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;

	XGROW(list->items, list->alloc, list->nr + 1);
	s = &list->items[list->nr++];
	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	s->pos = pos;
	s->target = target;
	s->comment = xstrndup(comment + 1, (size_t)(end - comment - 1));
	parse_directive(s, p, end);
}

/* Reports whether the len bytes at text contain the string needle. */
static int contains(const char *text, size_t len, const char *needle)
{
	const char *p = text, *end = text + len;
	size_t n = strlen(needle);

	while ((size_t)(end - p) >= n) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p)
			return 0;
		if (!memcmp(p, needle, n))
			return 1;
		p++;
	}
	return 0;
}

int suppress_possible(const char *text, size_t len)
{
	return contains(text, len, DIRECTIVE_PREFIX);
}

/* Sets *lines to the numbers of the lines that contain DIRECTIVE_PREFIX after a '#'. */
static void collect_directive_lines(uint32_t **lines, size_t *nlines,
				    const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t alloc = 0;
	uint32_t line = 1;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *hash = memchr(p, '#', (size_t)(line_end - p));

		if (hash && contains(hash, (size_t)(line_end - hash), DIRECTIVE_PREFIX)) {
			XGROW(*lines, alloc, *nlines + 1);
			(*lines)[(*nlines)++] = line;
		}
		if (!nl)
			break;
		p = nl + 1;
		line++;
	}
}

/* Returns the column (1-based, in characters) of p on the line that starts at line_start. */
static uint32_t char_column(const char *line_start, const char *p)
{
	uint32_t column = 1;

	for (; line_start < p; line_start++)
		if (((unsigned char)*line_start & 0xC0) != 0x80)
			column++;
	return column;
}

void suppress_scan(struct suppress_list *list, const char *path,
		   const char *text, size_t len)
{
	struct span_list spans = { NULL, 0, 0 };
	uint32_t *lines = NULL;
	size_t nlines = 0;
	const char *end, *line_start;
	size_t next_span = 0;
	uint32_t line = 1;

	/* Most files have no directive, and they skip the scan. */
	if (!suppress_possible(text, len))
		return;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) {
		text += 3;
		len -= 3;
	}
	end = text + len;
	collect_directive_lines(&lines, &nlines, text, len);
	scan_scalars(&spans, text, len, lines, nlines);
	free(lines);

	for (line_start = text; line_start < end; line++) {
		const char *nl = memchr(line_start, '\n', (size_t)(end - line_start));
		const char *line_end = nl ? nl : end;
		const char *p;

		for (p = line_start; p < line_end; p++) {
			struct pos at;

			if (*p != '#' || (p > line_start && p[-1] != ' ' && p[-1] != '\t'))
				continue;
			at.line = line;
			at.column = char_column(line_start, p);
			while (next_span < spans.nr && !pos_before(at, spans.items[next_span].end))
				next_span++;
			if (next_span < spans.nr && !pos_before(at, spans.items[next_span].start))
				continue;	/* inside a scalar */

			/* The first real comment runs to the end of the line. */
			if (!has_prefix(skip_blanks(p + 1, line_end), line_end, DIRECTIVE_PREFIX))
				break;
			add_suppression(list, path, at,
					is_blank_or_comment(line_start, p) ?
						next_content_line(nl ? nl + 1 : end, end, line) : line,
					p, line_end);
			break;
		}
		if (!nl)
			break;
		line_start = nl + 1;
	}
	free(spans.items);
}

static int compare_suppressions(const void *a, const void *b)
{
	const struct suppression *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->rule - y->rule;
}

/* Marks every valid suppression that covers f as used; returns how many there are. */
static size_t mark_covering(struct suppress_list *list, const struct finding *f)
{
	struct suppression key, *hit;
	size_t first, i, n = 0;

	key.path = f->path;
	key.target = f->pos.line;
	key.rule = (int)f->rule;
	hit = bsearch(&key, list->items, list->nr, sizeof(*list->items), compare_suppressions);
	if (!hit)
		return 0;

	first = (size_t)(hit - list->items);
	while (first > 0 && !compare_suppressions(&key, &list->items[first - 1]))
		first--;
	for (i = first; i < list->nr && !compare_suppressions(&key, &list->items[i]); i++) {
		list->items[i].used = 1;
		n++;
	}
	return n;
}

static int is_suppressible(const struct finding *f)
{
	return !(rule_table[f->rule].flags & RULE_MANDATORY) && f->rule != RULE_SUPPRESSION_UNUSED;
}

static void report_unused(struct finding_list *findings, const struct suppression *s)
{
	struct finding_context ctx = { 0 };

	/* The fingerprint hashes the comment, not the line, to distinguish suppressions. */
	ctx.value = s->comment;
	if (s->problem)
		finding_add(findings, RULE_SUPPRESSION_UNUSED, s->path, s->pos, &ctx, "%s", s->problem);
	else
		finding_add(findings, RULE_SUPPRESSION_UNUSED, s->path, s->pos, &ctx,
			    "suppression of '%s' silences nothing: remove the comment",
			    rule_table[s->rule].id);
}

size_t suppress_apply(struct suppress_list *list, struct finding_list *findings,
		      const enum severity *severity)
{
	size_t i, kept = 0, added = 0;

	if (!list->nr)
		return 0;
	if (list->nr > 1)
		qsort(list->items, list->nr, sizeof(*list->items), compare_suppressions);

	for (i = 0; i < findings->nr; i++) {
		struct finding *f = &findings->items[i];

		if (is_suppressible(f) && mark_covering(list, f)) {
			finding_clear(f);
			continue;
		}
		findings->items[kept++] = *f;
	}
	findings->nr = kept;

	for (i = 0; i < list->nr; i++) {
		const struct suppression *s = &list->items[i];

		if (!s->problem) {
			enum severity rule_severity = severity ? severity[s->rule] : rule_table[s->rule].severity;

			if (s->used || rule_severity == SEVERITY_OFF ||
			    (rule_table[s->rule].flags & RULE_HISTORY))
				continue;
		}
		report_unused(findings, s);
		added++;
	}
	return added;
}

void suppress_release(struct suppress_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++) {
		free(list->items[i].path);
		free(list->items[i].comment);
		free(list->items[i].problem);
	}
	free(list->items);
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}
