#include "revrange.h"

#include "unit.h"

/* Parses arg, which must be valid, and checks its kind and ends. */
static void check_parse(const char *arg, enum revrange_kind kind,
			const char *from, const char *to, unsigned long parent)
{
	struct revrange r = REVRANGE_INIT;
	struct buf err = BUF_INIT;

	CHECK_INT(revrange_parse(&r, arg, &err), 0);
	CHECK_INT(r.kind, kind);
	if (from)
		CHECK_STR(r.from, from);
	else
		CHECK(r.from == NULL);
	if (to)
		CHECK_STR(r.to, to);
	else
		CHECK(r.to == NULL);
	CHECK_INT(r.parent, parent);
	revrange_release(&r);
	buf_release(&err);
}

/* Parses arg, which must be invalid, and checks the message. */
static void check_invalid(const char *arg, const char *message)
{
	struct revrange r = REVRANGE_INIT;
	struct buf err = BUF_INIT;

	CHECK_INT(revrange_parse(&r, arg, &err), -1);
	CHECK_STR(err.ptr, message);
	CHECK(r.from == NULL);
	CHECK(r.to == NULL);
	revrange_release(&r);
	buf_release(&err);
}

static void test_single_revision_is_since(void)
{
	check_parse("HEAD~5", REVRANGE_SINCE, "HEAD~5", NULL, 0);
	check_parse("@", REVRANGE_SINCE, "@", NULL, 0);
	check_parse("main@{1}", REVRANGE_SINCE, "main@{1}", NULL, 0);
	check_parse("HEAD^", REVRANGE_SINCE, "HEAD^", NULL, 0);
	check_parse("HEAD^2", REVRANGE_SINCE, "HEAD^2", NULL, 0);
}

static void test_two_and_three_dots(void)
{
	check_parse("a..b", REVRANGE_TWO_DOT, "a", "b", 0);
	check_parse("..b", REVRANGE_TWO_DOT, NULL, "b", 0);
	check_parse("a..", REVRANGE_TWO_DOT, "a", NULL, 0);
	check_parse("..", REVRANGE_TWO_DOT, NULL, NULL, 0);
	check_parse("a...b", REVRANGE_THREE_DOT, "a", "b", 0);
	check_parse("a...", REVRANGE_THREE_DOT, "a", NULL, 0);
	check_parse("...", REVRANGE_THREE_DOT, NULL, NULL, 0);
	/* The fourth dot is the right end's, for libgit2 to reject. */
	check_parse("a....b", REVRANGE_THREE_DOT, "a", ".b", 0);
}

static void test_dots_in_searches_do_not_split(void)
{
	check_parse(":/fix..more", REVRANGE_SINCE, ":/fix..more", NULL, 0);
	check_parse("HEAD~3..:/fix..more", REVRANGE_TWO_DOT, "HEAD~3", ":/fix..more", 0);
	check_parse("HEAD^{/a..b}", REVRANGE_SINCE, "HEAD^{/a..b}", NULL, 0);
	check_parse("HEAD^{/a..b}..main", REVRANGE_TWO_DOT, "HEAD^{/a..b}", "main", 0);
}

static void test_parent_suffixes(void)
{
	check_parse("HEAD^!", REVRANGE_ONLY, NULL, "HEAD", 0);
	check_parse(":/fix^!", REVRANGE_ONLY, NULL, ":/fix", 0);
	check_parse("HEAD^-", REVRANGE_PARENT, NULL, "HEAD", 1);
	check_parse("HEAD^-2", REVRANGE_PARENT, NULL, "HEAD", 2);
	check_parse("v1.0^-12", REVRANGE_PARENT, NULL, "v1.0", 12);
	/* Not a "^-": inside braces, a message search and a path. */
	check_parse("HEAD^{/a^-b}", REVRANGE_SINCE, "HEAD^{/a^-b}", NULL, 0);
	check_parse(":/fix ^-x", REVRANGE_SINCE, ":/fix ^-x", NULL, 0);
	check_parse("HEAD:data/a^-b.yaml", REVRANGE_SINCE, "HEAD:data/a^-b.yaml", NULL, 0);
}

static void test_syntax_errors(void)
{
	check_invalid("", "invalid revision '': a revision cannot be empty");
	check_invalid("a..b..c",
		      "invalid range 'a..b..c': a range has two ends, as in '<a>..<b>' or '<a>...<b>'");
	check_invalid("a...b..c",
		      "invalid range 'a...b..c': a range has two ends, as in '<a>..<b>' or '<a>...<b>'");
	check_invalid("^main",
		      "invalid revision '^main': a lone negative revision leaves no commit to report; write 'main..HEAD' for the commits since it");
	check_invalid("^",
		      "invalid revision '^': a lone negative revision leaves no commit to report; write '<since>..HEAD' for the commits since it");
	check_invalid("HEAD^@",
		      "invalid revision 'HEAD^@': '^@' names every parent of a commit, and diff takes one commit or one range");
	check_invalid("HEAD^-x",
		      "invalid revision 'HEAD^-x': '^-' ends a revision and is followed by a parent number or nothing, as in 'HEAD^-' or 'HEAD^-2', and a range cannot use it");
	check_invalid("HEAD^-1^",
		      "invalid revision 'HEAD^-1^': '^-' ends a revision and is followed by a parent number or nothing, as in 'HEAD^-' or 'HEAD^-2', and a range cannot use it");
	check_invalid("HEAD^-..main",
		      "invalid revision 'HEAD^-..main': '^-' ends a revision and is followed by a parent number or nothing, as in 'HEAD^-' or 'HEAD^-2', and a range cannot use it");
	check_invalid("main..HEAD^-2",
		      "invalid revision 'main..HEAD^-2': '^-' ends a revision and is followed by a parent number or nothing, as in 'HEAD^-' or 'HEAD^-2', and a range cannot use it");
	check_invalid("HEAD^-0",
		      "invalid revision 'HEAD^-0': '^-<n>' takes a parent number from 1");
	check_invalid("HEAD^-99999999999999999999",
		      "invalid revision 'HEAD^-99999999999999999999': '^-<n>' takes a parent number from 1");
}

static void test_messages_escape_control_characters(void)
{
	check_invalid("a\033[31m..b..c",
		      "invalid range 'a\\x1B[31m..b..c': a range has two ends, as in '<a>..<b>' or '<a>...<b>'");
	check_invalid("^x\ny",
		      "invalid revision '^x\\ny': a lone negative revision leaves no commit to report; write 'x\\ny..HEAD' for the commits since it");
}

int main(void)
{
	RUN(test_single_revision_is_since);
	RUN(test_two_and_three_dots);
	RUN(test_dots_in_searches_do_not_split);
	RUN(test_parent_suffixes);
	RUN(test_syntax_errors);
	RUN(test_messages_escape_control_characters);
	return unit_done();
}
