#ifndef MODELAUDIT_ARENA_H
#define MODELAUDIT_ARENA_H

#include <stddef.h>

/*
 * A bump allocator for objects that die together (the nodes of one parsed
 * file, the fields of one model). Nothing is freed one by one: arena_release()
 * frees every block, arena_rewind() returns to an earlier mark.
 */
struct arena_block;

/*
 * Memory for many arenas that all live until the pool is released (the
 * models of one `check` run). It comes in 32 MiB regions marked for
 * transparent huge pages, which saves the kernel one page fault per 4 KiB.
 * Builds with AddressSanitizer take blocks from malloc so it can see them.
 */
struct arena_pool {
	struct pool_region *head;
};

#define ARENA_POOL_INIT { NULL }

struct arena {
	struct arena_block *head;
	size_t total;		/* bytes handed out, for size limits */
	size_t first_block;	/* size of the first block; 0 for the default */
	struct arena_pool *pool;	/* where blocks come from; NULL for malloc */
};

struct arena_mark {
	struct arena_block *block;
	size_t used;
	size_t total;
};

#define ARENA_INIT { NULL, 0, 0, NULL }

void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
void arena_release(struct arena *a);
struct arena_mark arena_get_mark(const struct arena *a);
/* Frees everything allocated since mark was taken. */
void arena_rewind(struct arena *a, struct arena_mark mark);

/*
 * Returns the unused end of the arena's newest block to its pool, when that
 * block is the pool's newest allocation; the arena can still grow after.
 */
void arena_trim(struct arena *a);

/* Frees every region of the pool; its arenas must not be used after. */
void arena_pool_release(struct arena_pool *pool);

#endif
