#include "unit.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ruleset.h"
#include "textutil.h"
#include "values.h"

static char dir_template[] = "/tmp/modelaudit-ruleset.XXXXXX";
static const char *dir;
static struct buf path = BUF_INIT;

static void write_file(const char *name, const char *text)
{
	FILE *f;

	buf_setf(&path, "%s/%s", dir, name);
	f = fopen(path.ptr, "w");
	if (!f) {
		printf("#   cannot write %s\n", path.ptr);
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void remove_files(void)
{
	static const char *const names[] = {
		"benchmarks.yaml", "patterns/estimate-marker.txt",
		"patterns/estimate-field.txt", "patterns/placeholder-host.txt",
		"patterns/estimate-markers.txt", NULL,
	};
	size_t i;

	for (i = 0; names[i]; i++) {
		buf_setf(&path, "%s/%s", dir, names[i]);
		unlink(path.ptr);
	}
}

/* Loads the built-in rules plus the temporary directory; returns ruleset_load's result. */
static int load_with_dir(struct ruleset *rs, struct buf *err)
{
	const char *dirs[1];

	dirs[0] = dir;
	return ruleset_load(rs, dirs, 1, err);
}

static struct ruleset builtin;

static void test_builtin_catalogue_has_required_benchmarks(void)
{
	static const char *const required[] = {
		"MMLU", "MMLU-Pro", "GSM8K", "MATH", "HumanEval", "MBPP", "GPQA",
		"GPQA Diamond", "ARC-Challenge", "HellaSwag", "Winogrande",
		"TruthfulQA", "BBH", "IFEval", "DROP", "MGSM", "MT-Bench",
		"Arena Elo", "LiveCodeBench", "SWE-bench Verified", "AIME",
		"AIME 2024", "AIME 2025", "MMMU", NULL,
	};
	size_t i;

	for (i = 0; required[i]; i++) {
		const struct benchmark_def *def = ruleset_find_benchmark(&builtin, required[i]);

		if (!def)
			printf("#   missing %s\n", required[i]);
		CHECK(def != NULL);
		if (def)
			CHECK_STR(def->name, required[i]);
	}
}

static void test_lookup_ignores_case_and_separators(void)
{
	static const char *const spellings[] = {
		"ARC-Challenge", "ARC-C", "ARC/C", "ARC Challenge", "arc c",
		"arc_challenge", "ARCC", "Arc-challenge", NULL,
	};
	size_t i;

	for (i = 0; spellings[i]; i++) {
		const struct benchmark_def *def = ruleset_find_benchmark(&builtin, spellings[i]);

		if (!def || strcmp(def->name, "ARC-Challenge"))
			printf("#   spelling %s\n", spellings[i]);
		CHECK(def && !strcmp(def->name, "ARC-Challenge"));
	}
	CHECK_STR(ruleset_find_benchmark(&builtin, "gsm8k")->name, "GSM8K");
	CHECK_STR(ruleset_find_benchmark(&builtin, "GSM-8K")->name, "GSM8K");
	CHECK_STR(ruleset_find_benchmark(&builtin, "SWE-Bench-Verified")->name,
		  "SWE-bench Verified");
	CHECK_STR(ruleset_find_benchmark(&builtin, "BIG-Bench Hard")->name, "BBH");
	CHECK_STR(ruleset_find_benchmark(&builtin, "AIME24")->name, "AIME 2024");
	CHECK(ruleset_find_benchmark(&builtin, "MMLU (5-shot)") == NULL);
	CHECK(ruleset_find_benchmark(&builtin, "") == NULL);
	CHECK(ruleset_find_benchmark(&builtin, "- /") == NULL);
	CHECK(ruleset_find_benchmark(&builtin, NULL) == NULL);
}

/*
 * Looks up every catalogue name and alias as written, upper case, with
 * separators added, and cut or extended by one letter.
 */
static void test_lookup_finds_every_name(void)
{
	struct buf spelling = BUF_INIT;
	size_t i, j, k, wrong = 0;

	for (i = 0; i < builtin.nbenchmarks; i++) {
		for (j = 0; j <= builtin.benchmarks[i].naliases; j++) {
			const char *name = j ? builtin.benchmarks[i].aliases[j - 1] :
				      builtin.benchmarks[i].name;
			const struct benchmark_def *def;

			buf_reset(&spelling);
			for (k = 0; name[k]; k++)
				buf_addf(&spelling, "-%c_", name[k] >= 'a' && name[k] <= 'z' ?
					 name[k] - 'a' + 'A' : name[k]);
			if (ruleset_find_benchmark(&builtin, name) != &builtin.benchmarks[i] ||
			    ruleset_find_benchmark(&builtin, spelling.ptr) != &builtin.benchmarks[i]) {
				printf("#   %s not found as %s\n", name, spelling.ptr);
				wrong++;
			}

			/* A name one letter longer or shorter is another name, if any. */
			buf_reset(&spelling);
			buf_addf(&spelling, "%sq", name);
			def = ruleset_find_benchmark(&builtin, spelling.ptr);
			if (def == &builtin.benchmarks[i]) {
				printf("#   %s found\n", spelling.ptr);
				wrong++;
			}
			buf_reset(&spelling);
			buf_add(&spelling, name, strlen(name) - 1);
			def = ruleset_find_benchmark(&builtin, spelling.ptr);
			if (def && !benchmark_names_equal(def->name, spelling.ptr)) {
				size_t a;
				int alias = 0;

				for (a = 0; a < def->naliases; a++)
					alias |= benchmark_names_equal(def->aliases[a], spelling.ptr);
				if (!alias) {
					printf("#   %s found as %s\n", spelling.ptr, def->name);
					wrong++;
				}
			}
		}
	}
	CHECK_INT(wrong, 0);
	buf_release(&spelling);
}

static void test_catalogue_ranges(void)
{
	const struct benchmark_def *mmlu = ruleset_find_benchmark(&builtin, "MMLU");
	const struct benchmark_def *mt = ruleset_find_benchmark(&builtin, "MT-Bench");
	const struct benchmark_def *elo = ruleset_find_benchmark(&builtin, "Arena Elo");

	CHECK_STR(mmlu->unit, "percent");
	CHECK(mmlu->has_min);
	CHECK(mmlu->min == 0);
	CHECK(mmlu->has_max);
	CHECK(mmlu->max == 100);
	CHECK(mt->has_min);
	CHECK(mt->min == 0);
	CHECK(mt->has_max);
	CHECK(mt->max == 10);
	CHECK(elo->has_min);
	CHECK(!elo->has_max);
}

static void test_suggestion_is_nearest_name(void)
{
	CHECK_STR(ruleset_suggest_benchmark(&builtin, "MMLUU"), "MMLU");
	CHECK_STR(ruleset_suggest_benchmark(&builtin, "HumanEvl"), "HumanEval");
	CHECK_STR(ruleset_suggest_benchmark(&builtin, "Hellaswagg"), "HellaSwag");
	CHECK_STR(ruleset_suggest_benchmark(&builtin, "truthful-qa"), "TruthfulQA");
	CHECK_STR(ruleset_suggest_benchmark(&builtin, "LiveCodeBnch"), "LiveCodeBench");
	CHECK(ruleset_suggest_benchmark(&builtin, "Acme Reasoning Suite") == NULL);
	CHECK(ruleset_suggest_benchmark(&builtin, "") == NULL);
}

/* Appends name without " -_/", lower case, as the catalogue compares names. */
static void normalised(struct buf *out, const char *name)
{
	buf_reset(out);
	for (; *name; name++) {
		if (*name == ' ' || *name == '-' || *name == '_' || *name == '/')
			continue;
		buf_addch(out, *name >= 'A' && *name <= 'Z' ? *name - 'A' + 'a' : *name);
	}
}

/* The suggestion computed the plain way: every name and alias, full edit distance. */
static const char *nearest_benchmark(const struct ruleset *rs, const char *name)
{
	struct buf key = BUF_INIT, other = BUF_INIT;
	const char *best = NULL;
	size_t limit, best_distance, i, j;

	normalised(&key, name);
	limit = key.len / 4;
	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	best_distance = limit + 1;
	for (i = 0; key.len && i < rs->nbenchmarks; i++) {
		for (j = 0; j <= rs->benchmarks[i].naliases; j++) {
			size_t d;

			normalised(&other, j ? rs->benchmarks[i].aliases[j - 1] :
				   rs->benchmarks[i].name);
			d = edit_distance(key.ptr, other.ptr, limit);
			if (d < best_distance) {
				best_distance = d;
				best = rs->benchmarks[i].name;
			}
		}
	}
	buf_release(&key);
	buf_release(&other);
	return best;
}

/*
 * Misspells every catalogue name and alias in several ways (a letter
 * dropped, doubled, replaced, two swapped, a suffix added) and expects the
 * suggestion of the plain computation for each.
 */
static void test_suggestion_matches_full_search(void)
{
	struct buf typo = BUF_INIT;
	size_t i, j, k, tried = 0, differ = 0;

	for (i = 0; i < builtin.nbenchmarks; i++) {
		for (j = 0; j <= builtin.benchmarks[i].naliases; j++) {
			const char *name = j ? builtin.benchmarks[i].aliases[j - 1] :
				      builtin.benchmarks[i].name;
			size_t len = strlen(name);

			for (k = 0; k < 6; k++) {
				size_t at = len ? (i * 7 + j * 3 + k) % len : 0;
				const char *got, *want;

				buf_reset(&typo);
				buf_add(&typo, name, at);
				if (k == 0 && len)
					buf_adds(&typo, name + at + 1);
				else if (k == 1 && len)
					buf_addf(&typo, "%c%s", name[at], name + at);
				else if (k == 2)
					buf_addf(&typo, "q%s", len ? name + at + 1 : "");
				else if (k == 3 && at + 1 < len)
					buf_addf(&typo, "%c%c%s", name[at + 1], name[at], name + at + 2);
				else if (k == 4)
					buf_addf(&typo, "%s Pro", name + at);
				else
					buf_addf(&typo, "%sxyz", name + at);
				got = ruleset_suggest_benchmark(&builtin, typo.ptr);
				want = nearest_benchmark(&builtin, typo.ptr);
				tried++;
				if (got != want) {
					printf("#   %s: got %s, expected %s\n", typo.ptr,
					       got ? got : "(none)", want ? want : "(none)");
					differ++;
				}
			}
		}
	}
	CHECK(tried > 100);
	CHECK_INT(differ, 0);
	buf_release(&typo);
}

static void test_builtin_estimate_markers(void)
{
	static const char *const marked[] = {
		"~87", "≈87", "87?", "87*", ">87", "85-88", "87 (est.)", "est. 87",
		"approx 87", "TBD", "n/a", "N/A", "?", "-", "87 ± 1", "<5", NULL,
	};
	static const char *const plain[] = {
		"87", "87.3", "-3.5", "0.805", "1250", "87%", "", NULL,
	};
	size_t i;

	for (i = 0; marked[i]; i++) {
		int m = ruleset_match(&builtin, PATTERN_ESTIMATE_MARKER, marked[i],
				      strlen(marked[i]));

		if (!m)
			printf("#   not matched: %s\n", marked[i]);
		CHECK(m);
	}
	for (i = 0; plain[i]; i++) {
		int m = ruleset_match(&builtin, PATTERN_ESTIMATE_MARKER, plain[i],
				      strlen(plain[i]));

		if (m)
			printf("#   matched: %s\n", plain[i]);
		CHECK(!m);
	}
	/* Invalid UTF-8 is no match, not an error. */
	CHECK(!ruleset_match(&builtin, PATTERN_ESTIMATE_MARKER, "8\xff" "7", 3));
}

static void test_builtin_estimate_fields(void)
{
	CHECK(ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "interpolated", 12));
	CHECK(ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "derived_from", 12));
	CHECK(ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "method: interpolation", 21));
	CHECK(ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "Method: Estimate", 16));
	CHECK(!ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "method", 6));
	CHECK(!ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "method: measured", 16));
	CHECK(!ruleset_match(&builtin, PATTERN_ESTIMATE_FIELD, "notes", 5));
}

static void test_builtin_placeholder_hosts(void)
{
	CHECK(ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "example.com", 11));
	CHECK(ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "docs.example.org", 16));
	CHECK(ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "localhost", 9));
	CHECK(ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "x.test", 6));
	CHECK(ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "x.invalid", 9));
	CHECK(!ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "arxiv.org", 9));
	CHECK(!ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "example.co", 10));
	CHECK(!ruleset_match(&builtin, PATTERN_PLACEHOLDER_HOST, "latest.org", 10));
}

static void test_today_from_environment(void)
{
	struct ruleset rs;
	struct buf err = BUF_INIT;

	CHECK_STR(builtin.today, "2026-01-15");

	setenv("MODELAUDIT_TODAY", "2026-02-30", 1);
	CHECK_INT(ruleset_load(&rs, NULL, 0, &err), -1);
	CHECK_STR(err.ptr, "MODELAUDIT_TODAY: invalid date '2026-02-30'; use YYYY-MM-DD");

	unsetenv("MODELAUDIT_TODAY");
	CHECK_INT(ruleset_load(&rs, NULL, 0, &err), 0);
	CHECK_INT(date_parse(rs.today, NULL), 0);
	ruleset_release(&rs);
	setenv("MODELAUDIT_TODAY", "2026-01-15", 1);
	buf_release(&err);
}

static void test_extra_dir_adds_and_replaces(void)
{
	struct ruleset rs;
	struct buf err = BUF_INIT;
	const struct benchmark_def *def;

	remove_files();
	write_file("benchmarks.yaml",
		   "benchmarks:\n"
		   "  - name: Acme Bench\n"
		   "    unit: points\n"
		   "    min: -5\n"
		   "    max: 5.5\n"
		   "    aliases: [ABench]\n"
		   "  - {name: mmlu, unit: percent, max: 1, aliases: [Acme MMLU]}\n");
	write_file("patterns/estimate-marker.txt", "# house style\n\n^guess:\n");
	CHECK_INT(load_with_dir(&rs, &err), 0);
	if (err.len)
		printf("#   %s\n", err.ptr);

	def = ruleset_find_benchmark(&rs, "abench");
	CHECK(def != NULL);
	if (def) {
		CHECK_STR(def->name, "Acme Bench");
		CHECK(def->has_min);
		CHECK(def->min == -5);
		CHECK(def->has_max);
		CHECK(def->max == 5.5);
	}
	def = ruleset_find_benchmark(&rs, "MMLU");
	CHECK(def != NULL);
	CHECK_STR(def ? def->name : NULL, "mmlu");
	CHECK(def && def->max == 1);
	CHECK(ruleset_find_benchmark(&rs, "Acme MMLU") == def);
	CHECK(ruleset_find_benchmark(&rs, "Massive Multitask Language Understanding") == def);
	CHECK(ruleset_match(&rs, PATTERN_ESTIMATE_MARKER, "guess: 87", 9));
	CHECK(ruleset_match(&rs, PATTERN_ESTIMATE_MARKER, "~87", 3));
	ruleset_release(&rs);
	buf_release(&err);
}

static void expect_error(const char *file, const char *text, const char *expected)
{
	struct ruleset rs;
	struct buf err = BUF_INIT, want = BUF_INIT;

	remove_files();
	write_file(file, text);
	buf_setf(&want, "%s/%s", dir, expected);
	CHECK_INT(load_with_dir(&rs, &err), -1);
	CHECK_STR(err.ptr, want.ptr);
	buf_release(&err);
	buf_release(&want);
}

static void test_alias_of_two_benchmarks(void)
{
	struct ruleset rs;
	struct buf err = BUF_INIT, want = BUF_INIT;

	remove_files();
	write_file("benchmarks.yaml",
		   "benchmarks:\n  - {name: Acme, unit: percent, aliases: [ARC-C]}\n");
	CHECK_INT(load_with_dir(&rs, &err), -1);
	buf_setf(&want, "%s/benchmarks.yaml:2:43: benchmark name 'ARC-C' already "
		 "belongs to 'ARC-Challenge' (rules/benchmarks.yaml:", dir);
	CHECK(!strncmp(err.ptr, want.ptr, want.len));
	CHECK(strstr(err.ptr, "); give each name to one benchmark") != NULL);
	if (strncmp(err.ptr, want.ptr, want.len))
		printf("#   %s\n", err.ptr);
	buf_release(&err);
	buf_release(&want);
}

static void test_catalogue_errors_name_the_place(void)
{
	expect_error("benchmarks.yaml",
		     "benchmarks:\n  - {name: Acme, unit: percent, colour: red}\n",
		     "benchmarks.yaml:2:33: unknown key 'colour' in a benchmark; the keys "
		     "are name, aliases, unit, min and max");
	expect_error("benchmarks.yaml",
		     "benchmarks:\n  - {name: Acme, unit: points, min: 5, max: 1}\n",
		     "benchmarks.yaml:2:5: benchmark 'Acme' has min greater than max");
	expect_error("benchmarks.yaml",
		     "benchmarks:\n  - {name: Acme, unit: points, max: ten}\n",
		     "benchmarks.yaml:2:37: max of a benchmark must be a plain decimal like 100");
	expect_error("benchmarks.yaml",
		     "benchmarks:\n  - {name: Acme}\n",
		     "benchmarks.yaml:2:5: benchmark 'Acme' needs a unit (percent, points, elo, rating)");
	expect_error("benchmarks.yaml",
		     "benchmarks:\n  - {unit: points}\n",
		     "benchmarks.yaml:2:5: a benchmark needs a name");
	expect_error("benchmarks.yaml",
		     "benchmark: []\n",
		     "benchmarks.yaml:1:1: a catalogue is a mapping with one key, "
		     "benchmarks, holding a list of benchmarks");
}

static void test_catalogue_yaml_error(void)
{
	struct ruleset rs;
	struct buf err = BUF_INIT, prefix = BUF_INIT;

	remove_files();
	write_file("benchmarks.yaml", "benchmarks:\n  - {name: [\n");
	buf_setf(&prefix, "%s/benchmarks.yaml:", dir);
	CHECK_INT(load_with_dir(&rs, &err), -1);
	CHECK(!strncmp(err.ptr, prefix.ptr, prefix.len));
	buf_release(&err);
	buf_release(&prefix);
}

static void test_pattern_errors_name_line_and_column(void)
{
	expect_error("patterns/estimate-marker.txt",
		     "# comment\n^ok$\n\n^(unclosed\n",
		     "patterns/estimate-marker.txt:4:11: invalid pattern: missing closing parenthesis");
	expect_error("patterns/placeholder-host.txt",
		     "é[z-a]\n",
		     "patterns/placeholder-host.txt:1:5: invalid pattern: range out of order in character class");
	expect_error("patterns/estimate-markers.txt", "x\n",
		     "patterns/estimate-markers.txt: unknown pattern list; the lists are "
		     "estimate-marker.txt, estimate-field.txt and placeholder-host.txt");
}

static void test_missing_rules_dir(void)
{
	struct ruleset rs;
	struct buf err = BUF_INIT;
	const char *dirs[1] = { "/nonexistent/rules" };

	CHECK_INT(ruleset_load(&rs, dirs, 1, &err), -1);
	CHECK_STR(err.ptr, "rules directory '/nonexistent/rules': No such file or directory");
	buf_release(&err);
}

int main(void)
{
	struct buf err = BUF_INIT;

	setenv("MODELAUDIT_TODAY", "2026-01-15", 1);
	dir = mkdtemp(dir_template);
	if (!dir) {
		printf("# mkdtemp failed\n");
		return 1;
	}
	buf_setf(&path, "%s/patterns", dir);
	mkdir(path.ptr, 0700);
	if (ruleset_load(&builtin, NULL, 0, &err) < 0) {
		printf("# ruleset_load: %s\n", err.ptr);
		return 1;
	}

	RUN(test_builtin_catalogue_has_required_benchmarks);
	RUN(test_lookup_ignores_case_and_separators);
	RUN(test_lookup_finds_every_name);
	RUN(test_catalogue_ranges);
	RUN(test_suggestion_is_nearest_name);
	RUN(test_suggestion_matches_full_search);
	RUN(test_builtin_estimate_markers);
	RUN(test_builtin_estimate_fields);
	RUN(test_builtin_placeholder_hosts);
	RUN(test_today_from_environment);
	RUN(test_extra_dir_adds_and_replaces);
	RUN(test_alias_of_two_benchmarks);
	RUN(test_catalogue_errors_name_the_place);
	RUN(test_catalogue_yaml_error);
	RUN(test_pattern_errors_name_line_and_column);
	RUN(test_missing_rules_dir);

	remove_files();
	buf_setf(&path, "%s/patterns", dir);
	rmdir(path.ptr);
	rmdir(dir);
	ruleset_release(&builtin);
	buf_release(&path);
	buf_release(&err);
	return unit_done();
}
