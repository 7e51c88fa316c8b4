#include "unit.h"

#include "buf.h"
#include "values.h"

static void test_decimal_parse_accepts_plain_literals(void)
{
	double v = 0;
	int d = -1;

	CHECK_INT(decimal_parse("87.3", &v, &d), 0);
	CHECK(v == 87.3);
	CHECK_INT(d, 1);
	CHECK_INT(decimal_parse("0.8050", &v, &d), 0);
	CHECK(v == 0.805);
	CHECK_INT(d, 4);
	CHECK_INT(decimal_parse("1250", &v, &d), 0);
	CHECK(v == 1250);
	CHECK_INT(d, 0);
	CHECK_INT(decimal_parse("-3.5", &v, &d), 0);
	CHECK(v == -3.5);
	CHECK_INT(d, 1);
	CHECK_INT(decimal_parse("0", &v, &d), 0);
	CHECK(v == 0);
	CHECK_INT(decimal_parse("007", &v, &d), 0);
	CHECK(v == 7);
}

static void test_decimal_parse_rejects_other_forms(void)
{
	static const char *const bad[] = {
		"", "-", ".5", "87.", "+87", "8.7e1", "1e3", " 87", "87 ", "87%",
		"~87", "87?", "87*", "85-88", "1,5", "1.2.3", "0x10", "inf",
		"nan", "--1", "TBD", "n/a", "87.3.", "٣",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (decimal_parse(bad[i], NULL, NULL) != -1)
			printf("#   accepted \"%s\"\n", bad[i]);
		CHECK(decimal_parse(bad[i], NULL, NULL) == -1);
	}
	CHECK_INT(decimal_parse(NULL, NULL, NULL), -1);
}

static void test_decimal_equal_compares_digits(void)
{
	CHECK(decimal_equal("0.8050", "0.805"));
	CHECK(decimal_equal("1", "1.0"));
	CHECK(decimal_equal("1.000", "01"));
	CHECK(decimal_equal("0", "-0.0"));
	CHECK(decimal_equal("-3.50", "-3.5"));
	CHECK(decimal_equal("100", "100.00"));
	CHECK(!decimal_equal("0.805", "0.8051"));
	CHECK(!decimal_equal("10", "1"));
	CHECK(!decimal_equal("100", "10"));
	CHECK(!decimal_equal("3.5", "-3.5"));
	CHECK(!decimal_equal("0.1", "0.01"));
	/* Values a double cannot tell apart are still different literals. */
	CHECK(!decimal_equal("0.30000000000000000001", "0.3"));
	CHECK(decimal_equal("12345678901234567890.5", "12345678901234567890.50"));
}

static void test_decimal_equal_falls_back_to_text(void)
{
	CHECK(decimal_equal("n/a", "n/a"));
	CHECK(!decimal_equal("n/a", "N/A"));
	CHECK(!decimal_equal("87", "~87"));
	CHECK(decimal_equal(NULL, NULL));
	CHECK(!decimal_equal("1", NULL));
}

static void test_decimal_key_matches_equal(void)
{
	static const char *const literals[] = {
		"0.8050", "0.805", "1", "1.0", "01", "0", "-0.0", "00", "-3.50", "-3.5",
		"3.5", "100", "100.00", "10", "0.1", "0.01", "0.30000000000000000001",
		"0.3", "n/a", "N/A", "~87", "87", "d1e0", "s1", "1e0", "", "-", "1.",
	};
	size_t n = sizeof(literals) / sizeof(literals[0]), i, k;

	for (i = 0; i < n; i++) {
		for (k = 0; k < n; k++) {
			struct buf a = BUF_INIT, b = BUF_INIT;
			int same_key;

			decimal_key(&a, literals[i]);
			decimal_key(&b, literals[k]);
			same_key = !strcmp(a.ptr, b.ptr);
			if (same_key != decimal_equal(literals[i], literals[k]))
				printf("#   keys of \"%s\" and \"%s\": \"%s\", \"%s\"\n",
				       literals[i], literals[k], a.ptr, b.ptr);
			CHECK(same_key == decimal_equal(literals[i], literals[k]));
			buf_release(&a);
			buf_release(&b);
		}
	}
}

static void test_count_parse_suffixes(void)
{
	double v = 0;

	CHECK_INT(count_parse("405B", 0, &v), 0);
	CHECK(v == 405e9);
	CHECK_INT(count_parse("15T", 0, &v), 0);
	CHECK(v == 15e12);
	CHECK_INT(count_parse("7.3B", 0, &v), 0);
	CHECK(v == 7.3e9);
	CHECK_INT(count_parse("128K", 0, &v), 0);
	CHECK(v == 128000);
	CHECK_INT(count_parse("128K", 1, &v), 0);
	CHECK(v == 131072);
	CHECK_INT(count_parse("1.5K", 1, &v), 0);
	CHECK(v == 1536);
	CHECK_INT(count_parse("2M", 1, &v), 0);
	CHECK(v == 2e6);
	CHECK_INT(count_parse("131072", 1, &v), 0);
	CHECK(v == 131072);
	CHECK_INT(count_parse("0B", 0, &v), 0);
	CHECK(v == 0);
}

static void test_count_parse_rejects_malformed(void)
{
	static const char *const bad[] = {
		"", "B", "7.5", "-7B", "7 B", "7b", "7BB", "7G", "1e9", ".5B",
		"5.B", "12,000", "about 7B", NULL,
	};
	size_t i;

	for (i = 0; bad[i]; i++) {
		if (count_parse(bad[i], 0, NULL) != -1)
			printf("#   accepted \"%s\"\n", bad[i]);
		CHECK(count_parse(bad[i], 0, NULL) == -1);
	}
	CHECK_INT(count_parse(NULL, 0, NULL), -1);
}

static void test_count_equal_by_value(void)
{
	CHECK(count_equal("1.5T", "1500B", 0));
	CHECK(count_equal("15.6T", "15600B", 0));
	CHECK(count_equal("405B", "405000M", 0));
	CHECK(count_equal("8B", "8000000000", 0));
	CHECK(count_equal("128K", "131072", 1));
	CHECK(count_equal("0.5K", "512", 1));
	CHECK(count_equal("0B", "0", 0));
	CHECK(!count_equal("128K", "131072", 0));
	CHECK(!count_equal("7B", "7.3B", 0));
	CHECK(!count_equal("1T", "1B", 0));
	CHECK(!count_equal("7B", "seven", 0));
	CHECK(!count_equal("seven", "seven", 0));
}

static void test_date_parse_valid_dates(void)
{
	long days = -1;

	CHECK_INT(date_parse("1970-01-01", &days), 0);
	CHECK_INT(days, 0);
	CHECK_INT(date_parse("1970-01-02", &days), 0);
	CHECK_INT(days, 1);
	CHECK_INT(date_parse("1969-12-31", &days), 0);
	CHECK_INT(days, -1);
	CHECK_INT(date_parse("2000-03-01", &days), 0);
	CHECK_INT(days, 11017);
	CHECK_INT(date_parse("2024-07-23", &days), 0);
	CHECK_INT(days, 19927);
	CHECK_INT(date_parse("2024-02-29", &days), 0);
	CHECK_INT(date_parse("2000-02-29", &days), 0);
	CHECK_INT(date_parse("2024-12-31", &days), 0);
	CHECK_INT(days, 20088);
	CHECK_INT(date_parse("0001-01-01", &days), 0);
}

static void test_date_parse_rejects_impossible_days(void)
{
	CHECK_INT(date_parse("2024-02-30", NULL), -2);
	CHECK_INT(date_parse("2023-02-29", NULL), -2);
	CHECK_INT(date_parse("1900-02-29", NULL), -2);
	CHECK_INT(date_parse("2024-04-31", NULL), -2);
	CHECK_INT(date_parse("2024-13-01", NULL), -2);
	CHECK_INT(date_parse("2024-00-10", NULL), -2);
	CHECK_INT(date_parse("2024-01-00", NULL), -2);
	CHECK_INT(date_parse("2024-01-32", NULL), -2);
	CHECK_INT(date_parse("0000-01-01", NULL), -2);
}

static void test_date_parse_rejects_malformed(void)
{
	static const char *const bad[] = {
		"", "2024", "2024-07", "2024-7-23", "24-07-23", "2024/07/23",
		"2024-07-23T00:00:00Z", "2024-07-23 ", " 2024-07-23",
		"2024-07-2", "20240723", "2024-07-233", "July 23, 2024", NULL,
	};
	size_t i;

	for (i = 0; bad[i]; i++) {
		if (date_parse(bad[i], NULL) != -1)
			printf("#   accepted \"%s\"\n", bad[i]);
		CHECK(date_parse(bad[i], NULL) == -1);
	}
	CHECK_INT(date_parse(NULL, NULL), -1);
}

static void test_date_parse_month_forms(void)
{
	long days = -1;

	CHECK_INT(date_parse_month("2023-12", &days), 0);
	CHECK_INT(days, 19692);
	CHECK_INT(date_parse_month("2023-12-01", &days), 0);
	CHECK_INT(days, 19692);
	CHECK_INT(date_parse_month("2023-13", NULL), -2);
	CHECK_INT(date_parse_month("2023-02-30", NULL), -2);
	CHECK_INT(date_parse_month("2023", NULL), -1);
	CHECK_INT(date_parse_month("2023-1", NULL), -1);
	CHECK_INT(date_parse_month("2023-12-", NULL), -1);
}

int main(void)
{
	RUN(test_decimal_parse_accepts_plain_literals);
	RUN(test_decimal_parse_rejects_other_forms);
	RUN(test_decimal_equal_compares_digits);
	RUN(test_decimal_equal_falls_back_to_text);
	RUN(test_decimal_key_matches_equal);
	RUN(test_count_parse_suffixes);
	RUN(test_count_parse_rejects_malformed);
	RUN(test_count_equal_by_value);
	RUN(test_date_parse_valid_dates);
	RUN(test_date_parse_rejects_impossible_days);
	RUN(test_date_parse_rejects_malformed);
	RUN(test_date_parse_month_forms);
	return unit_done();
}
