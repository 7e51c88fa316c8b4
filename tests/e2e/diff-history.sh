#!/bin/sh
# diff on real history: the llm-stats registry, 283 commits of a directory
# registry with merges.
. "$(dirname "$0")/../lib.sh"

clone() {
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm
}

# count_changes SUBJECT EXPRESSION: the number of changes c of the commit
# with that subject in the JSON report `out` for which the Python
# expression holds (Python, so that the tests need no jq).
count_changes() {
	python3 -c "
import json, sys
doc = json.load(open('out'))
commits = [c for c in doc['commits'] if c['subject'] == sys.argv[1]]
assert len(commits) == 1, len(commits)
changes = commits[0]['changes']
print(sum(1 for c in changes if eval(sys.argv[2])))
" "$1" "$2"
}

grok=af0582556309a354aaefd403bc2b07adf0864783
mistral=cc1a96fbd8908b18933ae53e7d35ecdb1f739836
migration=4ef418de36613399846d69161a4ea52e5dca609c
merge3=166fbd3ca0bb103fcd6e11e8f1a668f88476ebf9
names=47cee9897ce6828dcb4770b6a271fb941e456394
variants=df4021bc3e5697f85404072dc23b48871f095d84

test_expect_success 'grok fix: six corrected values' '
	clone &&
	run_ma 0 diff $grok~1..$grok &&
	cat >expected <<-EOF &&
	commit $grok
	Author: Contributor 15 <contributor15@example.org>
	Date:   2025-07-10T18:55:32Z

	    fix grok 3 and grok 3 mini benchmark results

	data/models/xai/grok-3-mini.yaml:17: changed score grok-3-mini GPQA (accuracy): score 0.846 -> 0.84
	data/models/xai/grok-3-mini.yaml:23: changed score grok-3-mini LiveCodeBench (accuracy): score 0.8 -> 0.804
	data/models/xai/grok-3-mini.yaml:35: changed score grok-3-mini AIME 2025 (accuracy): score 0.903 -> 0.908
	data/models/xai/grok-3.yaml:23: changed score grok-3 LiveCodeBench (accuracy): score 0.79 -> 0.794
	data/models/xai/grok-3.yaml:29: changed score grok-3 AIME 2024 (accuracy): score 0.93 -> 0.933
	data/models/xai/grok-3.yaml:35: changed score grok-3 AIME 2025 (accuracy): score 0.93 -> 0.933

	introduced:
	data/models/xai/grok-3-mini.yaml:17:16: warning: score of GPQA (accuracy) changed from 0.846 to 0.84 with the same date and source [score-changed-without-source]
	data/models/xai/grok-3-mini.yaml:23:16: warning: score of LiveCodeBench (accuracy) changed from 0.8 to 0.804 with the same date and source [score-changed-without-source]
	data/models/xai/grok-3-mini.yaml:35:16: warning: score of AIME 2025 (accuracy) changed from 0.903 to 0.908 with the same date and source [score-changed-without-source]
	data/models/xai/grok-3.yaml:23:16: warning: score of LiveCodeBench (accuracy) changed from 0.79 to 0.794 with the same date and source [score-changed-without-source]
	data/models/xai/grok-3.yaml:29:16: warning: score of AIME 2024 (accuracy) changed from 0.93 to 0.933 with the same date and source [score-changed-without-source]
	data/models/xai/grok-3.yaml:35:16: warning: score of AIME 2025 (accuracy) changed from 0.93 to 0.933 with the same date and source [score-changed-without-source]

	EOF
	test_cmp expected out
'

test_expect_success 'grok fix: no new source or date' '
	clone &&
	run_ma 0 diff $grok~1..$grok --format json &&
	count_changes "fix grok 3 and grok 3 mini benchmark results" "True" >actual &&
	echo 6 >expected && test_cmp expected actual &&
	count_changes "fix grok 3 and grok 3 mini benchmark results" "c[\"field\"] == \"score\"" >actual &&
	test_cmp expected actual
'

test_expect_success 'mistral change: trailing zeros are no change' '
	clone &&
	run_ma 0 diff $mistral~1..$mistral &&
	! grep "changed score" out &&
	grep "^data/models/mistral/mistral-small-3.2-24b-instruct-2506.yaml:6: changed field mistral-small-3.2-24b-instruct-2506 base_model: mistralai/Mistral-Small-3.1-24B-Base-2503 -> mistral-small-3.1-24b-base-2503$" out
'

test_expect_success 'major migration: every score loses its date' '
	clone &&
	run_ma 0 diff $migration~1..$migration --format json --fail-on never &&
	count_changes "major migration" "c[\"kind\"] == \"score\" and (c[\"op\"] == \"removed\" or c.get(\"field\") == \"date\" and c[\"new\"] is None)" >actual &&
	git grep -c "^        date:" $migration~1 -- data | awk -F: "{ n += \$3 } END { print n }" >expected &&
	echo 1958 >dated && test_cmp dated expected &&
	test_cmp expected actual &&
	count_changes "major migration" "c.get(\"field\") == \"date\" and c[\"new\"] is not None" >actual &&
	echo 0 >expected && test_cmp expected actual &&
	git grep -c "^        date:" $migration -- data >actual || true &&
	test_cmp /dev/null actual
'

test_expect_success 'major migration: every score missing its date' '
	clone &&
	run_ma 1 diff $migration~1..$migration --format json &&
	python3 -c "
import json
commit = json.load(open(\"out\"))[\"commits\"][0]
print(sum(1 for f in commit[\"introduced\"] if f[\"rule\"] == \"score-missing-date\"))
" >actual &&
	git grep -c "^        score:" $migration -- data | awk -F: "{ n += \$3 } END { print n }" >expected &&
	test_cmp expected actual
'

test_expect_success 'model added with scores of the next day' '
	clone &&
	run_ma 1 diff 9966436484~1..9966436484 &&
	grep -c "^data/models/qwen/qvq-72b-preview.yaml:[0-9]*:15: error: score of .* is dated 2024-12-25, after its commit (2024-12-24) \[date-after-commit\]$" out >actual &&
	echo 4 >expected &&
	test_cmp expected actual
'

test_expect_success 'renamed models keep their findings' '
	clone &&
	run_ma 1 diff 6eeacdab1685~1..6eeacdab1685 &&
	grep -c "renamed model gpt-4" out >actual &&
	sed -n "/^introduced:/,/^\$/p" out | sed "1d;/^\$/d" | cut -d: -f1 | sort -u >>actual &&
	! grep "^fixed:" out &&
	printf "2\ndata/models/openai/gpt-4-0613.yaml\n" >expected &&
	test_cmp expected actual
'

test_expect_success 'merge compared with its first parent' '
	clone &&
	run_ma 0 diff --root --format json --fail-on never &&
	python3 -c "
import json
doc = json.load(open(\"out\"))
merge = [c for c in doc[\"commits\"] if c[\"commit\"] == \"$merge3\"][0]
print(len(merge[\"parents\"]), len(merge[\"changes\"]))
" >actual &&
	echo "2 16" >expected && test_cmp expected actual &&
	run_ma 0 diff $merge3^1..$merge3 --net --format json --fail-on never &&
	python3 -c "
import json
print(len(json.load(open(\"out\"))[\"commits\"][0][\"changes\"]))
" >actual &&
	echo 16 >expected && test_cmp expected actual
'

test_expect_success 'root walks every commit oldest first' '
	clone &&
	run_ma 0 diff --root --format json --fail-on never &&
	python3 -c "
import json
doc = json.load(open(\"out\"))
commits = doc[\"commits\"]
reported = set(c[\"commit\"] for c in commits)
seen = set()
for c in commits:
    for p in c[\"parents\"]:
        assert p not in reported or p in seen, c[\"commit\"]
    seen.add(c[\"commit\"])
print(len(commits), len([c for c in commits if len(c[\"parents\"]) > 1]), commits[0][\"parents\"], doc[\"range\"][\"from\"])
" >actual &&
	echo "192 43 [] None" >expected && test_cmp expected actual
'

test_expect_success 'first-parent follows the main line' '
	clone &&
	run_ma 0 diff --root --first-parent --format json --fail-on never &&
	python3 -c "
import json
commits = json.load(open(\"out\"))[\"commits\"]
print(len(commits))
" >actual &&
	echo 105 >expected && test_cmp expected actual
'

test_expect_success 'net of the whole history' '
	clone &&
	run_ma 0 diff --root --net --format json --fail-on never &&
	python3 -c "
import json
commits = json.load(open(\"out\"))[\"commits\"]
changes = commits[0][\"changes\"]
print(len(commits), commits[0][\"commits\"], all(c[\"op\"] == \"added\" and c[\"kind\"] == \"model\" for c in changes))
" >actual &&
	echo "1 283 True" >expected && test_cmp expected actual
'

test_expect_success 'root walk reads each file version once' '
	clone &&
	run_ma 0 diff --root --verbose --fail-on never &&
	grep "^modelaudit: read " err | sort | uniq -d >repeated &&
	test_cmp /dev/null repeated &&
	grep -c "^modelaudit: read " err >actual &&
	echo 750 >expected && test_cmp expected actual
'

test_expect_success 'root walk parses each model once on any number of threads' '
	clone &&
	for threads in 1 2 4; do
		MODELAUDIT_THREADS=$threads run_ma 0 diff --root --verbose --fail-on never &&
		grep "^modelaudit: parsed " err || exit 1
	done >actual &&
	for threads in 1 2 4; do
		echo "modelaudit: parsed 0 files whole and 750 models one by one"
	done >expected &&
	test_cmp expected actual
'

test_expect_success 'respelt benchmark names are changes' '
	clone &&
	run_ma 0 diff $names~1..$names --format json &&
	count_changes "fix benchmark names" "True" >actual &&
	count_changes "fix benchmark names" "c[\"field\"] == \"benchmark\"" >>actual &&
	printf "15\n15\n" >expected && test_cmp expected actual &&
	test "$(python3 -c "import json; c = json.load(open(\"out\"))[\"commits\"][0]; print(len(c[\"introduced\"]), len(c[\"fixed\"]))")" = "0 0"
'

test_expect_success 'relabelled variants keep their findings' '
	clone &&
	run_ma 0 diff $variants~1..$variants &&
	grep -c "changed score .*: variant Internal [Ee]valuation -> -$" out >actual &&
	echo 29 >expected && test_cmp expected actual &&
	! grep -e "^introduced:" -e "^fixed:" out
'

# The SHA-256 of each whole report of the history, so that work on speed
# cannot change a byte of them. An intended change of the reports must
# record new sums here. The markdown report stops at its maximum size,
# and its closing line counts the lines, commits, changes and findings of
# the whole history that it leaves out.
test_expect_success 'root reports unchanged to the byte' '
	clone &&
	for format in text json markdown; do
		run_ma 0 diff --root --format $format --fail-on never &&
		sha256sum <out | cut -d" " -f1 || exit 1
	done >actual &&
	cat >expected <<-EOF &&
	e8a1e5afe4f1862e3a51f2971a835635a426606b60eca555029166d0fbf2c4c9
	030ca519d2adbccf365aee5494a33f4e88cc7cd660f8df57f8f7473d43e457f4
	551983f077e36b777df2a3a40f57c369e622451d9c5434b6fa01edab9bf071df
	EOF
	test_cmp expected actual
'

test_expect_success 'reports the same on three threads' '
	clone &&
	MODELAUDIT_THREADS=3 run_ma 0 diff --root --format json --fail-on never &&
	sha256sum <out | cut -d" " -f1 >actual &&
	echo 030ca519d2adbccf365aee5494a33f4e88cc7cd660f8df57f8f7473d43e457f4 >expected &&
	test_cmp expected actual
'

test_done
