#!/bin/sh
# check on the real llm-stats history (tests/fixtures/llm-stats-history.bundle,
# CC BY 4.0): its first commit cites placeholder example.com sources, and the
# schema migration at HEAD dropped every score's date.
. "$(dirname "$0")/../lib.sh"

clone_history() {
	git clone -q "$(fixture llm-stats-history.bundle)" history &&
	cd history
}

test_expect_success 'first commit flags placeholder sources' '
	clone_history &&
	root=$(git rev-list --max-parents=0 HEAD) &&
	run_ma 1 check --quiet --rev "$root" &&
	grep -c "\[url-placeholder\]$" out >count &&
	echo 28 >expected && test_cmp expected count &&
	grep -F "data/models/meta/llama-3-70b.yaml:23:17: error: placeholder URL '"'"'https://example.com/gpt4-mmlu-results'"'"': the host '"'"'example.com'"'"' is reserved for examples and tests, so cite the real document [url-placeholder]" out &&
	grep -F "data/models/meta/llama-3-70b.yaml:22:15: warning: score of MMLU (Multiple choice accuracy) is dated 2023-03-15, 370 days before the model'"'"'s release on 2024-03-19: check the date of the source [date-before-release]" out
'

test_expect_success 'head has no score dates' '
	clone_history &&
	run_ma 1 check --rev HEAD &&
	grep -F "in 169 files (169 models, 2224 scores)" err &&
	grep -c "\[score-missing-date\]$" out >count &&
	echo 2224 >expected && test_cmp expected count
'

test_expect_success 'head working tree matches rev' '
	clone_history &&
	run_ma 1 check --quiet &&
	mv out worktree.out &&
	run_ma 1 check --quiet --rev HEAD &&
	test_cmp worktree.out out
'

test_expect_success 'head reports unknown spec key' '
	clone_history &&
	run_ma 1 check --quiet &&
	grep -F "data/models/xai/grok-3.yaml:11:7: warning: unknown field '"'"'multimodal'"'"' in specs [schema-unknown-field]" out
'

test_done
