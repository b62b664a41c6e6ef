#!/bin/sh
# dns_nsd.sh - common/dns against a real authoritative server: NSD on a
# loopback high port, asked through the real resolver path (res_nsend) by
# tests/tools/dnsq and tests/tools/dns_threads.  Covers record types, the
# NXDOMAIN / NODATA / SERVFAIL distinction, CNAME following, the cache
# (proved with dns_queries_sent and with NSD's own query counter read by
# nsd-control over a unix socket), positive and negative TTL expiry, the
# DNSTimeout bound against a server that never answers, failover, an IPv6
# name server with a port, and 8 threads at once.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
TOOLS="$TOP/$BUILD/tests/tools"

tap_plan 34

if ! reason=$(nsd_available); then
    tap_skip_rest "$reason"
    tap_done
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/dns_nsd.XXXXXX")
sink_pid=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    nsd_stop "$dir"
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

nsd_zone "$dir" example.test 30 <<'ZONE'
@        TXT   "v=DMARC1; p=reject"
multi    TXT   "part one;" " part two;" " part three"
www      A     192.0.2.1
www      AAAA  2001:db8::1
@        MX    20 mx2.example.test.
@        MX    10 mx1.example.test.
alias    CNAME target.other.test.
inzone   CNAME www
loop1    CNAME loop2
loop2    CNAME loop1
short 1  TXT   "short-lived"
ZONE
# six 200-byte strings: more than 512 bytes, so the UDP answer is
# truncated and res_nsend asks again over TCP
chunk=$(printf '%0200d' 0 | tr 0 x)
big="big TXT"
for i in 1 2 3 4 5 6; do big="$big \"$i$chunk\""; done
printf '%s\n' "$big" | nsd_zone "$dir" big.test
nsd_zone "$dir" other.test <<'ZONE'
target   TXT   "from the other zone"
ZONE
nsd_zone "$dir" neg.test 1 <<'ZONE'
ZONE
nsd_zone "$dir" 2.0.192.in-addr.arpa <<'ZONE'
1        PTR   www.example.test.
ZONE
nsd_servfail_zone "$dir" broken.test

if ! NSD_IPV6=1 nsd_start "$dir" 2>"$dir/start.err"; then
    tap_fail "nsd starts on a loopback high port" "$(cat "$dir/start.err")"
    tap_skip_rest "nsd did not start"
    tap_done
fi
tap_ok "nsd starts on 127.0.0.1 and ::1, port $NSD_PORT"

# q ITEM... - dnsq against the test server, no cache
q() {
    "$NSD_DNSQ" --ns "$NSD_NS" --timeout 2 "$@" 2>>"$dir/dnsq.err"
}

# status OUTPUT - the status word of the first lookup line
status() {
    printf '%s\n' "$1" | awk 'NR == 1 { print $3 }'
}

# records OUTPUT - the record lines, indentation removed, joined by '|'
records() {
    printf '%s\n' "$1" | sed -n 's/^  //p' | paste -sd '|' -
}

# sent OUTPUT - the "sent N" count
sent() {
    printf '%s\n' "$1" | sed -n 's/^sent //p'
}

out=$(q txt:example.test)
tap_is "$(status "$out") $(records "$out")" "ok v=DMARC1; p=reject" \
    "TXT, one string"
out=$(q txt:multi.example.test)
tap_is "$(records "$out")" "part one; part two; part three" \
    "TXT, three strings concatenated in order into one text"
out=$(q a:www.example.test)
tap_is "$(status "$out") $(records "$out")" "ok 192.0.2.1" "A"
out=$(q aaaa:www.example.test)
tap_is "$(status "$out") $(records "$out")" "ok 2001:db8::1" "AAAA"
out=$(q mx:example.test)
tap_is "$(records "$out" | tr '|' '\n' | sort | paste -sd '|' -)" \
    "10 mx1.example.test|20 mx2.example.test" "MX: preference and exchange"
out=$(q ptr:1.2.0.192.in-addr.arpa)
tap_is "$(status "$out") $(records "$out")" "ok www.example.test" "PTR"
tap_like "$(q txt:example.test)" "ttl=300 " "TTL of the record is reported"
tcp0=$(nsd_stat "$dir" num.tcp)
out=$(q txt:big.big.test)
tcp1=$(nsd_stat "$dir" num.tcp)
tap_is "$(status "$out") $(records "$out" | wc -c) tcp+$((${tcp1:-0} - ${tcp0:-0}))" \
    "ok 1207 tcp+1" \
    "a 1206-byte TXT record comes whole through the TCP fallback"

tap_is "$(status "$(q a:nope.example.test)")" nxdomain \
    "a missing name in a zone: nxdomain"
tap_is "$(status "$(q txt:www.example.test)")" nodata \
    "an existing name without the type: nodata"
tap_is "$(status "$(q a:x.broken.test)")" tempfail \
    "SERVFAIL (zone without data): tempfail, not nxdomain"
tap_is "$(status "$(q a:outside.invalid)")" nxdomain \
    "a name outside the test zones: nxdomain from the empty root zone"

out=$(q txt:alias.example.test)
tap_is "$(status "$out") $(records "$out")" "ok from the other zone" \
    "CNAME into another zone is followed by a second query"
out=$(q a:inzone.example.test)
tap_is "$(status "$out") $(records "$out")" "ok 192.0.2.1" \
    "CNAME within the zone is followed in the same answer"
tap_is "$(status "$(q txt:loop1.example.test)")" tempfail \
    "a CNAME loop gives tempfail"
out=$(q --stats a:bad..name.example.test)
tap_is "$(status "$out") sent=$(sent "$out")" "badname sent=0" \
    "an empty label is badname, without a query"
out=$(q --stats a:WWW.Example.TEST.)
tap_is "$(status "$out") $(records "$out")" "ok 192.0.2.1" \
    "names are case-insensitive, a trailing dot is allowed"

# the cache, proved twice: by the resolver's counter and by NSD's
before=$(nsd_queries "$dir")
out=$(q --cache 100 --stats txt:example.test txt:EXAMPLE.test.)
after=$(nsd_queries "$dir")
tap_is "$(sent "$out")" 1 "cache: a second lookup sends no query (dns_queries_sent)"
if [ -n "$before" ] && [ -n "$after" ]; then
    tap_is "$((after - before))" 1 \
        "cache: nsd received exactly one query (nsd-control stats)"
else
    tap_skip "nsd-control stats_noreset gave no num.queries"
fi
tap_is "$(printf '%s\n' "$out" | sed -n 4p)" "  v=DMARC1; p=reject" \
    "cache: the cached answer holds the same record"
out=$(q --stats txt:example.test txt:example.test)
tap_is "$(sent "$out")" 2 "without a cache both lookups are sent"

before=$(nsd_queries "$dir")
out=$(q --cache 100 --stats a:nope.example.test a:nope.example.test \
    txt:www.example.test txt:www.example.test)
after=$(nsd_queries "$dir")
tap_is "$(sent "$out")" 2 "negative answers (nxdomain, nodata) are cached"
if [ -n "$before" ] && [ -n "$after" ]; then
    tap_is "$((after - before))" 2 "negative cache: nsd received two queries"
else
    tap_skip "nsd-control stats_noreset gave no num.queries"
fi

out=$(q --cache 100 --stats txt:short.example.test txt:short.example.test \
    sleep:1200 txt:short.example.test)
tap_is "$(sent "$out")" 2 "a TTL-1 record is served from the cache, then re-queried after expiry"
out=$(q --cache 100 --stats a:x.neg.test a:x.neg.test sleep:1200 a:x.neg.test)
tap_is "$(sent "$out")" 2 \
    "a negative answer expires after min(SOA TTL 300, SOA MINIMUM 1)"

# a name server that never answers
"$TOOLS/udp_sink" 0 30 >"$dir/sink.port" &
sink_pid=$!
n=0
while [ ! -s "$dir/sink.port" ] && [ $n -lt 50 ]; do
    sleep 0.1
    n=$((n + 1))
done
sink_port=$(cat "$dir/sink.port")
t0=$(date +%s%N)
out=$("$NSD_DNSQ" --ns "127.0.0.1:$sink_port" --timeout 2 a:www.example.test \
    2>>"$dir/dnsq.err")
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
tap_is "$(status "$out")" tempfail "a server that never answers: tempfail"
if [ "$ms" -ge 1500 ] && [ "$ms" -lt 3500 ]; then
    tap_ok "DNSTimeout 2 bounds the wait: ${ms} ms"
else
    tap_fail "DNSTimeout 2 bounds the wait" "took ${ms} ms (want 1500-3499)"
fi
t0=$(date +%s%N)
out=$("$NSD_DNSQ" --ns "127.0.0.1:$sink_port, $NSD_NS" --timeout 4 \
    a:www.example.test 2>>"$dir/dnsq.err")
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
tap_is "$(status "$out") $(records "$out")" "ok 192.0.2.1" \
    "a dead first server: the second one answers"
if [ "$ms" -lt 4500 ]; then
    tap_ok "failover within DNSTimeout 4: ${ms} ms"
else
    tap_fail "failover within DNSTimeout 4" "took ${ms} ms"
fi

out=$("$NSD_DNSQ" --ns "[::1]:$NSD_PORT" a:www.example.test 2>&1)
tap_is "$(status "$out") $(records "$out")" "ok 192.0.2.1" \
    "an IPv6 name server with a port ([::1]:PORT)"
out=$("$NSD_DNSQ" --ns "127.0.0.1:99999" a:www.example.test 2>&1)
tap_like "$out" 'bad port.*"127\.0\.0\.1:99999"' \
    "a malformed name server list is refused, naming the item"

specs="txt:example.test=v=DMARC1; p=reject
txt:multi.example.test=part one; part two; part three
a:www.example.test=192.0.2.1
aaaa:www.example.test=2001:db8::1
mx:example.test=10 mx1.example.test|20 mx2.example.test
txt:alias.example.test=from the other zone
a:nope.example.test=nxdomain
txt:www.example.test=nodata
a:x.broken.test=tempfail"
# run_threads ARGS... - dns_threads with the specs above, one per line
run_threads() {
    printf '%s\n' "$specs" | {
        set --  "$@"
        while IFS= read -r s; do set -- "$@" "$s"; done
        "$TOOLS/dns_threads" --ns "$NSD_NS" --threads 8 "$@"
    }
}
out=$(run_threads --iter 50 --cache 4 2>&1)
tap_like "$out" "lookups=3600 mismatches=0 " \
    "8 threads x 450 lookups, cache of 4 (hits and evictions): all correct"
out=$(run_threads --iter 20 --cache 0 2>&1)
tap_like "$out" "lookups=1440 mismatches=0 " \
    "8 threads x 180 lookups without a cache: all correct"

tap_done
