#include "arena.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

#include "alloc.h"

/*
 * Blocks start small and double up to ARENA_MAX_BLOCK, because most arenas
 * are small: each model of a registry has its own, of a few kilobytes.
 */
#define ARENA_MIN_BLOCK 1024
#define ARENA_MAX_BLOCK (64 * 1024)

struct arena_block {
	struct arena_block *prev;
	size_t size;
	size_t used;
	max_align_t data[];
};

#define POOL_REGION_SIZE ((size_t)32 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
#define POOL_ENABLED 0
#else
#define POOL_ENABLED 1
#endif

struct pool_region {
	struct pool_region *prev;
	size_t size;
	size_t used;
	max_align_t data[];
};

static void *pool_alloc(struct arena_pool *pool, size_t size)
{
	struct pool_region *r = pool->head;
	size_t align = sizeof(max_align_t);
	size_t rounded = (size + align - 1) / align * align;
	void *p;

	if (!r || r->size - r->used < rounded) {
		size_t bytes = sizeof(*r) + rounded;

		if (bytes < POOL_REGION_SIZE)
			bytes = POOL_REGION_SIZE;
		r = xmmap(bytes);
#ifdef MADV_HUGEPAGE
		madvise(r, bytes, MADV_HUGEPAGE);
#endif
		r->prev = pool->head;
		r->size = bytes - sizeof(*r);
		r->used = 0;
		pool->head = r;
	}
	p = (char *)r->data + r->used;
	r->used += rounded;
	return p;
}

void arena_trim(struct arena *a)
{
	struct arena_block *b = a->head;
	struct pool_region *r;
	size_t align = sizeof(max_align_t);
	size_t end, keep;

	if (!b || !a->pool || !POOL_ENABLED)
		return;
	r = a->pool->head;
	end = (sizeof(*b) + b->size + align - 1) / align * align;
	/* Only the newest allocation of the region can give memory back. */
	if (!r || (char *)b + end != (char *)r->data + r->used)
		return;
	keep = (b->used + align - 1) / align * align;
	r->used -= end - (sizeof(*b) + keep);
	b->size = keep;
}

void arena_pool_release(struct arena_pool *pool)
{
	while (pool->head) {
		struct pool_region *prev = pool->head->prev;

		munmap(pool->head, pool->head->size + sizeof(*pool->head));
		pool->head = prev;
	}
}

static struct arena_block *new_block(struct arena *a, size_t bytes)
{
	if (a->pool && POOL_ENABLED)
		return pool_alloc(a->pool, bytes);
	return xmalloc(bytes);
}

static void free_block(struct arena *a, struct arena_block *b)
{
	if (!(a->pool && POOL_ENABLED))
		free(b);
}

/* Returns size bytes at the given alignment (a power of two). */
static void *arena_alloc_aligned(struct arena *a, size_t size, size_t align)
{
	struct arena_block *b = a->head;
	size_t start = 0;
	void *p;

	if (size > (size_t)-1 / 2)
		xmul(size, 4);	/* absurd size: exits as out of memory */
	if (b)
		start = (b->used + align - 1) & ~(align - 1);
	if (!b || start > b->size || b->size - start < size) {
		size_t block = b ? b->size * 2 : a->first_block ? a->first_block : ARENA_MIN_BLOCK;

		if (block > ARENA_MAX_BLOCK)
			block = ARENA_MAX_BLOCK;
		if (block < size)
			block = size;
		b = new_block(a, sizeof(*b) + block);
		b->prev = a->head;
		b->size = block;
		b->used = 0;
		a->head = b;
		start = 0;
	}
	p = (char *)b->data + start;
	a->total += start + size - b->used;
	b->used = start + size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return arena_alloc_aligned(a, size, sizeof(max_align_t));
}

void *arena_calloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);

	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc_aligned(a, len + 1, 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_release(struct arena *a)
{
	while (a->head) {
		struct arena_block *prev = a->head->prev;

		free_block(a, a->head);
		a->head = prev;
	}
	a->total = 0;
}

struct arena_mark arena_get_mark(const struct arena *a)
{
	struct arena_mark m;

	m.block = a->head;
	m.used = a->head ? a->head->used : 0;
	m.total = a->total;
	return m;
}

void arena_rewind(struct arena *a, struct arena_mark mark)
{
	while (a->head && a->head != mark.block) {
		struct arena_block *prev = a->head->prev;

		free_block(a, a->head);
		a->head = prev;
	}
	if (a->head)
		a->head->used = mark.used;
	a->total = mark.total;
}
