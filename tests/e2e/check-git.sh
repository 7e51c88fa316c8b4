#!/bin/sh
# check --staged and --rev read the registry out of git, not the working tree.
. "$(dirname "$0")/../lib.sh"

good='models:
  - id: acme-7b
    name: Acme 7B
    organization: Acme
    released: 2024-05-01
    sources:
      - id: card
        url: https://acme.org/acme-7b
'
bad='models:
  - id: acme-7b
    organization: Acme
    released: 2024-05-01
    sources:
      - id: card
        url: https://acme.org/acme-7b
'
finding="data/models.yaml:2:5: error: model 'acme-7b' has no 'name' [schema-required]"

setup() {
	make_repo repo && cd repo && mkdir data
}

test_expect_success 'staged bad, working copy good' '
	setup &&
	printf "%s" "$bad" >data/models.yaml && git add data/models.yaml &&
	printf "%s" "$good" >data/models.yaml &&
	run_ma 0 check --quiet &&
	run_ma 1 check --quiet --staged &&
	echo "$finding" >expected && test_cmp expected out
'

test_expect_success 'staged good, working copy bad' '
	setup &&
	printf "%s" "$good" >data/models.yaml && git add data/models.yaml &&
	printf "%s" "$bad" >data/models.yaml &&
	run_ma 1 check --quiet &&
	run_ma 0 check --quiet --staged &&
	test_cmp /dev/null out
'

test_expect_success 'rev reads a commit' '
	setup &&
	printf "%s" "$bad" >data/models.yaml && git add data/models.yaml &&
	git commit -qm bad &&
	printf "%s" "$good" >data/models.yaml && git commit -qam good &&
	run_ma 0 check --quiet --rev HEAD &&
	run_ma 1 check --quiet --rev HEAD~1 &&
	echo "$finding" >expected && test_cmp expected out
'

test_expect_success 'rev uses the commit configuration' '
	setup &&
	mkdir reg && printf "%s" "$bad" >reg/m.yaml &&
	printf "registry: [reg/]\n" >.modelaudit.yaml &&
	git add . && git commit -qm one &&
	printf "registry: [data/]\n" >.modelaudit.yaml &&
	run_ma 1 check --quiet --rev HEAD &&
	grep -F "reg/m.yaml:2:5: error:" out
'

test_expect_success 'configuration through a symbolic link' '
	setup &&
	mkdir conf reg && printf "%s" "$bad" >reg/m.yaml &&
	printf "registry: [reg/]\n" >conf/real.yaml &&
	ln -s ../conf/real.yaml conf/again.yaml &&
	ln -s ./conf/again.yaml .modelaudit.yaml &&
	git add . && git commit -qm linked &&
	run_ma 1 check --quiet &&
	grep -F "reg/m.yaml:2:5: error:" out &&
	run_ma 1 check --quiet --staged &&
	grep -F "reg/m.yaml:2:5: error:" out &&
	run_ma 1 check --quiet --rev HEAD &&
	grep -F "reg/m.yaml:2:5: error:" out
'

test_expect_success 'configuration link that cannot be followed' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	for target in ../outside.yaml /etc/passwd conf/missing.yaml data .modelaudit.yaml; do
		ln -sfn "$target" .modelaudit.yaml &&
		git add . && git commit -qm "link to $target" || return 1
	done &&
	rm .modelaudit.yaml &&
	prefix=".modelaudit.yaml is a symbolic link" &&
	rev_fails() {
		run_ma 3 check --rev "$1" &&
		echo "modelaudit: error: $1:$prefix $2" >expected &&
		test_cmp expected err
	} &&
	rev_fails HEAD~4 "to ../outside.yaml, outside the repository" &&
	rev_fails HEAD~3 "to /etc/passwd, outside the repository" &&
	rev_fails HEAD~2 "to conf/missing.yaml, which is not there" &&
	rev_fails HEAD~1 "to data, which is not a file" &&
	run_ma 3 check --staged &&
	echo "modelaudit: error: (index):$prefix in a chain of more than 8 links, or a loop" >expected &&
	test_cmp expected err &&
	run_ma 0 diff --root --verbose &&
	grep "^modelaudit: configuration of commit" err | sed "s/commit [0-9a-f]* not/commit X not/" >actual &&
	cat >expected <<-EOF &&
	modelaudit: configuration of commit X not used, so the registry paths of the current one apply: $prefix to ../outside.yaml, outside the repository
	modelaudit: configuration of commit X not used, so the registry paths of the current one apply: $prefix to /etc/passwd, outside the repository
	modelaudit: configuration of commit X not used, so the registry paths of the current one apply: $prefix to conf/missing.yaml, which is not there
	modelaudit: configuration of commit X not used, so the registry paths of the current one apply: $prefix to data, which is not a file
	modelaudit: configuration of commit X not used, so the registry paths of the current one apply: $prefix in a chain of more than 8 links, or a loop
	EOF
	test_cmp expected actual
'

test_expect_success 'working-tree configuration that is no file' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	mkdir sub &&
	ln -s missing.yaml .modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml is a symbolic link to missing.yaml, which is not there" >expected &&
	test_cmp expected err &&
	ln -sfn data .modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml is a symbolic link to data, which is not a file" >expected &&
	test_cmp expected err &&
	ln -sfn .modelaudit.yaml .modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml is a symbolic link to .modelaudit.yaml in a loop of links" >expected &&
	test_cmp expected err &&
	rm .modelaudit.yaml && mkdir .modelaudit.yaml &&
	(cd sub && run_ma 3 check) &&
	echo "modelaudit: error: ../.modelaudit.yaml is not a regular file" >expected &&
	test_cmp expected sub/err
'

test_expect_success 'revision syntax errors exit 2' '
	make_repo repo && cd repo &&
	echo "models: []" >models.yaml && git add . && git commit -qm one &&
	run_ma 2 check --rev "" &&
	run_ma 2 check --rev HEAD~1..HEAD &&
	echo "modelaudit: error: invalid revision '"'"'HEAD~1..HEAD'"'"': --rev names one commit, not a range" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown revision exits 4' '
	setup &&
	printf "%s" "$good" >data/models.yaml && git add . && git commit -qm one &&
	run_ma 4 check --rev HEAD~5 &&
	grep -F "modelaudit: error: unknown revision '"'"'HEAD~5'"'"'" err
'

test_expect_success 'staged outside a repository exits 4' '
	mkdir data && printf "%s" "$good" >data/models.yaml &&
	run_ma 4 check --staged &&
	grep "^modelaudit: error: " err
'

test_expect_success 'staged file missing from index exits 4' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	run_ma 4 check --staged &&
	echo "modelaudit: error: data/models.yaml: not found in the index" >expected &&
	test_cmp expected err
'

test_expect_success 'file over 256 MiB exits 4 in every mode' '
	setup &&
	truncate -s 257M data/models.yaml &&
	git add data/models.yaml &&
	git commit -q -m big &&
	blob=$(git rev-parse HEAD:data/models.yaml) &&
	run_ma 4 check &&
	echo "modelaudit: error: data/models.yaml: file is larger than the limit of 268435456 bytes" >expected &&
	test_cmp expected err &&
	echo "modelaudit: error: data/models.yaml: file is larger than the limit of 268435456 bytes (blob $blob)" >expected &&
	run_ma 4 check --staged &&
	test_cmp expected err &&
	run_ma 4 check --rev HEAD &&
	test_cmp expected err
'

# Of two large versions, a pack stores the later whole and the earlier as
# a delta against it, whose size only the delta header gives.
test_expect_success 'file over 256 MiB in history, loose and packed' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	git add data/models.yaml && git commit -q -m good &&
	truncate -s 257M data/models.yaml &&
	git commit -q -am big &&
	big=$(git rev-parse HEAD:data/models.yaml) &&
	printf "%s" "$good" >data/models.yaml &&
	git commit -q -am "good again" &&
	truncate -s 257M data/models.yaml &&
	printf x | dd of=data/models.yaml bs=1 seek=1000 conv=notrunc 2>/dev/null &&
	git commit -q -am bigger &&
	bigger=$(git rev-parse HEAD:data/models.yaml) &&
	limit="data/models.yaml: file is larger than the limit of 268435456 bytes" &&
	for form in loose packed; do
		run_ma 4 diff HEAD~3 &&
		echo "modelaudit: error: $limit (blob $big)" >expected &&
		test_cmp expected err &&
		run_ma 4 blame acme-7b &&
		test_cmp expected err &&
		run_ma 4 diff HEAD~1 &&
		echo "modelaudit: error: $limit (blob $bigger)" >expected &&
		test_cmp expected err &&
		git repack -qad || return 1
	done &&
	git verify-pack -v .git/objects/pack/*.idx >objects &&
	grep "^$big blob .* $bigger$" objects
'

# A pack that git would not write: a small version stored as a delta of
# 513 MiB of zeros. Building the version would take building the zeros.
# A clone made with --shared reads the same pack as an alternate.
test_expect_success 'delta base over twice the limit exits 4' '
	setup &&
	printf "%s" "$good" >models.yaml &&
	blob=$(python3 "$TOP/tests/delta-pack.py" models.yaml 513 .git/objects/pack) &&
	git update-index --add --cacheinfo "100644,$blob,data/models.yaml" &&
	git commit -q -m "hostile pack" &&
	echo "modelaudit: error: cannot read '"'"'data/models.yaml'"'"' (blob $blob): the pack builds it from an object of 537919488 bytes, more than twice the limit of 268435456 bytes" >expected &&
	run_ma 4 check --rev HEAD &&
	test_cmp expected err &&
	run_ma 4 diff --root &&
	test_cmp expected err &&
	run_ma 4 blame acme-7b &&
	test_cmp expected err &&
	cd .. &&
	git clone -q --shared repo shared &&
	cd shared &&
	! ls .git/objects/pack/*.pack 2>/dev/null &&
	run_ma 4 check --rev HEAD &&
	test_cmp ../repo/expected err &&
	run_ma 4 diff --root &&
	test_cmp ../repo/expected err
'

test_expect_success 'staged path from a subdirectory gets a hint' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	git add data/models.yaml &&
	cd data &&
	run_ma 4 check --staged models.yaml &&
	echo "modelaudit: error: models.yaml: not found in the index (paths are taken from the repository root, not from the current directory)" >expected &&
	test_cmp expected err &&
	run_ma 4 check --staged ../data/models.yaml &&
	echo "modelaudit: error: registry path '"'"'../data/models.yaml'"'"' is outside the repository: paths are taken from the repository root" >expected &&
	test_cmp expected err &&
	run_ma 0 check --staged data/models.yaml
'

test_expect_success 'staged unmerged file exits 4' '
	setup &&
	printf "%s" "$good" >data/models.yaml && git add . && git commit -qm one &&
	git checkout -q -b side &&
	printf "%s" "$bad" >data/models.yaml && git commit -qam side &&
	git checkout -q main &&
	printf "%s" "$good" | sed "s/name: Acme 7B/name: Acme Seven B/" >data/models.yaml &&
	git commit -qam main &&
	! git merge -q side >/dev/null 2>&1 &&
	run_ma 4 check --staged &&
	echo "modelaudit: error: data/models.yaml: unmerged in the index (resolve the conflict, then stage the file with '"'"'git add'"'"')" >expected &&
	test_cmp expected err &&
	printf "%s" "$good" >data/models.yaml && git add data/models.yaml &&
	run_ma 0 check --staged
'

test_expect_success 'staged unmerged configuration exits 4' '
	setup &&
	printf "%s" "$good" >data/models.yaml &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml && git add . && git commit -qm one &&
	git checkout -q -b side &&
	echo "registry: [data/]" >.modelaudit.yaml && git commit -qam side &&
	git checkout -q main &&
	echo "registry: [data/models.yaml, data/]" >.modelaudit.yaml && git commit -qam main &&
	! git merge -q side >/dev/null 2>&1 &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	echo "modelaudit: error: .modelaudit.yaml: unmerged in the index (resolve the conflict, then stage the file with '"'"'git add'"'"')" >expected &&
	run_ma 4 check --staged &&
	test_cmp expected err &&
	run_ma 4 diff --staged &&
	test_cmp expected err &&
	run_ma 0 check --staged --config /dev/null
'

test_expect_success 'intent-to-add file is not staged' '
	setup &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	printf "%s" "$good" >data/m1.yaml && git add . && git commit -qm one &&
	printf "%s" "$bad" >data/m2.yaml && git add -N data/m2.yaml &&
	run_ma 0 check --staged &&
	test_cmp /dev/null out &&
	echo "0 errors, 0 warnings, 0 notes in 1 file (1 model, 0 scores)" >expected &&
	test_cmp expected err &&
	run_ma 4 check --staged data/m2.yaml &&
	echo "modelaudit: error: data/m2.yaml: not found in the index" >expected &&
	test_cmp expected err &&
	run_ma 0 install-hook &&
	echo hello >README && git add README &&
	git commit -qm readme &&
	git rev-parse -q --verify HEAD~1
'

test_expect_success 'registry path through a symbolic link' '
	setup &&
	mkdir real && printf "%s" "$bad" >real/models.yaml &&
	rmdir data && ln -s real data &&
	git add . && git commit -qm one &&
	run_ma 4 check &&
	echo "modelaudit: error: data/models.yaml: a registry path must not be or pass through a symbolic link" >expected &&
	test_cmp expected err &&
	run_ma 4 check --rev HEAD &&
	echo "modelaudit: error: data/models.yaml: not found in HEAD" >expected &&
	test_cmp expected err &&
	run_ma 4 check --staged &&
	echo "modelaudit: error: data/models.yaml: not found in the index" >expected &&
	test_cmp expected err &&
	run_ma 0 diff &&
	test_cmp /dev/null out &&
	run_ma 1 check real/models.yaml --quiet &&
	echo "real/models.yaml:2:5: error: model '"'"'acme-7b'"'"' has no '"'"'name'"'"' [schema-required]" >expected &&
	test_cmp expected out
'

test_expect_success 'verbose names links and FIFOs skipped' '
	setup &&
	printf "%s" "$good" >data/a.yaml &&
	ln -s a.yaml data/b.yaml && mkfifo data/c.yml && ln -s a.yaml data/notes.txt &&
	run_ma 0 check --verbose data &&
	cat >expected <<-EOF &&
	modelaudit: skipping data/b.yaml: not a regular file (a link or a special file below a registry directory is not read)
	modelaudit: skipping data/c.yml: not a regular file (a link or a special file below a registry directory is not read)
	modelaudit: reading data/a.yaml ($(wc -c <data/a.yaml) bytes)
	0 errors, 0 warnings, 0 notes in 1 file (1 model, 0 scores)
	EOF
	test_cmp expected err
'

test_expect_success 'registry path outside the repository exits 3 for git sources' '
	setup &&
	printf "%s" "$good" >data/models.yaml && git add . && git commit -qm one &&
	mkdir ../outside && printf "%s" "$good" >../outside/m.yaml &&
	printf "registry: [../outside]\n" >.modelaudit.yaml &&
	run_ma 0 check --quiet &&
	run_ma 3 diff &&
	echo "modelaudit: error: .modelaudit.yaml: registry path '"'"'../outside'"'"' is outside the repository, and the index and commits have only paths from its root" >expected &&
	test_cmp expected err &&
	git add .modelaudit.yaml &&
	run_ma 3 check --staged &&
	echo "modelaudit: error: (index):.modelaudit.yaml: registry path '"'"'../outside'"'"' is outside the repository, and the index and commits have only paths from its root" >expected &&
	test_cmp expected err &&
	run_ma 3 diff --staged &&
	test_cmp expected err
'

test_expect_success 'staged and rev together exit 2' '
	run_ma 2 check --staged --rev HEAD
'

test_done
