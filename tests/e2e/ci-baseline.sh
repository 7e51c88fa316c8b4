#!/bin/sh
# Baselines: --write-baseline records the current findings, --baseline and
# the configuration's `baseline:` hide them, and only new problems fail.
. "$(dirname "$0")/../lib.sh"

# A registry with two errors (line 2), a warning (line 9) and an invalid
# reported_by (line 14, also a yaml-ambiguous-scalar warning).
write_registry() {
	cat >"$1" <<-\EOT
	models:
	  - id: acme-7b
	    name: Acme 7B
	    sources:
	      - id: card
	        url: https://huggingface.co/acme/acme-7b
	    specs:
	      architecture: dense
	      licence: MIT
	    benchmarks:
	      - benchmark: MMLU
	        score: 70
	        date: 2024-02-01
	        reported_by: no
	        source: card
	EOT
}

test_expect_success 'write-baseline records and hides findings' '
	write_registry models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	test_cmp /dev/null out &&
	cat >expect <<-\EOT &&
	0 errors, 0 warnings, 0 notes in 1 file (1 model, 1 score)
	modelaudit: wrote 5 findings to the baseline base.json
	EOT
	test_cmp expect err &&
	python3 - base.json <<-\EOT
	import json, sys
	doc = json.load(open(sys.argv[1]))
	assert doc["version"] == 1
	rules = sorted(f["rule"] for f in doc["findings"])
	assert rules == ["schema-enum", "schema-required", "schema-required",
	                 "schema-unknown-field", "yaml-ambiguous-scalar"], rules
	assert all(len(f["fingerprint"]) == 32 for f in doc["findings"])
	assert all(f["path"] == "models.yaml" for f in doc["findings"])
	EOT
'

test_expect_success 'baseline reports only new findings' '
	write_registry models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	sed -i "s/^      licence: MIT/&\n      colour: red/" models.yaml &&
	run_ma 0 check --baseline base.json models.yaml &&
	cat >expect <<-\EOT &&
	models.yaml:10:7: warning: unknown field '\''colour'\'' in specs [schema-unknown-field]
	EOT
	test_cmp expect out &&
	cat >expect <<-\EOT &&
	0 errors, 1 warning, 0 notes in 1 file (1 model, 1 score)
	modelaudit: 5 findings hidden by the baseline base.json
	EOT
	test_cmp expect err &&
	run_ma 1 check --strict --baseline base.json models.yaml
'

test_expect_success 'baseline survives moved and inserted lines' '
	write_registry models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	{
		printf "# Registry of Acme models.\n\n" &&
		sed -e "/^      licence: MIT/d" -e "s/^    specs:/&\n      licence: MIT/" models.yaml
	} >moved.yaml &&
	mv moved.yaml models.yaml &&
	grep -n "licence" models.yaml >lines &&
	echo "10:      licence: MIT" >expect &&
	test_cmp expect lines &&
	run_ma 0 check --baseline base.json models.yaml &&
	test_cmp /dev/null out
'

test_expect_success 'baseline stops matching a changed value' '
	write_registry models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	sed -i "s/reported_by: no/reported_by: vendor/" models.yaml &&
	run_ma 1 check --baseline base.json models.yaml &&
	cat >expect <<-\EOT &&
	models.yaml:14:22: error: '\''reported_by'\'' is '\''vendor'\'', not one of self, third-party [schema-enum]
	EOT
	test_cmp expect out
'

test_expect_success 'baseline from the configuration' '
	make_repo repo &&
	mkdir -p repo/data repo/sub &&
	write_registry repo/data/models.yaml &&
	(cd repo && run_ma 0 check --write-baseline .modelaudit-baseline.json) &&
	echo "baseline: .modelaudit-baseline.json" >repo/.modelaudit.yaml &&
	cd repo/sub &&
	run_ma 0 check &&
	test_cmp /dev/null out &&
	cat >expect <<-\EOT &&
	0 errors, 0 warnings, 0 notes in 1 file (1 model, 1 score)
	modelaudit: 5 findings hidden by the baseline .modelaudit-baseline.json
	EOT
	test_cmp expect err
'

test_expect_success 'configured baseline applies to --staged' '
	make_repo repo &&
	mkdir -p repo/data repo/sub &&
	write_registry repo/data/models.yaml &&
	(cd repo && run_ma 0 check --write-baseline .modelaudit-baseline.json) &&
	echo "baseline: .modelaudit-baseline.json" >repo/.modelaudit.yaml &&
	git -C repo add .modelaudit.yaml data/models.yaml &&
	cd repo/sub &&
	run_ma 0 check --staged &&
	test_cmp /dev/null out
'

test_expect_success 'baseline written before a fix still loads' '
	write_registry models.yaml &&
	run_ma 0 check --write-baseline base.json models.yaml &&
	sed -i "s/reported_by: no/reported_by: self/" models.yaml &&
	run_ma 0 check --baseline base.json models.yaml &&
	test_cmp /dev/null out
'

test_expect_success 'missing baseline of the configuration names its key' '
	mkdir data && write_registry data/models.yaml &&
	printf "baseline: gone.json\n" >.modelaudit.yaml &&
	run_ma 4 check &&
	echo "modelaudit: error: gone.json: No such file or directory (the baseline: key of .modelaudit.yaml)" >expect &&
	test_cmp expect err
'

test_expect_success 'missing baseline exits 4' '
	write_registry models.yaml &&
	run_ma 4 check --baseline nothing.json models.yaml &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: nothing.json: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'unwritable baseline exits 4' '
	write_registry models.yaml &&
	run_ma 4 check --write-baseline missing/base.json models.yaml &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: cannot write missing/base.json: No such file or directory" >expect &&
	test_cmp expect err
'

test_expect_success 'invalid baseline exits 3' '
	write_registry models.yaml &&
	echo "{\"version\": 1, \"findings\": {}}" >base.json &&
	run_ma 3 check --baseline base.json models.yaml &&
	echo "modelaudit: error: base.json: invalid baseline: '\''findings'\'' must be a list" >expect &&
	test_cmp expect err
'

test_expect_success 'yaml-syntax is never baselined' '
	printf "models:\n  - id: [\n" >broken.yaml &&
	run_ma 1 check --write-baseline base.json broken.yaml &&
	grep -c "\\[yaml-syntax\\]" out >count &&
	echo 1 >expect &&
	test_cmp expect count &&
	run_ma 1 check --baseline base.json broken.yaml
'

test_done
