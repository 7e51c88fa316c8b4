#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <git2.h>

#include "historypack.h"
#include "unit.h"

/*
 * Builds a repository with many versions of one file, packs it so that
 * most versions are deltas, and checks that the pack reader returns every
 * blob exactly as libgit2 does, in both walk orders, with a cache and
 * without.
 */

static char tmpdir[] = "/tmp/modelaudit-pack.XXXXXX";
static const char *const git_dir[] = { ".git/objects" };
static const char *const base_dir[] = { "../base/.git/objects" };

static const char setup[] =
	"git init -q -b main repo && cd repo && "
	"i=0; while [ $i -lt 60 ]; do "
	"  seq 1 3000 | sed \"s/^$((i * 37 % 3000 + 1))\\$/changed $i/\" >f.txt && "
	"  echo \"version $i\" >>f.txt && git add f.txt && git commit -qm v$i || exit 1; "
	"  i=$((i + 1)); "
	"done && git gc -q --aggressive && "
	"git rev-list --objects --all | cut -d' ' -f1 | git cat-file --batch-check='%(objecttype) %(objectname)' | "
	"sed -n 's/^blob //p' >../blobs";

static size_t read_blobs(git_oid **out)
{
	FILE *f = fopen("../blobs", "r");
	char hex[64];
	size_t n = 0, alloc = 0;

	*out = NULL;
	if (!f)
		return 0;
	while (fscanf(f, "%63s", hex) == 1) {
		if (n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			*out = realloc(*out, alloc * sizeof(**out));
		}
		if (git_oid_fromstr(&(*out)[n], hex) == 0)
			n++;
	}
	fclose(f);
	return n;
}

static void check_all(git_repository *repo, const git_oid *oids, size_t n, int reverse,
		      size_t budget)
{
	struct pack_reader *r = pack_reader_open(git_dir, 1, budget);
	size_t i, same = 0;

	CHECK(r != NULL);
	for (i = 0; r && i < n; i++) {
		const git_oid *oid = &oids[reverse ? n - 1 - i : i];
		git_blob *blob = NULL;
		const char *data;
		size_t len;

		CHECK_INT(pack_reader_read(r, oid, &data, &len, SIZE_MAX), 0);
		CHECK_INT(git_blob_lookup(&blob, repo, oid), 0);
		if (blob && len == (size_t)git_blob_rawsize(blob) &&
		    !memcmp(data, git_blob_rawcontent(blob), len))
			same++;
		git_blob_free(blob);
	}
	CHECK_INT(same, n);
	pack_reader_free(r);
}

static void test_every_blob_as_libgit2(void)
{
	git_repository *repo = NULL;
	git_oid *oids = NULL;
	size_t n;

	CHECK_INT(git_repository_open(&repo, "."), 0);
	n = read_blobs(&oids);
	CHECK(n >= 60);
	check_all(repo, oids, n, 0, PACK_READER_WALK_BUDGET);
	check_all(repo, oids, n, 1, PACK_READER_WALK_BUDGET);
	check_all(repo, oids, n, 0, 0);
	check_all(repo, oids, n, 1, 0);
	free(oids);
	git_repository_free(repo);
}

/*
 * Each blob, read first by a new reader (so that nothing is cached), is
 * too large for a limit one byte below its size and fits its own size,
 * whether the pack stores it whole or as a delta.
 */
static void test_size_limit_from_headers(void)
{
	git_repository *repo = NULL;
	git_oid *oids = NULL;
	size_t n, i, too_large = 0, read = 0;

	CHECK_INT(git_repository_open(&repo, "."), 0);
	n = read_blobs(&oids);
	for (i = 0; i < n; i++) {
		struct pack_reader *r = pack_reader_open(git_dir, 1, PACK_READER_WALK_BUDGET);
		git_blob *blob = NULL;
		const char *data;
		size_t len = 0, size;

		if (git_blob_lookup(&blob, repo, &oids[i]) < 0) {
			pack_reader_free(r);
			continue;
		}
		size = (size_t)git_blob_rawsize(blob);
		git_blob_free(blob);
		if (size > 0 && pack_reader_read(r, &oids[i], &data, &len, size - 1) == PACK_READER_TOO_LARGE &&
		    len == size)
			too_large++;
		if (pack_reader_read(r, &oids[i], &data, &len, size) == 0 && len == size)
			read++;
		pack_reader_free(r);
	}
	CHECK(n >= 60);
	CHECK_INT(too_large, n);
	CHECK_INT(read, n);
	free(oids);
	git_repository_free(repo);
}

/* Reads one hexadecimal object id from file into oid. */
static int read_oid(const char *file, git_oid *oid)
{
	FILE *f = fopen(file, "r");
	char hex[64] = "";
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%63s", hex) == 1;
	fclose(f);
	return ok ? git_oid_fromstr(oid, hex) : -1;
}

static void test_loose_object_not_read(void)
{
	struct pack_reader *r = pack_reader_open(git_dir, 1, PACK_READER_WALK_BUDGET);
	git_oid oid;
	const char *data;
	size_t len;

	CHECK(system("echo loose >loose.txt && git hash-object -w loose.txt >../loose") == 0);
	CHECK_INT(read_oid("../loose", &oid), 0);
	CHECK_INT(pack_reader_read(r, &oid, &data, &len, SIZE_MAX), -1);
	pack_reader_free(r);
}

/*
 * A small file that git stores as a delta of a large one is not built when
 * the large base is over twice the limit, and is built with a higher limit.
 */
static void test_delta_base_over_limit(void)
{
	static const char build[] =
		"git init -q -b main ../base && cd ../base && "
		"seq 1 100000 >f.txt && git add f.txt && git commit -qm large && "
		"seq 1 5000 >f.txt && git add f.txt && git commit -qm small && "
		"git gc -q --aggressive && git rev-parse HEAD:f.txt >../small && "
		"git cat-file --batch-check='%(deltabase)' <../small >../small-base && "
		"git rev-parse HEAD~1:f.txt | cmp -s - ../small-base";
	struct pack_reader *r;
	git_oid oid;
	const char *data;
	size_t len = 0;

	CHECK(system(build) == 0);
	CHECK_INT(read_oid("../small", &oid), 0);
	r = pack_reader_open(base_dir, 1, 0);
	CHECK(r != NULL);
	CHECK_INT(pack_reader_read(r, &oid, &data, &len, 30000), PACK_READER_BASE_TOO_LARGE);
	CHECK_INT(len, 588895);
	CHECK_INT(pack_reader_read(r, &oid, &data, &len, 300000), 0);
	CHECK_INT(len, 23893);
	pack_reader_free(r);
}

int main(void)
{
	char cmd[4096];
	char top[4096];
	int status;

	if (!getcwd(top, sizeof(top)) || !mkdtemp(tmpdir))
		return 1;
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_CONFIG_GLOBAL", "/dev/null", 1);
	setenv("HOME", tmpdir, 1);
	setenv("GIT_AUTHOR_NAME", "A U Thor", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.org", 1);
	setenv("GIT_COMMITTER_NAME", "C O Mitter", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.org", 1);
	if (chdir(tmpdir) != 0 || system(setup) != 0 || chdir("repo") != 0) {
		printf("# setup failed\n");
		return 1;
	}
	git_libgit2_init();

	RUN(test_every_blob_as_libgit2);
	RUN(test_size_limit_from_headers);
	RUN(test_loose_object_not_read);
	RUN(test_delta_base_over_limit);

	git_libgit2_shutdown();
	status = unit_done();
	if (chdir(top) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (system(cmd) != 0)
			status = 1;
	}
	return status;
}
