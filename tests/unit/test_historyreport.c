#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>
#include <jansson.h>

#include "alloc.h"
#include "buf.h"
#include "historyreport.h"
#include "report.h"

/*
 * The writer must print what jansson prints for the same document built
 * as one tree, which the functions below build.
 */

static json_t *tree_string(const char *s)
{
	return s ? report_json_string(s) : json_null();
}

static json_t *tree_oid(const git_oid *oid)
{
	return oid ? json_string(git_oid_tostr_s(oid)) : json_null();
}

static json_t *tree_change(const struct change *c)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "op", json_string(change_op_name(c->op)));
	json_object_set_new(obj, "kind", json_string(change_kind_name(c->kind)));
	json_object_set_new(obj, "model", tree_string(c->model));
	if (c->kind == CHANGE_SCORE) {
		json_object_set_new(obj, "benchmark", tree_string(c->benchmark));
		json_object_set_new(obj, "variant", tree_string(c->variant));
	}
	if (c->kind == CHANGE_SOURCE)
		json_object_set_new(obj, "source", tree_string(c->source));
	if (c->field) {
		struct buf name = BUF_INIT;

		buf_adds(&name, c->field);
		if (c->subfield)
			buf_addf(&name, ".%s", c->subfield);
		json_object_set_new(obj, "field", tree_string(name.ptr));
		buf_release(&name);
	}
	if (c->op != CHANGE_ADDED)
		json_object_set_new(obj, "old", tree_string(c->old));
	if (c->op != CHANGE_REMOVED)
		json_object_set_new(obj, "new", tree_string(c->new));
	json_object_set_new(obj, "path", tree_string(c->path));
	json_object_set_new(obj, "line", json_integer(c->pos.line));
	return obj;
}

static json_t *tree_findings(const struct finding_list *list)
{
	json_t *array = json_array();
	size_t i;

	for (i = 0; i < list->nr; i++)
		json_array_append_new(array, report_finding_json(&list->items[i]));
	return array;
}

static json_t *tree_step(const struct history_step *step)
{
	json_t *obj = json_object(), *parents = json_array(), *changes = json_array();
	struct buf text = BUF_INIT;
	size_t i;

	json_object_set_new(obj, "commit", tree_oid(step->id));
	if (step->commit && step->ncommits <= 1) {
		for (i = 0; i < git_commit_parentcount(step->commit); i++)
			json_array_append_new(parents, tree_oid(git_commit_parent_id(step->commit,
										    (unsigned)i)));
	} else if (step->parent) {
		json_array_append_new(parents, tree_oid(step->parent));
	}
	json_object_set_new(obj, "parents", parents);
	if (step->commit) {
		const git_signature *author = git_commit_author(step->commit);

		report_sanitize(&text, author->name);
		buf_adds(&text, " <");
		report_sanitize(&text, author->email);
		buf_addch(&text, '>');
		json_object_set_new(obj, "author", json_string(text.ptr));
		buf_reset(&text);
		history_format_time(&text, author->when.time);
		json_object_set_new(obj, "date", json_string(text.ptr));
		json_object_set_new(obj, "subject",
				    tree_string(git_commit_summary((git_commit *)step->commit)));
	} else {
		json_object_set_new(obj, "author", json_null());
		json_object_set_new(obj, "date", json_null());
		json_object_set_new(obj, "subject", tree_string(step->label));
	}
	if (step->ncommits > 1)
		json_object_set_new(obj, "commits", json_integer((json_int_t)step->ncommits));
	for (i = 0; i < step->changes.nr; i++)
		json_array_append_new(changes, tree_change(&step->changes.items[i]));
	json_object_set_new(obj, "changes", changes);
	json_object_set_new(obj, "introduced", tree_findings(&step->introduced));
	json_object_set_new(obj, "fixed", tree_findings(&step->fixed));
	buf_release(&text);
	return obj;
}

/* Returns the document dumped as one jansson tree, with the final newline. */
static char *tree_document(const struct history_step *steps, size_t n,
			   const struct history_range *range)
{
	json_t *doc = json_object(), *range_obj = json_object(), *commits = json_array();
	char *text;
	size_t i, len;

	for (i = 0; i < n; i++)
		json_array_append_new(commits, tree_step(&steps[i]));
	json_object_set_new(range_obj, "from", tree_oid(range->has_from ? &range->from : NULL));
	json_object_set_new(range_obj, "to", tree_oid(range->has_to ? &range->to : NULL));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "range", range_obj);
	json_object_set_new(doc, "commits", commits);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (!text)
		return NULL;
	len = strlen(text);
	text = realloc(text, len + 2);
	if (text) {
		text[len] = '\n';
		text[len + 1] = '\0';
	}
	return text;
}

/* Replaces the contents of out with the contents of f. */
static void read_back(struct buf *out, FILE *f)
{
	char chunk[4096];
	size_t n;

	buf_reset(out);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
}

/* Appends a change of each kind and op, with values that need escapes and values left out. */
static void add_changes(struct change_list *list)
{
	static const struct change changes[] = {
		{ .op = CHANGE_ADDED, .kind = CHANGE_MODEL, .model = "acme-7b",
		  .new = "acme-7b", .path = "data/models.yaml", .pos = { 2, 7 } },
		{ .op = CHANGE_RENAMED, .kind = CHANGE_MODEL, .model = "acme-8b",
		  .old = "acme-7b", .new = "acme-8b", .path = "data/models.yaml" },
		{ .op = CHANGE_CHANGED, .kind = CHANGE_SCORE, .model = "acme-7b",
		  .benchmark = "MM\x1b[31mLU", .variant = "5-shot \"cot\"", .field = "score",
		  .old = "0.79", .new = "0.794", .path = "data/models.yaml", .pos = { 29, 9 } },
		{ .op = CHANGE_ADDED, .kind = CHANGE_SCORE, .model = "acme-7b",
		  .benchmark = "GPQA \xE2\x80\x94 diamond", .new = "41.5",
		  .path = "data/a\\b.yaml", .pos = { 31, 9 } },
		{ .op = CHANGE_REMOVED, .kind = CHANGE_SOURCE, .model = "acme-7b",
		  .source = "card", .old = "https://acme.org/card\xFF", .path = "data/models.yaml" },
		{ .op = CHANGE_CHANGED, .kind = CHANGE_SPEC, .model = "acme-7b",
		  .field = "total_params", .subfield = "source", .old = NULL, .new = "card",
		  .path = "data/models.yaml", .pos = { 12, 5 } },
		{ .op = CHANGE_CHANGED, .kind = CHANGE_FIELD, .model = "acme-7b",
		  .field = "name", .old = "Acme\t7B", .new = "Acme 7B\x7f", .path = NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		XGROW(list->items, list->alloc, list->nr + 1);
		list->items[list->nr++] = changes[i];
	}
}

/*
 * Fills a step with one introduced finding and, every third step, a
 * fixed one and the changes of add_changes(), whose text needs escapes.
 */
static void fill_step(struct history_step *step, size_t k)
{
	struct finding_context ctx = { 0 };
	struct pos pos = { 3, 9 };

	ctx.model = "acme-7b";
	ctx.benchmark = "MMLU";
	if (k % 2)
		ctx.variant = "5-shot";
	finding_add(&step->introduced, RULE_SCORE_MISSING_DATE, "data/models.yaml", pos,
		    &ctx, "score of MMLU has no publication date (step %zu)", k);
	if (k % 3 == 0) {
		finding_add(&step->fixed, RULE_URL_INSECURE, "data/\x1b[31mmodels.yaml", pos,
			    NULL, "insecure URL 'http://acme.org/\"card\"\\'");
		add_changes(&step->changes);
	}
	finding_list_finish(&step->introduced, NULL);
	finding_list_finish(&step->fixed, NULL);
}

/* A snapshot step against parent, as for the working tree or the index. */
static void make_snapshot_step(struct history_step *step, const git_oid *parent, size_t k)
{
	memset(step, 0, sizeof(*step));
	step->label = k % 2 ? "index" : "working tree";
	step->parent = parent;
	fill_step(step, k);
}

static void release_step(struct history_step *step)
{
	finding_list_release(&step->introduced);
	finding_list_release(&step->fixed);
	free(step->changes.items);
}

/* Writes steps with history_json_add() and checks the text against tree_document(). */
static void check_document(const struct history_step *steps, size_t n,
			   const struct history_range *range)
{
	struct history_json j;
	struct buf printed = BUF_INIT;
	FILE *f = tmpfile();
	char *expected;
	size_t i;

	CHECK(f != NULL);
	if (!f)
		return;
	history_json_init(&j, f, range);
	for (i = 0; i < n; i++)
		history_json_add(&j, &steps[i]);
	CHECK_INT(history_json_finish(&j), 0);
	history_json_release(&j);
	read_back(&printed, f);
	fclose(f);

	expected = tree_document(steps, n, range);
	CHECK_STR(printed.ptr, expected);
	free(expected);
	buf_release(&printed);
}

static void check_snapshot_steps(size_t n)
{
	struct history_step steps[5];
	struct history_range range;
	size_t i;

	memset(steps, 0, sizeof(steps));
	memset(&range, 0, sizeof(range));
	memset(&range.to, 0xab, sizeof(range.to));
	range.has_to = 1;
	for (i = 0; i < n; i++)
		make_snapshot_step(&steps[i], &range.to, i);
	check_document(steps, n, &range);
	for (i = 0; i < n; i++)
		release_step(&steps[i]);
}

static void test_json_document_without_steps(void)
{
	check_snapshot_steps(0);
}

static void test_json_document_of_one_step(void)
{
	check_snapshot_steps(1);
}

static void test_json_document_of_several_steps(void)
{
	check_snapshot_steps(5);
}

/* Writes a commit of the empty tree with parents into repo. */
static int make_commit(git_oid *id, git_repository *repo, const git_signature *author,
		       const char *message, const git_commit **parents, size_t nparents)
{
	git_treebuilder *builder = NULL;
	git_tree *tree = NULL;
	git_oid tree_id;
	int ret;

	ret = git_treebuilder_new(&builder, repo, NULL);
	if (!ret)
		ret = git_treebuilder_write(&tree_id, builder);
	if (!ret)
		ret = git_tree_lookup(&tree, repo, &tree_id);
	if (!ret)
		ret = git_commit_create(id, repo, NULL, author, author, NULL, message, tree,
					nparents, parents);
	git_tree_free(tree);
	git_treebuilder_free(builder);
	return ret;
}

/*
 * Commits kept in memory: a root commit whose author and subject need
 * escapes, a second root and a merge of the two. Steps report the
 * first, the merge, and a range of several commits.
 */
static void test_json_document_of_commits(void)
{
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_odb_backend *mempack = NULL;
	git_signature *author = NULL, *plain = NULL;
	git_commit *commits[3] = { NULL, NULL, NULL };
	git_oid ids[3];
	struct history_step steps[3];
	struct history_range range;
	size_t i;

	CHECK(git_repository_new(&repo) == 0);
	CHECK(git_odb_new(&odb) == 0);
	CHECK(git_mempack_new(&mempack) == 0);
	CHECK(git_odb_add_backend(odb, mempack, 1) == 0);
	git_repository_set_odb(repo, odb);
	CHECK(git_signature_new(&author, "Ev\x1b[31mil \"Q\" \\ \xC2\x9B",
				"e\x1b]0;x\x07@x", 1720634132, 120) == 0);
	CHECK(git_signature_new(&plain, "Ann", "ann@example.org", 1720000000, 0) == 0);
	CHECK(make_commit(&ids[0], repo, author,
			  "add \"acme\" \\ \x1b[2J\xC2\x9B\n\nbody\n", NULL, 0) == 0);
	CHECK(make_commit(&ids[1], repo, plain, "second root\n", NULL, 0) == 0);
	for (i = 0; i < 2; i++)
		CHECK(git_commit_lookup(&commits[i], repo, &ids[i]) == 0);
	CHECK(make_commit(&ids[2], repo, plain, "merge", (const git_commit **)commits, 2) == 0);
	CHECK(git_commit_lookup(&commits[2], repo, &ids[2]) == 0);
	if (!commits[0] || !commits[1] || !commits[2])
		goto done;

	memset(steps, 0, sizeof(steps));
	steps[0].commit = commits[0];
	steps[0].id = &ids[0];
	steps[0].ncommits = 1;
	steps[1].commit = commits[2];
	steps[1].id = &ids[2];
	steps[1].parent = &ids[0];
	steps[1].ncommits = 1;
	steps[2].commit = commits[2];
	steps[2].id = &ids[2];
	steps[2].parent = &ids[1];
	steps[2].ncommits = 3;
	for (i = 0; i < 3; i++)
		fill_step(&steps[i], i);

	memset(&range, 0, sizeof(range));
	git_oid_cpy(&range.from, &ids[1]);
	range.has_from = 1;
	git_oid_cpy(&range.to, &ids[2]);
	range.has_to = 1;
	check_document(steps, 3, &range);
	range.has_from = 0;
	check_document(steps + 2, 1, &range);
	for (i = 0; i < 3; i++)
		release_step(&steps[i]);

done:
	for (i = 0; i < 3; i++)
		git_commit_free(commits[i]);
	git_signature_free(author);
	git_signature_free(plain);
	git_odb_free(odb);
	git_repository_free(repo);
}

/* A step long enough that its text is written out in several parts. */
static void test_json_document_of_long_step(void)
{
	struct history_step step;
	struct history_range range;
	size_t i;

	memset(&range, 0, sizeof(range));
	memset(&step, 0, sizeof(step));
	step.label = "working tree";
	for (i = 0; i < 400; i++)
		add_changes(&step.changes);
	check_document(&step, 1, &range);
	release_step(&step);
}

static void test_json_finish_reports_write_error(void)
{
	struct history_range range;
	struct history_json j;
	struct history_step step;
	FILE *full = fopen("/dev/full", "w");

	if (!full) {
		printf("#   /dev/full is not available: skipped\n");
		return;
	}
	memset(&range, 0, sizeof(range));
	history_json_init(&j, full, &range);
	make_snapshot_step(&step, NULL, 0);
	history_json_add(&j, &step);
	/* stdio buffers the text: the error shows when it is flushed. */
	CHECK(history_json_finish(&j) < 0 || fflush(full) != 0);
	fclose(full);
	release_step(&step);
	history_json_release(&j);
}

static void check_time(git_time_t t, const char *expected)
{
	struct buf text = BUF_INIT;

	history_format_time(&text, t);
	CHECK_STR(text.ptr, expected);
	buf_release(&text);
}

static void test_format_time_in_range_and_past(void)
{
	check_time(0, "1970-01-01T00:00:00Z");
	check_time(1720634132, "2024-07-10T17:55:32Z");
	check_time(-86400, "1969-12-31T00:00:00Z");
	check_time(99999999999999, "3170843-11-07T09:46:39Z");
	/* Past the years gmtime_r() converts: the epoch. */
	check_time(INT64_MAX, "1970-01-01T00:00:00Z");
	check_time(INT64_MIN, "1970-01-01T00:00:00Z");
}

int main(void)
{
	int done;

	/* git_oid_tostr_s() needs the library's thread state. */
	git_libgit2_init();
	RUN(test_json_document_without_steps);
	RUN(test_json_document_of_one_step);
	RUN(test_json_document_of_several_steps);
	RUN(test_json_document_of_commits);
	RUN(test_json_document_of_long_step);
	RUN(test_json_finish_reports_write_error);
	RUN(test_format_time_in_range_and_past);
	done = unit_done();
	git_libgit2_shutdown();
	return done;
}
