#!/bin/sh
# install-hook: the pre-commit hook it writes, run by real git commits.
. "$(dirname "$0")/../lib.sh"

# Writes a registry with no error to $1, or with one error (a model without
# 'organization', at line 2) when $2 is "broken".
write_registry() {
	mkdir -p "$(dirname "$1")"
	organization=Acme
	[ "${2:-}" != broken ] || organization=
	registry_yaml organization="$organization" released=2024-01-10 \
		url=https://huggingface.co/acme/acme-7b score="MMLU - 70.1 2024-02-01" >"$1"
}

finding="data/models.yaml:2:5: error: model 'acme-7b' has no 'organization' [schema-required]"

test_expect_success 'hook blocks a commit until the registry is fixed' '
	make_repo repo &&
	cd repo &&
	run_ma 0 install-hook &&
	echo "modelaudit: installed the pre-commit hook in $PWD/.git/hooks/pre-commit" >expect &&
	test_cmp expect out &&
	test -x .git/hooks/pre-commit &&
	write_registry data/models.yaml broken &&
	git add data/models.yaml &&
	! git commit -m "add acme" >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	! git rev-parse -q --verify HEAD &&
	write_registry data/models.yaml &&
	git add data/models.yaml &&
	git commit -q -m "add acme" &&
	git rev-parse -q --verify HEAD
'

test_expect_success 'hook judges the staged copy' '
	make_repo repo &&
	cd repo &&
	run_ma 0 install-hook &&
	write_registry data/models.yaml broken &&
	git add data/models.yaml &&
	write_registry data/models.yaml &&
	! git commit -m "staged copy is broken" >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	git add data/models.yaml &&
	write_registry data/models.yaml broken &&
	git commit -q -m "staged copy is fixed" &&
	git rev-parse -q --verify HEAD
'

test_expect_success 'hook judges commit -a and commit <path>' '
	make_repo repo &&
	cd repo &&
	write_registry data/models.yaml &&
	git add data/models.yaml &&
	git commit -q -m "add acme" &&
	run_ma 0 install-hook &&
	write_registry data/models.yaml broken &&
	! git commit -a -m "break it" >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	! git commit -m "break it" data/models.yaml >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	git rev-list --count HEAD >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_expect_success 'install-hook keeps a foreign hook' '
	make_repo repo &&
	cd repo &&
	printf "#!/bin/sh\nexit 0\n" >.git/hooks/pre-commit &&
	cp .git/hooks/pre-commit own &&
	run_ma 4 install-hook &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: $PWD/.git/hooks/pre-commit already exists and was not written by modelaudit; rerun with --force to replace it (it is then kept as $PWD/.git/hooks/pre-commit.bak)" >expect &&
	test_cmp expect err &&
	test_cmp own .git/hooks/pre-commit
'

test_expect_success 'install-hook --force keeps a backup' '
	make_repo repo &&
	cd repo &&
	printf "#!/bin/sh\necho first\n" >.git/hooks/pre-commit &&
	cp .git/hooks/pre-commit first &&
	run_ma 0 install-hook --force &&
	cat >expect <<-EOT &&
	modelaudit: kept the previous pre-commit hook as $PWD/.git/hooks/pre-commit.bak
	modelaudit: installed the pre-commit hook in $PWD/.git/hooks/pre-commit
	EOT
	test_cmp expect out &&
	test_cmp first .git/hooks/pre-commit.bak &&
	grep "check --staged" .git/hooks/pre-commit &&
	printf "#!/bin/sh\necho second\n" >.git/hooks/pre-commit &&
	cp .git/hooks/pre-commit second &&
	run_ma 0 install-hook --force &&
	test_cmp first .git/hooks/pre-commit.bak &&
	test_cmp second .git/hooks/pre-commit.bak.1
'

test_expect_success 'install-hook twice changes nothing' '
	make_repo repo &&
	cd repo &&
	run_ma 0 install-hook &&
	cp .git/hooks/pre-commit before &&
	run_ma 0 install-hook &&
	echo "modelaudit: the pre-commit hook in $PWD/.git/hooks/pre-commit is already installed" >expect &&
	test_cmp expect out &&
	test_cmp before .git/hooks/pre-commit &&
	! test -e .git/hooks/pre-commit.bak
'

test_expect_success 'install-hook replaces its older hook' '
	make_repo repo &&
	cd repo &&
	run_ma 0 install-hook &&
	sed -i "s|^installed=.*|installed=/old/place/modelaudit|" .git/hooks/pre-commit &&
	run_ma 0 install-hook &&
	! grep /old/place .git/hooks/pre-commit &&
	! test -e .git/hooks/pre-commit.bak
'

test_expect_success 'install-hook honours core.hooksPath' '
	make_repo repo &&
	git -C repo config core.hooksPath .githooks &&
	mkdir repo/sub &&
	cd repo/sub &&
	run_ma 0 install-hook &&
	test -x ../.githooks/pre-commit &&
	! test -e ../.git/hooks/pre-commit &&
	test_cmp /dev/null err &&
	cd .. &&
	write_registry data/models.yaml broken &&
	git add data/models.yaml &&
	! git commit -m "add acme" >commit.out 2>&1 &&
	grep -F "$finding" commit.out
'

test_expect_success 'install-hook warns of a shared hooksPath' '
	make_repo repo &&
	git -C repo config core.hooksPath "$PWD/shared-hooks" &&
	cd repo &&
	run_ma 0 install-hook &&
	test -x ../shared-hooks/pre-commit &&
	echo "modelaudit: warning: core.hooksPath names $(cd .. && pwd)/shared-hooks, outside this repository: the hook also runs in every other repository that uses that directory" >expect &&
	test_cmp expect err
'

test_expect_success 'install-hook escapes the hooks path' '
	make_repo repo &&
	git -C repo config core.hooksPath "$(printf "hooks\033")" &&
	cd repo &&
	run_ma 0 install-hook &&
	test -x "$(printf "hooks\033")/pre-commit" &&
	echo "modelaudit: installed the pre-commit hook in $PWD/hooks\\x1B/pre-commit" >expect &&
	test_cmp expect out
'

test_expect_success 'install-hook help marks ignored options' '
	run_ma 0 install-hook --help &&
	grep "^    --config <file>  *ignored: " out &&
	grep "^    --fail-on <severity>  *ignored: " out &&
	run_ma 0 rules --help &&
	grep "^    --config <file>  *ignored: " out &&
	grep "^    --rules <dir>  *ignored: " out
'

test_expect_success 'install-hook works in a linked worktree' '
	make_repo repo &&
	write_registry repo/data/models.yaml &&
	git -C repo add data/models.yaml &&
	git -C repo commit -q -m "add acme" &&
	git -C repo worktree add -q ../linked &&
	cd linked &&
	run_ma 0 install-hook &&
	test -x ../repo/.git/hooks/pre-commit &&
	write_registry data/models.yaml broken &&
	git add data/models.yaml &&
	! git commit -m "break it" >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	write_registry data/models.yaml &&
	echo "# fixed" >>data/models.yaml &&
	git add data/models.yaml &&
	git commit -q -m "comment" &&
	git rev-list --count HEAD >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_expect_success 'hook falls back to modelaudit on PATH' '
	make_repo repo &&
	cd repo &&
	run_ma 0 install-hook &&
	sed -i "s|^installed=.*|installed=/nonexistent/modelaudit|" .git/hooks/pre-commit &&
	write_registry data/models.yaml broken &&
	git add data/models.yaml &&
	mkdir ../bin &&
	ln -s "$MODELAUDIT" ../bin/modelaudit &&
	! PATH="$PWD/../bin:$PATH" git commit -m "add acme" >commit.out 2>&1 &&
	grep -F "$finding" commit.out &&
	! PATH=/usr/bin:/bin git commit -m "add acme" >commit.out 2>&1 &&
	grep -F "modelaudit: error: pre-commit hook: /nonexistent/modelaudit does not exist and modelaudit is not on PATH" commit.out
'

test_expect_success 'install-hook outside a repository exits 4' '
	GIT_CEILING_DIRECTORIES=$PWD/.. run_ma 4 install-hook &&
	grep "^modelaudit: error: cannot open the git repository of the current directory: " err
'

test_expect_success 'install-hook rejects arguments' '
	run_ma 2 install-hook now &&
	echo "modelaudit: error: install-hook takes no arguments (see '\''modelaudit install-hook --help'\'')" >expect &&
	test_cmp expect err
'

test_done
