#include "gitloose.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/commit_graph.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
#include <zlib.h>

#include "alloc.h"
#include "gitrepo.h"

/*
 * Priorities in the object database, as libgit2 1.5 gives its own pack
 * and loose readers. libgit2 sorts its readers by priority first, and by
 * directory only within one priority, so it reads a full id from every
 * pack before any loose object, as git does. A packed copy of an object
 * therefore wins over a loose one, which the test "packed copy wins over
 * corrupt loose copy" in damaged-repo.sh checks. An abbreviated id is
 * looked up in every reader instead, and loose_read_prefix() keeps that
 * order by leaving a packed object to the pack readers.
 */
#define PACK_PRIORITY 2
#define LOOSE_PRIORITY 1

/*
 * The maximum length of a chain of alternates, counted from the object
 * directory: git 2.39 and libgit2 1.5 read six, and skip a seventh.
 */
#define ALTERNATES_MAX_DEPTH 6

/* The maximum size of an info/alternates file: 1 MiB, about 10,000 paths of 100 bytes. */
#define ALTERNATES_FILE_MAX (1 << 20)

/* Bytes read at a time from a loose object whose header alone is wanted. */
#define HEADER_READ_CHUNK 4096

/*
 * A deflate length and distance pair takes at least two bits and encodes
 * at most 258 bytes, so a zlib stream inflates to at most 1032 times
 * its size (zlib's "Technical Details" page).
 */
#define ZLIB_MAX_RATIO 1032

/* "commit " and 20 decimal digits fit, with their NUL, in this many bytes. */
#define LOOSE_HEADER_MAX 32

/*
 * The pack readers of the object database, which its loose readers share.
 * The last loose reader freed frees the list, and the pack readers are
 * libgit2's to free.
 */
struct pack_list {
	git_odb_backend **packs;
	size_t count;
	size_t refs;
};

struct loose_reader {
	git_odb_backend backend;	/* first, so that libgit2's pointer is ours */
	struct pack_list *packs;
	char objects[];		/* the object directory, ending in '/' */
};

static void pack_list_release(struct pack_list *list)
{
	if (!list || --list->refs > 0)
		return;
	free(list->packs);
	free(list);
}

/* Reports whether a pack reader of the object database has object oid. */
static int is_packed(const struct pack_list *list, const git_oid *oid)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (list->packs[i]->exists(list->packs[i], oid))
			return 1;
	return 0;
}

/* Sets libgit2's error to "loose object <id> is corrupt: <why>" and returns -1. */
static int corrupt(const git_oid *oid, const char *why, const char *detail)
{
	struct buf msg = BUF_INIT;

	buf_setf(&msg, "loose object %s is corrupt: %s", git_oid_tostr_s(oid), why);
	if (detail)
		buf_addf(&msg, " (%s)", detail);
	git_error_set_str(GIT_ERROR_ODB, msg.ptr);
	buf_release(&msg);
	return GIT_ERROR;
}

/*
 * Parses the header "<type> <size>" of length len. Returns 0, or -1 when
 * it is not a header of a commit, tree, blob or tag. As git does, it
 * rejects a size written with a leading zero, such as "blob 07".
 */
static int parse_header(git_object_t *type, size_t *size, const char *header, size_t len)
{
	const char *space = memchr(header, ' ', len);
	char name[LOOSE_HEADER_MAX];
	const char *p;

	if (!space || space == header || space + 1 == header + len)
		return -1;
	memcpy(name, header, (size_t)(space - header));
	name[space - header] = '\0';
	*type = git_object_string2type(name);
	if (*type != GIT_OBJECT_COMMIT && *type != GIT_OBJECT_TREE &&
	    *type != GIT_OBJECT_BLOB && *type != GIT_OBJECT_TAG)
		return -1;

	if (space[1] == '0' && space + 2 < header + len)
		return -1;
	*size = 0;
	for (p = space + 1; p < header + len; p++) {
		if (*p < '0' || *p > '9' || *size > (SIZE_MAX - 9) / 10)
			return -1;
		*size = *size * 10 + (size_t)(*p - '0');
	}
	return 0;
}

/* The input and output of one inflation, which may exceed what one zlib call takes. */
struct inflation {
	z_stream z;
	const unsigned char *in;
	size_t in_len;
	size_t in_pos;
	unsigned char *out;
	size_t out_len;
	size_t out_pos;
};

/* Runs inflate() once, with at most 4 GiB of each of input and output. */
static int inflate_step(struct inflation *f, int flush)
{
	size_t in_left = f->in_len - f->in_pos, out_left = f->out_len - f->out_pos;
	uInt in_given = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
	uInt out_given = out_left > UINT32_MAX ? UINT32_MAX : (uInt)out_left;
	int zret;

	f->z.next_in = (unsigned char *)f->in + f->in_pos;
	f->z.avail_in = in_given;
	f->z.next_out = f->out + f->out_pos;
	f->z.avail_out = out_given;
	zret = inflate(&f->z, flush);
	f->in_pos += in_given - f->z.avail_in;
	f->out_pos += out_given - f->z.avail_out;
	return zret;
}

/*
 * Inflates the loose object in (of in_len bytes) into a buffer from
 * git_odb_backend_data_alloc(). Returns 0, or -1 with libgit2's error set.
 */
static int inflate_object(void **out, size_t *len, git_object_t *type,
			  git_odb_backend *backend, const git_oid *oid,
			  const unsigned char *in, size_t in_len)
{
	unsigned char header[LOOSE_HEADER_MAX];
	unsigned char *data = NULL, *nul;
	size_t header_len, rest, size = 0;
	struct inflation f;
	int zret, ret = GIT_ERROR;

	memset(&f, 0, sizeof(f));
	if (inflateInit(&f.z) != Z_OK)
		return corrupt(oid, "cannot start zlib", f.z.msg);
	f.in = in;
	f.in_len = in_len;

	/* The header, and perhaps the start of the contents. */
	f.out = header;
	f.out_len = sizeof(header);
	zret = inflate_step(&f, Z_NO_FLUSH);
	if (zret != Z_OK && zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
		ret = corrupt(oid, "not a valid zlib stream", f.z.msg);
		goto done;
	}
	nul = memchr(header, '\0', f.out_pos);
	if (!nul || parse_header(type, &size, (const char *)header,
				 (size_t)(nul - header)) < 0) {
		ret = corrupt(oid, "no valid object header", NULL);
		goto done;
	}
	if (!gitloose_size_possible(in_len, size)) {
		ret = corrupt(oid, "its header gives a size larger than the file can hold", NULL);
		goto done;
	}
	header_len = (size_t)(nul - header) + 1;
	rest = f.out_pos - header_len;
	if (rest > size) {
		ret = corrupt(oid, "longer than its header says", NULL);
		goto done;
	}

	/*
	 * The buffer has one byte more than the header gives, so a stream
	 * that fills it is longer than its header gives. Without Z_FINISH,
	 * inflate() returns Z_OK only when it made progress, so the loop
	 * ends, and it takes more than one call for over 4 GiB.
	 */
	data = git_odb_backend_data_alloc(backend, size + 1);
	if (!data) {
		git_error_set_str(GIT_ERROR_NOMEMORY, "out of memory");
		goto done;
	}
	memcpy(data, header + header_len, rest);
	f.out = data;
	f.out_len = size + 1;
	f.out_pos = rest;
	while (zret == Z_OK)
		zret = inflate_step(&f, Z_NO_FLUSH);
	if (zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
		ret = corrupt(oid, "not a valid zlib stream", f.z.msg);
		goto done;
	}
	if (zret == Z_BUF_ERROR && f.out_pos < f.out_len) {
		ret = corrupt(oid, "its zlib stream is cut short", NULL);
		goto done;
	}
	if (zret != Z_STREAM_END || f.out_pos != size) {
		ret = corrupt(oid, f.out_pos < size ? "shorter than its header says" :
			      "longer than its header says", NULL);
		goto done;
	}
	data[size] = '\0';
	*out = data;
	*len = size;
	data = NULL;
	ret = 0;

done:
	if (data)
		git_odb_backend_data_free(backend, data);
	inflateEnd(&f.z);
	return ret;
}

/*
 * Reads the len bytes of the file fd into a new buffer. Returns NULL when
 * the file ends early or read() fails.
 */
static unsigned char *read_whole(int fd, size_t len)
{
	unsigned char *data = xmalloc(len);
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, data + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(data);
			return NULL;
		}
		got += (size_t)n;
	}
	return data;
}

/*
 * Opens the file of loose object oid. Returns its descriptor, with its
 * size in size, or -1 when there is no such regular file.
 */
static int open_object(const struct loose_reader *r, const git_oid *oid, size_t *size)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct buf path = BUF_INIT;
	struct stat st;
	int fd;

	git_oid_tostr(hex, sizeof(hex), oid);
	buf_setf(&path, "%s%.2s/%s", r->objects, hex, hex + 2);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	buf_release(&path);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	*size = (size_t)st.st_size;
	return fd;
}

static int loose_read(void **out, size_t *len, git_object_t *type,
		      git_odb_backend *backend, const git_oid *oid)
{
	const struct loose_reader *r = (const struct loose_reader *)backend;
	unsigned char *data;
	size_t size;
	int fd, ret;

	fd = open_object(r, oid, &size);
	if (fd < 0)
		return GIT_ENOTFOUND;
	if (size == 0) {
		close(fd);
		return corrupt(oid, "the file is empty", NULL);
	}
	/*
	 * Loose objects are small as a rule, and read() costs less than
	 * mapping and unmapping each of them.
	 */
	data = read_whole(fd, size);
	close(fd);
	if (!data)
		return corrupt(oid, "the file cannot be read", NULL);
	ret = inflate_object(out, len, type, backend, oid, data, size);
	free(data);
	return ret;
}

/*
 * Reads the type and size of a loose object, inflating no more of the
 * file than its header takes. The rest is checked when it is read.
 */
static int loose_read_header(size_t *len, git_object_t *type,
			     git_odb_backend *backend, const git_oid *oid)
{
	const struct loose_reader *r = (const struct loose_reader *)backend;
	unsigned char chunk[HEADER_READ_CHUNK], header[LOOSE_HEADER_MAX];
	unsigned char *nul = NULL;
	struct inflation f;
	size_t file_size;
	int fd, zret = Z_OK, ret = GIT_ERROR;

	fd = open_object(r, oid, &file_size);
	if (fd < 0)
		return GIT_ENOTFOUND;
	memset(&f, 0, sizeof(f));
	if (inflateInit(&f.z) != Z_OK) {
		close(fd);
		return corrupt(oid, "cannot start zlib", f.z.msg);
	}
	f.out = header;
	f.out_len = sizeof(header);
	while (!nul && f.out_pos < f.out_len && zret == Z_OK) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = corrupt(oid, "the file cannot be read", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		f.in = chunk;
		f.in_len = (size_t)n;
		f.in_pos = 0;
		zret = inflate_step(&f, Z_NO_FLUSH);
		nul = memchr(header, '\0', f.out_pos);
	}
	if (zret != Z_OK && zret != Z_STREAM_END && zret != Z_BUF_ERROR) {
		ret = corrupt(oid, "not a valid zlib stream", f.z.msg);
		goto done;
	}
	if (!nul || parse_header(type, len, (const char *)header, (size_t)(nul - header)) < 0) {
		ret = corrupt(oid, "no valid object header", NULL);
		goto done;
	}
	if (!gitloose_size_possible(file_size, *len)) {
		ret = corrupt(oid, "its header gives a size larger than the file can hold", NULL);
		goto done;
	}
	ret = 0;

done:
	inflateEnd(&f.z);
	close(fd);
	return ret;
}

static int loose_exists(git_odb_backend *backend, const git_oid *oid)
{
	size_t size;
	int fd = open_object((const struct loose_reader *)backend, oid, &size);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Reports whether name is 38 lowercase hexadecimal digits, the name of a loose object. */
static int is_object_name(const char *name)
{
	size_t i;

	for (i = 0; i < GIT_OID_HEXSZ - 2; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	return name[i] == '\0';
}

/*
 * Calls fn for each loose object whose id starts with the first len
 * hexadecimal digits of hex, or for every object when len is 0. Stops
 * when fn returns nonzero and returns that value; returns 0 otherwise.
 */
static int each_object(const struct loose_reader *r, const char *hex, size_t len,
		       int (*fn)(const git_oid *, void *), void *payload)
{
	static const char digits[] = "0123456789abcdef";
	struct buf path = BUF_INIT;
	int ret = 0;
	unsigned i;

	for (i = 0; i < 256 && !ret; i++) {
		char dir[3] = { digits[i >> 4], digits[i & 15], '\0' };
		struct dirent *d;
		DIR *dh;

		if ((len >= 1 && dir[0] != hex[0]) || (len >= 2 && dir[1] != hex[1]))
			continue;
		buf_setf(&path, "%s%s", r->objects, dir);
		dh = opendir(path.ptr);
		if (!dh)
			continue;
		while (!ret && (d = readdir(dh)) != NULL) {
			char full[GIT_OID_HEXSZ + 1];
			git_oid oid;

			if (!is_object_name(d->d_name) ||
			    (len > 2 && strncmp(d->d_name, hex + 2, len - 2) != 0))
				continue;
			memcpy(full, dir, 2);
			memcpy(full + 2, d->d_name, GIT_OID_HEXSZ - 2 + 1);
			if (git_oid_fromstr(&oid, full) == 0)
				ret = fn(&oid, payload);
		}
		closedir(dh);
	}
	buf_release(&path);
	return ret;
}

/* The state of a search by abbreviated id. */
struct prefix_match {
	git_oid found;
	size_t count;
};

static int count_match(const git_oid *oid, void *payload)
{
	struct prefix_match *m = payload;

	m->found = *oid;
	return ++m->count > 1;
}

/*
 * Finds the one loose object whose id starts with the first len
 * hexadecimal digits of short_id. Returns 0, GIT_ENOTFOUND, or
 * GIT_EAMBIGUOUS with libgit2's error set.
 */
static int find_prefix(git_oid *out, const struct loose_reader *r,
		       const git_oid *short_id, size_t len)
{
	char hex[GIT_OID_HEXSZ + 1];
	struct prefix_match m = { .count = 0 };

	git_oid_tostr(hex, sizeof(hex), short_id);
	if (len > GIT_OID_HEXSZ)
		len = GIT_OID_HEXSZ;
	each_object(r, hex, len, count_match, &m);
	if (m.count == 0)
		return GIT_ENOTFOUND;
	if (m.count > 1) {
		git_error_set_str(GIT_ERROR_ODB, "short object id is ambiguous among loose objects");
		return GIT_EAMBIGUOUS;
	}
	*out = m.found;
	return 0;
}

static int loose_read_prefix(git_oid *out, void **data, size_t *len, git_object_t *type,
			     git_odb_backend *backend, const git_oid *short_id, size_t short_len)
{
	const struct loose_reader *r = (const struct loose_reader *)backend;
	int ret = find_prefix(out, r, short_id, short_len);

	if (ret < 0)
		return ret;
	/*
	 * libgit2 fails the whole lookup when one reader fails, so a loose
	 * copy that is corrupt would hide a packed copy that a full id reads.
	 * A pack reader returns the same id, so this one need not.
	 */
	if (is_packed(r->packs, out))
		return GIT_ENOTFOUND;
	return loose_read(data, len, type, backend, out);
}

static int loose_exists_prefix(git_oid *out, git_odb_backend *backend,
			       const git_oid *short_id, size_t short_len)
{
	return find_prefix(out, (const struct loose_reader *)backend, short_id, short_len);
}

/* A callback of git_odb_foreach() and its payload, for each_object(). */
struct foreach_call {
	git_odb_foreach_cb cb;
	void *payload;
};

static int call_foreach(const git_oid *oid, void *payload)
{
	const struct foreach_call *call = payload;

	return call->cb(oid, call->payload);
}

static int loose_foreach(git_odb_backend *backend, git_odb_foreach_cb cb, void *payload)
{
	struct foreach_call call = { cb, payload };

	return each_object((const struct loose_reader *)backend, "", 0, call_foreach, &call);
}

static void loose_free(git_odb_backend *backend)
{
	pack_list_release(((struct loose_reader *)backend)->packs);
	free(backend);
}

static git_odb_backend *loose_reader_new(const char *objects_dir, struct pack_list *packs)
{
	size_t n = strlen(objects_dir);
	struct loose_reader *r = xcalloc(1, sizeof(*r) + n + 2);

	r->packs = packs;
	packs->refs++;

	memcpy(r->objects, objects_dir, n);
	if (n == 0 || objects_dir[n - 1] != '/')
		r->objects[n++] = '/';
	r->objects[n] = '\0';
	git_odb_init_backend(&r->backend, GIT_ODB_BACKEND_VERSION);
	r->backend.read = loose_read;
	r->backend.read_prefix = loose_read_prefix;
	r->backend.read_header = loose_read_header;
	r->backend.exists = loose_exists;
	r->backend.exists_prefix = loose_exists_prefix;
	r->backend.foreach = loose_foreach;
	r->backend.free = loose_free;
	return &r->backend;
}

/* The object database being built, and the directories already in it. */
struct odb_build {
	git_odb *odb;
	struct pack_list *packs;
	struct stat *seen;
	size_t nseen;
	struct buf *alternates;	/* the alternates added, each ending in a NUL byte */
	struct buf *err;
};

static int add_objects_dir(struct odb_build *b, const char *dir, int alternate, int depth);

/*
 * Adds backend to the database being built, as an alternate or not.
 * Returns 0, or -1 with a message, having freed backend.
 */
static int add_backend(struct odb_build *b, git_odb_backend *backend, int priority, int alternate)
{
	if ((alternate ? git_odb_add_alternate : git_odb_add_backend)(b->odb, backend, priority) == 0)
		return 0;
	backend->free(backend);
	buf_setf(b->err, "cannot add a reader to the object database: %s", gitrepo_reason());
	return -1;
}

/*
 * Adds the alternates that the file info/alternates of object directory
 * dir names: one directory per line, relative to dir unless absolute,
 * with blank lines and lines starting with '#' skipped, as git reads it.
 */
static int add_alternates_of(struct odb_build *b, const char *dir, int depth)
{
	struct buf path = BUF_INIT, text = BUF_INIT, ignored = BUF_INIT, alt = BUF_INIT;
	const char *line, *end;
	struct stat st;
	int ret = 0;

	buf_setf(&path, "%s/info/alternates", dir);
	text.cap = ALTERNATES_FILE_MAX;
	if (stat(path.ptr, &st) < 0)
		goto done;
	/*
	 * git reads an alternates file of any length, so skipping a longer
	 * one would make its objects look missing with no reason given. An
	 * alternates file that cannot be read is skipped, as git skips it.
	 */
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > ALTERNATES_FILE_MAX) {
		buf_setf(b->err, "cannot read %s: file is larger than the limit of %d bytes",
			 path.ptr, ALTERNATES_FILE_MAX);
		ret = -1;
		goto done;
	}
	if (buf_read_file(&text, path.ptr, &ignored) < 0)
		goto done;
	for (line = text.ptr; line && line < text.ptr + text.len && ret == 0; line = end + 1) {
		size_t len;

		end = memchr(line, '\n', (size_t)(text.ptr + text.len - line));
		if (!end)
			end = text.ptr + text.len;
		len = (size_t)(end - line);
		if (len > 0 && line[len - 1] == '\r')
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (line[0] == '/')
			buf_setf(&alt, "%.*s", (int)len, line);
		else
			buf_setf(&alt, "%s/%.*s", dir, (int)len, line);
		ret = add_objects_dir(b, alt.ptr, 1, depth + 1);
	}

done:
	buf_release(&path);
	buf_release(&text);
	buf_release(&ignored);
	buf_release(&alt);
	return ret;
}

/*
 * Adds libgit2's pack reader and this reader for object directory dir,
 * then the alternates it names. A directory already added, an alternate
 * that does not exist, and alternates nested deeper than git allows are
 * skipped, as git and libgit2 skip them.
 */
static int add_objects_dir(struct odb_build *b, const char *dir, int alternate, int depth)
{
	git_odb_backend *pack = NULL, *loose;
	struct stat st;
	size_t i;

	if (depth > ALTERNATES_MAX_DEPTH)
		return 0;
	if (stat(dir, &st) < 0) {
		if (alternate)
			return 0;
		buf_setf(b->err, "cannot open the object directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (alternate)
			return 0;
		buf_setf(b->err, "cannot open the object directory %s: not a directory", dir);
		return -1;
	}
	for (i = 0; i < b->nseen; i++)
		if (b->seen[i].st_dev == st.st_dev && b->seen[i].st_ino == st.st_ino)
			return 0;
	b->seen = xrealloc(b->seen, (b->nseen + 1) * sizeof(*b->seen));
	b->seen[b->nseen++] = st;

	if (git_odb_backend_pack(&pack, dir) < 0) {
		buf_setf(b->err, "cannot read the packs of %s: %s", dir, gitrepo_reason());
		return -1;
	}
	if (add_backend(b, pack, PACK_PRIORITY, alternate) < 0)
		return -1;
	b->packs->packs = xrealloc(b->packs->packs, (b->packs->count + 1) * sizeof(*b->packs->packs));
	b->packs->packs[b->packs->count++] = pack;
	loose = loose_reader_new(dir, b->packs);
	if (add_backend(b, loose, LOOSE_PRIORITY, alternate) < 0)
		return -1;
	if (alternate)
		buf_add(b->alternates, dir, strlen(dir) + 1);
	return add_alternates_of(b, dir, depth);
}

/*
 * Adds the directories of GIT_ALTERNATE_OBJECT_DIRECTORIES, separated by
 * colons, as libgit2 does for a repository opened from the environment.
 */
static int add_env_alternates(struct odb_build *b)
{
	const char *list = getenv("GIT_ALTERNATE_OBJECT_DIRECTORIES");
	struct buf dir = BUF_INIT;
	int ret = 0;

	while (list && *list && ret == 0) {
		const char *colon = strchr(list, ':');
		size_t len = colon ? (size_t)(colon - list) : strlen(list);

		if (len > 0) {
			buf_setf(&dir, "%.*s", (int)len, list);
			ret = add_objects_dir(b, dir.ptr, 1, 0);
		}
		list = colon ? colon + 1 : NULL;
	}
	buf_release(&dir);
	return ret;
}

int gitloose_install(git_repository *git, struct buf *objects_dir,
		     struct buf *alternates, struct buf *err)
{
	const char *env = getenv("GIT_OBJECT_DIRECTORY");
	struct odb_build b = { .alternates = alternates, .err = err };
	git_commit_graph *graph = NULL;
	int ret = -1;

	b.packs = xcalloc(1, sizeof(*b.packs));
	b.packs->refs = 1;

	if (env && *env)
		buf_setf(objects_dir, "%s", env);
	else
		buf_setf(objects_dir, "%sobjects", git_repository_commondir(git));
	if (git_odb_new(&b.odb) < 0) {
		buf_setf(err, "cannot open the object database: %s", gitrepo_reason());
		goto done;
	}
	if (add_objects_dir(&b, objects_dir->ptr, 0, 0) < 0 || add_env_alternates(&b) < 0)
		goto done;
	/*
	 * libgit2 walks history faster with git's commit-graph file, and
	 * reads it only for the object database that it opened itself.
	 */
	if (git_commit_graph_open(&graph, objects_dir->ptr) == 0 &&
	    git_odb_set_commit_graph(b.odb, graph) < 0)
		git_commit_graph_free(graph);
	git_error_clear();
	if (git_repository_set_odb(git, b.odb) < 0) {
		buf_setf(err, "cannot open the object database: %s", gitrepo_reason());
		goto done;
	}
	ret = 0;

done:
	git_odb_free(b.odb);
	pack_list_release(b.packs);
	free(b.seen);
	return ret;
}

int gitloose_size_possible(size_t stream_len, size_t size)
{
	return stream_len > SIZE_MAX / ZLIB_MAX_RATIO || size <= stream_len * ZLIB_MAX_RATIO;
}
