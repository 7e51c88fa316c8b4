/* Unit tests of the small core modules: buffers, findings, configuration. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "finding.h"
#include "textutil.h"
#include "unit.h"

static void test_buf_grows_and_stays_terminated(void)
{
	struct buf b = BUF_INIT;
	int i;

	CHECK_STR(b.ptr, "");
	for (i = 0; i < 1000; i++)
		buf_addch(&b, 'x');
	CHECK_INT(b.len, 1000);
	CHECK_INT(b.ptr[1000], 0);
	buf_addf(&b, "%d", 42);
	CHECK_INT(b.len, 1002);
	CHECK(!strcmp(b.ptr + 1000, "42"));
	buf_release(&b);
	CHECK_STR(b.ptr, "");
}

static void test_buf_addf_short_and_long(void)
{
	struct buf b = BUF_INIT, expected = BUF_INIT;
	size_t i;

	for (i = 0; i < 300; i++) {
		CHECK_INT(buf_addf(&b, "%zu:%s;", i, i % 7 ? "x" :
				   "a longer piece of text that does not fit in the free room"), 0);
	}
	for (i = 0; i < 300; i++) {
		char piece[16];

		snprintf(piece, sizeof(piece), "%zu:", i);
		buf_adds(&expected, piece);
		buf_adds(&expected, i % 7 ? "x" :
			 "a longer piece of text that does not fit in the free room");
		buf_addch(&expected, ';');
	}
	CHECK_INT(b.len, expected.len);
	CHECK_STR(b.ptr, expected.ptr);
	CHECK_INT(strlen(b.ptr), b.len);
	buf_release(&b);
	buf_release(&expected);
}

static void test_buf_addf_respects_cap(void)
{
	struct buf b;

	buf_init(&b, 10);
	CHECK_INT(buf_addf(&b, "%s", "abcdef"), 0);
	/* The text fits in the memory the buffer has, but not under its cap. */
	CHECK_INT(buf_addf(&b, "%d", 12345), -1);
	CHECK_STR(b.ptr, "abcdef");
	CHECK_INT(b.len, 6);
	CHECK_INT(buf_addf(&b, "%d", 1234), 0);
	CHECK_STR(b.ptr, "abcdef1234");
	CHECK_INT(buf_addf(&b, "%s", ""), 0);
	CHECK_INT(buf_addf(&b, "%c", 'x'), -1);
	CHECK_STR(b.ptr, "abcdef1234");
	buf_release(&b);

	buf_init(&b, 100);
	CHECK_INT(buf_addf(&b, "%s", "0123456789012345678901234567890123456789"), 0);
	CHECK_INT(buf_addf(&b, "%s", "0123456789012345678901234567890123456789"), 0);
	CHECK_INT(buf_addf(&b, "%s", "0123456789012345678901234567890123456789"), -1);
	CHECK_INT(b.len, 80);
	CHECK_INT(strlen(b.ptr), 80);
	buf_release(&b);
}

static void test_buf_cap_rejects_growth(void)
{
	struct buf b;

	buf_init(&b, 4);
	CHECK_INT(buf_adds(&b, "abcd"), 0);
	CHECK_INT(buf_addch(&b, 'e'), -1);
	CHECK_STR(b.ptr, "abcd");
	buf_release(&b);
}

static void test_buf_escapes_control_characters(void)
{
	struct buf b = BUF_INIT;
	const char raw[] = "a\x1b[31mb\tc\\d\xff\xc3\xa9\x7f\xc2\x85";

	buf_add_escaped(&b, raw, sizeof(raw) - 1);
	CHECK_STR(b.ptr, "a\\x1B[31mb\\tc\\\\d\\xFF\xc3\xa9\\x7F\\xC2\\x85");
	buf_reset(&b);
	buf_add_escaped(&b, "x\xE2\x80\xAEy", 5);
	CHECK_STR(b.ptr, "x\\xE2\\x80\\xAEy");
	buf_release(&b);
}

static void test_buf_detach_hands_over(void)
{
	struct buf b = BUF_INIT;
	size_t len;
	char *s;

	buf_adds(&b, "hello");
	s = buf_detach(&b, &len);
	CHECK_STR(s, "hello");
	CHECK_INT(len, 5);
	CHECK_STR(b.ptr, "");
	free(s);
}

static void test_fingerprint_ignores_position(void)
{
	struct finding_list a = FINDING_LIST_INIT, b = FINDING_LIST_INIT;
	struct finding_context ctx = { 0 };
	struct pos p1 = { 3, 5 }, p2 = { 30, 7 };

	ctx.model = "m";
	ctx.benchmark = "MMLU";
	ctx.value = "87";
	finding_add(&a, RULE_SCORE_MISSING_DATE, "f.yaml", p1, &ctx, "x");
	finding_add(&b, RULE_SCORE_MISSING_DATE, "g.yaml", p2, &ctx, "y");
	finding_list_finish(&a, NULL);
	finding_list_finish(&b, NULL);
	CHECK_STR(a.items[0].fingerprint, b.items[0].fingerprint);
	CHECK_INT(strlen(a.items[0].fingerprint), 32);
	finding_list_release(&a);
	finding_list_release(&b);
}

static void test_fingerprint_follows_value(void)
{
	struct finding_list a = FINDING_LIST_INIT;
	struct finding_context ctx = { 0 };
	struct pos p = { 1, 1 };

	ctx.model = "m";
	ctx.value = "87";
	finding_add(&a, RULE_SCORE_NOT_NUMERIC, "f.yaml", p, &ctx, "x");
	ctx.value = "88";
	finding_add(&a, RULE_SCORE_NOT_NUMERIC, "f.yaml", p, &ctx, "x");
	finding_list_finish(&a, NULL);
	CHECK(strcmp(a.items[0].fingerprint, a.items[1].fingerprint) != 0);
	finding_list_release(&a);
}

static void test_finish_sorts_and_drops_off(void)
{
	struct finding_list a = FINDING_LIST_INIT;
	enum severity severity[RULE_COUNT];
	struct pos late = { 9, 1 }, early = { 2, 4 };
	int i;

	for (i = 0; i < RULE_COUNT; i++)
		severity[i] = rule_table[i].severity;
	severity[RULE_URL_INSECURE] = SEVERITY_OFF;
	finding_add(&a, RULE_SCHEMA_TYPE, "f.yaml", late, NULL, "late");
	finding_add(&a, RULE_URL_INSECURE, "f.yaml", early, NULL, "dropped");
	finding_add(&a, RULE_SCHEMA_TYPE, "f.yaml", early, NULL, "early");
	finding_list_finish(&a, severity);
	CHECK_INT(a.nr, 2);
	CHECK_STR(a.items[0].message, "early");
	CHECK_STR(a.items[1].message, "late");
	finding_list_release(&a);
}

/* The fingerprint is part of baselines, so its value must not change: SHA-256 as documented. */
static void test_fingerprint_known_values(void)
{
	struct finding_list a = FINDING_LIST_INIT;
	struct finding_context ctx = { 0 };
	struct finding single;
	struct pos p = { 4, 2 };

	ctx.model = "m";
	ctx.benchmark = "MMLU";
	ctx.value = "87";
	finding_add(&a, RULE_SCORE_MISSING_DATE, "f.yaml", p, &ctx, "x");
	finding_add(&a, RULE_SCHEMA_TYPE, "f.yaml", p, NULL, "late");
	finding_list_finish(&a, NULL);
	CHECK_INT(a.nr, 2);
	CHECK_STR(a.items[0].fingerprint, "8aabbf856bd495c45a3f3cad9870f5ca");
	CHECK_STR(a.items[1].fingerprint, "930dba4baa84e9a8170a3c1da2a74116");

	/* One finding on its own gets the fingerprint that a list gives it. */
	single = a.items[1];
	memset(single.fingerprint, 0, sizeof(single.fingerprint));
	finding_fingerprint(&single);
	CHECK_STR(single.fingerprint, "930dba4baa84e9a8170a3c1da2a74116");
	finding_list_release(&a);
}

static void test_sort_keeps_fingerprints(void)
{
	struct finding_list a = FINDING_LIST_INIT;
	struct pos late = { 9, 1 }, early = { 2, 4 };

	finding_add(&a, RULE_SCHEMA_TYPE, "g.yaml", early, NULL, "other file");
	finding_add(&a, RULE_SCHEMA_TYPE, "f.yaml", late, NULL, "late");
	finding_add(&a, RULE_URL_INSECURE, "f.yaml", early, NULL, "b");
	finding_add(&a, RULE_SCHEMA_TYPE, "f.yaml", early, NULL, "a");
	strcpy(a.items[0].fingerprint, "kept");
	finding_list_sort(&a);
	CHECK_INT(a.nr, 4);
	CHECK_STR(a.items[0].message, "a");
	CHECK_STR(a.items[1].message, "b");
	CHECK_STR(a.items[2].message, "late");
	CHECK_STR(a.items[3].message, "other file");
	CHECK_STR(a.items[3].fingerprint, "kept");
	CHECK_STR(a.items[0].fingerprint, "");
	finding_list_release(&a);
}

static void test_config_defaults(void)
{
	struct config cfg;
	struct buf err = BUF_INIT;

	config_init(&cfg);
	CHECK_INT(config_parse(&cfg, "c.yaml", "", 0, &err), 0);
	CHECK_INT(cfg.links.concurrency, 16);
	CHECK_INT(cfg.links.fail_after, 2);
	CHECK_INT(cfg.severity[RULE_BENCHMARK_UNKNOWN], SEVERITY_WARNING);
	config_release(&cfg);
	buf_release(&err);
}

static void test_config_reads_every_key(void)
{
	static const char text[] =
		"registry: [data/models/, extra.yaml]\n"
		"rules: rules/\n"
		"severity:\n  benchmark-unknown: off\n  url-insecure: error\n"
		"baseline: base.json\n"
		"links:\n  concurrency: 4\n  exclude: ['^https://a\\.org/']\n"
		"  resolve: [a.org:443:127.0.0.1]\n  archive: 'off'\n";
	struct config cfg;
	struct buf err = BUF_INIT;

	config_init(&cfg);
	CHECK_INT(config_parse(&cfg, "c.yaml", text, sizeof(text) - 1, &err), 0);
	CHECK_STR(err.ptr, "");
	CHECK_INT(cfg.registry.nr, 2);
	CHECK_STR(cfg.registry.items[1], "extra.yaml");
	CHECK_INT(cfg.rules.nr, 1);
	CHECK_INT(cfg.severity[RULE_BENCHMARK_UNKNOWN], SEVERITY_OFF);
	CHECK_INT(cfg.severity[RULE_URL_INSECURE], SEVERITY_ERROR);
	CHECK_STR(cfg.baseline, "base.json");
	CHECK_INT(cfg.links.concurrency, 4);
	CHECK_STR(cfg.links.exclude.items[0], "^https://a\\.org/");
	CHECK_STR(cfg.links.resolve.items[0], "a.org:443:127.0.0.1");
	CHECK_STR(cfg.links.archive, "off");
	config_release(&cfg);
	buf_release(&err);
}

static void test_config_rejects_bad_values(void)
{
	static const char *const bad[][2] = {
		{ "links:\n  timeout: 0\n", "c.yaml:2:12: 'timeout' must be a whole number from 1 to 1000000, not '0'" },
		{ "links:\n  timeout: soon\n", "c.yaml:2:12: 'timeout' must be a whole number from 1 to 1000000, not 'soon'" },
		{ "severity:\n  url-insecure: loud\n", "c.yaml:2:17: severity of 'url-insecure' must be error, warning, note or off" },
		{ "registry: {a: b}\n", "c.yaml:1:11: 'registry' must be a string or a list of strings" },
		{ "- a\n", "c.yaml:1:1: the configuration must be a mapping" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct config cfg;
		struct buf err = BUF_INIT;

		config_init(&cfg);
		CHECK_INT(config_parse(&cfg, "c.yaml", bad[i][0], strlen(bad[i][0]), &err), -1);
		CHECK_STR(err.ptr, bad[i][1]);
		config_release(&cfg);
		buf_release(&err);
	}
}

static void test_edit_distance_suggests(void)
{
	static const char *const words[] = { "family", "name", "sources" };

	CHECK_INT(edit_distance("familly", "family", 3), 1);
	CHECK_INT(edit_distance("abc", "xyzabc", 2), 3);
	CHECK_STR(nearest_word("familly", words, 3), "family");
	CHECK_STR(nearest_word("Sourcs", words, 3), "sources");
	CHECK(nearest_word("zzzzzz", words, 3) == NULL);
}

/* Fills out with len random letters of "abc": a small alphabet makes near strings common. */
static void random_word(char *out, size_t len, unsigned *seed)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*seed = *seed * 1103515245u + 12345u;
		out[i] = (char)('a' + (*seed >> 16) % 3);
	}
	out[len] = '\0';
}

static void test_edit_distance_bytes_matches_full(void)
{
	char a[16], b[16];
	unsigned seed = 7;
	size_t round, max, mismatches = 0;

	for (round = 0; round < 3000; round++) {
		random_word(a, round % 11, &seed);
		random_word(b, (round / 11) % 13, &seed);
		for (max = 0; max <= 4; max++) {
			size_t full = edit_distance(a, b, max);
			size_t banded = edit_distance_bytes(a, strlen(a), b, strlen(b), max);

			/* Both are exact up to max and past it only need to exceed it. */
			if (full <= max ? banded != full : banded <= max)
				mismatches++;
		}
	}
	CHECK_INT(mismatches, 0);
}

static void test_edit_distance_bytes_cases(void)
{
	CHECK_INT(edit_distance_bytes("familly", 7, "family", 6, 3), 1);
	CHECK_INT(edit_distance_bytes("", 0, "", 0, 0), 0);
	CHECK_INT(edit_distance_bytes("", 0, "ab", 2, 2), 2);
	CHECK_INT(edit_distance_bytes("", 0, "abc", 3, 2), 3);
	CHECK_INT(edit_distance_bytes("abcdef", 6, "badcfe", 6, 4), 4);
	CHECK_INT(edit_distance_bytes("abcdef", 6, "badcfe", 6, 3), 4);
	CHECK_INT(edit_distance_bytes("abcdef", 6, "badcfe", 6, 2), 3);
	CHECK_INT(edit_distance_bytes("abc", 3, "", 0, 3), 3);
	CHECK_INT(edit_distance_bytes("kitten", 6, "sitting", 7, 3), 3);
	/* Bytes are compared as they are: case counts. */
	CHECK_INT(edit_distance_bytes("MMLU", 4, "mmlu", 4, 3), 4);
}

static void test_benchmark_name_normalise(void)
{
	static const char *const cases[][2] = {
		{ "MMLU-Pro", "mmlupro" },
		{ "ARC/C", "arcc" },
		{ "Social IQa", "socialiqa" },
		{ "mt_bench", "mtbench" },
		{ " -_/", "" },
		{ "", "" },
		{ "already lower", "alreadylower" },
		{ "\xC3\x89" "cole 2", "\xC3\x89" "cole2" },
	};
	struct buf out = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		buf_reset(&out);
		benchmark_name_normalise(&out, cases[i][0]);
		CHECK_STR(out.ptr, cases[i][1]);
		CHECK(benchmark_names_equal(cases[i][0], out.ptr));
	}
	buf_reset(&out);
	buf_adds(&out, "x:");
	benchmark_name_normalise(&out, "GPQA Diamond");
	CHECK_STR(out.ptr, "x:gpqadiamond");
	buf_release(&out);
}

static void test_benchmark_names_compare_normalised(void)
{
	CHECK(benchmark_names_equal("ARC-Challenge", "arc challenge"));
	CHECK(benchmark_names_equal(NULL, NULL));
	CHECK(!benchmark_names_equal("MMLU", NULL));
	CHECK_INT(benchmark_names_compare("My_Bench/2", "mybench2"), 0);
	CHECK(benchmark_names_compare("MMLU", "MMLU-Pro") < 0);
	CHECK(benchmark_names_compare("mmlu pro", "MMLU") > 0);
	CHECK(benchmark_names_compare("GSM8K", "hellaswag") < 0);
	CHECK(text_hash("abc", 3) != text_hash("abd", 3));
	CHECK(text_hash("abcdefghij", 10) == text_hash("abcdefghij", 10));
}

int main(void)
{
	RUN(test_buf_grows_and_stays_terminated);
	RUN(test_buf_cap_rejects_growth);
	RUN(test_buf_addf_short_and_long);
	RUN(test_buf_addf_respects_cap);
	RUN(test_buf_escapes_control_characters);
	RUN(test_buf_detach_hands_over);
	RUN(test_fingerprint_ignores_position);
	RUN(test_fingerprint_follows_value);
	RUN(test_finish_sorts_and_drops_off);
	RUN(test_fingerprint_known_values);
	RUN(test_sort_keeps_fingerprints);
	RUN(test_config_defaults);
	RUN(test_config_reads_every_key);
	RUN(test_config_rejects_bad_values);
	RUN(test_edit_distance_suggests);
	RUN(test_edit_distance_bytes_matches_full);
	RUN(test_edit_distance_bytes_cases);
	RUN(test_benchmark_name_normalise);
	RUN(test_benchmark_names_compare_normalised);
	return unit_done();
}
