#!/bin/sh
# diff on small repositories built here: revisions, modes, moves and the
# history rules.
. "$(dirname "$0")/../lib.sh"

# registry VALUE [DATE [ID]]: a one-model registry with one MMLU score.
registry() {
	registry_yaml id="${3:-acme-7b}" score="MMLU 5-shot $1 ${2:-2024-07-01}"
}

# two_models [FAMILY_OF_A [DATE_OF_B]]: models a-7b and b-7b, one after the
# other in one file, whose MMLU scores have no date unless DATE_OF_B is given.
two_models() {
	for id in a-7b b-7b; do
		if [ $id = a-7b ]; then
			echo "models:"
		fi
		printf '  - id: %s\n    name: Acme 7B\n    organization: Acme\n' $id
		if [ $id = a-7b ] && [ -n "${1-}" ]; then
			echo "    family: $1"
		fi
		cat <<EOF
    released: 2024-07-01
    sources:
      - id: card
        url: https://acme.org/card
    benchmarks:
      - benchmark: MMLU
        variant: 5-shot
        score: 0.8
        source: card
EOF
		if [ $id = b-7b ] && [ -n "${2-}" ]; then
			echo "        date: $2"
		fi
	done
}

setup() {
	make_repo repo && cd repo && mkdir data &&
	registry 0.8050 >data/models.yaml && git add . && git commit -qm one
}

test_expect_success 'root commit compared with empty registry' '
	setup &&
	run_ma 0 diff --root &&
	id=$(git rev-parse HEAD) &&
	cat >expected <<-EOF &&
	commit $id
	Author: A U Thor <author@example.org>
	Date:   2025-01-01T12:00:00Z

	    one

	data/models.yaml:2: added model acme-7b

	EOF
	test_cmp expected out
'

test_expect_success 'HEAD~N past the root exits 4' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	run_ma 4 diff HEAD~5 &&
	echo "modelaudit: error: unknown revision '\''HEAD~5'\'': no such parent: the history is shorter than that, or the commit is not a merge" >expected &&
	test_cmp expected err &&
	test_cmp /dev/null out
'

test_expect_success 'misspelt revision exits 4' '
	setup &&
	run_ma 4 diff HAED &&
	grep "^modelaudit: error: unknown revision '\''HAED'\''" err
'

test_expect_success 'unborn HEAD exits 4' '
	make_repo repo && cd repo &&
	run_ma 4 diff &&
	echo "modelaudit: error: unknown revision '\''HEAD'\'': the current branch has no commits yet" >expected &&
	test_cmp expected err
'

test_expect_success 'empty range is an empty report' '
	setup &&
	run_ma 0 diff HEAD --format json &&
	id=$(git rev-parse HEAD) &&
	cat >expected <<-EOF &&
	{
	  "version": 1,
	  "range": {
	    "from": "$id",
	    "to": "$id"
	  },
	  "commits": []
	}
	EOF
	test_cmp expected out
'

test_expect_success 'equal rewrite is not a change' '
	setup &&
	registry 0.805 >data/models.yaml && git commit -qam rewrite &&
	run_ma 0 diff HEAD~1 &&
	test_cmp /dev/null out
'

test_expect_success 'changed score as JSON' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam "fix score" &&
	run_ma 0 diff HEAD~1 --format json &&
	one=$(git rev-parse HEAD~1) && two=$(git rev-parse HEAD) &&
	cat >expected <<-EOF &&
	{
	  "version": 1,
	  "range": {
	    "from": "$one",
	    "to": "$two"
	  },
	  "commits": [
	    {
	      "commit": "$two",
	      "parents": [
	        "$one"
	      ],
	      "author": "A U Thor <author@example.org>",
	      "date": "2025-01-01T12:00:00Z",
	      "subject": "fix score",
	      "changes": [
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "acme-7b",
	          "benchmark": "MMLU",
	          "variant": "5-shot",
	          "field": "score",
	          "old": "0.8050",
	          "new": "0.81",
	          "path": "data/models.yaml",
	          "line": 12
	        }
	      ],
	      "introduced": [
	        {
	          "rule": "score-changed-without-source",
	          "severity": "warning",
	          "message": "score of MMLU (5-shot) changed from 0.8050 to 0.81 with the same date and source",
	          "path": "data/models.yaml",
	          "line": 12,
	          "column": 16,
	          "model": "acme-7b",
	          "benchmark": "MMLU",
	          "variant": "5-shot",
	          "fingerprint": "$(sed -n "s/.*\"fingerprint\": \"\\(.*\\)\".*/\\1/p" out)"
	        }
	      ],
	      "fixed": []
	    }
	  ]
	}
	EOF
	test_cmp expected out
'

test_expect_success 'score dated after its commit' '
	setup &&
	registry 0.81 2025-03-01 >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-02-01T12:00:00Z git commit -qam "early score" &&
	run_ma 1 diff HEAD~1 &&
	grep "^data/models.yaml:13:15: error: score of MMLU (5-shot) is dated 2025-03-01, after its commit (2025-02-01) \[date-after-commit\]$" out
'

test_expect_success 'added model with a score dated later' '
	setup &&
	{ registry 0.8050 && registry 0.7 2025-03-01 acme-13b | sed 1d; } >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-02-01T12:00:00Z git commit -qam "new model" &&
	run_ma 1 diff HEAD~1 &&
	grep "^data/models.yaml:15: added model acme-13b$" out &&
	grep "^data/models.yaml:26:15: error: score of MMLU (5-shot) is dated 2025-03-01, after its commit (2025-02-01) \[date-after-commit\]$" out
'

test_expect_success 'score dated on its commit day' '
	setup &&
	registry 0.8050 2025-01-01 >data/models.yaml && git commit -qam "same day" &&
	run_ma 0 diff HEAD~1 &&
	! grep date-after-commit out
'

test_expect_success 'fail-on never keeps exit 0' '
	setup &&
	registry 0.81 2025-03-01 >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-02-01T12:00:00Z git commit -qam "early score" &&
	run_ma 0 diff HEAD~1 --fail-on never
'

test_expect_success 'fail-on warning exits 1' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	run_ma 0 diff HEAD~1 &&
	run_ma 1 diff HEAD~1 --fail-on warning
'

test_expect_success 'relabelled score keeps its findings' '
	setup &&
	registry 0.8050 | grep -v "date:" >data/models.yaml &&
	git commit -qam "no date" &&
	registry 0.8050 | grep -v "date:" | sed "s/5-shot/5-shot, CoT/" >data/models.yaml &&
	git commit -qam "new variant" &&
	registry 0.8050 | grep -v "date:" | sed "s/5-shot/5-shot, CoT/; s|acme.org/card|acme.org/card-v2|" >data/models.yaml &&
	git commit -qam "new URL" &&
	run_ma 0 diff HEAD~2 &&
	cat >expected <<-EOF &&
	data/models.yaml:11: changed score acme-7b MMLU (5-shot, CoT): variant 5-shot -> 5-shot, CoT
	data/models.yaml:8: changed source acme-7b card: url https://acme.org/card -> https://acme.org/card-v2
	data/models.yaml:13: changed score acme-7b MMLU (5-shot, CoT): source https://acme.org/card -> https://acme.org/card-v2
	EOF
	grep "^data/" out >actual &&
	test_cmp expected actual
'

test_expect_success 'respelt benchmark is a change' '
	setup &&
	registry 0.8050 | sed "s/benchmark: MMLU/benchmark: mmlu/" >data/models.yaml &&
	git commit -qam "respell" &&
	run_ma 0 diff HEAD~1 --fail-on note &&
	grep "^data/" out >actual &&
	echo "data/models.yaml:10: changed score acme-7b mmlu (5-shot): benchmark MMLU -> mmlu" >expected &&
	test_cmp expected actual
'

test_expect_success 'fail-on judges each commit unless net' '
	setup &&
	registry 0.8050 | grep -v "date:" >data/models.yaml &&
	git commit -qam "drop the date" &&
	registry 0.8050 >data/models.yaml && git commit -qam "restore the date" &&
	run_ma 1 diff HEAD~2 &&
	grep -c "score-missing-date" out >count && echo 2 >expected &&
	test_cmp expected count &&
	run_ma 0 diff HEAD~2 --net &&
	test_cmp /dev/null out
'

test_expect_success 'registry renamed keeps its models' '
	setup &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml &&
	git add . && git commit -qm config &&
	git mv data/models.yaml data/registry.yaml &&
	echo "registry: [data/registry.yaml]" >.modelaudit.yaml &&
	git add . && git commit -qm rename &&
	run_ma 0 diff HEAD~1 --format json &&
	grep "\"commits\": \[\]" out
'

test_expect_success 'registry split into a directory' '
	make_repo repo && cd repo && mkdir data &&
	{ registry 0.8 2024-07-01 a-7b && registry 0.7 2024-07-01 b-7b | sed 1d; } >data/models.yaml &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml &&
	git add . && git commit -qm one &&
	mkdir data/models && registry 0.8 2024-07-01 a-7b >data/models/a.yaml &&
	registry 0.7 2024-07-01 b-7b >data/models/b.yaml && git rm -q data/models.yaml &&
	echo "registry: [data/models/]" >.modelaudit.yaml &&
	git add . && git commit -qm split &&
	run_ma 0 diff HEAD~1 &&
	test_cmp /dev/null out
'

test_expect_success 'renamed model reported as renamed' '
	setup &&
	registry 0.8050 2024-07-01 acme-7b-instruct >data/models.yaml &&
	git commit -qam rename &&
	run_ma 0 diff HEAD~1 &&
	grep "^data/models.yaml:2: renamed model acme-7b -> acme-7b-instruct$" out &&
	! grep model-removed out
'

test_expect_success 'renamed model keeps its findings' '
	make_repo repo && cd repo && mkdir data &&
	registry 0.8 2024-07-01 acme-7b | sed "/date:/d" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry 0.8 2024-07-01 acme-7b-v2 | sed "/date:/d" >data/models.yaml &&
	git commit -qam rename &&
	run_ma 0 diff HEAD~1 --fail-on note &&
	grep "^data/models.yaml:2: renamed model acme-7b -> acme-7b-v2$" out &&
	! grep score-missing-date out
'

test_expect_success 'rename with a score update is a rename' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml score="MMLU 5-shot 0.5 -" score="GPQA diamond 0.3" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=acme-7b-instruct score="MMLU 5-shot 0.5 -" score="GPQA diamond 0.31 2024-08-01" >data/models.yaml &&
	git commit -qam "official id, newer GPQA" &&
	run_ma 0 diff HEAD~1 --fail-on note &&
	cat >expected <<-EOF &&
	data/models.yaml:2: renamed model acme-7b -> acme-7b-instruct
	data/models.yaml:16: changed score acme-7b-instruct GPQA (diamond): score 0.3 -> 0.31
	data/models.yaml:17: changed score acme-7b-instruct GPQA (diamond): date 2024-07-01 -> 2024-08-01
	EOF
	sed -n "/^data/p" out >actual &&
	test_cmp expected actual &&
	registry_yaml id=acme-9b name="Acme 9B" score="MMLU 5-shot 0.7 -" score="GPQA diamond 0.4" >data/models.yaml &&
	git commit -qam "another model" &&
	run_ma 0 diff HEAD~1 --fail-on never &&
	grep "^data/models.yaml:2: removed model acme-7b-instruct$" out
'

test_expect_success 'removed score and model' '
	setup &&
	registry 0.8050 >data/models.yaml &&
	sed -i "/benchmarks:/,\$d" data/models.yaml && git commit -qam "drop score" &&
	printf "models: []\n" >data/models.yaml && git commit -qam "drop model" &&
	run_ma 0 diff HEAD~2 &&
	grep "^data/models.yaml:10: removed score acme-7b MMLU (5-shot): 0.8050$" out &&
	grep "^data/models.yaml:10:9: note: score of MMLU (5-shot) was removed (it was 0.8050) \[score-removed\]$" out &&
	grep "^data/models.yaml:2: removed model acme-7b$" out &&
	grep "^data/models.yaml:2:5: warning: model acme-7b was removed \[model-removed\]$" out
'

test_expect_success 'commits off the registry are skipped' '
	setup &&
	echo hello >README && git add README && git commit -qm readme &&
	run_ma 0 diff HEAD~1 &&
	test_cmp /dev/null out
'

test_expect_success 'working tree against HEAD' '
	setup &&
	registry 0.81 >data/models.yaml &&
	run_ma 0 diff &&
	head -1 out >actual &&
	echo "working tree against $(git rev-parse HEAD)" >expected &&
	test_cmp expected actual &&
	grep "^data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.8050 -> 0.81$" out &&
	echo "working tree: 1 change, 1 finding introduced, 0 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'index against HEAD' '
	setup &&
	registry 0.81 >data/models.yaml && git add data/models.yaml &&
	registry 0.9 >data/models.yaml &&
	run_ma 0 diff --staged &&
	grep "^index against " out &&
	grep "score 0.8050 -> 0.81$" out &&
	! grep "0.9" out &&
	echo "index: 1 change, 1 finding introduced, 0 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'bare repository walks history' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	cd .. && git clone -q --bare repo bare.git && cd bare.git &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	run_ma 4 diff &&
	grep "bare" err &&
	run_ma 4 diff --staged &&
	echo "modelaudit: error: cannot read the git index: the repository is bare" >expected &&
	test_cmp expected err
'

test_expect_success 'working tree dated later is date-in-future only' '
	setup &&
	registry 0.8050 2999-01-01 >data/models.yaml &&
	run_ma 1 diff &&
	grep -c "\[date-in-future\]$" out >count && echo 1 >expected && test_cmp expected count &&
	! grep date-after-commit out &&
	git add data/models.yaml &&
	run_ma 1 diff --staged &&
	! grep date-after-commit out
'

test_expect_success 'linked worktree and detached HEAD' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	git worktree add -q --detach ../wt HEAD~1 && cd ../wt &&
	registry 0.9 >data/models.yaml && git commit -qam three &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.9$" out &&
	run_ma 0 diff main..HEAD --net &&
	grep "score 0.81 -> 0.9$" out
'

# The last step reads a ref whose object is missing, where libgit2 leaks
# (see tests/lsan.supp), which LeakSanitizer can tell apart only with full
# allocation stacks.
test_expect_success 'objects in alternates and in the environment' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	cd .. && git clone -q --shared repo shared && cd shared &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	cd ../repo && mv .git/objects ../moved && mkdir .git/objects &&
	GIT_OBJECT_DIRECTORY=$PWD/../moved && export GIT_OBJECT_DIRECTORY &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	unset GIT_OBJECT_DIRECTORY &&
	GIT_ALTERNATE_OBJECT_DIRECTORIES=/nonexistent:$PWD/../moved &&
	export GIT_ALTERNATE_OBJECT_DIRECTORIES &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	run_ma 0 check --rev HEAD~1 &&
	unset GIT_ALTERNATE_OBJECT_DIRECTORIES &&
	ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" &&
	export ASAN_OPTIONS &&
	run_ma 4 diff HEAD~1 &&
	grep "^modelaudit: error: unknown revision '\''HEAD~1'\''" err
'

# Each of alt1 to alt7 has no objects of its own and names the one before
# as its alternate, so alt6 reads repo through six alternates. In alt7 the
# commit of HEAD is missing, where libgit2 leaks as in the test above.
test_expect_success 'chain of six alternates read as git does' '
	setup &&
	head=$(git rev-parse HEAD) &&
	cd .. && previous=$PWD/repo/.git/objects &&
	for n in 1 2 3 4 5 6 7; do
		make_repo alt$n &&
		echo "$previous" >alt$n/.git/objects/info/alternates &&
		echo "$head" >alt$n/.git/refs/heads/main &&
		previous=$PWD/alt$n/.git/objects || return 1
	done &&
	cd alt6 &&
	git cat-file -e "$head" &&
	run_ma 0 check --rev HEAD --quiet &&
	run_ma 0 diff --root &&
	grep "^data/models.yaml:2: added model acme-7b$" out &&
	cd ../alt7 &&
	! git cat-file -e "$head" 2>/dev/null &&
	ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" &&
	export ASAN_OPTIONS &&
	run_ma 4 check --rev HEAD &&
	echo "modelaudit: error: unknown revision '\''HEAD'\'': object not found - no match for id ($head)" >expected &&
	test_cmp expected err
'

test_expect_success 'alternates file over 1 MiB fails' '
	setup &&
	alternates=$PWD/.git/objects/info/alternates &&
	python3 -c "print(\"# padding\\n\" * 120000)" >"$alternates" &&
	run_ma 4 diff HEAD &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: cannot read $alternates: file is larger than the limit of 1048576 bytes" >expected &&
	test_cmp expected err &&
	python3 -c "print(\"# padding\\n\" * 100000)" >"$alternates" &&
	run_ma 0 diff HEAD
'

test_expect_success 'pre-receive hook reads quarantined objects' '
	setup &&
	cd .. && git init -q --bare server.git &&
	git -C repo push -q ../server.git HEAD:main &&
	cat >server.git/hooks/pre-receive <<-EOF &&
	#!/bin/sh
	test -n "\$GIT_QUARANTINE_PATH" || exit 1
	while read old new ref; do
		"$MODELAUDIT" diff "\$old..\$new" >"$PWD/out" 2>"$PWD/err" || exit 1
		"$MODELAUDIT" check --rev "\$new" --quiet --fail-on never || exit 1
	done
	EOF
	chmod +x server.git/hooks/pre-receive &&
	cd repo && registry 0.81 >data/models.yaml && git commit -qam two &&
	git push -q ../server.git HEAD:main &&
	grep "score 0.8050 -> 0.81$" ../out &&
	test "$(git -C ../server.git rev-parse main)" = "$(git rev-parse HEAD)"
'

test_expect_success 'net reports the range once' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	registry 0.82 >data/models.yaml && git commit -qam three &&
	run_ma 0 diff HEAD~2 --net &&
	grep "^commit $(git rev-parse HEAD) (2 commits since $(git rev-parse HEAD~2))$" out &&
	grep -c "changed score" out >count && echo 1 >expected && test_cmp expected count &&
	grep "score 0.8050 -> 0.82$" out
'

test_expect_success 'merge compared with its first parent' '
	setup &&
	git checkout -q -b side &&
	registry 0.81 >data/models.yaml && git commit -qam side &&
	git checkout -q main && echo x >README && git add README && git commit -qm readme &&
	git merge -q --no-edit side &&
	run_ma 0 diff HEAD~1 --first-parent --format json &&
	grep -c "\"op\": \"changed\"" out >count && echo 1 >expected && test_cmp expected count &&
	grep "\"subject\": \"Merge branch '\''side'\''\"" out &&
	run_ma 0 diff main~1..main --format json &&
	grep "\"subject\": \"side\"" out
'

test_expect_success 'branch that merged main in, judged at the merge base' '
	setup &&
	git checkout -q -b feature &&
	registry 0.81 2024-07-02 >data/models.yaml && git commit -qam "feature score" &&
	git checkout -q main &&
	registry 0.70 2024-07-01 b-7b | sed 1d | grep -v "date:" >>data/models.yaml &&
	git commit -qam "main adds a model with no date" &&
	git checkout -q feature && git merge -q --no-edit main >/dev/null &&
	run_ma 1 diff main..feature &&
	grep -c "score-missing-date" out >count && echo 1 >expected && test_cmp expected count &&
	run_ma 0 diff main...feature --net &&
	grep "^data/" out >actual &&
	cat >expected <<-EOF &&
	data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.8050 -> 0.81
	data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-07-02
	EOF
	test_cmp expected actual
'

test_expect_success 'markdown report' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	run_ma 0 diff HEAD~1 --format markdown &&
	grep "^| changed score | acme-7b | MMLU (5-shot): score | 0.8050 | 0.81 | \`data/models.yaml:12\` |$" out
'

test_expect_success 'empty markdown report says what was compared' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	registry 0.8050 >data/models.yaml && git commit -qam three &&
	for args in "HEAD" "HEAD~2 --net" "" "--staged"; do
		run_ma 0 diff $args --format markdown &&
		sed -n 3p out >>actual || return 1
	done &&
	cat >expected <<-\EOF &&
	No commit in the range changes the registry.
	The range as a whole does not change the registry.
	The working tree does not change the registry.
	The index does not change the registry.
	EOF
	test_cmp expected actual
'

test_expect_success 'commit in latin-1 shown in UTF-8' '
	setup &&
	registry 0.81 >data/models.yaml &&
	printf "caf\351 scores\n" >msg &&
	GIT_AUTHOR_NAME=$(printf "Jos\351") git -c i18n.commitEncoding=ISO-8859-1 \
		commit -qa -F msg &&
	run_ma 0 diff HEAD~1 &&
	sed -n "2p;5p" out >actual &&
	printf "Author: Jos\303\251 <author@example.org>\n    caf\303\251 scores\n" >expected &&
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 --format markdown &&
	grep -c -e "$(printf "caf\303\251 scores")" -e "^$(printf "Jos\303\251"), " out >actual &&
	echo 2 >expected && test_cmp expected actual
'

test_expect_success 'range with two ends' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	registry 0.82 >data/models.yaml && git commit -qam three &&
	run_ma 0 diff HEAD~2..HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	! grep "0.82" out
'

test_expect_success 'inline suppression silences a history rule' '
	setup &&
	registry 0.81 | sed "s/^        score: 0.81/        # modelaudit: ignore score-changed-without-source vendor errata\n&/" >data/models.yaml &&
	git commit -qam errata &&
	run_ma 0 diff HEAD~1 --fail-on note &&
	grep "score 0.8050 -> 0.81$" out &&
	! grep "score-changed-without-source" out &&
	run_ma 0 check --quiet
'

test_expect_success 'text seen before is not parsed again' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	registry 0.8050 >data/models.yaml && git commit -qam revert &&
	cp data/models.yaml data/copy.yaml &&
	echo "registry: [data/]" >.modelaudit.yaml && git add . && git commit -qm copy &&
	run_ma 0 diff --root --verbose --fail-on never &&
	grep "^modelaudit: parsed 0 files whole and 2 models one by one$" err
'

test_expect_success 'moved model keeps its findings in place' '
	make_repo repo && cd repo && mkdir data &&
	{ registry 0.8 2024-07-01 a-7b | sed "/date:/d" && registry 0.7 2024-07-01 b-7b | sed 1d; } >data/models.yaml &&
	git add . && git commit -qm one &&
	{ printf "# registry\n# of models\n" && cat data/models.yaml; } >new && mv new data/models.yaml &&
	git commit -qam shift &&
	run_ma 0 diff HEAD~1 --format json &&
	grep "\"commits\": \[\]" out &&
	run_ma 1 check --rev HEAD --quiet &&
	cp out expected &&
	registry 0.8 2024-07-01 a-7b >top && { printf "# registry\n# of models\n" && cat top &&
		registry 0.7 2024-07-01 b-7b | sed 1d; } >data/models.yaml &&
	git commit -qam "date a" &&
	run_ma 0 diff HEAD~1 &&
	sed -n "/^fixed:/,/^\$/p" out | sed "1d;/^\$/d" >actual &&
	test_cmp expected actual
'

test_expect_success 'model after a longer one keeps its findings' '
	make_repo repo && cd repo && mkdir data &&
	two_models >data/models.yaml && git add . && git commit -qm one &&
	two_models acme >data/models.yaml && git commit -qam "family of a" &&
	run_ma 0 diff HEAD~1 --fail-on never &&
	cat >expected <<-EOF &&
	data/models.yaml:5: changed field a-7b family: (none) -> acme

	EOF
	sed "1,/^\$/d" out | sed "1,/^\$/d" >actual &&
	test_cmp expected actual &&
	two_models acme 2024-07-01 >data/models.yaml && git commit -qam "date of b" &&
	run_ma 0 diff HEAD~1 --fail-on never &&
	cat >expected <<-EOF &&
	data/models.yaml:27: changed score b-7b MMLU (5-shot): date (none) -> 2024-07-01

	fixed:
	data/models.yaml:23:9: error: score of MMLU (5-shot) has no publication date [score-missing-date]

	EOF
	sed "1,/^\$/d" out | sed "1,/^\$/d" >actual &&
	test_cmp expected actual
'

test_expect_success 'findings of diff equal those of check' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	run_ma 1 check --rev HEAD --format json &&
	python3 -c "import json; print(\"\\n\".join(sorted(\"%s %s:%s:%s\" % (f[\"fingerprint\"], f[\"path\"], f[\"line\"], f[\"column\"]) for f in json.load(open(\"out\"))[\"findings\"])))" >expected &&
	run_ma 1 diff --root --net --format json &&
	python3 -c "import json; print(\"\\n\".join(sorted(\"%s %s:%s:%s\" % (f[\"fingerprint\"], f[\"path\"], f[\"line\"], f[\"column\"]) for f in json.load(open(\"out\"))[\"commits\"][0][\"introduced\"])))" >actual &&
	test_cmp expected actual
'

test_expect_success 'sibling findings of moved models keep their place' '
	make_repo sib && cd sib && mkdir data &&
	sibling() {
		printf "  - id: m%s\n    name: M%s\n    organization: O\n    released: 2024-07-23\n" "$1" "$1"
		printf "    family: f\n    sources:\n      - id: card\n        url: https://acme.org/m%s\n" "$1"
		printf "    specs:\n      total_params: %s\n    benchmarks:\n      - benchmark: MMLU\n" "$2"
		printf "        score: %s\n        date: 2024-07-23\n        source: card\n" "$3"
	} &&
	{ echo models: && sibling 1 7B 60.0 && sibling 2 13B 64.0 && sibling 3 70B 70.0; } >data/models.yaml &&
	git add data && git commit -qm one &&
	{ echo models: && sibling 0 1B 50.0 && sibling 1 7B 60.0 && sibling 2 13B 65.0 &&
	  sibling 3 70B 70.0; } >data/models.yaml &&
	git commit -qam two &&
	run_ma 0 check --rev HEAD --quiet &&
	cp out expected &&
	run_ma 0 diff HEAD~1 &&
	sed -n "/^introduced:/,/^\$/p" out | grep "\[score-suspect-interpolated\]\$" >actual &&
	test_cmp expected actual &&
	grep -F "data/models.yaml:29:16: warning: score 60.0 of MMLU is the mean" expected
'

test_expect_success 'new URL of a cited source shows on its scores' '
	setup &&
	registry 0.8050 | sed "s|https://acme.org/card|https://acme.org/card-v2|" >data/models.yaml &&
	git commit -qam "move card" &&
	run_ma 0 diff HEAD~1 &&
	cat >expected <<-EOF &&
	data/models.yaml:8: changed source acme-7b card: url https://acme.org/card -> https://acme.org/card-v2
	data/models.yaml:14: changed score acme-7b MMLU (5-shot): source https://acme.org/card -> https://acme.org/card-v2
	EOF
	grep "^data/" out >actual &&
	test_cmp expected actual
'

test_expect_success 'threads give the same report on broken files' '
	make_repo broken && cd broken && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.8 2024-07-01 a-7b >data/a.yaml &&
	registry 0.7 2024-07-01 b-7b | sed "s/^        score: 0.7/        score: [0.7/" >data/b.yaml &&
	registry 0.6 2024-07-01 c-7b | sed "s/^        score: 0.6/&\n        score: 0.61/" >data/c.yaml &&
	registry 0.5 2024-07-01 d-7b | sed "s/^    name: Acme 7B/    name: Acme \\xff/" >data/d.yaml &&
	registry 0.4 2024-07-01 e-7b | sed "s/^        score: 0.4/        score: !!float 0.4/" >data/e.yaml &&
	git add . && git commit -qm broken &&
	for f in a b c d e; do sed -i "s/2024-07-01/2024-07-02/" data/$f.yaml || exit 1; done &&
	git commit -qam "date everything" &&
	MODELAUDIT_THREADS=1 run_ma 0 diff --root --format json --fail-on never &&
	mv out expected &&
	MODELAUDIT_THREADS=4 run_ma 0 diff --root --format json --fail-on never &&
	test_cmp expected out &&
	grep -c "\"rule\": \"yaml-" out >count &&
	test "$(cat count)" -eq 3
'

# four_scores: a repository "src" of four commits, each setting the score.
four_scores() {
	make_repo src && cd src && mkdir data &&
	for v in 0.80 0.81 0.82 0.83; do
		registry $v >data/models.yaml && git add . && git commit -qm "score $v" || return 1
	done
}

# A failed walk leaks in libgit2 (see tests/lsan.supp), which LeakSanitizer
# can tell apart only with full allocation stacks.
full_stacks() {
	ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export ASAN_OPTIONS
}

test_expect_success 'shallow clone walk exits 4' '
	full_stacks &&
	four_scores && cd .. &&
	git clone -q --depth 2 "file://$PWD/src" shallow && cd shallow &&
	missing=$(git -C ../src rev-parse HEAD~2) &&
	hint="(the repository is a shallow clone, which lacks the commits before its oldest ones: run '\''git fetch --unshallow'\'', or use a full clone)" &&
	for args in "diff HEAD~1" "diff HEAD~1 --net" "diff --root" "blame acme-7b"; do
		run_ma 4 $args &&
		test_cmp /dev/null out &&
		test "$(wc -l <err)" -eq 1 &&
		grep -F "$missing" err &&
		grep -F "$hint" err || exit 1
	done &&
	run_ma 4 diff HEAD~1 &&
	grep "^modelaudit: error: cannot walk the history of '\''HEAD~1\.\.HEAD'\'': " err &&
	run_ma 4 diff --root &&
	grep "^modelaudit: error: cannot walk the history of '\''HEAD'\'': " err &&
	run_ma 4 diff HEAD~3 &&
	grep "^modelaudit: error: unknown revision '\''HEAD~3'\'': " err &&
	grep -F "$hint" err &&
	run_ma 4 check --rev HEAD~3 &&
	grep -F "$hint" err &&
	git fetch -q --unshallow &&
	run_ma 0 diff --root &&
	grep -c "changed score" out >count && echo 3 >expected && test_cmp expected count
'

test_expect_success 'missing commit object exits 4' '
	full_stacks &&
	four_scores &&
	gone=$(git rev-parse HEAD~2) &&
	rm .git/objects/$(echo $gone | cut -c1-2)/$(echo $gone | cut -c3-) &&
	for args in "diff HEAD~1" "diff --root" "diff --root --net" "blame acme-7b"; do
		run_ma 4 $args &&
		test_cmp /dev/null out &&
		test "$(wc -l <err)" -eq 1 &&
		grep "^modelaudit: error: cannot walk the history of .*$gone" err &&
		! grep shallow err || exit 1
	done
'

test_expect_success 'missing blob mid-range leaves JSON and markdown empty' '
	full_stacks &&
	four_scores &&
	gone=$(git rev-parse HEAD~1:data/models.yaml) &&
	rm .git/objects/$(echo $gone | cut -c1-2)/$(echo $gone | cut -c3-) &&
	for format in json markdown; do
		run_ma 4 diff --root --format $format &&
		test_cmp /dev/null out &&
		grep "^modelaudit: error: .*$gone" err || exit 1
	done &&
	run_ma 4 diff --root &&
	grep -c "^commit " out >count && echo 2 >expected && test_cmp expected count
'

test_expect_success 'unusable commit configurations are skipped' '
	setup &&
	echo "registry: [../x.yaml]" >.modelaudit.yaml && git add . && git commit -qm outside &&
	printf "registry: [data/models.yaml\n" >.modelaudit.yaml && git commit -qam "invalid YAML" &&
	printf "severity:\n  no-such-rule: off\n" >.modelaudit.yaml && git commit -qam "unknown rule" &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml &&
	registry 0.81 >data/models.yaml && git commit -qam fixed &&
	for range in HEAD~4..HEAD~3 HEAD~3..HEAD~2 HEAD~2..HEAD~1; do
		run_ma 0 diff $range &&
		test_cmp /dev/null out || exit 1
	done &&
	run_ma 0 diff HEAD~4 &&
	grep -c "changed score" out >count && echo 1 >expected && test_cmp expected count &&
	! grep "not used" err &&
	run_ma 0 diff --root --verbose &&
	prefix="modelaudit: configuration of commit" &&
	suffix="not used, so the registry paths of the current one apply:" &&
	grep -c "^$prefix" err >count && echo 3 >expected && test_cmp expected count &&
	grep -F "$prefix $(git rev-parse HEAD~3) $suffix .modelaudit.yaml: registry path '\''../x.yaml'\'' is outside the repository" err &&
	grep -F "$prefix $(git rev-parse HEAD~2) $suffix .modelaudit.yaml:2:1: invalid YAML" err &&
	grep -F "$prefix $(git rev-parse HEAD~1) $suffix .modelaudit.yaml:2:3: unknown rule '\''no-such-rule'\''" err &&
	run_ma 0 blame acme-7b --verbose &&
	grep -c "^$prefix" err >count && echo 3 >expected && test_cmp expected count &&
	grep "^    0.8050  $(git rev-parse --short=10 HEAD~4)  " out &&
	run_ma 3 check --rev HEAD~2 &&
	grep "^modelaudit: error: HEAD~2:.modelaudit.yaml:2:1: invalid YAML" err
'

test_expect_success 'configuration without registry names the default' '
	make_repo repo && cd repo && mkdir data &&
	echo "registry: [data/a.yaml]" >.modelaudit.yaml &&
	registry 0.8 2024-07-01 a-7b >data/a.yaml &&
	registry 0.7 2024-07-01 b-7b | sed "s/name: Acme 7B/name: Beta 7B/" >data/models.yaml &&
	git add . && git commit -qm one &&
	printf "severity:\n  score-removed: off\n" >.modelaudit.yaml && git commit -qam "default registry" &&
	echo "registry: [data/a.yaml]" >.modelaudit.yaml &&
	run_ma 0 diff HEAD~1 &&
	grep "^data/a.yaml:2: removed model a-7b$" out &&
	grep "^data/models.yaml:2: added model b-7b$" out &&
	run_ma 0 check --rev HEAD --quiet --format json &&
	grep "\"models\": 1," out
'

test_expect_success 'working tree and index configuration stay strict' '
	setup &&
	printf "registry: [data/models.yaml\n" >.modelaudit.yaml &&
	run_ma 3 diff &&
	grep "^modelaudit: error: .modelaudit.yaml:2:1: invalid YAML" err &&
	git add .modelaudit.yaml &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml &&
	run_ma 3 diff --staged &&
	grep "^modelaudit: error: (index):.modelaudit.yaml:2:1: invalid YAML" err &&
	run_ma 3 check --staged &&
	grep "^modelaudit: error: (index):.modelaudit.yaml:2:1: invalid YAML" err
'

test_expect_success 'explicit config applies to every commit' '
	make_repo repo && cd repo && mkdir data other &&
	echo "registry: [data/models.yaml]" >.modelaudit.yaml &&
	registry 0.80 >data/models.yaml && registry 0.50 2024-07-01 other-7b >other/models.yaml &&
	git add . && git commit -qm one &&
	registry 0.81 >data/models.yaml && registry 0.51 2024-07-01 other-7b >other/models.yaml &&
	git commit -qam two &&
	echo "registry: [other/models.yaml]" >../other.yaml &&
	run_ma 0 diff HEAD~1 --config ../other.yaml &&
	grep "^other/models.yaml:12: changed score other-7b MMLU (5-shot): score 0.50 -> 0.51$" out &&
	grep "score-changed-without-source" out &&
	! grep "^data/" out &&
	run_ma 0 diff --root --config ../other.yaml &&
	grep "^other/models.yaml:2: added model other-7b$" out &&
	! grep "^data/" out &&
	run_ma 0 blame other-7b --config ../other.yaml &&
	grep "^    0.51  $(git rev-parse --short=10 HEAD)  " out &&
	grep "^    0.50  $(git rev-parse --short=10 HEAD~1)  " out &&
	registry 0.52 2024-07-01 other-7b >other/models.yaml &&
	run_ma 0 diff --config ../other.yaml &&
	grep "^other/models.yaml:12: changed score other-7b MMLU (5-shot): score 0.51 -> 0.52$" out &&
	git add other/models.yaml &&
	run_ma 0 diff --staged --config ../other.yaml &&
	grep "score 0.51 -> 0.52$" out &&
	printf "registry: [other/models.yaml]\nseverity:\n  score-changed-without-source: off\n" >../quiet.yaml &&
	run_ma 0 diff HEAD~1 --config ../quiet.yaml &&
	grep "score 0.50 -> 0.51$" out &&
	! grep "score-changed-without-source" out
'

test_expect_success 'symbolic links in a registry directory are skipped' '
	make_repo repo && cd repo && mkdir data more &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.8 >data/m1.yaml &&
	echo "not a registry" >../target.yaml &&
	registry 0.7 2024-07-01 b-7b >more/b.yaml &&
	ln -s ../../target.yaml data/link.yaml &&
	ln -s ../more data/more &&
	git add . && git commit -qm one &&
	git status --porcelain >../status && test_cmp /dev/null ../status &&
	run_ma 0 diff &&
	test_cmp /dev/null out &&
	run_ma 0 diff --staged &&
	test_cmp /dev/null out &&
	run_ma 0 diff --root &&
	! grep "link.yaml\|b-7b" out &&
	run_ma 0 check --rev HEAD &&
	mv out rev.out && mv err rev.err &&
	run_ma 0 check &&
	test_cmp rev.out out && test_cmp rev.err err &&
	run_ma 0 check --staged &&
	test_cmp rev.out out && test_cmp rev.err err &&
	echo "1 error, 0 warnings, 0 notes in 1 file (0 models, 0 scores)" >expected &&
	run_ma 1 check data/link.yaml &&
	test_cmp expected err
'

test_expect_success 'unmerged registry file exits 4' '
	setup &&
	git checkout -q -b side &&
	registry 0.81 >data/models.yaml && git commit -qam side &&
	git checkout -q main &&
	registry 0.82 >data/models.yaml && git commit -qam main &&
	! git merge -q side >/dev/null 2>&1 &&
	run_ma 4 diff --staged &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: data/models.yaml: unmerged in the index (resolve the conflict, then stage the file with '\''git add'\'')" >expected &&
	test_cmp expected err &&
	registry 0.83 >data/models.yaml && git add data/models.yaml &&
	run_ma 0 diff --staged &&
	grep "score 0.82 -> 0.83$" out
'

test_expect_success 'intent-to-add file is not staged' '
	make_repo repo && cd repo && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.8 >data/m1.yaml && git add . && git commit -qm one &&
	registry 0.7 2024-07-01 b-7b >data/m2.yaml && git add -N data/m2.yaml &&
	git diff --cached --name-only >staged && test_cmp /dev/null staged &&
	run_ma 0 diff --staged &&
	test_cmp /dev/null out &&
	run_ma 0 diff &&
	grep "^data/m2.yaml:2: added model b-7b$" out
'

test_expect_success 'failed write exits 4 with one message' '
	test -w /dev/full || { echo "/dev/full is not available: skipped"; exit 0; } &&
	setup &&
	registry 0.81 2099-01-01 >data/models.yaml && git commit -qam "future date" &&
	echo "modelaudit: error: cannot write the report: No space left on device" >expected &&
	for args in "diff HEAD~1" "diff HEAD~1 --format json" "diff HEAD~1 --format markdown" \
		    "diff --root --net" "blame acme-7b" "blame acme-7b --format json" \
		    "check" "check --format json" "check --format sarif" "rules" "diff --help"; do
		status=0 &&
		"$MODELAUDIT" $args >/dev/full 2>err || status=$? &&
		test "$status" = 4 &&
		test_cmp expected err || { echo "modelaudit $args"; exit 1; }
	done &&
	status=0 &&
	"$MODELAUDIT" rules >&- 2>err || status=$? &&
	test "$status" = 4 &&
	echo "modelaudit: error: cannot write the report: Bad file descriptor" >expected &&
	test_cmp expected err
'

test_expect_success 'markdown escapes links and odd paths' '
	make_repo md && cd md && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.8 >"data/a\`b|c.yaml" && git add . && git commit -qm one &&
	registry 0.8 | sed "s/variant: 5-shot/variant: \"see [here](https:\/\/e.vil)\"/" >"data/a\`b|c.yaml" &&
	git commit -qam two &&
	run_ma 0 diff HEAD~1 --format markdown --fail-on never &&
	grep -F "| see \[here\](https://e.vil) | data/a\\\`b\|c.yaml:11 |" out
'

test_expect_success 'help matches the man page synopsis' '
	"$MODELAUDIT" diff --help | sed -n "1s/^usage: //p" >expected &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/s/^\.B //p" "$TOP/man/modelaudit-diff.1" | sed "s/\\\\//g" >actual &&
	test_cmp expected actual
'

test_expect_success 'a registry directory is listed below each commit, hidden entries left out' '
	make_repo nested && cd nested &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	mkdir -p data/a data/b/c data/.drafts &&
	registry 0.8 2024-07-01 a-7b >data/a/a.yaml &&
	registry 0.7 2024-07-01 c-7b >data/b/c/c.yaml &&
	registry 0.6 2024-07-01 hidden-7b >data/a/.hidden.yaml &&
	registry 0.5 2024-07-01 draft-7b >data/.drafts/d.yaml &&
	echo notes >data/a/notes.txt &&
	git add . && git commit -qm one &&
	sed -i "s/score: 0.7/score: 0.71/" data/b/c/c.yaml &&
	sed -i "s/score: 0.5/score: 0.51/" data/.drafts/d.yaml &&
	git commit -qam two &&
	registry 0.9 2024-07-01 w-7b >data/a/w.yaml &&
	git add . && git commit -qm three &&
	git mv data/b/c/c.yaml data/a/c.yaml && git commit -qm four &&
	run_ma 0 diff --root --fail-on never &&
	grep "^data/" out >actual &&
	cat >expected <<-EOF &&
	data/a/a.yaml:2: added model a-7b
	data/b/c/c.yaml:2: added model c-7b
	data/b/c/c.yaml:12: changed score c-7b MMLU (5-shot): score 0.7 -> 0.71
	data/b/c/c.yaml:12:16: warning: score of MMLU (5-shot) changed from 0.7 to 0.71 with the same date and source [score-changed-without-source]
	data/a/w.yaml:2: added model w-7b
	EOF
	test_cmp expected actual
'

# A model whose two sources share an id moves down its file in a commit whose
# parent is outside the range. The read-ahead parses the moved copy before
# the walk reads the parent's.
test_expect_success 'a moved model names its own lines on any number of threads' '
	make_repo moved && cd moved &&
	echo "registry: [data/]" >.modelaudit.yaml && mkdir data &&
	for id in a b c d; do registry 0.8 2024-07-01 $id-7b >data/$id.yaml || exit 1; done &&
	registry_yaml id=x-7b >data/x.yaml &&
	printf "      - id: card\\n        url: https://acme.org/card-v2\\n" >>data/x.yaml &&
	git add . && git commit -qm one &&
	{ registry 0.8 2024-07-01 y-7b && sed 1d data/x.yaml; } >x.new && mv x.new data/x.yaml &&
	git commit -qam two &&
	registry 0.8 2024-07-01 y-7b >data/x.yaml && git commit -qam three &&
	git repack -adq &&
	for threads in 1 2 4; do
		MODELAUDIT_THREADS=$threads run_ma 0 diff HEAD~2 --fail-on never &&
		mv out out.$threads || exit 1
	done &&
	test_cmp out.1 out.2 && test_cmp out.1 out.4 &&
	grep "already used on line" out.1 |
		sed "s/: error: .* already used on line /, line /; s/: give each .*//" >actual &&
	echo "data/x.yaml:22:13, line 20" >expected &&
	test_cmp expected actual
'

# The walk stops at a blob that is missing, before it reaches the commits
# whose configuration is invalid. Reading ahead lists those commits early,
# and must not report their configuration.
test_expect_success 'verbose names an unused configuration only when the walk reaches it' '
	make_repo cfg && cd cfg && mkdir data &&
	for i in $(seq 1 70); do
		registry "0.$((100 + i))" >data/models.yaml &&
		if [ $i = 40 ]; then echo "registry: [data/models.yaml" >.modelaudit.yaml; fi &&
		if [ $i = 42 ]; then echo "registry: [data/models.yaml]" >.modelaudit.yaml; fi &&
		git add -A && git commit -qm "c$i" &&
		if [ $i = 10 ]; then blob=$(git rev-parse HEAD:data/models.yaml); fi || exit 1
	done &&
	rm .git/objects/$(echo $blob | cut -c1-2)/$(echo $blob | cut -c3-) &&
	for threads in 1 2; do
		MODELAUDIT_THREADS=$threads run_ma 4 diff --root --verbose &&
		mv err err.$threads || exit 1
	done &&
	test_cmp err.1 err.2 &&
	! grep "configuration of commit" err.2
'

# The new file versions of these two windows of the walk add up to more
# than 32 MiB, so reading the second window ends the parse of the first.
# The read-ahead reads packed blobs only, hence the repack.
test_expect_success 'two windows past 32 MiB report the same' '
	seq -f "# a comment that no parse keeps, on line %05g of the padding" 2600 >pad &&
	make_repo big && cd big && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	for i in $(seq 1 64); do
		for id in a b c d e; do
			{ cat ../pad && registry "0.$((100 + i))" 2024-07-01 $id-7b; } >data/$id.yaml || exit 1
		done &&
		git add -A && git commit -qm "c$i" || exit 1
	done &&
	git repack -adq &&
	for threads in 1 2 4; do
		MODELAUDIT_THREADS=$threads run_ma 0 diff --root --verbose --fail-on never &&
		mv out out.$threads && mv err err.$threads || exit 1
	done &&
	test_cmp out.1 out.2 && test_cmp out.1 out.4 &&
	test_cmp err.1 err.2 && test_cmp err.1 err.4 &&
	grep "commits with registry changes" err.1 >actual &&
	echo "64 commits with registry changes: 320 changes, 315 findings introduced, 0 fixed" >expected &&
	test_cmp expected actual
'

test_done
