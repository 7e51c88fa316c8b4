#!/bin/sh
# The man page agrees with the program: synopsis, options and rule list.
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

test_expect_success 'every rule has a page' '
	"$MODELAUDIT" rules | awk "{ print \$1 }" >ids.txt &&
	while read -r id; do
		test -f "$TOP/rules/$id.md" || { echo "missing rules/$id.md"; exit 1; }
	done <ids.txt
'

test_done
