#!/bin/sh
# reports.sh - the report benchmark (issue 5): BENCH_RECORDS history
# records (default 1 000 000) over BENCH_DOMAINS policy domains (default
# 10 000), imported, then one dmarc-reports run writing every report into
# a folder (--outdir --dry-run: building, not delivering, is measured).
# Prints wall and CPU time and peak memory.  DNS goes to a private NSD.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
N=${BENCH_RECORDS:-1000000}
D=${BENCH_DOMAINS:-10000}
B="$TOP/$BUILD"
. "$TOP/tests/lib/nsd.sh"
TMP=$(mktemp -d)
trap 'nsd_stop "$TMP"; rm -rf "$TMP"' EXIT INT TERM

"$B/tests/tools/histgen" -s 7 -n "$N" -d "$D" -T 1764633600 \
    -o "$TMP/hist.dat" -t "$TMP/truth.txt"
"$B/dmarc-import" -q --db "$TMP/bench.db" "$TMP/hist.dat"
nsd_start "$TMP" >/dev/null
mkdir "$TMP/out"
cat >"$TMP/bench.conf" <<CONF
Database     $TMP/bench.db
Nameservers  $NSD_NS
ReportOrg    Bench Receiver
ReportEmail  dmarc@receiver.example
ReportFrom   dmarc-noreply@receiver.example
LogLevel     notice
CONF
/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" \
    "$B/dmarc-reports" -c "$TMP/bench.conf" --outdir "$TMP/out" --dry-run \
    2>"$TMP/log" || true
read -r wall user sys rss <"$TMP/time"
grep summary "$TMP/log" | sed 's/.*summary:/bench: reports:/'
echo "bench: reports for $N records, $D domains in ${wall}s wall" \
    "(user ${user}s, sys ${sys}s), peak memory $((rss / 1024)) MB"
