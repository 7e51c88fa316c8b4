#include "revrange.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

void revrange_add_quoted(struct buf *b, const char *rev)
{
	buf_addch(b, '\'');
	buf_adds_escaped(b, rev);
	buf_addch(b, '\'');
}

/*
 * Returns the first ".." of s that separates two ends, or NULL. Dots
 * inside braces belong to a suffix such as "^{/text}", and a message
 * search ":/<text>" runs to the end of s.
 */
static const char *find_dots(const char *s)
{
	int depth = 0;

	if (!strncmp(s, ":/", 2))
		return NULL;
	for (; *s; s++) {
		if (*s == '{')
			depth++;
		else if (*s == '}' && depth)
			depth--;
		else if (!depth && s[0] == '.' && s[1] == '.')
			return s;
	}
	return NULL;
}

static int has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len >= n && !memcmp(s + len - n, suffix, n);
}

/* Returns where the "^-" of a "^-<digits>" suffix starts, or NULL. */
static const char *parent_suffix(const char *arg)
{
	const char *end = arg + strlen(arg);
	const char *p = end;

	while (p > arg && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p - arg >= 2 && p[-2] == '^' && p[-1] == '-')
		return p - 2;
	return NULL;
}

/*
 * Returns where the first "^-" of s (len bytes) starts, or NULL. A "^-"
 * inside braces ("^{/a^-b}"), in a message search (":/text") or in the
 * path of "<rev>:<path>" does not count.
 */
static const char *find_parent_mark(const char *s, size_t len)
{
	const char *end = s + len;
	int depth = 0;

	if (len >= 2 && !strncmp(s, ":/", 2))
		return NULL;
	for (; s + 1 < end; s++) {
		if (*s == '{')
			depth++;
		else if (*s == '}' && depth)
			depth--;
		else if (!depth && *s == ':')
			return NULL;
		else if (!depth && s[0] == '^' && s[1] == '-')
			return s;
	}
	return NULL;
}

/*
 * Checks that arg has "^-" only as its parent suffix (at mark, which may
 * be NULL): libgit2 resolves a revision from the left and would report a
 * missing parent before the bad syntax after it.
 */
static int check_parent_mark(const char *arg, size_t len, const char *mark,
			     const char *whole, struct buf *err)
{
	const char *found = find_parent_mark(arg, len);

	if (!found || found == mark)
		return 0;
	buf_reset(err);
	buf_adds(err, "invalid revision ");
	revrange_add_quoted(err, whole);
	buf_adds(err, ": '^-' ends a revision and is followed by a parent number or nothing, "
		 "as in 'HEAD^-' or 'HEAD^-2', and a range cannot use it");
	return -1;
}

static int parse_range(struct revrange *out, const char *arg, const char *dots,
		       struct buf *err)
{
	const char *right = dots[2] == '.' ? dots + 3 : dots + 2;

	if (find_dots(right)) {
		buf_reset(err);
		buf_adds(err, "invalid range ");
		revrange_add_quoted(err, arg);
		buf_adds(err, ": a range has two ends, as in '<a>..<b>' or '<a>...<b>'");
		return -1;
	}
	if (check_parent_mark(arg, (size_t)(dots - arg), NULL, arg, err) < 0 ||
	    check_parent_mark(right, strlen(right), NULL, arg, err) < 0)
		return -1;
	out->kind = dots[2] == '.' ? REVRANGE_THREE_DOT : REVRANGE_TWO_DOT;
	if (dots > arg)
		out->from = xstrndup(arg, (size_t)(dots - arg));
	if (*right)
		out->to = xstrdup(right);
	return 0;
}

static int parse_parent(struct revrange *out, const char *arg, const char *mark,
			struct buf *err)
{
	unsigned long n = 1;

	if (mark[2]) {
		errno = 0;
		n = strtoul(mark + 2, NULL, 10);
		if (errno || !n || n > UINT_MAX) {
			buf_reset(err);
			buf_adds(err, "invalid revision ");
			revrange_add_quoted(err, arg);
			buf_adds(err, ": '^-<n>' takes a parent number from 1");
			return -1;
		}
	}
	out->kind = REVRANGE_PARENT;
	out->to = xstrndup(arg, (size_t)(mark - arg));
	out->parent = n;
	return 0;
}

int revrange_parse(struct revrange *out, const char *arg, struct buf *err)
{
	size_t len = strlen(arg);
	const char *dots, *mark;

	memset(out, 0, sizeof(*out));
	if (!len) {
		buf_setf(err, "invalid revision '': a revision cannot be empty");
		return -1;
	}

	/*
	 * git log reports nothing for a lone "^a", as no commit is left to
	 * walk from. That is almost always a mistake for "a..HEAD", and an
	 * empty report would pass a CI job that checks nothing.
	 */
	if (arg[0] == '^') {
		buf_reset(err);
		buf_adds(err, "invalid revision ");
		revrange_add_quoted(err, arg);
		buf_adds(err, ": a lone negative revision leaves no commit to report; write ");
		if (arg[1]) {
			buf_adds(err, "'");
			buf_add_escaped(err, arg + 1, len - 1);
			buf_adds(err, "..HEAD'");
		} else {
			buf_adds(err, "'<since>..HEAD'");
		}
		buf_adds(err, " for the commits since it");
		return -1;
	}

	dots = find_dots(arg);
	if (dots)
		return parse_range(out, arg, dots, err);

	if (has_suffix(arg, len, "^!")) {
		out->kind = REVRANGE_ONLY;
		out->to = xstrndup(arg, len - 2);
		return 0;
	}
	if (has_suffix(arg, len, "^@")) {
		buf_reset(err);
		buf_adds(err, "invalid revision ");
		revrange_add_quoted(err, arg);
		buf_adds(err, ": '^@' names every parent of a commit, and diff takes one commit or one range");
		return -1;
	}
	mark = parent_suffix(arg);
	if (check_parent_mark(arg, len, mark, arg, err) < 0)
		return -1;
	if (mark)
		return parse_parent(out, arg, mark, err);

	out->kind = REVRANGE_SINCE;
	out->from = xstrdup(arg);
	return 0;
}

void revrange_release(struct revrange *range)
{
	free(range->from);
	free(range->to);
	range->from = NULL;
	range->to = NULL;
}
