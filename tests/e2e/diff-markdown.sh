#!/bin/sh
# diff --format markdown within the size of a pull-request comment: the
# cut at 60,000 bytes, its closing line, and subjects, author names, values
# and messages cut short.
. "$(dirname "$0")/../lib.sh"

MAX_SIZE=60000

# models PREFIX FIRST LAST: models PREFIX-FIRST to PREFIX-LAST, each with a
# source and a dated score, so that they raise no finding. A row of the
# markdown table adds one to the report in about 66 bytes.
models() {
	seq "$2" "$3" | while read -r i; do
		cat <<-EOF
		  - id: $1-$(printf %04d "$i")
		    name: Model $i
		    organization: Acme
		    released: 2024-07-01
		    sources:
		      - id: card
		        url: https://acme.org/$1/$i
		    benchmarks:
		      - benchmark: MMLU
		        variant: 5-shot
		        score: 0.8
		        date: 2024-07-01
		        source: card
		EOF
	done
}

# commit_models MESSAGE PREFIX FIRST LAST: a commit that adds the file
# data/PREFIX.yaml with those models.
commit_models() {
	{ echo "models:" && models "$2" "$3" "$4"; } >"data/$2.yaml" &&
	git add data && git commit -qm "$1"
}

# commit_bytes CHAR N BYTES: gives HEAD the subject of N times CHAR, then
# the bytes that printf writes for BYTES, which may be invalid UTF-8. git
# commit would convert those from Latin-1.
commit_bytes() {
	{
		git cat-file commit HEAD | sed "/^$/q" &&
		repeat "$1" "$2" &&
		printf "$3\n"
	} >commit &&
	git update-ref HEAD "$(git hash-object -t commit -w commit)"
}

# repeat TEXT N: writes the bytes of TEXT N times.
repeat() {
	python3 -c 'import os, sys; sys.stdout.buffer.write(os.fsencode(sys.argv[1]) * int(sys.argv[2]))' "$1" "$2"
}

# is_utf8 FILE: whether FILE is valid UTF-8.
is_utf8() {
	python3 -c "import sys; open(sys.argv[1], encoding=\"utf-8\").read()" "$1"
}

setup() {
	make_repo repo && cd repo && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml
}

test_expect_success 'small report unchanged' '
	setup &&
	printf "models:\n  - id: a-7b\n    name: A 7B\n    organization: Acme\n    released: 2024-07-01\n" >data/a.yaml &&
	git add . && git commit -qm "add a-7b" &&
	commit_models "add b-0001" b 1 1 &&
	models a 1 1 >>data/a.yaml && sed -i 2,5d data/a.yaml &&
	git commit -qam "replace a-7b with a-0001" &&
	run_ma 1 diff --root --format markdown &&
	cat >expected <<-EOF &&
	## modelaudit diff

	### \`$(git rev-parse --short=12 HEAD~2)\` add a-7b

	A U Thor, 2025-01-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| added model | a-7b |  |  | a-7b | \`data/a.yaml:2\` |

	**Introduced**

	- **error** \`data/a.yaml:2:5\` model '\''a-7b'\'' has no sources: add the documents its values come from (\`model-no-source\`)

	### \`$(git rev-parse --short=12 HEAD~1)\` add b-0001

	A U Thor, 2025-01-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| added model | b-0001 |  |  | b-0001 | \`data/b.yaml:2\` |

	### \`$(git rev-parse --short=12 HEAD)\` replace a-7b with a-0001

	A U Thor, 2025-01-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| added model | a-0001 |  |  | a-0001 | \`data/a.yaml:2\` |
	| removed model | a-7b |  | a-7b |  | \`data/a.yaml:2\` |

	**Introduced**

	- **warning** \`data/a.yaml:2:5\` model a-7b was removed (\`model-removed\`)

	**Fixed**

	- **error** \`data/a.yaml:2:5\` model '\''a-7b'\'' has no sources: add the documents its values come from (\`model-no-source\`)

	EOF
	test_cmp expected out
'

# The report of 978 models in one commit is 59,948 bytes: 52 short of the
# cap, and in its last 512 bytes, which the closing line of a cut report
# would take. Those are held until the report ends within the cap.
test_expect_success 'report just under the cap unchanged' '
	setup &&
	commit_models "add models" m 1 978 &&
	run_ma 0 diff --root --format markdown &&
	echo 59948 >expected && wc -c <out >actual && test_cmp expected actual &&
	tail -n 2 out >actual &&
	printf "| added model | m-0978 |  |  | m-0978 | \`data/m.yaml:12703\` |\n\n" >expected &&
	test_cmp expected actual
'

# With one model more the whole report would be 60,010 bytes, so it stops
# before the first part that passes 60,000 - 512 bytes.
test_expect_success 'report just over the cap cut' '
	setup &&
	commit_models "add models" m 1 979 &&
	run_ma 0 diff --root --format markdown &&
	echo 59578 >expected && wc -c <out >actual && test_cmp expected actual &&
	tail -n 3 out >actual &&
	cat >expected <<-\EOF &&
	| added model | m-0970 |  |  | m-0970 | `data/m.yaml:12599` |

	… 10 more lines not shown (9 changes): run the same `modelaudit diff` command with `--format text` to see the whole report.
	EOF
	test_cmp expected actual
'

test_expect_success 'closing line counts commits, changes and findings' '
	setup &&
	commit_models "add a" a 1 400 &&
	commit_models "add b" b 1 400 &&
	commit_models "add c" c 1 400 &&
	printf "models:\n  - id: d-7b\n    name: D 7B\n    organization: Acme\n    released: 2024-07-01\n" >data/d.yaml &&
	git add data && git commit -qm "add d" &&
	run_ma 1 diff --root --format markdown &&
	test $(wc -c <out) -le $MAX_SIZE &&
	tail -n 3 out >actual &&
	cat >expected <<-\EOF &&
	| added model | c-0172 |  |  | c-0172 | `data/c.yaml:2225` |

	… 241 more lines not shown (1 commit, 229 changes, 1 finding): run the same `modelaudit diff` command with `--format text` to see the whole report.
	EOF
	test_cmp expected actual &&
	grep -c "^### " out >actual && echo 3 >expected && test_cmp expected actual &&
	grep -c "^| added model |" out >actual && echo 972 >expected && test_cmp expected actual &&
	echo "4 commits with registry changes: 1201 changes, 1 finding introduced, 0 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'net report over the cap cut' '
	setup &&
	commit_models "add a" a 1 500 &&
	commit_models "add b" b 1 500 &&
	run_ma 0 diff --root --net --format markdown &&
	test $(wc -c <out) -le $MAX_SIZE &&
	tail -n 3 out >actual &&
	cat >expected <<-\EOF &&
	| added model | b-0475 |  |  | b-0475 | `data/b.yaml:6164` |

	… 26 more lines not shown (25 changes): run the same `modelaudit diff` command with `--format text` to see the whole report.
	EOF
	test_cmp expected actual
'

test_expect_success 'cut keeps whole rows and characters' '
	setup &&
	commit_models "add a" a 1 1000 &&
	sed -i "s/name: Model/name: Mod$(printf "\303\250")le $(printf "\360\237\230\200")/" data/a.yaml &&
	git commit -qam "rename every model" &&
	run_ma 0 diff HEAD~1 --format markdown &&
	test $(wc -c <out) -le $MAX_SIZE &&
	is_utf8 out &&
	rows=$(grep -c "^| changed field | a-[0-9]* | name | Model [0-9]* | Mod$(printf "\303\250")le $(printf "\360\237\230\200") [0-9]* | \`data/a.yaml:[0-9]*\` |$" out) &&
	test $(grep -c "^|" out) = $((rows + 2)) &&
	tail -n 1 out >actual &&
	echo "… $((1000 - rows + 1)) more lines not shown ($((1000 - rows)) changes): run the same \`modelaudit diff\` command with \`--format text\` to see the whole report." >expected &&
	test_cmp expected actual
'

test_expect_success 'long value cut at 200 characters' '
	setup &&
	commit_models "add a" a 1 2 &&
	python3 -c "import sys; sys.stdout.write(\"x\" * 100000)" >name &&
	sed -i "s/name: Model 1$/name: $(cat name)/" data/a.yaml &&
	sed -i "s/name: Model 2$/name: Model 2b/" data/a.yaml &&
	git commit -qam "give a-0001 a long name" &&
	run_ma 0 diff HEAD~1 --format markdown &&
	x200=$(python3 -c "print(\"x\" * 200)") &&
	cat >expected <<-EOF &&
	## modelaudit diff

	### \`$(git rev-parse --short=12 HEAD)\` give a-0001 a long name

	A U Thor, 2025-01-01T12:00:00Z

	| change | model | what | old | new | where |
	| --- | --- | --- | --- | --- | --- |
	| changed field | a-0001 | name | Model 1 | $x200… | \`data/a.yaml:3\` |
	| changed field | a-0002 | name | Model 2 | Model 2b | \`data/a.yaml:16\` |

	EOF
	test_cmp expected out
'

# A message names a benchmark whole, so a long benchmark name makes a long one.
test_expect_success 'long finding message cut at 1,000 characters' '
	setup &&
	commit_models "add a" a 1 1 &&
	python3 -c "import sys; sys.stdout.write(\"B\" * 5000)" >benchmark &&
	sed -i "s/benchmark: MMLU$/benchmark: $(cat benchmark)/" data/a.yaml &&
	git commit -qam "rename the benchmark" &&
	sed -i "s/score: 0.8$/score: 0.9/" data/a.yaml &&
	git commit -qam "change the score" &&
	run_ma 0 diff HEAD~1 --format markdown &&
	grep "^- \*\*" out >findings &&
	grep -q "score-changed-without-source" findings &&
	while read -r line; do
		chars=$(printf "%s" "$line" | python3 -c "import sys; print(len(sys.stdin.buffer.read().decode()))") &&
		test "$chars" -lt 1100 || exit 1
	done <findings &&
	grep -c "…" findings >actual &&
	wc -l <findings >expected && test_cmp expected actual
'

test_expect_success 'subject and author name cut at 200 characters' '
	setup &&
	euro=$(printf "\342\202\254") &&
	commit_models "add a" a 1 1 &&
	python3 -c "import sys; sys.stdout.buffer.write(b\"a\" + \"\\U0001F600\".encode() * 300000)" >message &&
	commit_models "unused" b 1 1 && git commit -q --amend -F message &&
	python3 -c "import sys; sys.stdout.buffer.write(b\"x\" * 199 + \"\\u20ac\".encode() + b\"z\" * 10)" >message &&
	commit_models "unused" c 1 1 && git commit -q --amend -F message &&
	commit_models "unused" d 1 1 &&
	commit_bytes "x" 199 "\377\001" &&
	name=$(python3 -c "print(\"\\u00e9\" * 150 + \"n\" * 100)") &&
	commit_models "unused" e 1 1 && GIT_AUTHOR_NAME=$name git commit -q --amend --reset-author -m "long name" &&
	run_ma 0 diff HEAD~4 --format markdown &&
	x199=$(python3 -c "print(\"x\" * 199)") &&
	{
		printf "### \`%s\` a" $(git rev-parse --short=12 HEAD~3) &&
		python3 -c "print(\"\\U0001F600\" * 199 + \"\\u2026\")" &&
		printf "### \`%s\` %s%s…\n" $(git rev-parse --short=12 HEAD~2) $x199 $euro &&
		printf "### \`%s\` %s\\\\\\\\xFF…\n" $(git rev-parse --short=12 HEAD~1) $x199 &&
		printf "### \`%s\` long name\n" $(git rev-parse --short=12 HEAD)
	} >expected &&
	grep "^### " out >actual &&
	test_cmp expected actual &&
	python3 -c "print(\"\\u00e9\" * 150 + \"n\" * 50 + \"\\u2026, 2025-01-01T12:00:00Z\")" >expected &&
	sed -n "/long name\$/{n;n;p;}" out >actual &&
	test_cmp expected actual
'

test_expect_success 'text and JSON keep the whole subject' '
	setup &&
	commit_models "add a" a 1 1 &&
	python3 -c "import sys; sys.stdout.write(\"s\" * 1000000)" >message &&
	commit_models "unused" b 1 1 && git commit -q --amend -F message &&
	run_ma 0 diff HEAD~1 &&
	sed -n 5p out >actual && printf "    %s\n" "$(cat message)" >expected &&
	test_cmp expected actual &&
	run_ma 0 diff HEAD~1 --format json &&
	python3 -c "import json; print(len(json.load(open(\"out\"))[\"commits\"][0][\"subject\"]))" >actual &&
	echo 1000000 >expected && test_cmp expected actual
'

# The text format sanitises a subject in parts of 65,536 characters. This
# one has 120,000, and its first part ends between a control character and
# a four-byte character.
test_expect_success 'text sanitises long subject whole' '
	setup &&
	commit_models "add a" a 1 1 &&
	commit_models "unused" b 1 1 &&
	commit_bytes "$(printf "\001\360\237\230\200\303\251")" 40000 "\377" &&
	run_ma 0 diff HEAD~1 &&
	{
		printf "    " &&
		repeat "$(printf "\\\\x01\360\237\230\200\303\251")" 40000 &&
		printf "\\\\xFF\n"
	} >expected &&
	sed -n 5p out >actual &&
	test_cmp expected actual
'

test_expect_success 'exit status unchanged by the cut' '
	setup &&
	commit_models "add a" a 1 1000 &&
	printf "models:\n  - id: d-7b\n    name: D 7B\n    organization: Acme\n    released: 2024-07-01\n" >data/d.yaml &&
	git add data && git commit -qm "add d" &&
	for args in "--root" "--root --net"; do
		run_ma 1 diff $args --format markdown &&
		grep "^… .* not shown" out &&
		! grep d-7b out &&
		run_ma 1 diff $args --format text &&
		grep "model-no-source" out &&
		run_ma 0 diff $args --format markdown --fail-on never &&
		grep "^… .* not shown" out || return 1
	done
'

test_done
