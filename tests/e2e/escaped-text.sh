#!/bin/sh
# Registry text that contains a backslash prints with the backslash
# doubled. The four characters \x1B typed into a model id, benchmark
# name, URL, file name, author or commit subject thus read apart from a
# real ESC, which prints as \x1B. A finding message is escaped once when
# it is built and is not escaped again on output.
. "$(dirname "$0")/../lib.sh"

# write_registry FILE: two models whose id, source URL and benchmark name
# contain \x1B: typed as four characters in lit\x1B-7b, as ESC in esc-7b.
write_registry() {
	cat >"$1" <<-\EOT
	models:
	  - id: "lit\\x1B-7b"
	    name: Lit
	    organization: O
	    released: 2024-01-01
	    sources:
	      - {id: card, url: "https://acme.org/a\\x1Bb"}
	    benchmarks:
	      - {benchmark: "MM\\x1BLU", score: 70, source: card}
	  - id: "esc\e-7b"
	    name: Esc
	    organization: O
	    released: 2024-01-01
	    sources:
	      - {id: card, url: "https://acme.org/a\eb"}
	    benchmarks:
	      - {benchmark: "MM\eLU", score: 70, source: card}
	EOT
}

# setup_history: a repository whose second commit adds the registry of
# write_registry and whose third, by an author whose name contains \x1B
# typed, changes each score, dates it and moves its source, with both
# forms of \x1B in the subject.
setup_history() {
	make_repo repo && cd repo && mkdir data &&
	echo "models: []" >data/models.yaml &&
	git add . && git commit -qm init &&
	write_registry data/models.yaml &&
	git commit -qam "add \\x1B models" &&
	sed -i -e "s/score: 70/score: 71, date: 2024-08-01/" \
		-e "s|acme.org/a|acme.org/v2/a|" data/models.yaml &&
	GIT_AUTHOR_NAME="Ann \\x1B" git commit -qam "$(printf "raise \\033 and \\\\x1B")"
}

# name_commits FILE: prints FILE with the ids of HEAD~2, HEAD~1 and HEAD,
# whole or abbreviated to 12 or 10 digits, replaced by <HEAD~2>, <HEAD~1>
# and <HEAD>.
name_commits() {
	script=
	for rev in HEAD~2 HEAD~1 HEAD; do
		id=$(git rev-parse $rev)
		for digits in 40 12 10; do
			script="$script -e s/$(echo "$id" | cut -c1-$digits)/<$rev>/g"
		done
	done
	sed $script "$1"
}

# The expected outputs, written here because they quote ids in single quotes.
expected_check_text() {
	cat <<-\EOF
	data/models.yaml:2:9: error: model id 'lit\\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$ [schema-type]
	data/models.yaml:9:9: error: score of MM\\x1BLU has no publication date [score-missing-date]
	data/models.yaml:9:21: warning: unknown benchmark 'MM\\x1BLU': add it to benchmarks.yaml in a rules directory [benchmark-unknown]
	data/models.yaml:10:9: error: model id 'esc\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$ [schema-type]
	data/models.yaml:15:25: error: invalid URL 'https://acme.org/a\x1Bb': bad path [url-invalid]
	data/models.yaml:17:9: error: score of MM\x1BLU has no publication date [score-missing-date]
	data/models.yaml:17:21: warning: unknown benchmark 'MM\x1BLU' (did you mean 'MMLU'?) [benchmark-unknown]
	EOF
}

# The JSON strings decode to the text of expected_check_text.
expected_check_json() {
	cat <<-\EOF
	{
	  "version": 1,
	  "findings": [
	    {
	      "rule": "schema-type",
	      "severity": "error",
	      "message": "model id 'lit\\\\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$",
	      "path": "data/models.yaml",
	      "line": 2,
	      "column": 9,
	      "model": "lit\\\\x1B-7b",
	      "fingerprint": "c0b1b79528a00697b4ee42c7b611d194"
	    },
	    {
	      "rule": "score-missing-date",
	      "severity": "error",
	      "message": "score of MM\\\\x1BLU has no publication date",
	      "path": "data/models.yaml",
	      "line": 9,
	      "column": 9,
	      "model": "lit\\\\x1B-7b",
	      "benchmark": "MM\\\\x1BLU",
	      "fingerprint": "ca090269efbc373b070c7bd75bce46e9"
	    },
	    {
	      "rule": "benchmark-unknown",
	      "severity": "warning",
	      "message": "unknown benchmark 'MM\\\\x1BLU': add it to benchmarks.yaml in a rules directory",
	      "path": "data/models.yaml",
	      "line": 9,
	      "column": 21,
	      "model": "lit\\\\x1B-7b",
	      "benchmark": "MM\\\\x1BLU",
	      "fingerprint": "1a560dd167fe04ba2ee760c3cce60091"
	    },
	    {
	      "rule": "schema-type",
	      "severity": "error",
	      "message": "model id 'esc\\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$",
	      "path": "data/models.yaml",
	      "line": 10,
	      "column": 9,
	      "model": "esc\\x1B-7b",
	      "fingerprint": "3bb848feb515dd21a3f99e78f05302df"
	    },
	    {
	      "rule": "url-invalid",
	      "severity": "error",
	      "message": "invalid URL 'https://acme.org/a\\x1Bb': bad path",
	      "path": "data/models.yaml",
	      "line": 15,
	      "column": 25,
	      "model": "esc\\x1B-7b",
	      "fingerprint": "ede79aab8a0f9f9c991d49ebd51c73f2"
	    },
	    {
	      "rule": "score-missing-date",
	      "severity": "error",
	      "message": "score of MM\\x1BLU has no publication date",
	      "path": "data/models.yaml",
	      "line": 17,
	      "column": 9,
	      "model": "esc\\x1B-7b",
	      "benchmark": "MM\\x1BLU",
	      "fingerprint": "cc38b8ccb27111f20ac62845e9eee052"
	    },
	    {
	      "rule": "benchmark-unknown",
	      "severity": "warning",
	      "message": "unknown benchmark 'MM\\x1BLU' (did you mean 'MMLU'?)",
	      "path": "data/models.yaml",
	      "line": 17,
	      "column": 21,
	      "model": "esc\\x1B-7b",
	      "benchmark": "MM\\x1BLU",
	      "fingerprint": "5b1a456719186778877f8ee00e4a0302"
	    }
	  ],
	  "summary": {
	    "files": 1,
	    "models": 2,
	    "scores": 2,
	    "errors": 5,
	    "warnings": 2,
	    "notes": 0
	  }
	}
	EOF
}

# `diff HEAD~2`: both commits of setup_history.
expected_diff_text() {
	cat <<-\EOF
	commit <HEAD~1>
	Author: A U Thor <author@example.org>
	Date:   2025-01-01T12:00:00Z

	    add \\x1B models

	data/models.yaml:2: added model lit\\x1B-7b
	data/models.yaml:10: added model esc\x1B-7b

	introduced:
	data/models.yaml:2:9: error: model id 'lit\\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$ [schema-type]
	data/models.yaml:9:9: error: score of MM\\x1BLU has no publication date [score-missing-date]
	data/models.yaml:9:21: warning: unknown benchmark 'MM\\x1BLU': add it to benchmarks.yaml in a rules directory [benchmark-unknown]
	data/models.yaml:10:9: error: model id 'esc\x1B-7b' must match ^[a-z0-9][a-z0-9._-]*$ [schema-type]
	data/models.yaml:15:25: error: invalid URL 'https://acme.org/a\x1Bb': bad path [url-invalid]
	data/models.yaml:17:9: error: score of MM\x1BLU has no publication date [score-missing-date]
	data/models.yaml:17:21: warning: unknown benchmark 'MM\x1BLU' (did you mean 'MMLU'?) [benchmark-unknown]

	commit <HEAD>
	Author: Ann \\x1B <author@example.org>
	Date:   2025-01-01T12:00:00Z

	    raise \x1B and \\x1B

	data/models.yaml:7: changed source lit\\x1B-7b card: url https://acme.org/a\\x1Bb -> https://acme.org/v2/a\\x1Bb
	data/models.yaml:9: changed score lit\\x1B-7b MM\\x1BLU: score 70 -> 71
	data/models.yaml:9: changed score lit\\x1B-7b MM\\x1BLU: date (none) -> 2024-08-01
	data/models.yaml:9: changed score lit\\x1B-7b MM\\x1BLU: source https://acme.org/a\\x1Bb -> https://acme.org/v2/a\\x1Bb
	data/models.yaml:15: changed source esc\x1B-7b card: url https://acme.org/a\x1Bb -> https://acme.org/v2/a\x1Bb
	data/models.yaml:17: changed score esc\x1B-7b MM\x1BLU: score 70 -> 71
	data/models.yaml:17: changed score esc\x1B-7b MM\x1BLU: date (none) -> 2024-08-01
	data/models.yaml:17: changed score esc\x1B-7b MM\x1BLU: source https://acme.org/a\x1Bb -> https://acme.org/v2/a\x1Bb

	introduced:
	data/models.yaml:15:25: error: invalid URL 'https://acme.org/v2/a\x1Bb': bad path [url-invalid]

	fixed:
	data/models.yaml:9:9: error: score of MM\\x1BLU has no publication date [score-missing-date]
	data/models.yaml:15:25: error: invalid URL 'https://acme.org/a\x1Bb': bad path [url-invalid]
	data/models.yaml:17:9: error: score of MM\x1BLU has no publication date [score-missing-date]

	EOF
}

# `diff --format json HEAD~1`: the third commit.
expected_diff_json() {
	cat <<-\EOF
	{
	  "version": 1,
	  "range": {
	    "from": "<HEAD~1>",
	    "to": "<HEAD>"
	  },
	  "commits": [
	    {
	      "commit": "<HEAD>",
	      "parents": [
	        "<HEAD~1>"
	      ],
	      "author": "Ann \\\\x1B <author@example.org>",
	      "date": "2025-01-01T12:00:00Z",
	      "subject": "raise \\x1B and \\\\x1B",
	      "changes": [
	        {
	          "op": "changed",
	          "kind": "source",
	          "model": "lit\\\\x1B-7b",
	          "source": "card",
	          "field": "url",
	          "old": "https://acme.org/a\\\\x1Bb",
	          "new": "https://acme.org/v2/a\\\\x1Bb",
	          "path": "data/models.yaml",
	          "line": 7
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "lit\\\\x1B-7b",
	          "benchmark": "MM\\\\x1BLU",
	          "variant": null,
	          "field": "score",
	          "old": "70",
	          "new": "71",
	          "path": "data/models.yaml",
	          "line": 9
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "lit\\\\x1B-7b",
	          "benchmark": "MM\\\\x1BLU",
	          "variant": null,
	          "field": "date",
	          "old": null,
	          "new": "2024-08-01",
	          "path": "data/models.yaml",
	          "line": 9
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "lit\\\\x1B-7b",
	          "benchmark": "MM\\\\x1BLU",
	          "variant": null,
	          "field": "source",
	          "old": "https://acme.org/a\\\\x1Bb",
	          "new": "https://acme.org/v2/a\\\\x1Bb",
	          "path": "data/models.yaml",
	          "line": 9
	        },
	        {
	          "op": "changed",
	          "kind": "source",
	          "model": "esc\\x1B-7b",
	          "source": "card",
	          "field": "url",
	          "old": "https://acme.org/a\\x1Bb",
	          "new": "https://acme.org/v2/a\\x1Bb",
	          "path": "data/models.yaml",
	          "line": 15
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "esc\\x1B-7b",
	          "benchmark": "MM\\x1BLU",
	          "variant": null,
	          "field": "score",
	          "old": "70",
	          "new": "71",
	          "path": "data/models.yaml",
	          "line": 17
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "esc\\x1B-7b",
	          "benchmark": "MM\\x1BLU",
	          "variant": null,
	          "field": "date",
	          "old": null,
	          "new": "2024-08-01",
	          "path": "data/models.yaml",
	          "line": 17
	        },
	        {
	          "op": "changed",
	          "kind": "score",
	          "model": "esc\\x1B-7b",
	          "benchmark": "MM\\x1BLU",
	          "variant": null,
	          "field": "source",
	          "old": "https://acme.org/a\\x1Bb",
	          "new": "https://acme.org/v2/a\\x1Bb",
	          "path": "data/models.yaml",
	          "line": 17
	        }
	      ],
	      "introduced": [
	        {
	          "rule": "url-invalid",
	          "severity": "error",
	          "message": "invalid URL 'https://acme.org/v2/a\\x1Bb': bad path",
	          "path": "data/models.yaml",
	          "line": 15,
	          "column": 25,
	          "model": "esc\\x1B-7b",
	          "fingerprint": "71f688e48912cd613ad5a72368eecbe2"
	        }
	      ],
	      "fixed": [
	        {
	          "rule": "score-missing-date",
	          "severity": "error",
	          "message": "score of MM\\\\x1BLU has no publication date",
	          "path": "data/models.yaml",
	          "line": 9,
	          "column": 9,
	          "model": "lit\\\\x1B-7b",
	          "benchmark": "MM\\\\x1BLU",
	          "fingerprint": "ca090269efbc373b070c7bd75bce46e9"
	        },
	        {
	          "rule": "url-invalid",
	          "severity": "error",
	          "message": "invalid URL 'https://acme.org/a\\x1Bb': bad path",
	          "path": "data/models.yaml",
	          "line": 15,
	          "column": 25,
	          "model": "esc\\x1B-7b",
	          "fingerprint": "ede79aab8a0f9f9c991d49ebd51c73f2"
	        },
	        {
	          "rule": "score-missing-date",
	          "severity": "error",
	          "message": "score of MM\\x1BLU has no publication date",
	          "path": "data/models.yaml",
	          "line": 17,
	          "column": 9,
	          "model": "esc\\x1B-7b",
	          "benchmark": "MM\\x1BLU",
	          "fingerprint": "cc38b8ccb27111f20ac62845e9eee052"
	        }
	      ]
	    }
	  ]
	}
	EOF
}

# `diff --format markdown HEAD~1`: markdown escapes each backslash of the text once more.
expected_diff_markdown() {
	cat <<-\EOF
	## modelaudit diff

	### `<HEAD>` raise \\x1B and \\\\x1B

	Ann \\\\x1B, 2025-01-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| changed source | lit\\\\x1B-7b | card: url | https://acme.org/a\\\\x1Bb | https://acme.org/v2/a\\\\x1Bb | `data/models.yaml:7` |
	| changed score | lit\\\\x1B-7b | MM\\\\x1BLU: score | 70 | 71 | `data/models.yaml:9` |
	| changed score | lit\\\\x1B-7b | MM\\\\x1BLU: date | (none) | 2024-08-01 | `data/models.yaml:9` |
	| changed score | lit\\\\x1B-7b | MM\\\\x1BLU: source | https://acme.org/a\\\\x1Bb | https://acme.org/v2/a\\\\x1Bb | `data/models.yaml:9` |
	| changed source | esc\\x1B-7b | card: url | https://acme.org/a\\x1Bb | https://acme.org/v2/a\\x1Bb | `data/models.yaml:15` |
	| changed score | esc\\x1B-7b | MM\\x1BLU: score | 70 | 71 | `data/models.yaml:17` |
	| changed score | esc\\x1B-7b | MM\\x1BLU: date | (none) | 2024-08-01 | `data/models.yaml:17` |
	| changed score | esc\\x1B-7b | MM\\x1BLU: source | https://acme.org/a\\x1Bb | https://acme.org/v2/a\\x1Bb | `data/models.yaml:17` |

	**Introduced**

	- **error** `data/models.yaml:15:25` invalid URL 'https://acme.org/v2/a\\x1Bb': bad path (`url-invalid`)

	**Fixed**

	- **error** `data/models.yaml:9:9` score of MM\\\\x1BLU has no publication date (`score-missing-date`)
	- **error** `data/models.yaml:15:25` invalid URL 'https://acme.org/a\\x1Bb': bad path (`url-invalid`)
	- **error** `data/models.yaml:17:9` score of MM\\x1BLU has no publication date (`score-missing-date`)

	EOF
}

# `blame` of the model with \x1B typed, then of the one with ESC.
expected_blame_text() {
	cat <<-\EOF
	data/models.yaml:9: MM\\x1BLU 71
	    71  <HEAD>  2025-01-01T12:00:00Z  Ann \\x1B  raise \x1B and \\x1B
	    70  <HEAD~1>  2025-01-01T12:00:00Z  A U Thor   add \\x1B models
	data/models.yaml:17: MM\x1BLU 71
	    71  <HEAD>  2025-01-01T12:00:00Z  Ann \\x1B  raise \x1B and \\x1B
	    70  <HEAD~1>  2025-01-01T12:00:00Z  A U Thor   add \\x1B models
	EOF
}

# `blame --format json` of the model with \x1B typed.
expected_blame_json() {
	cat <<-\EOF
	{
	  "version": 1,
	  "model": "lit\\\\x1B-7b",
	  "scores": [
	    {
	      "benchmark": "MM\\\\x1BLU",
	      "variant": null,
	      "source": "https://acme.org/v2/a\\\\x1Bb",
	      "value": "71",
	      "path": "data/models.yaml",
	      "line": 9,
	      "commit": "<HEAD>",
	      "author": "Ann \\\\x1B <author@example.org>",
	      "date": "2025-01-01T12:00:00Z",
	      "subject": "raise \\x1B and \\\\x1B",
	      "history": [
	        {
	          "value": "70",
	          "commit": "<HEAD~1>",
	          "author": "A U Thor <author@example.org>",
	          "date": "2025-01-01T12:00:00Z",
	          "subject": "add \\\\x1B models"
	        }
	      ]
	    }
	  ]
	}
	EOF
}

test_expect_success 'check text doubles typed backslash' '
	mkdir data && write_registry data/models.yaml &&
	run_ma 1 check --color never data/models.yaml &&
	expected_check_text >expected &&
	test_cmp expected out &&
	echo "5 errors, 2 warnings, 0 notes in 1 file (2 models, 2 scores)" >expected &&
	test_cmp expected err
'

test_expect_success 'check json doubles typed backslash' '
	mkdir data && write_registry data/models.yaml &&
	run_ma 1 check --format json data/models.yaml &&
	expected_check_json >expected &&
	test_cmp expected out &&
	python3 -c "import json, sys; [print(\"%s:%d:%d: %s: %s [%s]\" % (f[\"path\"], f[\"line\"], f[\"column\"], f[\"severity\"], f[\"message\"], f[\"rule\"])) for f in json.load(sys.stdin)[\"findings\"]]" <out >decoded &&
	expected_check_text >expected &&
	test_cmp expected decoded
'

# A file name with a backslash is doubled where a person reads it. It is
# kept as it is where a CI service opens the file: in the file property
# of a GitHub annotation and the file attribute of a JUnit test case.
# SARIF percent-encodes the bytes of the name, so both names stay exact.
test_expect_success 'CI formats name file with backslash' '
	mkdir data &&
	printf "models:\n  - id: \"a\\\\\\\\x1B\"\n    name: A\n    organization: O\n    released: 2024-01-01\n" >"data/a\\x1B.yaml" &&
	printf "models:\n  - id: b\n    name: B\n    organization: O\n    released: 2024-01-01\n" >"data/b$(printf "\\033").yaml" &&
	run_ma 1 check --color never data/*.yaml &&
	cat >expected <<-\EOF &&
	data/a\\x1B.yaml:2:5: error: model '"'"'a\\x1B'"'"' has no sources: add the documents its values come from [model-no-source]
	data/a\\x1B.yaml:2:9: error: model id '"'"'a\\x1B'"'"' must match ^[a-z0-9][a-z0-9._-]*$ [schema-type]
	data/b\x1B.yaml:2:5: error: model '"'"'b'"'"' has no sources: add the documents its values come from [model-no-source]
	EOF
	test_cmp expected out &&
	run_ma 1 check --format github data/*.yaml &&
	cat >expected <<-\EOF &&
	::error file=data/a\x1B.yaml,line=2,col=5,title=model-no-source::model '"'"'a\\x1B'"'"' has no sources: add the documents its values come from
	::error file=data/a\x1B.yaml,line=2,col=9,title=schema-type::model id '"'"'a\\x1B'"'"' must match ^[a-z0-9][a-z0-9._-]*$
	::error file=data/b\x1B.yaml,line=2,col=5,title=model-no-source::model '"'"'b'"'"' has no sources: add the documents its values come from
	EOF
	test_cmp expected out &&
	run_ma 1 check --format junit data/*.yaml &&
	grep -F "<testsuite name=\"data/a\\\\x1B.yaml\"" out &&
	grep -F "classname=\"data/a\\\\x1B.yaml\" file=\"data/a\\x1B.yaml\" line=\"2\"" out &&
	grep -F ">data/a\\\\x1B.yaml:2:9: error: model id &apos;a\\\\x1B&apos; must match" out &&
	grep -F "classname=\"data/b\\x1B.yaml\" file=\"data/b\\x1B.yaml\" line=\"2\"" out &&
	run_ma 1 check --format sarif data/*.yaml &&
	grep -e "\"uri\"" -e "\"text\": \"model" out >actual &&
	cat >expected <<-\EOF &&
	            "text": "model '"'"'a\\\\x1B'"'"' has no sources: add the documents its values come from"
	                  "uri": "data/a%5Cx1B.yaml"
	            "text": "model id '"'"'a\\\\x1B'"'"' must match ^[a-z0-9][a-z0-9._-]*$"
	                  "uri": "data/a%5Cx1B.yaml"
	            "text": "model '"'"'b'"'"' has no sources: add the documents its values come from"
	                  "uri": "data/b%1B.yaml"
	EOF
	test_cmp expected actual
'

test_expect_success 'baseline doubles typed backslash once' '
	mkdir data && write_registry data/models.yaml &&
	run_ma 0 check --write-baseline base.json data/models.yaml &&
	grep -e "\"model\"" -e "\"message\"" base.json >actual &&
	cat >expected <<-\EOF &&
	      "model": "esc\\x1B-7b",
	      "message": "unknown benchmark '"'"'MM\\x1BLU'"'"' (did you mean '"'"'MMLU'"'"'?)"
	      "model": "esc\\x1B-7b",
	      "message": "model id '"'"'esc\\x1B-7b'"'"' must match ^[a-z0-9][a-z0-9._-]*$"
	      "model": "esc\\x1B-7b",
	      "message": "score of MM\\x1BLU has no publication date"
	      "model": "esc\\x1B-7b",
	      "message": "invalid URL '"'"'https://acme.org/a\\x1Bb'"'"': bad path"
	      "model": "lit\\\\x1B-7b",
	      "message": "unknown benchmark '"'"'MM\\\\x1BLU'"'"': add it to benchmarks.yaml in a rules directory"
	      "model": "lit\\\\x1B-7b",
	      "message": "model id '"'"'lit\\\\x1B-7b'"'"' must match ^[a-z0-9][a-z0-9._-]*$"
	      "model": "lit\\\\x1B-7b",
	      "message": "score of MM\\\\x1BLU has no publication date"
	EOF
	test_cmp expected actual
'

test_expect_success 'diff text doubles typed backslash' '
	setup_history &&
	run_ma 1 diff --color never HEAD~2 &&
	name_commits out >actual &&
	expected_diff_text >expected &&
	test_cmp expected actual &&
	echo "2 commits with registry changes: 10 changes, 8 findings introduced, 3 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'diff json doubles typed backslash' '
	setup_history &&
	run_ma 1 diff --format json HEAD~1 &&
	name_commits out >actual &&
	expected_diff_json >expected &&
	test_cmp expected actual
'

test_expect_success 'diff markdown doubles typed backslash' '
	setup_history &&
	run_ma 1 diff --format markdown HEAD~1 &&
	name_commits out >actual &&
	expected_diff_markdown >expected &&
	test_cmp expected actual
'

test_expect_success 'blame text doubles typed backslash' '
	setup_history &&
	run_ma 0 blame "lit\\x1B-7b" &&
	name_commits out >actual &&
	run_ma 0 blame "$(printf "esc\\033-7b")" &&
	name_commits out >>actual &&
	expected_blame_text >expected &&
	test_cmp expected actual
'

test_expect_success 'blame json doubles typed backslash' '
	setup_history &&
	run_ma 0 blame --format json "lit\\x1B-7b" &&
	name_commits out >actual &&
	expected_blame_json >expected &&
	test_cmp expected actual &&
	run_ma 0 blame --format json "$(printf "esc\\033-7b")" &&
	grep -e "\"model\"" -e "\"benchmark\"" -e "\"source\"" out >actual &&
	cat >expected <<-\EOF &&
	  "model": "esc\\x1B-7b",
	      "benchmark": "MM\\x1BLU",
	      "source": "https://acme.org/v2/a\\x1Bb",
	EOF
	test_cmp expected actual
'

test_expect_success 'blame errors double typed backslash' '
	setup_history &&
	run_ma 4 blame "lit\\x1B-7b" "MM\\x1B" &&
	printf "%s\n" "modelaudit: error: model '"'"'lit\\\\x1B-7b'"'"' has no score of benchmark '"'"'MM\\\\x1B'"'"'" >expected &&
	test_cmp expected err &&
	run_ma 4 blame "none\\x1B" &&
	printf "%s\n" "modelaudit: error: model '"'"'none\\\\x1B'"'"' not found in the registry at HEAD" >expected &&
	test_cmp expected err
'

# A finding message longer than 1,000 characters is cut in markdown. The
# message of a duplicate key of 1,000 backslashes is the 15 characters of
# "duplicate key '" and 2,000 backslashes, so the 1,000th character falls
# inside an escaped pair. The cut keeps whole pairs: it leaves 984
# backslashes, which markdown writes as 1,968, and no lone one before the
# ellipsis.
test_expect_success 'markdown cuts message between escapes' '
	make_repo repo && cd repo && mkdir data &&
	echo "models: []" >data/models.yaml &&
	git add . && git commit -qm init &&
	key=$(printf "%01000d" 0 | tr 0 "\\\\") &&
	printf "models:\n  - id: a\n    %s: 1\n    %s: 2\n" "$key" "$key" >data/models.yaml &&
	git commit -qam "duplicate key" &&
	run_ma 1 diff --format markdown HEAD~1 &&
	grep -o "\\\\*… (\`yaml-duplicate-key\`)" out | tr -cd "\\\\" | wc -c >actual &&
	echo 1968 >expected &&
	test_cmp expected actual
'

# 127.0.0.1 is not a public address, so links refuses the URL without a request.
test_expect_success 'links reports double typed backslash' '
	cat >m.yaml <<-\EOF &&
	models:
	  - id: "lit\\x1B-7b"
	    name: Lit
	    organization: O
	    released: 2024-01-01
	    sources:
	      - {id: card, url: "http://127.0.0.1:9/a\\x1Bb"}
	    benchmarks:
	      - {benchmark: "MM\\x1BLU", score: 70, date: 2024-01-01, source: card}
	EOF
	run_ma 0 links --color never --database :memory: m.yaml &&
	cat >expected <<-\EOF &&
	not verified (blocked or refused):
	  http://127.0.0.1:9/a\\x1Bb: refused: 127.0.0.1 is not a public address
	    m.yaml:7:25: lit\\x1B-7b
	    m.yaml:9:71: lit\\x1B-7b MM\\x1BLU
	EOF
	test_cmp expected out &&
	run_ma 0 links --database :memory: --format markdown m.yaml &&
	grep -F "| ok | http://127.0.0.1:9/a\\\\\\\\x1Bb | refused: 127.0.0.1 is not a public address | m.yaml:7 lit\\\\\\\\x1B-7b<br>m.yaml:9 lit\\\\\\\\x1B-7b MM\\\\\\\\x1BLU |  |" out &&
	run_ma 0 links --database :memory: --format json m.yaml &&
	grep -F "\"url\": \"http://127.0.0.1:9/a\\\\\\\\x1Bb\"," out
'

# The history rules quote ids, benchmarks, variants and values, each
# escaped once.
test_expect_success 'history rules double typed backslash' '
	make_repo repo && cd repo && mkdir data &&
	cat >data/models.yaml <<-\EOF &&
	models:
	  - id: "lit\\x1B-7b"
	    name: Lit
	    organization: O
	    released: 2024-01-01
	    sources:
	      - {id: card, url: "https://acme.org/a"}
	    benchmarks:
	      - {benchmark: "MM\\x1BLU", variant: "v\\x1B", score: "7\\x1B", date: 2024-02-01, source: card}
	      - {benchmark: "GSM\\x1B8K", score: 50, date: 2024-02-01, source: card}
	EOF
	git add . && git commit -qm one &&
	sed -i -e "s/\"7/\"8/" -e "/GSM/d" data/models.yaml &&
	git commit -qam two &&
	run_ma 1 diff --color never HEAD~1 &&
	grep -e score-changed-without-source -e score-removed out >actual &&
	cat >expected <<-\EOF &&
	data/models.yaml:9:60: warning: score of MM\\x1BLU (v\\x1B) changed from 7\\x1B to 8\\x1B with the same date and source [score-changed-without-source]
	data/models.yaml:10:9: note: score of GSM\\x1B8K was removed (it was 50) [score-removed]
	EOF
	test_cmp expected actual &&
	echo "models: []" >data/models.yaml && git commit -qam three &&
	run_ma 0 diff --color never HEAD~1 &&
	grep model-removed out >actual &&
	cat >expected <<-\EOF &&
	data/models.yaml:2:5: warning: model lit\\x1B-7b was removed [model-removed]
	EOF
	test_cmp expected actual
'

test_done
