#!/bin/sh
# The revision argument of diff: the forms git accepts, the syntax errors
# (exit 2) and the revisions that name no commit (exit 4).
. "$(dirname "$0")/../lib.sh"

# libgit2 leaks in message searches (":/text"), which tests/lsan.supp
# matches only on a full stack.
ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

# registry VALUE: a one-model registry whose MMLU score is VALUE.
registry() {
	registry_yaml score="MMLU 5-shot $1"
}

# commit VALUE SUBJECT: commits the registry with score VALUE.
commit() {
	registry "$1" >data/models.yaml && git add . && git commit -qm "$2"
}

# A linear main branch one, two, three, four (tagged v1 and v2 at the
# first two), and a branch topic with one commit forked at two.
setup() {
	make_repo repo && cd repo && mkdir data &&
	commit 0.80 one && git tag v1 &&
	commit 0.81 two && git tag v2 &&
	git checkout -q -b topic && commit 0.90 topic &&
	git checkout -q main &&
	commit 0.82 three &&
	commit 0.83 four
}

# subjects ARGS...: runs diff ARGS, which must exit 0, and writes the
# subjects of the commits it reported, one a line, to actual.
subjects() {
	run_ma 0 diff --fail-on never "$@" &&
	sed -n "s/^    //p" out >actual
}

# lines LINE...: writes each LINE to expected.
lines() {
	if [ $# -eq 0 ]; then
		: >expected
	else
		printf "%s\n" "$@" >expected
	fi
}

# fails STATUS MESSAGE ARGS...: runs diff ARGS, which must exit STATUS
# with the one line "modelaudit: error: MESSAGE" and print nothing.
fails() {
	fails_status=$1 fails_message=$2 &&
	shift 2 &&
	run_ma "$fails_status" diff "$@" &&
	printf "modelaudit: error: %s\n" "$fails_message" >expected &&
	test_cmp expected err &&
	test_cmp /dev/null out
}

test_expect_success 'at sign alone is HEAD' '
	setup &&
	subjects @~1 && lines four && test_cmp expected actual &&
	subjects @^ && lines four && test_cmp expected actual &&
	subjects @~2..@~1 && lines three && test_cmp expected actual &&
	subjects @~1..@ && lines four && test_cmp expected actual &&
	subjects @ && lines && test_cmp expected actual &&
	subjects --root @~2 && lines one two && test_cmp expected actual
'

test_expect_success 'reflog forms keep working' '
	setup &&
	git checkout -q v2 && git checkout -q main &&
	# @{1} is the previous value of the branch, HEAD@{1} that of HEAD.
	subjects "@{1}" && lines four && test_cmp expected actual &&
	subjects "@@{1}" && lines three four && test_cmp expected actual &&
	subjects "HEAD@{1}" && lines three four && test_cmp expected actual &&
	subjects "@{-1}" && lines three four && test_cmp expected actual &&
	subjects "main@{1}" && lines four && test_cmp expected actual &&
	subjects "HEAD@{0}" && lines && test_cmp expected actual &&
	subjects "HEAD@{3}~1" && lines three four && test_cmp expected actual &&
	fails 4 "unknown revision '\''HEAD@{12}'\'': the reflog of HEAD has 9 entries" "HEAD@{12}"
'

test_expect_success 'name ending in at sign is a reference' '
	setup &&
	fails 4 "unknown revision '\''main@'\'': no reference found for shorthand '\''main@'\''" main@ &&
	fails 4 "unknown revision '\''@@'\'': no reference found for shorthand '\''@@'\''" @@ &&
	git branch "old@" v1 &&
	subjects "old@" && lines two three four && test_cmp expected actual &&
	subjects "old@~0..v2" && lines two && test_cmp expected actual
'

# The order of commits with equal dates is libgit2's, so only the sets are
# compared.
test_expect_success 'commits match git log' '
	setup &&
	git checkout -q v2 && git checkout -q main &&
	git merge -q --no-ff -X theirs -m merge topic &&
	commit 0.84 five &&
	while read -r ours theirs; do
		subjects "$ours" &&
		sort actual >actual.sorted &&
		git log --format=%s "$theirs" | sort >expected &&
		test_cmp expected actual.sorted || exit 1
	done <<-\EOF
	@~1	@~1..HEAD
	@^	@^..HEAD
	@~3..@~1	@~3..@~1
	@{1}	@{1}..HEAD
	@{-1}	@{-1}..HEAD
	HEAD@{2}	HEAD@{2}..HEAD
	@@{2}	@@{2}..HEAD
	main@{2}	main@{2}..HEAD
	v2..	v2..
	..v2	..v2
	v1..topic	v1..topic
	HEAD~1^!	HEAD~1^!
	HEAD^-	HEAD^-
	HEAD~1^-2	HEAD~1^-2
	:/three	:/three..HEAD
	v1..:/three	v1..:/three
	HEAD^{/two}	HEAD^{/two}..HEAD
	EOF
'

test_expect_success 'two-dot range with an end left out' '
	setup &&
	subjects v2.. && lines three four && test_cmp expected actual &&
	subjects ..v2 && lines && test_cmp expected actual &&
	subjects .. && lines && test_cmp expected actual &&
	subjects v1..v2 && lines two && test_cmp expected actual
'

test_expect_success 'three dots start at the merge base' '
	setup &&
	subjects main...topic && lines topic && test_cmp expected actual &&
	subjects topic...main && lines three four && test_cmp expected actual &&
	subjects topic... && lines three four && test_cmp expected actual &&
	subjects ... && lines && test_cmp expected actual &&
	run_ma 0 diff --fail-on never main...topic --net --format json &&
	grep -F "\"from\": \"$(git rev-parse v2)\"" out &&
	grep -F "\"to\": \"$(git rev-parse topic)\"" out
'

test_expect_success 'three dots without a merge base exits 4' '
	setup &&
	git checkout -q --orphan alone && commit 0.70 alone &&
	run_ma 4 diff main...alone &&
	grep "^modelaudit: error: no merge base of '\''main\.\.\.alone'\'': " err &&
	test_cmp /dev/null out
'

test_expect_success 'range of three ends exits 2' '
	setup &&
	fails 2 "invalid range '\''v1..v2..main'\'': a range has two ends, as in '\''<a>..<b>'\'' or '\''<a>...<b>'\''" v1..v2..main &&
	fails 2 "invalid range '\''a..b..c'\'': a range has two ends, as in '\''<a>..<b>'\'' or '\''<a>...<b>'\''" a..b..c &&
	fails 2 "invalid range '\''v1...v2..main'\'': a range has two ends, as in '\''<a>..<b>'\'' or '\''<a>...<b>'\''" v1...v2..main
'

test_expect_success 'empty revision exits 2' '
	setup &&
	fails 2 "invalid revision '\'''\'': a revision cannot be empty" "" &&
	fails 2 "invalid revision '\'''\'': a revision cannot be empty" --root ""
'

test_expect_success 'syntax errors exit 2 outside a repository' '
	fails 2 "invalid revision '\'''\'': a revision cannot be empty" "" &&
	fails 2 "invalid range '\''a..b..c'\'': a range has two ends, as in '\''<a>..<b>'\'' or '\''<a>...<b>'\''" a..b..c
'

test_expect_success 'lone negative revision exits 2' '
	setup &&
	fails 2 "invalid revision '\''^v2'\'': a lone negative revision leaves no commit to report; write '\''v2..HEAD'\'' for the commits since it" ^v2
'

test_expect_success 'caret bang is the commit alone' '
	setup &&
	subjects "HEAD~1^!" && lines three && test_cmp expected actual &&
	subjects "topic^!" && lines topic && test_cmp expected actual &&
	subjects "v1^!" && lines one && test_cmp expected actual &&
	run_ma 0 diff --fail-on never "HEAD~1^!" --net --format json &&
	grep -F "\"from\": \"$(git rev-parse HEAD~2)\"" out &&
	grep -F "\"to\": \"$(git rev-parse HEAD~1)\"" out
'

test_expect_success 'caret bang on a merge hides every parent' '
	setup &&
	git merge -q --no-ff -X theirs -m merge topic &&
	subjects "HEAD^!" && lines merge && test_cmp expected actual &&
	subjects "HEAD~1" && lines topic merge && test_cmp expected actual
'

test_expect_success 'caret minus is the range from a parent' '
	setup &&
	subjects "HEAD^-" && lines four && test_cmp expected actual &&
	subjects "HEAD~1^-1" && lines three && test_cmp expected actual &&
	git merge -q --no-ff -X theirs -m merge topic &&
	subjects "HEAD^-2" && lines three four merge && test_cmp expected actual
'

test_expect_success 'caret minus past the parents exits 4' '
	setup &&
	fails 4 "unknown revision '\''HEAD^-2'\'': the commit has 1 parent, not 2" "HEAD^-2" &&
	fails 4 "unknown revision '\''v1^-'\'': the commit has 0 parents, not 1" "v1^-"
'

test_expect_success 'caret minus zero exits 2' '
	setup &&
	fails 2 "invalid revision '\''HEAD^-0'\'': '\''^-<n>'\'' takes a parent number from 1" "HEAD^-0"
'

test_expect_success 'caret minus junk exits 2 in any history' '
	make_repo repo && cd repo && mkdir data &&
	registry 0.80 >data/models.yaml && git add . && git commit -qm one &&
	fails 2 "invalid revision '\''HEAD^-x'\'': '\''^-'\'' ends a revision and is followed by a parent number or nothing, as in '\''HEAD^-'\'' or '\''HEAD^-2'\'', and a range cannot use it" "HEAD^-x"
'

test_expect_success 'caret at sign exits 2' '
	setup &&
	fails 2 "invalid revision '\''HEAD^@'\'': '\''^@'\'' names every parent of a commit, and diff takes one commit or one range" "HEAD^@"
'

test_expect_success 'root takes one revision only' '
	setup &&
	fails 2 "--root takes one revision, not the range '\''v1..v2'\''" --root v1..v2 &&
	fails 2 "--root takes one revision, not the range '\''HEAD^!'\''" --root "HEAD^!" &&
	fails 2 "--root takes one revision, not the range '\''HEAD^-'\''" --root "HEAD^-"
'

test_expect_success 'message search names a commit' '
	setup &&
	subjects :/three && lines four && test_cmp expected actual &&
	subjects "v1..:/three" && lines two three && test_cmp expected actual &&
	subjects ":/three^!" && lines three && test_cmp expected actual &&
	fails 4 "unknown revision '\'':/no such subject'\'': no commit matches" ":/no such subject"
'

test_expect_success 'tree or blob exits 4' '
	setup &&
	tree=$(git rev-parse "HEAD^{tree}") &&
	git tag -a -m "a tree" treetag "$tree" &&
	fails 4 "revision '\''HEAD:data'\'' names a tree, not a commit" HEAD:data &&
	fails 4 "revision '\''HEAD:data/models.yaml'\'' names a blob, not a commit" HEAD:data/models.yaml &&
	fails 4 "revision '\''HEAD^{tree}'\'' names a tree, not a commit" "HEAD^{tree}" &&
	fails 4 "revision '\''$tree'\'' names a tree, not a commit" "$tree" &&
	fails 4 "revision '\''treetag'\'' names a tree, not a commit" treetag &&
	fails 4 "revision '\''treetag'\'' names a tree, not a commit" treetag..HEAD &&
	fails 4 "revision '\''treetag'\'' names a tree, not a commit" --root treetag
'

test_expect_success 'unknown revision names the end typed' '
	setup &&
	run_ma 4 diff v1..nosuch &&
	grep "^modelaudit: error: unknown revision '\''nosuch'\'': " err &&
	run_ma 4 diff "@~9" &&
	grep "^modelaudit: error: unknown revision '\''@~9'\'': " err &&
	run_ma 4 diff "nosuch^!" &&
	grep "^modelaudit: error: unknown revision '\''nosuch'\'': " err
'

test_expect_success 'messages escape control characters' '
	setup &&
	esc=$(printf "\033") &&
	fails 2 "invalid range '\''a\\x1B[31m..b..c'\'': a range has two ends, as in '\''<a>..<b>'\'' or '\''<a>...<b>'\''" "a${esc}[31m..b..c" &&
	fails 2 "invalid revision '\''^x\\ty'\'': a lone negative revision leaves no commit to report; write '\''x\\ty..HEAD'\'' for the commits since it" "$(printf "^x\ty")" &&
	fails 2 "invalid revision '\''x\\x01'\'': not valid revision syntax (see gitrevisions(7))" "$(printf "x\001..HEAD")" &&
	fails 4 "unknown revision '\'':/\\x1B'\'': no commit matches" ":/${esc}" &&
	fails 2 "--root takes one revision, not the range '\''\\x1B..'\''" --root "${esc}.."
'

test_done
