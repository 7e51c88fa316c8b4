#!/bin/sh
# A large registry file is parsed in parts on several threads. Whatever the
# file holds, the findings, their order and the exit status must be those of
# one parse. MODELAUDIT_THREADS cuts even small files, so these tests cut
# the shipped registry of fifteen models into two to fifteen parts.
. "$(dirname "$0")/../lib.sh"

DATA=$TOP/data/models.yaml

# same_as_one_thread FILE [ARGS...]: check FILE on one thread and on 2, 3, 4
# and 15; text and JSON output and status must not differ.
same_as_one_thread() {
	file=$1
	shift
	for format in json text; do
		status=0
		MODELAUDIT_THREADS=1 "$MODELAUDIT" check --format $format "$@" "$file" \
			>one.out 2>one.err || status=$?
		for threads in 2 3 4 15; do
			parts_status=0
			MODELAUDIT_THREADS=$threads "$MODELAUDIT" check --format $format "$@" "$file" \
				>parts.out 2>parts.err || parts_status=$?
			if [ "$status" != "$parts_status" ]; then
				echo "$threads threads exited $parts_status, one thread $status" >&2
				return 1
			fi
			test_cmp one.out parts.out && test_cmp one.err parts.err || return 1
		done
	done
	printf '%s\n' "$status" >status
}

# models_with LINE_NUMBER TEXT: the shipped registry with TEXT put before
# line LINE_NUMBER (awk keeps every other line as it is).
models_with() {
	awk -v at="$1" -v text="$2" 'NR == at { print text } { print }' "$DATA"
}

# The first line of the Nth model (1-based) in the shipped registry.
model_line() {
	grep -n '^  - id:' "$DATA" | sed -n "$1p" | cut -d: -f1
}

test_expect_success 'shipped registry is clean on several threads' '
	MODELAUDIT_THREADS=4 run_ma 0 check "$DATA" &&
	tail -1 err >summary &&
	echo "0 errors, 0 warnings, 0 notes in 1 file (15 models, 53 scores)" >expected &&
	test_cmp expected summary &&
	same_as_one_thread "$DATA"
'

test_expect_success 'findings in every part come out in file order' '
	sed -e "s/^        date: 2024-07-23$/        date: 2031-01-01/" \
	    -e "s/^    family: qwen2.5$/    family: qwen 2.5/" "$DATA" >f.yaml &&
	same_as_one_thread f.yaml &&
	test "$(cat status)" = 1 &&
	MODELAUDIT_THREADS=4 run_ma 1 check --quiet f.yaml &&
	cut -d: -f1-2 out >places &&
	sort -t: -k2,2n places >sorted &&
	test_cmp sorted places
'

test_expect_success 'duplicate id across parts is found' '
	last=$(model_line 15) &&
	sed "${last}s/  - id: .*/  - id: llama-3.1-8b/" "$DATA" >f.yaml &&
	MODELAUDIT_THREADS=2 run_ma 1 check --quiet f.yaml &&
	grep -F "f.yaml:$last:9: error: model id '"'"'llama-3.1-8b'"'"' is already used on line 7: give each model its own id [model-duplicate-id]" out &&
	same_as_one_thread f.yaml
'

test_expect_success 'syntax error in a later part stops the file' '
	line=$(model_line 12) &&
	models_with "$((line + 1))" "    title: [unclosed" >f.yaml &&
	same_as_one_thread f.yaml &&
	MODELAUDIT_THREADS=4 run_ma 1 check --quiet f.yaml &&
	echo "f.yaml:$((line + 2)):9: error: invalid YAML: did not find expected '"'"','"'"' or '"'"']'"'"' (while parsing a flow sequence, which starts at line $((line + 1)), column 12) [yaml-syntax]" >expected &&
	test_cmp expected out
'

test_expect_success 'duplicate key in a later part names both places' '
	line=$(model_line 9) &&
	models_with "$((line + 1))" "    id: again" >f.yaml &&
	same_as_one_thread f.yaml &&
	grep "\[yaml-duplicate-key\]$" parts.out
'

test_expect_success 'invalid UTF-8 in a later part' '
	line=$(model_line 14) &&
	models_with "$((line + 1))" "$(printf "    notes: caf\\351")" >f.yaml &&
	same_as_one_thread f.yaml &&
	grep "\[yaml-encoding\]$" parts.out
'

test_expect_success 'alias in a later part' '
	line=$(model_line 10) &&
	models_with "$((line + 1))" "    notes: *x" >f.yaml &&
	same_as_one_thread f.yaml &&
	grep "\[yaml-alias\]$" parts.out
'

test_expect_success 'unknown top-level key after the models' '
	{ cat "$DATA" && printf "extra:\n  - id: x\n"; } >f.yaml &&
	same_as_one_thread f.yaml &&
	grep "unknown top-level key" parts.out
'

test_expect_success 'second document after the models' '
	{ cat "$DATA" && printf -- "---\nmodels: []\n"; } >f.yaml &&
	same_as_one_thread f.yaml &&
	grep "\[yaml-multiple-documents\]$" parts.out
'

test_expect_success 'comments between models and CRLF line ends' '
	models_with "$(model_line 6)" "# a comment at the left margin" |
		sed "s/\$/$(printf "\r")/" >f.yaml &&
	same_as_one_thread f.yaml &&
	test "$(cat status)" = 0
'

# split_models DIR: the shipped registry as one file per model in DIR.
split_models() {
	mkdir -p "$1" &&
	awk -v dir="$1" '
		/^  - id:/ { n++; file = sprintf("%s/m%02d.yaml", dir, n); print "models:" >file }
		n { print >file }
	' "$DATA"
}

test_expect_success 'directory of files is parsed in runs of files' '
	split_models reg &&
	sed -i "s/^        date: 2024-07-23$/        date: 2031-01-01/" reg/m03.yaml &&
	printf "models:\n  - id: [\n" >reg/m09.yaml &&
	: >reg/m12.yaml &&
	sed -i "s/^  - id: .*/  - id: llama-3.1-8b/" reg/m14.yaml &&
	same_as_one_thread reg &&
	test "$(cat status)" = 1 &&
	grep "m03.yaml:.*\[date-in-future\]$" parts.out &&
	grep "m09.yaml:.*\[yaml-syntax\]$" parts.out &&
	grep "m12.yaml:.*\[yaml-multiple-documents\]$" parts.out &&
	grep "m14.yaml:.*\[model-duplicate-id\]$" parts.out
'

test_expect_success 'staged registry is cut the same way' '
	make_repo repo &&
	mkdir -p repo/data &&
	sed "s/^        date: 2024-11-26$/        date: 2031-01-01/" "$DATA" >repo/data/models.yaml &&
	(cd repo && git add data/models.yaml) &&
	cd repo &&
	same_as_one_thread data/models.yaml --staged &&
	test "$(cat status)" = 1
'

test_done
