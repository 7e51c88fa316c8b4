#!/bin/sh
# diff and blame across commits whose registry file does not load: the
# models of the last version that loaded replace those of the broken file.
. "$(dirname "$0")/../lib.sh"

# registry MMLU-VALUE GSM8K-VALUE [MMLU-DATE [GSM8K-DATE]]: a registry
# with one model, acme-7b, and two scores.
registry() {
	registry_yaml score="MMLU 5-shot $1 ${3:-2024-07-01}" score="GSM8K - $2 ${4:-2024-07-01}"
}

# broken MMLU-VALUE GSM8K-VALUE [MMLU-DATE [GSM8K-DATE]]: that registry with an unclosed flow
# sequence at the end, which stops the YAML parser on line 20.
broken() {
	registry "$@" && printf '  - id: [unclosed\n'
}

SYNTAX="data/models.yaml:20:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence, which starts at line 19, column 9) [yaml-syntax]"

# header REV SUBJECT: how diff starts the report of commit REV.
header() {
	printf 'commit %s\nAuthor: A U Thor <author@example.org>\nDate:   2025-01-01T12:00:00Z\n\n    %s\n\n' \
		"$(git rev-parse "$1")" "$2"
}

# setup: commit one (MMLU 0.80), "break" (the same, broken) and "repair"
# (loads again, MMLU now 0.81).
setup() {
	make_repo repo && cd repo && mkdir data &&
	registry 0.80 0.50 >data/models.yaml && git add . && git commit -qm one &&
	broken 0.80 0.50 >data/models.yaml && git commit -qam break &&
	registry 0.81 0.50 2024-08-01 >data/models.yaml && git commit -qam repair
}

# repaired_trail ONE REPAIR: what blame acme-7b prints after setup, given
# the short ids of the commits "one" and "repair".
repaired_trail() {
	cat <<EOF
data/models.yaml:10: MMLU (5-shot) 0.81
    0.81  $2  2025-01-01T12:00:00Z  A U Thor  repair
    0.80  $1  2025-01-01T12:00:00Z  A U Thor  one
data/models.yaml:15: GSM8K 0.50
    0.50  $1  2025-01-01T12:00:00Z  A U Thor  one
EOF
}

test_expect_success 'breaking commit shows only the syntax error' '
	setup &&
	run_ma 1 diff HEAD~2..HEAD~1 &&
	{
		header HEAD~1 break &&
		printf "introduced:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out &&
	echo "1 commit with registry changes: 0 changes, 1 finding introduced, 0 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'repair shows what changed since last load' '
	setup &&
	run_ma 0 diff HEAD~1 &&
	{
		header HEAD repair &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.81" &&
		echo "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out &&
	echo "1 commit with registry changes: 2 changes, 0 findings introduced, 1 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'walk through break and repair' '
	setup &&
	run_ma 1 diff HEAD~2 &&
	{
		header HEAD~1 break &&
		printf "introduced:\n%s\n\n" "$SYNTAX" &&
		header HEAD repair &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.81" &&
		echo "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out &&
	! grep "model-removed\|added model\|removed model" out
'

test_expect_success 'file broken for several commits' '
	setup &&
	git reset -q --hard HEAD~1 &&
	broken 0.80 0.55 2024-07-01 2024-08-01 >data/models.yaml && git commit -qam "still broken" &&
	echo x >README && git add README && git commit -qm readme &&
	registry 0.81 0.55 2024-08-01 2024-08-01 >data/models.yaml && git commit -qam repair &&
	run_ma 1 diff HEAD~4 &&
	{
		header HEAD~3 break &&
		printf "introduced:\n%s\n\n" "$SYNTAX" &&
		header HEAD repair &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.81" &&
		echo "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01" &&
		echo "data/models.yaml:16: changed score acme-7b GSM8K: score 0.50 -> 0.55" &&
		echo "data/models.yaml:17: changed score acme-7b GSM8K: date 2024-07-01 -> 2024-08-01" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'net range over break and repair' '
	setup &&
	run_ma 0 diff HEAD~2 --net &&
	{
		echo "commit $(git rev-parse HEAD) (2 commits since $(git rev-parse HEAD~2))" &&
		printf "Author: A U Thor <author@example.org>\nDate:   2025-01-01T12:00:00Z\n\n    repair\n\n" &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.81" &&
		printf "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01\n\n"
	} >expected &&
	test_cmp expected out &&
	echo "the range as a whole: 2 changes, 0 findings introduced, 0 fixed" >expected &&
	test_cmp expected err
'

test_expect_success 'net range ending broken' '
	setup &&
	git reset -q --hard HEAD~1 &&
	registry 0.80 0.50 >data/models.yaml && git commit -qam unbreak &&
	registry 0.82 0.50 2024-08-01 >data/models.yaml && git commit -qam edit &&
	broken 0.82 0.50 2024-08-01 >data/models.yaml && git commit -qam "break again" &&
	run_ma 1 diff HEAD~2 --net &&
	{
		echo "commit $(git rev-parse HEAD) (2 commits since $(git rev-parse HEAD~2))" &&
		printf "Author: A U Thor <author@example.org>\nDate:   2025-01-01T12:00:00Z\n\n    break again\n\n" &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.82" &&
		echo "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01" &&
		printf "\nintroduced:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'net range starting broken' '
	setup &&
	run_ma 0 diff HEAD~1 --net &&
	{
		echo "commit $(git rev-parse HEAD)" &&
		printf "Author: A U Thor <author@example.org>\nDate:   2025-01-01T12:00:00Z\n\n    repair\n\n" &&
		echo "data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.80 -> 0.81" &&
		echo "data/models.yaml:13: changed score acme-7b MMLU (5-shot): date 2024-07-01 -> 2024-08-01" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'working tree broken against HEAD' '
	setup &&
	broken 0.81 0.50 >data/models.yaml &&
	run_ma 1 diff &&
	{
		printf "working tree against %s\n\n" "$(git rev-parse HEAD)" &&
		printf "introduced:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'working tree repairs broken HEAD' '
	setup &&
	git reset -q --hard HEAD~1 &&
	registry 0.80 0.60 2024-07-01 2024-08-01 >data/models.yaml &&
	run_ma 0 diff &&
	{
		printf "working tree against %s\n\n" "$(git rev-parse HEAD)" &&
		echo "data/models.yaml:16: changed score acme-7b GSM8K: score 0.50 -> 0.60" &&
		echo "data/models.yaml:17: changed score acme-7b GSM8K: date 2024-07-01 -> 2024-08-01" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'staged broken file against HEAD' '
	setup &&
	broken 0.81 0.50 >data/models.yaml && git add data/models.yaml &&
	registry 0.81 0.50 >data/models.yaml &&
	run_ma 1 diff --staged &&
	{
		printf "index against %s\n\n" "$(git rev-parse HEAD)" &&
		printf "introduced:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'blame skips the broken commit' '
	setup &&
	run_ma 0 blame acme-7b &&
	one=$(git rev-parse --short=10 HEAD~2) &&
	repair=$(git rev-parse --short=10 HEAD) &&
	repaired_trail "$one" "$repair" >expected &&
	test_cmp expected out
'

test_expect_success 'blame at a broken HEAD uses the last version that loaded' '
	setup &&
	broken 0.82 0.50 2024-08-01 >data/models.yaml && git commit -qam "break again" &&
	run_ma 0 blame acme-7b &&
	one=$(git rev-parse --short=10 HEAD~3) &&
	repair=$(git rev-parse --short=10 HEAD~1) &&
	repaired_trail "$one" "$repair" >expected &&
	test_cmp expected out &&
	echo "modelaudit: warning: data/models.yaml does not load at HEAD (data/models.yaml:20:1: ${SYNTAX#*error: }): model '\''acme-7b'\'' is shown as in the last version of its file that loaded" >expected &&
	test_cmp expected err
'

test_expect_success 'blame of a model missing at a broken HEAD names the file' '
	setup &&
	broken 0.82 0.50 2024-08-01 | sed s/acme-7b/acme-8b/ >data/models.yaml &&
	git commit -qam "break and rename" &&
	run_ma 4 blame acme-8b &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: model '\''acme-8b'\'' not found in the registry at HEAD: data/models.yaml does not load at HEAD (data/models.yaml:20:1: ${SYNTAX#*error: })" >expected &&
	test_cmp expected err
'

test_expect_success 'blame follows rename made in repair' '
	setup &&
	broken 0.81 0.50 2024-08-01 >data/models.yaml && git commit -qam "break again" &&
	registry 0.81 0.50 2024-08-01 | sed s/acme-7b/acme-7b-v2/ >data/models.yaml &&
	git commit -qam rename &&
	run_ma 0 blame acme-7b-v2 &&
	one=$(git rev-parse --short=10 HEAD~4) &&
	repair=$(git rev-parse --short=10 HEAD~2) &&
	repaired_trail "$one" "$repair" >expected &&
	test_cmp expected out &&
	run_ma 0 diff HEAD~1 &&
	{
		header HEAD rename &&
		echo "data/models.yaml:2: renamed model acme-7b -> acme-7b-v2" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'emptied file keeps its models' '
	setup &&
	: >data/models.yaml && git commit -qam empty &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD empty &&
		printf "introduced:\n%s\n\n" "data/models.yaml:1:1: error: file holds no YAML document: a registry file needs a \`models\` list [yaml-multiple-documents]"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'invalid UTF-8 keeps the models' '
	setup &&
	registry 0.81 0.50 2024-08-01 | sed "s/Acme 7B/Acme \\xff/" >text &&
	printf "$(cat text)\n" >data/models.yaml && git commit -qam latin1 &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD latin1 &&
		printf "introduced:\n%s\n\n" "data/models.yaml:3:16: error: invalid UTF-8 byte 0xFF [yaml-encoding]"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'broken file raises no suppression-unused' '
	make_repo repo && cd repo && mkdir data &&
	registry 0.80 0.50 | sed "3a\\
    # modelaudit: ignore schema-unknown-field the upstream card spells it so\\
    flavour: base" >data/models.yaml &&
	git add . && git commit -qm one &&
	{ cat data/models.yaml && echo "  - id: [unclosed"; } >broken.yaml &&
	mv broken.yaml data/models.yaml && git commit -qam break &&
	run_ma 0 check data/models.yaml --rev HEAD~1 &&
	test ! -s out &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD break &&
		printf "introduced:\n%s\n\n" "$(echo "$SYNTAX" | sed "s/:20:/:22:/; s/line 19/line 21/")"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'new broken file carries nothing' '
	make_repo repo && cd repo && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.80 0.50 >data/models.yaml && git add . && git commit -qm one &&
	broken 0.70 0.40 | sed s/acme-7b/acme-3b/ >data/other.yaml && git add . && git commit -qm other &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD other &&
		printf "introduced:\n%s\n\n" "$(echo "$SYNTAX" | sed s/models.yaml/other.yaml/)"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'broken file moved reads as new' '
	make_repo repo && cd repo && mkdir data &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	registry 0.80 0.50 >data/models.yaml && git add . && git commit -qm one &&
	broken 0.80 0.50 >data/models.yaml && git commit -qam break &&
	git mv data/models.yaml data/acme.yaml && git commit -qm move &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD move &&
		echo "data/models.yaml:2: removed model acme-7b" &&
		printf "\nintroduced:\n%s\n" "$(echo "$SYNTAX" | sed s/models.yaml/acme.yaml/)" &&
		echo "data/models.yaml:2:5: warning: model acme-7b was removed [model-removed]" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'root commit broken carries nothing' '
	make_repo repo && cd repo && mkdir data &&
	broken 0.80 0.50 >data/models.yaml && git add . && git commit -qm one &&
	registry 0.80 0.50 >data/models.yaml && git commit -qam repair &&
	run_ma 1 diff --root &&
	{
		header HEAD~1 one &&
		printf "introduced:\n%s\n\n" "$SYNTAX" &&
		header HEAD repair &&
		printf "data/models.yaml:2: added model acme-7b\n\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'file deleted while broken removes its models' '
	setup &&
	git reset -q --hard HEAD~1 &&
	git rm -q data/models.yaml && git commit -qm delete &&
	run_ma 0 diff HEAD~1 &&
	{
		header HEAD delete &&
		echo "data/models.yaml:2: removed model acme-7b" &&
		printf "\nintroduced:\n%s\n" "data/models.yaml:2:5: warning: model acme-7b was removed [model-removed]" &&
		printf "\nfixed:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_expect_success 'file deleted and added back broken' '
	setup &&
	git rm -q data/models.yaml && git commit -qm delete &&
	mkdir -p data && broken 0.81 0.50 >data/models.yaml && git add . && git commit -qm "add back" &&
	run_ma 1 diff HEAD~1 &&
	{
		header HEAD "add back" &&
		printf "introduced:\n%s\n\n" "$SYNTAX"
	} >expected &&
	test_cmp expected out
'

test_done
