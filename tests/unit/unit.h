#ifndef MODELAUDIT_UNIT_H
#define MODELAUDIT_UNIT_H

/*
 * A minimal unit-test harness. A test file defines `static void test_x(void)`
 * functions and a main() that calls RUN(test_x) for each and returns
 * unit_done(). CHECK() records a failure and continues.
 */
#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed, unit_current_failed;

#define CHECK(cond) do { \
	if (!(cond)) { \
		printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		unit_current_failed = 1; \
	} \
} while (0)

#define CHECK_STR(actual, expected) do { \
	const char *a_ = (actual), *e_ = (expected); \
	if (!a_ || !e_ || strcmp(a_, e_)) { \
		printf("#   %s:%d: expected \"%s\", got \"%s\"\n", __FILE__, __LINE__, \
		       e_ ? e_ : "(null)", a_ ? a_ : "(null)"); \
		unit_current_failed = 1; \
	} \
} while (0)

#define CHECK_INT(actual, expected) do { \
	long long a_ = (long long)(actual), e_ = (long long)(expected); \
	if (a_ != e_) { \
		printf("#   %s:%d: %s: expected %lld, got %lld\n", __FILE__, __LINE__, \
		       #actual, e_, a_); \
		unit_current_failed = 1; \
	} \
} while (0)

#define RUN(fn) do { \
	unit_current_failed = 0; \
	fn(); \
	if (unit_current_failed) { \
		unit_failed++; \
		printf("not ok - %s\n", #fn); \
	} else { \
		unit_passed++; \
		printf("ok - %s\n", #fn); \
	} \
} while (0)

static inline int unit_done(void)
{
	printf("# passed %d failed %d\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
