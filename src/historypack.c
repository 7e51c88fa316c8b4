#include "historypack.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "alloc.h"
#include "buf.h"
#include "gitloose.h"

/* Longer delta chains than git ever writes (its default maximum is 50) are refused. */
#define PACK_MAX_CHAIN 10000

enum {
	OBJ_BLOB = 3,
	OBJ_OFS_DELTA = 6,
	OBJ_REF_DELTA = 7
};

struct pack {
	const unsigned char *idx;
	size_t idx_len;
	const unsigned char *data;
	size_t data_len;
	uint32_t count;
};

struct cached {
	size_t pack;
	uint64_t offset;
	int type;
	unsigned char *data;
	size_t len;
	uint64_t used;		/* clock of the last use */
};

struct pack_reader {
	struct pack *packs;
	size_t npacks;
	struct cached *cache;
	size_t ncache;
	size_t cache_alloc;
	size_t cache_bytes;
	size_t cache_budget;
	uint64_t clock;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const void *map_file(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/* Maps one pack and its version 2 index; returns 0, or -1 to skip it. */
static int pack_open(struct pack *p, const char *idx_path)
{
	struct buf pack_path = BUF_INIT;
	size_t n = strlen(idx_path), i;

	memset(p, 0, sizeof(*p));
	p->idx = map_file(idx_path, &p->idx_len);
	if (!p->idx)
		return -1;
	if (p->idx_len < 8 + 256 * 4 || memcmp(p->idx, "\377tOc", 4) || be32(p->idx + 4) != 2)
		goto fail;
	p->count = be32(p->idx + 8 + 255 * 4);
	if (p->idx_len < 8 + 256 * 4 + (size_t)p->count * (20 + 4 + 4))
		goto fail;
	/*
	 * pack_find() searches the names between two fan-out entries, so an
	 * entry that decreases, or exceeds the count in the last one, would
	 * send it past the table. git rejects such an index too.
	 */
	for (i = 1; i < 256; i++)
		if (be32(p->idx + 8 + i * 4) < be32(p->idx + 8 + (i - 1) * 4))
			goto fail;
	buf_add(&pack_path, idx_path, n - 4);
	buf_adds(&pack_path, ".pack");
	p->data = map_file(pack_path.ptr, &p->data_len);
	buf_release(&pack_path);
	if (!p->data || p->data_len < 12 || memcmp(p->data, "PACK", 4))
		goto fail;
	return 0;

fail:
	if (p->data)
		munmap((void *)p->data, p->data_len);
	munmap((void *)p->idx, p->idx_len);
	memset(p, 0, sizeof(*p));
	return -1;
}

/* Adds the packs of the pack directory of objects_dir to r. */
static void add_packs(struct pack_reader *r, const char *objects_dir)
{
	struct buf path = BUF_INIT;
	DIR *dir;
	struct dirent *d;

	buf_setf(&path, "%s/pack", objects_dir);
	dir = opendir(path.ptr);
	while (dir && (d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		struct pack p;

		if (n < 5 || strcmp(d->d_name + n - 4, ".idx"))
			continue;
		buf_setf(&path, "%s/pack/%s", objects_dir, d->d_name);
		if (pack_open(&p, path.ptr) < 0)
			continue;
		r->packs = xrealloc(r->packs, (r->npacks + 1) * sizeof(*r->packs));
		r->packs[r->npacks++] = p;
	}
	if (dir)
		closedir(dir);
	buf_release(&path);
}

struct pack_reader *pack_reader_open(const char *const *objects_dirs, size_t ndirs,
				     size_t cache_budget)
{
	struct pack_reader *r = xcalloc(1, sizeof(*r));
	size_t i;

	r->cache_budget = cache_budget;
	for (i = 0; i < ndirs; i++)
		add_packs(r, objects_dirs[i]);
	if (!r->npacks) {
		free(r);
		return NULL;
	}
	return r;
}

void pack_reader_free(struct pack_reader *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->npacks; i++) {
		munmap((void *)r->packs[i].data, r->packs[i].data_len);
		munmap((void *)r->packs[i].idx, r->packs[i].idx_len);
	}
	for (i = 0; i < r->ncache; i++)
		free(r->cache[i].data);
	free(r->cache);
	free(r->packs);
	free(r);
}

/* Looks oid up in the index of p; returns 0 and its offset, or -1. */
static int pack_find(const struct pack *p, const unsigned char *oid, uint64_t *offset)
{
	const unsigned char *fanout = p->idx + 8;
	const unsigned char *names = fanout + 256 * 4;
	const unsigned char *offsets = names + (size_t)p->count * (20 + 4);
	uint32_t lo = oid[0] ? be32(fanout + (oid[0] - 1) * 4) : 0;
	uint32_t hi = be32(fanout + oid[0] * 4);

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(names + (size_t)mid * 20, oid, 20);

		if (!c) {
			uint32_t o = be32(offsets + (size_t)mid * 4);

			if (o & 0x80000000u) {
				const unsigned char *large = offsets + (size_t)p->count * 4 +
							     (size_t)(o & 0x7fffffffu) * 8;

				if (large + 8 > p->idx + p->idx_len)
					return -1;
				*offset = (uint64_t)be32(large) << 32 | be32(large + 4);
			} else {
				*offset = o;
			}
			return *offset < p->data_len ? 0 : -1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static struct cached *cache_find(struct pack_reader *r, size_t pack, uint64_t offset)
{
	size_t i;

	for (i = 0; i < r->ncache; i++) {
		if (r->cache[i].pack == pack && r->cache[i].offset == offset) {
			r->cache[i].used = ++r->clock;
			return &r->cache[i];
		}
	}
	return NULL;
}

/* Evicts the least recently used objects until at most max bytes are kept. */
static void cache_evict(struct pack_reader *r, size_t max)
{
	while (r->ncache && r->cache_bytes > max) {
		size_t i, oldest = 0;

		for (i = 1; i < r->ncache; i++)
			if (r->cache[i].used < r->cache[oldest].used)
				oldest = i;
		r->cache_bytes -= r->cache[oldest].len;
		free(r->cache[oldest].data);
		r->cache[oldest] = r->cache[--r->ncache];
	}
}

/* Keeps data (which the cache takes over), evicting the least recently used. */
static struct cached *cache_add(struct pack_reader *r, size_t pack, uint64_t offset,
				int type, unsigned char *data, size_t len)
{
	struct cached *c;

	cache_evict(r, len > r->cache_budget ? 0 : r->cache_budget - len);
	XGROW(r->cache, r->cache_alloc, r->ncache + 1);
	c = &r->cache[r->ncache++];
	c->pack = pack;
	c->offset = offset;
	c->type = type;
	c->data = data;
	c->len = len;
	c->used = ++r->clock;
	r->cache_bytes += len;
	return c;
}

/* Inflates exactly size bytes from in (at most avail bytes); NULL on any error. */
static unsigned char *inflate_exact(const unsigned char *in, size_t avail, size_t size)
{
	unsigned char *out;
	z_stream z;
	int ret;

	/*
	 * A corrupt entry can claim any size. A size over 4 GiB (more than
	 * one zlib call inflates) or more than the rest of the pack can
	 * inflate to is not allocated but left to libgit2, which reports it.
	 */
	if (size > UINT32_MAX || !gitloose_size_possible(avail, size))
		return NULL;
	out = xmalloc(size ? size : 1);
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)in;
	z.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
	z.next_out = out;
	z.avail_out = (uInt)size;
	ret = inflate(&z, Z_FINISH);
	inflateEnd(&z);
	if (ret != Z_STREAM_END || z.total_out != size) {
		free(out);
		return NULL;
	}
	return out;
}

/* Reads a delta's size header (7 bits a byte, least significant first). */
static int delta_size(const unsigned char **p, const unsigned char *end, size_t *size)
{
	unsigned shift = 0;

	*size = 0;
	do {
		if (*p >= end || shift > 56)
			return -1;
		*size |= (size_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return 0;
}

/*
 * Applies delta to base and returns the new object. Returns NULL when the
 * delta is invalid, or when its result is larger than max bytes, with that
 * size in *out_len.
 */
static unsigned char *delta_apply(const unsigned char *base, size_t base_len,
				  const unsigned char *delta, size_t delta_len, size_t max,
				  size_t *out_len)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	unsigned char *out, *o;
	size_t src, dst;

	*out_len = 0;
	if (delta_size(&p, end, &src) < 0 || src != base_len ||
	    delta_size(&p, end, &dst) < 0)
		return NULL;
	*out_len = dst;
	/* The 4 GiB bound of inflate_exact() holds for a delta's result too. */
	if (dst > UINT32_MAX || dst > max)
		return NULL;
	out = xmalloc(dst ? dst : 1);
	o = out;
	while (p < end) {
		unsigned op = *p++;

		if (op & 0x80) {
			size_t off = 0, n = 0;
			int i;

			for (i = 0; i < 4; i++)
				if (op & (1u << i)) {
					if (p >= end)
						goto fail;
					off |= (size_t)*p++ << (8 * i);
				}
			for (i = 0; i < 3; i++)
				if (op & (0x10u << i)) {
					if (p >= end)
						goto fail;
					n |= (size_t)*p++ << (8 * i);
				}
			if (!n)
				n = 0x10000;
			if (off > base_len || n > base_len - off || n > dst - (size_t)(o - out))
				goto fail;
			memcpy(o, base + off, n);
			o += n;
		} else if (op) {
			if (op > (size_t)(end - p) || op > dst - (size_t)(o - out))
				goto fail;
			memcpy(o, p, op);
			o += op;
			p += op;
		} else {
			goto fail;
		}
	}
	if ((size_t)(o - out) != dst)
		goto fail;
	*out_len = dst;
	return out;

fail:
	free(out);
	return NULL;
}

/* The header of a pack entry: type, size, start of the data, and for deltas the base. */
struct entry {
	int type;
	size_t size;
	const unsigned char *data;
	uint64_t base;		/* offset of the base (deltas) */
};

static int read_entry(struct entry *e, struct pack_reader *r, size_t pack, uint64_t offset)
{
	const struct pack *p = &r->packs[pack];
	const unsigned char *q = p->data + offset, *end = p->data + p->data_len;
	unsigned shift = 4;
	unsigned c;

	if (q >= end)
		return -1;
	c = *q++;
	e->type = (c >> 4) & 7;
	e->size = c & 15;
	while (c & 0x80) {
		if (q >= end || shift > 56)
			return -1;
		c = *q++;
		e->size |= (size_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (e->type == OBJ_OFS_DELTA) {
		uint64_t back;

		if (q >= end)
			return -1;
		c = *q++;
		back = c & 0x7f;
		while (c & 0x80) {
			if (q >= end || back > (UINT64_MAX >> 8))
				return -1;
			c = *q++;
			back = ((back + 1) << 7) | (c & 0x7f);
		}
		if (back > offset)
			return -1;
		e->base = offset - back;
	} else if (e->type == OBJ_REF_DELTA) {
		if (end - q < 20 || pack_find(p, q, &e->base) < 0)
			return -1;
		q += 20;
	} else if (e->type < 1 || e->type > 4) {
		return -1;
	}
	e->data = q;
	return 0;
}

/*
 * Materialises the object at offset of pack, through its delta chain. An
 * object of the chain that is not cached yet and is larger than max bytes,
 * or a delta larger than max, is not built: that returns NULL with *over
 * set to its size.
 */
static struct cached *materialise(struct pack_reader *r, size_t pack, uint64_t offset,
				  size_t max, size_t *over)
{
	uint64_t chain[64], *stack = chain;
	size_t depth = 0, alloc = 64, i;
	struct cached *c = NULL;
	struct entry e;
	const struct pack *p = &r->packs[pack];
	uint64_t at = offset;

	/* Walk down to a cached object or a whole one, remembering the way. */
	for (;;) {
		c = cache_find(r, pack, at);
		if (c)
			break;
		if (read_entry(&e, r, pack, at) < 0)
			goto done;
		if (e.size > max) {
			*over = e.size;
			goto done;
		}
		if (e.type != OBJ_OFS_DELTA && e.type != OBJ_REF_DELTA) {
			unsigned char *data = inflate_exact(e.data, (size_t)(p->data + p->data_len - e.data),
							    e.size);

			if (!data)
				goto done;
			c = cache_add(r, pack, at, e.type, data, e.size);
			break;
		}
		if (depth == PACK_MAX_CHAIN)
			goto done;
		if (depth == alloc) {
			uint64_t *grown = xmalloc(2 * alloc * sizeof(*grown));

			memcpy(grown, stack, depth * sizeof(*grown));
			if (stack != chain)
				free(stack);
			stack = grown;
			alloc *= 2;
		}
		stack[depth++] = at;
		at = e.base;
	}

	/* Apply the deltas back up, keeping each object built. */
	for (i = depth; i-- > 0;) {
		unsigned char *delta, *out;
		size_t out_len;
		int base_type = c->type;

		if (read_entry(&e, r, pack, stack[i]) < 0) {
			c = NULL;
			goto done;
		}
		delta = inflate_exact(e.data, (size_t)(p->data + p->data_len - e.data), e.size);
		out_len = 0;
		out = delta ? delta_apply(c->data, c->len, delta, e.size, max, &out_len) : NULL;
		if (!out && out_len > max)
			*over = out_len;
		free(delta);
		if (!out) {
			c = NULL;
			goto done;
		}
		c = cache_add(r, pack, stack[i], base_type, out, out_len);
	}
done:
	if (stack != chain)
		free(stack);
	return c;
}

/*
 * Reads the size of the object at offset of pack from its entry header,
 * or for a delta from the result size at the start of the delta, which
 * takes inflating only its first bytes. Returns 0, or -1 when the entry
 * cannot be read.
 */
static int object_size(struct pack_reader *r, size_t pack, uint64_t offset, size_t *size)
{
	const struct pack *p = &r->packs[pack];
	unsigned char head[32];
	const unsigned char *q = head;
	size_t avail, base_size;
	struct entry e;
	z_stream z;
	int ret;

	if (read_entry(&e, r, pack, offset) < 0)
		return -1;
	if (e.type != OBJ_OFS_DELTA && e.type != OBJ_REF_DELTA) {
		*size = e.size;
		return 0;
	}
	avail = (size_t)(p->data + p->data_len - e.data);
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)e.data;
	z.avail_in = avail > UINT32_MAX ? UINT32_MAX : (uInt)avail;
	z.next_out = head;
	z.avail_out = (uInt)(e.size < sizeof(head) ? e.size : sizeof(head));
	ret = inflate(&z, Z_SYNC_FLUSH);
	inflateEnd(&z);
	if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
		return -1;
	if (delta_size(&q, head + z.total_out, &base_size) < 0 ||
	    delta_size(&q, head + z.total_out, size) < 0)
		return -1;
	return 0;
}

void pack_reader_trim(struct pack_reader *r)
{
	if (r)
		cache_evict(r, r->cache_budget);
}

int pack_reader_read(struct pack_reader *r, const git_oid *oid,
		     const char **data, size_t *len, size_t max)
{
	size_t i;

	for (i = 0; r && i < r->npacks; i++) {
		uint64_t offset;
		struct cached *c;
		size_t over;

		if (pack_find(&r->packs[i], oid->id, &offset) < 0)
			continue;
		if (!cache_find(r, i, offset)) {
			size_t size;

			if (object_size(r, i, offset, &size) < 0)
				return -1;
			if (size > max) {
				*len = size;
				return PACK_READER_TOO_LARGE;
			}
		}
		over = 0;
		c = materialise(r, i, offset, max > SIZE_MAX / 2 ? SIZE_MAX : 2 * max, &over);
		if (!c && over) {
			*len = over;
			return PACK_READER_BASE_TOO_LARGE;
		}
		if (!c || c->type != OBJ_BLOB)
			return -1;
		if (c->len > max) {
			*len = c->len;
			return PACK_READER_TOO_LARGE;
		}
		*data = (const char *)c->data;
		*len = c->len;
		return 0;
	}
	return -1;
}
