#!/bin/sh
# The link database survives scans killed with SIGKILL at random points:
# after each kill SQLite finds it intact, and the scans that follow find
# every URL and every scan recorded. The kill times come from a seed that
# the log prints; LINKS_KILL_SEED=N repeats a run.
. "$(dirname "$0")/../lib.sh"

start_httpd 600
SEED=${LINKS_KILL_SEED:-$(date +%s)}
URLS=200
KILLS=6
export PORT U SEED URLS KILLS
echo "# kill times from LINKS_KILL_SEED=$SEED"

# One model citing URLS distinct URLs: even ones answer 200 after 20 ms,
# odd ones 404 at once.
write_registry() {
	urls=
	n=0
	while [ $n -lt $URLS ]; do
		if [ $((n % 2)) = 0 ]; then
			urls="$urls $U/hold/20?n=$n"
		else
			urls="$urls $U/status/404?n=$n"
		fi
		n=$((n + 1))
	done
	registry_yaml released=2024-01-01 sources="$urls" >models.yaml
	printf 'links:\n  archive: "off"\n  fail_after: 2\n  max_age: 0\n  per_host: 2\n' >config.yaml
}

# scan_command DAY: a scan dated 2026-01-DAY.
scan_command() {
	MODELAUDIT_TODAY=2026-01-$1 "$MODELAUDIT" links models.yaml --config config.yaml \
		--database db.sqlite --timeout 5 --retries 0 --allow-private
}

# sql QUERY: the rows of QUERY on db.sqlite, columns joined by |.
sql() {
	sqlite3 db.sqlite "$1"
}

# kill_delay K: milliseconds to let scan K run before killing it, from
# 0 to 3000, drawn from the seed. A whole scan takes a second or more
# (100 requests of 20 ms, two at a time), so most kills land inside it.
kill_delay() {
	awk -v seed="$SEED" -v k="$1" 'BEGIN { srand(seed + k * 7919); print int(rand() * 3000) }'
}

# run_scan DAY STATUS: a scan dated 2026-01-DAY that must exit STATUS,
# after which SQLite must find the database intact.
run_scan() {
	status=0
	scan_command "$1" >out 2>err || status=$?
	if [ "$status" != "$2" ]; then
		echo "scan on day $1 exited $status, expected $2" >&2
		head -c 2000 err >&2
		return 1
	fi
	test "$(sql "PRAGMA integrity_check")" = ok
}

test_expect_success 'killed scans leave the database intact' '
	write_registry &&
	k=1 &&
	while [ $k -le $KILLS ]; do
		delay=$(kill_delay $k)
		echo "scan $k killed after $delay ms"
		# Started directly, not through scan_command, so that $! is the
		# process id of modelaudit itself and not of a subshell.
		MODELAUDIT_TODAY=2026-01-1$k "$MODELAUDIT" links models.yaml --config config.yaml \
			--database db.sqlite --timeout 5 --retries 0 --allow-private >/dev/null 2>&1 &
		pid=$!
		sleep "$(awk -v ms=$delay "BEGIN { printf \"%.3f\", ms / 1000 }")"
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		if [ -f db.sqlite ] && [ "$(sql "PRAGMA integrity_check")" != ok ]; then
			echo "integrity_check failed after scan $k" >&2
			false
		fi
		k=$((k + 1))
	done &&
	run_scan 20 1 &&
	run_scan 21 1 &&
	cp db.sqlite "$TRASH_ROOT/final.sqlite" &&
	cp out "$TRASH_ROOT/final.out"
'

# The checks below read the database and report of the last scan above.

# A kill can come after a scan has ended, so a killed scan is either
# unfinished (no end, no counts) or complete.
test_expect_success 'every scan recorded, complete or unfinished' '
	cp "$TRASH_ROOT/final.sqlite" db.sqlite &&
	scans=$(sql "SELECT count(*) FROM scan") &&
	sql "SELECT * FROM scan" &&
	test "$(sql "SELECT max(id) FROM scan")" = "$scans" &&
	test "$scans" -ge 2 &&
	test "$scans" -le $((KILLS + 2)) &&
	test "$(sql "SELECT count(*) FROM scan WHERE (finished IS NULL AND urls IS NULL)
		OR (finished IS NOT NULL AND urls = $URLS AND ok = $((URLS / 2))
		    AND broken = $((URLS / 2)))")" = "$scans" &&
	echo "2026-01-20T00:00:00Z|1|$URLS|$((URLS / 2))|$((URLS / 2))" >expected &&
	sql "SELECT started, finished IS NOT NULL, urls, ok, broken FROM scan WHERE id = $((scans - 1))" >actual &&
	test_cmp expected actual &&
	echo "2026-01-21T00:00:00Z|1|$URLS|$((URLS / 2))|$((URLS / 2))" >expected &&
	sql "SELECT started, finished IS NOT NULL, urls, ok, broken FROM scan WHERE id = $scans" >actual &&
	test_cmp expected actual
'

test_expect_success 'every URL has its complete state' '
	cp "$TRASH_ROOT/final.sqlite" db.sqlite &&
	scans=$(sql "SELECT count(*) FROM scan") &&
	test "$(sql "SELECT count(*) FROM link")" = $URLS &&
	test "$(sql "SELECT count(*) FROM link WHERE last_scan = $scans")" = $URLS &&
	echo "$((URLS / 2))" >expected &&
	sql "SELECT count(*) FROM link WHERE last_class = '"'"'ok'"'"' AND consecutive_failures = 0
		AND first_failure IS NULL AND last_ok = '"'"'2026-01-21T00:00:00Z'"'"'" >actual &&
	test_cmp expected actual &&
	sql "SELECT count(*) FROM link WHERE last_class = '"'"'broken'"'"' AND last_status = 404
		AND consecutive_failures >= 2 AND consecutive_failures <= $scans
		AND first_failure >= '"'"'2026-01-11'"'"' AND first_failure <= '"'"'2026-01-20T00:00:00Z'"'"'" >actual &&
	test_cmp expected actual
'

test_expect_success 'report after the kills lists every broken URL as rotten' '
	test "$(grep -c "^  $U/status/404?n=[0-9]*: broken (404), failing since" "$TRASH_ROOT/final.out")" = $((URLS / 2)) &&
	sed -n "1p" "$TRASH_ROOT/final.out" >first &&
	echo "rotten:" >expected &&
	test_cmp expected first &&
	! grep -q "^new:" "$TRASH_ROOT/final.out"
'

test_done
