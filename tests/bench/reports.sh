#!/bin/sh
# reports.sh - the report benchmark (issue 5, part of "make bench"):
# BENCH_RECORDS history records (default 1 000 000) over BENCH_DOMAINS
# policy domains (default 10 000), all within one UTC day so that each
# domain with a DMARC record gets exactly one daily report, imported, then
# one dmarc-reports run writing every report and its mails into a folder
# (--outdir --dry-run: building, not delivering, is measured).  Prints
# wall and CPU time, reports built and peak memory, and PASS or FAIL
# against the target: under 10 seconds of CPU time (user + sys; the
# machine is shared, so wall time also counts other processes).  DNS
# goes to a private NSD.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
N=${BENCH_RECORDS:-1000000}
D=${BENCH_DOMAINS:-10000}
TARGET=10 # seconds (issue 5)
B="$TOP/$BUILD"
. "$TOP/tests/lib/nsd.sh"
TMP=$(mktemp -d)
# The reports go to a memory file system when there is one: on ext4, a
# folder's 19 000 new files cost 4-5 s of kernel time in inode allocation
# when many files were deleted shortly before (ext4's recently_deleted
# scan, seen with perf after a previous run), which measures the file
# system, not the reporter.
OUT=$TMP/out
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    OUT=$(mktemp -d /dev/shm/dmarc-bench.XXXXXX)
fi
trap 'nsd_stop "$TMP"; rm -rf "$TMP" "$OUT"' EXIT INT TERM

"$B/tests/tools/histgen" -s 7 -n "$N" -d "$D" -T 1764633600 \
    -S 86400 -o "$TMP/hist.dat" -t "$TMP/truth.txt"
"$B/dmarc-import" -q --db "$TMP/bench.db" "$TMP/hist.dat"
nsd_start "$TMP" >/dev/null
mkdir -p "$OUT"
cat >"$TMP/bench.conf" <<CONF
Database     $TMP/bench.db
Nameservers  $NSD_NS
ReportOrg    Bench Receiver
ReportEmail  dmarc@receiver.example
ReportFrom   dmarc-noreply@receiver.example
LogLevel     notice
CONF
/usr/bin/time -f '%e %U %S %M' -o "$TMP/time" \
    "$B/dmarc-reports" -c "$TMP/bench.conf" --outdir "$OUT" --dry-run \
    2>"$TMP/log" || true
read -r wall user sys rss <"$TMP/time"
grep summary "$TMP/log" | sed 's/.*summary:/bench: reports:/'
reports=$(find "$OUT" -name '*.xml.gz' | wc -l)
awk -v n="$N" -v d="$D" -v r="$reports" -v t="$wall" -v u="$user" \
    -v s="$sys" -v m="$rss" -v target="$TARGET" 'BEGIN {
    cpu = u + s
    printf "bench: %d reports built for %d records, %d policy domains\n", r, n, d
    printf "bench: reports in %.2fs CPU (user %.2fs, sys %.2fs), %.2fs wall, peak memory %.1f MB\n",
        cpu, u, s, t, m / 1024
    if (cpu < target) printf "bench: PASS: reports under %d seconds (CPU time)\n", target
    else printf "bench: FAIL: reports take %d seconds or more (CPU time)\n", target
}'
