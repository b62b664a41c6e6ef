#!/bin/sh
# milterclient_opendmarc.sh - the project's milter client
# (tests/tools/milterclient.c) against a real filter, OpenDMARC 1.4.2:
# results and added headers, folded headers from a message file, the
# {auth_authen} macro, a unix socket, disconnects at every stage (the
# filter must survive them), a load run of 500 messages over 4
# connections and one message per connection, a 64 KiB header and 1 000
# headers, a refused connection.
#
# OpenDMARC resolves through the system resolver and has no setting for a
# name server, so the test runs in a network namespace of its own, where
# /etc/netns/NAME/resolv.conf points at an NSD on 127.0.0.1:53 serving
# the test zones and an empty root (every other name: NXDOMAIN).  Nothing
# leaves loopback.  Needs root (ip netns); skipped otherwise.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
MC="$TOP/$BUILD/tests/tools/milterclient"
OPENDMARC=${OPENDMARC:-/usr/sbin/opendmarc}
PLAN=34

# ---------------------------------------------------------------- outside
if [ -z "${MC_NETNS:-}" ]; then
    tap_plan $PLAN
    reason=
    if [ "$(id -u)" -ne 0 ]; then
        reason="needs root for a network namespace (ip netns)"
    elif ! command -v ip >/dev/null 2>&1; then
        reason="ip (iproute2) not installed"
    elif [ ! -x "$OPENDMARC" ]; then
        reason="opendmarc not installed ($OPENDMARC)"
    elif [ ! -x "$MC" ]; then
        reason="$MC not built (make tests)"
    elif ! command -v nsd >/dev/null 2>&1; then
        reason="nsd not installed"
    fi
    if [ -n "$reason" ]; then
        tap_skip_rest "$reason"
        tap_done
    fi
    ns="mcod$$"
    # shellcheck disable=SC2317 # run by the trap
    outer_cleanup() {
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    }
    trap outer_cleanup EXIT INT TERM
    if ! ip netns add "$ns" 2>/dev/null; then
        tap_skip_rest "cannot create a network namespace"
        tap_done
    fi
    mkdir -p "/etc/netns/$ns"
    echo "nameserver 127.0.0.1" >"/etc/netns/$ns/resolv.conf"
    MC_NETNS=$ns ip netns exec "$ns" sh "$0"
    exit $?
fi

# ----------------------------------------------------------------- inside
. "$TOP/tests/lib/nsd.sh"
TAP_PLAN=$PLAN # the plan line was printed outside
dir=$(mktemp -d "${TMPDIR:-/tmp}/mc_od.XXXXXX")
od_pid=
od2_pid=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    # OpenDMARC takes ~5 s to exit on SIGTERM: SIGKILL, by pid
    [ -n "$od_pid" ] && kill -9 "$od_pid" 2>/dev/null
    [ -n "$od2_pid" ] && kill -9 "$od2_pid" 2>/dev/null
    nsd_stop "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip link set lo up

nsd_zone "$dir" reject.test <<'ZONE'
_dmarc   TXT   "v=DMARC1; p=reject"
ZONE
if ! nsd_start "$dir" 53 2>"$dir/nsd.err"; then
    tap_fail "nsd starts on 127.0.0.1:53 in the namespace" \
        "$(cat "$dir/nsd.err")"
    tap_skip_rest "no DNS server"
    tap_done
fi
tap_ok "nsd serves the test zones on 127.0.0.1:53 in the namespace"

# IgnoreHosts: OpenDMARC skips 127.0.0.1 unless given another list
echo "192.0.2.250" >"$dir/ignore"
# od_conf SOCKET - an OpenDMARC configuration of the test's own
od_conf() {
    cat <<EOF
Socket $1
AuthservID test.example
IgnoreHosts $dir/ignore
IgnoreAuthenticatedClients true
RejectFailures true
PidFile $dir/od.$(echo "$1" | tr -c 'a-z0-9\n' _).pid
Syslog false
EOF
}
od_conf inet:8891@127.0.0.1 >"$dir/od.conf"
od_conf "local:$dir/od.sock" >"$dir/od2.conf"
"$OPENDMARC" -f -c "$dir/od.conf" -p inet:8891@127.0.0.1 \
    >"$dir/od.log" 2>&1 &
od_pid=$!
"$OPENDMARC" -f -c "$dir/od2.conf" -p "local:$dir/od.sock" \
    >"$dir/od2.log" 2>&1 &
od2_pid=$!
SOCK=inet:8891@127.0.0.1

# wait_filter SOCKET - until the filter answers option negotiation
wait_filter() {
    _n=0
    while [ $_n -lt 50 ]; do
        "$MC" "$1" --disconnect-at connect --timeout 2 >/dev/null 2>&1 &&
            return 0
        sleep 0.1
        _n=$((_n + 1))
    done
    return 1
}
if wait_filter "$SOCK" && wait_filter "local:$dir/od.sock"; then
    tap_ok "opendmarc listens on inet and local sockets"
else
    tap_fail "opendmarc listens on inet and local sockets" \
        "$(cat "$dir/od.log" "$dir/od2.log")"
    tap_skip_rest "opendmarc did not start"
    tap_done
fi

# send ARGS... - one message from a.none.test to the filter
send() {
    "$MC" "$SOCK" --client-ip 192.0.2.1 --helo mail.none.test \
        --from '<a@none.test>' --rcpt '<b@receiver.test>' "$@" 2>&1
}
ar='ins_header="0 Authentication-Results: test.example; dmarc=none \(p=none dis=none\) header.from=none.test"'

out=$(send --header 'From: a@none.test' --header 'Subject: hi' \
    --body 'hello' --queue-id 4XT0001)
rc=$?
tap_like "$out" '^action=accept stage=eom ' "no DMARC record: accepted at end of message"
tap_like "$out" "$ar" "the Authentication-Results header says dmarc=none for the From domain"
tap_is "$rc" 0 "exit status 0 for a final action"
tap_is "$(printf '%s\n' "$out" | wc -l)" 1 "one line per message"

out=$(send --from '<a@reject.test>' --header 'From: a@reject.test' --body 'x')
tap_like "$out" '^action=reject stage=eom reply="550 5\.7\.1 rejected by DMARC policy for reject\.test"' \
    "p=reject without SPF or DKIM: REPLYCODE 550 with its text"

out=$(send --header 'From: a@none.test' --auth alice)
tap_like "$out" '^action=accept stage=mail elapsed_ms=' \
    "{auth_authen} reaches the filter: OpenDMARC accepts authenticated mail at MAIL"

out=$("$MC" "local:$dir/od.sock" --from '<a@none.test>' \
    --header 'From: a@none.test' 2>&1)
tap_like "$out" "^action=accept stage=eom $ar" "a local: (unix) socket works the same"

out=$(send --client-ip 2001:db8::25 --header 'From: a@none.test')
tap_like "$out" "^action=accept stage=eom $ar" "an IPv6 client address in CONNECT"

cat >"$dir/folded.eml" <<'EOF'
Received: from mail.none.test (mail.none.test [192.0.2.1])
	by receiver.test (Postfix) with ESMTP id 4XT0002
	for <b@receiver.test>; Mon,  1 Jan 2024 00:00:00 +0000 (UTC)
From: "Alice Example"
 <a@none.test>
To: b@receiver.test
Subject: a folded
  subject line
Message-ID: <1@none.test>

Body line one.
Body line two.
EOF
out=$(send --message "$dir/folded.eml")
tap_like "$out" "^action=accept stage=eom $ar" \
    "--message: a folded From header reaches the filter whole"
printf 'From: a@reject.test\r\nSubject: crlf\r\n\r\nbody\r\n' >"$dir/crlf.eml"
out=$(send --message "$dir/crlf.eml" --message "$dir/folded.eml")
tap_like "$(printf '%s\n' "$out" | sed -n 1p)" '^action=reject stage=eom ' \
    "--message with CRLF line ends; first of two messages on one connection"
tap_like "$(printf '%s\n' "$out" | sed -n 2p)" "^action=accept stage=eom $ar" \
    "second message on the same connection (after ABORT) is judged on its own"

n=0
for st in optneg connect helo mail rcpt data header eoh body eom; do
    n=$((n + 1))
    out=$(send --header 'From: a@none.test' --body 'x' --disconnect-at "$st")
    rc=$?
    tap_like "$out rc=$rc" "^action=disconnect stage=$st .* rc=0\$" \
        "--disconnect-at $st: the client closes after sending $st"
done
sleep 0.2
if kill -0 "$od_pid" 2>/dev/null; then
    tap_ok "opendmarc survives clients vanishing at every stage"
else
    tap_fail "opendmarc survives clients vanishing at every stage" \
        "$(tail -n 20 "$dir/od.log")"
fi
out=$(send --header 'From: a@none.test')
tap_like "$out" "^action=accept stage=eom $ar" \
    "a message after the disconnects is still handled"

out=$(send --header 'From: a@none.test' --count 500 --concurrency 4)
rc=$?
tap_like "$out" '^messages=500 connections=4 .* accept=500 .* errors=0 ' \
    "500 messages over 4 connections: all accepted, 0 errors"
tap_like "$out rc=$rc" ' p50_ms=[0-9.]+ p90_ms=[0-9.]+ p99_ms=[0-9.]+ max_ms=[0-9.]+ rc=0$' \
    "the load report has latency percentiles; exit status 0"
tap_diag "$out"
out=$(send --message "$dir/folded.eml" --message "$dir/crlf.eml" \
    --count 40 --concurrency 4 --per-conn 1)
tap_like "$out" '^messages=40 connections=40 .* accept=20 .* reject=20 .* errors=0 ' \
    "one message per connection, cycling through two message files"

out=$(send --header 'From: a@none.test' --headers-count 1000)
tap_like "$out" "^action=accept stage=eom $ar" "1 000 headers: accepted"
out=$(send --header 'From: a@none.test' --header-size 65000)
tap_like "$out" "^action=accept stage=eom $ar" \
    "a 65 000-byte header (within libmilter's 64 KiB packet limit): accepted"
out=$(send --header 'From: a@none.test' --header-size 65536)
rc=$?
tap_like "$out rc=$rc" '^action=error stage=header error_class=closed error="header: .*" elapsed_ms=[0-9.]+ rc=76$' \
    "a 64 KiB header: libmilter drops the connection; a clean error and EX_PROTOCOL"
if kill -0 "$od_pid" 2>/dev/null; then
    tap_ok "opendmarc is alive after the oversized header"
else
    tap_fail "opendmarc is alive after the oversized header"
fi

out=$("$MC" inet:8899@127.0.0.1 --timeout 2 2>&1)
rc=$?
tap_like "$out rc=$rc" '^action=error stage=optneg error_class=connect .*Connection refused.* rc=69$' \
    "nothing listening: a connect error and EX_UNAVAILABLE"
out=$("$MC" inet:99999@127.0.0.1 2>&1)
tap_like "$out" 'out of range' "a bad socket spec is refused"

tap_done
