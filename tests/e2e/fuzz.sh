#!/bin/sh
# The fuzz targets (fuzz/): each replays its corpus in tests/fixtures/fuzz/,
# the seeds and every input that once crashed it, with the build under
# test; when clang built the libFuzzer targets (build/fuzz/), each also
# fuzzes for FUZZ_CHECK_SECONDS (5) seconds. The http target needs a
# network namespace of its own (unshare -rn) and is skipped without one.
. "$(dirname "$0")/../lib.sh"

BUILD_DIR=$TOP/${BUILD:-build/plain}
FUZZ_DIR=$TOP/build/fuzz
CHECK_SECONDS=${FUZZ_CHECK_SECONDS:-5}

has_netns=0
unshare -rn true 2>/dev/null && has_netns=1

# Runs its arguments, in a network namespace of their own for the http target.
run_target() {
	target=$1
	shift
	if [ "$target" = http ]; then
		unshare -rn "$@"
	else
		"$@"
	fi
}

for target in loader semdiff url http; do
	if [ "$target" = http ] && [ "$has_netns" = 0 ]; then
		echo "# skipped fuzz target http: unshare -rn is not available"
		continue
	fi
	test_expect_success "$target corpus replays cleanly" '
		run_target $target timeout 300 "$BUILD_DIR/fuzz/replay_$target" \
			"$FIXTURES/fuzz/$target" >log 2>&1 || { cat log; false; } &&
		grep "inputs run" log
	'
	[ -x "$FUZZ_DIR/fuzz_$target" ] || continue
	test_expect_success "$target survives $CHECK_SECONDS seconds of fuzzing" '
		mkdir corpus &&
		run_target $target timeout $((CHECK_SECONDS + 120)) "$FUZZ_DIR/fuzz_$target" \
			-max_total_time=$CHECK_SECONDS -timeout=20 -rss_limit_mb=2048 \
			-max_len=65536 -artifact_prefix="$FUZZ_DIR/$target-" \
			corpus "$FIXTURES/fuzz/$target" >log 2>&1 ||
		{ grep -E "ERROR|SUMMARY|Test unit written" log; false; }
	'
done

test_done
