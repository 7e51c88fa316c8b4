#include "unit.h"

#include <stdlib.h>

#include <git2.h>
#include <jansson.h>

#include "buf.h"
#include "historyreport.h"

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

/*
 * A snapshot step against parent with one introduced finding and, every
 * third step, a fixed one whose text needs escapes.
 */
static void make_step(struct history_step *step, const git_oid *parent, size_t k)
{
	struct finding_context ctx = { 0 };
	struct pos pos = { 3, 9 };

	memset(step, 0, sizeof(*step));
	step->label = k % 2 ? "index" : "working tree";
	step->parent = parent;
	ctx.model = "acme-7b";
	ctx.benchmark = "MMLU";
	finding_add(&step->introduced, RULE_SCORE_MISSING_DATE, "data/models.yaml", pos,
		    &ctx, "score of MMLU has no publication date (step %zu)", k);
	if (k % 3 == 0)
		finding_add(&step->fixed, RULE_URL_INSECURE, "data/\x1b[31mmodels.yaml", pos,
			    NULL, "insecure URL 'http://acme.org/\"card\"'");
	finding_list_finish(&step->introduced, NULL);
	finding_list_finish(&step->fixed, NULL);
}

/* Returns the document dumped as one jansson tree, which the streamed writer must match. */
static char *whole_document(const struct history_step *steps, size_t n,
			    const struct history_range *range)
{
	json_t *doc = json_object(), *commits = json_array();
	char *text;
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(commits, history_step_json(&steps[i]));
	json_object_set_new(doc, "version", json_integer(1));
	json_object_set_new(doc, "range", history_range_json(range));
	json_object_set_new(doc, "commits", commits);
	text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return text;
}

static void check_steps(size_t n)
{
	struct history_step steps[5];
	struct history_range range;
	struct history_json j;
	struct buf printed = BUF_INIT, expected = BUF_INIT;
	FILE *f = tmpfile();
	char *whole;
	size_t i;

	memset(&range, 0, sizeof(range));
	memset(&range.to, 0xab, sizeof(range.to));
	range.has_to = 1;
	history_json_init(&j);
	for (i = 0; i < n; i++) {
		make_step(&steps[i], &range.to, i);
		history_json_add(&j, &steps[i]);
	}
	CHECK_INT(j.count, n);
	CHECK(f != NULL);
	if (f) {
		CHECK_INT(history_json_print(f, &j, &range), 0);
		read_back(&printed, f);
		fclose(f);
	}
	whole = whole_document(steps, n, &range);
	buf_adds(&expected, whole ? whole : "");
	buf_addch(&expected, '\n');
	CHECK_STR(printed.ptr, expected.ptr);

	free(whole);
	for (i = 0; i < n; i++) {
		finding_list_release(&steps[i].introduced);
		finding_list_release(&steps[i].fixed);
	}
	history_json_release(&j);
	buf_release(&printed);
	buf_release(&expected);
}

static void test_json_document_without_steps(void)
{
	check_steps(0);
}

static void test_json_document_of_one_step(void)
{
	check_steps(1);
}

static void test_json_document_of_several_steps(void)
{
	check_steps(5);
}

static void test_json_print_reports_write_error(void)
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
	history_json_init(&j);
	make_step(&step, NULL, 0);
	history_json_add(&j, &step);
	/* stdio buffers the text: the error shows when it is flushed. */
	CHECK(history_json_print(full, &j, &range) < 0 || fflush(full) != 0);
	fclose(full);
	finding_list_release(&step.introduced);
	finding_list_release(&step.fixed);
	history_json_release(&j);
}

int main(void)
{
	int done;

	/* git_oid_tostr_s() needs the library's thread state. */
	git_libgit2_init();
	RUN(test_json_document_without_steps);
	RUN(test_json_document_of_one_step);
	RUN(test_json_document_of_several_steps);
	RUN(test_json_print_reports_write_error);
	done = unit_done();
	git_libgit2_shutdown();
	return done;
}
