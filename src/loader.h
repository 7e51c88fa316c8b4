#ifndef MODELAUDIT_LOADER_H
#define MODELAUDIT_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "finding.h"

/*
 * The YAML loader: libyaml's event parser turned into a tree of nodes that
 * keep the 1-based line and column of every key and value. Nothing is typed
 * the YAML 1.1 way: every scalar stays the text it was written as, with its
 * style, and the registry format decides what it means.
 *
 * Problems with the file itself (syntax, encoding, anchors and aliases,
 * duplicate keys, several documents, limits) are findings, not errors.
 */

enum node_type {
	NODE_SCALAR,
	NODE_MAPPING,
	NODE_SEQUENCE
};

enum scalar_style {
	SCALAR_PLAIN,
	SCALAR_SINGLE_QUOTED,
	SCALAR_DOUBLE_QUOTED,
	SCALAR_LITERAL,
	SCALAR_FOLDED
};

struct node {
	uint8_t type;		/* enum node_type */
	uint8_t style;		/* enum scalar_style; scalars only */
	uint8_t flow;		/* collections written in flow style ([a, b]) */
	struct pos pos;
	size_t offset;		/* byte offset of the node's first character */
	size_t end_offset;	/* byte offset just past the node */
	const char *value;	/* scalars: the text, NUL-terminated */
	size_t len;		/* scalars: bytes of value; collections: children */
	/*
	 * First child. A mapping's children alternate key, value, key, value;
	 * len counts the nodes, so a mapping of three pairs has len 6.
	 */
	struct node *child;
	struct node *next;
};

/* Limits against hostile files; every limit hit is a yaml-syntax finding. */
#define LOADER_MAX_DEPTH 64
#define LOADER_MAX_SCALAR (1024 * 1024)

struct loader_options {
	/* Lines and bytes that come before text (when loading part of a file). */
	uint32_t line_offset;
	size_t byte_offset;
	/*
	 * When set, each complete item of the top-level `models` sequence is
	 * passed to on_model and then freed, so that memory stays bounded by
	 * one model however large the file. The tree's `models` sequence is
	 * then left empty.
	 */
	void (*on_model)(void *data, const struct node *item);
	void *data;
	/* The kind of file, as messages name it: "a registry" when NULL. */
	const char *kind;
};

struct loaded_file {
	struct node *root;	/* NULL when the file could not be parsed */
	struct arena arena;	/* owns every node */
	int fatal;		/* a problem stopped the parse (root is NULL) */
};

/*
 * Parses text (len bytes) of the file named path (for messages). Findings
 * about the file go to findings; the tree goes to out, which the caller
 * releases with loaded_file_release() whatever happened.
 */
void loader_parse(struct loaded_file *out, const char *path,
		  const char *text, size_t len,
		  const struct loader_options *options,
		  struct finding_list *findings);

void loaded_file_release(struct loaded_file *file);

/* Returns the value of key in mapping, or NULL; the first match wins. */
const struct node *node_get(const struct node *mapping, const char *key);

/*
 * A registry file in the usual layout (`models:` and then one block
 * sequence item per model) can be cut into its items by scanning lines,
 * without parsing. The history walk parses each item on its own, and
 * `check` parses a large file in parts on several threads.
 */
struct chunk_span {
	size_t offset;		/* byte offset of the item's first line */
	size_t len;
	uint32_t line;		/* 1-based line of the item's first line */
};

/*
 * Cuts text into the items of its `models` sequence. Returns 0 and sets
 * *out (freed by the caller) and *count, or -1 when the file is not in the
 * plain layout. These break it: a byte-order mark, a tab in the
 * indentation, a top-level line other than one `models:` line, a byte
 * outside printable ASCII before the first item, and an item indentation
 * that changes. Comments and blank lines go with the item before them.
 */
int chunk_split(struct chunk_span **out, size_t *count, const char *text,
		size_t len);

#endif
