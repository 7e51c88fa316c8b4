#!/bin/sh
# Runs every unit test program and end-to-end script and ends with the line
# "N passed, N failed". Set TESTS to a pattern to run only matching scripts.
# VALGRIND=1 runs modelaudit under valgrind memcheck: a memory error or a
# definite leak makes it exit 99. Only definite leaks are shown, since an
# exit on an error (status 4) leaves memory that libraries still own,
# such as an open SQLite connection's page cache, reachable only through
# interior pointers ("possibly lost").
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build/plain}
export TOP
cd "$TOP" || exit 1

passed=0
failed=0
failed_names=""
log=$(mktemp)

# Leaks of the libraries that modelaudit cannot free are listed in these
# files, each with its reason.
export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

if [ "${VALGRIND:-0}" = 1 ]; then
	wrapper=$(mktemp)
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --suppressions="%s" "%s" "$@"\n' \
		"$TOP/tests/valgrind.supp" "$TOP/modelaudit" > "$wrapper"
	chmod +x "$wrapper"
	export MODELAUDIT="$wrapper"
fi

count() {
	line=$(grep '^# passed [0-9]* failed [0-9]*$' "$log" | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		failed_names="$failed_names $1"
		echo "not ok - $1 did not finish"
		return
	fi
	p=$(echo "$line" | cut -d' ' -f3)
	f=$(echo "$line" | cut -d' ' -f5)
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" = 0 ] || failed_names="$failed_names $1"
}

for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
	"$t" > "$log" 2>&1
	cat "$log"
	count "$(basename "$t")"
done

for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	case "$t" in *"${TESTS:-}"*) ;; *) continue ;; esac
	sh "$t" > "$log" 2>&1
	cat "$log"
	count "$(basename "$t" .sh)"
done

rm -f "$log"
[ -z "$failed_names" ] || echo "# failing:$failed_names"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
