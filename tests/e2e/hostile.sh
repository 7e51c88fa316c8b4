#!/bin/sh
# Hostile registries: each is handled in bounded time and memory with a
# finding (exit 1) or an operational error (exit 4), never a crash or a
# hang. Deep nesting, long lines, NUL bytes and invalid encodings are in
# check-loader.sh; this file adds size, random input, overflowing values,
# conflict markers and terminal escape sequences in every output format.
#
# Under VALGRIND=1 the largest inputs shrink (valgrind runs code about 30
# times slower) and memory is not measured; under SANITIZE=1 the memory
# limits triple, for AddressSanitizer's shadow memory and quarantine.
. "$(dirname "$0")/../lib.sh"

MODELS=300000
LINE_MB=50
RANDOM_FILES=20
RENAMED=50000
SCORES=2000
MEMORY_FACTOR=1
if [ "${VALGRIND:-0}" = 1 ]; then
	MODELS=5000
	LINE_MB=5
	RANDOM_FILES=4
	RENAMED=500
	SCORES=200
fi
[ "${SANITIZE:-0}" = 1 ] && MEMORY_FACTOR=3
export MODELS LINE_MB RANDOM_FILES RENAMED SCORES MEMORY_FACTOR

# bounded SECONDS MAX_MIB ARGS...: runs modelaudit ARGS, killed after
# SECONDS; fails when it took longer or its peak resident memory passed
# MAX_MIB (times MEMORY_FACTOR). Output goes to out and err, the exit
# status to `status`.
bounded() {
	seconds=$1
	max_kib=$(($2 * 1024 * MEMORY_FACTOR))
	shift 2
	status=0
	timeout -s KILL "$seconds" /usr/bin/time -f %M -o rss \
		"$MODELAUDIT" "$@" >out 2>err || status=$?
	if [ "$status" = 137 ] || [ "$status" = 124 ]; then
		echo "modelaudit $1 did not finish within $seconds seconds" >&2
		return 1
	fi
	if [ "${VALGRIND:-0}" != 1 ] && [ "$(tail -1 rss)" -gt "$max_kib" ]; then
		echo "modelaudit $1 used $(tail -1 rss) KiB, more than $max_kib KiB" >&2
		return 1
	fi
}

# expect_status STATUS...: the exit status of the last bounded run is one of them.
expect_status() {
	for s in "$@"; do
		[ "$status" = "$s" ] && return 0
	done
	echo "modelaudit exited $status, expected one of: $*" >&2
	head -c 2000 err >&2
	return 1
}

# no_control_bytes FILE...: no C0 control (but tab and newline), DEL or C1 control.
no_control_bytes() {
	if LC_ALL=C grep -n "$(printf '[\001-\010\013-\037\177]')" "$@" >&2 ||
	   LC_ALL=C grep -n "$(printf '\302[\200-\237]')" "$@" >&2; then
		echo "raw control characters in $*" >&2
		return 1
	fi
}

test_expect_success '300,000 models in bounded time and memory' '
	python3 - "$MODELS" >models.yaml <<-\EOT &&
	import sys
	n = int(sys.argv[1])
	out = sys.stdout
	out.write("models:\n")
	for i in range(n):
	    out.write(f"  - id: m{i}\n    name: M{i}\n    organization: O\n"
	              f"    released: 2024-01-01\n"
	              f"    sources: [{{id: card, url: \"https://arxiv.org/abs/{i}\"}}]\n"
	              f"    benchmarks: [{{benchmark: MMLU, score: 50.{i % 10}, source: card}}]\n")
	EOT
	bounded 300 2048 check models.yaml &&
	expect_status 1 &&
	test "$(grep -c "error: score of MMLU has no publication date \[score-missing-date\]$" out)" = "$MODELS" &&
	test "$(wc -l <out)" = "$MODELS" &&
	echo "$MODELS errors, 0 warnings, 0 notes in 1 file ($MODELS models, $MODELS scores)" >expected &&
	test_cmp expected err
'

test_expect_success '50 MB line in bounded time and memory' '
	{ printf "models:\n  - id: a\n    name: "; head -c $((LINE_MB * 1024 * 1024)) /dev/zero | tr "\\000" "a"; printf "\n"; } >f.yaml &&
	bounded 120 256 check --quiet f.yaml &&
	expect_status 1 &&
	echo "f.yaml:3:1: error: line is longer than 1048576 bytes [yaml-syntax]" >expected &&
	test_cmp expected out
'

test_expect_success '50 MB line through --show-source and JSON' '
	{ printf "models:\n  - id: a\n    name: "; head -c $((LINE_MB * 1024 * 1024)) /dev/zero | tr "\\000" "a"; printf "\n"; } >f.yaml &&
	bounded 120 512 check --quiet --show-source f.yaml &&
	expect_status 1 &&
	test "$(wc -c <out)" -lt 4096 &&
	bounded 120 256 check --quiet --format json f.yaml &&
	expect_status 1 &&
	grep -F "\"message\": \"line is longer than 1048576 bytes\"" out
'

test_expect_success 'random bytes yield one finding each' '
	i=0 &&
	while [ $i -lt $RANDOM_FILES ]; do
		python3 -c "import random, sys; sys.stdout.buffer.write(random.Random($i).randbytes(65536))" >r.yaml &&
		bounded 30 64 check --quiet r.yaml &&
		expect_status 1 &&
		test "$(wc -l <out)" = 1 &&
		grep -E "^r\.yaml:[0-9]+:[0-9]+: error: .* \[yaml-(encoding|syntax)\]$" out &&
		test_cmp /dev/null err &&
		i=$((i + 1))
	done
'

test_expect_success 'random YAML-like text never crashes' '
	i=0 &&
	while [ $i -lt $RANDOM_FILES ]; do
		python3 - $i >r.yaml <<-\EOT &&
		import random, sys
		rng = random.Random(int(sys.argv[1]))
		words = ["models:", "\n", "\n  ", "\n    ", "- ", "id: ", "name: ", "score: ",
		         "benchmarks:", "sources:", "specs:", "{", "}", "[", "]", ", ", ": ",
		         "\"", "'"'"'", "#", "&a ", "*a", "!!str ", "|\n", ">-\n", "---\n",
		         "2024-01-01", "1e999", "99999999999999999999", "-", "~", "null",
		         "https://arxiv.org/abs/1", "\\\\e[31m", "\t", "? ", "%YAML 1.1\n"]
		sys.stdout.write("".join(rng.choice(words) for _ in range(4000)))
		EOT
		bounded 30 64 check --quiet r.yaml &&
		expect_status 0 1 &&
		test_cmp /dev/null err &&
		i=$((i + 1))
	done
'

test_expect_success 'counts and dates that overflow are findings' '
	n400=$(printf "%0400d" 0 | tr 0 9) &&
	n200=$(printf "%0200d" 0 | tr 0 9) &&
	cat >f.yaml <<-EOT &&
	models:
	  - id: big
	    name: Big
	    organization: O
	    released: 18446744073709551616-01-01
	    sources: [{id: card, url: "https://arxiv.org/abs/1", published: 9999999999999999999-12-31}]
	    specs:
	      total_params: ${n400}T
	      context_window: ${n400}K
	    benchmarks:
	      - {benchmark: MMLU, score: 1e400, date: 2024-02-30, source: card}
	      - {benchmark: MMLU, variant: x, score: ${n400}.5, date: 0000-00-00, source: card}
	      - {benchmark: GSM8K, score: -99999999999999999999999999999, date: 2024-01-01T99:99:99Z, source: card}
	EOT
	bounded 30 64 check --quiet f.yaml &&
	expect_status 1 &&
	cat >expected <<-EOT &&
	f.yaml:5:15: error: the released date is '"'"'18446744073709551616-01-01'"'"', not a date of the form YYYY-MM-DD [date-invalid]
	f.yaml:6:69: error: the published date of source '"'"'card'"'"' is '"'"'9999999999999999999-12-31'"'"', not a date of the form YYYY-MM-DD [date-invalid]
	f.yaml:8:21: error: '"'"'total_params'"'"' is '"'"'${n200}...'"'"', not a count such as 405B, 15T or 1.5T [schema-type]
	f.yaml:9:23: error: '"'"'context_window'"'"' is '"'"'${n200}...'"'"', not a token count such as 131072 or 128K [schema-type]
	f.yaml:11:34: error: score '"'"'1e400'"'"' of MMLU is not a plain decimal: write the number as published, such as 87.3 [score-not-numeric]
	f.yaml:11:47: error: the date of the MMLU score is '"'"'2024-02-30'"'"', a day that does not exist in the calendar [date-invalid]
	f.yaml:12:46: error: score ${n400}.5 of MMLU (x) is outside the range of MMLU, 0 to 100: check the value and the benchmark name [score-out-of-range]
	f.yaml:12:456: error: the date of the MMLU (x) score is '"'"'0000-00-00'"'"', a day that does not exist in the calendar [date-invalid]
	f.yaml:13:35: error: score -99999999999999999999999999999 of GSM8K is outside the range of GSM8K, 0 to 100: check the value and the benchmark name [score-out-of-range]
	f.yaml:13:73: error: the date of the GSM8K score is '"'"'2024-01-01T99:99:99Z'"'"', not a date of the form YYYY-MM-DD [date-invalid]
	EOT
	test_cmp expected out
'

test_expect_success 'git conflict markers are a syntax error' '
	cat >f.yaml <<-\EOT &&
	models:
	  - id: a
	    name: A
	<<<<<<< HEAD
	    organization: O
	=======
	    organization: P
	>>>>>>> feature
	EOT
	bounded 30 64 check --quiet f.yaml &&
	expect_status 1 &&
	echo "f.yaml:5:17: error: invalid YAML: could not find expected '"'"':'"'"' (while scanning a simple key, which starts at line 4, column 1) [yaml-syntax]" >expected &&
	test_cmp expected out
'

test_expect_success 'conflict markers anywhere in the file' '
	printf "<<<<<<< HEAD\nmodels: []\n=======\nmodels: [x]\n>>>>>>> b\n" >top.yaml &&
	printf "models:\n  - id: a\n<<<<<<< ours\n  - id: b\n||||||| base\n=======\n  - id: c\n>>>>>>> theirs\n" >list.yaml &&
	for f in top.yaml list.yaml; do
		bounded 30 64 check --quiet $f &&
		expect_status 1 &&
		test "$(wc -l <out)" = 1 &&
		grep -E "^$f:[0-9]+:[0-9]+: error: invalid YAML: .*\[yaml-syntax\]$" out || return 1
	done
'

# write_models PREFIX HOST N: N models with ids PREFIX0.., each citing its
# own URL on HOST.
write_models() {
	python3 - "$@" <<-\EOT
	import sys
	prefix, host, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
	out = sys.stdout
	out.write("models:\n")
	for i in range(n):
	    out.write(f"  - id: {prefix}{i}\n    name: M{i}\n    organization: O\n"
	              f"    released: 2024-01-01\n"
	              f"    sources: [{{id: card, url: \"https://{host}/abs/{i}\"}}]\n"
	              f"    benchmarks: [{{benchmark: MMLU, score: 50.{i % 10}, date: 2024-01-02, source: card}}]\n")
	EOT
}

test_expect_success 'diff of every model renamed in bounded time' '
	make_repo repo &&
	mkdir repo/data &&
	write_models a arxiv.org $RENAMED >repo/data/models.yaml &&
	git -C repo add . &&
	git -C repo commit -q -m one &&
	write_models b arxiv.org $RENAMED >repo/data/models.yaml &&
	git -C repo commit -q -a -m rename &&
	cd repo &&
	bounded 120 1024 diff --format json HEAD~1 &&
	expect_status 0 &&
	test "$(grep -c "\"op\": \"renamed\"" out)" = $RENAMED
'

test_expect_success 'diff of every model replaced in bounded time' '
	make_repo repo &&
	mkdir repo/data &&
	write_models a arxiv.org $RENAMED >repo/data/models.yaml &&
	git -C repo add . &&
	git -C repo commit -q -m one &&
	write_models b openreview.net $RENAMED >repo/data/models.yaml &&
	git -C repo commit -q -a -m replace &&
	cd repo &&
	bounded 120 1024 diff --format json HEAD~1 &&
	expect_status 0 1 &&
	test "$(grep -c "\"op\": \"added\"" out)" = $RENAMED &&
	test "$(grep -c "\"op\": \"removed\"" out)" = $RENAMED
'

test_expect_success 'diff of a model with every score replaced' '
	make_repo repo &&
	mkdir repo/data &&
	for side in v w; do
		python3 - $side $SCORES >repo/data/models.yaml <<-\EOT &&
		import sys
		v, n = sys.argv[1], int(sys.argv[2])
		out = sys.stdout
		out.write("models:\n  - id: a\n    name: A\n    organization: O\n    released: 2024-01-01\n"
		          "    sources: [{id: card, url: \"https://arxiv.org/abs/1\"}]\n    benchmarks:\n")
		for i in range(n):
		    out.write(f"      - {{benchmark: MMLU, variant: {v}{i}, score: 50, date: 2024-01-02,"
		              f" source: \"https://{v}.org/{i}\"}}\n")
		EOT
		git -C repo add . &&
		git -C repo commit -q -m $side || return 1
	done &&
	cd repo &&
	bounded 120 256 diff --format json HEAD~1 &&
	expect_status 0 1 &&
	test "$(grep -c "\"op\": \"added\"" out)" = $SCORES
'

# A registry whose names and values carry escape sequences that would set
# the terminal title (OSC), clear the screen, blink, switch to the
# alternate screen or start a hyperlink, in C0 and C1 (U+009B) forms.
write_escapes() {
	cat >"$1" <<-\EOT
	models:
	  - id: "evil\e]0;title\a-7b"
	    name: "Evil\r\b\x9b31m"
	    organization: "\e[2J"
	    released: 2024-01-01
	    sources:
	      - {id: "card\e[5m", url: "http://127.0.0.1:9/card", title: "\e]8;;http://x\a"}
	    specs:
	      license: "MIT\e[0m"
	    benchmarks:
	      - {benchmark: "MM\e[31mLU", variant: "5\x07shot", score: 70, date: 2024-01-01, source: "card\e[5m", notes: "\e[?1049h"}
	      - {benchmark: MMLU, score: 71, date: "2024-13-01\e[0m", source: "http://127.0.0.1:9/\e[1m"}
	    "\e[31mred": 1
	EOT
}

test_expect_success 'escape sequences escaped in every check format' '
	write_escapes f.yaml &&
	for format in text json sarif github junit; do
		bounded 30 64 check --color never --show-source --format $format f.yaml &&
		expect_status 1 &&
		no_control_bytes out err || return 1
	done &&
	bounded 30 64 check --color never f.yaml &&
	grep -F "f.yaml:11:21: warning: unknown benchmark '"'"'MM\\x1B[31mLU'"'"'" out
'

test_expect_success 'raw escape byte in the file shown escaped' '
	printf "models:\n  - id: a\n    name: \"x\\033[31my\"\n" >f.yaml &&
	bounded 30 64 check --color never --show-source f.yaml &&
	expect_status 1 &&
	no_control_bytes out err &&
	grep -F "name: \"x\\x1B[31my\"" out
'

test_expect_success 'escape sequences escaped in diff and blame' '
	make_repo repo &&
	mkdir repo/data &&
	printf "models:\n  - id: a\n    name: A\n    organization: O\n    released: 2024-01-01\n" >repo/data/models.yaml &&
	git -C repo add . &&
	git -C repo commit -q -m init &&
	write_escapes repo/data/models.yaml &&
	git -C repo add . &&
	GIT_AUTHOR_NAME="$(printf "Ev\\033[31mil")" GIT_AUTHOR_EMAIL="$(printf "e\\033]0;x\\007@x")" \
		git -C repo commit -q -m "$(printf "subject \\033[2J\\033]0;t\\007 \\302\\233")" &&
	cd repo &&
	for format in text json markdown; do
		bounded 60 128 diff --color never --format $format HEAD~1 &&
		expect_status 1 &&
		no_control_bytes out err || return 1
	done &&
	bounded 60 128 diff --color never HEAD~1 &&
	grep -F "Ev\\x1B[31mil <e\\x1B]0;x\\x07@x>" out &&
	bounded 60 128 blame --color never "$(printf "evil\\033]0;title\\007-7b")" &&
	expect_status 0 1 4 &&
	no_control_bytes out err
'

test_expect_success 'escape sequences escaped in links reports' '
	write_escapes f.yaml &&
	for format in text json markdown; do
		bounded 60 128 links --color never --database :memory: --timeout 2 --retries 0 \
			--format $format f.yaml &&
		expect_status 0 1 &&
		no_control_bytes out err || return 1
	done &&
	bounded 60 128 links --color never --database :memory: --timeout 2 --retries 0 f.yaml &&
	grep -F "f.yaml:7:32: evil\\x1B]0;title\\x07-7b" out
'

test_done
