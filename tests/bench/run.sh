#!/bin/sh
# run.sh - the import benchmark ("make bench"): generate a history file of
# BENCH_RECORDS records (default 1 000 000), import it into a new database
# and print records/s and the importer's peak memory.  The target is at
# least 100 000 records/s on one core (issue 4).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
N=${BENCH_RECORDS:-1000000}
B="$TOP/$BUILD"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

"$B/tests/tools/histgen" -s 7 -n "$N" -d 20000 -o "$TMP/hist.dat" \
    -t "$TMP/truth.txt"
bytes=$(wc -c <"$TMP/hist.dat")
echo "bench: $N records, $bytes bytes of history"

# the importer alone, on one core; GNU time gives wall time and peak RSS
taskset -c 0 /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" \
    "$B/dmarc-import" -q --db "$TMP/bench.db" "$TMP/hist.dat"
read -r wall user sys rss <"$TMP/time"
stored=$(sqlite3 "$TMP/bench.db" 'SELECT count(*) FROM messages')
echo "bench: $stored records stored in ${wall}s (user ${user}s, sys ${sys}s)"
awk -v n="$stored" -v t="$wall" -v c="$user" -v s="$sys" -v m="$rss" 'BEGIN {
    printf "bench: %.0f records/s (wall), %.0f records/s (CPU), peak memory %.1f MB\n",
        n / t, n / (c + s), m / 1024
    if (n / t < 100000) print "bench: below the 100000 records/s target"
}'
