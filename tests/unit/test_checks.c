#include "unit.h"

#include <stdlib.h>

#include "buf.h"
#include "checks.h"
#include "registry.h"
#include "ruleset.h"

/*
 * Each test loads a registry text through the real loader and registry
 * builder (which run checks_model on every model), then runs
 * checks_registry, and looks at the findings of one rule.
 */

/* Lines 1-5: one model without sources. */
#define HEAD "models:\n" \
	"  - id: m\n" \
	"    name: M\n" \
	"    organization: O\n" \
	"    released: 2024-07-23\n"
/* Lines 6-8: a source with the id card. */
#define CARD "    sources:\n" \
	"      - id: card\n" \
	"        url: https://acme.org/card\n"
/* Line 9, then a score entry on lines 10-14 (its first key at 10:9). */
#define SCORE(bench, value, date) "    benchmarks:\n" \
	"      - benchmark: " bench "\n" \
	"        score: " value "\n" \
	"        date: " date "\n" \
	"        source: card\n"

static struct ruleset rules;
static struct finding_list findings = FINDING_LIST_INIT;
/* Whether audit() keeps slim models, as check does. */
static int slim;

static void audit(const char *text)
{
	struct registry reg = REGISTRY_INIT;

	reg.slim = slim;
	finding_list_release(&findings);
	registry_add_file(&reg, &rules, "t.yaml", text, strlen(text), &findings);
	checks_registry(&reg, &rules, &findings);
	finding_list_finish(&findings, NULL);
	registry_release(&reg);
}

static size_t count(enum rule_id rule)
{
	size_t i, n = 0;

	for (i = 0; i < findings.nr; i++)
		n += findings.items[i].rule == rule;
	return n;
}

/* Returns the nth (from 0) finding of rule, or an empty finding. */
static const struct finding *nth(enum rule_id rule, size_t k)
{
	static struct finding none;
	size_t i;

	for (i = 0; i < findings.nr; i++)
		if (findings.items[i].rule == rule && k-- == 0)
			return &findings.items[i];
	return &none;
}

static const struct finding *first(enum rule_id rule)
{
	return nth(rule, 0);
}

/* Prints every finding, to explain a failed check. */
static void dump(void)
{
	size_t i;

	for (i = 0; i < findings.nr; i++)
		printf("#     %u:%u %s [%s]\n", findings.items[i].pos.line,
		       findings.items[i].pos.column, findings.items[i].message,
		       rule_table[findings.items[i].rule].id);
}

static void test_clean_model_has_no_findings(void)
{
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-07-23"));
	CHECK_INT(findings.nr, 0);
	if (findings.nr)
		dump();
}

static void test_shipped_registry_is_clean(void)
{
	struct buf text = BUF_INIT, err = BUF_INIT;

	CHECK_INT(buf_read_file(&text, "data/models.yaml", &err), 0);
	audit(text.ptr);
	CHECK_INT(findings.nr, 0);
	if (findings.nr)
		dump();
	buf_release(&text);
	buf_release(&err);
}

static void test_model_duplicate_id(void)
{
	audit(HEAD CARD "  - id: m\n    name: M\n    organization: O\n"
	      "    released: 2024-07-23\n" CARD);
	CHECK_INT(count(RULE_MODEL_DUPLICATE_ID), 1);
	CHECK_INT(first(RULE_MODEL_DUPLICATE_ID)->pos.line, 9);
	CHECK_INT(first(RULE_MODEL_DUPLICATE_ID)->pos.column, 9);
	CHECK_STR(first(RULE_MODEL_DUPLICATE_ID)->message,
		  "model id 'm' is already used on line 2: give each model its own id");
}

static void test_model_no_source(void)
{
	audit(HEAD);
	CHECK_INT(count(RULE_MODEL_NO_SOURCE), 1);
	CHECK_INT(first(RULE_MODEL_NO_SOURCE)->pos.line, 2);
	CHECK_INT(first(RULE_MODEL_NO_SOURCE)->pos.column, 5);
	CHECK_STR(first(RULE_MODEL_NO_SOURCE)->message,
		  "model 'm' has no sources: add the documents its values come from");
	audit(HEAD "    sources: []\n");
	CHECK_INT(count(RULE_MODEL_NO_SOURCE), 1);
	audit(HEAD CARD);
	CHECK_INT(count(RULE_MODEL_NO_SOURCE), 0);
}

static void test_model_unknown_base(void)
{
	audit(HEAD "    base_model: mm\n" CARD);
	CHECK_INT(count(RULE_MODEL_UNKNOWN_BASE), 1);
	CHECK_INT(first(RULE_MODEL_UNKNOWN_BASE)->pos.line, 6);
	CHECK_INT(first(RULE_MODEL_UNKNOWN_BASE)->pos.column, 17);
	CHECK_STR(first(RULE_MODEL_UNKNOWN_BASE)->message,
		  "base_model 'mm' names no model of the registry (did you mean 'm'?)");
	audit(HEAD "    base_model: zzzz\n" CARD);
	CHECK_STR(first(RULE_MODEL_UNKNOWN_BASE)->message,
		  "base_model 'zzzz' names no model of the registry: add that model or correct the id");
	audit(HEAD "    base_model: m\n" CARD);
	CHECK_INT(count(RULE_MODEL_UNKNOWN_BASE), 0);
}

static void test_source_duplicate_id(void)
{
	audit(HEAD CARD "      - id: card\n        url: https://acme.org/other\n");
	CHECK_INT(count(RULE_SOURCE_DUPLICATE_ID), 1);
	CHECK_INT(first(RULE_SOURCE_DUPLICATE_ID)->pos.line, 9);
	CHECK_INT(first(RULE_SOURCE_DUPLICATE_ID)->pos.column, 13);
	CHECK_STR(first(RULE_SOURCE_DUPLICATE_ID)->message,
		  "source id 'card' is already used on line 7: give each source of a model its own id");
}

static void test_source_unknown_ref(void)
{
	audit(HEAD CARD
	      "    specs:\n"
	      "      license: {value: MIT, source: blog}\n"
	      "    benchmarks:\n"
	      "      - benchmark: MMLU\n"
	      "        score: 87.3\n"
	      "        date: 2024-07-23\n"
	      "        source: paper\n");
	CHECK_INT(count(RULE_SOURCE_UNKNOWN_REF), 2);
	CHECK_INT(nth(RULE_SOURCE_UNKNOWN_REF, 0)->pos.line, 10);
	CHECK_INT(nth(RULE_SOURCE_UNKNOWN_REF, 0)->pos.column, 37);
	CHECK_STR(nth(RULE_SOURCE_UNKNOWN_REF, 0)->message,
		  "spec license cites source 'blog', which the model does not define: "
		  "add it to sources or cite one of their ids");
	CHECK_INT(nth(RULE_SOURCE_UNKNOWN_REF, 1)->pos.line, 15);
	CHECK_STR(nth(RULE_SOURCE_UNKNOWN_REF, 1)->message,
		  "score of MMLU cites source 'paper', which the model does not define: "
		  "add it to sources or cite one of their ids");
}

static void test_url_invalid(void)
{
	static const char *const cases[][2] = {
		{ "ftp://acme.org/x", "invalid URL 'ftp://acme.org/x': the scheme 'ftp' is not http or https" },
		{ "acme.org/x", "invalid URL 'acme.org/x': it does not start with http:// or https://" },
		{ "https:/acme.org", "invalid URL 'https:/acme.org': the scheme must be followed by exactly two slashes and a host" },
		{ "https:///acme.org", "invalid URL 'https:///acme.org': the scheme must be followed by exactly two slashes and a host" },
		{ "'https://acme .org/'", "invalid URL 'https://acme .org/': bad hostname" },
		{ "https://acme.org:99999/", "invalid URL 'https://acme.org:99999/': port number was not a decimal number between 0 and 65535" },
		{ "mailto:a@acme.org", "invalid URL 'mailto:a@acme.org': the scheme 'mailto' is not http or https" },
	};
	struct buf text = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD "    sources:\n      - id: card\n        url: %s\n",
			 cases[i][0]);
		audit(text.ptr);
		CHECK_INT(count(RULE_URL_INVALID), 1);
		CHECK_INT(first(RULE_URL_INVALID)->pos.line, 8);
		CHECK_INT(first(RULE_URL_INVALID)->pos.column, 14);
		CHECK_STR(first(RULE_URL_INVALID)->message, cases[i][1]);
	}
	buf_release(&text);

	audit(HEAD CARD "    benchmarks:\n      - benchmark: MMLU\n        score: 1\n"
	      "        date: 2024-07-23\n        source: gopher://acme.org\n");
	CHECK_INT(count(RULE_URL_INVALID), 1);
	CHECK_INT(first(RULE_URL_INVALID)->pos.line, 13);
	CHECK_INT(count(RULE_SOURCE_UNKNOWN_REF), 0);
}

static void test_url_insecure(void)
{
	audit(HEAD "    sources:\n      - id: card\n        url: http://acme.org/card\n");
	CHECK_INT(count(RULE_URL_INSECURE), 1);
	CHECK_INT(count(RULE_URL_INVALID), 0);
	CHECK_STR(first(RULE_URL_INSECURE)->message,
		  "insecure URL 'http://acme.org/card': use https if the site serves it");
	audit(HEAD "    sources:\n      - id: card\n        url: HTTP://acme.org/card\n");
	CHECK_INT(count(RULE_URL_INSECURE), 1);
}

static void test_url_placeholder(void)
{
	static const char *const hosts[] = {
		"example.com", "www.example.org", "EXAMPLE.NET.", "localhost",
		"models.test", "acme.invalid", "acme.example", "127.0.0.1",
		"[::1]", "a.localhost", NULL,
	};
	static const char *const real[] = {
		"acme.org", "example.community", "myexample.com", "testing.org",
		"invalid.org", "localhost.org", NULL,
	};
	struct buf text = BUF_INIT;
	size_t i;

	for (i = 0; hosts[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD "    sources:\n      - id: card\n        url: https://%s/x\n",
			 hosts[i]);
		audit(text.ptr);
		if (count(RULE_URL_PLACEHOLDER) != 1)
			printf("#   host %s\n", hosts[i]);
		CHECK_INT(count(RULE_URL_PLACEHOLDER), 1);
	}
	for (i = 0; real[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD "    sources:\n      - id: card\n        url: https://%s/x\n",
			 real[i]);
		audit(text.ptr);
		if (count(RULE_URL_PLACEHOLDER) != 0)
			printf("#   host %s\n", real[i]);
		CHECK_INT(count(RULE_URL_PLACEHOLDER), 0);
	}
	audit(HEAD "    sources:\n      - id: card\n        url: https://example.com/card\n");
	CHECK_STR(first(RULE_URL_PLACEHOLDER)->message,
		  "placeholder URL 'https://example.com/card': the host 'example.com' is "
		  "reserved for examples and tests, so cite the real document");
	buf_release(&text);
}

/*
 * A model's verdicts on its URLs are reused for each citation: every
 * citation still gets its own findings, also past the number of distinct
 * URLs that are remembered.
 */
static void test_repeated_urls_each_reported(void)
{
	struct buf text = BUF_INIT;
	size_t i;

	buf_adds(&text, HEAD "    sources:\n      - id: card\n        url: http://example.com/card\n"
		 "    benchmarks:\n");
	for (i = 0; i < 3; i++)
		buf_addf(&text, "      - benchmark: MMLU\n        score: %zu\n"
			 "        date: 2024-07-23\n        source: http://example.com/card\n", i);
	for (i = 0; i < 2; i++)
		buf_addf(&text, "      - benchmark: GPQA\n        score: %zu\n"
			 "        date: 2024-07-23\n        source: gopher://acme.org\n", i);
	audit(text.ptr);
	CHECK_INT(count(RULE_URL_INSECURE), 4);
	CHECK_INT(count(RULE_URL_PLACEHOLDER), 4);
	CHECK_INT(count(RULE_URL_INVALID), 2);
	CHECK_INT(nth(RULE_URL_INSECURE, 3)->pos.line, 21);
	CHECK_STR(nth(RULE_URL_PLACEHOLDER, 3)->message,
		  "placeholder URL 'http://example.com/card': the host 'example.com' is "
		  "reserved for examples and tests, so cite the real document");
	CHECK_STR(nth(RULE_URL_INVALID, 1)->message,
		  "invalid URL 'gopher://acme.org': the scheme 'gopher' is not http or https");
	CHECK_STR(nth(RULE_URL_INVALID, 1)->benchmark, "GPQA");

	buf_reset(&text);
	buf_adds(&text, HEAD CARD "    benchmarks:\n");
	for (i = 0; i < 150; i++)
		buf_addf(&text, "      - benchmark: MMLU\n        score: %zu\n"
			 "        date: 2024-07-23\n        source: http://acme.org/%zu\n",
			 i, i % 100);
	audit(text.ptr);
	CHECK_INT(count(RULE_URL_INSECURE), 150);
	CHECK_STR(nth(RULE_URL_INSECURE, 149)->message,
		  "insecure URL 'http://acme.org/49': use https if the site serves it");
	CHECK_STR(nth(RULE_URL_INSECURE, 99)->message,
		  "insecure URL 'http://acme.org/99': use https if the site serves it");
	buf_release(&text);
}

static void test_score_missing_date_and_source(void)
{
	audit(HEAD CARD
	      "    benchmarks:\n"
	      "      - benchmark: MMLU\n"
	      "        variant: 5-shot\n"
	      "        score: 87.3\n");
	CHECK_INT(count(RULE_SCORE_MISSING_DATE), 1);
	CHECK_INT(first(RULE_SCORE_MISSING_DATE)->pos.line, 10);
	CHECK_INT(first(RULE_SCORE_MISSING_DATE)->pos.column, 9);
	CHECK_STR(first(RULE_SCORE_MISSING_DATE)->message,
		  "score of MMLU (5-shot) has no publication date");
	CHECK_INT(count(RULE_SCORE_MISSING_SOURCE), 1);
	CHECK_INT(first(RULE_SCORE_MISSING_SOURCE)->pos.line, 10);
	CHECK_STR(first(RULE_SCORE_MISSING_SOURCE)->message,
		  "score of MMLU (5-shot) has no source");
	CHECK_STR(first(RULE_SCORE_MISSING_SOURCE)->model, "m");
	CHECK_STR(first(RULE_SCORE_MISSING_SOURCE)->benchmark, "MMLU");
	CHECK_STR(first(RULE_SCORE_MISSING_SOURCE)->variant, "5-shot");
}

static void test_score_interpolated_markers(void)
{
	static const char *const marked[] = {
		"~87", "≈87", "87?", "87*", "'>87'", "'>= 87'", "85-88", "85–88",
		"87 (est.)", "est. 87", "approx 87", "TBD", "n/a", "N/A", "'?'",
		"'-'", "87 (interpolated)", "about 87", "'87±1'", "87+", NULL,
	};
	static const char *const plain[] = {
		"87", "-3.5", "0.805", "87%", "eighty", "87.3.1", NULL,
	};
	struct buf text = BUF_INIT;
	size_t i;

	for (i = 0; marked[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD CARD SCORE("MMLU", "%s", "2024-07-23"), marked[i]);
		audit(text.ptr);
		if (count(RULE_SCORE_INTERPOLATED) != 1)
			printf("#   value %s\n", marked[i]);
		CHECK_INT(count(RULE_SCORE_INTERPOLATED), 1);
		CHECK_INT(count(RULE_SCORE_NOT_NUMERIC), 0);
	}
	for (i = 0; plain[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD CARD SCORE("MMLU", "%s", "2024-07-23"), plain[i]);
		audit(text.ptr);
		if (count(RULE_SCORE_INTERPOLATED) != 0)
			printf("#   value %s\n", plain[i]);
		CHECK_INT(count(RULE_SCORE_INTERPOLATED), 0);
	}
	audit(HEAD CARD SCORE("MMLU", "~87", "2024-07-23"));
	CHECK_INT(first(RULE_SCORE_INTERPOLATED)->pos.line, 11);
	CHECK_INT(first(RULE_SCORE_INTERPOLATED)->pos.column, 16);
	CHECK_STR(first(RULE_SCORE_INTERPOLATED)->message,
		  "score '~87' of MMLU is marked as an estimate: record only values that a source publishes");
	buf_release(&text);
}

static void test_score_interpolated_fields(void)
{
	static const char *const marked[] = {
		"interpolated: true", "estimated: yes", "imputed: true",
		"extrapolated: true", "derived_from: [a, b]",
		"method: interpolation", "method: extrapolation", "method: estimate",
		"method: imputation", NULL,
	};
	static const char *const other[] = {
		"method: measured", "comment: interpolated elsewhere", NULL,
	};
	struct buf text = BUF_INIT;
	size_t i;

	for (i = 0; marked[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD CARD SCORE("MMLU", "87.3", "2024-07-23") "        %s\n",
			 marked[i]);
		audit(text.ptr);
		if (count(RULE_SCORE_INTERPOLATED) != 1)
			printf("#   field %s\n", marked[i]);
		CHECK_INT(count(RULE_SCORE_INTERPOLATED), 1);
		CHECK_INT(first(RULE_SCORE_INTERPOLATED)->pos.line, 14);
		CHECK_INT(first(RULE_SCORE_INTERPOLATED)->pos.column, 9);
	}
	for (i = 0; other[i]; i++) {
		buf_reset(&text);
		buf_addf(&text, HEAD CARD SCORE("MMLU", "87.3", "2024-07-23") "        %s\n",
			 other[i]);
		audit(text.ptr);
		CHECK_INT(count(RULE_SCORE_INTERPOLATED), 0);
	}
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-07-23") "        method: interpolation\n");
	CHECK_STR(first(RULE_SCORE_INTERPOLATED)->message,
		  "score of MMLU is marked as estimated by 'method: interpolation': "
		  "record only values that a source publishes");
	buf_release(&text);
}

static void test_score_not_numeric(void)
{
	audit(HEAD CARD SCORE("MMLU", "87%", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_NOT_NUMERIC), 1);
	CHECK_INT(first(RULE_SCORE_NOT_NUMERIC)->pos.line, 11);
	CHECK_STR(first(RULE_SCORE_NOT_NUMERIC)->message,
		  "score '87%' of MMLU is not a plain decimal: write the number as published, such as 87.3");
	CHECK_STR(first(RULE_SCORE_NOT_NUMERIC)->value, "87%");
	audit(HEAD CARD SCORE("MMLU", "\"87.3\"", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_NOT_NUMERIC), 0);
	audit(HEAD CARD SCORE("MMLU", "8.7e1", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_NOT_NUMERIC), 1);
}

static void test_score_out_of_range(void)
{
	audit(HEAD CARD SCORE("MMLU", "100.1", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 1);
	CHECK_INT(first(RULE_SCORE_OUT_OF_RANGE)->pos.line, 11);
	CHECK_STR(first(RULE_SCORE_OUT_OF_RANGE)->message,
		  "score 100.1 of MMLU is outside the range of MMLU, 0 to 100: "
		  "check the value and the benchmark name");
	audit(HEAD CARD SCORE("MMLU", "-1", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 1);
	audit(HEAD CARD SCORE("MMLU", "100", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 0);
	audit(HEAD CARD SCORE("MMLU", "0.873", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 0);
	audit(HEAD CARD SCORE("MT-Bench", "10.5", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 1);
	audit(HEAD CARD SCORE("MT-Bench", "8.38", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 0);
	audit(HEAD CARD SCORE("Arena Elo", "1380", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 0);
	audit(HEAD CARD SCORE("Arena Elo", "-5", "2024-07-23"));
	CHECK_STR(first(RULE_SCORE_OUT_OF_RANGE)->message,
		  "score -5 of Arena Elo is outside the range of Arena Elo, at least 0: "
		  "check the value and the benchmark name");
	/* Unknown benchmarks have no range. */
	audit(HEAD CARD SCORE("Acme-Bench", "1000", "2024-07-23"));
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 0);
}

static void test_score_duplicate(void)
{
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-07-23")
	      "      - benchmark: mmlu\n"
	      "        score: 87.4\n"
	      "        date: 2024-07-23\n"
	      "        source: https://acme.org/card\n");
	CHECK_INT(count(RULE_SCORE_DUPLICATE), 1);
	CHECK_INT(first(RULE_SCORE_DUPLICATE)->pos.line, 14);
	CHECK_INT(first(RULE_SCORE_DUPLICATE)->pos.column, 9);
	CHECK_STR(first(RULE_SCORE_DUPLICATE)->message,
		  "score of MMLU from source 'https://acme.org/card' repeats the entry on "
		  "line 10: keep one entry per benchmark, variant and source");

	/* Another variant or another source is another score. */
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-07-23")
	      "      - benchmark: MMLU\n"
	      "        variant: 0-shot\n"
	      "        score: 87.4\n"
	      "        date: 2024-07-23\n"
	      "        source: card\n"
	      "      - benchmark: MMLU\n"
	      "        score: 87.4\n"
	      "        date: 2024-07-23\n"
	      "        source: https://acme.org/paper\n");
	CHECK_INT(count(RULE_SCORE_DUPLICATE), 0);

	/* Aliases name the same benchmark. */
	audit(HEAD CARD SCORE("ARC-Challenge", "80", "2024-07-23")
	      "      - benchmark: ARC-C\n"
	      "        score: 80\n"
	      "        date: 2024-07-23\n"
	      "        source: card\n"
	      "      - benchmark: ARC Challenge\n"
	      "        score: 80\n"
	      "        date: 2024-07-23\n"
	      "        source: card\n");
	CHECK_INT(count(RULE_SCORE_DUPLICATE), 2);
	CHECK_STR(nth(RULE_SCORE_DUPLICATE, 1)->message,
		  "score of ARC-Challenge from source 'card' repeats the entry on line 10: "
		  "keep one entry per benchmark, variant and source");
}

/* Three sibling models of family f with the given sizes and MMLU values. */
static void audit_family(const char *size1, const char *v1, const char *size2,
			 const char *v2, const char *size3, const char *v3)
{
	const char *sizes[3] = { size1, size2, size3 };
	const char *values[3] = { v1, v2, v3 };
	struct buf text = BUF_INIT;
	int i;

	buf_adds(&text, "models:\n");
	for (i = 0; i < 3; i++)
		buf_addf(&text,
			 "  - id: m%d\n"
			 "    name: M\n"
			 "    organization: O\n"
			 "    released: 2024-07-23\n"
			 "    family: f\n"
			 "    sources:\n"
			 "      - id: card\n"
			 "        url: https://acme.org/card\n"
			 "    specs:\n"
			 "      total_params: %s\n"
			 "    benchmarks:\n"
			 "      - benchmark: MMLU\n"
			 "        variant: 5-shot\n"
			 "        score: %s\n"
			 "        date: 2024-07-23\n"
			 "        source: card\n", i + 1, sizes[i], values[i]);
	audit(text.ptr);
	buf_release(&text);
}

static void test_score_suspect_interpolated(void)
{
	audit_family("7B", "60.0", "13B", "65.0", "70B", "70.0");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	CHECK_INT(first(RULE_SCORE_SUSPECT_INTERPOLATED)->pos.line, 31);
	CHECK_INT(first(RULE_SCORE_SUSPECT_INTERPOLATED)->pos.column, 16);
	CHECK_STR(first(RULE_SCORE_SUSPECT_INTERPOLATED)->model, "m2");
	CHECK_STR(first(RULE_SCORE_SUSPECT_INTERPOLATED)->message,
		  "score 65.0 of MMLU (5-shot) is the mean of its smaller sibling 'm1' (60.0) "
		  "and its larger sibling 'm3' (70.0), as an interpolation would be: "
		  "check that a source publishes it");

	/* At the printed precision: 69.4 and 87.3 have the mean 78.35. */
	audit_family("8B", "69.4", "70B", "78.4", "405B", "87.3");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	audit_family("8B", "69.4", "70B", "78.3", "405B", "87.3");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	audit_family("8B", "69.4", "70B", "78", "405B", "87.3");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	audit_family("8B", "69.4", "70B", "78.36", "405B", "87.3");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);
	audit_family("8B", "69.4", "70B", "83.6", "405B", "87.3");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);

	/* The middle value must also be the middle size. */
	audit_family("70B", "60.0", "13B", "65.0", "7B", "70.0");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	audit_family("7B", "60.0", "80B", "65.0", "70B", "70.0");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);
	audit_family("7B", "60.0", "7B", "65.0", "70B", "70.0");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);
	/* Sizes compare by value. */
	audit_family("0.5T", "60.0", "1T", "65.0", "1500B", "70.0");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
}

static void test_suspect_needs_same_family_and_variant(void)
{
	audit("models:\n"
	      "  - {id: a, name: A, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/a'}], specs: {total_params: 1B},\n"
	      "     benchmarks: [{benchmark: MMLU, score: 60, date: 2024-07-23, source: card}]}\n"
	      "  - {id: b, name: B, organization: O, released: 2024-07-23, family: g,\n"
	      "     sources: [{id: card, url: 'https://acme.org/b'}], specs: {total_params: 2B},\n"
	      "     benchmarks: [{benchmark: MMLU, score: 65, date: 2024-07-23, source: card}]}\n"
	      "  - {id: c, name: C, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/c'}], specs: {total_params: 3B},\n"
	      "     benchmarks: [{benchmark: MMLU, score: 70, date: 2024-07-23, source: card}]}\n");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);
	audit("models:\n"
	      "  - {id: a, name: A, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/a'}], specs: {total_params: 1B},\n"
	      "     benchmarks: [{benchmark: MMLU, score: 60, date: 2024-07-23, source: card}]}\n"
	      "  - {id: b, name: B, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/b'}], specs: {total_params: 2B},\n"
	      "     benchmarks: [{benchmark: MMLU, variant: 0-shot, score: 65, date: 2024-07-23, source: card}]}\n"
	      "  - {id: c, name: C, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/c'}], specs: {total_params: 3B},\n"
	      "     benchmarks: [{benchmark: MMLU, score: 70, date: 2024-07-23, source: card}]}\n");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 0);
}

/* Unknown benchmark names group as the catalogue compares names. */
static void test_suspect_groups_normalised_names(void)
{
	audit("models:\n"
	      "  - {id: a, name: A, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/a'}], specs: {total_params: 1B},\n"
	      "     benchmarks: [{benchmark: My-Bench, score: 60, date: 2024-07-23, source: card}]}\n"
	      "  - {id: b, name: B, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/b'}], specs: {total_params: 2B},\n"
	      "     benchmarks: [{benchmark: my bench, score: 65, date: 2024-07-23, source: card}]}\n"
	      "  - {id: c, name: C, organization: O, released: 2024-07-23, family: f,\n"
	      "     sources: [{id: card, url: 'https://acme.org/c'}], specs: {total_params: 3B},\n"
	      "     benchmarks: [{benchmark: MYBENCH, score: 70, date: 2024-07-23, source: card}]}\n");
	CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 1);
	CHECK_STR(first(RULE_SCORE_SUSPECT_INTERPOLATED)->model, "b");
	CHECK_STR(first(RULE_SCORE_SUSPECT_INTERPOLATED)->benchmark, "my bench");
	CHECK_STR(first(RULE_SCORE_SUSPECT_INTERPOLATED)->source, "https://acme.org/b");
}

/*
 * check keeps slim models (model_slim()) for the rules across models; every
 * finding must be the same as with whole models, fingerprint included.
 */
static void test_slim_models_find_the_same(void)
{
	static const char *const texts[] = {
		"models:\n"
		"  - {id: a, name: A, organization: O, released: 2024-07-23, family: f, base_model: zz,\n"
		"     sources: [{id: card, url: 'https://acme.org/a'}], specs: {total_params: 1B},\n"
		"     benchmarks: [{benchmark: MMLU, variant: 5-shot, score: 60, date: 2024-07-23, source: card},\n"
		"                  {benchmark: GSM8K, score: 10.5, date: 2024-07-23, source: 'https://acme.org/x'}]}\n"
		"  - {id: b, name: B, organization: O, released: 2024-07-23, family: f,\n"
		"     sources: [{id: card, url: 'https://acme.org/b'}], specs: {total_params: 2B},\n"
		"     benchmarks: [{benchmark: MMLU, variant: 5-shot, score: 65, date: 2024-07-23, source: card},\n"
		"                  {benchmark: GSM8K, score: 11.0, date: 2024-07-23, source: 'https://acme.org/y'}]}\n"
		"  - {id: a, name: C, organization: O, released: 2024-07-23, family: f,\n"
		"     sources: [{id: card, url: 'https://acme.org/c'}], specs: {total_params: 3B},\n"
		"     benchmarks: [{benchmark: MMLU, variant: 5-shot, score: 70, date: 2024-07-23, source: card},\n"
		"                  {benchmark: GSM8K, score: 11.5, date: 2024-07-23}]}\n",
		HEAD CARD SCORE("MMLU", "87.3", "2024-07-23"),
	};
	size_t t, i;

	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		struct finding_list whole = FINDING_LIST_INIT;

		slim = 0;
		audit(texts[t]);
		finding_list_move(&whole, &findings);
		slim = 1;
		audit(texts[t]);
		slim = 0;
		CHECK_INT(findings.nr, whole.nr);
		for (i = 0; i < findings.nr && i < whole.nr; i++) {
			CHECK_STR(findings.items[i].message, whole.items[i].message);
			CHECK_STR(findings.items[i].fingerprint, whole.items[i].fingerprint);
			CHECK_INT(findings.items[i].pos.line, whole.items[i].pos.line);
			CHECK_INT(findings.items[i].pos.column, whole.items[i].pos.column);
		}
		if (t == 0)
			CHECK_INT(count(RULE_SCORE_SUSPECT_INTERPOLATED), 2);
		finding_list_release(&whole);
	}
}

static void test_benchmark_unknown(void)
{
	audit(HEAD CARD SCORE("MMLUU", "87.3", "2024-07-23"));
	CHECK_INT(count(RULE_BENCHMARK_UNKNOWN), 1);
	CHECK_INT(first(RULE_BENCHMARK_UNKNOWN)->pos.line, 10);
	CHECK_INT(first(RULE_BENCHMARK_UNKNOWN)->pos.column, 20);
	CHECK_STR(first(RULE_BENCHMARK_UNKNOWN)->message,
		  "unknown benchmark 'MMLUU' (did you mean 'MMLU'?)");
	audit(HEAD CARD SCORE("Acme Reasoning Suite", "87.3", "2024-07-23"));
	CHECK_STR(first(RULE_BENCHMARK_UNKNOWN)->message,
		  "unknown benchmark 'Acme Reasoning Suite': add it to benchmarks.yaml in a rules directory");
	audit(HEAD CARD SCORE("gsm-8k", "87.3", "2024-07-23"));
	CHECK_INT(count(RULE_BENCHMARK_UNKNOWN), 0);
	audit(HEAD CARD SCORE("arc/c", "87.3", "2024-07-23"));
	CHECK_INT(count(RULE_BENCHMARK_UNKNOWN), 0);
}

static void test_date_invalid(void)
{
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-02-30"));
	CHECK_INT(count(RULE_DATE_INVALID), 1);
	CHECK_INT(first(RULE_DATE_INVALID)->pos.line, 12);
	CHECK_INT(first(RULE_DATE_INVALID)->pos.column, 15);
	CHECK_STR(first(RULE_DATE_INVALID)->message,
		  "the date of the MMLU score is '2024-02-30', a day that does not exist in the calendar");
	audit(HEAD CARD SCORE("MMLU", "87.3", "July 2024"));
	CHECK_STR(first(RULE_DATE_INVALID)->message,
		  "the date of the MMLU score is 'July 2024', not a date of the form YYYY-MM-DD");
	audit("models:\n  - id: m\n    name: M\n    organization: O\n    released: 2024-7-23\n" CARD);
	CHECK_INT(count(RULE_DATE_INVALID), 1);
	CHECK_INT(first(RULE_DATE_INVALID)->pos.line, 5);
	audit(HEAD "    sources:\n      - id: card\n        url: https://acme.org/card\n"
	      "        published: 2023-02-29\n");
	CHECK_INT(count(RULE_DATE_INVALID), 1);
	audit(HEAD CARD "    specs:\n      knowledge_cutoff: 2023-12\n");
	CHECK_INT(count(RULE_DATE_INVALID), 0);
	audit(HEAD CARD "    specs:\n      knowledge_cutoff: 2023-13\n");
	CHECK_INT(count(RULE_DATE_INVALID), 1);
	audit(HEAD CARD "    quantizations:\n      verified: 2024-11-31\n      families: [gguf]\n");
	CHECK_INT(count(RULE_DATE_INVALID), 1);
}

static void test_date_in_future(void)
{
	audit(HEAD CARD SCORE("MMLU", "87.3", "2026-01-16"));
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 1);
	CHECK_INT(first(RULE_DATE_IN_FUTURE)->pos.line, 12);
	CHECK_STR(first(RULE_DATE_IN_FUTURE)->message,
		  "the date of the MMLU score is 2026-01-16, after today (2026-01-15): correct the date");
	audit(HEAD CARD SCORE("MMLU", "87.3", "2026-01-15"));
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 0);
	audit("models:\n  - id: m\n    name: M\n    organization: O\n    released: 2027-01-01\n" CARD);
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 1);
	audit(HEAD CARD "    specs:\n      knowledge_cutoff: 2026-02\n");
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 1);
}

static void test_date_before_release(void)
{
	/* Released 2024-07-23; 90 days before is 2024-04-24. */
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-04-23"));
	CHECK_INT(count(RULE_DATE_BEFORE_RELEASE), 1);
	CHECK_INT(first(RULE_DATE_BEFORE_RELEASE)->pos.line, 12);
	CHECK_STR(first(RULE_DATE_BEFORE_RELEASE)->message,
		  "score of MMLU is dated 2024-04-23, 91 days before the model's release "
		  "on 2024-07-23: check the date of the source");
	audit(HEAD CARD SCORE("MMLU", "87.3", "2024-04-24"));
	CHECK_INT(count(RULE_DATE_BEFORE_RELEASE), 0);
}

static void test_params_rules(void)
{
	audit(HEAD CARD "    specs:\n      architecture: moe\n      total_params: 47B\n"
	      "      active_params: 13B\n");
	CHECK_INT(findings.nr, 0);
	audit(HEAD CARD "    specs:\n      total_params: 8B\n      active_params: 70B\n");
	CHECK_INT(count(RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL), 1);
	CHECK_INT(first(RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL)->pos.line, 11);
	CHECK_INT(first(RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL)->pos.column, 22);
	CHECK_STR(first(RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL)->message,
		  "active_params 70B is greater than total_params 8B: a model cannot use "
		  "more parameters than it has");
	audit(HEAD CARD "    specs:\n      total_params: 1.5T\n      active_params: 1500B\n");
	CHECK_INT(count(RULE_PARAMS_ACTIVE_EXCEEDS_TOTAL), 0);

	audit(HEAD CARD "    specs:\n      architecture: dense\n      total_params: 8B\n"
	      "      active_params: 7B\n");
	CHECK_INT(count(RULE_PARAMS_DENSE_MISMATCH), 1);
	CHECK_INT(first(RULE_PARAMS_DENSE_MISMATCH)->pos.line, 12);
	CHECK_STR(first(RULE_PARAMS_DENSE_MISMATCH)->message,
		  "active_params 7B differs from total_params 8B in a dense model: make "
		  "them equal, or set architecture to moe");
	audit(HEAD CARD "    specs:\n      architecture: dense\n      total_params: 8B\n"
	      "      active_params: 8000M\n");
	CHECK_INT(count(RULE_PARAMS_DENSE_MISMATCH), 0);
	audit(HEAD CARD "    specs:\n      architecture: dense\n      total_params: 8B\n");
	CHECK_INT(count(RULE_PARAMS_DENSE_MISMATCH), 0);
}

static void test_quantizations_unverified(void)
{
	audit(HEAD CARD "    quantizations:\n      families: [fp8, gguf]\n");
	CHECK_INT(count(RULE_QUANTIZATIONS_UNVERIFIED), 1);
	CHECK_INT(first(RULE_QUANTIZATIONS_UNVERIFIED)->pos.line, 10);
	CHECK_INT(first(RULE_QUANTIZATIONS_UNVERIFIED)->pos.column, 7);
	CHECK_STR(first(RULE_QUANTIZATIONS_UNVERIFIED)->message,
		  "quantizations lists families but no verified date: add "
		  "quantizations.verified with the date the list was checked");
	audit(HEAD CARD "    quantizations:\n      verified: 2024-11-20\n      families: [fp8, gguf]\n");
	CHECK_INT(count(RULE_QUANTIZATIONS_UNVERIFIED), 0);
	CHECK_INT(findings.nr, 0);
	audit(HEAD CARD "    quantizations: {families: []}\n");
	CHECK_INT(count(RULE_QUANTIZATIONS_UNVERIFIED), 0);
	audit(HEAD CARD "    quantizations: {families: [gguf, {name: awq}], verified: ''}\n");
	CHECK_INT(count(RULE_QUANTIZATIONS_UNVERIFIED), 1);
	audit(HEAD CARD "    quantizations: {families: [gguf, {name: awq}], verified: 2024-13-01}\n");
	CHECK_INT(count(RULE_QUANTIZATIONS_UNVERIFIED), 0);
	CHECK_INT(count(RULE_DATE_INVALID), 1);
	CHECK_STR(first(RULE_DATE_INVALID)->value, "2024-13-01");
	audit(HEAD CARD "    quantizations: {verified: 2026-02-01, families: [gguf]}\n");
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 1);
}

static void test_spec_source_url(void)
{
	audit(HEAD CARD "    specs:\n      license: {value: MIT, source: 'http://acme.org/license'}\n");
	CHECK_INT(count(RULE_URL_INSECURE), 1);
	CHECK_INT(first(RULE_URL_INSECURE)->pos.line, 10);
	CHECK_INT(count(RULE_SOURCE_UNKNOWN_REF), 0);
	audit(HEAD CARD "    specs:\n      license: {value: MIT, source: card}\n");
	CHECK_INT(findings.nr, 0);
}

static void test_source_published_in_future(void)
{
	audit(HEAD CARD "        published: 2026-06-01\n");
	CHECK_INT(count(RULE_DATE_IN_FUTURE), 1);
	CHECK_STR(first(RULE_DATE_IN_FUTURE)->message,
		  "the published date of source 'card' is 2026-06-01, after today "
		  "(2026-01-15): correct the date");
}

static void test_messages_escape_registry_text(void)
{
	audit(HEAD CARD SCORE("\"MM\\x1bLU\"", "\"8\\n7\"", "2024-07-23"));
	CHECK_STR(first(RULE_SCORE_NOT_NUMERIC)->message,
		  "score '8\\n7' of MM\\x1BLU is not a plain decimal: write the number as "
		  "published, such as 87.3");
}

/* Models built by hand, without the loader, as other callers may build them. */
static void test_hand_built_model(void)
{
	struct model m;
	struct score sc;
	struct source src;

	memset(&m, 0, sizeof(m));
	memset(&sc, 0, sizeof(sc));
	memset(&src, 0, sizeof(src));
	m.path = "hand.yaml";
	m.id.s = "hand";
	m.pos.line = 1;
	src.id.s = "card";
	src.url.s = "https://acme.org/";
	m.sources = &src;
	m.nsources = 1;
	sc.benchmark.s = "MMLU";
	sc.value.s = "101";
	sc.value.pos.line = 7;
	sc.source.s = "card";
	sc.date.s = "2024-01-01";
	m.scores = &sc;
	m.nscores = 1;

	finding_list_release(&findings);
	checks_model(&m, &rules, &findings);
	CHECK_INT(findings.nr, 1);
	CHECK_INT(count(RULE_SCORE_OUT_OF_RANGE), 1);
	CHECK_INT(first(RULE_SCORE_OUT_OF_RANGE)->pos.line, 7);
	CHECK_STR(first(RULE_SCORE_OUT_OF_RANGE)->source, "https://acme.org/");
	CHECK_STR(first(RULE_SCORE_OUT_OF_RANGE)->path, "hand.yaml");
}

/* A file the loader stops on counts as broken and keeps no model, but one that loads does not. */
static void test_broken_file_counted(void)
{
	static const char *const broken[] = {
		HEAD CARD SCORE("MMLU", "0.8", "2024-08-01") "  - id: [unclosed\n",
		"",
		HEAD "    name: \xff\n",
	};
	struct registry reg = REGISTRY_INIT;
	size_t i;

	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		finding_list_release(&findings);
		registry_add_file(&reg, &rules, "t.yaml", broken[i], strlen(broken[i]), &findings);
		CHECK_INT(reg.nbroken, i + 1);
		CHECK_INT(reg.nr, 0);
	}
	finding_list_release(&findings);
	registry_add_file(&reg, &rules, "t.yaml", HEAD CARD, strlen(HEAD CARD), &findings);
	CHECK_INT(reg.nbroken, 3);
	CHECK_INT(reg.nr, 1);
	CHECK_INT(reg.nfiles, 4);
	registry_release(&reg);
	finding_list_release(&findings);
}

int main(void)
{
	struct buf err = BUF_INIT;

	setenv("MODELAUDIT_TODAY", "2026-01-15", 1);
	if (ruleset_load(&rules, NULL, 0, &err) < 0) {
		printf("# ruleset_load: %s\n", err.ptr);
		return 1;
	}

	RUN(test_clean_model_has_no_findings);
	RUN(test_shipped_registry_is_clean);
	RUN(test_model_duplicate_id);
	RUN(test_model_no_source);
	RUN(test_model_unknown_base);
	RUN(test_source_duplicate_id);
	RUN(test_source_unknown_ref);
	RUN(test_url_invalid);
	RUN(test_url_insecure);
	RUN(test_url_placeholder);
	RUN(test_repeated_urls_each_reported);
	RUN(test_score_missing_date_and_source);
	RUN(test_score_interpolated_markers);
	RUN(test_score_interpolated_fields);
	RUN(test_score_not_numeric);
	RUN(test_score_out_of_range);
	RUN(test_score_duplicate);
	RUN(test_score_suspect_interpolated);
	RUN(test_suspect_needs_same_family_and_variant);
	RUN(test_suspect_groups_normalised_names);
	RUN(test_slim_models_find_the_same);
	RUN(test_benchmark_unknown);
	RUN(test_date_invalid);
	RUN(test_date_in_future);
	RUN(test_date_before_release);
	RUN(test_params_rules);
	RUN(test_quantizations_unverified);
	RUN(test_spec_source_url);
	RUN(test_source_published_in_future);
	RUN(test_messages_escape_registry_text);
	RUN(test_hand_built_model);
	RUN(test_broken_file_counted);

	finding_list_release(&findings);
	ruleset_release(&rules);
	buf_release(&err);
	return unit_done();
}
