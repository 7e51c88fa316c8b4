#include <stdlib.h>
#include <unistd.h>

#include "gitrepo.h"
#include "unit.h"

/*
 * Each test builds a small repository with the git command in a temporary
 * directory, enters it, and reads snapshots back through gitrepo.
 */

static char top[4096];
static char tmpdir[] = "/tmp/modelaudit-gitrepo.XXXXXX";

static int sh(const char *script)
{
	return system(script);
}

static void enter(const char *name, const char *script)
{
	char cmd[8192];

	if (chdir(tmpdir) != 0)
		abort();
	snprintf(cmd, sizeof(cmd),
		 "rm -rf %s && git init -q -b main %s && cd %s && %s", name, name, name, script);
	if (sh(cmd) != 0) {
		printf("#   setup of %s failed\n", name);
		abort();
	}
	if (chdir(name) != 0)
		abort();
}

static struct string_list paths_of(const char *a, const char *b)
{
	struct string_list list = { 0 };

	string_list_append(&list, a);
	if (b)
		string_list_append(&list, b);
	return list;
}

static void test_commit_directory_in_byte_order(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("data/models/", NULL);
	char oid[GIT_OID_HEXSZ + 1];
	FILE *f;

	enter("dir", "mkdir -p data/models/b data/models/a && "
	      "echo 'models: []' > data/models/b/x.yaml && "
	      "echo 'models: [1]' > data/models/a-b.yml && "
	      "echo 'models: [2]' > data/models/a/z.yaml && "
	      "echo 'not yaml' > data/models/readme.md && "
	      "mkdir data/models/.hidden && echo 'models: []' > data/models/.hidden/h.yaml && "
	      "echo 'models: []' > data/models/.h.yaml && "
	      "git add . && git commit -qm one && "
	      "git rev-parse HEAD:data/models/a-b.yml > ../dir.oid");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_COMMIT, "HEAD", &paths, &err), 0);
	CHECK_INT(snap.nr, 3);
	if (snap.nr == 3) {
		CHECK_STR(snap.files[0].path, "data/models/a-b.yml");
		CHECK_STR(snap.files[1].path, "data/models/a/z.yaml");
		CHECK_STR(snap.files[2].path, "data/models/b/x.yaml");
		CHECK_STR(snap.files[0].data, "models: [1]\n");
		CHECK_INT(snap.files[0].len, 12);
		f = fopen("../dir.oid", "r");
		CHECK(f != NULL);
		if (f) {
			CHECK_INT(fscanf(f, "%40s", oid), 1);
			fclose(f);
		}
		CHECK_STR(git_oid_tostr_s(&snap.files[0].oid), oid);
	}
	CHECK_INT(snap.nmissing, 0);
	snapshot_release(&snap);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_index_and_worktree_differ(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot staged = SNAPSHOT_INIT, disk = SNAPSHOT_INIT, head = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("./data//models.yaml", NULL);

	enter("modes", "mkdir data && echo v1 > data/models.yaml && git add . && "
	      "git commit -qm one && echo v2 > data/models.yaml && git add . && "
	      "echo v3 > data/models.yaml");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&head, repo, SNAPSHOT_COMMIT, NULL, &paths, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&staged, repo, SNAPSHOT_INDEX, NULL, &paths, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&disk, repo, SNAPSHOT_WORKTREE, NULL, &paths, &err), 0);
	CHECK_INT(head.nr, 1);
	CHECK_INT(staged.nr, 1);
	CHECK_INT(disk.nr, 1);
	if (head.nr && staged.nr && disk.nr) {
		CHECK_STR(head.files[0].data, "v1\n");
		CHECK_STR(staged.files[0].data, "v2\n");
		CHECK_STR(disk.files[0].data, "v3\n");
		CHECK_STR(disk.files[0].path, "data/models.yaml");
		CHECK(!git_oid_equal(&staged.files[0].oid, &disk.files[0].oid));
	}
	snapshot_release(&head);
	snapshot_release(&staged);
	snapshot_release(&disk);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_worktree_oid_matches_blob(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot staged = SNAPSHOT_INIT, disk = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("data", NULL);

	enter("same", "mkdir data && echo 'models: []' > data/m.yaml && git add .");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&staged, repo, SNAPSHOT_INDEX, NULL, &paths, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&disk, repo, SNAPSHOT_WORKTREE, NULL, &paths, &err), 0);
	CHECK_INT(staged.nr, 1);
	CHECK_INT(disk.nr, 1);
	if (staged.nr && disk.nr)
		CHECK(git_oid_equal(&staged.files[0].oid, &disk.files[0].oid));
	snapshot_release(&staged);
	snapshot_release(&disk);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_missing_path_recorded(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("data/models.yaml", "other/");

	enter("missing", "mkdir data && echo x > data/models.yaml && git add . && "
	      "git commit -qm one");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_COMMIT, "HEAD", &paths, &err), 0);
	CHECK_INT(snap.nr, 1);
	CHECK_INT(snap.nmissing, 1);
	if (snap.nmissing)
		CHECK_STR(snap.missing[0], "other");
	snapshot_release(&snap);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_unknown_revision_named(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("data/models.yaml", NULL);

	enter("unknown", "echo x > f && git add . && git commit -qm one");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_COMMIT, "HEAD~5", &paths, &err),
		  GITREPO_ERROR);
	CHECK(!strncmp(err.ptr, "unknown revision 'HEAD~5': ", 27));
	snapshot_release(&snap);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_config_read_from_commit(void)
{
	struct gitrepo *repo = NULL;
	struct buf err = BUF_INIT, text = BUF_INIT;
	int found = -1;

	enter("config", "echo 'registry: [a.yaml]' > .modelaudit.yaml && git add . && "
	      "git commit -qm one && echo 'registry: [b.yaml]' > .modelaudit.yaml && "
	      "git add . && rm .modelaudit.yaml");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_config(&text, &found, repo, SNAPSHOT_COMMIT, "HEAD", &err), 0);
	CHECK_INT(found, 1);
	CHECK_STR(text.ptr, "registry: [a.yaml]\n");
	CHECK_INT(gitrepo_read_config(&text, &found, repo, SNAPSHOT_INDEX, NULL, &err), 0);
	CHECK_INT(found, 1);
	CHECK_STR(text.ptr, "registry: [b.yaml]\n");
	CHECK_INT(gitrepo_read_config(&text, &found, repo, SNAPSHOT_WORKTREE, NULL, &err), 0);
	CHECK_INT(found, 0);
	CHECK_STR(text.ptr, "");
	gitrepo_free(repo);
	buf_release(&text);
	buf_release(&err);
}

static void test_bare_repository_reads_commits(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT, disk = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("m.yaml", NULL);

	enter("bare-src", "echo x > m.yaml && git add . && git commit -qm one && "
	      "git clone -q --bare . ../bare.git");
	if (chdir("../bare.git") != 0)
		abort();
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK(gitrepo_workdir(repo) == NULL);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_COMMIT, "main", &paths, &err), 0);
	CHECK_INT(snap.nr, 1);
	CHECK_INT(gitrepo_read_snapshot(&disk, repo, SNAPSHOT_WORKTREE, NULL, &paths, &err),
		  GITREPO_ERROR);
	CHECK_STR(err.ptr, "cannot read the working tree: the repository is bare");
	snapshot_release(&snap);
	snapshot_release(&disk);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_linked_worktree_reads_own_index(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("m.yaml", NULL);

	enter("linked", "echo x > m.yaml && git add . && git commit -qm one && "
	      "git worktree add -q ../linked-wt -b other && "
	      "echo y > ../linked-wt/m.yaml && git -C ../linked-wt add m.yaml");
	if (chdir("../linked-wt") != 0)
		abort();
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_INDEX, NULL, &paths, &err), 0);
	CHECK_INT(snap.nr, 1);
	if (snap.nr)
		CHECK_STR(snap.files[0].data, "y\n");
	snapshot_release(&snap);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

static void test_normalize_path(void)
{
	char *p;

	p = gitrepo_normalize_path("./data//models/");
	CHECK_STR(p, "data/models");
	free(p);
	CHECK(gitrepo_normalize_path("/etc/passwd") == NULL);
	CHECK(gitrepo_normalize_path("data/../../x") == NULL);
	CHECK(gitrepo_normalize_path("./") == NULL);
}

static void test_outside_path_rejected(void)
{
	struct gitrepo *repo = NULL;
	struct snapshot snap = SNAPSHOT_INIT;
	struct buf err = BUF_INIT;
	struct string_list paths = paths_of("../x.yaml", NULL);

	enter("outside", "echo x > m.yaml && git add . && git commit -qm one");
	CHECK_INT(gitrepo_open(&repo, &err), 0);
	CHECK_INT(gitrepo_read_snapshot(&snap, repo, SNAPSHOT_COMMIT, "HEAD", &paths, &err),
		  GITREPO_ERROR);
	CHECK_STR(err.ptr, "registry path '../x.yaml' is outside the repository: "
		  "paths are taken from the repository root");
	snapshot_release(&snap);
	string_list_release(&paths);
	gitrepo_free(repo);
	buf_release(&err);
}

int main(void)
{
	char cmd[4200];
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

	RUN(test_commit_directory_in_byte_order);
	RUN(test_index_and_worktree_differ);
	RUN(test_worktree_oid_matches_blob);
	RUN(test_missing_path_recorded);
	RUN(test_unknown_revision_named);
	RUN(test_config_read_from_commit);
	RUN(test_bare_repository_reads_commits);
	RUN(test_linked_worktree_reads_own_index);
	RUN(test_normalize_path);
	RUN(test_outside_path_rejected);

	status = unit_done();
	if (chdir(top) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
		if (sh(cmd) != 0)
			status = 1;
	}
	return status;
}
