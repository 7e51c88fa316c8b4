#include "registry.h"


#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "buf.h"
#include "checks.h"
#include "ruleset.h"
#include "textutil.h"
#include "threads.h"
#include "values.h"

/*
 * Building the registry model from loader nodes, and the rules about the
 * shape of the data: required fields, types, allowed values, unknown keys
 * and YAML 1.1 words left unquoted. The value rules live in checks.c.
 */

enum field_type {
	FIELD_TEXT,		/* free text */
	FIELD_ID,		/* model id: ^[a-z0-9][a-z0-9._-]*$ */
	FIELD_SOURCE_ID,	/* source id: ^[a-z][a-z0-9-]*$ */
	FIELD_DATE,		/* text; date-invalid is checked in checks.c */
	FIELD_COUNT,		/* 405B, 15T, 1.5T */
	FIELD_TOKENS,		/* 131072 or 128K */
	FIELD_BOOL,		/* true | false */
	FIELD_ENUM,		/* one of values */
	FIELD_ENUM_LIST,	/* a list of values */
	FIELD_TEXT_LIST		/* a list of free text */
};

struct field_spec {
	const char *key;
	enum field_type type;
	const char *const *values;	/* FIELD_ENUM, FIELD_ENUM_LIST */
};

static const char *const architectures[] = { "dense", "moe", NULL };
static const char *const attentions[] = {
	"mha", "mqa", "gqa", "mla", "swa", "linear", "hybrid", NULL
};
static const char *const post_trainings[] = {
	"sft", "rlhf", "dpo", "ppo", "grpo", "rlvr", "rejection-sampling",
	"distillation", "other", NULL
};
static const char *const training_codes[] = { "released", "partial", "not-released", NULL };
static const char *const reporters[] = { "self", "third-party", NULL };

static const struct field_spec spec_fields[] = {
	{ "architecture", FIELD_ENUM, architectures },
	{ "total_params", FIELD_COUNT, NULL },
	{ "active_params", FIELD_COUNT, NULL },
	{ "context_window", FIELD_TOKENS, NULL },
	{ "attention", FIELD_ENUM, attentions },
	{ "position_encoding", FIELD_TEXT, NULL },
	{ "pretraining_tokens", FIELD_COUNT, NULL },
	{ "training_hardware", FIELD_TEXT, NULL },
	{ "post_training", FIELD_ENUM_LIST, post_trainings },
	{ "knowledge_cutoff", FIELD_DATE, NULL },
	{ "license", FIELD_TEXT, NULL },
	{ "osi_approved", FIELD_BOOL, NULL },
	{ "data_released", FIELD_BOOL, NULL },
	{ "training_code", FIELD_ENUM, training_codes },
};

static const char *const model_keys[] = {
	"id", "name", "organization", "released", "family", "base_model",
	"sources", "specs", "benchmarks", "quantizations", "use_cases",
	"innovations", "limitations", "lineage"
};
static const char *const source_keys[] = { "id", "url", "title", "published" };
static const char *const score_keys[] = {
	"benchmark", "variant", "score", "date", "source", "reported_by", "notes"
};
static const char *const quantization_keys[] = { "verified", "families" };
static const char *const spec_value_keys[] = { "value", "source" };

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The state of every shape check: the findings list and the model being built. */
struct builder {
	const char *path;
	const struct ruleset *rules;
	struct finding_list *findings;
	struct model *model;
	const char *model_id;	/* for messages and fingerprints; may be NULL */
};

static struct finding_context model_context(const struct builder *b, const char *field)
{
	struct finding_context ctx = { 0 };

	ctx.model = b->model_id;
	ctx.field = field;
	return ctx;
}

/* Appends a quoted, escaped copy of s to out, for messages. */
static void add_quoted(struct buf *out, const char *s, size_t len)
{
	buf_addch(out, '\'');
	buf_add_escaped(out, s, len > 200 ? 200 : len);
	if (len > 200)
		buf_adds(out, "...");
	buf_addch(out, '\'');
}

static const char *node_kind_name(const struct node *n)
{
	switch (n->type) {
	case NODE_MAPPING:
		return "a mapping";
	case NODE_SEQUENCE:
		return "a list";
	default:
		return "a scalar";
	}
}

/* Appends the model's description: "model 'x'", or "model at line N" without an id. */
static void describe_model(struct buf *out, const struct builder *b)
{
	if (b->model_id) {
		buf_adds(out, "model ");
		add_quoted(out, b->model_id, strlen(b->model_id));
	} else {
		buf_addf(out, "model at line %u", b->model->pos.line);
	}
}

static void report_type(struct builder *b, const struct node *n, const char *field,
			const char *expected)
{
	struct finding_context ctx = model_context(b, field);
	struct buf where = BUF_INIT;

	describe_model(&where, b);
	finding_add(b->findings, RULE_SCHEMA_TYPE, b->path, n->pos, &ctx,
		    "'%s' of %s must be %s, not %s", field, where.ptr, expected,
		    node_kind_name(n));
	buf_release(&where);
}

static void report_missing(struct builder *b, struct pos pos, const char *field,
			   const char *entity)
{
	struct finding_context ctx = model_context(b, field);
	struct buf where = BUF_INIT;

	if (entity)
		buf_adds(&where, entity);
	else
		describe_model(&where, b);
	finding_add(b->findings, RULE_SCHEMA_REQUIRED, b->path, pos, &ctx,
		    "%s has no '%s'", where.ptr, field);
	buf_release(&where);
}

static void report_unknown(struct builder *b, const struct node *key,
			   const char *const *known, size_t nknown, const char *entity)
{
	struct finding_context ctx = model_context(b, key->value);
	struct buf msg = BUF_INIT;
	const char *suggestion = nearest_word(key->value, known, nknown);

	buf_adds(&msg, "unknown field ");
	add_quoted(&msg, key->value, key->len);
	buf_addf(&msg, " in %s", entity);
	if (suggestion)
		buf_addf(&msg, " (did you mean '%s'?)", suggestion);
	finding_add(b->findings, RULE_SCHEMA_UNKNOWN_FIELD, b->path, key->pos, &ctx, "%s", msg.ptr);
	buf_release(&msg);
}

/*
 * Words that YAML 1.1 reads as a boolean or null when unquoted, in every
 * spelling the YAML 1.1 type repository lists.
 */
static const char *yaml11_meaning(const char *s)
{
	static const char *const booleans[] = {
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF"
	};
	static const char *const nulls[] = { "~", "null", "Null", "NULL" };
	size_t i, len = strlen(s);

	/* Every such word is at most five letters long and starts with one of these. */
	if (len > 5 || !strchr("yYnNtTfFoO~", s[0]))
		return NULL;

	for (i = 0; i < COUNT_OF(booleans); i++)
		if (!strcmp(s, booleans[i]))
			return "a boolean";
	for (i = 0; i < COUNT_OF(nulls); i++)
		if (!strcmp(s, nulls[i]))
			return "null";
	return NULL;
}

static void check_ambiguous(struct builder *b, const struct node *n, const char *field)
{
	const char *meaning;
	struct finding_context ctx;

	if (n->type != NODE_SCALAR || n->style != SCALAR_PLAIN)
		return;
	meaning = yaml11_meaning(n->value);
	if (!meaning)
		return;
	ctx = model_context(b, field);
	ctx.value = n->value;
	finding_add(b->findings, RULE_YAML_AMBIGUOUS_SCALAR, b->path, n->pos, &ctx,
		    "unquoted '%s' in '%s' is %s to YAML 1.1 tools: quote it to keep it a string",
		    n->value, field, meaning);
}

/* Copies a scalar into a text field; other shapes are a schema-type finding. */
static void set_text(struct builder *b, struct text *t, const struct node *key,
		     const struct node *value, const char *field)
{
	t->present = 1;
	t->pos = value ? value->pos : key->pos;
	if (!value)
		return;
	t->style = value->style;
	if (value->type != NODE_SCALAR) {
		report_type(b, value, field, "a scalar");
		return;
	}
	check_ambiguous(b, value, field);
	t->s = arena_strndup(&b->model->arena, value->value, value->len);
}

/* Renders a node as canonical one-line text: x, [a, b], {k: v}. */
static void render(struct buf *out, const struct node *n)
{
	const struct node *c;
	int first = 1;

	if (n->type == NODE_SCALAR) {
		buf_add(out, n->value, n->len);
		return;
	}
	buf_addch(out, n->type == NODE_SEQUENCE ? '[' : '{');
	for (c = n->child; c; c = c->next) {
		if (!first)
			buf_adds(out, ", ");
		first = 0;
		render(out, c);
		if (n->type == NODE_MAPPING && c->next) {
			buf_adds(out, ": ");
			c = c->next;
			render(out, c);
		}
	}
	buf_addch(out, n->type == NODE_SEQUENCE ? ']' : '}');
}

static const char *render_node(struct builder *b, const struct node *n)
{
	struct buf out = BUF_INIT;
	const char *s;

	render(&out, n);
	s = arena_strndup(&b->model->arena, out.ptr, out.len);
	buf_release(&out);
	return s;
}

static int is_empty(const struct node *n)
{
	return !n || (n->type == NODE_SCALAR && n->len == 0 && n->style == SCALAR_PLAIN);
}

static int in_list(const char *s, const char *const *values)
{
	size_t i;

	for (i = 0; values[i]; i++)
		if (!strcmp(s, values[i]))
			return 1;
	return 0;
}

static void join_values(struct buf *out, const char *const *values)
{
	size_t i;

	for (i = 0; values[i]; i++)
		buf_addf(out, "%s%s", i ? ", " : "", values[i]);
}

static void report_enum(struct builder *b, const struct node *n, const char *field,
			const char *const *values)
{
	struct finding_context ctx = model_context(b, field);
	struct buf msg = BUF_INIT;

	ctx.value = n->value;
	buf_addf(&msg, "'%s' is ", field);
	add_quoted(&msg, n->value, n->len);
	buf_adds(&msg, ", not one of ");
	join_values(&msg, values);
	finding_add(b->findings, RULE_SCHEMA_ENUM, b->path, n->pos, &ctx, "%s", msg.ptr);
	buf_release(&msg);
}

/* Checks a model id or source id against its allowed characters. */
static void check_identifier(struct builder *b, const struct node *n, const char *field,
			     int source_id)
{
	const char *s = n->value;
	size_t i;
	int ok = n->len > 0;

	for (i = 0; ok && i < n->len; i++) {
		char c = s[i];
		int lower = c >= 'a' && c <= 'z', digit = c >= '0' && c <= '9';

		if (i == 0)
			ok = source_id ? lower : lower || digit;
		else
			ok = source_id ? lower || digit || c == '-' :
				lower || digit || c == '.' || c == '_' || c == '-';
	}
	if (!ok) {
		struct finding_context ctx = model_context(b, field);
		struct buf msg = BUF_INIT;

		ctx.value = s;
		buf_addf(&msg, "%s ", source_id ? "source id" : "model id");
		add_quoted(&msg, s, n->len);
		buf_addf(&msg, " must match %s", source_id ? "^[a-z][a-z0-9-]*$" :
			 "^[a-z0-9][a-z0-9._-]*$");
		finding_add(b->findings, RULE_SCHEMA_TYPE, b->path, n->pos, &ctx, "%s", msg.ptr);
		buf_release(&msg);
	}
}

/* Checks a typed scalar value (spec values and quantizations.verified). */
static void check_typed(struct builder *b, const struct node *n, const char *field,
			const struct field_spec *spec)
{
	double number;
	struct finding_context ctx = model_context(b, field);

	ctx.value = n->type == NODE_SCALAR ? n->value : NULL;
	switch (spec->type) {
	case FIELD_COUNT:
	case FIELD_TOKENS:
		if (n->type != NODE_SCALAR) {
			report_type(b, n, field, "a count such as 405B");
			return;
		}
		if (count_parse(n->value, spec->type == FIELD_TOKENS, &number) < 0) {
			struct buf msg = BUF_INIT;

			buf_addf(&msg, "'%s' is ", field);
			add_quoted(&msg, n->value, n->len);
			buf_adds(&msg, spec->type == FIELD_TOKENS ?
				 ", not a token count such as 131072 or 128K" :
				 ", not a count such as 405B, 15T or 1.5T");
			finding_add(b->findings, RULE_SCHEMA_TYPE, b->path, n->pos, &ctx, "%s", msg.ptr);
			buf_release(&msg);
		}
		return;
	case FIELD_BOOL:
		if (n->type != NODE_SCALAR) {
			report_type(b, n, field, "true or false");
			return;
		}
		if (strcmp(n->value, "true") && strcmp(n->value, "false")) {
			static const char *const booleans[] = { "true", "false", NULL };

			report_enum(b, n, field, booleans);
		}
		return;
	case FIELD_ENUM:
		if (n->type != NODE_SCALAR) {
			report_type(b, n, field, "a scalar");
			return;
		}
		if (!in_list(n->value, spec->values))
			report_enum(b, n, field, spec->values);
		return;
	case FIELD_ENUM_LIST:
	case FIELD_TEXT_LIST: {
		const struct node *item;

		if (n->type != NODE_SEQUENCE) {
			report_type(b, n, field, "a list");
			return;
		}
		for (item = n->child; item; item = item->next) {
			if (item->type != NODE_SCALAR) {
				report_type(b, item, field, "a list of scalars");
				continue;
			}
			if (spec->type == FIELD_ENUM_LIST && !in_list(item->value, spec->values))
				report_enum(b, item, field, spec->values);
			else if (spec->type == FIELD_TEXT_LIST)
				check_ambiguous(b, item, field);
		}
		return;
	}
	default:
		if (n->type != NODE_SCALAR) {
			report_type(b, n, field, "a scalar");
			return;
		}
		if (spec->type == FIELD_TEXT)
			check_ambiguous(b, n, field);
		return;
	}
}

static void build_source(struct builder *b, struct source *src, const struct node *entry)
{
	const struct node *k;

	src->pos = entry->pos;
	if (entry->type != NODE_MAPPING) {
		report_type(b, entry, "sources", "a list of mappings");
		return;
	}
	for (k = entry->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;

		if (k->type != NODE_SCALAR) {
			report_type(b, k, "sources", "a mapping with plain keys");
			continue;
		}
		if (!strcmp(k->value, "id")) {
			set_text(b, &src->id, k, v, "sources.id");
			if (src->id.s && !is_empty(v))
				check_identifier(b, v, "sources.id", 1);
		} else if (!strcmp(k->value, "url")) {
			set_text(b, &src->url, k, v, "sources.url");
		} else if (!strcmp(k->value, "title")) {
			set_text(b, &src->title, k, v, "sources.title");
		} else if (!strcmp(k->value, "published")) {
			set_text(b, &src->published, k, v, "sources.published");
		} else {
			report_unknown(b, k, source_keys, COUNT_OF(source_keys), "a source");
		}
	}
	if (!src->id.s || !*src->id.s)
		report_missing(b, entry->pos, "id", "source");
	if (!src->url.s || !*src->url.s)
		report_missing(b, entry->pos, "url", "source");
}

static const struct field_spec *find_spec_field(const char *key)
{
	size_t i;

	for (i = 0; i < COUNT_OF(spec_fields); i++)
		if (!strcmp(spec_fields[i].key, key))
			return &spec_fields[i];
	return NULL;
}

static void build_specs(struct builder *b, const struct node *specs)
{
	const struct node *k;
	size_t n = 0;
	const char *known[COUNT_OF(spec_fields)];
	size_t i;

	for (i = 0; i < COUNT_OF(spec_fields); i++)
		known[i] = spec_fields[i].key;
	if (specs->type != NODE_MAPPING) {
		if (!is_empty(specs))
			report_type(b, specs, "specs", "a mapping");
		return;
	}
	b->model->specs = arena_calloc(&b->model->arena, sizeof(struct spec) * (specs->len / 2 + 1));
	for (k = specs->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next, *value = v;
		const struct field_spec *field;
		struct spec *spec;

		if (k->type != NODE_SCALAR) {
			report_type(b, k, "specs", "a mapping with plain keys");
			continue;
		}
		field = find_spec_field(k->value);
		if (!field) {
			report_unknown(b, k, known, COUNT_OF(known), "specs");
		}
		spec = &b->model->specs[n++];
		spec->key.s = arena_strndup(&b->model->arena, k->value, k->len);
		spec->key.pos = k->pos;
		spec->key.present = 1;

		/* The {value: ..., source: ...} form names the source that states it. */
		if (v->type == NODE_MAPPING) {
			const struct node *vk;

			value = node_get(v, "value");
			for (vk = v->child; vk && vk->next; vk = vk->next->next) {
				if (vk->type != NODE_SCALAR)
					continue;
				if (!strcmp(vk->value, "source"))
					set_text(b, &spec->source, vk, vk->next, "specs.source");
				else if (strcmp(vk->value, "value"))
					report_unknown(b, vk, spec_value_keys, COUNT_OF(spec_value_keys),
						       "a spec value");
			}
			if (!value) {
				report_missing(b, v->pos, "value", "spec");
				continue;
			}
		}
		spec->value.present = 1;
		spec->value.pos = value->pos;
		spec->value.style = value->style;
		if (value->type == NODE_SCALAR)
			spec->value.s = arena_strndup(&b->model->arena, value->value, value->len);
		else
			spec->value.s = render_node(b, value);
		/* An unknown key has no type, so its value is not judged. */
		if (field && !is_empty(value))
			check_typed(b, value, spec->key.s, field);
	}
	b->model->nspecs = n;
}

/* The fields of a score, in the order of score_keys. */
enum score_field {
	SCORE_BENCHMARK,
	SCORE_VARIANT,
	SCORE_VALUE,
	SCORE_DATE,
	SCORE_SOURCE,
	SCORE_REPORTED_BY,
	SCORE_NOTES,
	SCORE_OTHER
};

/*
 * Returns the field a score key names. Every score of a registry goes
 * through this, so the first letter picks the one candidate to compare.
 */
static enum score_field score_field_of(const char *key)
{
	enum score_field f;

	switch (key[0]) {
	case 'b':
		f = SCORE_BENCHMARK;
		break;
	case 'v':
		f = SCORE_VARIANT;
		break;
	case 's':
		f = key[1] == 'c' ? SCORE_VALUE : SCORE_SOURCE;
		break;
	case 'd':
		f = SCORE_DATE;
		break;
	case 'r':
		f = SCORE_REPORTED_BY;
		break;
	case 'n':
		f = SCORE_NOTES;
		break;
	default:
		return SCORE_OTHER;
	}
	return strcmp(key, score_keys[f]) ? SCORE_OTHER : f;
}

static int is_estimate_field(const struct builder *b, const struct field *f)
{
	struct buf pair = BUF_INIT;
	int match;

	if (ruleset_match(b->rules, PATTERN_ESTIMATE_FIELD, f->key, strlen(f->key)))
		return 1;
	buf_addf(&pair, "%s: %s", f->key, f->value);
	match = ruleset_match(b->rules, PATTERN_ESTIMATE_FIELD, pair.ptr, pair.len);
	buf_release(&pair);
	return match;
}

static void build_score(struct builder *b, struct score *sc, const struct node *entry)
{
	const struct node *k;
	size_t nextra = 0;

	sc->pos = entry->pos;
	if (entry->type != NODE_MAPPING) {
		report_type(b, entry, "benchmarks", "a list of mappings");
		return;
	}
	for (k = entry->child; k && k->next; k = k->next->next)
		if (k->type == NODE_SCALAR && score_field_of(k->value) == SCORE_OTHER)
			nextra++;
	if (nextra)
		sc->extra = arena_calloc(&b->model->arena, sizeof(struct field) * nextra);
	nextra = 0;
	for (k = entry->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;
		const char *key = k->value;

		if (k->type != NODE_SCALAR) {
			report_type(b, k, "benchmarks", "a mapping with plain keys");
			continue;
		}
		switch (score_field_of(key)) {
		case SCORE_BENCHMARK:
			set_text(b, &sc->benchmark, k, v, "benchmark");
			break;
		case SCORE_VARIANT:
			set_text(b, &sc->variant, k, v, "variant");
			break;
		case SCORE_VALUE:
			/* The value is judged by score-not-numeric, not as a word. */
			sc->value.present = 1;
			sc->value.pos = v->pos;
			sc->value.style = v->style;
			if (v->type == NODE_SCALAR)
				sc->value.s = arena_strndup(&b->model->arena, v->value, v->len);
			else
				report_type(b, v, "score", "a number");
			break;
		case SCORE_DATE:
			set_text(b, &sc->date, k, v, "date");
			break;
		case SCORE_SOURCE:
			set_text(b, &sc->source, k, v, "source");
			break;
		case SCORE_REPORTED_BY:
			set_text(b, &sc->reported_by, k, v, "reported_by");
			if (sc->reported_by.s && *sc->reported_by.s &&
			    !in_list(sc->reported_by.s, reporters))
				report_enum(b, v, "reported_by", reporters);
			break;
		case SCORE_NOTES:
			set_text(b, &sc->notes, k, v, "notes");
			break;
		case SCORE_OTHER: {
			struct field *f = &sc->extra[nextra++];

			f->key = arena_strndup(&b->model->arena, k->value, k->len);
			f->key_pos = k->pos;
			f->pos = v->pos;
			f->value = render_node(b, v);
			/*
			 * Estimate markers, a key (interpolated: true) or a key and
			 * its value (method: interpolation), are score-interpolated's.
			 */
			if (!is_estimate_field(b, f))
				report_unknown(b, k, score_keys, COUNT_OF(score_keys), "a score");
			break;
		}
		}
	}
	sc->nextra = nextra;

	if (sc->benchmark.s && *sc->benchmark.s) {
		const struct benchmark_def *def = ruleset_find_benchmark(b->rules, sc->benchmark.s);

		sc->known = def != NULL;
		sc->canonical = def ? def->name : sc->benchmark.s;
	} else {
		report_missing(b, entry->pos, "benchmark", "score");
		sc->canonical = "";
	}
	if (!sc->value.s || (!*sc->value.s && sc->value.style == SCALAR_PLAIN)) {
		struct buf what = BUF_INIT;

		buf_adds(&what, "score of ");
		buf_adds_escaped(&what, sc->canonical);
		if (sc->value.present && !sc->value.s)
			; /* wrong shape, already reported */
		else
			report_missing(b, entry->pos, "score", what.ptr);
		buf_release(&what);
		sc->value.s = NULL;
	}
}

/* Resolves each score's source (an id of the model or an URL) to an URL. */
static void resolve_sources(struct model *m)
{
	size_t i;

	for (i = 0; i < m->nscores; i++) {
		struct score *sc = &m->scores[i];
		const struct source *src;

		if (!sc->source.s)
			continue;
		if (!strncmp(sc->source.s, "http://", 7) || !strncmp(sc->source.s, "https://", 8)) {
			sc->source_url = sc->source.s;
			continue;
		}
		src = model_find_source(m, sc->source.s);
		if (src && src->url.s)
			sc->source_url = src->url.s;
	}
}

static void build_quantizations(struct builder *b, const struct node *q)
{
	const struct node *k;

	if (q->type != NODE_MAPPING) {
		report_type(b, q, "quantizations", "a mapping");
		return;
	}
	for (k = q->child; k && k->next; k = k->next->next) {
		static const struct field_spec families = { "families", FIELD_TEXT_LIST, NULL };

		if (k->type != NODE_SCALAR)
			continue;
		if (!strcmp(k->value, "verified")) {
			if (k->next->type != NODE_SCALAR)
				report_type(b, k->next, "quantizations.verified", "a date");
		} else if (!strcmp(k->value, "families")) {
			check_typed(b, k->next, "quantizations.families", &families);
		} else {
			report_unknown(b, k, quantization_keys, COUNT_OF(quantization_keys),
				       "quantizations");
		}
	}
}

/* Stores an unlisted model key, or one kept whole (quantizations, lists). */
static void add_field(struct builder *b, const struct node *k, const struct node *v)
{
	struct field *f = &b->model->fields[b->model->nfields++];

	f->key = arena_strndup(&b->model->arena, k->value, k->len);
	f->key_pos = k->pos;
	f->pos = v->pos;
	f->value = render_node(b, v);
}

static void build_model_fields(struct builder *b, const struct node *item)
{
	struct model *m = b->model;
	const struct node *k;
	const struct node *sources = NULL, *benchmarks = NULL;

	m->fields = arena_calloc(&m->arena, sizeof(struct field) * (item->len / 2 + 1));
	for (k = item->child; k && k->next; k = k->next->next) {
		const struct node *v = k->next;
		const char *key = k->value;

		if (k->type != NODE_SCALAR) {
			report_type(b, k, "model", "a mapping with plain keys");
			continue;
		}
		if (!strcmp(key, "id"))
			set_text(b, &m->id, k, v, "id");
		else if (!strcmp(key, "name"))
			set_text(b, &m->name, k, v, "name");
		else if (!strcmp(key, "organization"))
			set_text(b, &m->organization, k, v, "organization");
		else if (!strcmp(key, "released"))
			set_text(b, &m->released, k, v, "released");
		else if (!strcmp(key, "family"))
			set_text(b, &m->family, k, v, "family");
		else if (!strcmp(key, "base_model"))
			set_text(b, &m->base_model, k, v, "base_model");
		else if (!strcmp(key, "sources"))
			sources = v;
		else if (!strcmp(key, "benchmarks"))
			benchmarks = v;
		else if (!strcmp(key, "specs"))
			build_specs(b, v);
		else if (!strcmp(key, "quantizations")) {
			build_quantizations(b, v);
			add_field(b, k, v);
		} else if (!strcmp(key, "use_cases") || !strcmp(key, "innovations") ||
			 !strcmp(key, "limitations")) {
			static const struct field_spec list = { "", FIELD_TEXT_LIST, NULL };

			check_typed(b, v, key, &list);
			add_field(b, k, v);
		} else if (!strcmp(key, "lineage")) {
			static const struct field_spec text = { "", FIELD_TEXT, NULL };

			check_typed(b, v, key, &text);
			add_field(b, k, v);
		} else {
			report_unknown(b, k, model_keys, COUNT_OF(model_keys), "a model");
			add_field(b, k, v);
		}

		if (!strcmp(key, "id") && m->id.s) {
			b->model_id = m->id.s;
			if (*m->id.s)
				check_identifier(b, v, "id", 0);
		}
	}

	if (sources && sources->type == NODE_SEQUENCE) {
		const struct node *e;
		size_t i = 0;

		m->sources = arena_calloc(&m->arena, sizeof(struct source) * (sources->len + 1));
		for (e = sources->child; e; e = e->next)
			build_source(b, &m->sources[i++], e);
		m->nsources = i;
	} else if (sources && !is_empty(sources)) {
		report_type(b, sources, "sources", "a list");
	}

	if (benchmarks && benchmarks->type == NODE_SEQUENCE) {
		const struct node *e;
		size_t i = 0;

		m->scores = arena_calloc(&m->arena, sizeof(struct score) * (benchmarks->len + 1));
		for (e = benchmarks->child; e; e = e->next)
			build_score(b, &m->scores[i++], e);
		m->nscores = i;
	} else if (benchmarks && !is_empty(benchmarks)) {
		report_type(b, benchmarks, "benchmarks", "a list");
	}
}

static struct model *build_model(const struct node *item, const char *path,
				 const struct ruleset *rules,
				 struct finding_list *findings,
				 struct arena_pool *pool)
{
	struct model *m = xcalloc(1, sizeof(*m));
	struct builder b;
	static const char *const required[] = { "id", "name", "organization", "released" };
	const struct text *fields[4];
	size_t i;

	memset(&b, 0, sizeof(b));
	b.path = path;
	b.rules = rules;
	b.findings = findings;
	b.model = m;

	/* Most of a model's memory is its text again: size the first block so. */
	m->arena.first_block = item->end_offset > item->offset ?
		(item->end_offset - item->offset) * 2 + 1024 : 0;
	m->arena.pool = pool;
	m->path = arena_strdup(&m->arena, path);
	m->pos = item->pos;
	m->offset = item->offset;
	m->end_offset = item->end_offset;

	if (item->type != NODE_MAPPING) {
		report_type(&b, item, "models", "a list of mappings");
		return m;
	}

	/* The id first, so that every finding about the model can name it. */
	{
		const struct node *id = node_get(item, "id");

		if (id && id->type == NODE_SCALAR && id->len)
			b.model_id = arena_strndup(&m->arena, id->value, id->len);
	}
	build_model_fields(&b, item);
	resolve_sources(m);

	fields[0] = &m->id;
	fields[1] = &m->name;
	fields[2] = &m->organization;
	fields[3] = &m->released;
	for (i = 0; i < COUNT_OF(required); i++) {
		if (fields[i]->s && *fields[i]->s)
			continue;
		/* Present but not a scalar: schema-type has reported it. */
		if (fields[i]->present && !fields[i]->s)
			continue;
		report_missing(&b, fields[i]->present ? fields[i]->pos : m->pos, required[i], NULL);
	}
	checks_prepare_model(m, rules);
	arena_trim(&m->arena);
	return m;
}

struct model *model_from_node(const struct node *item, const char *path,
			      const struct ruleset *rules,
			      struct finding_list *findings, struct arena_pool *pool)
{
	return build_model(item, path, rules, findings, pool);
}

/* Strings copied most recently into a slim model's arena, by their originals. */
#define SLIM_RECENT 4
struct slim_strings {
	struct arena *arena;
	const char *from[SLIM_RECENT];
	const char *to[SLIM_RECENT];
	size_t next;
};

/*
 * Copies s into the slim model's arena, or reuses the copy of the same
 * pointer, because many scores of a model share one source URL or
 * catalogue name.
 */
static const char *slim_copy(struct slim_strings *ss, const char *s)
{
	size_t i;
	char *copy;

	if (!s)
		return NULL;
	for (i = 0; i < SLIM_RECENT; i++)
		if (ss->from[i] == s)
			return ss->to[i];
	copy = arena_strdup(ss->arena, s);
	ss->from[ss->next] = s;
	ss->to[ss->next] = copy;
	ss->next = (ss->next + 1) % SLIM_RECENT;
	return copy;
}

static void slim_text(struct arena *a, struct text *t)
{
	if (t->s)
		t->s = arena_strdup(a, t->s);
}

struct model *model_slim(const struct model *m, struct arena_pool *pool)
{
	struct model *c = xcalloc(1, sizeof(*c));
	struct slim_strings ss;
	size_t i;

	c->arena.pool = pool;
	/* An estimate of the copy's size, so that it fits one block; arena_trim() returns the rest. */
	c->arena.first_block = m->nsiblings * (sizeof(*m->siblings) + 32) + 512;
	c->path = arena_strdup(&c->arena, m->path);
	c->pos = m->pos;
	c->offset = m->offset;
	c->end_offset = m->end_offset;
	c->id = m->id;
	c->base_model = m->base_model;
	c->family = m->family;
	slim_text(&c->arena, &c->id);
	slim_text(&c->arena, &c->base_model);
	slim_text(&c->arena, &c->family);
	c->nscores = m->nscores;
	c->size = m->size;
	c->nsiblings = m->nsiblings;
	if (!m->nsiblings)
		goto done;

	memset(&ss, 0, sizeof(ss));
	ss.arena = &c->arena;
	c->siblings = arena_alloc(&c->arena, xmul(m->nsiblings, sizeof(*c->siblings)));
	for (i = 0; i < m->nsiblings; i++) {
		struct sibling_key *k = &c->siblings[i];

		*k = m->siblings[i];
		k->text = arena_strdup(&c->arena, k->text);
		k->benchmark = slim_copy(&ss, k->benchmark);
		k->variant = k->variant ? arena_strdup(&c->arena, k->variant) : NULL;
		k->source = slim_copy(&ss, k->source);
	}
done:
	arena_trim(&c->arena);
	return c;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	arena_release(&m->arena);
	free(m);
}

const struct source *model_find_source(const struct model *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nsources; i++)
		if (m->sources[i].id.s && !strcmp(m->sources[i].id.s, id))
			return &m->sources[i];
	return NULL;
}

const struct spec *model_find_spec(const struct model *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nspecs; i++)
		if (!strcmp(m->specs[i].key.s, key))
			return &m->specs[i];
	return NULL;
}

void registry_add_model(struct registry *reg, struct model *m)
{
	XGROW(reg->models, reg->alloc, reg->nr + 1);
	reg->models[reg->nr++] = m;
	reg->nscores += m->nscores;
}

void registry_release(struct registry *reg)
{
	size_t i;

	for (i = 0; i < reg->nr; i++)
		model_free(reg->models[i]);
	free(reg->models);
	for (i = 0; i < reg->npart_pools; i++)
		arena_pool_release(&reg->part_pools[i]);
	free(reg->part_pools);
	memset(reg, 0, sizeof(*reg));
}

struct file_loader {
	struct registry *reg;
	const struct ruleset *rules;
	const char *path;
	struct finding_list *findings;
};

static void add_streamed_model(void *data, const struct node *item)
{
	struct file_loader *fl = data;
	struct registry *reg = fl->reg;
	struct model *m;

	/* A model that is slimmed at once is built in memory that is reused. */
	m = build_model(item, fl->path, fl->rules, fl->findings, reg->slim ? NULL : reg->pool);
	checks_model(m, fl->rules, fl->findings);
	if (reg->slim) {
		struct model *slim = model_slim(m, reg->pool);

		model_free(m);
		m = slim;
	}
	registry_add_model(reg, m);
}

/* Checks the document around the models: a mapping whose one key is `models`. */
static void check_top_level(const struct node *root, const char *path,
			    struct finding_list *findings)
{
	static const char *const top_keys[] = { "models" };
	const struct node *k, *models = NULL;

	if (root->type != NODE_MAPPING) {
		finding_add(findings, RULE_SCHEMA_TYPE, path, root->pos, NULL,
			    "a registry file must be a mapping with the key 'models', not %s",
			    node_kind_name(root));
		return;
	}
	for (k = root->child; k && k->next; k = k->next->next) {
		if (k->type == NODE_SCALAR && !strcmp(k->value, "models")) {
			models = k->next;
			continue;
		}
		if (k->type == NODE_SCALAR) {
			struct finding_context ctx = { 0 };
			struct buf msg = BUF_INIT;
			const char *suggestion = nearest_word(k->value, top_keys, 1);

			ctx.field = k->value;
			buf_adds(&msg, "unknown top-level key ");
			add_quoted(&msg, k->value, k->len);
			if (suggestion)
				buf_addf(&msg, " (did you mean '%s'?)", suggestion);
			finding_add(findings, RULE_SCHEMA_UNKNOWN_FIELD, path, k->pos, &ctx, "%s", msg.ptr);
			buf_release(&msg);
		}
	}
	if (!models) {
		finding_add(findings, RULE_SCHEMA_REQUIRED, path, root->pos, NULL,
			    "registry file has no 'models' list");
		return;
	}
	if (models->type != NODE_SEQUENCE && !is_empty(models))
		finding_add(findings, RULE_SCHEMA_TYPE, path, models->pos, NULL,
			    "'models' must be a list, not %s", node_kind_name(models));
}

static void add_file_whole(struct registry *reg, const struct ruleset *rules,
			   const char *path, const char *text, size_t len,
			   struct finding_list *findings)
{
	struct loaded_file file;
	struct loader_options options = { 0 };
	struct file_loader fl;
	struct finding_list file_findings = FINDING_LIST_INIT;
	size_t first_model = reg->nr;

	fl.reg = reg;
	fl.rules = rules;
	fl.path = path;
	fl.findings = &file_findings;
	options.on_model = add_streamed_model;
	options.data = &fl;

	loader_parse(&file, path, text, len, &options, &file_findings);
	reg->nfiles++;

	if (file.fatal) {
		/*
		 * A file that could not be parsed to the end reports only what
		 * stopped it: the models read before the problem are dropped,
		 * since their neighbours may be lost.
		 */
		size_t i, kept = 0;

		for (i = 0; i < file_findings.nr; i++) {
			struct finding *f = &file_findings.items[i];

			if (rule_stops_file(f->rule)) {
				file_findings.items[kept++] = *f;
			} else {
				finding_clear(f);
			}
		}
		file_findings.nr = kept;
		reg->nbroken++;
		while (reg->nr > first_model) {
			struct model *m = reg->models[--reg->nr];

			reg->nscores -= m->nscores;
			model_free(m);
		}
	} else if (file.root) {
		check_top_level(file.root, path, &file_findings);
	}

	finding_list_move(findings, &file_findings);
	finding_list_release(&file_findings);
	loaded_file_release(&file);
}

/* ---- a large file in parts, on several threads ------------------------ */

/* Text below this size is not worth a thread, unless reg->force_split. */
#define PART_MIN_BYTES (512 * 1024)
#define PART_MAX THREADS_MAX

/* Returns how many threads bytes of text, in count pieces, are shared among. */
static size_t thread_count(const struct registry *reg, size_t bytes, size_t count)
{
	size_t want = reg->threads;

	if (want > PART_MAX)
		want = PART_MAX;
	if (want > count)
		want = count;
	if (!reg->force_split && want > bytes / PART_MIN_BYTES)
		want = bytes / PART_MIN_BYTES;
	return want;
}

/*
 * Moves the models of from (a registry filled on another thread) to the
 * end of reg. When reg keeps its models in pools, pool moves too, because
 * it contains their memory.
 */
static void take_models(struct registry *reg, struct registry *from,
			struct arena_pool *pool)
{
	size_t i;

	for (i = 0; i < from->nr; i++)
		registry_add_model(reg, from->models[i]);
	from->nr = 0;
	if (!reg->pool)
		return;
	reg->part_pools = xrealloc(reg->part_pools,
				   xmul(reg->npart_pools + 1, sizeof(*reg->part_pools)));
	reg->part_pools[reg->npart_pools++] = *pool;
	memset(pool, 0, sizeof(*pool));
}

/* One run of items, parsed as a registry file of its own. */
struct file_part {
	const char *path;
	const struct ruleset *rules;
	const char *text;	/* the part's document, prefix included */
	size_t len;
	char *owned;		/* text, when the prefix had to be added */
	struct loader_options options;
	int head;		/* the part that starts the file */
	struct registry reg;
	struct arena_pool pool;
	struct finding_list model_findings;
	struct finding_list file_findings;
	int fatal;
};

static void *parse_part(void *data)
{
	struct file_part *p = data;
	struct file_loader fl;
	struct loaded_file file;

	fl.reg = &p->reg;
	fl.rules = p->rules;
	fl.path = p->path;
	fl.findings = &p->model_findings;
	p->options.on_model = add_streamed_model;
	p->options.data = &fl;
	loader_parse(&file, p->path, p->text, p->len, &p->options, &p->file_findings);
	p->fatal = file.fatal;
	if (!file.fatal && file.root && p->head)
		check_top_level(file.root, p->path, &p->file_findings);
	loaded_file_release(&file);
	ruleset_thread_release();
	return NULL;
}

/* The synthetic first line that makes a run of items a registry file. */
static const char part_prefix[] = "models:\n";
#define PART_PREFIX_LEN (sizeof(part_prefix) - 1)

/*
 * Cuts text into at most nparts runs of whole items of about equal size.
 * Returns the number of parts set up in parts[], or 0 when the file is not
 * in the plain layout or has too few items.
 */
static size_t cut_parts(struct file_part *parts, size_t nparts, const char *path,
			const char *text, size_t len)
{
	struct chunk_span *spans;
	size_t count, i, k = 0, first = 0;

	if (chunk_split(&spans, &count, text, len) < 0)
		return 0;
	if (count < nparts)
		nparts = count;
	if (nparts < 2 || spans[0].offset < PART_PREFIX_LEN || spans[0].line < 2) {
		free(spans);
		return 0;
	}
	for (i = 1; i <= count; i++) {
		size_t end = i < count ? spans[i].offset : len;
		struct file_part *p;

		/* Close part k at the first item boundary past its share. */
		if (i < count && end < (k + 1) * (len / nparts))
			continue;
		if (i < count && k + 1 == nparts)
			continue;
		p = &parts[k];
		memset(p, 0, sizeof(*p));
		p->path = path;
		if (k == 0) {
			p->head = 1;
			p->text = text;
			p->len = end;
		} else {
			size_t start = spans[first].offset;

			p->len = PART_PREFIX_LEN + (end - start);
			p->owned = xmalloc(p->len + 1);
			memcpy(p->owned, part_prefix, PART_PREFIX_LEN);
			memcpy(p->owned + PART_PREFIX_LEN, text + start, end - start);
			p->owned[p->len] = '\0';
			p->text = p->owned;
			p->options.line_offset = spans[first].line - 2;
			p->options.byte_offset = start - PART_PREFIX_LEN;
		}
		k++;
		first = i;
		if (k == nparts)
			break;
	}
	free(spans);
	if (k < 2) {
		while (k)
			free(parts[--k].owned);
	}
	return k;
}

static void release_part(struct file_part *p)
{
	registry_release(&p->reg);
	arena_pool_release(&p->pool);
	finding_list_release(&p->model_findings);
	finding_list_release(&p->file_findings);
	free(p->owned);
}

/*
 * Parses the parts, the first on the calling thread. Returns 0, or -1 when
 * a part found a problem with the file itself, which only a parse of the
 * whole file reports correctly.
 */
static int parse_parts(struct file_part *parts, size_t n)
{
	void *args[PART_MAX] = { 0 };
	size_t i;
	int ok = 1;

	for (i = 0; i < n; i++)
		args[i] = &parts[i];
	threads_run(parse_part, args, n);
	for (i = 0; i < n; i++)
		if (parts[i].fatal || (i && parts[i].file_findings.nr))
			ok = 0;
	return ok ? 0 : -1;
}

void registry_add_file(struct registry *reg, const struct ruleset *rules,
		       const char *path, const char *text, size_t len,
		       struct finding_list *findings)
{
	struct file_part parts[PART_MAX];
	size_t want = thread_count(reg, len, PART_MAX), n, i;

	n = want >= 2 ? cut_parts(parts, want, path, text, len) : 0;
	if (!n) {
		add_file_whole(reg, rules, path, text, len, findings);
		return;
	}
	for (i = 0; i < n; i++) {
		parts[i].rules = rules;
		parts[i].reg.pool = reg->pool ? &parts[i].pool : NULL;
		parts[i].reg.slim = reg->slim;
	}
	if (parse_parts(parts, n) < 0) {
		for (i = 0; i < n; i++)
			release_part(&parts[i]);
		add_file_whole(reg, rules, path, text, len, findings);
		return;
	}

	/* Hand over the models, their findings and the memory under them. */
	for (i = 0; i < n; i++) {
		take_models(reg, &parts[i].reg, &parts[i].pool);
		finding_list_move(findings, &parts[i].file_findings);
		finding_list_move(findings, &parts[i].model_findings);
		release_part(&parts[i]);
	}
	reg->nfiles++;
}

/* ---- many files, on several threads ------------------------------------ */

/* A run of whole files, parsed on one thread into a registry of its own. */
struct file_batch {
	const struct ruleset *rules;
	const struct registry_text *files;
	size_t n;
	struct registry reg;
	struct arena_pool pool;
	struct finding_list findings;
};

static void *parse_batch(void *data)
{
	struct file_batch *b = data;
	size_t i;

	for (i = 0; i < b->n; i++)
		registry_add_file(&b->reg, b->rules, b->files[i].path, b->files[i].text,
				  b->files[i].len, &b->findings);
	ruleset_thread_release();
	return NULL;
}

void registry_add_files(struct registry *reg, const struct ruleset *rules,
			const struct registry_text *files, size_t n,
			struct finding_list *findings)
{
	struct file_batch batches[PART_MAX];
	void *args[PART_MAX] = { 0 };
	size_t want, total = 0, i, j, k, first = 0, sum = 0;

	for (i = 0; i < n; i++)
		total += files[i].len;
	want = thread_count(reg, total, n);
	/* One file alone may still be cut into parts by registry_add_file(). */
	if (want < 2) {
		for (i = 0; i < n; i++)
			registry_add_file(reg, rules, files[i].path, files[i].text,
					  files[i].len, findings);
		return;
	}

	/* Runs of about equal size, each closed at the first file past its share. */
	memset(batches, 0, sizeof(batches));
	for (i = 0, k = 0; i < n && k < want; i++) {
		sum += files[i].len;
		if (i + 1 < n && k + 1 < want && sum < (k + 1) * (total / want))
			continue;
		if (k + 1 == want)
			i = n - 1;
		batches[k].files = files + first;
		batches[k].n = i + 1 - first;
		first = i + 1;
		k++;
	}
	for (j = 0; j < k; j++) {
		batches[j].rules = rules;
		batches[j].reg.pool = reg->pool ? &batches[j].pool : NULL;
		batches[j].reg.slim = reg->slim;
		batches[j].reg.threads = 1;
	}
	for (j = 0; j < k; j++)
		args[j] = &batches[j];
	threads_run(parse_batch, args, k);

	for (j = 0; j < k; j++) {
		struct file_batch *b = &batches[j];

		take_models(reg, &b->reg, &b->pool);
		reg->nfiles += b->reg.nfiles;
		reg->nbroken += b->reg.nbroken;
		finding_list_move(findings, &b->findings);
		finding_list_release(&b->findings);
		registry_release(&b->reg);
	}
}
