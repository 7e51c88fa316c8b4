#!/bin/sh
# Allocation failure: MODELAUDIT_FAIL_ALLOC=N makes the Nth allocation of
# modelaudit's own wrappers (src/alloc.c) fail. For each N from 1 to the
# number of allocations of a small run, the run must exit 4 with exactly
# "modelaudit: error: out of memory" on standard error; under SANITIZE=1
# LeakSanitizer and under VALGRIND=1 memcheck also require that nothing
# leaked. Allocations made inside libyaml, libgit2, libcurl, PCRE2, SQLite
# and jansson are not counted, so their failure paths are not walked.
#
# check is walked at every N. diff and links, and every command under
# valgrind (a run takes about a second there), are walked with a stride
# that keeps each walk near WALK_RUNS runs (150, or 40 under valgrind);
# ALLOC_WALK_STRIDE=1 walks every N of every command.
. "$(dirname "$0")/../lib.sh"

WALK_RUNS=150
CHECK_STRIDE=1
if [ "${VALGRIND:-0}" = 1 ]; then
	WALK_RUNS=40
	CHECK_STRIDE=auto
fi
export WALK_RUNS CHECK_STRIDE
export ASAN_OPTIONS=detect_leaks=1

write_registry() {
	cat >"$1" <<-\EOT
	models:
	  - id: acme-7b
	    name: Acme 7B
	    organization: Acme
	    released: 2024-05-01
	    sources: [{id: card, url: "http://127.0.0.1:9/card", published: 2024-05-01}]
	    specs: {total_params: 7B, context_window: 32K}
	    benchmarks:
	      - {benchmark: MMLU, variant: 5-shot, score: 64.1, date: 2024-05-01, source: card}
	      - {benchmark: GSM8K, score: 170, date: 2024-05-01}
	EOT
}

# count_allocations ARGS...: prints the number of allocations of modelaudit ARGS.
count_allocations() {
	MODELAUDIT_COUNT_ALLOC=1 "$MODELAUDIT" "$@" >/dev/null 2>count.err || true
	sed -n 's/^modelaudit: \([0-9]*\) allocations$/\1/p' count.err
}

# walk STRIDE ARGS...: fails the Nth allocation of modelaudit ARGS for N
# from 1 to the count, STRIDE apart, and checks each run's exit status and
# standard error. Before each run, the command `prepare` (if set) runs.
walk() {
	stride=$1
	shift
	total=$(count_allocations "$@")
	test -n "$total" && test "$total" -gt 0 || {
		echo "no allocation count for modelaudit $*" >&2
		return 1
	}
	[ "$stride" = auto ] && stride=$(( (total + WALK_RUNS - 1) / WALK_RUNS ))
	[ -n "${ALLOC_WALK_STRIDE:-}" ] && stride=$ALLOC_WALK_STRIDE
	echo "modelaudit $*: $total allocations, walked with stride $stride"
	echo "modelaudit: error: out of memory" >expected
	n=1
	failures=0
	while [ $n -le "$total" ]; do
		${prepare:-:}
		status=0
		MODELAUDIT_FAIL_ALLOC=$n "$MODELAUDIT" "$@" >out 2>err || status=$?
		if [ "$status" != 4 ] || ! cmp -s expected err; then
			echo "allocation $n of $total: exit $status, expected 4 and only the message:" >&2
			head -c 3000 err >&2
			failures=$((failures + 1))
			[ $failures -lt 5 ] || return 1
		fi
		n=$((n + stride))
	done
	[ $failures = 0 ]
}

test_expect_success 'check fails cleanly at every allocation' '
	write_registry models.yaml &&
	walk $CHECK_STRIDE check models.yaml
'

test_expect_success 'check --format json fails cleanly' '
	write_registry models.yaml &&
	walk auto check --format json --show-source models.yaml
'

test_expect_success 'diff fails cleanly' '
	make_repo repo &&
	mkdir repo/data &&
	write_registry repo/data/models.yaml &&
	git -C repo add . &&
	git -C repo commit -q -m one &&
	sed "s/score: 64.1/score: 65.0/" repo/data/models.yaml >tmp &&
	mv tmp repo/data/models.yaml &&
	git -C repo commit -q -a -m two &&
	cd repo &&
	walk auto diff --root --format json
'

test_expect_success 'links fails cleanly with a database' '
	write_registry models.yaml &&
	prepare="rm -f links.sqlite links.sqlite-wal links.sqlite-shm" &&
	walk auto links --database links.sqlite --timeout 2 --retries 0 models.yaml
'

test_done
