#!/bin/sh
# The rule pages under rules/: one per rule, with the rule's default
# severity, and examples that behave as the page states. For every page
# without a "Test: manual" line, the `yaml failing` block, saved as
# example.yaml, must produce exactly the `text expected` lines of the
# page's rule, and the `yaml passing` block none.
. "$(dirname "$0")/../lib.sh"

RULES=$TOP/rules

# Prints the body of the fenced block whose info string is $2 in page $1.
extract_block() {
	awk -v info="$2" '
		!inside && $0 == "```" info { inside = 1; found = 1; next }
		inside && $0 == "```" { exit }
		inside { print }
		END { if (!found) exit 1 }
	' "$1"
}

# Writes the example of page $1 in block $2 to example.yaml. A block whose
# info string ends in " bytes" holds printf %b escapes for raw bytes.
write_example() {
	if grep -qx '```'"$2"' bytes' "$1"; then
		printf '%b\n' "$(extract_block "$1" "$2 bytes")" >example.yaml
	else
		extract_block "$1" "$2" >example.yaml
	fi
}

# Runs check on example.yaml and keeps the findings of rule $1 in `actual`.
# Exit 0 or 1 is a normal run; anything else is a failure.
check_example() {
	status=0
	"$MODELAUDIT" check --quiet example.yaml >out 2>err || status=$?
	if [ "$status" != 0 ] && [ "$status" != 1 ]; then
		echo "modelaudit check exited $status" >&2
		cat err >&2
		return 1
	fi
	grep -F "[$1]" out >actual || :
}

test_expect_success 'every rule has a page' '
	"$MODELAUDIT" rules >rules &&
	awk "{ print \$1 }" rules | sort >ids &&
	test -s ids &&
	for page in "$RULES"/*.md; do basename "$page" .md; done | sort >pages &&
	test_cmp ids pages
'

test_expect_success 'pages state the default severity' '
	"$MODELAUDIT" rules >rules &&
	awk "{ print \$1 \" \" \$2 }" rules | sort >expected &&
	for page in "$RULES"/*.md; do
		printf "%s %s\n" "$(basename "$page" .md)" \
			"$(sed -n "s/^Severity: //p" "$page")"
	done | sort >actual &&
	test_cmp expected actual
'

for page in "$RULES"/*.md; do
	rule=$(basename "$page" .md)
	if grep -qx 'Test: manual' "$page"; then
		test_expect_success "$rule page has its blocks" '
			extract_block "$page" "yaml passing" >/dev/null &&
			extract_block "$page" "text expected" | grep -F "[$rule]"
		'
		continue
	fi

	test_expect_success "$rule failing example" '
		write_example "$page" "yaml failing" &&
		extract_block "$page" "text expected" >expected &&
		test -s expected &&
		check_example "$rule" &&
		test_cmp expected actual
	'

	test_expect_success "$rule passing example" '
		write_example "$page" "yaml passing" &&
		check_example "$rule" &&
		test_cmp /dev/null actual
	'
done

test_done
