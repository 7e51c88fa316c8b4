#include "textutil.h"

#include <ctype.h>
#include <string.h>

size_t edit_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t row[257];

	if (la > 256 || lb > 256)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		size_t diagonal = row[0], best;

		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			size_t above = row[j];
			size_t cost = tolower((unsigned char)a[i - 1]) ==
				      tolower((unsigned char)b[j - 1]) ? 0 : 1;
			size_t value = diagonal + cost;

			if (above + 1 < value)
				value = above + 1;
			if (row[j - 1] + 1 < value)
				value = row[j - 1] + 1;
			row[j] = value;
			diagonal = above;
			if (value < best)
				best = value;
		}
		if (best > max)
			return max + 1;
	}
	return row[lb];
}

const char *nearest_word(const char *word, const char *const *candidates,
			 size_t count)
{
	size_t i, limit = strlen(word) / 3, best_distance;
	const char *best = NULL;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	best_distance = limit + 1;
	for (i = 0; i < count; i++) {
		size_t d = edit_distance(word, candidates[i], limit);

		if (d < best_distance) {
			best_distance = d;
			best = candidates[i];
		}
	}
	return best;
}

int text_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

int benchmark_names_compare(const char *a, const char *b)
{
	for (;;) {
		int x, y;

		while (*a && strchr(" -_/", *a))
			a++;
		while (*b && strchr(" -_/", *b))
			b++;
		if (!*a || !*b)
			return !!*a - !!*b;
		x = tolower((unsigned char)*a);
		y = tolower((unsigned char)*b);
		if (x != y)
			return x - y;
		a++;
		b++;
	}
}

int benchmark_names_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !benchmark_names_compare(a, b);
}

uint64_t text_hash(const char *p, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n;

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
		p += 8;
		n -= 8;
	}
	while (n--) {
		h = (h ^ (unsigned char)*p++) * 0x94D049BB133111EBull;
		h ^= h >> 29;
	}
	return h;
}
