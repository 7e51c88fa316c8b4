#!/bin/sh
# blame: the commit that set each score's value, and the earlier values.
. "$(dirname "$0")/../lib.sh"

# registry MMLU-VALUE GSM8K-VALUE [ID]
registry() {
	registry_yaml id="${3:-acme-7b}" score="MMLU 5-shot $1" score="GSM8K - $2"
}

# short REV: the abbreviated commit id that blame prints.
short() {
	git rev-parse --short=10 "$1"
}

setup() {
	make_repo repo && cd repo && mkdir data &&
	registry 0.80 0.50 >data/models.yaml && git add . && git commit -qm one &&
	registry 0.81 0.50 >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam two &&
	registry 0.810 0.55 >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam three
}

test_expect_success 'every value of each score' '
	setup &&
	run_ma 0 blame acme-7b &&
	one=$(git rev-parse --short=10 HEAD~2) &&
	two=$(git rev-parse --short=10 HEAD~1) &&
	three=$(git rev-parse --short=10 HEAD) &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.810
	    0.81  $two  2025-02-01T12:00:00Z  A U Thor  two
	    0.80  $one  2025-01-01T12:00:00Z  A U Thor  one
	data/models.yaml:15: GSM8K 0.55
	    0.55  $three  2025-03-01T12:00:00Z  A U Thor  three
	    0.50  $one  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'commit in latin-1 shown in UTF-8' '
	setup &&
	registry 0.82 0.55 >data/models.yaml &&
	printf "caf\351 scores\n" >msg &&
	GIT_AUTHOR_NAME=$(printf "Jos\351") git -c i18n.commitEncoding=ISO-8859-1 \
		commit -qa -F msg &&
	run_ma 0 blame acme-7b mmlu &&
	sed -n 2p out | sed "s/  [0-9a-f]*  [-0-9T:Z]*  /  /" >actual &&
	printf "    0.82  Jos\303\251      caf\303\251 scores\n" >expected &&
	test_cmp expected actual &&
	run_ma 0 blame acme-7b mmlu --format json &&
	grep -c -e "$(printf "Jos\303\251 <")" -e "$(printf "caf\303\251 scores")" out >actual &&
	echo 2 >expected && test_cmp expected actual
'

test_expect_success 'one benchmark as JSON' '
	setup &&
	run_ma 0 blame acme-7b gsm-8k --format json &&
	one=$(git rev-parse HEAD~2) && three=$(git rev-parse HEAD) &&
	cat >expected <<-EOF &&
	{
	  "version": 1,
	  "model": "acme-7b",
	  "scores": [
	    {
	      "benchmark": "GSM8K",
	      "variant": null,
	      "source": "https://acme.org/card",
	      "value": "0.55",
	      "path": "data/models.yaml",
	      "line": 15,
	      "commit": "$three",
	      "author": "A U Thor <author@example.org>",
	      "date": "2025-03-01T12:00:00Z",
	      "subject": "three",
	      "history": [
	        {
	          "value": "0.50",
	          "commit": "$one",
	          "author": "A U Thor <author@example.org>",
	          "date": "2025-01-01T12:00:00Z",
	          "subject": "one"
	        }
	      ]
	    }
	  ]
	}
	EOF
	test_cmp expected out
'

test_expect_success 'renamed model followed' '
	setup &&
	registry 0.810 0.55 acme-7b-v2 >data/models.yaml && git commit -qam rename &&
	run_ma 0 blame acme-7b-v2 MMLU &&
	grep "^    0.80  $(git rev-parse --short=10 HEAD~3)  " out
'

test_expect_success 'old id of a renamed model names the rename' '
	setup &&
	registry 0.810 0.55 acme-7b-v2 >data/models.yaml && git commit -qam rename &&
	run_ma 4 blame acme-7b &&
	echo "modelaudit: error: model '\''acme-7b'\'' not found in the registry at HEAD: commit $(short HEAD) renamed it to '\''acme-7b-v2'\''" >expected &&
	test_cmp expected err
'

test_expect_success 'renamed model removed later names both' '
	setup &&
	registry 0.810 0.55 acme-7b-v2 >data/models.yaml && git commit -qam rename &&
	echo "models: []" >data/models.yaml && git commit -qam drop &&
	run_ma 4 blame acme-7b &&
	echo "modelaudit: error: model '\''acme-7b'\'' not found in the registry at HEAD: commit $(short HEAD~1) renamed it to '\''acme-7b-v2'\'', which is not at HEAD either" >expected &&
	test_cmp expected err
'

test_expect_success 'rename chain names the first rename' '
	setup &&
	registry 0.810 0.55 acme-7b-v2 >data/models.yaml && git commit -qam rename &&
	registry 0.810 0.55 acme-7b-v3 >data/models.yaml && git commit -qam "rename again" &&
	run_ma 4 blame acme-7b &&
	echo "modelaudit: error: model '\''acme-7b'\'' not found in the registry at HEAD: commit $(short HEAD~1) renamed it to '\''acme-7b-v2'\'', and its id at HEAD is '\''acme-7b-v3'\''" >expected &&
	test_cmp expected err &&
	run_ma 4 blame acme-7b-v2 &&
	echo "modelaudit: error: model '\''acme-7b-v2'\'' not found in the registry at HEAD: commit $(short HEAD) renamed it to '\''acme-7b-v3'\''" >expected &&
	test_cmp expected err
'

test_expect_success 'duplicate entries each keep their trail' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" score="MMLU 5-shot 0.237" >data/models.yaml &&
	git add . && git commit -qm "add two entries" &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam "drop the second" &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.33
	    0.33  $(short HEAD~1)  2025-01-01T12:00:00Z  A U Thor  add two entries
	EOF
	test_cmp expected out &&
	run_ma 0 blame m1 --format json &&
	python3 -c "import json, sys; s = json.load(sys.stdin)[\"scores\"][0]; print(s[\"value\"], s[\"subject\"], s[\"history\"])" <out >actual &&
	echo "0.33 add two entries []" >expected &&
	test_cmp expected actual
'

test_expect_success 'swapped duplicate entries keep their trails' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" score="MMLU 5-shot 0.237" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" score="MMLU 5-shot 0.25" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam two &&
	registry_yaml id=m1 score="MMLU 5-shot 0.25" score="MMLU 5-shot 0.33" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam swap &&
	run_ma 0 diff HEAD~1 --fail-on never &&
	test_cmp /dev/null out &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.25
	    0.25   $(short HEAD~1)  2025-02-01T12:00:00Z  A U Thor  two
	    0.237  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	data/models.yaml:15: MMLU (5-shot) 0.33
	    0.33   $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'columns line up up to 40 characters' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.5" score="GSM8K 8-shot 0.25" >data/models.yaml &&
	git add . && git commit -qm one &&
	long=0.12345678901234567890123456789012345678901234 &&
	registry_yaml id=m1 score="MMLU 5-shot $long" score="GSM8K 8-shot 0.3" >data/models.yaml &&
	GIT_AUTHOR_NAME=Ann GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam two &&
	run_ma 0 blame m1 &&
	pad="                                     " &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) $long
	    $long  $(short HEAD)  2025-02-01T12:00:00Z  Ann       two
	    0.5$pad  $(short HEAD~1)  2025-01-01T12:00:00Z  A U Thor  one
	data/models.yaml:15: GSM8K (8-shot) 0.3
	    0.3$pad  $(short HEAD)  2025-02-01T12:00:00Z  Ann       two
	    0.25${pad% }  $(short HEAD~1)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'duplicate entries in JSON match the text' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" score="MMLU 5-shot 0.237" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=m1 score="MMLU 5-shot 0.33" score="MMLU 5-shot 0.25" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam two &&
	run_ma 0 blame m1 &&
	sed -n "s/^    \([^ ]*\)  *\([^ ]*\) .*/\1 \2/p" out >text &&
	run_ma 0 blame m1 --format json &&
	python3 -c "
import json, sys
for s in json.load(sys.stdin)[\"scores\"]:
    print(s[\"value\"], s[\"commit\"][:10])
    for e in s[\"history\"]:
        print(e[\"value\"], e[\"commit\"][:10])
" <out >json &&
	cat >expected <<-EOF &&
	0.33 $(short HEAD~1)
	0.25 $(short HEAD)
	0.237 $(short HEAD~1)
	EOF
	test_cmp expected text &&
	test_cmp expected json
'

test_expect_success 'new variant and value keep the trail' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=m1 score="MMLU 0-shot 0.70" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam two &&
	run_ma 0 blame m1 MMLU &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (0-shot) 0.70
	    0.70  $(short HEAD)  2025-02-01T12:00:00Z  A U Thor  two
	    0.80  $(short HEAD~1)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'reordered entries keep their trails' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=m1 score="GSM8K 8-shot 0.50" score="MMLU 5-shot 0.80" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam reorder &&
	registry_yaml id=m1 score="GSM8K 8-shot 0.55" score="MMLU 5-shot 0.80" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam three &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: GSM8K (8-shot) 0.55
	    0.55  $(short HEAD)  2025-03-01T12:00:00Z  A U Thor  three
	    0.50  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	data/models.yaml:15: MMLU (5-shot) 0.80
	    0.80  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'removed score starts again when added back' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	git add . && git commit -qm one &&
	registry_yaml id=m1 score="GSM8K 8-shot 0.50" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam remove &&
	registry_yaml id=m1 score="GSM8K 8-shot 0.50" score="MMLU 5-shot 0.80" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam "add again" &&
	run_ma 0 blame m1 MMLU &&
	cat >expected <<-EOF &&
	data/models.yaml:15: MMLU (5-shot) 0.80
	    0.80  $(short HEAD)  2025-03-01T12:00:00Z  A U Thor  add again
	EOF
	test_cmp expected out
'

test_expect_success 'removed model added back keeps its trails' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	git add . && git commit -qm one &&
	echo "models: []" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam remove &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.60" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam "add back" &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.80
	    0.80  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	data/models.yaml:15: GSM8K (8-shot) 0.60
	    0.60  $(short HEAD)  2025-03-01T12:00:00Z  A U Thor  add back
	    0.50  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'registry that failed to parse keeps trails' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" >data/models.yaml &&
	git add . && git commit -qm one &&
	{ registry_yaml id=m1 score="MMLU 5-shot 0.80" && echo "  - id: [broken"; } >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-02-01T12:00:00Z git commit -qam broken &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-03-01T12:00:00Z git commit -qam fixed &&
	run_ma 0 diff HEAD~1 --fail-on never &&
	! grep "added model m1" out &&
	grep "^fixed:$" out &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.80
	    0.80  $(short HEAD~2)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

# merged_history SIDE-DATE MAIN-DATE: a branch adds GSM8K while main raises
# MMLU, then main merges the branch. The dates decide which of the two
# commits the walk meets first.
merged_history() {
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" >data/models.yaml &&
	git add . && git commit -qm one &&
	git checkout -q -b side &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	GIT_AUTHOR_DATE=$1 GIT_COMMITTER_DATE=$1 git commit -qam "add GSM8K" &&
	git checkout -q main &&
	registry_yaml id=m1 score="MMLU 5-shot 0.85" >data/models.yaml &&
	GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 git commit -qam "raise MMLU" &&
	git merge -q --no-ff --no-commit -s ours side &&
	registry_yaml id=m1 score="MMLU 5-shot 0.85" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	GIT_AUTHOR_DATE=2025-04-01T12:00:00Z GIT_COMMITTER_DATE=2025-04-01T12:00:00Z \
		git commit -qam merge
}

test_expect_success 'merge keeps the commits of the branch' '
	for dates in "2025-02-01T12:00:00Z 2025-03-01T12:00:00Z" \
		     "2025-03-01T12:00:00Z 2025-02-01T12:00:00Z"; do
		(
			mkdir "run-${dates%% *}" && cd "run-${dates%% *}" &&
			merged_history $dates &&
			run_ma 0 blame m1 &&
			cat >expected <<-EOF &&
			data/models.yaml:10: MMLU (5-shot) 0.85
			    0.85  $(short main^1)  ${dates#* }  A U Thor  raise MMLU
			    0.80  $(short main~2)  2025-01-01T12:00:00Z  A U Thor  one
			data/models.yaml:15: GSM8K (8-shot) 0.50
			    0.50  $(short side)  ${dates%% *}  A U Thor  add GSM8K
			EOF
			test_cmp expected out
		) || exit 1
	done
'

test_expect_success 'score removed on a branch keeps its trail' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	git add . && git commit -qm one &&
	git checkout -q -b side &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-02-01T12:00:00Z git commit -qam "drop GSM8K" &&
	git checkout -q main &&
	registry_yaml id=m1 score="MMLU 5-shot 0.85" score="GSM8K 8-shot 0.50" >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-03-01T12:00:00Z git commit -qam "raise MMLU" &&
	GIT_COMMITTER_DATE=2025-04-01T12:00:00Z git merge -q --no-ff -s ours -m merge side &&
	run_ma 0 blame m1 GSM8K &&
	cat >expected <<-EOF &&
	data/models.yaml:15: GSM8K (8-shot) 0.50
	    0.50  $(short main~2)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'value a merge did not keep' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml id=m1 score="MMLU 5-shot 0.80" >data/models.yaml &&
	git add . && git commit -qm one &&
	git checkout -q -b side &&
	registry_yaml id=m1 score="MMLU 5-shot 0.90" >data/models.yaml &&
	GIT_COMMITTER_DATE=2025-02-01T12:00:00Z git commit -qam "raise MMLU" &&
	git checkout -q main &&
	GIT_COMMITTER_DATE=2025-03-01T12:00:00Z git merge -q --no-ff -s ours -m merge side &&
	run_ma 0 blame m1 &&
	cat >expected <<-EOF &&
	data/models.yaml:10: MMLU (5-shot) 0.80
	    0.80  $(short main~1)  2025-01-01T12:00:00Z  A U Thor  one
	EOF
	test_cmp expected out
'

test_expect_success 'blame accepts the options of every command' '
	setup &&
	run_ma 0 blame acme-7b &&
	mv out expected &&
	run_ma 0 blame acme-7b --fail-on note --quiet --color always &&
	test_cmp expected out &&
	run_ma 2 blame acme-7b --fail-on sometimes
'

test_expect_success 'help says which options blame ignores' '
	"$MODELAUDIT" blame --help >help &&
	grep -E "^    --(fail-on|color|quiet) " help | sed "s/  */ /g" >actual &&
	cat >expected <<-EOF &&
	 --fail-on <severity> ignored, because blame reports no findings (it never exits 1)
	 --color <when> ignored, because blame prints no colour
	 --quiet ignored, because blame prints no summary
	EOF
	test_cmp expected actual
'

test_expect_success 'unknown model exits 4' '
	setup &&
	run_ma 4 blame nope-7b &&
	echo "modelaudit: error: model '\''nope-7b'\'' not found in the registry at HEAD" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown id printed escaped' '
	setup &&
	run_ma 4 blame "$(printf "nope\033[31m")" &&
	echo "modelaudit: error: model '\''nope\\x1B[31m'\'' not found in the registry at HEAD" >expected &&
	test_cmp expected err
'

test_expect_success 'verbose lists the files read' '
	setup &&
	run_ma 0 blame acme-7b &&
	mv out expected &&
	run_ma 0 blame acme-7b --verbose &&
	test_cmp expected out &&
	grep "^modelaudit: read data/models.yaml " err
'

test_expect_success 'absent benchmark exits 4' '
	setup &&
	run_ma 4 blame acme-7b HumanEval &&
	echo "modelaudit: error: model '\''acme-7b'\'' has no score of benchmark '\''HumanEval'\''" >expected &&
	test_cmp expected err
'

test_expect_success 'missing model id exits 2' '
	setup &&
	run_ma 2 blame
'

test_expect_success 'llm-stats grok-3-mini GPQA' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	run_ma 0 blame grok-3-mini GPQA &&
	cat >expected <<-EOF &&
	data/models/xai/grok-3-mini.yaml:23: GPQA (accuracy) 0.84
	    0.84   af05825563  2025-07-10T18:55:32Z  Contributor 15  fix grok 3 and grok 3 mini benchmark results
	    0.846  a0cd1dab97  2025-02-24T19:52:08Z  Contributor 1   sonnet 3.7
	    0.84   1e5f49dbb6  2025-02-18T16:24:52Z  Contributor 1   xai
	EOF
	test_cmp expected out
'

test_expect_success 'llm-stats duplicate entries follow diff' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	run_ma 0 diff bdaa359d18^..bdaa359d18 --fail-on never &&
	grep -e "score llama-3.2-11b-instruct MMMU-Pro " -e "score llama-3.2-90b-instruct ChartQA " out >actual &&
	cat >expected <<-EOF &&
	data/models/meta/llama-3.2-11b-instruct.yaml:46: removed score llama-3.2-11b-instruct MMMU-Pro (Test accuracy): 0.237
	data/models/meta/llama-3.2-90b-instruct.yaml:46: removed score llama-3.2-90b-instruct ChartQA (Internal Evaluation): 0.542
	EOF
	test_cmp expected actual &&
	run_ma 0 blame llama-3.2-11b-instruct MMMU-Pro &&
	cat >expected <<-EOF &&
	data/models/meta/llama-3.2-11b-instruct.yaml:65: MMMU-Pro (Test accuracy) 0.33
	    0.33  f8f6ba22fc  2024-11-14T23:25:27Z  Contributor 1  add a bunch of models
	EOF
	test_cmp expected out &&
	run_ma 0 blame llama-3.2-90b-instruct ChartQA &&
	cat >expected <<-EOF &&
	data/models/meta/llama-3.2-90b-instruct.yaml:24: ChartQA (-) 0.855
	    0.855  f8f6ba22fc  2024-11-14T23:25:27Z  Contributor 1  add a bunch of models
	EOF
	test_cmp expected out &&
	run_ma 0 diff bfb7e7353f^..bfb7e7353f --fail-on never &&
	grep "score mistral-small-3.2-24b-instruct-2506 " out >actual &&
	cat >expected <<-EOF &&
	data/models/mistral/mistral-small-3.2-24b-instruct-2506.yaml:42: added score mistral-small-3.2-24b-instruct-2506 GPQA (5-shot CoT): 0.4613
	data/models/mistral/mistral-small-3.2-24b-instruct-2506.yaml:42: removed score mistral-small-3.2-24b-instruct-2506 GPQA-diamond (5-shot CoT): 0.4613
	EOF
	test_cmp expected actual &&
	run_ma 0 blame mistral-small-3.2-24b-instruct-2506 GPQA &&
	cat >expected <<-EOF &&
	data/models/mistral/mistral-small-3.2-24b-instruct-2506.yaml:37: GPQA (5-shot CoT) 0.4422
	    0.4422  77be93031d  2025-07-26T23:47:38Z  Contributor 4  Add model mistral small 3.2
	data/models/mistral/mistral-small-3.2-24b-instruct-2506.yaml:42: GPQA (5-shot CoT) 0.4613
	    0.4613  bfb7e7353f  2025-08-07T23:13:45Z  Contributor 1  fix openai changes
	EOF
	test_cmp expected out
'

test_expect_success 'llm-stats rename made on two branches' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	run_ma 0 diff --root --format json --fail-on never &&
	python3 -c "
import json, sys
for c in json.load(sys.stdin)[\"commits\"]:
    for x in c[\"changes\"]:
        if x[\"op\"] == \"renamed\" and x[\"new\"] == \"claude-sonnet-4-5-20250929\":
            print(c[\"commit\"][:10], x[\"old\"])
" <out >actual &&
	cat >expected <<-EOF &&
	c3a3625d4f claude-4-5-sonnet-20250929
	00bc1bb226 claude-4-5-sonnet-20250929
	EOF
	test_cmp expected actual &&
	run_ma 0 blame claude-sonnet-4-5-20250929 SWE-bench-Verified &&
	cat >expected <<-EOF &&
	data/models/anthropic/claude-sonnet-4-5-20250929.yaml:17: SWE-bench Verified (Agentic Coding) (Agentic coding) 0.772
	    0.772  19e6fdbd59  2025-09-29T17:51:43Z  Contributor 15  full benchmarks
	EOF
	test_cmp expected out
'

test_expect_success 'llm-stats model without scores says so' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	run_ma 0 blame deepseek-r1 &&
	echo "data/models/deepseek/deepseek-r1.yaml:2: model deepseek-r1 has no scores" >expected &&
	test_cmp expected out &&
	run_ma 0 blame deepseek-r1 --format json &&
	grep "\"scores\": \[\]" out
'

test_expect_success 'help matches the man page synopsis' '
	"$MODELAUDIT" blame --help | sed -n "1s/^usage: //p" >expected &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/s/^\.B //p" "$TOP/man/modelaudit-blame.1" | sed "s/\\\\//g" >actual &&
	test_cmp expected actual
'

test_done
