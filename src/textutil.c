#include "textutil.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"

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

size_t edit_distance_bytes(const char *a, size_t la, const char *b, size_t lb,
			   size_t max)
{
	size_t row[257];
	size_t too_far = max + 1, i, j;

	if (la > 256 || lb > 256)
		return too_far;
	if ((la > lb ? la - lb : lb - la) > max)
		return too_far;
	if (!lb)
		return la;

	/*
	 * A distance of at most max never leaves the band of cells within max
	 * of the diagonal, so only that band is computed. Cells outside it
	 * count as too_far, and every value is capped there.
	 */
	for (j = 0; j <= lb; j++)
		row[j] = j < too_far ? j : too_far;
	for (i = 1; i <= la; i++) {
		size_t lo = i > max ? i - max : 1;
		size_t hi = i + max < lb ? i + max : lb;
		size_t diagonal, left, best;

		/* Column 0 is in the band while lo is 1, and i is at most too_far then. */
		diagonal = row[lo - 1];
		left = lo == 1 ? i : too_far;
		row[lo - 1] = left;
		best = left;
		for (j = lo; j <= hi; j++) {
			size_t above = j + 1 > i + max ? too_far : row[j];
			size_t value = diagonal + (a[i - 1] != b[j - 1]);

			if (above + 1 < value)
				value = above + 1;
			if (left + 1 < value)
				value = left + 1;
			if (value > too_far)
				value = too_far;
			diagonal = above;
			row[j] = value;
			left = value;
			if (value < best)
				best = value;
		}
		if (best > max)
			return too_far;
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

uint64_t benchmark_name_hash(const char *name)
{
	uint64_t h = 0xCBF29CE484222325ull;

	for (; *name; name++) {
		if (strchr(" -_/", *name))
			continue;
		h = (h ^ (unsigned char)tolower((unsigned char)*name)) * 0x100000001B3ull;
	}
	return h;
}

void benchmark_name_normalise(struct buf *out, const char *name)
{
	const char *p = name;

	while (*p) {
		const char *run = p;
		char c;

		/* Most names are mostly lower case: such runs are copied whole. */
		while (*p && *p != ' ' && *p != '-' && *p != '_' && *p != '/' &&
		       !(*p >= 'A' && *p <= 'Z'))
			p++;
		buf_add(out, run, (size_t)(p - run));
		c = *p;
		if (!c)
			break;
		p++;
		if (c >= 'A' && c <= 'Z')
			buf_addch(out, c - 'A' + 'a');
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
