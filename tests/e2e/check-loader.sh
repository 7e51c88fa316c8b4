#!/bin/sh
# The loader's findings: each hostile or malformed file gets one finding at
# the right place, and check exits 1, never crashes or hangs.
. "$(dirname "$0")/../lib.sh"

# Checks FILE and compares the output with the expected lines on stdin.
expect_findings() {
	cat >expected
	run_ma 1 check --quiet "$1"
	test_cmp expected out
}

test_expect_success 'syntax error at libyaml mark' '
	printf "models:\n  - id: a\n    name: [x\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:4:1: error: invalid YAML: did not find expected '"'"','"'"' or '"'"']'"'"' (while parsing a flow sequence, which starts at line 3, column 11) [yaml-syntax]
	EOT
'

test_expect_success 'duplicate key names both places' '
	printf "models:\n  - id: a\n    name: A\n    organization: O\n    released: 2024-01-01\n    name: B\n" >f.yaml &&
	run_ma 1 check --quiet f.yaml &&
	grep -F "f.yaml:6:5: error: duplicate key '"'"'name'"'"' (first defined at line 3, column 5) [yaml-duplicate-key]" out
'

test_expect_success 'anchor rejected at first use' '
	printf "models: &list\n  - id: a\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:1:9: error: anchor '"'"'&list'"'"': anchors and aliases are not allowed in a registry [yaml-alias]
	EOT
'


test_expect_success 'bare alias rejected' '
	printf "models:\n  - *m\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:5: error: alias '"'"'*m'"'"': anchors and aliases are not allowed in a registry [yaml-alias]
	EOT
'

test_expect_success 'billion laughs stops at first anchor' '
	cat >f.yaml <<-\EOT &&
	a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
	b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
	c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
	models: [*c,*c,*c,*c,*c,*c,*c,*c,*c]
	EOT
	expect_findings f.yaml <<-\EOT
	f.yaml:1:4: error: anchor '"'"'&a'"'"': anchors and aliases are not allowed in a registry [yaml-alias]
	EOT
'

test_expect_success 'empty file has no document' '
	: >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:1:1: error: file holds no YAML document: a registry file needs a `models` list [yaml-multiple-documents]
	EOT
'

test_expect_success 'comment-only file has no document' '
	printf "# nothing here\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:1:1: error: file holds no YAML document: a registry file needs a `models` list [yaml-multiple-documents]
	EOT
'

test_expect_success 'trailing document marker is second document' '
	printf "models: []\n---\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:1: error: second YAML document: a registry file holds exactly one [yaml-multiple-documents]
	EOT
'

test_expect_success 'invalid UTF-8 located by byte offset' '
	printf "models:\n  - id: \"ab\\377\"\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:12: error: invalid UTF-8 byte 0xFF [yaml-encoding]
	EOT
'

test_expect_success 'UTF-16 rejected' '
	printf "\\377\\376m\\000" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:1:1: error: file is UTF-16 or UTF-32 (byte-order mark FF FE): registry files must be UTF-8 [yaml-encoding]
	EOT
'

test_expect_success 'NUL byte rejected' '
	printf "models:\n  - id: a\\000b\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:10: error: NUL byte in the file: registry files are UTF-8 text [yaml-encoding]
	EOT
'

test_expect_success 'BOM and CRLF keep line numbers' '
	printf "models:\n  - id: a\n    name: no\n" >plain.yaml &&
	printf "\\357\\273\\277models:\r\n  - id: a\r\n    name: no\r\n" >f.yaml &&
	run_ma 1 check --quiet plain.yaml &&
	sed "s/^plain.yaml/f.yaml/" out >expected &&
	run_ma 1 check --quiet f.yaml &&
	test_cmp expected out &&
	grep -F "f.yaml:3:11: warning: unquoted" out
'

test_expect_success 'deep flow nesting bounded' '
	{ printf "models: "; head -c 200000 /dev/zero | tr "\\000" "["; } >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:1:72: error: nesting is deeper than 64 levels [yaml-syntax]
	EOT
'

test_expect_success 'deep block nesting bounded' '
	awk "BEGIN { print \"models:\"; for (i = 0; i < 3000; i++) { s = \"\"; for (j = 0; j < i; j++) s = s \"  \"; print s \"- \" } }" >f.yaml &&
	run_ma 1 check --quiet f.yaml &&
	grep -F "nesting is deeper than 64 levels [yaml-syntax]" out
'

test_expect_success 'overlong line rejected' '
	{ printf "models:\n  - id: "; head -c 2000000 /dev/zero | tr "\\000" "a"; printf "\n"; } >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:1: error: line is longer than 1048576 bytes [yaml-syntax]
	EOT
'

test_expect_success 'tag rejected as schema-type' '
	printf "models:\n  - id: !!str a\n    name: A\n    organization: O\n    released: 2024-01-01\n    sources: [{id: card, url: \"https://a.org/x\"}]\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:2:9: error: tag '"'"'tag:yaml.org,2002:str'"'"' is not allowed: the registry format types every value itself [schema-type]
	EOT
'

test_expect_success 'YAML 1.1 words stay strings' '
	printf "models:\n  - id: a\n    name: No\n    organization: OFF\n    released: 2024-01-01\n    lineage: ~\n    sources: [{id: card, url: \"https://a.org/x\"}]\n" >f.yaml &&
	expect_findings f.yaml <<-\EOT
	f.yaml:3:11: warning: unquoted '"'"'No'"'"' in '"'"'name'"'"' is a boolean to YAML 1.1 tools: quote it to keep it a string [yaml-ambiguous-scalar]
	f.yaml:4:19: warning: unquoted '"'"'OFF'"'"' in '"'"'organization'"'"' is a boolean to YAML 1.1 tools: quote it to keep it a string [yaml-ambiguous-scalar]
	f.yaml:6:14: warning: unquoted '"'"'~'"'"' in '"'"'lineage'"'"' is null to YAML 1.1 tools: quote it to keep it a string [yaml-ambiguous-scalar]
	EOT
'

test_expect_success 'quoted YAML 1.1 words accepted' '
	printf "models:\n  - id: a\n    name: \"No\"\n    organization: O\n    released: 2024-01-01\n    sources: [{id: card, url: \"https://a.org/x\"}]\n" >f.yaml &&
	run_ma 0 check --quiet f.yaml &&
	test_cmp /dev/null out
'

test_expect_success 'escape sequences in values escaped' '
	printf "models:\n  - id: a\n    name: A\n    organization: O\n    released: 2024-01-01\n    sources: [{id: card, url: \"https://a.org/x\"}]\n    \"\\\\e[31mred\": 1\n" >f.yaml &&
	run_ma 0 check --quiet f.yaml &&
	! grep -q "$(printf "\\033")" out &&
	grep -F "unknown field '"'"'\\x1B[31mred'"'"' in a model" out
'

test_done
