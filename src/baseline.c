#include "baseline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "alloc.h"
#include "report.h"

/* Baseline files larger than this are rejected. */
#define BASELINE_MAX_SIZE ((size_t)64 * 1024 * 1024)

static int is_fingerprint(const char *s)
{
	size_t i;

	for (i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[32] == '\0';
}

static int compare_entries(const void *a, const void *b)
{
	const struct baseline_entry *x = a, *y = b;

	return strcmp(x->fingerprint, y->fingerprint);
}

static struct baseline_entry *find_entry(struct baseline *b, const char *fingerprint)
{
	struct baseline_entry key;

	memcpy(key.fingerprint, fingerprint, sizeof(key.fingerprint));
	return bsearch(&key, b->items, b->nr, sizeof(*b->items), compare_entries);
}

/* Merges entries with the same fingerprint into one with their count. */
static void merge_duplicates(struct baseline *b)
{
	size_t i, kept = 0;

	if (b->nr > 1)
		qsort(b->items, b->nr, sizeof(*b->items), compare_entries);
	for (i = 0; i < b->nr; i++) {
		if (kept && !strcmp(b->items[kept - 1].fingerprint, b->items[i].fingerprint)) {
			b->items[kept - 1].count += b->items[i].count;
			continue;
		}
		b->items[kept++] = b->items[i];
	}
	b->nr = kept;
}

int baseline_parse(struct baseline *b, const char *path, const char *text,
		   size_t len, struct buf *err)
{
	json_error_t jerr;
	json_t *doc, *version, *list, *item;
	size_t i;
	int ret = BASELINE_INVALID;

	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		buf_setf(err, "%s:%d:%d: invalid baseline: %s", path, jerr.line, jerr.column, jerr.text);
		return BASELINE_INVALID;
	}
	version = json_is_object(doc) ? json_object_get(doc, "version") : NULL;
	if (!json_is_integer(version) || json_integer_value(version) != 1) {
		buf_setf(err, "%s: not a modelaudit baseline of version 1: write one with 'modelaudit check --write-baseline %s'",
			 path, path);
		goto done;
	}
	list = json_object_get(doc, "findings");
	if (!json_is_array(list)) {
		buf_setf(err, "%s: invalid baseline: 'findings' must be a list", path);
		goto done;
	}
	json_array_foreach(list, i, item) {
		json_t *fingerprint = json_is_object(item) ? json_object_get(item, "fingerprint") : NULL;
		struct baseline_entry *e;

		if (!json_is_string(fingerprint) || !is_fingerprint(json_string_value(fingerprint))) {
			buf_setf(err, "%s: invalid baseline: finding %zu has no fingerprint of 32 lower-case hex digits",
				 path, i + 1);
			goto done;
		}
		XGROW(b->items, b->alloc, b->nr + 1);
		e = &b->items[b->nr++];
		memcpy(e->fingerprint, json_string_value(fingerprint), sizeof(e->fingerprint));
		e->count = 1;
		e->matched = 0;
	}
	merge_duplicates(b);
	ret = 0;

done:
	json_decref(doc);
	return ret;
}

int baseline_read(struct baseline *b, const char *path, struct buf *err)
{
	struct buf text = BUF_INIT;
	int ret;

	text.cap = BASELINE_MAX_SIZE;
	if (buf_read_file(&text, path, err) < 0) {
		buf_release(&text);
		return BASELINE_ERROR;
	}
	ret = baseline_parse(b, path, text.ptr, text.len, err);
	buf_release(&text);
	return ret;
}

static int is_recorded(const struct finding *f)
{
	return !(rule_table[f->rule].flags & RULE_MANDATORY);
}

static int compare_or_null(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/*
 * The file lists findings by path, model, rule and fingerprint, not by
 * line, so that moving lines around leaves the file as it was.
 */
static int compare_for_file(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a;
	const struct finding *y = *(const struct finding *const *)b;
	int c = strcmp(x->path, y->path);

	if (!c)
		c = compare_or_null(x->model, y->model);
	if (!c)
		c = strcmp(rule_table[x->rule].id, rule_table[y->rule].id);
	if (!c)
		c = strcmp(x->fingerprint, y->fingerprint);
	return c;
}

void baseline_format(struct buf *out, const struct finding_list *findings)
{
	const struct finding **sorted;
	json_t *doc = json_object(), *list = json_array();
	size_t i, n = 0;
	char *text;

	sorted = xcalloc(findings->nr + 1, sizeof(*sorted));
	for (i = 0; i < findings->nr; i++)
		if (is_recorded(&findings->items[i]))
			sorted[n++] = &findings->items[i];
	if (n > 1)
		qsort(sorted, n, sizeof(*sorted), compare_for_file);

	json_object_set_new(doc, "version", json_integer(1));
	for (i = 0; i < n; i++) {
		const struct finding *f = sorted[i];
		json_t *entry = json_object();

		json_object_set_new(entry, "fingerprint", json_string(f->fingerprint));
		json_object_set_new(entry, "rule", json_string(rule_table[f->rule].id));
		json_object_set_new(entry, "path", report_json_string(f->path));
		if (f->model)
			json_object_set_new(entry, "model", report_json_string(f->model));
		json_object_set_new(entry, "message", report_json_escaped_string(f->message));
		json_array_append_new(list, entry);
	}
	json_object_set_new(doc, "findings", list);

	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (!text)
		xmalloc((size_t)-1);	/* jansson failed to allocate: exits */
	buf_adds(out, text);
	buf_addch(out, '\n');
	free(text);
	json_decref(doc);
	free(sorted);
}

int baseline_write(const char *path, const struct finding_list *findings,
		   struct buf *err)
{
	struct buf text = BUF_INIT, tmp = BUF_INIT;
	FILE *out = NULL;
	mode_t mask;
	size_t written;
	int fd, ret = BASELINE_ERROR;

	baseline_format(&text, findings);

	/* Write next to the target and rename, so a reader never sees half a file. */
	buf_setf(&tmp, "%s.XXXXXX", path);
	fd = mkstemp(tmp.ptr);
	if (fd < 0) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0 || !(out = fdopen(fd, "w"))) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(tmp.ptr);
		goto done;
	}
	written = fwrite(text.ptr, 1, text.len, out);
	if (fclose(out) != 0 || written != text.len) {
		buf_setf(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp.ptr);
		goto done;
	}
	if (rename(tmp.ptr, path) < 0) {
		buf_setf(err, "cannot rename %s to %s: %s", tmp.ptr, path, strerror(errno));
		unlink(tmp.ptr);
		goto done;
	}
	ret = 0;

done:
	buf_release(&text);
	buf_release(&tmp);
	return ret;
}

size_t baseline_filter(struct baseline *b, struct finding_list *findings)
{
	size_t i, kept = 0, hidden = 0;

	for (i = 0; i < findings->nr; i++) {
		struct finding *f = &findings->items[i];
		struct baseline_entry *e = is_recorded(f) ? find_entry(b, f->fingerprint) : NULL;

		if (e && e->matched < e->count) {
			e->matched++;
			hidden++;
			finding_clear(f);
			continue;
		}
		findings->items[kept++] = *f;
	}
	findings->nr = kept;
	return hidden;
}

void baseline_release(struct baseline *b)
{
	free(b->items);
	b->items = NULL;
	b->nr = 0;
	b->alloc = 0;
}
