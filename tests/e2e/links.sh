#!/bin/sh
# modelaudit links against the test HTTP server (tests/httpd.py) on
# 127.0.0.1: classes, redirects, retries, safety, reports and exit status.
. "$(dirname "$0")/../lib.sh"

start_httpd 300

# write_registry URL...: one model citing each URL as a source.
write_registry() {
	registry_yaml released=2024-01-01 sources="$*" >models.yaml
	printf 'links:\n  archive: %s/wayback/available\n' "$U" >config.yaml
}

# scan ARGS...: a scan of models.yaml with quick limits, the loopback allowed.
scan() {
	status=$1
	shift
	run_ma "$status" links models.yaml --config config.yaml --database db.sqlite \
		--timeout 2 --retries 0 --allow-private "$@"
}

# timed_scan STATUS ARGS...: scan, and set $took to the whole seconds it
# took. Tests compare $took with a scan of a working link in the same test,
# so that a slow build (valgrind) moves both.
timed_scan() {
	timed_start=$(date +%s) &&
	scan "$@" &&
	took=$(($(date +%s) - timed_start))
}

# baseline: $base, the seconds a scan of one working link takes.
baseline() {
	write_registry "$U/ok" &&
	timed_scan 0 &&
	base=$took
}

# requests PATH: how many requests for PATH the server logged.
requests() {
	grep -c "^[A-Z]* $1 " "$HTTPD_LOG" || true
}

test_expect_success 'working link exits 0 and lists nothing' '
	write_registry "$U/ok" &&
	scan 0 &&
	test_cmp /dev/null out &&
	echo "1 URL (1 checked): 1 ok, 0 redirected, 0 broken, 0 blocked, 0 server-error, 0 unreachable, 0 refused, 0 excluded" >expect &&
	test_cmp expect err
'

test_expect_success '404 and 410 are broken' '
	write_registry "$U/status/404" "$U/status/410" &&
	scan 1 &&
	cat >expect <<-EOF &&
	new:
	  $U/status/404: broken (404), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:8:14: acme-7b
	  $U/status/410: broken (410), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out
'

test_expect_success '500 is a server error, a warning' '
	write_registry "$U/status/500" &&
	scan 0 --quiet &&
	cat >expect <<-EOF &&
	new:
	  $U/status/500: server-error (500), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:8:14: acme-7b
	EOF
	test_cmp expect out &&
	test_cmp /dev/null err &&
	scan 1 --quiet --fail-on warning
'

test_expect_success 'HEAD refused with 405 falls back to GET' '
	write_registry "$U/head-405" &&
	scan 0 --format json &&
	grep "\"class\": \"ok\"" out &&
	grep "^HEAD /head-405 " "$HTTPD_LOG" &&
	grep "^GET /head-405 " "$HTTPD_LOG"
'

test_expect_success 'HEAD answered 404 falls back to GET' '
	write_registry "$U/head-404" &&
	scan 0 --format json &&
	grep "\"class\": \"ok\"" out &&
	grep "\"status\": 200" out
'

test_expect_success 'permanent redirects suggest their target' '
	write_registry "$U/moved" "$U/moved-308" &&
	scan 0 &&
	cat >expect <<-EOF &&
	ok:
	  $U/moved: redirected (200), moved permanently to $U/ok
	    models.yaml:8:14: acme-7b
	  $U/moved-308: redirected (200), moved permanently to $U/ok
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out &&
	scan 1 --fail-on note
'

test_expect_success 'temporary and relative redirects are ok' '
	write_registry "$U/found" "$U/dir/relative" "$U/chain/10" &&
	scan 0 --format json &&
	test $(grep -c "\"class\": \"ok\"" out) = 3 &&
	grep "\"final_url\": \"$U/ok\"" out &&
	grep "\"final_url\": \"$U/chain/0\"" out
'

test_expect_success 'redirect loop is broken' '
	write_registry "$U/loop" &&
	scan 1 &&
	grep "^  $U/loop: broken (302): more than 10 redirects, redirected to $U/loop," out &&
	test $(requests /loop) -ge 11
'

test_expect_success 'redirect to ftp is refused' '
	write_registry "$U/to-ftp" &&
	scan 0 &&
	grep "^  $U/to-ftp: refused (302): redirect to a URL that is not http or https$" out
'

test_expect_success 'redirect to an invalid location is broken' '
	write_registry "$U/to-junk" &&
	scan 1 &&
	grep "^  $U/to-junk: broken (301): redirect to a location that is not a valid URL, failing since" out
'

test_expect_success '429 with Retry-After is retried' '
	write_registry "$U/retry-429/a" &&
	scan 0 --retries 1 --format json &&
	grep "\"class\": \"ok\"" out &&
	test $(requests /retry-429/a) = 2
'

test_expect_success '429 without retries left is blocked' '
	write_registry "$U/retry-429/b" &&
	scan 0 --format json &&
	grep "\"class\": \"blocked\"" out &&
	grep "\"status\": 429" out
'

test_expect_success '503 with an HTTP-date Retry-After is retried' '
	write_registry "$U/retry-503/a" &&
	scan 0 --retries 1 --format json &&
	grep "\"class\": \"ok\"" out &&
	test $(requests /retry-503/a) = 2
'

test_expect_success 'transient 500 is retried with backoff' '
	write_registry "$U/flaky/a" &&
	scan 0 --retries 2 --format json &&
	grep "\"class\": \"ok\"" out
'

test_expect_success 'bot challenges are blocked, not broken' '
	write_registry "$U/challenge" "$U/challenge-503" &&
	scan 0 &&
	cat >expect <<-EOF &&
	not verified (blocked or refused):
	  $U/challenge: blocked (403): bot challenge
	    models.yaml:8:14: acme-7b
	  $U/challenge-503: blocked (503): bot challenge
	    models.yaml:10:14: acme-7b
	EOF
	test_cmp expect out
'

test_expect_success 'server that never answers times out' '
	baseline &&
	write_registry "$U/hang" &&
	timed_scan 0 --timeout 1 &&
	test $took -le $((base + 3)) &&
	grep "^  $U/hang: unreachable: timed out," out
'

test_expect_success 'huge body is read only in part' '
	write_registry "$U/huge" &&
	scan 0 --format json &&
	grep "\"class\": \"ok\"" out &&
	python3 -c "
import json, time, urllib.request
for _ in range(300):
    sent = json.load(urllib.request.urlopen(\"$U/_huge\"))
    if sent:
        break
    time.sleep(0.1)
print(len(sent), sent[0] < 64 << 20)
" >sent &&
	echo "1 True" >expect &&
	test_cmp expect sent
'

test_expect_success 'reply that is not HTTP is unreachable' '
	write_registry "$U/garbage" &&
	scan 0 &&
	grep "^  $U/garbage: unreachable: malformed reply," out
'

test_expect_success 'header lines that are not headers do not crash' '
	write_registry "$U/bad-headers" &&
	scan 0 &&
	grep "^  $U/bad-headers: unreachable: malformed reply," out
'

test_expect_success 'endless headers end within the timeout' '
	baseline &&
	write_registry "$U/endless-headers" &&
	timed_scan 0 --timeout 2 &&
	test $took -le $((base + 4)) &&
	grep "^  $U/endless-headers: unreachable: " out
'

test_expect_success 'Retry-After longer than the timeout is capped' '
	baseline &&
	write_registry "$U/retry-long/a" &&
	timed_scan 0 --timeout 1 --retries 1 --format json &&
	test $took -le $((base + 3)) &&
	grep "\"class\": \"ok\"" out &&
	test $(requests /retry-long/a) = 2
'

test_expect_success 'closed port is unreachable' '
	closed=$(python3 -c "import socket; s = socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])") &&
	write_registry "http://127.0.0.1:$closed/ok" &&
	scan 0 &&
	grep "^  http://127.0.0.1:$closed/ok: unreachable: could not connect," out
'

test_expect_success 'loopback address is refused by default' '
	write_registry "$U/ok?refused" &&
	run_ma 0 links models.yaml --config config.yaml --database db.sqlite &&
	cat >expect <<-EOF &&
	not verified (blocked or refused):
	  $U/ok?refused: refused: 127.0.0.1 is not a public address
	    models.yaml:8:14: acme-7b
	EOF
	test_cmp expect out &&
	test $(requests "/ok?refused") = 0 &&
	run_ma 1 links models.yaml --config config.yaml --database db.sqlite --fail-on warning
'

test_expect_success 'pinned host name is refused by its address' '
	write_registry "http://pinned.test:$PORT/ok" &&
	run_ma 0 links models.yaml --config config.yaml --database db.sqlite \
		--resolve "pinned.test:$PORT:127.0.0.1" &&
	grep "^  http://pinned.test:$PORT/ok: refused: 127.0.0.1 is not a public address$" out
'

test_expect_success 'command-line pin wins over the configuration' '
	write_registry "http://pin.test:$PORT/ok?pin" &&
	printf "  resolve: [\"pin.test:$PORT:127.0.0.2\"]\n" >>config.yaml &&
	scan 0 --resolve "pin.test:$PORT:127.0.0.1" &&
	echo "1 URL (1 checked): 1 ok, 0 redirected, 0 broken, 0 blocked, 0 server-error, 0 unreachable, 0 refused, 0 excluded" >expect &&
	test_cmp expect err
'

test_expect_success 'per-host limit holds on the server' '
	urls="" &&
	for h in a b; do
		for n in 1 2 3 4 5 6 7 8; do
			urls="$urls http://$h.test:$PORT/hold/300?$n"
		done
	done &&
	write_registry $urls &&
	scan 0 --concurrency 16 --per-host 2 \
		--resolve "a.test:$PORT:127.0.0.1" --resolve "b.test:$PORT:127.0.0.1" &&
	python3 -c "import urllib.request; print(urllib.request.urlopen(\"$U/_stats\").read().decode())" >stats &&
	echo "{\"max_in_flight\": {\"a.test:$PORT\": 2, \"b.test:$PORT\": 2}}" >expect &&
	test_cmp expect stats
'

test_expect_success 'many host names are each limited' '
	urls="" &&
	pins="" &&
	for n in $(seq 1 40); do
		urls="$urls http://h$n.test:$PORT/ok?many"
		pins="$pins --resolve h$n.test:$PORT:127.0.0.1"
	done &&
	write_registry $urls &&
	scan 0 --per-host 1 --concurrency 8 $pins &&
	echo "40 URLs (40 checked): 40 ok, 0 redirected, 0 broken, 0 blocked, 0 server-error, 0 unreachable, 0 refused, 0 excluded" >expect &&
	test_cmp expect err
'

test_expect_success 'URL cited many times is checked once' '
	write_registry "$U/status/404?once" "$U/status/404?once" &&
	cat >>models.yaml <<-EOF &&
	    benchmarks:
	      - benchmark: MMLU
	        score: 50.1
	        date: 2024-02-01
	        source: s1
	      - benchmark: GPQA
	        score: 30.5
	        date: 2024-03-01
	        source: $U/status/404?once
	EOF
	scan 1 &&
	cat >expect <<-EOF &&
	new:
	  $U/status/404?once: broken (404), failing since 2026-01-15T00:00:00Z, 1 scan in a row
	    models.yaml:8:14: acme-7b
	    models.yaml:10:14: acme-7b
	    models.yaml:15:17: acme-7b MMLU
	    models.yaml:19:17: acme-7b GPQA
	EOF
	test_cmp expect out &&
	test $(requests "/status/404?once") = 2
'

test_expect_success 'requests name modelaudit in the User-Agent' '
	write_registry "$U/ok?agent" &&
	scan 0 &&
	grep "^HEAD /ok?agent 127.0.0.1:$PORT modelaudit/[0-9.]* (link-rot scan)$" "$HTTPD_LOG"
'

test_expect_success 'excluded URLs are not checked' '
	write_registry "$U/status/404?excluded" &&
	printf "  exclude: [\"[?]excluded\$\"]\n" >>config.yaml &&
	scan 0 --format json &&
	grep "\"class\": \"excluded\"" out &&
	test $(requests "/status/404?excluded") = 0
'

test_expect_success 'invalid exclude pattern is a configuration error' '
	write_registry "$U/ok" &&
	printf "  exclude: [\"(\"]\n" >>config.yaml &&
	scan 3 &&
	grep "^modelaudit: error: links.exclude: invalid exclude pattern" err
'

test_expect_success 'invalid options are usage errors' '
	write_registry "$U/ok" &&
	scan 2 --concurrency 0 &&
	echo "modelaudit: error: --concurrency must be a whole number from 1 to 1000000, not '\''0'\''" >expect &&
	test_cmp expect err &&
	scan 2 --resolve nonsense &&
	grep "^modelaudit: error: --resolve: invalid resolve pin" err &&
	scan 2 --format sarif
'

test_expect_success 'progress line shows on a terminal only' '
	command -v script >/dev/null || exit 0
	write_registry "$U/ok?progress" &&
	scan 0 &&
	! grep "checking links" err &&
	script -qec "\"$MODELAUDIT\" links models.yaml --config config.yaml --database db.sqlite --allow-private --max-age 0 2>&1" /dev/null >tty &&
	grep "modelaudit: checking links: 1/1 done" tty
'

test_expect_success 'man page documents every option' '
	run_ma 0 links --help &&
	python3 - "$TOP/man/modelaudit-links.1" out <<-\EOF
	import re, sys
	man = open(sys.argv[1]).read().replace("\\-", "-")
	options = re.findall(r"^    --([a-z-]+)", open(sys.argv[2]).read(), re.M)
	missing = [o for o in options if not re.search(r"^\.BI? --%s\b" % re.escape(o), man, re.M)]
	print("undocumented:", " ".join(missing))
	sys.exit(1 if missing or len(options) < 10 else 0)
	EOF
'

test_done
