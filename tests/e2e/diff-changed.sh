#!/bin/sh
# diff compares only the models a commit changed when the others cannot
# affect the result. Each commit of a small history must still report
# what comparing the findings of check on both ends reports.
. "$(dirname "$0")/../lib.sh"

# model ID SIZE MMLU [BASE [FAMILY]]: a model of family f (or FAMILY) with
# total_params SIZE and one MMLU score.
model() {
	registry_yaml id="$1" name="$1" organization=O released=2024-07-23 family="${5:-f}" \
		base_model="${4-}" url="https://acme.org/$1" spec="total_params: $2" \
		score="MMLU - $3 2024-07-23" | sed 1d
}

# registry M1 M2 [EXTRA [I2_BASE [M3_ID]]]: the MMLU scores of m1 and m2, a
# last model EXTRA (a command), the base of i2 and the id of m3. g2 is the
# mean of its siblings, and so is m2 when M2 is the mean of M1 and 70.
registry() {
	echo "models:"
	model m1 7B "$1"
	model m2 13B "$2"
	model "${5:-m3}" 70B 70.0
	model g1 7B 50.0 "" g
	model g2 13B 55.0 "" g
	model g3 70B 60.0 "" g
	model i1 7B 61.0 m1 h
	model i2 13B 62.0 "${4:-m3}" h
	${3:-true}
}

commit() {
	git add data && git commit -qm "$1"
}

# places REPORT LIST: the rule, fingerprint and place of each finding of a
# JSON report, one a line, sorted. LIST is "findings" (check), or
# "introduced" or "fixed" of the only commit (diff). The history rules,
# which check lacks, are left out.
places() {
	python3 - "$1" "$2" <<-'EOF'
	import json, sys
	doc = json.load(open(sys.argv[1]))
	if sys.argv[2] == "findings":
	    items = doc["findings"]
	else:
	    items = doc["commits"][0][sys.argv[2]] if doc["commits"] else []
	history = {"model-removed", "score-removed", "date-after-commit",
	           "score-changed-without-source"}
	lines = ["%s %s %s:%s:%s" % (f["rule"], f["fingerprint"], f["path"], f["line"],
	                             f["column"]) for f in items if f["rule"] not in history]
	for line in sorted(lines):
	    print(line)
	EOF
}

# Checks every commit against its parent: diff introduces the findings of
# check that the parent lacks, and fixes those the commit lacks.
same_as_check() {
	for rev in $(git rev-list --reverse HEAD~"$1"..HEAD); do
		"$MODELAUDIT" check --rev "$rev~1" --format json >old.json || true
		"$MODELAUDIT" check --rev "$rev" --format json >new.json || true
		places old.json findings >old
		places new.json findings >new
		comm -13 old new >expected.introduced
		comm -23 old new >expected.fixed
		"$MODELAUDIT" diff "$rev~1..$rev" --format json >diff.json || true
		places diff.json introduced >actual.introduced
		places diff.json fixed >actual.fixed
		test_cmp expected.introduced actual.introduced
		test_cmp expected.fixed actual.fixed
	done
}

setup() {
	make_repo repo && cd repo && mkdir data &&
	registry 60.0 64.0 >data/models.yaml && commit one
}

test_expect_success 'sibling mean in a changed model' '
	setup &&
	registry 60.0 65.0 >data/models.yaml && commit two &&
	same_as_check 1 &&
	run_ma 0 diff HEAD~1 &&
	grep -c "score-suspect-interpolated" out >count &&
	echo 1 >expected &&
	test_cmp expected count
'

test_expect_success 'sibling mean fixed by a change to another model' '
	setup &&
	registry 60.0 65.0 >data/models.yaml && commit two &&
	registry 62.0 65.0 >data/models.yaml && commit three &&
	same_as_check 2 &&
	run_ma 0 diff HEAD~1 &&
	sed -n "/^fixed:/,\$p" out | grep -c "m2 (65.0)\|score 65.0" >count &&
	echo 1 >expected &&
	test_cmp expected count
'

test_expect_success 'added models with a sibling mean and an unknown base' '
	setup &&
	registry 60.0 64.0 "model m0 1B 56.0 m1" >data/models.yaml && commit two &&
	registry 60.0 64.0 >data/models.yaml && commit three &&
	registry 60.0 64.0 "model m0 1B 30.0 m-1" >data/models.yaml && commit four &&
	same_as_check 3 &&
	run_ma 0 diff HEAD~3..HEAD~2 &&
	grep -F "score 60.0 of MMLU is the mean of its smaller sibling" out &&
	run_ma 0 diff HEAD~1 &&
	grep -F "base_model '\''m-1'\'' names no model of the registry (did you mean" out
'

test_expect_success 'added and removed duplicate of an unchanged id' '
	setup &&
	registry 60.0 64.0 "model m3 1B 10.0 m1 k" >data/models.yaml && commit two &&
	registry 60.0 64.0 >data/models.yaml && commit three &&
	same_as_check 2 &&
	run_ma 1 diff HEAD~2..HEAD~1 &&
	grep -F "[model-duplicate-id]" out
'

test_expect_success 'base models that stop naming a model' '
	setup &&
	registry 60.0 64.0 "" m3 m4 >data/models.yaml && commit two &&
	registry 60.0 64.0 "" m9 m4 >data/models.yaml && commit three &&
	registry 60.0 64.0 "" m4 m4 >data/models.yaml && commit four &&
	same_as_check 3 &&
	run_ma 0 diff HEAD~3..HEAD~2 &&
	grep -F "base_model '\''m3'\'' names no model of the registry" out
'

test_expect_success 'moved and shifted models with a changed sibling' '
	setup &&
	registry 60.0 64.0 "model g1 7B 50.0 \"\" g" | sed "/^  - id: g1\$/,/source: card\$/d" \
		>data/models.yaml && commit two &&
	{ echo models: && model m0 1B 40.0 && registry 60.0 65.0 | sed 1d; } >data/models.yaml &&
	commit three &&
	same_as_check 2
'

test_expect_success 'reordered models that share an id keep their pairs' '
	make_repo repo && cd repo && mkdir data &&
	{ echo models: && model dup 7B 10.0 && model dup 13B 20.0 "" g &&
	  model other 70B 30.0; } >data/models.yaml && commit one &&
	{ echo models: && model dup 13B 20.0 "" g && model dup 7B 15.0 &&
	  model other 70B 30.0; } >data/models.yaml && commit two &&
	run_ma 0 diff HEAD~1 &&
	cat >expected <<-EOF &&
	data/models.yaml:29: changed score dup MMLU: score 10.0 -> 15.0
	EOF
	grep "^data/.*: changed" out >actual &&
	test_cmp expected actual &&
	same_as_check 1
'

test_expect_success 'suppression added for a sibling mean' '
	setup &&
	registry 60.0 64.0 | sed "s/^        score: 55.0\$/&  # modelaudit: ignore score-suspect-interpolated published so/" \
		>data/models.yaml && commit two &&
	registry 60.0 65.0 | sed "s/^        score: 55.0\$/&  # modelaudit: ignore score-suspect-interpolated published so/" \
		>data/models.yaml && commit three &&
	same_as_check 2
'

test_done
