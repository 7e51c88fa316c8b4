#include "checks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "textutil.h"
#include "values.h"

/*
 * The value rules: sources and URLs, scores, dates and specs of one model
 * (checks_model), and the rules that compare models (checks_registry).
 * Every message quotes registry text escaped, and every finding carries a
 * context (model, benchmark, variant, source, field, value) so that its
 * fingerprint survives edits elsewhere in the file.
 */

/* A score dated more than this many days before the release is suspect. */
#define BEFORE_RELEASE_DAYS 90

/* Registry text quoted in a message is cut after this many bytes. */
#define QUOTE_MAX 200

/* Most URLs of a model are remembered, up to this many distinct ones. */
#define URL_VERDICTS_MAX 64

/* The outcome of the URL rules for one URL, whatever the field that cites it. */
struct url_verdict {
	const char *url;	/* borrowed from the model */
	char *host;		/* lower case; NULL when the URL is invalid */
	char *why;		/* the reason when the URL is invalid */
	int insecure;		/* http, not https */
	int placeholder;	/* the host is a placeholder */
};

/*
 * The verdicts on the URLs of the model being checked: its scores mostly
 * cite a few URLs over and over, and parsing one costs more than the
 * rest of a score's checks.
 */
struct url_verdicts {
	struct url_verdict *items;
	size_t nr;
	size_t alloc;
};

struct checker {
	const struct model *m;
	const struct ruleset *rs;
	struct finding_list *findings;
	long today;		/* days since 1970-01-01 */
	int has_today;
	long released;
	int has_released;
	struct url_verdicts *urls;	/* NULL outside checks_model() */
};

/* Appends 's' to out: escaped, and cut after QUOTE_MAX bytes. */
static void add_quoted(struct buf *out, const char *s)
{
	size_t len = strlen(s);

	buf_addch(out, '\'');
	buf_add_escaped(out, s, len > QUOTE_MAX ? QUOTE_MAX : len);
	if (len > QUOTE_MAX)
		buf_adds(out, "...");
	buf_addch(out, '\'');
}

static int is_set(const struct text *t)
{
	return t->s && *t->s;
}

/* A `source` that is not a source id: ids cannot contain a colon. */
static int looks_like_url(const char *s)
{
	return strchr(s, ':') != NULL;
}

static const struct source *find_source(const struct model *m, const char *id)
{
	size_t i;

	for (i = 0; i < m->nsources; i++)
		if (m->sources[i].id.s && !strcmp(m->sources[i].id.s, id))
			return &m->sources[i];
	return NULL;
}

static const struct spec *find_spec(const struct model *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->nspecs; i++)
		if (m->specs[i].key.s && !strcmp(m->specs[i].key.s, key))
			return &m->specs[i];
	return NULL;
}

/* The URL a score's source stands for, or the source as written. */
static const char *resolve_source(const struct model *m, const struct score *sc)
{
	const struct source *src;

	if (sc->source_url)
		return sc->source_url;
	if (!is_set(&sc->source))
		return NULL;
	if (looks_like_url(sc->source.s))
		return sc->source.s;
	src = find_source(m, sc->source.s);
	return src && is_set(&src->url) ? src->url.s : sc->source.s;
}

static const char *benchmark_name(const struct checker *c, const struct score *sc)
{
	const struct benchmark_def *def;

	if (sc->canonical && *sc->canonical)
		return sc->canonical;
	if (!is_set(&sc->benchmark))
		return "";
	def = ruleset_find_benchmark(c->rs, sc->benchmark.s);
	return def ? def->name : sc->benchmark.s;
}

/* Appends "MMLU (5-shot)": the benchmark and, if any, its variant. */
static void describe_benchmark(struct buf *out, const char *name, const char *variant)
{
	buf_adds_escaped(out, *name ? name : "an unnamed benchmark");
	if (variant && *variant) {
		buf_adds(out, " (");
		buf_adds_escaped(out, variant);
		buf_addch(out, ')');
	}
}

static void describe_score(struct buf *out, const struct checker *c,
			   const struct score *sc)
{
	describe_benchmark(out, benchmark_name(c, sc), sc->variant.s);
}

/*
 * The description of a score for messages, built on first use: most
 * scores have no finding, and formatting every one cost more than the
 * checks themselves.
 */
struct score_what {
	const struct checker *c;
	const struct score *sc;
	struct buf text;
	int built;
};

static const char *score_what(struct score_what *w)
{
	if (!w->built) {
		describe_score(&w->text, w->c, w->sc);
		w->built = 1;
	}
	return w->text.ptr;
}

static struct finding_context model_context(const struct checker *c,
					    const char *field, const char *value)
{
	struct finding_context ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.model = c->m->id.s;
	ctx.field = field;
	ctx.value = value;
	return ctx;
}

/* Sets the score's part of a finding context; an empty name leaves no benchmark. */
static void set_score_fields(struct finding_context *ctx, const char *benchmark,
			     const char *variant, const char *source)
{
	ctx->benchmark = *benchmark ? benchmark : NULL;
	ctx->variant = variant;
	ctx->source = source;
}

static struct finding_context score_context(const struct checker *c,
					    const struct score *sc,
					    const char *field, const char *value)
{
	struct finding_context ctx = model_context(c, field, value);

	/* The canonical name, so that renaming ARC-C to ARC-Challenge keeps fingerprints. */
	set_score_fields(&ctx, benchmark_name(c, sc), sc->variant.s, resolve_source(c->m, sc));
	return ctx;
}

static void report(const struct checker *c, enum rule_id rule, struct pos pos,
		   const struct finding_context *ctx, const struct buf *msg)
{
	finding_add(c->findings, rule, c->m->path, pos, ctx, "%s", msg->ptr);
}

/* URLs */

/* Returns the length of the scheme at the start of s ("https" of "https:"), or 0. */
static size_t scheme_length(const char *s)
{
	size_t n = 0;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	while (s[n] && (strchr("+-.", s[n]) || (s[n] >= '0' && s[n] <= '9') ||
			(s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z')))
		n++;
	return s[n] == ':' ? n : 0;
}

static int scheme_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && !strncasecmp(s, name, n);
}

/*
 * Checks the syntax of url and returns its host in lower case, without a
 * trailing dot, for the caller to free. For an invalid URL it returns NULL
 * and appends the reason to why.
 */
static char *parse_url(const char *url, int *insecure, struct buf *why)
{
	size_t n = scheme_length(url);
	CURLU *h = NULL;
	CURLUcode rc;
	char *host = NULL, *result = NULL, *p;
	const char *reason;

	if (!n) {
		buf_adds(why, "it does not start with http:// or https://");
		goto done;
	}
	if (!scheme_is(url, n, "http") && !scheme_is(url, n, "https")) {
		buf_adds(why, "the scheme '");
		buf_add_escaped(why, url, n);
		buf_adds(why, "' is not http or https");
		goto done;
	}
	/* libcurl accepts one or three slashes too; a registry should not. */
	if (strncmp(url + n, "://", 3) || url[n + 3] == '/') {
		buf_adds(why, "the scheme must be followed by exactly two slashes and a host");
		goto done;
	}
	*insecure = scheme_is(url, n, "http");

	h = curl_url();
	if (!h) {
		buf_adds(why, "out of memory");
		goto done;
	}
	rc = curl_url_set(h, CURLUPART_URL, url, 0);
	if (rc == CURLUE_OK)
		rc = curl_url_get(h, CURLUPART_HOST, &host, 0);
	if (rc != CURLUE_OK) {
		reason = curl_url_strerror(rc);
		/* libcurl's messages start with a capital letter; findings do not. */
		if (reason[0] >= 'A' && reason[0] <= 'Z' && !(reason[1] >= 'A' && reason[1] <= 'Z'))
			buf_addch(why, reason[0] - 'A' + 'a');
		else
			buf_addch(why, reason[0]);
		buf_adds(why, reason + 1);
		goto done;
	}
	result = xstrdup(host);
	for (p = result; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	n = strlen(result);
	if (n > 1 && result[n - 1] == '.')
		result[n - 1] = '\0';

done:
	curl_free(host);
	curl_url_cleanup(h);
	return result;
}

static void url_verdict_fill(struct url_verdict *v, const struct checker *c,
			     const char *url)
{
	struct buf why = BUF_INIT;

	memset(v, 0, sizeof(*v));
	v->url = url;
	v->host = parse_url(url, &v->insecure, &why);
	if (v->host)
		v->placeholder = ruleset_match(c->rs, PATTERN_PLACEHOLDER_HOST, v->host,
					       strlen(v->host));
	else
		v->why = buf_detach(&why, NULL);
	buf_release(&why);
}

static void url_verdict_release(struct url_verdict *v)
{
	free(v->host);
	free(v->why);
}

/*
 * Returns the verdict on url from c->urls, adding it there when it is new
 * and there is room. Otherwise the verdict is filled into scratch, which
 * the caller releases.
 */
static const struct url_verdict *url_verdict_get(const struct checker *c,
						  const char *url,
						  struct url_verdict *scratch)
{
	struct url_verdicts *urls = c->urls;
	size_t i;

	for (i = 0; urls && i < urls->nr; i++)
		if (!strcmp(urls->items[i].url, url))
			return &urls->items[i];
	if (!urls || urls->nr >= URL_VERDICTS_MAX) {
		url_verdict_fill(scratch, c, url);
		return scratch;
	}
	XGROW(urls->items, urls->alloc, urls->nr + 1);
	url_verdict_fill(&urls->items[urls->nr], c, url);
	return &urls->items[urls->nr++];
}

/*
 * Runs url-invalid, url-placeholder and url-insecure on a URL found at pos;
 * ctx describes where it was found.
 */
static void check_url(const struct checker *c, const char *url, struct pos pos,
		      const struct finding_context *ctx)
{
	struct url_verdict scratch;
	const struct url_verdict *v;
	struct buf msg = BUF_INIT;

	memset(&scratch, 0, sizeof(scratch));
	v = url_verdict_get(c, url, &scratch);
	if (!v->host) {
		buf_adds(&msg, "invalid URL ");
		add_quoted(&msg, url);
		buf_adds(&msg, ": ");
		buf_adds(&msg, v->why);
		report(c, RULE_URL_INVALID, pos, ctx, &msg);
		goto done;
	}
	if (v->placeholder) {
		buf_adds(&msg, "placeholder URL ");
		add_quoted(&msg, url);
		buf_adds(&msg, ": the host ");
		add_quoted(&msg, v->host);
		buf_adds(&msg, " is reserved for examples and tests, so cite the real document");
		report(c, RULE_URL_PLACEHOLDER, pos, ctx, &msg);
	}
	if (v->insecure) {
		buf_reset(&msg);
		buf_adds(&msg, "insecure URL ");
		add_quoted(&msg, url);
		buf_adds(&msg, ": use https if the site serves it");
		report(c, RULE_URL_INSECURE, pos, ctx, &msg);
	}

done:
	url_verdict_release(&scratch);
	buf_release(&msg);
}

/* Dates */

/*
 * Runs date-invalid and date-in-future on a date field. what names it for
 * the message ("released date"). With month_ok, YYYY-MM is allowed too.
 * Returns 0 and sets *days for a valid date, or -1.
 */
static int check_date(const struct checker *c, const struct text *t,
		      const char *what, int month_ok,
		      const struct finding_context *ctx, long *days)
{
	struct buf msg = BUF_INIT;
	long d;
	int rc;

	if (!is_set(t))
		return -1;
	rc = month_ok ? date_parse_month(t->s, &d) : date_parse(t->s, &d);
	if (rc < 0) {
		buf_adds(&msg, what);
		buf_adds(&msg, " is ");
		add_quoted(&msg, t->s);
		if (rc == -2)
			buf_adds(&msg, ", a day that does not exist in the calendar");
		else if (month_ok)
			buf_adds(&msg, ", not a date of the form YYYY-MM-DD or YYYY-MM");
		else
			buf_adds(&msg, ", not a date of the form YYYY-MM-DD");
		report(c, RULE_DATE_INVALID, t->pos, ctx, &msg);
		buf_release(&msg);
		return -1;
	}
	if (c->has_today && d > c->today) {
		buf_adds(&msg, what);
		buf_adds(&msg, " is ");
		buf_adds_escaped(&msg, t->s);
		buf_addf(&msg, ", after today (%s): correct the date", c->rs->today);
		report(c, RULE_DATE_IN_FUTURE, t->pos, ctx, &msg);
	}
	buf_release(&msg);
	if (days)
		*days = d;
	return 0;
}

/* Models and sources */

static void check_sources(const struct checker *c)
{
	const struct model *m = c->m;
	struct buf msg = BUF_INIT, what = BUF_INIT;
	size_t i, j;

	if (!m->nsources) {
		struct finding_context ctx = model_context(c, "sources", NULL);

		buf_adds(&msg, "model ");
		add_quoted(&msg, m->id.s ? m->id.s : "");
		buf_adds(&msg, " has no sources: add the documents its values come from");
		report(c, RULE_MODEL_NO_SOURCE, m->pos, &ctx, &msg);
	}

	for (i = 0; i < m->nsources; i++) {
		const struct source *src = &m->sources[i];
		struct finding_context ctx = model_context(c, "sources.id", src->id.s);

		ctx.source = src->url.s;
		for (j = 0; is_set(&src->id) && j < i; j++) {
			const struct source *first = &m->sources[j];
			struct finding_context repeat = ctx;

			if (!first->id.s || strcmp(first->id.s, src->id.s))
				continue;
			/* Not the URL of the later source, for a fingerprint that a swap keeps. */
			repeat.source = NULL;
			buf_reset(&msg);
			buf_adds(&msg, "source id ");
			add_quoted(&msg, src->id.s);
			buf_addf(&msg, " is already used on line %u: give each source of "
				 "a model its own id", (unsigned)first->id.pos.line);
			report(c, RULE_SOURCE_DUPLICATE_ID, src->id.pos, &repeat, &msg);
			break;
		}

		if (is_set(&src->url)) {
			ctx.field = "sources.url";
			ctx.value = src->url.s;
			check_url(c, src->url.s, src->url.pos, &ctx);
		}

		if (is_set(&src->published)) {
			buf_reset(&what);
			buf_adds(&what, "the published date of source ");
			add_quoted(&what, src->id.s ? src->id.s : "");
			ctx.field = "sources.published";
			ctx.value = src->published.s;
			check_date(c, &src->published, what.ptr, 0, &ctx, NULL);
		}
	}
	buf_release(&msg);
	buf_release(&what);
}

/*
 * Checks a `source` that cites a source id or a URL: a URL gets the URL
 * rules, an id must name a source of the model. what describes the citing
 * entry ("score of MMLU (5-shot)").
 */
static void check_citation(const struct checker *c, const struct text *source,
			   const char *what, const struct finding_context *ctx)
{
	struct buf msg = BUF_INIT;

	if (looks_like_url(source->s)) {
		check_url(c, source->s, source->pos, ctx);
		return;
	}
	if (find_source(c->m, source->s))
		return;
	buf_adds(&msg, what);
	buf_adds(&msg, " cites source ");
	add_quoted(&msg, source->s);
	buf_adds(&msg, ", which the model does not define: add it to sources or cite one of their ids");
	report(c, RULE_SOURCE_UNKNOWN_REF, source->pos, ctx, &msg);
	buf_release(&msg);
}

/* Specs */

static void check_params(const struct checker *c)
{
	const struct spec *total = find_spec(c->m, "total_params");
	const struct spec *active = find_spec(c->m, "active_params");
	const struct spec *arch = find_spec(c->m, "architecture");
	struct finding_context ctx = model_context(c, "specs.active_params", NULL);
	struct buf msg = BUF_INIT;
	double t, a;

	if (!total || !active || !total->value.s || !active->value.s ||
	    count_parse(total->value.s, 0, &t) < 0 ||
	    count_parse(active->value.s, 0, &a) < 0)
		return;
	ctx.value = active->value.s;

	if (a > t && !count_equal(active->value.s, total->value.s, 0)) {
		buf_adds(&msg, "active_params ");
		buf_adds_escaped(&msg, active->value.s);
		buf_adds(&msg, " is greater than total_params ");
		buf_adds_escaped(&msg, total->value.s);
		buf_adds(&msg, ": a model cannot use more parameters than it has");
		report(c, RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL, active->value.pos, &ctx, &msg);
		goto done;
	}
	if (arch && arch->value.s && !strcmp(arch->value.s, "dense") &&
	    !count_equal(active->value.s, total->value.s, 0)) {
		buf_adds(&msg, "active_params ");
		buf_adds_escaped(&msg, active->value.s);
		buf_adds(&msg, " differs from total_params ");
		buf_adds_escaped(&msg, total->value.s);
		buf_adds(&msg, " in a dense model: make them equal, or set architecture to moe");
		report(c, RULE_PARAMS_DENSE_MISMATCH, active->value.pos, &ctx, &msg);
	}

done:
	buf_release(&msg);
}

static void check_specs(const struct checker *c)
{
	struct buf what = BUF_INIT;
	size_t i;

	for (i = 0; i < c->m->nspecs; i++) {
		const struct spec *spec = &c->m->specs[i];
		struct finding_context ctx;

		if (!spec->key.s)
			continue;
		buf_reset(&what);
		buf_adds(&what, "specs.");
		buf_adds_escaped(&what, spec->key.s);
		ctx = model_context(c, what.ptr, spec->value.s);

		if (is_set(&spec->source)) {
			struct buf cite = BUF_INIT;

			buf_addf(&cite, "spec %s", what.ptr + strlen("specs."));
			check_citation(c, &spec->source, cite.ptr, &ctx);
			buf_release(&cite);
		}
		if (!strcmp(spec->key.s, "knowledge_cutoff"))
			check_date(c, &spec->value, "knowledge_cutoff", 1, &ctx, NULL);
	}
	buf_release(&what);
	check_params(c);
}

/*
 * Finds key in a mapping rendered as "{k: v, k2: [a, b]}" (the form
 * registry.c keeps whole fields in) and returns its value in out.
 * Returns 1 when found.
 */
static int rendered_get(struct buf *out, const char *mapping, const char *key)
{
	const char *p = mapping;
	size_t keylen = strlen(key);

	if (*p != '{')
		return 0;
	p++;
	while (*p && *p != '}') {
		const char *start = p, *value;
		int depth = 0;

		/* Finds the end of this entry: a ", " or "}" outside brackets. */
		while (*p) {
			if (*p == '[' || *p == '{')
				depth++;
			else if ((*p == ']' || *p == '}') && depth-- == 0)
				break;
			else if (!depth && p[0] == ',' && p[1] == ' ')
				break;
			p++;
		}
		if (!strncmp(start, key, keylen) && !strncmp(start + keylen, ": ", 2)) {
			value = start + keylen + 2;
			buf_reset(out);
			buf_add(out, value, (size_t)(p - value));
			return 1;
		}
		if (*p == ',')
			p += 2;
	}
	return 0;
}

static void check_quantizations(const struct checker *c)
{
	struct buf families = BUF_INIT, verified = BUF_INIT, msg = BUF_INIT;
	const struct field *f = NULL;
	size_t i;

	for (i = 0; i < c->m->nfields; i++)
		if (!strcmp(c->m->fields[i].key, "quantizations"))
			f = &c->m->fields[i];
	if (!f || !f->value)
		goto done;

	if (rendered_get(&verified, f->value, "verified") && verified.len) {
		/* NOTE: the value's own position is not kept, so the finding points at the mapping. */
		struct text t = { verified.ptr, f->pos, 0, 1 };
		struct finding_context ctx = model_context(c, "quantizations.verified", verified.ptr);

		check_date(c, &t, "quantizations.verified", 0, &ctx, NULL);
		goto done;
	}
	if (rendered_get(&families, f->value, "families") && families.len &&
	    strcmp(families.ptr, "[]")) {
		struct finding_context ctx = model_context(c, "quantizations.verified", NULL);

		buf_adds(&msg, "quantizations lists families but no verified date: add "
			 "quantizations.verified with the date the list was checked");
		report(c, RULE_QUANTIZATIONS_UNVERIFIED, f->pos, &ctx, &msg);
	}

done:
	buf_release(&families);
	buf_release(&verified);
	buf_release(&msg);
}

/* Scores */

/* Runs score-interpolated, score-not-numeric and score-out-of-range on the value. */
static void check_score_value(const struct checker *c, const struct score *sc,
			      struct score_what *what)
{
	struct finding_context ctx = score_context(c, sc, "score", sc->value.s);
	const struct benchmark_def *def;
	struct buf msg = BUF_INIT;
	double v;

	if (!sc->value.s)
		return;
	/* A plain decimal carries no estimate marker, so the patterns run only on the rest. */
	if (decimal_parse(sc->value.s, &v, NULL) == 0)
		goto in_range;
	if (ruleset_match(c->rs, PATTERN_ESTIMATE_MARKER, sc->value.s, strlen(sc->value.s))) {
		buf_adds(&msg, "score ");
		add_quoted(&msg, sc->value.s);
		buf_addf(&msg, " of %s is marked as an estimate: record only values "
			 "that a source publishes", score_what(what));
		report(c, RULE_SCORE_INTERPOLATED, sc->value.pos, &ctx, &msg);
		goto done;
	}
	buf_adds(&msg, "score ");
	add_quoted(&msg, sc->value.s);
	buf_addf(&msg, " of %s is not a plain decimal: write the number as "
		 "published, such as 87.3", score_what(what));
	report(c, RULE_SCORE_NOT_NUMERIC, sc->value.pos, &ctx, &msg);
	goto done;

in_range:
	def = is_set(&sc->benchmark) ? ruleset_find_benchmark(c->rs, sc->benchmark.s) : NULL;
	if (!def || ((!def->has_min || v >= def->min) && (!def->has_max || v <= def->max)))
		goto done;
	buf_adds(&msg, "score ");
	buf_adds_escaped(&msg, sc->value.s);
	buf_addf(&msg, " of %s is outside the range of ", score_what(what));
	buf_adds_escaped(&msg, def->name);
	if (def->has_min && def->has_max)
		buf_addf(&msg, ", %g to %g", def->min, def->max);
	else if (def->has_min)
		buf_addf(&msg, ", at least %g", def->min);
	else
		buf_addf(&msg, ", at most %g", def->max);
	buf_adds(&msg, ": check the value and the benchmark name");
	report(c, RULE_SCORE_OUT_OF_RANGE, sc->value.pos, &ctx, &msg);

done:
	buf_release(&msg);
}

/* Runs score-interpolated on the keys the format does not define. */
static void check_score_extra(const struct checker *c, const struct score *sc,
			      struct score_what *what)
{
	struct buf pair = BUF_INIT, msg = BUF_INIT;
	size_t i;

	for (i = 0; i < sc->nextra; i++) {
		const struct field *f = &sc->extra[i];
		struct finding_context ctx = score_context(c, sc, f->key, f->value);

		buf_reset(&pair);
		buf_adds(&pair, f->key);
		buf_adds(&pair, ": ");
		buf_adds(&pair, f->value ? f->value : "");
		if (!ruleset_match(c->rs, PATTERN_ESTIMATE_FIELD, f->key, strlen(f->key)) &&
		    !ruleset_match(c->rs, PATTERN_ESTIMATE_FIELD, pair.ptr, pair.len))
			continue;
		buf_reset(&msg);
		buf_addf(&msg, "score of %s is marked as estimated by ", score_what(what));
		add_quoted(&msg, pair.ptr);
		buf_adds(&msg, ": record only values that a source publishes");
		report(c, RULE_SCORE_INTERPOLATED, f->key_pos, &ctx, &msg);
	}
	buf_release(&pair);
	buf_release(&msg);
}

static void check_score_date(const struct checker *c, const struct score *sc,
			     struct score_what *what)
{
	struct finding_context ctx = score_context(c, sc, "date", sc->date.s);
	struct buf msg = BUF_INIT, label = BUF_INIT;
	long days;

	if (!is_set(&sc->date)) {
		/* A date that is not a scalar is schema-type's. */
		if (sc->date.present && !sc->date.s)
			return;
		buf_addf(&msg, "score of %s has no publication date", score_what(what));
		report(c, RULE_SCORE_MISSING_DATE, sc->pos, &ctx, &msg);
		buf_release(&msg);
		return;
	}

	/* A valid date up to today needs no label for check_date's messages. */
	if (date_parse(sc->date.s, &days) < 0 || (c->has_today && days > c->today)) {
		buf_addf(&label, "the date of the %s score", score_what(what));
		if (check_date(c, &sc->date, label.ptr, 0, &ctx, &days) < 0)
			goto done;
	}
	if (c->has_released && c->released - days > BEFORE_RELEASE_DAYS) {
		buf_addf(&msg, "score of %s is dated %s, %ld days before the model's "
			 "release on ", score_what(what), sc->date.s, c->released - days);
		buf_adds_escaped(&msg, c->m->released.s);
		buf_adds(&msg, ": check the date of the source");
		report(c, RULE_DATE_BEFORE_RELEASE, sc->date.pos, &ctx, &msg);
	}

done:
	buf_release(&msg);
	buf_release(&label);
}

static void check_score(const struct checker *c, const struct score *sc)
{
	struct score_what what = { c, sc, BUF_INIT, 0 };
	struct buf msg = BUF_INIT;

	/*
	 * The model builder looked the name up already (and set canonical);
	 * a model built by hand is looked up here.
	 */
	if (is_set(&sc->benchmark) &&
	    (sc->canonical ? !sc->known : !ruleset_find_benchmark(c->rs, sc->benchmark.s))) {
		struct finding_context ctx = score_context(c, sc, "benchmark", sc->benchmark.s);
		const char *suggestion = ruleset_suggest_benchmark(c->rs, sc->benchmark.s);

		buf_adds(&msg, "unknown benchmark ");
		add_quoted(&msg, sc->benchmark.s);
		if (suggestion) {
			buf_adds(&msg, " (did you mean ");
			add_quoted(&msg, suggestion);
			buf_adds(&msg, "?)");
		} else {
			buf_adds(&msg, ": add it to benchmarks.yaml in a rules directory");
		}
		report(c, RULE_BENCHMARK_UNKNOWN, sc->benchmark.pos, &ctx, &msg);
	}

	check_score_value(c, sc, &what);
	check_score_extra(c, sc, &what);
	check_score_date(c, sc, &what);

	/* A source id the model defines needs no further check. */
	if (is_set(&sc->source) && !looks_like_url(sc->source.s) && find_source(c->m, sc->source.s)) {
		/* nothing to report */
	} else if (is_set(&sc->source) && looks_like_url(sc->source.s)) {
		/* The URL rules, as check_citation() runs them, without its description. */
		struct finding_context ctx = score_context(c, sc, "source", sc->source.s);

		check_url(c, sc->source.s, sc->source.pos, &ctx);
	} else if (is_set(&sc->source)) {
		struct finding_context ctx = score_context(c, sc, "source", sc->source.s);
		struct buf cite = BUF_INIT;

		buf_addf(&cite, "score of %s", score_what(&what));
		check_citation(c, &sc->source, cite.ptr, &ctx);
		buf_release(&cite);
	} else if (!(sc->source.present && !sc->source.s)) {
		struct finding_context ctx = score_context(c, sc, "source", NULL);

		buf_reset(&msg);
		buf_addf(&msg, "score of %s has no source", score_what(&what));
		report(c, RULE_SCORE_MISSING_SOURCE, sc->pos, &ctx, &msg);
	}
	buf_release(&what.text);
	buf_release(&msg);
}

/*
 * The identity of a score within its model: canonical benchmark
 * (normalised), variant and resolved source, joined by a separator that
 * registry text is unlikely to contain.
 */
struct score_key {
	char *key;
	size_t index;
};

static int compare_score_keys(const void *a, const void *b)
{
	const struct score_key *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* score-duplicate: sorts the entries by identity so each repeat is found once. */
static void check_duplicate_scores(const struct checker *c)
{
	const struct model *m = c->m;
	struct score_key *keys;
	struct buf key = BUF_INIT, msg = BUF_INIT, what = BUF_INIT;
	size_t i, n = 0, first = 0;

	if (m->nscores < 2)
		return;
	keys = xcalloc(m->nscores, sizeof(*keys));
	for (i = 0; i < m->nscores; i++) {
		const struct score *sc = &m->scores[i];
		const char *source = resolve_source(m, sc);

		if (!is_set(&sc->benchmark) || !source)
			continue;
		buf_reset(&key);
		benchmark_name_normalise(&key, benchmark_name(c, sc));
		buf_addch(&key, '\x1f');
		buf_adds(&key, sc->variant.s ? sc->variant.s : "");
		buf_addch(&key, '\x1f');
		buf_adds(&key, source);
		keys[n].key = xstrdup(key.ptr);
		keys[n].index = i;
		n++;
	}
	qsort(keys, n, sizeof(*keys), compare_score_keys);

	for (i = 1; i < n; i++) {
		const struct score *sc, *earlier;
		struct finding_context ctx;

		if (strcmp(keys[i].key, keys[i - 1].key)) {
			first = i;
			continue;
		}
		sc = &m->scores[keys[i].index];
		earlier = &m->scores[keys[first].index];
		/*
		 * No value in the context: the finding falls on whichever entry
		 * comes later, so a value would change the fingerprint when the
		 * entries only swap places.
		 */
		ctx = score_context(c, sc, "benchmarks", NULL);
		buf_reset(&what);
		describe_score(&what, c, sc);
		buf_reset(&msg);
		buf_addf(&msg, "score of %s from source ", what.ptr);
		add_quoted(&msg, sc->source.s);
		buf_addf(&msg, " repeats the entry on line %u: keep one entry per "
			 "benchmark, variant and source", (unsigned)earlier->pos.line);
		report(c, RULE_SCORE_DUPLICATE, sc->pos, &ctx, &msg);
	}

	for (i = 0; i < n; i++)
		free(keys[i].key);
	free(keys);
	buf_release(&key);
	buf_release(&msg);
	buf_release(&what);
}

static void checker_init(struct checker *c, const struct model *m,
			 const struct ruleset *rs, struct finding_list *findings)
{
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->rs = rs;
	c->findings = findings;
	c->has_today = rs && date_parse(rs->today, &c->today) == 0;
}

void checks_model(const struct model *m, const struct ruleset *rs,
		  struct finding_list *findings)
{
	struct url_verdicts urls = { NULL, 0, 0 };
	struct checker c;
	struct finding_context ctx;
	size_t i;

	checker_init(&c, m, rs, findings);
	c.urls = &urls;

	ctx = model_context(&c, "released", m->released.s);
	if (check_date(&c, &m->released, "the released date", 0, &ctx, &c.released) == 0)
		c.has_released = 1;

	check_sources(&c);
	check_specs(&c);
	check_quantizations(&c);
	for (i = 0; i < m->nscores; i++)
		check_score(&c, &m->scores[i]);
	check_duplicate_scores(&c);

	for (i = 0; i < urls.nr; i++)
		url_verdict_release(&urls.items[i]);
	free(urls.items);
}

/* Rules across models */

struct model_ref {
	const char *id;
	size_t index;
};

static int compare_model_refs(const void *a, const void *b)
{
	const struct model_ref *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	if (r)
		return r;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int compare_ids_only(const void *a, const void *b)
{
	const struct model_ref *x = a, *y = b;

	return strcmp(x->id, y->id);
}

static void describe_place(struct buf *out, const struct model *here,
			   const struct model *there, struct pos pos)
{
	if (!strcmp(here->path, there->path)) {
		buf_addf(out, "line %u", (unsigned)pos.line);
		return;
	}
	buf_adds_escaped(out, there->path);
	buf_addf(out, ":%u", (unsigned)pos.line);
}

/*
 * model-duplicate-id, and model-unknown-base when bases is set, on the
 * models sorted by id.
 */
static void check_model_ids(const struct registry *reg, const struct ruleset *rs,
			    int bases, struct finding_list *findings)
{
	struct model_ref *refs = xcalloc(reg->nr + 1, sizeof(*refs));
	const char **ids = xcalloc(reg->nr + 1, sizeof(*ids));
	struct buf msg = BUF_INIT;
	size_t i, n = 0, first = 0;

	for (i = 0; i < reg->nr; i++) {
		if (!is_set(&reg->models[i]->id))
			continue;
		refs[n].id = reg->models[i]->id.s;
		refs[n].index = i;
		n++;
	}
	qsort(refs, n, sizeof(*refs), compare_model_refs);

	for (i = 0; i < n; i++) {
		const struct model *m = reg->models[refs[i].index];
		const struct model *earlier;
		struct checker c;
		struct finding_context ctx;

		ids[i] = refs[i].id;
		if (!i || strcmp(refs[i].id, refs[i - 1].id)) {
			first = i;
			continue;
		}
		earlier = reg->models[refs[first].index];
		checker_init(&c, m, rs, findings);
		ctx = model_context(&c, "id", m->id.s);
		buf_reset(&msg);
		buf_adds(&msg, "model id ");
		add_quoted(&msg, m->id.s);
		buf_adds(&msg, " is already used on ");
		describe_place(&msg, m, earlier, earlier->id.pos);
		buf_adds(&msg, ": give each model its own id");
		report(&c, RULE_MODEL_DUPLICATE_ID, m->id.pos, &ctx, &msg);
	}

	for (i = 0; bases && i < reg->nr; i++) {
		const struct model *m = reg->models[i];
		struct model_ref probe;
		struct checker c;
		struct finding_context ctx;
		const char *suggestion;

		if (!is_set(&m->base_model))
			continue;
		probe.id = m->base_model.s;
		probe.index = 0;
		if (n && bsearch(&probe, refs, n, sizeof(*refs), compare_ids_only))
			continue;
		checker_init(&c, m, rs, findings);
		ctx = model_context(&c, "base_model", m->base_model.s);
		suggestion = nearest_word(m->base_model.s, ids, n);
		buf_reset(&msg);
		buf_adds(&msg, "base_model ");
		add_quoted(&msg, m->base_model.s);
		buf_adds(&msg, " names no model of the registry");
		if (suggestion) {
			buf_adds(&msg, " (did you mean ");
			add_quoted(&msg, suggestion);
			buf_adds(&msg, "?)");
		} else {
			buf_adds(&msg, ": add that model or correct the id");
		}
		report(&c, RULE_MODEL_UNKNOWN_BASE, m->base_model.pos, &ctx, &msg);
	}

	buf_release(&msg);
	free(ids);
	free(refs);
}

/*
 * score-suspect-interpolated. A value that sits exactly halfway between
 * the values of a smaller and a larger sibling (same family, benchmark and
 * variant) is what interpolating by size produces.
 *
 * Entries are grouped by family, benchmark and variant through a hash
 * table and sorted by value within a group, so the partner of each smaller
 * sibling is found by binary search. This pass runs on one thread over
 * every score of the registry. So checks_prepare_model() works out each
 * score's group hash and value while its model is built, and the pass
 * compares strings only within groups of three or more.
 */
struct sized_score {
	uint32_t seq;		/* order of collection, to keep sorts stable */
	const struct sibling_key *key;
	const struct model *m;
};

void checks_prepare_model(struct model *m, const struct ruleset *rs)
{
	const struct spec *total = find_spec(m, "total_params");
	struct checker c;
	struct buf group = BUF_INIT;
	size_t j, n = 0;

	m->siblings = NULL;
	m->nsiblings = 0;
	if (!is_set(&m->family) || !total || !total->value.s ||
	    count_parse(total->value.s, 0, &m->size) < 0 || !m->nscores)
		return;
	checker_init(&c, m, rs, NULL);
	m->siblings = arena_alloc(&m->arena, xmul(m->nscores, sizeof(*m->siblings)));
	for (j = 0; j < m->nscores; j++) {
		const struct score *sc = &m->scores[j];
		struct sibling_key *k = &m->siblings[n];

		if (!is_set(&sc->benchmark) || !sc->value.s ||
		    decimal_parse(sc->value.s, &k->value, &k->decimals) < 0)
			continue;
		k->pos = sc->value.pos;
		k->text = sc->value.s;
		k->benchmark = benchmark_name(&c, sc);
		k->variant = sc->variant.s;
		k->source = resolve_source(m, sc);
		buf_reset(&group);
		buf_adds(&group, m->family.s);
		buf_addch(&group, '\x1f');
		benchmark_name_normalise(&group, k->benchmark);
		buf_addch(&group, '\x1f');
		buf_adds(&group, k->variant ? k->variant : "");
		k->hash = text_hash(group.ptr, group.len);
		n++;
	}
	m->nsiblings = n;
	buf_release(&group);
}

/*
 * Numbers the distinct group hashes. Two groups whose hashes are equal
 * share a number; the rule then compares their keys to split them.
 */
struct group_table {
	struct group_slot {
		uint64_t hash;
		uint32_t id;
		uint32_t used;
	} *slots;
	size_t mask;
	uint32_t count;
};

static void group_table_grow(struct group_table *t)
{
	size_t n = t->slots ? (t->mask + 1) * 2 : 1024, i;
	struct group_slot *slots = xcalloc(n, sizeof(*slots));

	for (i = 0; t->slots && i <= t->mask; i++) {
		size_t j;

		if (!t->slots[i].used)
			continue;
		for (j = t->slots[i].hash & (n - 1); slots[j].used; j = (j + 1) & (n - 1))
			;
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->mask = n - 1;
}

static uint32_t group_table_id(struct group_table *t, uint64_t h)
{
	size_t i;

	if (!t->slots || (size_t)t->count * 2 >= t->mask)
		group_table_grow(t);
	for (i = h & t->mask; t->slots[i].used; i = (i + 1) & t->mask)
		if (t->slots[i].hash == h)
			return t->slots[i].id;
	t->slots[i].used = 1;
	t->slots[i].hash = h;
	t->slots[i].id = t->count;
	return t->count++;
}

/* The group hashes a pass is limited to: n of them, sorted. */
struct group_filter {
	const uint64_t *hashes;
	size_t n;
};

static int filter_has(const struct group_filter *filter, uint64_t h)
{
	size_t lo = 0, hi = filter->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (filter->hashes[mid] == h)
			return 1;
		if (filter->hashes[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

#define NO_GROUP UINT32_MAX

/*
 * Collects the prepared scores of every model (of the groups of filter
 * only, when not NULL), ordered by the number of their group's hash and,
 * within a group, in the order of the registry (a counting sort). Sets
 * *starts to the offset of each group's first entry (groups->count + 1
 * entries) and returns the number of entries.
 */
static size_t collect_sized_scores(struct sized_score **out, size_t **starts,
				   const struct registry *reg, struct group_table *groups,
				   const struct group_filter *filter)
{
	struct sized_score *sorted;
	uint32_t *ids;
	size_t *next, *first;
	size_t n = 0, total = 0, sum = 0, i, j;

	for (i = 0; i < reg->nr; i++)
		total += reg->models[i]->nsiblings;
	ids = xcalloc(total ? total : 1, sizeof(*ids));
	for (i = 0; i < reg->nr; i++) {
		for (j = 0; j < reg->models[i]->nsiblings; j++) {
			uint64_t h = reg->models[i]->siblings[j].hash;

			if (filter && !filter_has(filter, h))
				ids[n++] = NO_GROUP;
			else
				ids[n++] = group_table_id(groups, h);
		}
	}

	next = xcalloc((size_t)groups->count + 1, sizeof(*next));
	first = xcalloc((size_t)groups->count + 1, sizeof(*first));
	for (i = 0; i < n; i++)
		if (ids[i] != NO_GROUP)
			next[ids[i]]++;
	for (i = 0; i < groups->count; i++) {
		size_t count = next[i];

		first[i] = next[i] = sum;
		sum += count;
	}
	first[groups->count] = sum;

	sorted = xcalloc(sum ? sum : 1, sizeof(*sorted));
	n = 0;
	for (i = 0; i < reg->nr; i++) {
		const struct model *m = reg->models[i];

		for (j = 0; j < m->nsiblings; j++, n++) {
			struct sized_score *e;

			if (ids[n] == NO_GROUP)
				continue;
			e = &sorted[next[ids[n]]++];
			e->seq = (uint32_t)n;
			e->key = &m->siblings[j];
			e->m = m;
		}
	}
	free(ids);
	free(next);
	*out = sorted;
	*starts = first;
	return sum;
}

/* Orders by family, benchmark and variant, as grouped. */
static int compare_group(const struct sized_score *x, const struct sized_score *y)
{
	int r = strcmp(x->m->family.s, y->m->family.s);

	if (!r)
		r = benchmark_names_compare(x->key->benchmark, y->key->benchmark);
	if (!r)
		r = strcmp(x->key->variant ? x->key->variant : "",
			   y->key->variant ? y->key->variant : "");
	return r;
}

/* Orders by group, then value; equal values keep the order of collection. */
static int compare_key_value(const void *a, const void *b)
{
	const struct sized_score *x = a, *y = b;
	int r = compare_group(x, y);

	if (r)
		return r;
	if (x->key->value != y->key->value)
		return x->key->value < y->key->value ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Index of the first entry of [lo, hi) whose value is at least v. */
static size_t lower_bound(const struct sized_score *items, size_t lo, size_t hi, double v)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (items[mid].key->value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Looks for siblings a (smaller) and b (larger) in items[lo, hi) whose mean
 * rounds to e's value at the precision e is written with. Returns 1 and
 * sets *smaller and *larger when found.
 */
static int find_bracketing_mean(const struct sized_score *items, size_t lo, size_t hi,
				const struct sized_score *e,
				const struct sized_score **smaller,
				const struct sized_score **larger)
{
	/* Half a unit in the last printed digit, widened a little for binary rounding. */
	double half = 0.5 * pow(10, -e->key->decimals);
	double slack = half * (1 + 1e-9) + 1e-12;
	size_t i, j;

	for (i = lo; i < hi; i++) {
		const struct sized_score *a = &items[i];
		double want = 2 * e->key->value - a->key->value;

		if (a->m->size >= e->m->size)
			continue;
		/* |(a + b) / 2 - v| <= half  <=>  b within 2 * half of 2v - a. */
		for (j = lower_bound(items, lo, hi, want - 2 * slack);
		     j < hi && items[j].key->value <= want + 2 * slack; j++) {
			if (items[j].m->size <= e->m->size)
				continue;
			*smaller = a;
			*larger = &items[j];
			return 1;
		}
	}
	return 0;
}

static void add_sibling(struct buf *out, const struct sized_score *s)
{
	add_quoted(out, s->m->id.s ? s->m->id.s : "");
	buf_adds(out, " (");
	buf_adds_escaped(out, s->key->text);
	buf_addch(out, ')');
}

static void check_interpolated_siblings(const struct registry *reg,
					const struct ruleset *rs,
					const struct group_filter *filter,
					struct finding_list *findings)
{
	struct sized_score *sorted = NULL;
	struct group_table groups;
	struct buf msg = BUF_INIT, what = BUF_INIT;
	size_t n, g, lo, hi, i, *starts = NULL;

	memset(&groups, 0, sizeof(groups));
	n = collect_sized_scores(&sorted, &starts, reg, &groups, filter);
	if (n < 3)
		goto done;

	for (g = 0; g < groups.count; g++) {
		size_t end = starts[g + 1];

		if (end - starts[g] < 3)
			continue;
		qsort(sorted + starts[g], end - starts[g], sizeof(*sorted), compare_key_value);
		for (lo = starts[g]; lo < end; lo = hi) {
			for (hi = lo + 1; hi < end && !compare_group(&sorted[hi], &sorted[lo]); hi++)
				;
			if (hi - lo < 3)
				continue;
			for (i = lo; i < hi; i++) {
				const struct sized_score *e = &sorted[i], *a, *b;
				const struct sibling_key *k = e->key;
				struct checker c;
				struct finding_context ctx;

				if (!find_bracketing_mean(sorted, lo, hi, e, &a, &b))
					continue;
				checker_init(&c, e->m, rs, findings);
				/* The same context as score_context() gives the score. */
				ctx = model_context(&c, "score", k->text);
				set_score_fields(&ctx, k->benchmark, k->variant, k->source);
				buf_reset(&what);
				describe_benchmark(&what, k->benchmark, k->variant);
				buf_reset(&msg);
				buf_addf(&msg, "score %s of %s is the mean of its smaller sibling ",
					 k->text, what.ptr);
				add_sibling(&msg, a);
				buf_adds(&msg, " and its larger sibling ");
				add_sibling(&msg, b);
				buf_adds(&msg, ", as an interpolation would be: check that a source publishes it");
				report(&c, RULE_SCORE_SUSPECT_INTERPOLATED, k->pos, &ctx, &msg);
			}
		}
	}

done:
	free(groups.slots);
	free(sorted);
	free(starts);
	buf_release(&msg);
	buf_release(&what);
}

void checks_registry(const struct registry *reg, const struct ruleset *rs,
		     struct finding_list *findings)
{
	check_model_ids(reg, rs, 1, findings);
	check_interpolated_siblings(reg, rs, NULL, findings);
}

void checks_duplicate_ids(const struct registry *reg, const struct ruleset *rs,
			  struct finding_list *findings)
{
	check_model_ids(reg, rs, 0, findings);
}

void checks_interpolated_groups(const struct registry *reg, const struct ruleset *rs,
				const uint64_t *hashes, size_t n,
				struct finding_list *findings)
{
	struct group_filter filter;

	if (!n)
		return;
	filter.hashes = hashes;
	filter.n = n;
	check_interpolated_siblings(reg, rs, &filter, findings);
}
