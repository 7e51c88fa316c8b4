#!/bin/sh
# Histories that git accepts but that no one writes by hand. They have
# odd file names, commit times at the end of the 64-bit range, commit
# text in other encodings or none, and trees nested thousands of levels
# deep. Their configurations quote control characters, and some
# revisions name no commit. diff, blame and check --rev must neither
# crash nor print a terminal escape, and every JSON document must parse.
. "$(dirname "$0")/../lib.sh"

# json_ok FILE: fails unless FILE contains one JSON document.
json_ok() {
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1"
}

# raw_commit IDENT MESSAGE: commits the staged tree on main with IDENT
# (name, email, seconds and zone) as author and committer and the printf
# format MESSAGE. git hash-object writes the object, since git commit
# rejects some of these.
raw_commit() {
	raw_tree=$(git write-tree) &&
	raw_id=$({
		printf 'tree %s\nparent %s\n' "$raw_tree" "$(git rev-parse HEAD)" &&
		printf 'author %s\ncommitter %s\n\n' "$1" "$1" &&
		printf "$2"
	} | git hash-object -t commit -w --stdin) &&
	git update-ref refs/heads/main "$raw_id"
}

# commit_with_message MESSAGE: a repository "repo" (the current directory
# after the call) of two commits, the second of which changes a score and
# has the printf format MESSAGE as its message.
commit_with_message() {
	make_repo repo && cd repo && mkdir data &&
	registry_yaml score="MMLU - 0.5" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml score="MMLU - 0.6" >data/models.yaml && git add . &&
	raw_commit "A U Thor <author@example.org> 1735732800 +0000" "$1"
}

# json_subject: prints the subject of the first commit of the JSON report in out.
json_subject() {
	python3 -c 'import json, sys; print(json.load(sys.stdin)["commits"][0]["subject"])' <out
}

# nested_tree DEPTH BLOB: prints the id of a tree that contains f.yaml
# (BLOB) below DEPTH directories named a. Python writes the loose objects
# because git mktree would take a process per level.
nested_tree() {
	python3 - "$(git rev-parse --git-dir)" "$1" "$2" <<-'EOF'
	import hashlib, os, sys, zlib
	gitdir, depth, blob = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
	def write(body):
	    data = b"tree %d\0" % len(body) + body
	    oid = hashlib.sha1(data).hexdigest()
	    path = os.path.join(gitdir, "objects", oid[:2], oid[2:])
	    os.makedirs(os.path.dirname(path), exist_ok=True)
	    with open(path, "wb") as f:
	        f.write(zlib.compress(data))
	    return bytes.fromhex(oid)
	tree = write(b"100644 f.yaml\0" + blob)
	for _ in range(depth):
	    tree = write(b"40000 a\0" + tree)
	print(tree.hex())
	EOF
}

# commit_nested DEPTH: commits data/ with the model deep in f.yaml below
# DEPTH directories, on top of a commit with data/plain.yaml alone.
commit_nested() {
	make_repo repo && cd repo && mkdir data &&
	printf 'registry: [data/]\n' >.modelaudit.yaml &&
	registry_yaml id=plain >data/plain.yaml &&
	git add . && git commit -qm plain &&
	blob=$(registry_yaml id=deep | git hash-object -w --stdin) &&
	deep=$(nested_tree "$(($1 - 1))" "$blob") &&
	data=$({ git cat-file -p HEAD:data && printf '040000 tree %s\ta\n' "$deep"; } | git mktree) &&
	root=$({ git cat-file -p "HEAD^{tree}" | grep -v "	data\$" &&
		printf '040000 tree %s\tdata\n' "$data"; } | git mktree) &&
	git update-ref refs/heads/main "$(git commit-tree "$root" -p HEAD -m nested)"
}

test_expect_success 'file names with control bytes in every diff format' '
	make_repo repo && cd repo && mkdir data &&
	printf "registry: [data/]\n" >.modelaudit.yaml &&
	git add . && git commit -qm config &&
	registry_yaml id=nl score="MMLU - 0.5 -" >"data/$(printf "new\nline.yaml")" &&
	registry_yaml id=bs >"data/back\\slash.yaml" &&
	registry_yaml id=q >"data/q\"uote|\`x.yaml" &&
	registry_yaml id=bad >"data/$(printf "bad\377\033[31m.yaml")" &&
	git add . && git commit -qm names &&
	run_ma 1 diff HEAD~1 &&
	sed -n "/^data/p" out >actual &&
	cat >expected <<-\EOF &&
	data/back\\slash.yaml:2: added model bs
	data/bad\xFF\x1B[31m.yaml:2: added model bad
	data/new\x0Aline.yaml:2: added model nl
	data/q"uote|`x.yaml:2: added model q
	data/new\x0Aline.yaml:10:9: error: score of MMLU has no publication date [score-missing-date]
	EOF
	test_cmp expected actual &&
	run_ma 1 diff HEAD~1 --format json && json_ok out &&
	python3 -c "import json, sys; print(\"\n\".join(sorted(c[\"path\"] for c in json.load(open(\"out\"))[\"commits\"][0][\"changes\"])))" >actual &&
	cat >expected <<-\EOF &&
	data/back\\slash.yaml
	data/bad\xFF\x1B[31m.yaml
	data/new\x0Aline.yaml
	data/q"uote|`x.yaml
	EOF
	test_cmp expected actual &&
	run_ma 1 diff HEAD~1 --format markdown &&
	grep "^| added model | q |" out >actual &&
	echo "| added model | q |  |  | q | data/q\"uote\\|\\\`x.yaml:2 |" >expected &&
	test_cmp expected actual &&
	! grep -q "$(printf "\033")" out &&
	run_ma 1 check --rev HEAD --format json && json_ok out
'

test_expect_success 'commit text in no encoding or in Latin-1' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml score="MMLU - 0.5" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml score="MMLU - 0.6" >data/models.yaml && git add . &&
	raw_commit "$(printf "Bad\377 Name <a@e.org>") 1735732800 +0000" "raw \377\033[2J bytes\n" &&
	registry_yaml score="MMLU - 0.7" >data/models.yaml && git add . &&
	GIT_AUTHOR_NAME="$(printf "Ren\351")" git -c i18n.commitEncoding=ISO-8859-1 \
		commit -qm "$(printf "caf\351 \233[31m")" &&
	run_ma 0 diff HEAD~2 &&
	grep "^Author: \|^    " out >actual &&
	cat >expected <<-\EOF &&
	Author: Bad\xFF Name <a@e.org>
	    raw \xFF\x1B[2J bytes
	Author: René <author@example.org>
	    café \xC2\x9B[31m
	EOF
	test_cmp expected actual &&
	run_ma 0 diff HEAD~2 --format json && json_ok out &&
	run_ma 0 diff HEAD~2 --format markdown &&
	! grep -q "$(printf "\033")" out &&
	run_ma 0 blame acme-7b --format json && json_ok out
'

test_expect_success 'subject as git log shows it' '
	commit_with_message "\n  \t\n   first  line  \t\n second\n\nbody\n" &&
	git log -1 --format="    %s" >expected &&
	echo "       first  line  second" >literal &&
	test_cmp literal expected &&
	run_ma 0 diff HEAD~1 &&
	grep "^    " out >actual &&
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 --format json &&
	json_subject >actual &&
	git log -1 --format=%s >expected &&
	test_cmp expected actual
'

# git trims only spaces, tabs, newlines and carriage returns from the
# lines of a subject, and modelaudit prints the other control characters
# escaped.
test_expect_success 'subject keeps form feeds and vertical tabs' '
	commit_with_message "\vfirst\f\nsecond \v\n\nbody\n" &&
	git log -1 --format=%s >expected &&
	printf "\vfirst\f second \v\n" >literal &&
	test_cmp literal expected &&
	printf "%s\\n" "\\x0Bfirst\\x0C second \\x0B" >expected &&
	run_ma 0 diff HEAD~1 --format json &&
	json_subject >actual &&
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 &&
	grep "^    " out | sed "s/^    //" >actual &&
	test_cmp expected actual
'

test_expect_success 'commit time at the end of the 64-bit range' '
	make_repo repo && cd repo &&
	echo readme >README && git add . && git commit -qm readme &&
	mkdir data && registry_yaml >data/models.yaml && git add . &&
	raw_commit "A <a@e.org> 9223372036854775807 +1400" "far\n" &&
	run_ma 0 diff HEAD~1 &&
	cat >expected <<-EOF &&
	commit $(git rev-parse HEAD)
	Author: A <a@e.org>
	Date:   1970-01-01T00:00:00Z

	    far

	data/models.yaml:2: added model acme-7b

	EOF
	test_cmp expected out &&
	run_ma 0 diff HEAD~1 --net --format json && json_ok out &&
	run_ma 0 blame acme-7b
'

test_expect_success 'registry directory nested 4096 levels' '
	commit_nested 4096 &&
	run_ma 0 diff HEAD~1 &&
	grep -c "^data/a/.*/a/f.yaml:2: added model deep\$" out
'

test_expect_success 'registry directory nested deeper exits 4' '
	commit_nested 100000 &&
	echo "modelaudit: error: cannot read the tree of '\''data'\'': its directories nest more than 4096 levels deep (git'\''s core.maxTreeDepth)" >expected &&
	run_ma 4 diff HEAD~1 && test_cmp expected err && test_cmp /dev/null out &&
	run_ma 4 blame deep && test_cmp expected err &&
	run_ma 4 check --rev HEAD && test_cmp expected err
'

test_expect_success 'unused configuration quoted with escapes' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml >data/models.yaml && git add . && git commit -qm one &&
	printf "registry: [\"/\\\\e[31m\"]\n" >.modelaudit.yaml &&
	registry_yaml score="MMLU - 0.5" >data/models.yaml &&
	git add . && git commit -qm two && rm .modelaudit.yaml &&
	run_ma 0 diff HEAD~1 --verbose &&
	grep "^modelaudit: configuration" err >actual &&
	echo "modelaudit: configuration of commit $(git rev-parse HEAD) not used, so the registry paths of the current one apply: .modelaudit.yaml: registry path '\''/\\x1B[31m'\'' is outside the repository" >expected &&
	test_cmp expected actual
'

test_expect_success 'blame skips an unusable configuration at HEAD' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml score="MMLU - 0.5" >data/models.yaml &&
	git add . && git commit -qm one &&
	one=$(git rev-parse --short=10 HEAD) &&
	registry_yaml score="MMLU - 0.6" >data/models.yaml &&
	printf "registry: [..]\n" >.modelaudit.yaml &&
	git add . && git commit -qm two &&
	two=$(git rev-parse --short=10 HEAD) &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU 0.6
	    0.6  $two  2025-01-01T12:00:00Z  A U Thor  two
	    0.5  $one  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	rm .modelaudit.yaml &&
	run_ma 0 blame acme-7b &&
	test_cmp expected out && test_cmp /dev/null err &&
	printf ": not [yaml\n" >.modelaudit.yaml &&
	git add . && git commit -qm three && rm .modelaudit.yaml &&
	run_ma 0 blame acme-7b &&
	test_cmp expected out && test_cmp /dev/null err
'

test_expect_success 'earlier branch past the reflog names no other file' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml >data/models.yaml && git add . && git commit -qm one &&
	run_ma 4 diff "@{-99}" &&
	echo "modelaudit: error: unknown revision '\''@{-99}'\'': no commit matches" >expected &&
	test_cmp expected err
'

test_expect_success 'check --rev of a negative revision or every parent' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml >data/models.yaml && git add . && git commit -qm one &&
	for rev in "^HEAD" "HEAD^@" "^"; do
		run_ma 2 check --rev "$rev" &&
		echo "modelaudit: error: invalid revision '\''$rev'\'': --rev names one commit, not a set of commits" >expected &&
		test_cmp expected err || return 1
	done
'

test_expect_success 'octopus merge onto a history without the registry' '
	make_repo repo && cd repo &&
	echo readme >README && git add . && git commit -qm base &&
	for b in a b c; do
		git checkout -q -b "$b" main && mkdir -p data &&
		registry_yaml id="m$b" >data/models.yaml &&
		git add . && git commit -qm "branch $b" || return 1
	done &&
	git checkout -q main && mkdir data &&
	{ registry_yaml id=ma && registry_yaml id=mb | sed 1d; } >data/models.yaml &&
	git add . &&
	octopus=$(git commit-tree "$(git write-tree)" -p main -p a -p b -p c -m octopus) &&
	git update-ref refs/heads/main "$octopus" &&
	run_ma 0 diff "HEAD^!" &&
	grep "^data" out >actual &&
	printf "data/models.yaml:%s\n" "2: added model ma" "9: added model mb" >expected &&
	test_cmp expected actual &&
	run_ma 0 diff "HEAD^-4" &&
	sed -n "s/^    //p" out >actual &&
	printf "%s\n" "branch b" "branch a" octopus >expected &&
	test_cmp expected actual &&
	run_ma 0 diff --root --format json && json_ok out &&
	run_ma 0 blame mb
'

test_done
