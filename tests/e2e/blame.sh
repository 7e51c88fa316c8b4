#!/bin/sh
# blame: the commit that set each score's value, and the earlier values.
. "$(dirname "$0")/../lib.sh"

# registry MMLU-VALUE GSM8K-VALUE [ID]
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
        date: 2024-07-01
        source: card
      - benchmark: GSM8K
        score: $2
        date: 2024-07-01
        source: card
EOF
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
	registry 0.810 0.55 acme-7b-v3 >data/models.yaml && git commit -qam "rename again" &&
	run_ma 4 blame acme-7b &&
	echo "modelaudit: error: model '\''acme-7b'\'' not found in the registry at HEAD: commit $(git rev-parse --short=10 HEAD) renamed it to '\''acme-7b-v3'\''" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown model exits 4' '
	setup &&
	run_ma 4 blame nope-7b &&
	echo "modelaudit: error: model '\''nope-7b'\'' not found in the registry at HEAD" >expected &&
	test_cmp expected err
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
	    0.84  af05825563  2025-07-10T18:55:32Z  Contributor 15  fix grok 3 and grok 3 mini benchmark results
	    0.846  a0cd1dab97  2025-02-24T19:52:08Z  Contributor 1  sonnet 3.7
	    0.84  1e5f49dbb6  2025-02-18T16:24:52Z  Contributor 1  xai
	EOF
	test_cmp expected out
'

test_expect_success 'help matches the man page synopsis' '
	"$MODELAUDIT" blame --help | sed -n "1s/^usage: //p" >expected &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/s/^\.B //p" "$TOP/man/modelaudit-blame.1" | sed "s/\\\\//g" >actual &&
	test_cmp expected actual
'

test_done
