#!/bin/sh
# .pre-commit-hooks.yaml, run by the pre-commit framework itself. pre-commit
# clones the hook's repository, so the tests need the Debian package
# pre-commit and a git checkout of modelaudit. Without either, this script
# runs no test.
. "$(dirname "$0")/../lib.sh"

if ! command -v pre-commit >/dev/null 2>&1 || ! git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	echo "# pre-commit or a git checkout of modelaudit is missing: no test run"
	test_done
	exit 0
fi

test_expect_success 'pre-commit framework runs the hook' '
	mkdir bin &&
	ln -s "$MODELAUDIT" bin/modelaudit &&
	make_repo repo &&
	cd repo &&
	mkdir data &&
	printf "models:\n  - id: acme-7b\n    name: Acme 7B\n" >data/models.yaml &&
	git add data/models.yaml &&
	! PATH="$PWD/../bin:$PATH" pre-commit try-repo "$TOP" modelaudit >run.out 2>&1 &&
	grep -F "data/models.yaml:2:5: error: model '\''acme-7b'\'' has no '\''organization'\'' [schema-required]" run.out &&
	printf "models: []\n" >data/models.yaml &&
	git add data/models.yaml &&
	PATH="$PWD/../bin:$PATH" pre-commit try-repo "$TOP" modelaudit >run.out 2>&1 &&
	grep "^modelaudit\.*Passed$" run.out
'

test_done
