#ifndef MODELAUDIT_TEXTUTIL_H
#define MODELAUDIT_TEXTUTIL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Returns the Levenshtein distance between a and b, ignoring ASCII case,
 * or max + 1 as soon as it is known to exceed max (strings longer than
 * 256 bytes also return max + 1).
 */
size_t edit_distance(const char *a, const char *b, size_t max);

/*
 * Returns the Levenshtein distance between a (la bytes) and b (lb bytes),
 * comparing bytes exactly, or max + 1 when it exceeds max. Like
 * edit_distance(), strings longer than 256 bytes return max + 1. It costs
 * about la * (2 * max + 1) steps, so a small max makes it cheap.
 */
size_t edit_distance_bytes(const char *a, size_t la, const char *b, size_t lb,
			   size_t max);

/*
 * Returns the candidate nearest to word: within a third of the word's
 * length (at least 1, at most 3 edits), or NULL.
 */
const char *nearest_word(const char *word, const char *const *candidates,
			 size_t count);

/* Reports whether two strings are equal; two NULLs are equal, NULL and a string are not. */
int text_equal(const char *a, const char *b);

/*
 * Reports whether two benchmark names match as the catalogue matches them:
 * ignoring ASCII case and the characters space, '-', '_' and '/'.
 */
int benchmark_names_equal(const char *a, const char *b);

struct buf;

/*
 * Appends name to out in the form that benchmark_names_equal() compares:
 * ASCII lower case, without the characters space, '-', '_' and '/'.
 */
void benchmark_name_normalise(struct buf *out, const char *name);

/* Hashes a benchmark name: names that benchmark_names_equal() takes as one hash alike. */
uint64_t benchmark_name_hash(const char *name);

/* Orders two benchmark names (neither NULL) by what benchmark_names_equal() compares. */
int benchmark_names_compare(const char *a, const char *b);

/*
 * A fast hash of n bytes for hash tables; not cryptographic, so callers
 * confirm a hit by comparing the bytes.
 */
uint64_t text_hash(const char *p, size_t n);

#endif
