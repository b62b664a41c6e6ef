#!/bin/sh
# milter_robust.sh - dmarc-milter under hostile conditions, over the real
# milter protocol (tests/tools/milterclient): the client disconnecting
# at every milter stage, 1 000 header fields, a 64 KiB header field, a
# name server that stops answering (tests/tools/udp_sink: temperror within
# DNSTimeout, no hang), and 16 concurrent connections sending 10 000
# messages without an error.  DNS: an NSD on loopback named by
# Nameservers.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
SINK="$TOP/$BUILD/tests/tools/udp_sink"

tap_plan 24
mt_require "$MC"
mt_tmpdir mt_robust
sink_pid=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
    mt_cleanup
}
trap cleanup EXIT INT TERM

mt_zone pass.test "p=reject" "ip4:192.0.2.0/24 -all"
mt_zone reject.test "p=reject" "-all"
mt_nsd_start
mt_conf "$dir/m.conf" "SPFSelfValidate true" "RejectFailures true" \
    "HistoryFile $dir/history"
if ! mt_start "$dir/m.conf"; then
    tap_skip_rest "milter does not start"
    tap_done
fi
# good - a message that passes; prints the action
good() {
    mt_send --from '<a@pass.test>' --header 'From: a@pass.test' "$@" |
        grep -o 'action=[a-z]*'
}

# ------------------------------------------------------ disconnects
for st in optneg connect helo mail rcpt data header eoh body eom; do
    out=$(good --disconnect-at "$st")
    tap_is "$out" action=disconnect "client disconnects after $st"
done
tap_is "$(good)" action=accept "the filter still serves after every disconnect"

# ------------------------------------------------------- big headers
tap_is "$(good --headers-count 1000)" action=accept "1 000 header fields"
tap_is "$(good --header-size 65536)" action=accept "a 64 KiB header field (OpenDMARC drops the connection)"
tap_is "$(good --header-size 102400)" action=accept "a 100 KiB header field (Postfix's header_size_limit)"
out=$(mt_send --from '<a@reject.test>' --header-size 65536 \
    --header 'From: a@reject.test' --headers-count 1000)
tap_like "$out" 'action=reject' "a failing message with both is still judged"

# ---------------------------------------------------------- load run
out=$("$MC" "$MT_SOCK" --timeout 20 --client-ip 192.0.2.10 \
    --from '<a@pass.test>' --header 'From: a@pass.test' \
    --header 'Date: Tue, 24 Nov 2026 10:00:00 +0000' \
    --count 10000 --concurrency 16)
rc=$?
tap_is "$rc" 0 "16 connections, 10 000 messages: exit 0"
tap_like "$out" 'messages=10000 .*accept=10000 .*errors=0 ' "16 connections, 10 000 messages: all accepted, no error"
tap_diag "$out"
tap_check "the filter survived the load" kill -0 "$MT_PID"
mt_stop

# ------------------------------------------ a name server that is silent
port=$("$SINK" 0 60 >"$dir/sink.port" 2>/dev/null &
    echo $! >"$dir/sink.pid"
    sleep 0.3
    head -n 1 "$dir/sink.port")
sink_pid=$(cat "$dir/sink.pid")
NSD_NS_SAVE=$NSD_NS
NSD_NS="127.0.0.1:$port"
mt_conf "$dir/s.conf" "DNSTimeout 1" "RejectFailures true" \
    "SPFSelfValidate false"
NSD_NS=$NSD_NS_SAVE
mt_start "$dir/s.conf"
out=$(mt_send --from '<a@pass.test>' --header 'From: a@pass.test')
ms=$(mt_field "$out" elapsed_ms)
tap_is "$(mt_field "$out" action)" tempfail "silent name server: tempfail (temperror)"
tap_check "silent name server: answered within DNSTimeout (1 s), got ${ms} ms" \
    test "${ms%.*}" -lt 2500
mt_stop
NSD_NS="127.0.0.1:$port"
mt_conf "$dir/s.conf" "DNSTimeout 1" "RejectFailures false" \
    "SPFSelfValidate true"
NSD_NS=$NSD_NS_SAVE
mt_start "$dir/s.conf"
out=$(mt_send --from '<a@pass.test>' --header 'From: a@pass.test')
ms=$(mt_field "$out" elapsed_ms)
tap_like "$out" 'dmarc=temperror' "silent name server, no RejectFailures: dmarc=temperror"
tap_like "$out" 'spf=temperror' "silent name server: spf=temperror"
tap_check "silent name server with SPF: no hang (${ms} ms < 8 s)" \
    test "${ms%.*}" -lt 8000
tap_check "the filter still runs" kill -0 "$MT_PID"
tap_done
