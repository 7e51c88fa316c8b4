#ifndef MODELAUDIT_REGISTRY_H
#define MODELAUDIT_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "finding.h"
#include "loader.h"

struct ruleset;

/*
 * The registry model: what a registry means, built from the loader's nodes.
 * Every value keeps the position it came from, so that rules can point at
 * it after the nodes are gone.
 */

/* A scalar field: s is NULL when the field is absent or not a scalar. */
struct text {
	const char *s;
	struct pos pos;		/* of the value, or of the key when absent */
	uint8_t style;		/* enum scalar_style */
	uint8_t present;	/* the key exists (whatever its value's shape) */
};

/* Any field, its value rendered as canonical text: "x", "[a, b]", "{k: v}". */
struct field {
	const char *key;
	const char *value;
	struct pos key_pos;
	struct pos pos;		/* of the value */
};

struct source {
	struct pos pos;		/* the entry's first key */
	struct text id;
	struct text url;
	struct text title;
	struct text published;
};

struct spec {
	struct text key;
	struct text value;	/* lists (post_training) rendered as "[a, b]" */
	struct text source;	/* set for the {value: ..., source: ...} form */
};

struct score {
	struct pos pos;		/* the entry's first key */
	struct text benchmark;
	struct text variant;
	struct text value;	/* the `score` field, exactly as written */
	struct text date;
	struct text source;	/* a source id or an URL, as written */
	struct text reported_by;
	struct text notes;
	const char *canonical;	/* catalogue name, or benchmark as written */
	int known;		/* the benchmark is in the catalogue */
	const char *source_url;	/* source resolved to an URL, or NULL */
	struct field *extra;	/* keys the format does not define */
	size_t nextra;
};

/*
 * The fields of a score that score-suspect-interpolated reads. They are
 * worked out while the model is built and still in the cache, so the
 * rule's pass over the whole registry reads one small array per model.
 */
struct sibling_key {
	uint64_t hash;		/* of the family, normalised benchmark and variant */
	double value;
	int decimals;
	struct pos pos;		/* of the value */
	const char *text;	/* the value as written */
	const char *benchmark;	/* catalogue name, or as written; "" when none */
	const char *variant;	/* NULL when none */
	const char *source;	/* resolved URL, or as written; NULL when none */
};

struct model {
	const char *path;
	struct pos pos;		/* the entry's first key */
	size_t offset;		/* byte span of the entry in its file */
	size_t end_offset;
	struct text id;
	struct text name;
	struct text organization;
	struct text released;
	struct text family;
	struct text base_model;
	struct source *sources;
	size_t nsources;
	struct spec *specs;
	size_t nspecs;
	/* NOTE: a slim model (model_slim()) has nscores set and scores NULL. */
	struct score *scores;
	size_t nscores;
	/* Every other top-level key of the model (quantizations, lists, unknown). */
	struct field *fields;
	size_t nfields;
	/* Scores with a numeric value, when the model has a family and a total_params. */
	struct sibling_key *siblings;
	size_t nsiblings;
	double size;		/* total_params, when siblings is set */
	struct arena arena;	/* owns the model and everything it points to */
};

struct registry {
	struct model **models;
	size_t nr;
	size_t alloc;
	size_t nfiles;
	/*
	 * Files that could not be parsed to the end (a finding of the loader
	 * such as yaml-syntax stopped them), whose models were dropped.
	 */
	size_t nbroken;
	size_t nscores;
	/*
	 * When set, registry_add_file() takes the memory of its models from
	 * this pool; they are then only freed all together by
	 * arena_pool_release() after registry_release().
	 */
	struct arena_pool *pool;
	/*
	 * When set, each model is replaced by a slim copy (model_slim()) as
	 * soon as its own rules have run. check sets it because its later
	 * rules read only that copy, so memory keeps a small part of each model.
	 */
	int slim;
	/*
	 * Threads that registry_add_file() and registry_add_files() may use.
	 * With 0 or 1, every file is parsed on the calling thread. With
	 * force_split, text is shared out among that many threads whatever
	 * its size (for tests).
	 */
	unsigned threads;
	int force_split;
	/* Pools of the models parsed on other threads, released with the registry. */
	struct arena_pool *part_pools;
	size_t npart_pools;
};

#define REGISTRY_INIT { NULL, 0, 0, 0, 0, 0, NULL, 0, 0, 0, NULL, 0 }

/*
 * Builds a model from one item of a `models` sequence. Problems of shape
 * (schema-required, schema-type, schema-enum, schema-unknown-field,
 * yaml-ambiguous-scalar) go to findings. Never fails: a model that is not a
 * mapping yields an empty model with a finding. The model's memory comes
 * from pool (malloc when NULL).
 */
struct model *model_from_node(const struct node *item, const char *path,
			      const struct ruleset *rules,
			      struct finding_list *findings, struct arena_pool *pool);

void model_free(struct model *m);

/*
 * Returns a copy of m with only what the rules across models read: path,
 * position, id, base_model, family, size and siblings, and the count of
 * scores without the scores. Its memory comes from pool (malloc when NULL).
 */
struct model *model_slim(const struct model *m, struct arena_pool *pool);

/*
 * Loads one registry file (text of len bytes) into reg: parses it, builds
 * each model, and runs the per-model rules on it. Findings go to findings.
 *
 * A large file in the plain layout (see chunk_split()) is parsed in parts,
 * one per thread, when reg->threads allows. The models and findings are
 * the same as from one parse, in the same order: a part that meets any
 * problem with the file itself sends the whole file to one parse.
 */
void registry_add_file(struct registry *reg, const struct ruleset *rules,
		       const char *path, const char *text, size_t len,
		       struct finding_list *findings);

/* One registry file's text, for registry_add_files(). */
struct registry_text {
	const char *path;
	const char *text;
	size_t len;
};

/*
 * Loads files[0..n) as registry_add_file() would one after the other. When
 * reg->threads allows and there is enough text, runs of files are parsed
 * on several threads; models and findings come out in the same order.
 */
void registry_add_files(struct registry *reg, const struct ruleset *rules,
			const struct registry_text *files, size_t n,
			struct finding_list *findings);

/* Appends m, which the registry then owns. */
void registry_add_model(struct registry *reg, struct model *m);

void registry_release(struct registry *reg);

/* Looks up a source of m by id; NULL when it has none. */
const struct source *model_find_source(const struct model *m, const char *id);

/* Looks up a spec by key; NULL when absent. */
const struct spec *model_find_spec(const struct model *m, const char *key);

#endif
