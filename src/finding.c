#include "finding.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "alloc.h"
#include "buf.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * Sets the message and the context of f in one allocation, message first,
 * which finding_clear() frees through f->message. A walk of a history
 * builds tens of thousands of findings, and when each took eight
 * allocations, they cost much of the time spent building and freeing them.
 */
static void set_text(struct finding *f, const char *message, size_t message_len,
		     const struct finding_context *ctx)
{
	const char *context[6];
	char **fields[6];
	size_t len[6], total = message_len + 1, i;
	char *p;

	context[0] = ctx->model;
	context[1] = ctx->benchmark;
	context[2] = ctx->variant;
	context[3] = ctx->source;
	context[4] = ctx->field;
	context[5] = ctx->value;
	fields[0] = &f->model;
	fields[1] = &f->benchmark;
	fields[2] = &f->variant;
	fields[3] = &f->source;
	fields[4] = &f->field;
	fields[5] = &f->value;
	for (i = 0; i < 6; i++) {
		len[i] = context[i] ? strlen(context[i]) : 0;
		if (context[i])
			total += len[i] + 1;
	}
	p = xmalloc(total);
	f->message = p;
	memcpy(p, message, message_len);
	p[message_len] = '\0';
	p += message_len + 1;
	for (i = 0; i < 6; i++) {
		*fields[i] = NULL;
		if (!context[i])
			continue;
		*fields[i] = p;
		memcpy(p, context[i], len[i] + 1);
		p += len[i] + 1;
	}
}

struct finding *finding_add(struct finding_list *list, enum rule_id rule,
			    const char *path, struct pos pos,
			    const struct finding_context *ctx,
			    const char *fmt, ...)
{
	static const struct finding_context none;
	struct finding *f;
	struct buf msg = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);

	XGROW(list->items, list->alloc, list->nr + 1);
	f = &list->items[list->nr++];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = rule_table[rule].severity;
	set_text(f, msg.ptr ? msg.ptr : "", msg.len, ctx ? ctx : &none);
	buf_release(&msg);
	f->path = xstrdup(path ? path : "");
	f->pos = pos;
	return f;
}

void finding_list_add_copy(struct finding_list *list, const struct finding *src)
{
	const struct finding_context ctx = {
		src->model, src->benchmark, src->variant, src->source, src->field, src->value
	};
	struct finding *f;

	XGROW(list->items, list->alloc, list->nr + 1);
	f = &list->items[list->nr++];
	*f = *src;
	set_text(f, src->message ? src->message : "",
		 src->message ? strlen(src->message) : 0, &ctx);
	f->path = dup_or_null(src->path);
}

void finding_list_move(struct finding_list *dst, struct finding_list *src)
{
	XGROW(dst->items, dst->alloc, dst->nr + src->nr);
	if (src->nr)
		memcpy(dst->items + dst->nr, src->items, src->nr * sizeof(*src->items));
	dst->nr += src->nr;
	src->nr = 0;
}

void finding_clear(struct finding *f)
{
	free(f->message);	/* and the context with it */
	free(f->path);
}

void finding_list_release(struct finding_list *list)
{
	size_t i;

	for (i = 0; i < list->nr; i++)
		finding_clear(&list->items[i]);
	free(list->items);
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}

/*
 * The fingerprint is the first 128 bits of SHA-256 over the rule id and the
 * finding's context, each followed by a NUL (absent parts hash as "\x01").
 * Findings without a model (file-level problems) hash the path and message
 * instead, since nothing else identifies them. Line numbers never enter it.
 * ctx is reset here, so one context serves a whole list.
 */
static void fingerprint_with(struct finding *f, EVP_MD_CTX *ctx, const EVP_MD *sha256)
{
	static const char hex[] = "0123456789abcdef";
	const char *parts[8];
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	size_t i, n = 0;

	parts[n++] = rule_table[f->rule].id;
	if (f->model) {
		parts[n++] = f->model;
	} else {
		parts[n++] = f->path;
		parts[n++] = f->message;
	}
	parts[n++] = f->benchmark;
	parts[n++] = f->variant;
	parts[n++] = f->source;
	parts[n++] = f->field;
	parts[n++] = f->value;

	EVP_DigestInit_ex(ctx, sha256, NULL);
	for (i = 0; i < n; i++) {
		if (parts[i])
			EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
		else
			EVP_DigestUpdate(ctx, "\x01", 2);
	}
	EVP_DigestFinal_ex(ctx, digest, &digest_len);

	for (i = 0; i < 16; i++) {
		f->fingerprint[2 * i] = hex[digest[i] >> 4];
		f->fingerprint[2 * i + 1] = hex[digest[i] & 15];
	}
	f->fingerprint[32] = '\0';
}

/*
 * The hashing state for fingerprints. With EVP_sha256(), OpenSSL 3 fetches
 * the implementation again on every init (crypto(7), "Implicit fetching"),
 * so a list fetches it once and passes it to each init.
 */
struct fingerprinter {
	EVP_MD_CTX *ctx;
	EVP_MD *sha256;
};

static void fingerprinter_init(struct fingerprinter *fp)
{
	fp->ctx = EVP_MD_CTX_new();
	fp->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!fp->ctx || !fp->sha256)
		xmalloc((size_t)-1);	/* reports out of memory and exits */
}

static void fingerprinter_release(struct fingerprinter *fp)
{
	EVP_MD_CTX_free(fp->ctx);
	EVP_MD_free(fp->sha256);
}

void finding_fingerprint(struct finding *f)
{
	struct fingerprinter fp;

	fingerprinter_init(&fp);
	fingerprint_with(f, fp.ctx, fp.sha256);
	fingerprinter_release(&fp);
}

static int compare_findings(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->pos.line != y->pos.line)
		return x->pos.line < y->pos.line ? -1 : 1;
	if (x->pos.column != y->pos.column)
		return x->pos.column < y->pos.column ? -1 : 1;
	c = strcmp(rule_table[x->rule].id, rule_table[y->rule].id);
	if (c)
		return c;
	return strcmp(x->message, y->message);
}

void finding_list_finish(struct finding_list *list,
			 const enum severity *severity_by_rule)
{
	struct fingerprinter fp;
	size_t i, kept = 0;

	if (!list->nr)
		return;
	fingerprinter_init(&fp);
	for (i = 0; i < list->nr; i++) {
		struct finding *f = &list->items[i];

		if (severity_by_rule)
			f->severity = severity_by_rule[f->rule];
		if (f->severity == SEVERITY_OFF) {
			finding_clear(f);
			continue;
		}
		fingerprint_with(f, fp.ctx, fp.sha256);
		list->items[kept++] = *f;
	}
	fingerprinter_release(&fp);
	list->nr = kept;
	finding_list_sort(list);
}

void finding_list_sort(struct finding_list *list)
{
	if (list->nr > 1)
		qsort(list->items, list->nr, sizeof(*list->items), compare_findings);
}

size_t finding_list_count(const struct finding_list *list, enum severity min)
{
	size_t i, n = 0;

	for (i = 0; i < list->nr; i++)
		if (list->items[i].severity >= min)
			n++;
	return n;
}
