#!/bin/sh
# check's command line: output formats, exit codes, configuration, colour.
. "$(dirname "$0")/../lib.sh"

# A valid one-model registry; $1 is the file to write.
write_registry() {
	registry_yaml released=2024-05-01 url=https://acme.org/acme-7b >"$1"
}

# The same with a model that lacks its name.
write_broken() {
	registry_yaml name= released=2024-05-01 url=https://acme.org/acme-7b >"$1"
}

test_expect_success 'shipped registry audits clean' '
	(cd "$TOP" && "$MODELAUDIT" check) >out 2>err &&
	test_cmp /dev/null out &&
	grep -F "0 errors, 0 warnings, 0 notes in 1 file (15 models, 53 scores)" err
'

test_expect_success 'default registry is data/models.yaml' '
	mkdir data && write_broken data/models.yaml &&
	run_ma 1 check &&
	echo "data/models.yaml:2:5: error: model '"'"'acme-7b'"'"' has no '"'"'name'"'"' [schema-required]" >expected &&
	test_cmp expected out
'

test_expect_success 'missing registry file exits 4' '
	run_ma 4 check nothing.yaml &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: nothing.yaml: No such file or directory" >expected &&
	test_cmp expected err
'

test_expect_success 'json output matches contract' '
	write_broken r.yaml &&
	run_ma 1 check --format json r.yaml &&
	cat >expected <<-\EOT &&
	{
	  "version": 1,
	  "findings": [
	    {
	      "rule": "schema-required",
	      "severity": "error",
	      "message": "model '"'"'acme-7b'"'"' has no '"'"'name'"'"'",
	      "path": "r.yaml",
	      "line": 2,
	      "column": 5,
	      "model": "acme-7b",
	      "fingerprint": "FP"
	    }
	  ],
	  "summary": {
	    "files": 1,
	    "models": 1,
	    "scores": 0,
	    "errors": 1,
	    "warnings": 0,
	    "notes": 0
	  }
	}
	EOT
	sed "s/\"fingerprint\": \"[0-9a-f]\{32\}\"/\"fingerprint\": \"FP\"/" out >actual &&
	test_cmp expected actual
'

test_expect_success 'fingerprint ignores line numbers' '
	write_broken r.yaml &&
	run_ma 1 check --format json r.yaml &&
	grep fingerprint out >before &&
	{ printf "# a comment\n\n"; cat r.yaml; } >moved.yaml && mv moved.yaml r.yaml &&
	run_ma 1 check --format json r.yaml &&
	grep fingerprint out >after &&
	test_cmp before after
'

test_expect_success 'fail-on never exits 0' '
	write_broken r.yaml &&
	run_ma 0 check --fail-on never r.yaml &&
	test -s out
'

test_expect_success 'fail-on error ignores warnings' '
	write_registry r.yaml &&
	printf "    lineage: no\n" >>r.yaml &&
	run_ma 0 check r.yaml &&
	grep -F "[yaml-ambiguous-scalar]" out &&
	run_ma 1 check --fail-on warning r.yaml
'

test_expect_success 'unknown option exits 2' '
	run_ma 2 check --bogus &&
	echo "modelaudit: error: unknown option '"'"'--bogus'"'"' (see '"'"'modelaudit check --help'"'"')" >expected &&
	test_cmp expected err
'

test_expect_success 'mistyped option suggests nearest' '
	run_ma 2 check --stagd &&
	echo "modelaudit: error: unknown option '"'"'--stagd'"'"' (did you mean '"'"'--staged'"'"'?)" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown format exits 2' '
	run_ma 2 check --format xml &&
	grep -F "unknown format '"'"'xml'"'"'" err
'

test_expect_success 'bad fail-on value exits 2' '
	run_ma 2 check --fail-on sometimes &&
	grep -F "invalid --fail-on value" err
'

test_expect_success 'unknown command exits 2' '
	run_ma 2 frobnicate &&
	grep -F "unknown command '"'"'frobnicate'"'"'" err
'

test_expect_success 'configuration names registry directory' '
	mkdir -p reg/acme && write_broken reg/acme/acme-7b.yaml &&
	write_registry reg/a.yml &&
	sed "s/acme-7b/acme-8b/" reg/a.yml >reg/b.yaml &&
	printf "registry: [reg/]\n" >.modelaudit.yaml &&
	run_ma 1 check &&
	echo "reg/acme/acme-7b.yaml:2:5: error: model '"'"'acme-7b'"'"' has no '"'"'name'"'"' [schema-required]" >expected &&
	echo "reg/acme/acme-7b.yaml:2:9: error: model id '"'"'acme-7b'"'"' is already used on reg/a.yml:2: give each model its own id [model-duplicate-id]" >>expected &&
	test_cmp expected out &&
	grep -F "in 3 files (3 models" err
'

test_expect_success 'configuration found from subdirectory' '
	mkdir -p reg sub/deeper && write_broken reg/m.yaml &&
	printf "registry: reg/m.yaml\n" >.modelaudit.yaml &&
	cd sub/deeper &&
	run_ma 1 check &&
	grep -F "../../reg/m.yaml:2:5: error:" out
'

test_expect_success 'severity off silences rule' '
	write_broken r.yaml &&
	printf "severity:\n  schema-required: off\n" >.modelaudit.yaml &&
	run_ma 0 check r.yaml &&
	test_cmp /dev/null out
'

test_expect_success 'severity downgrade changes exit' '
	write_broken r.yaml &&
	printf "severity:\n  schema-required: warning\n" >.modelaudit.yaml &&
	run_ma 0 check r.yaml &&
	grep -F ": warning: model" out
'

test_expect_success 'yaml-syntax cannot be switched off' '
	printf "severity:\n  yaml-syntax: off\n" >.modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml:2:16: rule '"'"'yaml-syntax'"'"' cannot be switched off" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown rule in configuration exits 3' '
	printf "severity:\n  benchmark-unknwn: off\n" >.modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml:2:3: unknown rule '"'"'benchmark-unknwn'"'"' (did you mean '"'"'benchmark-unknown'"'"'?)" >expected &&
	test_cmp expected err
'

test_expect_success 'invalid configuration YAML exits 3' '
	printf "registry: [a\n" >.modelaudit.yaml &&
	run_ma 3 check &&
	grep -F "modelaudit: error: .modelaudit.yaml:2:1: invalid YAML" err
'

test_expect_success 'configuration error escapes its file name' '
	printf "registri: data/\n" >"$(printf "cfg\033.yaml")" &&
	run_ma 3 check --config "$(printf "cfg\033.yaml")" &&
	echo "modelaudit: error: cfg\\x1B.yaml:1:1: unknown key '"'"'registri'"'"' in the configuration (did you mean '"'"'registry'"'"'?)" >expected &&
	test_cmp expected err
'

test_expect_success 'unknown configuration key exits 3' '
	printf "registri: data/\n" >.modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml:1:1: unknown key '"'"'registri'"'"' in the configuration (did you mean '"'"'registry'"'"'?)" >expected &&
	test_cmp expected err
'

test_expect_success 'anchor in the configuration names the file kind' '
	printf "registry: &paths [data/]\n" >.modelaudit.yaml &&
	run_ma 3 check &&
	echo "modelaudit: error: .modelaudit.yaml:1:11: anchor '"'"'&paths'"'"': anchors and aliases are not allowed in a configuration file" >expected &&
	test_cmp expected err
'

test_expect_success 'missing registry of the configuration names its key' '
	printf "registry:\n  - nowhere/\n" >.modelaudit.yaml &&
	run_ma 4 check &&
	echo "modelaudit: error: nowhere/: No such file or directory (the registry: key of .modelaudit.yaml)" >expected &&
	test_cmp expected err
'

test_expect_success 'operational error escapes a control character' '
	printf "registry:\n  - \"nowhere\\\\u001b/\"\n" >.modelaudit.yaml &&
	run_ma 4 check &&
	echo "modelaudit: error: nowhere\\x1B/: No such file or directory (the registry: key of .modelaudit.yaml)" >expected &&
	test_cmp expected err
'

test_expect_success 'usage errors escape what was typed' '
	esc=$(printf "\033") &&
	run_ma 2 "x${esc}[31m" &&
	cat err >err.all &&
	run_ma 2 check --format "a${esc}" &&
	cat err >>err.all &&
	run_ma 2 check --fail-on "${esc}" &&
	cat err >>err.all &&
	run_ma 2 check "-${esc}" &&
	cat err >>err.all &&
	run_ma 2 "--col${esc}" &&
	cat err >>err.all &&
	run_ma 2 links --timeout "${esc}" &&
	cat err >>err.all &&
	cat >expected <<-\EOT &&
	modelaudit: error: unknown command '"'"'x\x1B[31m'"'"' (see '"'"'modelaudit --help'"'"')
	modelaudit: error: unknown format '"'"'a\x1B'"'"' (expected text, json, sarif, github, junit)
	modelaudit: error: invalid --fail-on value '"'"'\x1B'"'"' (expected error, warning, note or never)
	modelaudit: error: unknown option '"'"'-\x1B'"'"' (see '"'"'modelaudit check --help'"'"')
	modelaudit: error: unknown command '"'"'--col\x1B'"'"' (see '"'"'modelaudit --help'"'"')
	modelaudit: error: --timeout must be a whole number from 1 to 1000000, not '"'"'\x1B'"'"'
	EOT
	test_cmp expected err.all
'

test_expect_success 'explicit config file unreadable exits 4' '
	run_ma 4 check --config none.yaml &&
	echo "modelaudit: error: configuration file none.yaml: No such file or directory" >expected &&
	test_cmp expected err &&
	run_ma 4 diff --config none.yaml &&
	test_cmp expected err
'

test_expect_success 'color always colours severity' '
	write_broken r.yaml &&
	run_ma 1 check --color always r.yaml &&
	grep -q "$(printf "\\033\\\\[1;31merror")" out
'

test_expect_success 'color auto off when piped' '
	write_broken r.yaml &&
	run_ma 1 check r.yaml &&
	! grep -q "$(printf "\\033")" out
'

test_expect_success 'NO_COLOR honoured under a terminal' '
	command -v script >/dev/null || exit 0
	write_broken r.yaml &&
	NO_COLOR=1 script -qec "$MODELAUDIT check --quiet r.yaml" /dev/null >tty.out || true &&
	! grep -q "$(printf "\\033")" tty.out &&
	script -qec "$MODELAUDIT check --quiet r.yaml" /dev/null >tty.out || true &&
	grep -q "$(printf "\\033")" tty.out
'

test_expect_success 'show-source prints line and caret' '
	write_registry r.yaml &&
	printf "    lineage: off\n" >>r.yaml &&
	run_ma 0 check --quiet --show-source r.yaml &&
	cat >expected <<-\EOT &&
	r.yaml:9:14: warning: unquoted '"'"'off'"'"' in '"'"'lineage'"'"' is a boolean to YAML 1.1 tools: quote it to keep it a string [yaml-ambiguous-scalar]
	    9 |     lineage: off
	      |              ^
	EOT
	test_cmp expected out
'

test_expect_success 'show-source of a problem at the end of the file' '
	printf "models:\n  - id: [\n" >r.yaml &&
	run_ma 1 check --quiet --show-source r.yaml &&
	printf "    3 | \n      | ^\n" >expected &&
	sed 1d out >actual &&
	test_cmp expected actual
'

test_expect_success 'quiet drops summary' '
	write_registry r.yaml &&
	run_ma 0 check --quiet r.yaml &&
	test_cmp /dev/null err
'

test_expect_success 'help lists options' '
	run_ma 0 check --help &&
	grep -F -- "--staged" out &&
	grep -F -- "--show-source" out
'

test_expect_success 'version prints version' '
	run_ma 0 --version &&
	grep "^modelaudit [0-9]" out
'

test_expect_success 'rules lists every rule' '
	run_ma 0 rules &&
	test "$(wc -l <out)" -ge 37 &&
	grep "^score-missing-date  *error  *a score has no publication date$" out
'

test_expect_success 'estimate method key not unknown field' '
	write_registry r.yaml &&
	cat >>r.yaml <<-\EOT &&
	    benchmarks:
	      - {benchmark: MMLU, score: 80.1, date: 2024-06-01, source: card, method: interpolation}
	      - {benchmark: GSM8K, score: 80.1, date: 2024-06-01, source: card, method: measured}
	EOT
	run_ma 1 check --quiet r.yaml &&
	cat >expected <<-\EOT &&
	r.yaml:10:72: error: score of MMLU is marked as estimated by '"'"'method: interpolation'"'"': record only values that a source publishes [score-interpolated]
	r.yaml:11:73: warning: unknown field '"'"'method'"'"' in a score [schema-unknown-field]
	EOT
	test_cmp expected out
'

test_done
