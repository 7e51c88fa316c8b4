#include "report_ci.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"

void report_repo_path(struct buf *out, const struct report_ci_options *o,
		      const char *path)
{
	char *real;
	size_t root_len;

	if (o->paths_from_root || !o->root || !*path) {
		buf_adds(out, path);
		return;
	}

	real = realpath(path, NULL);
	if (!real) {
		buf_adds(out, path);
		return;
	}
	root_len = strlen(o->root);
	while (root_len > 1 && o->root[root_len - 1] == '/')
		root_len--;
	if (!strncmp(real, o->root, root_len) && real[root_len] == '/')
		buf_adds(out, real + root_len + 1);
	else
		buf_adds(out, real);
	free(real);
}

void report_locator_path(struct buf *out, const char *path)
{
	report_sanitize_escaped(out, path);
}

void report_uri_path(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~/", c)) {
			buf_addch(out, c);
			continue;
		}
		buf_addch(out, '%');
		buf_addch(out, hex[c >> 4]);
		buf_addch(out, hex[c & 15]);
	}
}

/* Returns the length of the valid UTF-8 sequence at p, or 0 when invalid. */
static size_t utf8_width(const unsigned char *p)
{
	size_t width, k;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		width = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		width = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		width = 4;
	else
		return 0;
	for (k = 1; k < width; k++)
		if ((p[k] & 0xC0) != 0x80)
			return 0;
	/* Overlong three-byte forms, UTF-16 surrogates and code points past U+10FFFF. */
	if (p[0] == 0xE0 && p[1] < 0xA0)
		return 0;
	if (p[0] == 0xED && p[1] >= 0xA0)
		return 0;
	if (p[0] == 0xF0 && p[1] < 0x90)
		return 0;
	if (p[0] == 0xF4 && p[1] >= 0x90)
		return 0;
	return width;
}

void report_xml_escape(struct buf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t width = utf8_width(p);

		if (!width) {
			p++;
			continue;
		}
		if (width == 1) {
			switch (*p) {
			case '&':
				buf_adds(out, "&amp;");
				break;
			case '<':
				buf_adds(out, "&lt;");
				break;
			case '>':
				buf_adds(out, "&gt;");
				break;
			case '"':
				buf_adds(out, "&quot;");
				break;
			case '\'':
				buf_adds(out, "&apos;");
				break;
			default:
				if (*p >= 0x20 || *p == '\t' || *p == '\n' || *p == '\r')
					buf_addch(out, *p);
				break;
			}
			p++;
			continue;
		}
		/* U+FFFE and U+FFFF are not XML characters. */
		if (width == 3 && p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)) {
			p += 3;
			continue;
		}
		buf_add(out, p, width);
		p += width;
	}
}
