#!/bin/sh
# Link-scan benchmark: 2,000 URLs over 32 host names, all pinned to
# 127.0.0.1, each answered after 50 ms, checked with concurrency 32.
# Prints the scan time over the ideal 2000 * 0.05 / 32 s (target: <= 1.3).
# The time is that of the whole command, registry loading included.
#
#   sh bench/links.sh [path/to/modelaudit]
#
# URLS, HOSTS, DELAY_MS and CONCURRENCY change the set-up, BENCH_ARGS adds
# options to the scan and WRAP runs it under a wrapper (strace, time).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
MODELAUDIT=${1:-$TOP/modelaudit}
URLS=${URLS:-2000}
HOSTS=${HOSTS:-32}
DELAY_MS=${DELAY_MS:-50}
CONCURRENCY=${CONCURRENCY:-32}

work=$(mktemp -d "${TMPDIR:-/tmp}/modelaudit-bench-links.XXXXXX")
python3 "$TOP/bench/links_server.py" --delay $DELAY_MS --lifetime 600 >"$work/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT INT TERM
i=0
while [ ! -s "$work/port" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
port=$(cat "$work/port")

# Models of 20 sources each; URL n goes to host n mod HOSTS.
python3 - "$work" "$port" $URLS $HOSTS <<'PY'
import sys
work, port, urls, hosts = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(work + "/models.yaml", "w") as f:
    f.write("models:\n")
    for m in range(urls // 20):
        f.write("  - id: model-%d\n    name: Model %d\n    organization: Bench\n"
                "    released: 2024-01-01\n    sources:\n" % (m, m))
        for s in range(20):
            n = m * 20 + s
            f.write("      - id: s%d\n        url: http://host%d.bench:%s/page/%d\n"
                    % (s, n % hosts, port, n))
with open(work + "/config.yaml", "w") as f:
    f.write("links:\n  archive: off\n  resolve:\n")
    for h in range(hosts):
        f.write("    - host%d.bench:%s:127.0.0.1\n" % (h, port))
PY

start=$(python3 -c 'import time; print(time.monotonic())')
${WRAP:-} "$MODELAUDIT" links "$work/models.yaml" --config "$work/config.yaml" --database :memory: \
	--allow-private --concurrency $CONCURRENCY ${BENCH_ARGS:-} --timeout 20 --quiet >"$work/out"
end=$(python3 -c 'import time; print(time.monotonic())')

python3 - "$start" "$end" $URLS $DELAY_MS $CONCURRENCY $HOSTS <<'PY'
import sys
start, end = float(sys.argv[1]), float(sys.argv[2])
urls, delay, concurrency = int(sys.argv[3]), int(sys.argv[4]) / 1000.0, int(sys.argv[5])
hosts = int(sys.argv[6])
ideal = urls * delay / concurrency
print("links: %d URLs over %d hosts in %.2f s, ideal %.3f s, ratio %.2f (target <= 1.3)"
      % (urls, hosts, end - start, ideal, (end - start) / ideal))
PY
