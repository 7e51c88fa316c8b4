#include "buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"

char buf_empty[1];

void buf_init(struct buf *b, size_t cap)
{
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap;
}

void buf_release(struct buf *b)
{
	if (b->alloc)
		free(b->ptr);
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->ptr[0] = '\0';
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *s = b->alloc ? b->ptr : xstrdup("");

	if (len)
		*len = b->len;
	b->ptr = buf_empty;
	b->len = 0;
	b->alloc = 0;
	return s;
}

/* Makes room for extra more bytes plus the NUL; -1 when cap forbids it. */
static int buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > (size_t)-1 - b->len - 1)
		return -1;
	need = b->len + extra;
	if (b->cap && need > b->cap)
		return -1;
	if (need + 1 <= b->alloc)
		return 0;
	if (!b->alloc)
		b->ptr = NULL;
	XGROW(b->ptr, b->alloc, need + 1);
	return 0;
}

int buf_add(struct buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addch(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

/* Room that buf_vaddf() makes before formatting, so that most text is formatted once. */
#define BUF_FORMAT_ROOM 64

int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	size_t room;
	int n;

	/*
	 * Formats into the free space first, and only when the text does not
	 * fit grows the buffer and formats it again.
	 */
	if (!b->alloc || b->alloc - b->len - 1 < BUF_FORMAT_ROOM)
		buf_grow(b, BUF_FORMAT_ROOM);
	room = b->alloc ? b->alloc - b->len - 1 : 0;
	va_copy(copy, ap);
	if (room)
		n = vsnprintf(b->ptr + b->len, room + 1, fmt, copy);
	else
		n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n >= 0 && (size_t)n <= room && (!b->cap || b->len + (size_t)n <= b->cap)) {
		b->len += (size_t)n;
		return 0;
	}
	if (b->alloc)
		b->ptr[b->len] = '\0';
	if (n < 0 || buf_grow(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return ret;
}

int buf_setf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int ret;

	buf_reset(b);
	va_start(ap, fmt);
	ret = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return ret;
}

size_t utf8_shown_length(const unsigned char *s, size_t len)
{
	size_t need, i;
	unsigned cp;

	if (s[0] >= 0x20 && s[0] < 0x7F)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	/* C1 controls (U+0080..U+009F) are escaped like C0 ones. */
	if (cp >= 0x80 && cp <= 0x9F)
		return 0;
	/*
	 * So are the marks, embeddings, overrides and isolates that change
	 * the direction of the text around them, so that a value cannot make
	 * a line read differently from what it holds.
	 */
	if (cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return need;
}

int buf_add_escaped(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n;

		if (c == '\n' || c == '\t' || c == '\r' || c == '\\') {
			const char *esc = c == '\n' ? "\\n" : c == '\t' ? "\\t" :
				c == '\r' ? "\\r" : "\\\\";

			if (buf_adds(b, esc) < 0)
				return -1;
			i++;
			continue;
		}
		n = utf8_shown_length(p + i, len - i);
		if (n == 0) {
			if (buf_addf(b, "\\x%02X", c) < 0)
				return -1;
			i++;
			continue;
		}
		if (buf_add(b, p + i, n) < 0)
			return -1;
		i += n;
	}
	return 0;
}

int buf_adds_escaped(struct buf *b, const char *s)
{
	return buf_add_escaped(b, s, strlen(s));
}

int buf_read_file(struct buf *b, const char *path, struct buf *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	struct stat st;
	size_t n;

	if (!f) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Size the buffer once when the file's size is known. */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (!b->cap || (size_t)st.st_size <= b->cap) && !b->alloc) {
		b->ptr = xmalloc((size_t)st.st_size + 1);
		b->alloc = (size_t)st.st_size + 1;
		b->ptr[0] = '\0';
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf_add(b, chunk, n) < 0) {
			buf_setf(err, "%s: file is larger than the limit of %zu bytes",
				 path, b->cap);
			fclose(f);
			return -1;
		}
	}
	if (ferror(f)) {
		buf_setf(err, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}
