#!/bin/sh
# The benchmark inputs: generated registries must audit clean, generation
# must be reproducible, and the baseline and timing tools must work.
. "$(dirname "$0")/../lib.sh"

BENCH=$TOP/bench

test_expect_success 'generated file audits clean' '
	python3 "$BENCH/gen-registry" --models 300 models.yaml &&
	run_ma 0 check models.yaml &&
	test_cmp /dev/null out &&
	grep "^0 errors, 0 warnings, 0 notes in 1 file (300 models, [0-9]* scores)$" err
'

test_expect_success 'generated directory audits clean' '
	python3 "$BENCH/gen-registry" --models 300 --layout dir models &&
	test "$(find models -name "*.yaml" | wc -l)" = 300 &&
	run_ma 0 check models &&
	test_cmp /dev/null out &&
	grep "^0 errors, 0 warnings, 0 notes in 300 files (300 models, [0-9]* scores)$" err
'

test_expect_success 'generator repeats output for a seed' '
	python3 "$BENCH/gen-registry" --models 50 --seed 7 a.yaml &&
	python3 "$BENCH/gen-registry" --models 50 --seed 7 b.yaml &&
	python3 "$BENCH/gen-registry" --models 50 --seed 8 c.yaml &&
	test_cmp a.yaml b.yaml &&
	! cmp -s a.yaml c.yaml
'

test_expect_success 'generator scales past short names' '
	timeout 300 python3 "$BENCH/gen-registry" --models 8000 models.yaml &&
	test "$(grep -c "^  - id: " models.yaml)" = 8000
'

test_expect_success 'history has the requested commits' '
	python3 "$BENCH/gen-history" --models 200 --commits 10 repo &&
	test "$(git -C repo rev-list --count HEAD)" = 11 &&
	test -z "$(git -C repo status --porcelain)" &&
	cd repo &&
	run_ma 0 check data/models.yaml &&
	run_ma 0 diff HEAD~10 --format json &&
	test "$(grep -c "\"commit\": " out)" = 10
'

test_expect_success 'baseline parses files and directories' '
	cc -std=c11 -D_DEFAULT_SOURCE -O1 $(pkg-config --cflags yaml-0.1) \
		-o yaml-parse "$BENCH/yaml-parse.c" $(pkg-config --libs yaml-0.1) &&
	mkdir -p dir/sub &&
	printf "models: []\n" > dir/sub/a.yaml &&
	printf "not: [yaml\n" > dir/skipped.txt &&
	./yaml-parse dir &&
	printf "models: [\n" > broken.yaml &&
	status=0 &&
	./yaml-parse broken.yaml 2>err || status=$? &&
	test "$status" = 1 &&
	grep "^broken.yaml:2:1: " err
'

test_expect_success 'measure reports unimplemented commands' '
	printf "#!/bin/sh\necho \"modelaudit: error: '\''x'\'' is not implemented yet\" >&2\nexit 4\n" > stub &&
	chmod +x stub &&
	python3 "$BENCH/measure" --runs 1 -- ./stub -- true > result &&
	echo unavailable > expected &&
	test_cmp expected result
'

test_expect_success 'measure compares command and baseline' '
	python3 "$BENCH/measure" --runs 3 -- true -- true > result &&
	set -- $(cat result) &&
	test "$1" = ok &&
	test "$6" = 3
'

test_done
