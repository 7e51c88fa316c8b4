#!/bin/sh
# diff and blame where models share an id or score entries share an
# identity (model-duplicate-id, score-duplicate, source-duplicate-id).
. "$(dirname "$0")/../lib.sh"

# model ID NAME: one model entry, without the leading "models:" line,
# whose scores follow.
model() {
	cat <<EOF
  - id: $1
    name: $2
    organization: Acme
    released: 2024-07-01
    sources:
      - id: card
        url: https://acme.org/card
    benchmarks:
EOF
}

# score VALUE: one MMLU (5-shot) entry of that model, from the card.
score() {
	cat <<EOF
      - benchmark: MMLU
        variant: 5-shot
        score: $1
        date: 2024-07-01
        source: card
EOF
}

# two_scores FIRST SECOND: model acme-7b with two MMLU (5-shot) entries.
two_scores() {
	echo models: && model acme-7b "Acme 7B" && score "$1" && score "$2"
}

# two_models FIRST SECOND: two models with the id acme-7b, named FIRST
# and SECOND in that order, whose scores differ.
two_models() {
	echo models: &&
	model acme-7b "$1" && score 0.5 &&
	model acme-7b "$2" && score 0.6
}

commit() {
	git add -A && GIT_AUTHOR_DATE=${2:-2025-01-01T12:00:00Z} git commit -qm "$1"
}

swap_setup() {
	make_repo repo && cd repo && mkdir data &&
	two_scores 0.5 0.6 >data/models.yaml && commit one &&
	two_scores 0.6 0.5 >data/models.yaml && commit swap
}

# summary COMMITS CHANGES INTRODUCED FIXED: the summary line on standard error.
summary() {
	printf '%s commit%s with registry changes: %s change%s, %s finding%s introduced, %s fixed\n' \
		"$1" "$([ "$1" = 1 ] || echo s)" "$2" "$([ "$2" = 1 ] || echo s)" \
		"$3" "$([ "$3" = 1 ] || echo s)" "$4"
}

test_expect_success 'swapped duplicate scores change nothing' '
	swap_setup &&
	run_ma 0 diff HEAD~1 &&
	test_cmp /dev/null out &&
	summary 0 0 0 0 >expected &&
	test_cmp expected err &&
	run_ma 0 diff HEAD~1 --net &&
	test_cmp /dev/null out
'

test_expect_success 'swapped duplicate scores in JSON and markdown' '
	swap_setup &&
	run_ma 0 diff HEAD~1 --format json &&
	python3 -c "import json, sys; print(json.load(sys.stdin)[\"commits\"])" <out >actual &&
	echo "[]" >expected &&
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 --format markdown &&
	cat >expected <<-EOF &&
	## modelaudit diff

	No commit in the range changes the registry.
	EOF
	test_cmp expected out
'

test_expect_success 'root walk reports the duplicate once' '
	swap_setup &&
	run_ma 1 diff --root &&
	cat >expected <<-EOF &&
	commit $(git rev-parse HEAD~1)
	Author: A U Thor <author@example.org>
	Date:   2025-01-01T12:00:00Z

	    one

	data/models.yaml:2: added model acme-7b

	introduced:
	data/models.yaml:15:9: error: score of MMLU (5-shot) from source '\''card'\'' repeats the entry on line 10: keep one entry per benchmark, variant and source [score-duplicate]

	EOF
	test_cmp expected out &&
	run_ma 1 diff --root --net --format json &&
	python3 -c "
import json, sys
commit = json.load(sys.stdin)[\"commits\"][0]
print(commit[\"commits\"], [f[\"rule\"] for f in commit[\"introduced\"]], commit[\"fixed\"])
" <out >actual &&
	echo "2 ['\''score-duplicate'\''] []" >expected &&
	test_cmp expected actual
'

test_expect_success 'swap and a new value change one entry' '
	swap_setup &&
	two_scores 0.5 0.65 >data/models.yaml && commit value 2025-02-01T12:00:00Z &&
	run_ma 0 diff HEAD~1 &&
	cat >expected <<-EOF &&
	commit $(git rev-parse HEAD)
	Author: A U Thor <author@example.org>
	Date:   2025-02-01T12:00:00Z

	    value

	data/models.yaml:17: changed score acme-7b MMLU (5-shot): score 0.6 -> 0.65

	introduced:
	data/models.yaml:17:16: warning: score of MMLU (5-shot) changed from 0.6 to 0.65 with the same date and source [score-changed-without-source]

	EOF
	test_cmp expected out
'

test_expect_success 'duplicate entry added before the first' '
	make_repo repo && cd repo && mkdir data &&
	{ echo models: && model acme-7b "Acme 7B" && score 0.5; } >data/models.yaml &&
	commit one &&
	two_scores 0.6 0.5 >data/models.yaml && commit two &&
	run_ma 1 diff HEAD~1 &&
	sed 1,6d out >actual &&
	cat >expected <<-EOF &&
	data/models.yaml:10: added score acme-7b MMLU (5-shot): 0.6

	introduced:
	data/models.yaml:15:9: error: score of MMLU (5-shot) from source '\''card'\'' repeats the entry on line 10: keep one entry per benchmark, variant and source [score-duplicate]

	EOF
	test_cmp expected actual
'

test_expect_success 'baseline hides swapped duplicate scores' '
	two_scores 0.5 0.6 >models.yaml &&
	run_ma 1 check models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	two_scores 0.6 0.5 >models.yaml &&
	run_ma 0 check --baseline base.json models.yaml &&
	test_cmp /dev/null out
'

# sources FIRST SECOND: model acme-7b with two sources of the id card, at
# those URLs, and one score from it.
sources() {
	cat <<EOF
models:
  - id: acme-7b
    name: Acme 7B
    organization: Acme
    released: 2024-07-01
    sources:
      - id: card
        url: $1
      - id: card
        url: $2
    benchmarks:
EOF
	score 0.5
}

test_expect_success 'swapped sources of one id keep their finding' '
	make_repo repo && cd repo && mkdir data &&
	sources https://acme.org/a https://acme.org/b >data/models.yaml && commit one &&
	sources https://acme.org/b https://acme.org/a >data/models.yaml && commit two &&
	run_ma 0 diff HEAD~1 --format json --fail-on never &&
	python3 -c "
import json, sys
commit = json.load(sys.stdin)[\"commits\"][0]
print([f[\"rule\"] for f in commit[\"introduced\"] + commit[\"fixed\"]])
" <out >actual &&
	echo "[]" >expected &&
	test_cmp expected actual
'

drop_setup() {
	make_repo repo && cd repo && mkdir data &&
	two_models First Second >data/models.yaml && commit one &&
	{ echo models: && model acme-7b Second && score 0.6; } >data/models.yaml &&
	commit "drop first" 2025-02-01T12:00:00Z
}

test_expect_success 'dropped model of a shared id is no model-removed' '
	drop_setup &&
	run_ma 0 diff HEAD~1 --fail-on warning &&
	cat >expected <<-EOF &&
	commit $(git rev-parse HEAD)
	Author: A U Thor <author@example.org>
	Date:   2025-02-01T12:00:00Z

	    drop first

	data/models.yaml:2: removed model acme-7b

	fixed:
	data/models.yaml:15:9: error: model id '\''acme-7b'\'' is already used on line 2: give each model its own id [model-duplicate-id]

	EOF
	test_cmp expected out &&
	summary 1 1 0 1 >expected &&
	test_cmp expected err
'

test_expect_success 'dropped model of a shared id in JSON and markdown' '
	drop_setup &&
	run_ma 0 diff HEAD~1 --format json --fail-on warning &&
	python3 -c "
import json, sys
commit = json.load(sys.stdin)[\"commits\"][0]
print(json.dumps(commit[\"changes\"]))
print(json.dumps([f[\"rule\"] for f in commit[\"introduced\"]]), json.dumps([f[\"rule\"] for f in commit[\"fixed\"]]))
" <out >actual &&
	cat >expected <<-EOF &&
	[{"op": "removed", "kind": "model", "model": "acme-7b", "old": "acme-7b", "path": "data/models.yaml", "line": 2}]
	[] ["model-duplicate-id"]
	EOF
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 --format markdown --fail-on warning &&
	cat >expected <<-EOF &&
	## modelaudit diff

	### \`$(git rev-parse --short=12 HEAD)\` drop first

	A U Thor, 2025-02-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| removed model | acme-7b |  | acme-7b |  | \`data/models.yaml:2\` |

	**Fixed**

	- **error** \`data/models.yaml:15:9\` model id '\''acme-7b'\'' is already used on line 2: give each model its own id (\`model-duplicate-id\`)

	EOF
	test_cmp expected out
'

test_expect_success 'dropped model of a shared id with --net' '
	drop_setup &&
	{ echo models: && model acme-7b Second && score 0.6 && model b-7b B && score 0.7; } \
		>data/models.yaml && commit three 2025-03-01T12:00:00Z &&
	run_ma 0 diff HEAD~2 --net --fail-on warning &&
	sed 1,6d out >actual &&
	cat >expected <<-EOF &&
	data/models.yaml:15: added model b-7b
	data/models.yaml:2: removed model acme-7b

	fixed:
	data/models.yaml:15:9: error: model id '\''acme-7b'\'' is already used on line 2: give each model its own id [model-duplicate-id]

	EOF
	test_cmp expected actual
'

test_expect_success 'last model of an id removed is model-removed' '
	drop_setup &&
	{ echo models: && model b-7b B && score 0.7; } >data/models.yaml &&
	commit three 2025-03-01T12:00:00Z &&
	run_ma 1 diff HEAD~1 --fail-on warning &&
	grep "model-removed" out >actual &&
	echo "data/models.yaml:2:5: warning: model acme-7b was removed [model-removed]" >expected &&
	test_cmp expected actual
'

test_expect_success 'swapped models of a shared id change nothing' '
	make_repo repo && cd repo && mkdir data &&
	two_models First Second >data/models.yaml && commit one &&
	{ echo models: && model acme-7b Second && score 0.6 &&
	  model acme-7b First && score 0.5; } >data/models.yaml && commit swap &&
	run_ma 0 diff HEAD~1 &&
	test_cmp /dev/null out &&
	run_ma 0 diff HEAD~1 --net --format json &&
	python3 -c "import json, sys; print(json.load(sys.stdin)[\"commits\"])" <out >actual &&
	echo "[]" >expected &&
	test_cmp expected actual
'

test_expect_success 'blame of an id shared at HEAD names the models' '
	make_repo repo && cd repo && mkdir data &&
	two_models First Second >data/models.yaml && commit one &&
	run_ma 4 blame acme-7b &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: model id '\''acme-7b'\'' is used by 2 models at HEAD (data/models.yaml:2, data/models.yaml:15), and blame keeps one trail per id, so it cannot tell which values are whose: give each model its own id" >expected &&
	test_cmp expected err &&
	run_ma 4 blame acme-7b --format json &&
	test_cmp /dev/null out &&
	test_cmp expected err
'

test_expect_success 'blame of an id shared earlier warns' '
	drop_setup &&
	run_ma 0 blame acme-7b &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.6
	    (no commit found)
	EOF
	test_cmp expected out &&
	echo "modelaudit: warning: commit $(git rev-parse --short=10 HEAD~1) had several models with id '\''acme-7b'\'' (data/models.yaml:2, data/models.yaml:15), and blame keeps one trail per id: the values up to that commit may be those of another model" >expected &&
	test_cmp expected err
'

test_expect_success 'blame of an id never shared does not warn' '
	make_repo repo && cd repo && mkdir data &&
	{ echo models: && model acme-7b First && score 0.5; } >data/models.yaml && commit one &&
	run_ma 0 blame acme-7b &&
	test_cmp /dev/null err
'

test_done
