#include "loader.h"

#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "buf.h"

/* Maximum number of keys in one mapping; a file with more is rejected. */
#define LOADER_MAX_KEYS 4096
/* Maximum line length in bytes, which also bounds libyaml's buffers. */
#define LOADER_MAX_LINE (1024 * 1024)

struct frame {
	struct node *node;
	struct node *last;	/* last child, for appending */
	int want_key;		/* a mapping whose next node is a key */
	int skip_value;		/* the next value belongs to a duplicate key */
	int discard;		/* this collection is not linked into the tree */
	int live_models;	/* this is the streamed top-level `models` sequence */
	struct arena_mark item_mark;	/* streaming: arena state before the item */
};

struct loader {
	const char *path;
	const char *text;
	size_t len;
	size_t bom;		/* bytes of a UTF-8 byte-order mark */
	int ascii;		/* no byte above 0x7F: character index == byte offset */
	const struct loader_options *options;
	struct finding_list *findings;
	struct loaded_file *out;
	struct frame *stack;
	size_t depth;
	size_t alloc;
	/* Forward cursor converting libyaml's character index to a byte offset. */
	size_t cursor_index;
	size_t cursor_offset;
};

static struct pos make_pos(const struct loader *ld, size_t line0, size_t column0)
{
	struct pos p;

	p.line = (uint32_t)(line0 + 1 + (ld->options ? ld->options->line_offset : 0));
	p.column = (uint32_t)(column0 + 1);
	return p;
}

/* Converts libyaml's character index (which skips the BOM) to a byte offset. */
static size_t byte_offset(struct loader *ld, size_t index)
{
	size_t base = ld->options ? ld->options->byte_offset : 0;

	if (ld->ascii)
		return base + ld->bom + index;
	if (index < ld->cursor_index) {
		ld->cursor_index = 0;
		ld->cursor_offset = ld->bom;
	}
	while (ld->cursor_index < index && ld->cursor_offset < ld->len) {
		unsigned char c = (unsigned char)ld->text[ld->cursor_offset];
		size_t width = 4;

		/* The text is valid UTF-8 here: the lead byte gives the width. */
		if (c < 0x80)
			width = 1;
		else if (c < 0xE0)
			width = 2;
		else if (c < 0xF0)
			width = 3;
		ld->cursor_offset += width;
		ld->cursor_index++;
	}
	return base + ld->cursor_offset;
}

/* Returns the 1-based position of a byte offset, counting LF line ends. */
static struct pos pos_of_offset(const struct loader *ld, size_t offset)
{
	size_t i, line = 0, line_start = 0, column = 0;

	for (i = 0; i < offset && i < ld->len; i++) {
		if (ld->text[i] == '\n') {
			line++;
			line_start = i + 1;
		}
	}
	/* Count characters, not bytes, as libyaml does for its columns. */
	for (i = line_start < ld->bom ? ld->bom : line_start; i < offset && i < ld->len; i++)
		if (((unsigned char)ld->text[i] & 0xC0) != 0x80)
			column++;
	return make_pos(ld, line, column);
}

/*
 * Checks the raw bytes before libyaml parses them: UTF-16 and UTF-32 input,
 * NUL bytes, invalid UTF-8 and overlong lines. libyaml reports invalid
 * UTF-8 at 0:0, so the position is computed here from the byte offset.
 * Returns 0 when the text may be parsed.
 */
static int check_encoding(struct loader *ld)
{
	const unsigned char *s = (const unsigned char *)ld->text;
	size_t len = ld->len, i = 0, line_start = 0;
	int ascii = 1;

	if (len >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
		finding_add(ld->findings, RULE_YAML_ENCODING, ld->path, make_pos(ld, 0, 0), NULL,
			    "file is UTF-16 or UTF-32 (byte-order mark %02X %02X): registry files must be UTF-8",
			    s[0], s[1]);
		return -1;
	}
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		ld->bom = 3;
	i = ld->bom;
	line_start = ld->bom;

	while (i < len) {
		unsigned char c = s[i];
		size_t width, k;

		if (c == '\n') {
			i++;
			line_start = i;
			continue;
		}
		if (i - line_start > LOADER_MAX_LINE) {
			finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path, pos_of_offset(ld, line_start),
				    NULL, "line is longer than %d bytes", LOADER_MAX_LINE);
			return -1;
		}
		if (c && c < 0x80) {
			/* Skip plain ASCII eight bytes at a time up to the next newline. */
			while (i + 8 <= len) {
				uint64_t w;

				memcpy(&w, s + i, 8);
				if ((w & 0x8080808080808080ull) ||
				    ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) ||
				    (((w ^ 0x0A0A0A0A0A0A0A0Aull) - 0x0101010101010101ull) &
				     ~(w ^ 0x0A0A0A0A0A0A0A0Aull) & 0x8080808080808080ull))
					break;
				i += 8;
			}
			if (i < len && s[i] && s[i] < 0x80 && s[i] != '\n')
				i++;
			if (i - line_start > LOADER_MAX_LINE) {
				finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path,
					    pos_of_offset(ld, line_start), NULL,
					    "line is longer than %d bytes", LOADER_MAX_LINE);
				return -1;
			}
			continue;
		}
		if (c == 0) {
			finding_add(ld->findings, RULE_YAML_ENCODING, ld->path, pos_of_offset(ld, i), NULL,
				    "NUL byte in the file: registry files are UTF-8 text");
			return -1;
		}
		ascii = 0;
		width = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
			c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		for (k = 1; width && k < width; k++)
			if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
				width = 0;
		/* Overlong forms and surrogates. */
		if (width == 3 && ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0)))
			width = 0;
		if (width == 4 && ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90)))
			width = 0;
		if (!width) {
			finding_add(ld->findings, RULE_YAML_ENCODING, ld->path, pos_of_offset(ld, i), NULL,
				    "invalid UTF-8 byte 0x%02X", c);
			return -1;
		}
		i += width;
	}
	ld->ascii = ascii;
	return 0;
}

static struct frame *top(struct loader *ld)
{
	return ld->depth ? &ld->stack[ld->depth - 1] : NULL;
}

/* A new node from an event, positioned at its start mark. */
static struct node *new_node(struct loader *ld, enum node_type type,
			     const yaml_event_t *event)
{
	struct node *n = arena_alloc(&ld->out->arena, sizeof(*n));

	n->type = (uint8_t)type;
	n->style = SCALAR_PLAIN;
	n->flow = 0;
	n->value = NULL;
	n->len = 0;
	n->child = NULL;
	n->next = NULL;
	n->pos = make_pos(ld, event->start_mark.line, event->start_mark.column);
	n->offset = byte_offset(ld, event->start_mark.index);
	n->end_offset = byte_offset(ld, event->end_mark.index);
	return n;
}

static int same_key(const struct node *a, const struct node *b)
{
	return a->type == NODE_SCALAR && b->type == NODE_SCALAR &&
	       a->len == b->len && !memcmp(a->value, b->value, a->len);
}

/*
 * Returns the earlier key equal to key in the mapping, or NULL. Mappings
 * are small (a model has about a dozen keys) and capped at LOADER_MAX_KEYS,
 * so a linear scan is enough.
 */
static const struct node *find_duplicate(const struct node *mapping, const struct node *key)
{
	const struct node *k;

	for (k = mapping->child; k; k = k->next ? k->next->next : NULL)
		if (same_key(k, key))
			return k;
	return NULL;
}

static void link_child(struct frame *f, struct node *n)
{
	if (f->last)
		f->last->next = n;
	else
		f->node->child = n;
	f->last = n;
	f->node->len++;
}

/*
 * Attaches a new node (a scalar, or a collection just opened) to the
 * collection on top of the stack. Sets *linked to whether it became part
 * of the tree: the key of a duplicate pair and its value are parsed but
 * dropped, so the first pair wins. Returns 0, or -1 when a limit was hit.
 */
static int attach(struct loader *ld, struct node *n, int *linked)
{
	struct frame *f = top(ld);

	*linked = 1;
	if (!f) {
		ld->out->root = n;
		return 0;
	}
	if (f->node->type == NODE_SEQUENCE) {
		link_child(f, n);
		return 0;
	}
	if (!f->want_key) {
		f->want_key = 1;
		if (f->skip_value) {
			f->skip_value = 0;
			*linked = 0;
			return 0;
		}
		link_child(f, n);
		return 0;
	}

	f->want_key = 0;
	if (f->node->len / 2 >= LOADER_MAX_KEYS) {
		finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path, n->pos, NULL,
			    "mapping has more than %d keys", LOADER_MAX_KEYS);
		return -1;
	}
	if (n->type == NODE_SCALAR) {
		const struct node *first = find_duplicate(f->node, n);

		if (first) {
			struct buf key = BUF_INIT;

			buf_add_escaped(&key, n->value, n->len);
			finding_add(ld->findings, RULE_YAML_DUPLICATE_KEY, ld->path, n->pos, NULL,
				    "duplicate key '%s' (first defined at line %u, column %u)",
				    key.ptr, first->pos.line, first->pos.column);
			buf_release(&key);
			f->skip_value = 1;
			*linked = 0;
			return 0;
		}
	}
	link_child(f, n);
	return 0;
}

static int push(struct loader *ld, struct node *n, int discard)
{
	struct frame *f;

	if (ld->depth >= LOADER_MAX_DEPTH) {
		finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path, n->pos, NULL,
			    "nesting is deeper than %d levels", LOADER_MAX_DEPTH);
		return -1;
	}
	XGROW(ld->stack, ld->alloc, ld->depth + 1);
	f = &ld->stack[ld->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
	f->want_key = n->type == NODE_MAPPING;
	f->discard = discard;
	return 0;
}

/* Whether seq, just opened, is the value of the document's `models` key. */
static int is_models_sequence(struct loader *ld, const struct node *seq)
{
	const struct frame *parent;
	const struct node *key;

	if (ld->depth != 1 || seq->type != NODE_SEQUENCE)
		return 0;
	parent = &ld->stack[0];
	if (parent->node->type != NODE_MAPPING || parent->discard || parent->want_key)
		return 0;
	key = parent->last;
	return key && key->type == NODE_SCALAR && !strcmp(key->value, "models");
}

/* Hands a complete item of the streamed `models` sequence over and frees it. */
static void stream_item(struct loader *ld, struct frame *models, struct node *item)
{
	ld->options->on_model(ld->options->data, item);
	models->node->len--;
	models->last = NULL;
	models->node->child = NULL;
	arena_rewind(&ld->out->arena, models->item_mark);
}

static void report_anchor(struct loader *ld, const yaml_event_t *event, const char *anchor)
{
	struct buf name = BUF_INIT;

	buf_adds_escaped(&name, anchor);
	finding_add(ld->findings, RULE_YAML_ALIAS, ld->path,
		    make_pos(ld, event->start_mark.line, event->start_mark.column), NULL,
		    event->type == YAML_ALIAS_EVENT ?
		    "alias '*%s': anchors and aliases are not allowed in %s" :
		    "anchor '&%s': anchors and aliases are not allowed in %s",
		    name.ptr, ld->options && ld->options->kind ? ld->options->kind : "a registry");
	buf_release(&name);
}

static void report_tag(struct loader *ld, const yaml_event_t *event, const char *tag)
{
	struct buf name = BUF_INIT;

	buf_adds_escaped(&name, tag);
	finding_add(ld->findings, RULE_SCHEMA_TYPE, ld->path,
		    make_pos(ld, event->start_mark.line, event->start_mark.column), NULL,
		    "tag '%s' is not allowed: the registry format types every value itself",
		    name.ptr);
	buf_release(&name);
}

static void report_syntax(struct loader *ld, const yaml_parser_t *parser)
{
	struct pos p;
	struct buf msg = BUF_INIT;

	if (parser->error == YAML_MEMORY_ERROR) {
		finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path, make_pos(ld, 0, 0), NULL,
			    "the YAML parser ran out of memory");
		return;
	}
	if (parser->problem_mark.line == 0 && parser->problem_mark.column == 0 &&
	    parser->problem_offset > 0)
		p = pos_of_offset(ld, ld->bom + parser->problem_offset);
	else
		p = make_pos(ld, parser->problem_mark.line, parser->problem_mark.column);

	buf_adds(&msg, "invalid YAML: ");
	buf_adds(&msg, parser->problem ? parser->problem : "unknown error");
	if (parser->context)
		buf_addf(&msg, " (%s, which starts at line %zu, column %zu)", parser->context,
			 parser->context_mark.line + 1 + (ld->options ? ld->options->line_offset : 0),
			 parser->context_mark.column + 1);
	finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path, p, NULL, "%s", msg.ptr);
	buf_release(&msg);
}

static enum scalar_style scalar_style(yaml_scalar_style_t style)
{
	switch (style) {
	case YAML_SINGLE_QUOTED_SCALAR_STYLE:
		return SCALAR_SINGLE_QUOTED;
	case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
		return SCALAR_DOUBLE_QUOTED;
	case YAML_LITERAL_SCALAR_STYLE:
		return SCALAR_LITERAL;
	case YAML_FOLDED_SCALAR_STYLE:
		return SCALAR_FOLDED;
	default:
		return SCALAR_PLAIN;
	}
}

/* Pops the collection that ends; a complete `models` item is streamed. */
static void end_collection(struct loader *ld)
{
	struct frame done = ld->stack[--ld->depth];
	struct frame *parent = top(ld);

	if (parent && parent->live_models && !done.discard)
		stream_item(ld, parent, done.node);
}

/* Runs the event loop; returns 0, or -1 when the parse stopped early. */
static int parse_events(struct loader *ld, yaml_parser_t *parser)
{
	yaml_event_t event;
	int documents = 0, ret = 0, finished = 0;

	while (!finished) {
		struct node *n = NULL;
		struct frame *f;
		int linked;

		if (!yaml_parser_parse(parser, &event)) {
			report_syntax(ld, parser);
			return -1;
		}
		f = top(ld);

		switch (event.type) {
		case YAML_STREAM_END_EVENT:
			finished = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				finding_add(ld->findings, RULE_YAML_MULTIPLE_DOCUMENTS, ld->path,
					    make_pos(ld, event.start_mark.line, event.start_mark.column),
					    NULL, "second YAML document: a registry file holds exactly one");
				ret = -1;
				finished = 1;
			}
			break;
		case YAML_ALIAS_EVENT:
			report_anchor(ld, &event, (const char *)event.data.alias.anchor);
			ret = -1;
			finished = 1;
			break;
		case YAML_SCALAR_EVENT:
			if (event.data.scalar.anchor) {
				report_anchor(ld, &event, (const char *)event.data.scalar.anchor);
				ret = -1;
				finished = 1;
				break;
			}
			if (event.data.scalar.tag)
				report_tag(ld, &event, (const char *)event.data.scalar.tag);
			if (event.data.scalar.length > LOADER_MAX_SCALAR) {
				finding_add(ld->findings, RULE_YAML_SYNTAX, ld->path,
					    make_pos(ld, event.start_mark.line, event.start_mark.column),
					    NULL, "value is longer than %d bytes", LOADER_MAX_SCALAR);
				ret = -1;
				finished = 1;
				break;
			}
			if (f && f->live_models)
				f->item_mark = arena_get_mark(&ld->out->arena);
			n = new_node(ld, NODE_SCALAR, &event);
			n->style = (uint8_t)scalar_style(event.data.scalar.style);
			n->value = arena_strndup(&ld->out->arena, (const char *)event.data.scalar.value,
						 event.data.scalar.length);
			n->len = event.data.scalar.length;
			if (attach(ld, n, &linked) < 0) {
				ret = -1;
				finished = 1;
				break;
			}
			/* A scalar item of `models` is handed over like a mapping. */
			if (f && f->live_models && !f->discard)
				stream_item(ld, f, n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			int is_seq = event.type == YAML_SEQUENCE_START_EVENT;
			const yaml_char_t *anchor = is_seq ? event.data.sequence_start.anchor :
				event.data.mapping_start.anchor;
			const yaml_char_t *tag = is_seq ? event.data.sequence_start.tag :
				event.data.mapping_start.tag;
			int live;

			if (anchor) {
				report_anchor(ld, &event, (const char *)anchor);
				ret = -1;
				finished = 1;
				break;
			}
			if (tag)
				report_tag(ld, &event, (const char *)tag);
			if (f && f->live_models)
				f->item_mark = arena_get_mark(&ld->out->arena);
			n = new_node(ld, is_seq ? NODE_SEQUENCE : NODE_MAPPING, &event);
			n->flow = (is_seq ? event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE :
				   event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
			live = ld->options && ld->options->on_model && is_models_sequence(ld, n);
			if (attach(ld, n, &linked) < 0 ||
			    push(ld, n, !linked || (f && f->discard)) < 0) {
				ret = -1;
				finished = 1;
				break;
			}
			top(ld)->live_models = live && linked;
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (f)
				f->node->end_offset = byte_offset(ld, event.end_mark.index);
			if (f)
				end_collection(ld);
			break;
		default:
			break;
		}
		yaml_event_delete(&event);
	}

	if (ret == 0 && documents == 0) {
		finding_add(ld->findings, RULE_YAML_MULTIPLE_DOCUMENTS, ld->path, make_pos(ld, 0, 0),
			    NULL, "file holds no YAML document: a registry file needs a `models` list");
		ret = -1;
	}
	return ret;
}

void loader_parse(struct loaded_file *out, const char *path,
		  const char *text, size_t len,
		  const struct loader_options *options,
		  struct finding_list *findings)
{
	struct loader ld;
	yaml_parser_t parser;

	memset(out, 0, sizeof(*out));
	memset(&ld, 0, sizeof(ld));
	ld.path = path;
	ld.text = text;
	ld.len = len;
	ld.options = options;
	ld.findings = findings;
	ld.out = out;

	if (check_encoding(&ld) < 0) {
		out->fatal = 1;
		return;
	}
	ld.cursor_offset = ld.bom;

	if (!yaml_parser_initialize(&parser)) {
		finding_add(findings, RULE_YAML_SYNTAX, path, make_pos(&ld, 0, 0), NULL,
			    "the YAML parser could not be initialised");
		out->fatal = 1;
		return;
	}
	/*
	 * The byte-order mark is skipped here: with the encoding set, libyaml
	 * would read it as content. Its marks then count from after it.
	 */
	yaml_parser_set_input_string(&parser, (const unsigned char *)text + ld.bom,
				     len - ld.bom);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

	if (parse_events(&ld, &parser) < 0) {
		out->fatal = 1;
		out->root = NULL;
	}
	yaml_parser_delete(&parser);
	free(ld.stack);
}

void loaded_file_release(struct loaded_file *file)
{
	arena_release(&file->arena);
	file->root = NULL;
}

const struct node *node_get(const struct node *mapping, const char *key)
{
	const struct node *k;
	size_t len = strlen(key);

	if (!mapping || mapping->type != NODE_MAPPING)
		return NULL;
	for (k = mapping->child; k && k->next; k = k->next->next)
		if (k->type == NODE_SCALAR && k->len == len && !memcmp(k->value, key, len))
			return k->next;
	return NULL;
}

/* Reports whether a line (without its newline) is `models:` with an optional comment. */
static int is_models_line(const char *l, size_t n)
{
	size_t i = 7;

	if (n < 7 || memcmp(l, "models:", 7))
		return 0;
	while (i < n && l[i] == ' ')
		i++;
	if (i < n && l[i] == '#' && l[i - 1] == ' ')
		return 1;
	return i == n || (i == n - 1 && l[i] == '\r');
}

/*
 * Reports whether a line is printable ASCII. The lines before the first
 * item are not parsed with the chunks, so the loader could not judge
 * their encoding: any other byte there sends the file to a whole parse.
 */
static int is_plain_ascii(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c >= 0x7F)
			return 0;
	}
	return 1;
}

/* Reports whether the text after an indentation starts a sequence item. */
static int is_item(const char *l, size_t n)
{
	return n >= 1 && l[0] == '-' && (n == 1 || l[1] == ' ' || l[1] == '\r');
}

int chunk_split(struct chunk_span **out, size_t *count, const char *text,
		size_t len)
{
	struct chunk_span *spans = NULL;
	size_t nr = 0, alloc = 0, pos = 0, indent = 0;
	uint32_t line = 1;
	int seen_models = 0, seen_item = 0;

	*out = NULL;
	*count = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		return -1;

	while (pos < len) {
		const char *l = text + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos;
		size_t i = 0;
		int blank, comment;

		while (i < n && l[i] == ' ')
			i++;
		if (i < n && l[i] == '\t')
			goto unclean;
		blank = i == n || (i == n - 1 && l[i] == '\r');
		comment = !blank && l[i] == '#';

		if (!seen_item && !is_plain_ascii(l, n))
			goto unclean;
		if (blank || comment) {
			/* Belongs to the item before it. */
		} else if (!seen_models) {
			if (i != 0 || !is_models_line(l, n))
				goto unclean;
			seen_models = 1;
		} else if (!seen_item || i == indent) {
			if (!is_item(l + i, n - i) || (seen_item && i != indent))
				goto unclean;
			if (nr)
				spans[nr - 1].len = pos - spans[nr - 1].offset;
			XGROW(spans, alloc, nr + 1);
			spans[nr].offset = pos;
			spans[nr].line = line;
			spans[nr].len = 0;
			nr++;
			indent = i;
			seen_item = 1;
		} else if (i < indent) {
			goto unclean;
		}

		pos += n + (nl ? 1 : 0);
		line++;
	}
	if (!nr)
		goto unclean;
	spans[nr - 1].len = len - spans[nr - 1].offset;
	*out = spans;
	*count = nr;
	return 0;

unclean:
	free(spans);
	return -1;
}
