#!/bin/sh
# milter.sh - the milter benchmark (part of "make bench"): dmarc-milter on
# an inet: socket (TCP, where a missing TCP_NODELAY shows as a 40 ms stall
# per message against a client without TCP_QUICKACK, as Postfix is),
# driven by tests/tools/milterclient at concurrency 1 and 16 with a mix
# of messages (SPF pass, p=reject failure, p=quarantine failure, no
# record) against an NSD on loopback.  Prints messages/s, p50/p99
# latency and the milter's CPU microseconds per message (utime + stime
# from /proc/PID/stat before and after each run).  BENCH_MESSAGES sets
# the messages per run (default 20 000).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-build}
export TOP BUILD
N=${BENCH_MESSAGES:-20000}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
dir=$(mktemp -d)
trap 'mt_stop; nsd_stop "$dir"; rm -rf "$dir"' EXIT INT TERM

nsd_zone "$dir" pass.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject"
@        TXT "v=spf1 ip4:192.0.2.0/24 -all"
ZONE
nsd_zone "$dir" reject.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject"
@        TXT "v=spf1 -all"
ZONE
nsd_zone "$dir" quar.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=quarantine"
@        TXT "v=spf1 -all"
ZONE
nsd_zone "$dir" norec.test <<'ZONE'
www      A   192.0.2.99
ZONE
nsd_start "$dir"
for d in pass reject quar norec; do
    printf 'From: <a@%s.test>\nTo: <b@receiver.test>\nSubject: bench\nDate: Tue, 24 Nov 2026 10:00:00 +0000\nMessage-ID: <%s@bench.test>\n\nbody\n' \
        "$d" "$d" >"$dir/$d.eml"
done
port=$(nsd_free_port)
mt_conf "$dir/m.conf" "Socket inet:$port@127.0.0.1" "SPFSelfValidate true" \
    "RejectFailures true" "HistoryFile $dir/history" "LogLevel warning"
mt_start "$dir/m.conf"
hz=$(getconf CLK_TCK)

# cpu_ticks - utime + stime of the milter, in clock ticks
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$MT_PID/stat"
}

# run C - one run at concurrency C; prints the report line
run() {
    t0=$(cpu_ticks)
    out=$("$MC" "$MT_SOCK" --client-ip 192.0.2.10 --from '<a@pass.test>' \
        --message "$dir/pass.eml" --message "$dir/reject.eml" \
        --message "$dir/quar.eml" --message "$dir/norec.eml" \
        --count "$N" --concurrency "$1")
    t1=$(cpu_ticks)
    printf '%s\n' "$out" | awk -v c="$1" -v n="$N" -v t="$((t1 - t0))" \
        -v hz="$hz" '{
        for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "bench: milter concurrency %2d: %s msgs/s, p50 %s ms, p99 %s ms, %.0f CPU us/msg, errors %s\n",
            c, v["msgs_per_sec"], v["p50_ms"], v["p99_ms"],
            t * 1e6 / hz / n, v["errors"]
        if (c == 1 && v["p50_ms"] + 0 >= 40)
            print "bench: p50 at or above 40 ms: the delayed-ACK stall is back"
    }'
}

echo "bench: milter, $N messages per run over inet:$port@127.0.0.1 (no TCP_QUICKACK on the client)"
run 1
run 16
