# Shell library of the end-to-end tests; each tests/e2e/*.sh sources it.
#
#   test_expect_success 'behaviour phrase' '
#           commands joined with && ...
#   '
#   test_done
#
# Each test body runs in a fresh empty directory (the current directory),
# in a subshell with `set -e`. Helpers:
#   run_ma STATUS ARGS...   run ./modelaudit, require exit STATUS, keep
#                           standard output in `out` and standard error in `err`
#   test_cmp EXPECTED ACTUAL
#   make_repo DIR           git init with a fixed identity and dates
#   fixture NAME            path of tests/fixtures/NAME
#   registry_yaml [KEY=VALUE...]
#                           print a one-model registry (see below)
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
MODELAUDIT=${MODELAUDIT:-$TOP/modelaudit}
FIXTURES=$TOP/tests/fixtures
TEST_NAME=$(basename "$0" .sh)
TRASH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/modelaudit-test.XXXXXX")
test_passed=0
test_failed=0
test_number=0

# Tests must not depend on the user's git configuration, the terminal or
# the clock.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
export HOME=$TRASH_ROOT
export GIT_AUTHOR_NAME='A U Thor' GIT_AUTHOR_EMAIL='author@example.org'
export GIT_COMMITTER_NAME='C O Mitter' GIT_COMMITTER_EMAIL='committer@example.org'
export GIT_AUTHOR_DATE='2025-01-01T12:00:00Z' GIT_COMMITTER_DATE='2025-01-01T12:00:00Z'
export MODELAUDIT_TODAY=${MODELAUDIT_TODAY:-2026-01-15}
export LC_ALL=C
unset NO_COLOR
trap 'rm -rf "$TRASH_ROOT"' EXIT

fixture() {
	printf '%s\n' "$FIXTURES/$1"
}

# registry_yaml [KEY=VALUE...]: prints a registry of one model, which is
# by default
#
#   models:
#     - id: acme-7b
#       name: Acme 7B
#       organization: Acme
#       released: 2024-07-01
#       sources:
#         - id: card
#           url: https://acme.org/card
#
# Each KEY=VALUE changes or adds one part:
#   id, name, organization, released, family, base_model
#                   that field of the model; an empty VALUE leaves its line
#                   out, and family and base_model are out unless given
#   url=URL         the URL of source card
#   sources=URLS    the space-separated URLS as sources s1, s2, ... in
#                   place of card
#   spec=LINE       a "key: value" LINE under specs (repeatable)
#   score="BENCHMARK VARIANT VALUE [DATE]"
#                   a score from card under benchmarks (repeatable); a
#                   VARIANT or DATE of "-" leaves that line out, and DATE
#                   is 2024-07-01 unless given
# To write more models into one file, append the output of further calls
# without its first line (`| sed 1d`). The body runs in a subshell, so its
# variables do not touch the caller's.
registry_yaml() (
	id=acme-7b
	name='Acme 7B'
	organization=Acme
	released=2024-07-01
	family=
	base_model=
	url=https://acme.org/card
	sources=
	specs=
	scores=
	for argument in "$@"; do
		value=${argument#*=}
		case $argument in
		id=*) id=$value ;;
		name=*) name=$value ;;
		organization=*) organization=$value ;;
		released=*) released=$value ;;
		family=*) family=$value ;;
		base_model=*) base_model=$value ;;
		url=*) url=$value ;;
		sources=*) sources=$value ;;
		spec=*) specs="$specs$value
" ;;
		score=*) scores="$scores$value
" ;;
		*)
			echo "registry_yaml: invalid argument '$argument': expected KEY=VALUE with a KEY listed in tests/lib.sh" >&2
			exit 1
			;;
		esac
	done

	printf 'models:\n  - id: %s\n' "$id"
	[ -z "$name" ] || printf '    name: %s\n' "$name"
	[ -z "$organization" ] || printf '    organization: %s\n' "$organization"
	[ -z "$released" ] || printf '    released: %s\n' "$released"
	[ -z "$family" ] || printf '    family: %s\n' "$family"
	[ -z "$base_model" ] || printf '    base_model: %s\n' "$base_model"

	printf '    sources:\n'
	if [ -z "$sources" ]; then
		printf '      - id: card\n        url: %s\n' "$url"
	else
		# Split on blanks only: the "?" of a query string is no glob.
		set -f
		n=0
		for source_url in $sources; do
			n=$((n + 1))
			printf '      - id: s%d\n        url: %s\n' "$n" "$source_url"
		done
	fi

	if [ -n "$specs" ]; then
		printf '    specs:\n'
		printf '%s' "$specs" | while IFS= read -r line; do
			printf '      %s\n' "$line"
		done
	fi

	if [ -n "$scores" ]; then
		printf '    benchmarks:\n'
		printf '%s' "$scores" | while read -r benchmark variant value date; do
			printf '      - benchmark: %s\n' "$benchmark"
			[ "$variant" = - ] || printf '        variant: %s\n' "$variant"
			printf '        score: %s\n' "$value"
			date=${date:-2024-07-01}
			[ "$date" = - ] || printf '        date: %s\n' "$date"
			printf '        source: card\n'
		done
	fi
)

run_ma() {
	expected_status=$1
	shift
	status=0
	"$MODELAUDIT" "$@" >out 2>err || status=$?
	if [ "$status" != "$expected_status" ]; then
		echo "modelaudit $* exited $status, expected $expected_status" >&2
		echo "--- stdout" >&2
		head -c 4000 out >&2
		echo "--- stderr" >&2
		head -c 4000 err >&2
		return 1
	fi
}

test_cmp() {
	if ! cmp -s "$1" "$2"; then
		echo "--- $1 differs from $2:" >&2
		diff -u "$1" "$2" | head -60 >&2
		return 1
	fi
}

make_repo() {
	git init -q -b main "$1"
	git -C "$1" config user.name 'A U Thor'
	git -C "$1" config user.email 'author@example.org'
}

# start_httpd SECONDS: starts tests/httpd.py on 127.0.0.1 for at most
# SECONDS, stopped when the script exits, and sets PORT, U (its base URL)
# and HTTPD_LOG (its request log).
start_httpd() {
	HTTPD_LOG=$TRASH_ROOT/httpd.log
	python3 "$TOP/tests/httpd.py" --lifetime "$1" --log "$HTTPD_LOG" \
		>"$TRASH_ROOT/port" 2>"$TRASH_ROOT/httpd.err" &
	HTTPD_PID=$!
	trap 'kill $HTTPD_PID 2>/dev/null; rm -rf "$TRASH_ROOT"' EXIT
	i=0
	while [ ! -s "$TRASH_ROOT/port" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(cat "$TRASH_ROOT/port")
	U=http://127.0.0.1:$PORT
	export PORT U HTTPD_LOG
}

test_expect_success() {
	test_number=$((test_number + 1))
	dir=$TRASH_ROOT/t$test_number
	mkdir -p "$dir"
	if (cd "$dir" && set -e && eval "$2") >"$TRASH_ROOT/log" 2>&1; then
		test_passed=$((test_passed + 1))
		echo "ok $test_number - $TEST_NAME: $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_number - $TEST_NAME: $1"
		sed 's/^/#   /' "$TRASH_ROOT/log" | head -80
	fi
}

test_done() {
	echo "# passed $test_passed failed $test_failed"
	[ "$test_failed" = 0 ]
}
