#!/bin/sh
# diff on small repositories built here: revisions, modes, moves and the
# history rules.
. "$(dirname "$0")/../lib.sh"

# registry VALUE [DATE [ID]]: a one-model registry with one MMLU score.
registry() {
	cat <<EOF
models:
  - id: ${3:-acme-7b}
    name: Acme 7B
    organization: Acme
    released: 2024-07-01
    sources:
      - id: card
        url: https://acme.org/card
    benchmarks:
      - benchmark: MMLU
        variant: 5-shot
        score: $1
        date: ${2:-2024-07-01}
        source: card
EOF
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
	grep "^modelaudit: error: unknown revision '\''HEAD~5'\'': " err &&
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
	grep "^data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.8050 -> 0.81$" out
'

test_expect_success 'index against HEAD' '
	setup &&
	registry 0.81 >data/models.yaml && git add data/models.yaml &&
	registry 0.9 >data/models.yaml &&
	run_ma 0 diff --staged &&
	grep "^index against " out &&
	grep "score 0.8050 -> 0.81$" out &&
	! grep "0.9" out
'

test_expect_success 'bare repository walks history' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	cd .. && git clone -q --bare repo bare.git && cd bare.git &&
	run_ma 0 diff HEAD~1 &&
	grep "score 0.8050 -> 0.81$" out &&
	run_ma 4 diff &&
	grep "bare" err
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

test_expect_success 'markdown report' '
	setup &&
	registry 0.81 >data/models.yaml && git commit -qam two &&
	run_ma 0 diff HEAD~1 --format markdown &&
	grep "^| changed score | acme-7b | MMLU (5-shot): score | 0.8050 | 0.81 | \`data/models.yaml:12\` |$" out
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

test_done
