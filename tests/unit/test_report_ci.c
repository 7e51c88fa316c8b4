#include "unit.h"

#include "buf.h"
#include "report_ci.h"

static void check_xml(const char *input, const char *expected)
{
	struct buf out = BUF_INIT;

	report_xml_escape(&out, input);
	CHECK_STR(out.ptr, expected);
	buf_release(&out);
}

static void test_xml_escape_entities(void)
{
	check_xml("a<b>&\"c\"'d'", "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
	check_xml("&amp;", "&amp;amp;");
	check_xml("", "");
}

static void test_xml_escape_keeps_whitespace(void)
{
	check_xml("a\tb\nc\rd", "a\tb\nc\rd");
}

static void test_xml_escape_strips_controls(void)
{
	check_xml("a\x01" "b\x08" "c\x1F" "d\x0B", "abcd");
}

static void test_xml_escape_strips_noncharacters(void)
{
	check_xml("a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c", "abc");
	/* U+FFFD stays: it is a character. */
	check_xml("\xEF\xBF\xBD", "\xEF\xBF\xBD");
}

static void test_xml_escape_strips_invalid_utf8(void)
{
	check_xml("a\xFF" "b\xC3" "c", "abc");
	/* A UTF-16 surrogate encoded in UTF-8 is invalid, so all three bytes go. */
	check_xml("a\xED\xA0\x80" "b", "ab");
	check_xml("\xC0\xAF", "");
	check_xml("\xE0\x80\xAF", "");
	check_xml("\xF4\x90\x80\x80", "");
	check_xml("caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80");
}

static void test_uri_path_encodes(void)
{
	struct buf out = BUF_INIT;

	report_uri_path(&out, "data/my models%#?.yaml");
	CHECK_STR(out.ptr, "data/my%20models%25%23%3F.yaml");
	buf_reset(&out);
	report_uri_path(&out, "caf\xC3\xA9-_.~/x");
	CHECK_STR(out.ptr, "caf%C3%A9-_.~/x");
	buf_release(&out);
}

int main(void)
{
	RUN(test_xml_escape_entities);
	RUN(test_xml_escape_keeps_whitespace);
	RUN(test_xml_escape_strips_controls);
	RUN(test_xml_escape_strips_noncharacters);
	RUN(test_xml_escape_strips_invalid_utf8);
	RUN(test_uri_path_encodes);
	return unit_done();
}
