#include "gitloose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>
#include <zlib.h>

#include "alloc.h"

/*
 * The priority of the reader among the backends of the object database.
 * libgit2 1.5 gives its pack reader 2 and its loose reader 1 and tries
 * higher priorities first. A backend added later with an equal priority
 * comes after the packs, which the test "packed copy wins over corrupt
 * loose copy" in tests/e2e/damaged-repo.sh checks.
 */
#define LOOSE_PRIORITY 2

/*
 * A deflate length and distance pair takes at least two bits and encodes
 * at most 258 bytes, so a zlib stream inflates to at most 1032 times
 * its size (zlib's "Technical Details" page).
 */
#define ZLIB_MAX_RATIO 1032

/* "commit " and 20 decimal digits fit, with their NUL, in this many bytes. */
#define LOOSE_HEADER_MAX 32

struct loose_reader {
	git_odb_backend backend;	/* first, so that libgit2's pointer is ours */
	char objects[];		/* the object directory, ending in '/' */
};

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
 * it is not a header of a commit, tree, blob or tag.
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
	 * that fills it is longer than its header gives. inflate() returns
	 * Z_OK only when it made progress, so the loop ends.
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
		zret = inflate_step(&f, Z_FINISH);
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

static int loose_read(void **out, size_t *len, git_object_t *type,
		      git_odb_backend *backend, const git_oid *oid)
{
	const struct loose_reader *r = (const struct loose_reader *)backend;
	char hex[GIT_OID_HEXSZ + 1];
	struct buf path = BUF_INIT;
	unsigned char *data;
	struct stat st;
	int fd, ret;

	git_oid_tostr(hex, sizeof(hex), oid);
	buf_setf(&path, "%s%.2s/%s", r->objects, hex, hex + 2);
	fd = open(path.ptr, O_RDONLY | O_CLOEXEC);
	buf_release(&path);

	/* A file that cannot be opened or read is left to libgit2, which reports it. */
	if (fd < 0)
		return GIT_PASSTHROUGH;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return GIT_PASSTHROUGH;
	}
	if (st.st_size == 0) {
		close(fd);
		return corrupt(oid, "the file is empty", NULL);
	}
	/*
	 * Loose objects are small as a rule, and read() costs less than
	 * mapping and unmapping each of them.
	 */
	data = read_whole(fd, (size_t)st.st_size);
	close(fd);
	if (!data)
		return GIT_PASSTHROUGH;
	ret = inflate_object(out, len, type, backend, oid, data, (size_t)st.st_size);
	free(data);
	return ret;
}

static void loose_free(git_odb_backend *backend)
{
	free(backend);
}

int gitloose_add(git_repository *git, struct buf *err)
{
	const char *common = git_repository_commondir(git);
	git_odb *odb = NULL;
	struct loose_reader *r;
	size_t n = strlen(common);

	if (git_repository_odb(&odb, git) < 0) {
		buf_setf(err, "cannot open the object database: %s",
			 git_error_last() ? git_error_last()->message : "unknown libgit2 error");
		return -1;
	}
	r = xcalloc(1, sizeof(*r) + n + sizeof("objects/"));
	memcpy(r->objects, common, n);
	memcpy(r->objects + n, "objects/", sizeof("objects/"));
	git_odb_init_backend(&r->backend, GIT_ODB_BACKEND_VERSION);
	r->backend.read = loose_read;
	r->backend.free = loose_free;
	if (git_odb_add_backend(odb, &r->backend, LOOSE_PRIORITY) < 0) {
		buf_setf(err, "cannot add a reader to the object database: %s",
			 git_error_last() ? git_error_last()->message : "unknown libgit2 error");
		free(r);
		git_odb_free(odb);
		return -1;
	}
	git_odb_free(odb);
	return 0;
}

int gitloose_size_possible(size_t stream_len, size_t size)
{
	return stream_len > SIZE_MAX / ZLIB_MAX_RATIO || size <= stream_len * ZLIB_MAX_RATIO;
}
