#!/bin/sh
# diff, blame and check on a repository whose object database or refs are
# damaged on purpose. Each fails with exit status 4 and one error line
# that names the revision or the object, and never hangs. A JSON document
# is left out rather than cut short. In the text format the commits
# reported before the damage stay on standard output.
. "$(dirname "$0")/../lib.sh"

# A failed walk leaks in libgit2 (see tests/lsan.supp), which LeakSanitizer
# can tell apart only with full allocation stacks.
ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export ASAN_OPTIONS

# history: a repository "repo" (the current directory after the call) of
# four commits "score 0.80" to "score 0.83", each setting the MMLU score
# of acme-7b in data/models.yaml.
history() {
	make_repo repo && cd repo && mkdir data &&
	for v in 0.80 0.81 0.82 0.83; do
		registry_yaml score="MMLU 5-shot $v" >data/models.yaml &&
		git add . && git commit -qm "score $v" || return 1
	done
}

# object_file ID: the path of loose object ID.
object_file() {
	echo ".git/objects/$(echo "$1" | cut -c1-2)/$(echo "$1" | cut -c3-)"
}

# cut_in_half FILE: truncates FILE to half its size.
cut_in_half() {
	chmod u+w "$1" &&
	size=$(wc -c <"$1") &&
	head -c $((size / 2)) "$1" >"$1.half" &&
	mv "$1.half" "$1"
}

# write_loose ID TEXT: replaces loose object ID with the zlib stream of
# TEXT, in which printf escapes such as \0 apply.
write_loose() {
	chmod u+w "$(object_file "$1")" &&
	printf "$2" | python3 -c "import sys, zlib; sys.stdout.buffer.write(zlib.compress(sys.stdin.buffer.read()))" \
		>"$(object_file "$1")"
}

# fails_with MESSAGE ARGS...: modelaudit ARGS exits 4 with nothing on
# standard output and "modelaudit: error: MESSAGE" alone on standard error.
fails_with() {
	message=$1
	shift
	run_ma 4 "$@" &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: $message" >expected &&
	test_cmp expected err
}

# header REV SUBJECT: how diff starts the report of commit REV.
header() {
	printf 'commit %s\nAuthor: A U Thor <author@example.org>\nDate:   2025-01-01T12:00:00Z\n\n    %s\n\n' \
		"$(git rev-parse "$1")" "$2"
}

# first_commit: what diff --root prints for the first commit of history.
first_commit() {
	header HEAD~3 "score 0.80" &&
	printf 'data/models.yaml:2: added model acme-7b\n\n'
}

# stops_after_first_commit MESSAGE: diff --root exits 4 after it reports
# the first commit, with "modelaudit: error: MESSAGE" alone on standard
# error.
stops_after_first_commit() {
	run_ma 4 diff --root &&
	first_commit >expected &&
	test_cmp expected out &&
	echo "modelaudit: error: $1" >expected &&
	test_cmp expected err
}

# with_timeout: makes run_ma stop modelaudit after 120 seconds, which
# then exits 124 and fails the test, rather than hanging it.
with_timeout() {
	printf '#!/bin/sh\nexec timeout 120 "%s" "$@"\n' "$MODELAUDIT" >../timed &&
	chmod +x ../timed &&
	MODELAUDIT=$PWD/../timed
}

test_expect_success 'truncated pack fails every command' '
	history &&
	head=$(git rev-parse HEAD) &&
	git repack -qad &&
	cut_in_half .git/objects/pack/*.pack &&
	pack=$(echo "$PWD"/.git/objects/pack/*.pack) &&
	reason="object not found - no match for id ($head) (the pack file $pack is damaged or cut short: it does not end with the checksum that its index records)" &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff --root &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff --root --format json &&
	fails_with "unknown revision '\''HEAD~1'\'': $reason" diff HEAD~1 &&
	fails_with "unknown revision '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "unknown revision '\''HEAD'\'': $reason" check --rev HEAD &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff
'

test_expect_success 'truncated pack below loose commits' '
	history &&
	packed=$(git rev-parse HEAD) &&
	git repack -qad &&
	for v in 0.84 0.85; do
		registry_yaml score="MMLU 5-shot $v" >data/models.yaml &&
		git commit -qam "score $v" || exit 1
	done &&
	cut_in_half .git/objects/pack/*.pack &&
	pack=$(echo "$PWD"/.git/objects/pack/*.pack) &&
	reason="object not found - no match for id ($packed) (the pack file $pack is damaged or cut short: it does not end with the checksum that its index records)" &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot walk the history of '\''HEAD~1..HEAD'\'': $reason" diff HEAD~1 &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "unknown revision '\''HEAD~2'\'': $reason" check --rev HEAD~2 &&
	run_ma 0 check --rev HEAD &&
	run_ma 0 diff &&
	test_cmp /dev/null out
'

test_expect_success 'truncated pack in an alternate' '
	history &&
	head=$(git rev-parse HEAD) &&
	git repack -qad &&
	cd .. && git clone -q --shared repo shared && cd shared &&
	pack=$(cd ../repo/.git/objects/pack && echo "$PWD"/*.pack) &&
	cut_in_half "$pack" &&
	fails_with "unknown revision '\''HEAD'\'': object not found - no match for id ($head) (the pack file $pack is damaged or cut short: it does not end with the checksum that its index records)" diff --root
'

test_expect_success 'pack file missing beside its index' '
	history &&
	head=$(git rev-parse HEAD) &&
	git repack -qad &&
	pack=$(echo "$PWD"/.git/objects/pack/*.pack) &&
	chmod u+w .git/objects/pack/* &&
	mv "$pack" ../moved.pack &&
	fails_with "unknown revision '\''HEAD'\'': object not found - no match for id ($head) (the pack file $pack is missing, so the objects of its index cannot be read)" diff --root
'

# The fan-out entry of the blob's first byte is raised past the count of
# objects, so a search of the index would run past its table of names.
test_expect_success 'pack index with a decreasing fan-out' '
	make_repo repo && cd repo && mkdir data &&
	registry_yaml >data/models.yaml && git add . && git commit -qm one &&
	blob=$(git rev-parse HEAD:data/models.yaml) &&
	echo "$blob" | git pack-objects -q .git/objects/pack/pack >/dev/null &&
	rm "$(object_file "$blob")" &&
	idx=$(echo .git/objects/pack/*.idx) &&
	chmod u+w "$idx" &&
	python3 -c "
import sys
path, first = sys.argv[1], int(sys.argv[2][:2], 16)
data = bytearray(open(path, \"rb\").read())
data[8 + 4 * first:12 + 4 * first] = (0x7fffffff).to_bytes(4, \"big\")
open(path, \"wb\").write(data)
" "$idx" "$blob" &&
	reason="cannot read '\''data/models.yaml'\'' (blob $blob): object not found - no match for id ($blob)" &&
	fails_with "$reason" diff --root &&
	fails_with "$reason" blame acme-7b
'

test_expect_success 'missing blob in an old commit' '
	history &&
	gone=$(git rev-parse HEAD~2:data/models.yaml) &&
	rm "$(object_file "$gone")" &&
	message="cannot read '\''data/models.yaml'\'' (blob $gone): object not found - no match for id ($gone)" &&
	stops_after_first_commit "$message" &&
	fails_with "$message" diff --root --format json &&
	fails_with "$message" diff --root --format markdown &&
	fails_with "$message" blame acme-7b &&
	fails_with "$message" check --rev HEAD~2 &&
	run_ma 0 diff HEAD~1 &&
	grep "^data/models.yaml:12: changed score acme-7b MMLU (5-shot): score 0.82 -> 0.83$" out &&
	run_ma 0 check --rev HEAD
'

test_expect_success 'missing blob at HEAD' '
	history &&
	gone=$(git rev-parse HEAD:data/models.yaml) &&
	rm "$(object_file "$gone")" &&
	message="cannot read '\''data/models.yaml'\'' (blob $gone): object not found - no match for id ($gone)" &&
	run_ma 4 diff --root &&
	test "$(grep -c "^commit " out)" = 3 &&
	echo "modelaudit: error: $message" >expected &&
	test_cmp expected err &&
	fails_with "$message" diff HEAD~1 --net &&
	fails_with "$message" blame acme-7b &&
	fails_with "$message" check --rev HEAD &&
	registry_yaml score="MMLU 5-shot 0.84" >data/models.yaml &&
	fails_with "$message" diff &&
	run_ma 0 check
'

test_expect_success 'missing registry directory tree is no removal' '
	history &&
	gone=$(git rev-parse HEAD~2:data) &&
	rm "$(object_file "$gone")" &&
	message="cannot read a tree on the path to '\''data/models.yaml'\'': object not found - no match for id ($gone)" &&
	stops_after_first_commit "$message" &&
	fails_with "$message" blame acme-7b &&
	fails_with "$message" check --rev HEAD~2
'

test_expect_success 'missing tree below a registry directory' '
	history &&
	echo "registry: [data/]" >.modelaudit.yaml &&
	mkdir data/more && registry_yaml id=beta-7b >data/more/beta.yaml &&
	git add . && git commit -qm more &&
	gone=$(git rev-parse HEAD:data/more) &&
	rm "$(object_file "$gone")" &&
	message="cannot read the tree of '\''data'\'': object not found - no match for id ($gone)" &&
	run_ma 4 diff HEAD~1 &&
	test_cmp /dev/null out &&
	echo "modelaudit: error: $message" >expected &&
	test_cmp expected err &&
	fails_with "$message" check --rev HEAD
'

test_expect_success 'loose blob that is not zlib' '
	history &&
	bad=$(git rev-parse HEAD~2:data/models.yaml) &&
	chmod u+w "$(object_file "$bad")" &&
	echo "not a zlib stream" >"$(object_file "$bad")" &&
	message="cannot read '\''data/models.yaml'\'' (blob $bad): loose object $bad is corrupt: not a valid zlib stream (incorrect header check)" &&
	stops_after_first_commit "$message" &&
	fails_with "$message" blame acme-7b &&
	fails_with "$message" check --rev HEAD~2
'

test_expect_success 'loose commit that is not zlib' '
	history &&
	bad=$(git rev-parse HEAD~2) &&
	chmod u+w "$(object_file "$bad")" &&
	echo "not a zlib stream" >"$(object_file "$bad")" &&
	reason="loose object $bad is corrupt: not a valid zlib stream (incorrect header check)" &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "cannot read revision '\''HEAD~2'\'': $reason" check --rev HEAD~2 &&
	run_ma 0 check --rev HEAD
'

test_expect_success 'truncated loose objects fail without hanging' '
	history &&
	with_timeout &&
	commit=$(git rev-parse HEAD~2) &&
	cut_in_half "$(object_file "$commit")" &&
	reason="loose object $commit is corrupt: its zlib stream is cut short" &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "cannot read revision '\''HEAD~2'\'': $reason" check --rev HEAD~2 &&
	blob=$(git rev-parse HEAD:data/models.yaml) &&
	cut_in_half "$(object_file "$blob")" &&
	fails_with "cannot read '\''data/models.yaml'\'' (blob $blob): loose object $blob is corrupt: its zlib stream is cut short" \
		check --rev HEAD
'

test_expect_success 'truncated loose commit named by an abbreviated id' '
	history &&
	with_timeout &&
	commit=$(git rev-parse HEAD~2) &&
	short=$(echo "$commit" | cut -c1-9) &&
	cut_in_half "$(object_file "$commit")" &&
	reason="loose object $commit is corrupt: its zlib stream is cut short" &&
	fails_with "cannot read revision '\''$short'\'': $reason" diff "$short" &&
	fails_with "cannot read revision '\''$short~1'\'': $reason" check --rev "$short~1" &&
	fails_with "cannot read revision '\''$short'\'': $reason" check --rev "$short"
'

test_expect_success 'truncated loose object in an alternate' '
	history &&
	with_timeout &&
	commit=$(git rev-parse HEAD~2) &&
	blob=$(git rev-parse HEAD:data/models.yaml) &&
	cd .. && git clone -q --shared repo shared && cd shared &&
	MODELAUDIT=$PWD/../timed &&
	cut_in_half "../repo/$(object_file "$commit")" &&
	reason="loose object $commit is corrupt: its zlib stream is cut short" &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" blame acme-7b &&
	cut_in_half "../repo/$(object_file "$blob")" &&
	fails_with "cannot read '\''data/models.yaml'\'' (blob $blob): loose object $blob is corrupt: its zlib stream is cut short" \
		check --rev HEAD
'

test_expect_success 'loose object sizes checked against the header' '
	history &&
	blob=$(git rev-parse HEAD~2:data/models.yaml) &&
	prefix="cannot read '\''data/models.yaml'\'' (blob $blob): loose object $blob is corrupt" &&
	write_loose "$blob" "blob 5\\0models: []\\n" &&
	fails_with "$prefix: longer than its header says" check --rev HEAD~2 &&
	write_loose "$blob" "blob 500\\0models: []\\n" &&
	fails_with "$prefix: shorter than its header says" check --rev HEAD~2 &&
	write_loose "$blob" "blob 9999999\\0models: []\\n" &&
	fails_with "$prefix: its header gives a size larger than the file can hold" check --rev HEAD~2 &&
	write_loose "$blob" "blob\\0models: []\\n" &&
	fails_with "$prefix: no valid object header" check --rev HEAD~2 &&
	write_loose "$blob" "blob 011\\0models: []\\n" &&
	fails_with "$prefix: no valid object header" check --rev HEAD~2 &&
	write_loose "$blob" "blob 0\\0" &&
	run_ma 1 check --rev HEAD~2 &&
	grep -q "^data/models.yaml:1:1: error: file holds no YAML document" out &&
	write_loose "$blob" "" &&
	fails_with "$prefix: no valid object header" check --rev HEAD~2 &&
	: >"$(object_file "$blob")" &&
	fails_with "$prefix: the file is empty" check --rev HEAD~2 &&
	write_loose "$blob" "blob 11\\0models: []\\n" &&
	run_ma 0 check --rev HEAD~2
'

test_expect_success 'packed copy wins over corrupt loose copy' '
	history &&
	git repack -qad &&
	blob=$(git rev-parse HEAD:data/models.yaml) &&
	mkdir -p "$(dirname "$(object_file "$blob")")" &&
	echo "not a zlib stream" >"$(object_file "$blob")" &&
	run_ma 0 check --rev HEAD &&
	run_ma 0 diff --root &&
	test "$(grep -c "^commit " out)" = 4
'

test_expect_success 'packed copy wins for an abbreviated id' '
	history &&
	git repack -qad &&
	commit=$(git rev-parse HEAD~1) &&
	short=$(echo "$commit" | cut -c1-9) &&
	mkdir -p "$(dirname "$(object_file "$commit")")" &&
	echo "not a zlib stream" >"$(object_file "$commit")" &&
	git cat-file -e "$short" &&
	run_ma 0 check --rev "$short" --quiet &&
	run_ma 0 diff "$short" &&
	grep -q "^commit $(git rev-parse HEAD)$" out &&
	run_ma 0 check --rev "$commit" --quiet
'

test_expect_success 'missing parent commit stops the walk' '
	history &&
	first=$(git rev-parse HEAD~3) &&
	gone=$(git rev-parse HEAD~2) &&
	rm "$(object_file "$gone")" &&
	reason="object not found - no match for id ($gone)" &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root --format json &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" diff --root --first-parent &&
	fails_with "cannot walk the history of '\''$first..HEAD'\'': $reason" diff "$first..HEAD" &&
	fails_with "cannot walk the history of '\''$first..HEAD'\'': $reason" diff "$first..HEAD" --net &&
	fails_with "unknown revision '\''HEAD~3'\'': $reason" diff HEAD~3 &&
	fails_with "cannot walk the history of '\''HEAD'\'': $reason" blame acme-7b &&
	run_ma 0 check --rev HEAD~1
'

test_expect_success 'branch naming a missing object' '
	history &&
	missing=0123456789012345678901234567890123456789 &&
	echo $missing >.git/refs/heads/main &&
	reason="object not found - no match for id ($missing)" &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff --root &&
	fails_with "unknown revision '\''HEAD~1'\'': $reason" diff HEAD~1 &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff &&
	fails_with "unknown revision '\''HEAD'\'': $reason" diff --staged &&
	fails_with "unknown revision '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "unknown revision '\''HEAD'\'': $reason" check --rev HEAD &&
	run_ma 0 check --staged
'

test_expect_success 'detached HEAD naming a blob' '
	history &&
	git rev-parse HEAD:data/models.yaml >blob &&
	cp blob .git/HEAD &&
	fails_with "revision '\''HEAD'\'' names a blob, not a commit" diff --root &&
	fails_with "unknown revision '\''HEAD~1'\'': '\''HEAD'\'' names a blob, not a commit" diff HEAD~1 &&
	fails_with "revision '\''HEAD'\'' names a blob, not a commit" diff &&
	fails_with "revision '\''HEAD'\'' names a blob, not a commit" blame acme-7b &&
	fails_with "revision '\''HEAD'\'' names a blob, not a commit" check --rev HEAD
'

test_expect_success 'branch naming a tree' '
	history &&
	git rev-parse HEAD^{tree} >tree &&
	cp tree .git/refs/heads/main &&
	fails_with "revision '\''main'\'' names a tree, not a commit" diff --root main &&
	fails_with "unknown revision '\''main~1'\'': '\''main'\'' names a tree, not a commit" diff main~1..main &&
	fails_with "unknown revision '\''main^'\'': '\''main'\'' names a tree, not a commit" check --rev main^
'

test_expect_success 'corrupt HEAD file' '
	history &&
	echo garbage >.git/HEAD &&
	reason="corrupted loose reference file: HEAD" &&
	fails_with "cannot read revision '\''HEAD'\'': $reason" diff --root &&
	fails_with "cannot read revision '\''HEAD~1'\'': $reason" diff HEAD~1 &&
	fails_with "cannot read revision '\''HEAD'\'': $reason" blame acme-7b &&
	fails_with "cannot read revision '\''HEAD'\'': $reason" check --rev HEAD
'

test_expect_success 'registry file replaced by a submodule' '
	history &&
	git rm -q --cached data/models.yaml &&
	git update-index --add --cacheinfo "160000,$(git rev-parse HEAD~1),data/models.yaml" &&
	git commit -qm submodule &&
	run_ma 0 diff HEAD~1 &&
	{
		header HEAD submodule &&
		echo "data/models.yaml:2: removed model acme-7b" &&
		printf "\nintroduced:\n%s\n\n" "data/models.yaml:2:5: warning: model acme-7b was removed [model-removed]"
	} >expected &&
	test_cmp expected out &&
	message="data/models.yaml: a submodule in HEAD, not a file or a directory" &&
	fails_with "$message" check --rev HEAD &&
	fails_with "$message" blame acme-7b &&
	fails_with "data/models.yaml: not found in the index" check --staged &&
	run_ma 0 diff --staged &&
	test_cmp /dev/null out
'

test_expect_success 'registry file replaced by a symbolic link' '
	history &&
	git mv data/models.yaml models.yaml &&
	ln -s ../models.yaml data/models.yaml &&
	git add . && git commit -qm link &&
	run_ma 0 diff HEAD~1 &&
	{
		header HEAD link &&
		echo "data/models.yaml:2: removed model acme-7b" &&
		printf "\nintroduced:\n%s\n\n" "data/models.yaml:2:5: warning: model acme-7b was removed [model-removed]"
	} >expected &&
	test_cmp expected out &&
	message="data/models.yaml: a symbolic link in HEAD, not a file or a directory" &&
	fails_with "$message" check --rev HEAD &&
	fails_with "$message" blame acme-7b &&
	fails_with "data/models.yaml: not found in the index" check --staged
'

test_done
