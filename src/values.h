#ifndef MODELAUDIT_VALUES_H
#define MODELAUDIT_VALUES_H

#include <stddef.h>

/*
 * Parsing and comparison of the registry's value types: plain decimals
 * (scores), counts with a K/M/B/T suffix (parameters, tokens, context
 * windows) and ISO 8601 calendar dates.
 */

/*
 * Parses a plain decimal literal ("87.3", "-3.5", "1250", "0.8050"): an
 * optional minus sign, digits, an optional fraction. No exponent, no plus
 * sign, no spaces. Returns 0 and sets *value and *decimals (digits after
 * the point), or -1.
 */
int decimal_parse(const char *s, double *value, int *decimals);

/*
 * Reports whether two decimal literals are numerically equal, compared
 * exactly on their digits ("0.8050" equals "0.805", "1" equals "1.0").
 * Literals that do not parse compare as strings.
 */
int decimal_equal(const char *a, const char *b);

struct buf;

/*
 * Appends to out a key for the literal s, which must not be NULL. Two
 * literals get the same key exactly when decimal_equal() reports them
 * equal, so callers can sort or hash values by their keys.
 */
void decimal_key(struct buf *out, const char *s);

/*
 * Parses a count: digits, an optional fraction and an optional suffix K, M,
 * B or T (1e3, 1e6, 1e9, 1e12), or a plain integer. With tokens set, a K
 * suffix means 1024 (context windows: 128K = 131072). Returns 0 and sets
 * *value, or -1 (also for a count too large for a double).
 */
int count_parse(const char *s, int tokens, double *value);

/* Reports whether two counts are equal by value ("1.5T" and "1500B"). */
int count_equal(const char *a, const char *b, int tokens);

/*
 * Parses YYYY-MM-DD and checks that the day exists. Returns 0 and sets
 * *days (days since 1970-01-01), -1 for a malformed string and -2 for a
 * well-formed date that does not exist (2024-02-30).
 */
int date_parse(const char *s, long *days);

/* Parses YYYY-MM or YYYY-MM-DD (knowledge_cutoff). Same returns as date_parse. */
int date_parse_month(const char *s, long *days);

#endif
