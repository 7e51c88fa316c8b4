#!/bin/sh
# modelaudit links across scans: the link database, the states new,
# failing, rotten and recovered, max_age, archived copies and the reports.
. "$(dirname "$0")/../lib.sh"

start_httpd 300

# write_registry URL...: one model citing each URL as a source.
write_registry() {
	registry_yaml released=2024-01-01 sources="$*" >models.yaml
	printf 'links:\n  archive: %s/wayback/available\n  fail_after: 2\n' "$U" >config.yaml
}

# scan DATE STATUS ARGS...: a scan on DATE with quick limits, the loopback allowed.
scan() {
	MODELAUDIT_TODAY=$1
	export MODELAUDIT_TODAY
	status=$2
	shift 2
	run_ma "$status" links models.yaml --config config.yaml --database db.sqlite \
		--timeout 2 --retries 0 --allow-private "$@"
}

requests() {
	grep -c "^[A-Z]* $1 " "$HTTPD_LOG" || true
}

# sql QUERY: the rows of QUERY on db.sqlite, one a line, columns joined by |.
sql() {
	python3 -c '
import sqlite3, sys
for row in sqlite3.connect("db.sqlite").execute(sys.argv[1]):
    print("|".join("" if v is None else str(v) for v in row))
' "$1"
}

test_expect_success 'second failed scan makes a link rotten' '
	write_registry "$U/status/404?state" "$U/flaky/state" "$U/ok?state" &&
	scan 2026-01-15 1 &&
	cat >expect <<-EOF &&
	new:
	  $U/status/404?state: broken (404), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:8:14: acme-7b
	  $U/flaky/state: server-error (500), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out &&
	scan 2026-01-16 1 &&
	cat >expect <<-EOF &&
	rotten:
	  $U/status/404?state: broken (404), failing since 2026-01-15T00:00:00Z, 2 scans in a row
	    models.yaml:8:14: acme-7b
	recovered:
	  $U/flaky/state: ok (200)
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out &&
	scan 2026-01-17 1 --format json &&
	cat >expect <<-EOF &&
	{
	  "version": 1,
	  "links": [
	    {
	      "url": "$U/status/404?state",
	      "class": "broken",
	      "status": 404,
	      "final_url": null,
	      "state": "rotten",
	      "first_failure": "2026-01-15T00:00:00Z",
	      "consecutive_failures": 3,
	      "archive": null,
	      "cited_by": [
	        {
	          "path": "models.yaml",
	          "line": 8,
	          "model": "acme-7b"
	        }
	      ]
	    },
	    {
	      "url": "$U/flaky/state",
	      "class": "ok",
	      "status": 200,
	      "final_url": null,
	      "state": "ok",
	      "first_failure": null,
	      "consecutive_failures": 0,
	      "archive": null,
	      "cited_by": [
	        {
	          "path": "models.yaml",
	          "line": 10,
	          "model": "acme-7b"
	        }
	      ]
	    },
	    {
	      "url": "$U/ok?state",
	      "class": "ok",
	      "status": 200,
	      "final_url": null,
	      "state": "ok",
	      "first_failure": null,
	      "consecutive_failures": 0,
	      "archive": null,
	      "cited_by": [
	        {
	          "path": "models.yaml",
	          "line": 12,
	          "model": "acme-7b"
	        }
	      ]
	    }
	  ],
	  "summary": {
	    "urls": 3,
	    "ok": 2,
	    "redirected": 0,
	    "broken": 1,
	    "blocked": 0,
	    "server-error": 0,
	    "unreachable": 0,
	    "refused": 0,
	    "excluded": 0
	  }
	}
	EOF
	test_cmp expect out
'

test_expect_success 'database keeps each URL and each scan' '
	write_registry "$U/status/410?db" "$U/moved?db" &&
	scan 2026-01-15 1 &&
	scan 2026-01-16 1 &&
	sql "SELECT url, first_failure, consecutive_failures, last_status, last_class, final_url, last_checked, last_ok FROM link ORDER BY url" >actual &&
	cat >expect <<-EOF &&
	$U/moved?db||0|200|redirected|$U/ok|2026-01-15T00:00:00Z|2026-01-15T00:00:00Z
	$U/status/410?db|2026-01-15T00:00:00Z|2|410|broken||2026-01-16T00:00:00Z|
	EOF
	test_cmp expect actual &&
	sql "SELECT id, started, finished IS NOT NULL, urls, ok, redirected, broken FROM scan" >actual &&
	cat >expect <<-EOF &&
	1|2026-01-15T00:00:00Z|1|2|0|1|1
	2|2026-01-16T00:00:00Z|1|2|0|1|1
	EOF
	test_cmp expect actual &&
	sql "PRAGMA journal_mode" >actual &&
	echo wal >expect &&
	test_cmp expect actual
'

test_expect_success 'max_age skips links found working recently' '
	write_registry "$U/ok?fresh" &&
	scan 2026-01-15 0 &&
	test $(requests "/ok?fresh") = 1 &&
	scan 2026-01-20 0 --format json &&
	test $(requests "/ok?fresh") = 1 &&
	grep "\"class\": \"ok\"" out &&
	grep "\"status\": 200" out &&
	scan 2026-01-20 0 &&
	echo "1 URL (0 checked): 1 ok, 0 redirected, 0 broken, 0 blocked, 0 server-error, 0 unreachable, 0 refused, 0 excluded" >expect &&
	test_cmp expect err &&
	scan 2026-01-23 0 &&
	test $(requests "/ok?fresh") = 2 &&
	scan 2026-01-23 0 --max-age 0 &&
	test $(requests "/ok?fresh") = 3
'

test_expect_success 'failing links are checked on every scan' '
	write_registry "$U/status/404?again" &&
	scan 2026-01-15 1 &&
	scan 2026-01-15 1 &&
	test $(requests "/status/404?again") = 4
'

test_expect_success 'archive suggests the copy nearest the scores' '
	write_registry "$U/status/404?archive" "$U/status/404?never-archived" &&
	cat >>models.yaml <<-EOF &&
	    benchmarks:
	      - benchmark: MMLU
	        score: 50.1
	        date: 2024-02-01
	        source: s1
	      - benchmark: GPQA
	        score: 30.5
	        date: 2024-05-10
	        source: s1
	EOF
	scan 2026-01-15 1 --archive &&
	cat >expect <<-EOF &&
	new:
	  $U/status/404?archive: broken (404), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:8:14: acme-7b
	    models.yaml:15:17: acme-7b MMLU
	    models.yaml:19:17: acme-7b GPQA
	    archived copy: http://web.archive.org/web/20240510000000/$U/status/404?archive
	  $U/status/404?never-archived: broken (404), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out &&
	grep "^GET /wayback/available?url=http%3a%2f%2f127.0.0.1%3a$PORT%2fstatus%2f404%3farchive&timestamp=20240510 " "$HTTPD_LOG"
'

test_expect_success 'archive lookup failure is a warning' '
	write_registry "$U/status/404?archive-down" &&
	printf "links:\n  archive: %s/status/500\n" "$U" >config.yaml &&
	scan 2026-01-15 1 --archive --quiet &&
	grep "^modelaudit: warning: archive lookup for $U/status/404?archive-down failed: .*HTTP status 500$" err
'

test_expect_success 'archive off looks nothing up' '
	write_registry "$U/status/404?archive-off" &&
	printf "links:\n  archive: off\n" >config.yaml &&
	scan 2026-01-15 1 --archive --format json &&
	grep "\"archive\": null" out
'

test_expect_success 'markdown report lists failing links' '
	write_registry "$U/status/404?md" "$U/ok?md" "$U/moved?md" &&
	scan 2026-01-15 1 --format markdown &&
	cat >expect <<-EOF &&
	### Link scan

	| State | URL | Result | Cited by | Suggestion |
	| --- | --- | --- | --- | --- |
	| new | $U/status/404?md | broken (404) | models.yaml:8 acme-7b |  |
	| ok | $U/moved?md | redirected (200) | models.yaml:12 acme-7b | moved to $U/ok |

	3 URLs (3 checked): 1 ok, 1 redirected, 1 broken, 0 blocked, 0 server-error, 0 unreachable, 0 refused, 0 excluded
	EOF
	test_cmp expect out
'

test_expect_success 'killed scan leaves the database consistent' '
	urls="$U/hang?killed" &&
	for n in $(seq 1 100); do
		urls="$urls $U/ok?killed$n"
	done &&
	write_registry $urls &&
	MODELAUDIT_TODAY=2026-01-15 "$MODELAUDIT" links models.yaml --config config.yaml \
		--database db.sqlite --timeout 30 --allow-private >/dev/null 2>&1 &
	pid=$! &&
	# Up to two minutes: under valgrind the scan takes far longer to store
	# its first batch.
	n=0 &&
	while [ "$(sql "SELECT count(*) FROM link" 2>/dev/null)" != 64 ] && [ $n -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done &&
	sleep 0.5 &&
	kill -9 $pid &&
	{ wait $pid || true; } &&
	sql "PRAGMA integrity_check" >actual &&
	echo ok >expect &&
	test_cmp expect actual &&
	sql "SELECT count(*) FROM link" >actual &&
	echo 64 >expect &&
	test_cmp expect actual &&
	sql "SELECT id, finished IS NULL FROM scan" >actual &&
	echo "1|1" >expect &&
	test_cmp expect actual &&
	scan 2026-01-15 0 --timeout 1 &&
	sql "SELECT count(*) FROM link" >actual &&
	echo 101 >expect &&
	test_cmp expect actual
'

test_expect_success 'unwritable database is an operational error' '
	write_registry "$U/ok" &&
	mkdir db.sqlite &&
	scan 2026-01-15 4 &&
	grep "^modelaudit: error: db.sqlite: " err
'

test_expect_success 'database goes under the repository root by default' '
	write_registry "$U/ok?root" &&
	mv config.yaml .modelaudit.yaml &&
	mkdir sub &&
	(cd sub && MODELAUDIT_TODAY=2026-01-15 "$MODELAUDIT" links ../models.yaml --allow-private --timeout 2 >/dev/null 2>&1) &&
	test -f .modelaudit/links.sqlite
'

test_done
