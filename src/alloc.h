#ifndef MODELAUDIT_ALLOC_H
#define MODELAUDIT_ALLOC_H

#include <stddef.h>

/*
 * Every allocation of modelaudit goes through these wrappers. They never
 * return NULL: on allocation failure they print
 * "modelaudit: error: out of memory" and exit with status 4.
 *
 * For tests, the environment variable MODELAUDIT_FAIL_ALLOC=N makes the
 * Nth call (counting from 1) fail as if the system were out of memory,
 * and MODELAUDIT_COUNT_ALLOC=1 prints "modelaudit: N allocations" to
 * standard error at exit. Only these wrappers are counted: libyaml,
 * libgit2, libcurl, PCRE2, SQLite and jansson allocate on their own.
 */
/*
 * Reports whether a test hook (MODELAUDIT_FAIL_ALLOC, MODELAUDIT_COUNT_ALLOC)
 * counts allocations. Their order must then be the same from run to run,
 * so callers stay on one thread.
 */
int alloc_hooks_active(void);

void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t len);

/* Maps size bytes of anonymous read-write memory (freed with munmap). */
void *xmmap(size_t size);

/* Returns count * size, exiting as on allocation failure if it overflows. */
size_t xmul(size_t count, size_t size);

/* Grows *items (of *alloc elements of elem_size bytes) to hold at least need. */
void xgrow(void **items, size_t *alloc, size_t need, size_t elem_size);

#define XGROW(array, alloc, need) \
	xgrow((void **)&(array), &(alloc), (need), sizeof(*(array)))

#endif
