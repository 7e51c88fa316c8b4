#!/bin/sh
# Runs each libFuzzer target named after the first argument for that many
# seconds, starting from its corpus in tests/fixtures/fuzz/<target>/, and
# ends with "N passed, N failed". A crashing input is left in build/fuzz/
# as <target>-crash-<sha1> (or -leak-, -timeout-, -oom-): add it to
# tests/fixtures/fuzz/<target>/ so that make check replays it from then on.
#
# Inputs that libFuzzer finds go to build/fuzz/corpus/<target>/, so that
# a later run goes on from where this one stopped. The http target runs in
# a network namespace of its own (unshare -rn) that has only a loopback
# interface, because a reply can redirect the checker to any address.
set -u
seconds=$1
shift
cd "$(dirname "$0")/.." || exit 1

passed=0
failed=0
for target in "$@"; do
	program=build/fuzz/fuzz_$target
	corpus=build/fuzz/corpus/$target
	mkdir -p "$corpus"
	set -- "$program" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/$target-" \
		"$corpus" "tests/fixtures/fuzz/$target"
	if [ "$target" = http ]; then
		set -- unshare -rn "$@"
	fi
	echo "fuzzing $target for $seconds seconds"
	if "$@" >"build/fuzz/$target.log" 2>&1; then
		passed=$((passed + 1))
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$target.log")
		echo "ok - fuzz_$target: ${runs:-?} runs, $(ls "$corpus" | wc -l) inputs in $corpus"
	else
		failed=$((failed + 1))
		echo "not ok - fuzz_$target failed; log: build/fuzz/$target.log"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' \
			"build/fuzz/$target.log" | head -20
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
