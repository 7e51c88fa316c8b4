#!/bin/sh
# Runs the modelaudit benchmarks and prints a table of the results.
#
# Every benchmark times a modelaudit command against a baseline that does
# the least work the same task needs, run alternately on the same input,
# and reports the ratio of the medians. See bench/README.md.
#
# Inputs are generated into bench/out/ on the first run and reused; they are
# generated again when the generator changes. Exits 1 when a benchmark
# misses its target and 0 otherwise. A command that is not implemented yet
# is reported as "not available" and does not count as a miss.
#
# The "ratio" column is the ratio of median wall-clock times and decides
# pass or fail. The "cpu" column is the ratio of median user+system CPU
# times, which shows whether a high ratio came from other load on the machine.
#
# Environment: MODELAUDIT (default ./modelaudit), BENCH_QUICK=1 to run only
# the 1,000- and 5,000-model inputs with fewer repetitions.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 4
OUT=bench/out
MODELAUDIT=${MODELAUDIT:-$TOP/modelaudit}
QUICK=${BENCH_QUICK:-0}
export LC_ALL=C
# The user's git configuration (colour, diff options) must not change what
# git log does in the diff baseline.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

mkdir -p "$OUT"
results=$OUT/results.txt
: > "$results"
missed=0

note() {
	printf '%s\n' "$*" >&2
}

# GNU time reports the peak RSS; bench/measure falls back to wait4() when
# it is missing, so failing to install it is not an error.
install_gnu_time() {
	[ -x /usr/bin/time ] && return
	command -v apt-get >/dev/null 2>&1 || return
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || return
		sudo="sudo -n"
	fi
	note "installing GNU time (Debian package time) to measure peak RSS"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh system may have no package lists yet: update them and retry.
	$sudo apt-get install -y -qq --no-install-recommends time >/dev/null 2>&1 ||
		{ $sudo apt-get update -qq >/dev/null 2>&1 &&
		  $sudo apt-get install -y -qq --no-install-recommends time >/dev/null 2>&1; } ||
		note "failed to install GNU time; peak RSS comes from wait4()"
}

# needs_update TARGET SOURCE...: true when TARGET is missing or older than a SOURCE.
needs_update() {
	target=$1
	shift
	[ -e "$target" ] || return 0
	for source in "$@"; do
		[ "$source" -nt "$target" ] && return 0
	done
	return 1
}

build_baseline() {
	if needs_update "$OUT/yaml-parse" bench/yaml-parse.c; then
		# shellcheck disable=SC2046
		${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -O2 $(pkg-config --cflags yaml-0.1) \
			-o "$OUT/yaml-parse" bench/yaml-parse.c $(pkg-config --libs yaml-0.1) || exit 4
	fi
}

# generate_registry N: OUT/registry-N.yaml (one file) and OUT/registry-N/ (a file per model).
generate_registry() {
	n=$1
	if needs_update "$OUT/registry-$n.yaml" bench/gen-registry; then
		note "generating a registry of $n models in one file"
		python3 bench/gen-registry --models "$n" "$OUT/registry-$n.yaml.tmp" &&
			mv "$OUT/registry-$n.yaml.tmp" "$OUT/registry-$n.yaml" || exit 4
	fi
	if needs_update "$OUT/registry-$n/.complete" bench/gen-registry; then
		note "generating a registry of $n models as a directory"
		rm -rf "$OUT/registry-$n" "$OUT/registry-$n.tmp"
		python3 bench/gen-registry --models "$n" --layout dir "$OUT/registry-$n.tmp" &&
			mv "$OUT/registry-$n.tmp" "$OUT/registry-$n" &&
			: > "$OUT/registry-$n/.complete" || exit 4
	fi
}

generate_history() {
	if needs_update "$OUT/history-5000/.git/HEAD" bench/gen-history bench/gen-registry; then
		note "generating a history of 120 commits on a 5,000-model registry"
		rm -rf "$OUT/history-5000" "$OUT/history-5000.tmp"
		python3 bench/gen-history --models 5000 --commits 120 "$OUT/history-5000" || exit 4
	fi
	bundle=tests/fixtures/llm-stats-history.bundle
	if needs_update "$OUT/llm-stats-history/.git/HEAD" "$bundle"; then
		rm -rf "$OUT/llm-stats-history"
		git clone -q "$bundle" "$OUT/llm-stats-history" || exit 4
	fi
	# Every distinct version of a model file in that history, one file
	# each, for the row that shows what libyaml alone costs there.
	if needs_update "$OUT/llm-stats-versions/.complete" "$bundle"; then
		note "writing out the model file versions of the llm-stats history"
		rm -rf "$OUT/llm-stats-versions"
		mkdir -p "$OUT/llm-stats-versions" || exit 4
		git -C "$OUT/llm-stats-history" rev-list --objects --all |
			awk '$2 ~ /^data\/.*\.yaml$/ { print $1 }' | sort -u |
			while read -r blob; do
				git -C "$OUT/llm-stats-history" cat-file blob "$blob" \
					> "$OUT/llm-stats-versions/$blob.yaml" || exit 4
			done || exit 4
		: > "$OUT/llm-stats-versions/.complete"
	fi
}

# A commit that relabels the variants of 20,000 scores of one benchmark,
# for the rows that would show score pairing going quadratic again.
generate_relabel() {
	if needs_update "$OUT/relabel-20000/.git/HEAD" bench/gen-relabel; then
		note "generating a commit that relabels 20,000 scores of one benchmark"
		rm -rf "$OUT/relabel-20000" "$OUT/relabel-20000.tmp"
		python3 bench/gen-relabel --scores 20000 "$OUT/relabel-20000.tmp" &&
			mv "$OUT/relabel-20000.tmp" "$OUT/relabel-20000" || exit 4
	fi
}

# record NAME TARGET_RATIO TARGET_RSS_KB MEASURE_OUTPUT
#
# Appends one row to the results. An empty target means the row is
# informational and cannot miss.
record() {
	name=$1 target_ratio=$2 target_rss=$3
	shift 3
	set -f
	# shellcheck disable=SC2086
	set -- $*
	set +f
	case $1 in
	ok)
		verdict=pass
		if [ -n "$target_ratio" ] &&
		   awk -v r="$4" -v t="$target_ratio" 'BEGIN { exit !(r > t) }'; then
			verdict=FAIL
		fi
		if [ -n "$target_rss" ] && [ "$5" -gt "$target_rss" ]; then
			verdict=FAIL
		fi
		[ -z "$target_ratio$target_rss" ] && verdict=-
		[ "$verdict" = FAIL ] && missed=1
		printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$name" "$2" "$3" "$4" "$5" "$6" \
			"$target_ratio" "$target_rss" "$verdict" "$7" >> "$results"
		;;
	unavailable)
		printf '%s||||||%s|%s|%s\n' "$name" "$target_ratio" "$target_rss" "not available" >> "$results"
		;;
	*)
		shift
		missed=1
		printf '%s||||||%s|%s|%s\n' "$name" "$target_ratio" "$target_rss" "FAIL ($*)" >> "$results"
		;;
	esac
}

# bench_check LABEL PATH RUNS TARGET_RATIO TARGET_RSS_KB
bench_check() {
	note "measuring check on $1"
	result=$(python3 bench/measure --runs "$3" --budget 60 --timeout 300 -- \
		"$MODELAUDIT" check "$2" --fail-on never -- "$OUT/yaml-parse" "$2")
	record "check $1" "$4" "$5" "$result"
}

# bench_diff LABEL REPOSITORY RUNS TARGET_RATIO MODELAUDIT_ARGS -- GIT_ARGS
bench_diff() {
	label=$1 repository=$2 runs=$3 target=$4
	shift 4
	note "measuring diff on $label"
	result=$(python3 bench/measure --runs "$runs" --budget 120 --timeout 300 \
		--status 0,1 --cwd "$repository" -- "$MODELAUDIT" "$@")
	record "diff $label" "$target" "" "$result"
}

print_table() {
	awk -F'|' '
	function seconds(s) { return s == "" ? "-" : sprintf("%.3f s", s) }
	function mib(k) { return k == "" ? "-" : sprintf("%.1f MiB", k / 1024) }
	BEGIN {
		format = "%-32s %9s %9s %6s %6s  %-28s %9s  %s\n"
		printf format, "benchmark", "median", "baseline", "ratio", "cpu", "target", "peak RSS", "result"
	}
	{
		target = ""
		if ($7 != "") target = "ratio <= " $7
		if ($8 != "") target = target (target == "" ? "" : ", ") "RSS <= " $8 / 1024 " MiB"
		if (target == "") target = "-"
		ratio = $4 == "" ? "-" : sprintf("%.2f", $4)
		cpu = $10 == "" ? "-" : sprintf("%.2f", $10)
		runs = $6 == "" ? "" : " (" $6 " runs)"
		printf format, $1, seconds($2), seconds($3), ratio, cpu, target, mib($5), $9 runs
	}' "$results"
}

install_gnu_time
build_baseline
sizes="1000 5000 20000"
[ "$QUICK" = 1 ] && sizes="1000 5000"
for n in $sizes; do
	generate_registry "$n"
done
generate_history
generate_relabel

# The target applies to the 5,000-model file; the other sizes show how the
# ratio scales. Large inputs get fewer repetitions to keep the run short.
bench_check "1,000 models, file" "$OUT/registry-1000.yaml" 11 "" ""
bench_check "1,000 models, directory" "$OUT/registry-1000" 11 "" ""
bench_check "5,000 models, file" "$OUT/registry-5000.yaml" 7 1.5 65536
bench_check "5,000 models, directory" "$OUT/registry-5000" 7 "" ""
if [ "$QUICK" != 1 ]; then
	bench_check "20,000 models, file" "$OUT/registry-20000.yaml" 3 "" ""
	bench_check "20,000 models, directory" "$OUT/registry-20000" 3 "" ""
fi

bench_diff "HEAD~100, 5,000 models" "$OUT/history-5000" 3 1.0 \
	diff HEAD~100 --format json -- git log -p HEAD~100..HEAD
bench_diff "--root, llm-stats history" "$OUT/llm-stats-history" 9 1.0 \
	diff --root -- git log -p --root
bench_diff "--root, llm-stats, JSON" "$OUT/llm-stats-history" 9 "" \
	diff --root --format json -- git log -p --root
bench_diff "HEAD~1, 20,000 relabelled" "$OUT/relabel-20000" 5 10 \
	diff HEAD~1 -- git log -p HEAD~1..HEAD
note "measuring blame on 20,000 relabelled scores"
result=$(python3 bench/measure --runs 5 --budget 60 --timeout 300 \
	--cwd "$OUT/relabel-20000" -- "$MODELAUDIT" blame relabelled-7b \
	-- git log -p HEAD~1..HEAD)
record "blame, 20,000 relabelled" "" "" "$result"

# Not a modelaudit command: libyaml's event parser over every distinct
# version of a model file in the llm-stats history, against the same
# baseline. Any diff that reads each version as YAML costs at least this.
note "measuring libyaml alone on the llm-stats versions"
result=$(python3 bench/measure --runs 9 --budget 120 --timeout 300 \
	--cwd "$OUT/llm-stats-history" -- "$PWD/$OUT/yaml-parse" "$PWD/$OUT/llm-stats-versions" \
	-- git log -p --root)
record "libyaml alone, llm-stats" "" "" "$result"

print_table

# The links benchmark is its own script; it prints one result line.
if [ -f bench/links.sh ]; then
	note "running bench/links.sh"
	links_status=0
	links_output=$(sh bench/links.sh "$MODELAUDIT" 2>"$OUT/links.err") || links_status=$?
	if [ "$links_status" = 0 ]; then
		printf '%s\n' "$links_output"
	elif grep -q 'is not implemented yet' "$OUT/links.err"; then
		echo "links: not available"
	else
		printf '%s\n' "$links_output"
		echo "links: FAIL (bench/links.sh exited $links_status: $(head -n 1 "$OUT/links.err"))"
		missed=1
	fi
fi

exit "$missed"
