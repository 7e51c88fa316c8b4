#ifndef MODELAUDIT_BUF_H
#define MODELAUDIT_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A growable byte buffer. After buf_init() `ptr` is never NULL and always
 * NUL-terminated, so it can be used as a C string. `cap` bounds the length
 * (0 means unbounded): an append that would pass it appends nothing and
 * returns -1, so that text read from files or the network cannot grow
 * without limit.
 */
struct buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t cap;
};

#define BUF_INIT { buf_empty, 0, 0, 0 }
extern char buf_empty[];

void buf_init(struct buf *b, size_t cap);
/* Frees the memory and leaves the buffer empty, ready for reuse. */
void buf_release(struct buf *b);
/* Empties the buffer and keeps its memory. */
void buf_reset(struct buf *b);
/* Hands the string over to the caller (who frees it) and empties the buffer. */
char *buf_detach(struct buf *b, size_t *len);

int buf_add(struct buf *b, const void *data, size_t len);
int buf_adds(struct buf *b, const char *s);
int buf_addch(struct buf *b, int c);
int buf_addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Replaces the contents with a formatted string. */
int buf_setf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Returns the length of the character at s (len bytes, at least 1) when it
 * is printed as it is, or 0 when its first byte is to be escaped. Printed
 * as they are: printable ASCII, and valid UTF-8 sequences except C1
 * controls and the marks, embeddings, overrides and isolates that set the
 * direction of text (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069).
 */
size_t utf8_shown_length(const unsigned char *s, size_t len);

/*
 * Appends s (len bytes) with backslashes doubled and control characters,
 * DEL and invalid UTF-8 escaped as \n, \t, \r or \xHH (ESC is \x1B, as
 * report_sanitize() writes it), so registry text cannot drive a terminal.
 */
int buf_add_escaped(struct buf *b, const char *s, size_t len);

/* Appends the string s escaped as buf_add_escaped() does. */
int buf_adds_escaped(struct buf *b, const char *s);

/*
 * Reads a whole file into b. Returns 0, or -1 with a message in err
 * ("<path>: <reason>"); a file longer than b->cap is an error.
 */
int buf_read_file(struct buf *b, const char *path, struct buf *err);

#endif
