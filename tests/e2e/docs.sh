#!/bin/sh
# The man pages and the README agree with the program: synopsis, options,
# rule list and the examples of output that can be run here.
. "$(dirname "$0")/../lib.sh"

MAN=$TOP/man/modelaudit.1

test_expect_success 'man synopsis matches help' '
	"$MODELAUDIT" --help | sed -n "s/^    modelaudit //p" | tr -s " " >help.txt &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH/p" "$MAN" | sed -n "s/^\.B modelaudit //p" |
		sed "s/\\\\-/-/g" | tr -s " " >man.txt &&
	test_cmp man.txt help.txt
'

test_expect_success 'man rule list matches rules' '
	"$MODELAUDIT" rules | awk "{ print \$1, \$2 }" >rules.txt &&
	sed -n "/^\.SH RULES/,/^\.SH/p" "$MAN" | awk "
		/^\.B / { id = \$2 }
		/^\(/ { sev = \$1; gsub(/[()]/, \"\", sev); print id, sev }
	" | sed "s/\\\\-/-/g" >man.txt &&
	test_cmp rules.txt man.txt
'

test_expect_success 'man documents every check option' '
	"$MODELAUDIT" check --help | sed -n "s/^    --\([a-z-]*\).*/\1/p" >options.txt &&
	test -s options.txt &&
	while read -r option; do
		escaped=$(printf "%s" "$option" | sed "s/-/\\\\\\\\-/g") &&
		grep -q -- "\\\\-\\\\-$escaped" "$MAN" || { echo "not in man page: --$option"; exit 1; }
	done <options.txt
'

test_expect_success 'command pages document every option' '
	for command in diff blame links install-hook; do
		"$MODELAUDIT" $command --help | sed -n "s/^    --\([a-z-]*\).*/\1/p" >options.txt &&
		test -s options.txt &&
		while read -r option; do
			escaped=$(printf "%s" "$option" | sed "s/-/\\\\\\\\-/g") &&
			grep -q -- "\\\\-\\\\-$escaped" "$TOP/man/modelaudit-$command.1" "$MAN" ||
				{ echo "not in a man page: $command --$option"; exit 1; }
		done <options.txt || exit 1
	done
'

test_expect_success 'every rule has a page' '
	"$MODELAUDIT" rules | awk "{ print \$1 }" >ids.txt &&
	while read -r id; do
		test -f "$TOP/rules/$id.md" || { echo "missing rules/$id.md"; exit 1; }
	done <ids.txt
'

# man_example PAGE REGEX: prints the .EX block of man/PAGE whose first line
# matches the extended regular expression REGEX, with the roff escapes of
# these examples undone.
man_example() {
	sed -e "s/\\\\-/-/g" -e "s/\\\\(aq/'/g" -e "s/\\\\e/\\\\/g" "$TOP/man/$1" |
	FIRST=$2 awk '
		/^\.EX$/ { inside = 1; first = 1; next }
		/^\.EE$/ { inside = 0; shown = 0; next }
		inside && first { first = 0; shown = $0 ~ ENVIRON["FIRST"] }
		shown { print }
	'
}

# readme_example REGEX: prints the ```console block of README.md whose
# first line matches REGEX.
readme_example() {
	FIRST=$1 awk '
		/^```console$/ { inside = 1; first = 1; next }
		/^```$/ { inside = 0; shown = 0; next }
		inside && first { first = 0; shown = $0 ~ ENVIRON["FIRST"] }
		shown { print }
	' "$TOP/README.md"
}

# Prints registry file $1 without the date of its first score, which is
# its first line "        date:" (sources have "published:" instead).
without_first_date() {
	awk '!done && /^        date:/ { done = 1; next } { print }' "$1"
}

test_expect_success 'README first session output' '
	mkdir data &&
	cp "$TOP/data/models.yaml" data/ &&
	readme_example "^\\$ \\./modelaudit check$" >expected &&
	test "$(wc -l <expected)" -ge 2 &&
	{ echo "$ ./modelaudit check" && "$MODELAUDIT" check 2>&1; } >actual &&
	test_cmp expected actual &&
	without_first_date "$TOP/data/models.yaml" >data/models.yaml &&
	readme_example "^\\$ \\./modelaudit check --show-source$" >expected &&
	test "$(wc -l <expected)" -ge 2 &&
	status=0 &&
	{ echo "$ ./modelaudit check --show-source" &&
		"$MODELAUDIT" check --show-source 2>&1 || status=$?; } >actual &&
	test "$status" = 1 &&
	test_cmp expected actual
'

test_expect_success 'man check example output' '
	mkdir data &&
	without_first_date "$TOP/data/models.yaml" >data/models.yaml &&
	man_example modelaudit.1 "^\\$ modelaudit check$" >expected &&
	test "$(wc -l <expected)" -ge 2 &&
	status=0 &&
	{ echo "$ modelaudit check" && "$MODELAUDIT" check 2>&1 || status=$?; } >actual &&
	test "$status" = 1 &&
	test_cmp expected actual
'

test_expect_success 'man blame and diff examples on llm-stats' '
	git clone -q "$(fixture llm-stats-history.bundle)" llm && cd llm &&
	man_example modelaudit-blame.1 "^\\$ modelaudit blame grok-3-mini GPQA$" >expected &&
	test "$(wc -l <expected)" -ge 2 &&
	{ echo "$ modelaudit blame grok-3-mini GPQA" &&
		"$MODELAUDIT" blame grok-3-mini GPQA; } >actual &&
	test_cmp expected actual &&
	run_ma 1 diff --root &&
	man_example modelaudit-diff.1 "^[0-9]+ commits with registry changes:" >expected &&
	test -s expected &&
	test_cmp expected err &&
	man_example modelaudit-diff.1 "changed score grok-3 LiveCodeBench" >expected &&
	test -s expected &&
	grep -F -x -f expected out >/dev/null &&
	run_ma 1 diff --root --net &&
	man_example modelaudit-diff.1 "^the range as a whole:" >expected &&
	test -s expected &&
	test_cmp expected err
'

test_done
