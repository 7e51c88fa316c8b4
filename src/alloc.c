#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static long fail_at = -1;
static long alloc_count;
/* Set when a test hook counts allocations; only then is alloc_count written. */
static int counting;

static void out_of_memory(void)
{
	fputs("modelaudit: error: out of memory\n", stderr);
	exit(4);
}

static void print_alloc_count(void)
{
	fprintf(stderr, "modelaudit: %ld allocations\n", alloc_count);
}

/* Reads the test hooks from the environment on first use. */
static void read_hooks(void)
{
	const char *env = getenv("MODELAUDIT_FAIL_ALLOC");
	const char *count = getenv("MODELAUDIT_COUNT_ALLOC");

	fail_at = env ? atol(env) : 0;
	if (fail_at < 0)
		fail_at = 0;
	if (count && !strcmp(count, "1"))
		atexit(print_alloc_count);
	counting = fail_at > 0 || (count && !strcmp(count, "1"));
}

/* Counts the call and reports whether the test hook wants it to fail. */
static int should_fail(void)
{
	if (fail_at == -1)
		read_hooks();
	if (!counting)
		return 0;
	++alloc_count;
	return fail_at > 0 && alloc_count == fail_at;
}

void *xmalloc(size_t size)
{
	void *p;

	if (should_fail())
		out_of_memory();
	p = malloc(size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p;

	if (should_fail())
		out_of_memory();
	p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p;

	if (should_fail())
		out_of_memory();
	p = realloc(ptr, size ? size : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xmmap(size_t size)
{
	void *p;

	if (should_fail())
		out_of_memory();
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		out_of_memory();
	return p;
}

char *xstrndup(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

size_t xmul(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		out_of_memory();
	return count * size;
}

void xgrow(void **items, size_t *alloc, size_t need, size_t elem_size)
{
	size_t n;

	if (need <= *alloc)
		return;
	n = *alloc < 8 ? 8 : *alloc;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			out_of_memory();
		n *= 2;
	}
	*items = xrealloc(*items, xmul(n, elem_size));
	*alloc = n;
}

int alloc_hooks_active(void)
{
	if (fail_at == -1)
		read_hooks();
	return counting;
}
