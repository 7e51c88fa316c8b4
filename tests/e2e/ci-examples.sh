#!/bin/sh
# The files in examples/ and .pre-commit-hooks.yaml run modelaudit commands
# that CI will run unattended: each must be one that modelaudit accepts.
. "$(dirname "$0")/../lib.sh"

# Prints each modelaudit command of the examples, without redirections and
# with its revision-range argument dropped.
example_commands() {
	grep -rhoE "modelaudit (check|diff|links)( +[-a-z][-a-z]*)*" \
		"$TOP/examples" "$TOP/.pre-commit-hooks.yaml" | sort -u
}

test_expect_success 'examples use known options and formats' '
	example_commands >commands &&
	grep -c . commands >count &&
	test "$(cat count)" -ge 6 &&
	make_repo repo &&
	cd repo &&
	printf "models: []\n" >models.yaml &&
	git add models.yaml &&
	git commit -q -m "empty registry" &&
	printf "registry: [models.yaml]\n" >.modelaudit.yaml &&
	while read -r command; do
		set -- $command &&
		shift &&
		if [ "$1" = links ]; then
			run_ma 0 "$@" --help
		else
			run_ma 0 "$@" || { echo "failed: $command" >&2; exit 1; }
		fi
	done <../commands
'

test_expect_success 'examples name formats that exist' '
	grep -rhoE "modelaudit (check|diff|links)[^>|]*--format [a-z]+" "$TOP/examples" |
		sed -E "s/^modelaudit ([a-z]+).*--format ([a-z]+)$/\1 \2/" | sort -u >pairs &&
	test -s pairs &&
	while read -r command format; do
		run_ma 0 $command --format "$format" --help &&
		"$MODELAUDIT" $command --format "$format" --fail-on never --quiet >/dev/null 2>err.out;
		! grep "unknown format" err.out || { echo "$command: unknown format $format" >&2; exit 1; }
	done <pairs
'

test_done
