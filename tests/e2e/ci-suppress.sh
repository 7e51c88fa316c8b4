#!/bin/sh
# Inline suppressions: "# modelaudit: ignore <rule-id> <reason>" on the
# finding's line or above it, and suppression-unused for those that silence
# nothing or are malformed.
. "$(dirname "$0")/../lib.sh"

# Writes a registry whose model lacks organization and released (line
# 2 + $2 blank lines) and has an unknown spec field 'licence' (line 9 + $2).
# $3 is written after 'licence: MIT' on its line.
write_registry() {
	{
		printf "models:\n"
		i=0
		while [ "$i" -lt "${2:-0}" ]; do
			printf "  # note\n"
			i=$((i + 1))
		done
		printf "  - id: acme-7b\n"
		printf "    name: Acme 7B\n"
		printf "    sources:\n"
		printf "      - id: card\n"
		printf "        url: https://huggingface.co/acme/acme-7b\n"
		printf "    specs:\n"
		printf "      architecture: dense\n"
		printf "      licence: MIT%s\n" "${3:-}"
	} >"$1"
}

test_expect_success 'suppression on the line silences it' '
	write_registry models.yaml 0 "  # modelaudit: ignore schema-unknown-field the upstream card spells it so" &&
	run_ma 1 check models.yaml &&
	cat >expect <<-\EOT &&
	models.yaml:2:5: error: model '\''acme-7b'\'' has no '\''organization'\'' [schema-required]
	models.yaml:2:5: error: model '\''acme-7b'\'' has no '\''released'\'' [schema-required]
	EOT
	test_cmp expect out
'

test_expect_success 'suppressions above the line silence it' '
	write_registry models.yaml 2 &&
	sed -i -e "2s/.*/  # modelaudit: ignore schema-required  acme publishes no dates /" \
		-e "3s/.*/  # modelaudit: ignore schema-unknown-field stacked above the same entry/" models.yaml &&
	run_ma 0 check models.yaml &&
	cat >expect <<-\EOT &&
	models.yaml:3:3: warning: suppression of '\''schema-unknown-field'\'' silences nothing: remove the comment [suppression-unused]
	models.yaml:11:7: warning: unknown field '\''licence'\'' in specs (did you mean '\''license'\''?) [schema-unknown-field]
	EOT
	test_cmp expect out
'

test_expect_success 'suppression skips blank lines above' '
	write_registry models.yaml 0 &&
	sed -i "s/^      licence: MIT/      # modelaudit: ignore schema-unknown-field spelled as upstream\n\n&/" models.yaml &&
	run_ma 1 check models.yaml &&
	! grep schema-unknown-field out &&
	! grep suppression-unused out
'

test_expect_success 'unused suppression is a warning' '
	write_registry models.yaml 0 "  # modelaudit: ignore url-insecure there is no http URL here" &&
	run_ma 1 check --format json models.yaml &&
	python3 - out <<-\EOT
	import json, sys
	doc = json.load(open(sys.argv[1]))
	unused = [f for f in doc["findings"] if f["rule"] == "suppression-unused"]
	assert len(unused) == 1, unused
	f = unused[0]
	assert f["severity"] == "warning", f
	assert (f["line"], f["column"]) == (9, 21), f
	assert f["message"] == "suppression of '\''url-insecure'\'' silences nothing: remove the comment", f
	assert doc["summary"]["warnings"] == 2, doc["summary"]
	EOT
'

test_expect_success 'suppression without a reason silences nothing' '
	write_registry models.yaml 0 " # modelaudit: ignore schema-unknown-field" &&
	run_ma 1 check models.yaml &&
	grep -v schema-required out >actual &&
	cat >expect <<-\EOT &&
	models.yaml:9:7: warning: unknown field '\''licence'\'' in specs (did you mean '\''license'\''?) [schema-unknown-field]
	models.yaml:9:20: warning: suppression of '\''schema-unknown-field'\'' has no reason: write why the finding is acceptable after the rule id [suppression-unused]
	EOT
	test_cmp expect actual
'

test_expect_success 'unknown rule id is reported' '
	write_registry models.yaml 0 " # modelaudit: ignore schema-unknwn-field typo in the id" &&
	run_ma 1 check models.yaml &&
	grep suppression-unused out >actual &&
	cat >expect <<-\EOT &&
	models.yaml:9:20: warning: suppression names unknown rule '\''schema-unknwn-field'\'' (did you mean '\''schema-unknown-field'\''?) [suppression-unused]
	EOT
	test_cmp expect actual &&
	grep -c "unknown field" out
'

test_expect_success 'malformed directives are reported' '
	write_registry models.yaml 0 &&
	cat >>models.yaml <<-\EOT &&
	# modelaudit: skip schema-required not a directive
	# modelaudit: ignore
	# modelaudit:
	# modelaudit: ignore yaml-syntax cannot be silenced
	# modelaudit: ignore suppression-unused nor this
	# A plain comment that mentions modelaudit is left alone.
	EOT
	run_ma 1 check models.yaml &&
	grep suppression-unused out >actual &&
	cat >expect <<-\EOT &&
	models.yaml:10:1: warning: unknown modelaudit directive '\''skip'\'' (expected '\''ignore <rule-id> <reason>'\'') [suppression-unused]
	models.yaml:11:1: warning: suppression names no rule: write '\''# modelaudit: ignore <rule-id> <reason>'\'' [suppression-unused]
	models.yaml:12:1: warning: modelaudit comment without a directive: write '\''# modelaudit: ignore <rule-id> <reason>'\'' [suppression-unused]
	models.yaml:13:1: warning: rule '\''yaml-syntax'\'' cannot be suppressed [suppression-unused]
	models.yaml:14:1: warning: rule '\''suppression-unused'\'' cannot be suppressed inline: set its severity in the configuration [suppression-unused]
	EOT
	test_cmp expect actual
'

test_expect_success 'hash inside a scalar is no comment' '
	write_registry models.yaml 0 &&
	cat >>models.yaml <<-\EOT &&
	      colour: "red # modelaudit: ignore schema-unknown-field quoted"
	    notes: |
	      # modelaudit: ignore schema-unknown-field inside a block scalar
	EOT
	run_ma 1 check models.yaml &&
	! grep suppression-unused out &&
	grep -c "unknown field" out >count &&
	echo 3 >expect &&
	test_cmp expect count
'

test_expect_success 'yaml-syntax is never suppressed' '
	printf "models:\n  # modelaudit: ignore yaml-syntax work in progress\n  - id: [\n" >broken.yaml &&
	run_ma 1 check broken.yaml &&
	grep -c "\\[yaml-syntax\\]" out
'

test_expect_success 'unused suppression of an off rule is quiet' '
	write_registry models.yaml 0 "  # modelaudit: ignore url-insecure no http URL" &&
	printf "severity:\n  url-insecure: off\n" >config.yaml &&
	run_ma 1 check --config config.yaml models.yaml &&
	! grep suppression-unused out
'

test_expect_success 'suppression-unused can be switched off' '
	write_registry models.yaml 0 "  # modelaudit: ignore url-insecure no http URL" &&
	printf "severity:\n  suppression-unused: off\n" >config.yaml &&
	run_ma 1 check --config config.yaml models.yaml &&
	! grep suppression-unused out
'

test_expect_success 'unused suppression of a diff rule is quiet' '
	write_registry models.yaml 0 "  # modelaudit: ignore date-after-commit only diff raises it" &&
	run_ma 1 check models.yaml &&
	! grep suppression-unused out
'

test_expect_success 'suppressions read the staged text' '
	make_repo repo &&
	mkdir repo/data &&
	write_registry repo/data/models.yaml 0 "  # modelaudit: ignore schema-unknown-field spelled as upstream" &&
	git -C repo add data/models.yaml &&
	write_registry repo/data/models.yaml 0 &&
	cd repo &&
	run_ma 1 check --staged &&
	! grep schema-unknown-field out &&
	run_ma 1 check &&
	grep schema-unknown-field out
'

test_expect_success 'suppressions work with CRLF line ends' '
	write_registry models.yaml 1 "  # modelaudit: ignore schema-unknown-field spelled as upstream" &&
	sed -i "2s/.*/  # modelaudit: ignore schema-required no dates yet/" models.yaml &&
	sed -i "s/\$/\r/" models.yaml &&
	run_ma 0 check models.yaml &&
	test_cmp /dev/null out
'

test_expect_success 'suppressed findings do not reach the baseline' '
	write_registry models.yaml 0 "  # modelaudit: ignore schema-unknown-field spelled as upstream" &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	grep -c "\"rule\"" base.json >count &&
	echo 2 >expect &&
	test_cmp expect count
'

test_done
