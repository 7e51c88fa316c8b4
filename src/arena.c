#include "arena.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

#define ARENA_BLOCK_SIZE (64 * 1024)

struct arena_block {
	struct arena_block *prev;
	size_t size;
	size_t used;
	max_align_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t align = sizeof(max_align_t);
	size_t rounded = (size + align - 1) / align * align;

	if (rounded < size)
		xmul(size, align);	/* size near SIZE_MAX: exits as out of memory */
	if (!b || b->size - b->used < rounded) {
		size_t block = rounded > ARENA_BLOCK_SIZE / 4 ? rounded : ARENA_BLOCK_SIZE;

		b = xmalloc(sizeof(*b) + block);
		b->prev = a->head;
		b->size = block;
		b->used = 0;
		a->head = b;
	}
	{
		void *p = (char *)b->data + b->used;

		b->used += rounded;
		a->total += rounded;
		return p;
	}
}

void *arena_calloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);

	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

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

		free(a->head);
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

		free(a->head);
		a->head = prev;
	}
	if (a->head)
		a->head->used = mark.used;
	a->total = mark.total;
}
