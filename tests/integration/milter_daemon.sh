#!/bin/sh
# milter_daemon.sh - dmarc-milter as a process: the command line (-n on
# good and bad files and on Debian's opendmarc.conf unchanged, -V, -p, -P,
# a bad option), the socket forms (inet, inet6, local, unix), SIGHUP
# (reload without dropping connections, history reopened after a
# rename), SIGTERM (clean exit, pid file removed), Background, UMask,
# BaseDirectory, AutoRestart; as root also UserID and
# ChangeRootDirectory (skipped otherwise).  DNS: an NSD on loopback named
# by Nameservers.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"

tap_plan 38
mt_require "$MC"
mt_tmpdir mt_daemon
chmod 755 "$dir"
extra_pid=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    [ -n "$extra_pid" ] && kill -9 "$extra_pid" 2>/dev/null
    mt_cleanup
}
trap cleanup EXIT INT TERM

mt_zone reject.test "p=reject" "-all"
mt_nsd_start
# fail - one failing message; prints the action
fail() {
    mt_send --from '<a@reject.test>' --header 'From: a@reject.test' "$@" |
        grep -o 'action=[a-z]*'
}
# wait_gone PID - wait up to 5 s for PID to end; 0 when it did
wait_gone() {
    _n=0
    while kill -0 "$1" 2>/dev/null; do
        [ $_n -ge 100 ] && return 1
        sleep 0.05
        _n=$((_n + 1))
    done
    return 0
}
# port - a free TCP port
port() {
    nsd_free_port
}

# ------------------------------------------------------- command line
mt_conf "$dir/ok.conf" "SPFSelfValidate true"
tap_like "$("$MT" -n -c "$dir/ok.conf" 2>/dev/null)" 'configuration OK' "-n: a good file"
"$MT" -n -c "$TOP/tests/data/cfg/typo.conf" 2>"$dir/err"
rc=$?
tap_is "$rc" 78 "-n: a bad file exits EX_CONFIG"
tap_like "$(cat "$dir/err")" 'typo.conf:4: RejectFailurs: unknown key' "-n: the error names file and line"
"$MT" -n -c "$TOP/tests/data/cfg/debian-opendmarc.conf" >/dev/null 2>&1
tap_is "$?" 0 "-n: Debian's opendmarc.conf passes unchanged"
"$MT" -n -c "$dir/none.conf" 2>/dev/null
tap_is "$?" 78 "-n: a missing file exits EX_CONFIG"
tap_like "$("$MT" -V)" '^dmarc-milter [0-9]' "-V prints the version"
"$MT" -Z >/dev/null 2>&1
tap_is "$?" 64 "a bad option exits EX_USAGE"

# ------------------------------------------------------------ sockets
p=$(port)
mt_conf "$dir/s.conf" "Socket inet:$p@127.0.0.1" "RejectFailures true"
if mt_start "$dir/s.conf"; then
    tap_is "$(fail)" action=reject "inet:PORT@127.0.0.1"
else
    tap_fail "inet socket"
fi
mt_stop
tap_is "$?" 0 "SIGTERM on an inet socket: exit 0"
p=$(port)
mt_conf "$dir/s.conf" "Socket inet6:$p@[::1]" "RejectFailures true"
if mt_start "$dir/s.conf"; then
    MT_SOCK="inet6:$p@::1"
    tap_is "$(fail)" action=reject "inet6:PORT@[::1]"
else
    tap_fail "inet6 socket"
fi
mt_stop
mt_conf "$dir/s.conf" "Socket unix:$dir/u.sock" "RejectFailures true"
if mt_start "$dir/s.conf"; then
    tap_is "$(fail)" action=reject "unix:/path"
else
    tap_fail "unix socket"
fi
mt_stop
mt_conf "$dir/s.conf" "RejectFailures true"
p=$(port)
if mt_start "$dir/s.conf" -p "inet:$p@127.0.0.1"; then
    MT_SOCK="inet:$p@127.0.0.1"
    tap_is "$(fail)" action=reject "-p overrides Socket (local: in the file)"
else
    tap_fail "-p"
fi
mt_stop

# ------------------------------------------------- pid file, SIGTERM
mt_conf "$dir/p.conf" "PidFile $dir/run/none.pid"
"$MT" -f -c "$dir/p.conf" 2>/dev/null
tap_is "$?" 73 "an unwritable PidFile exits EX_CANTCREAT"
mt_conf "$dir/p.conf"
mt_start "$dir/p.conf" -P "$dir/m.pid"
tap_is "$(cat "$dir/m.pid" 2>/dev/null)" "$MT_PID" "-P writes the pid"
fail >/dev/null
kill -TERM "$MT_PID"
wait_gone "$MT_PID"
tap_is "$?" 0 "SIGTERM: ends within 5 s after serving mail"
wait "$MT_PID"
tap_is "$?" 0 "SIGTERM: exit status 0"
MT_PID=
tap_check "SIGTERM: pid file removed" test ! -e "$dir/m.pid"
tap_like "$(cat "$dir/p.conf.log")" 'stopped' "SIGTERM: logged"

# -------------------------------------------------------------- SIGHUP
H="$dir/hist"
mt_conf "$dir/h.conf" "RejectFailures false" "HistoryFile $H"
mt_start "$dir/h.conf"
tap_is "$(fail)" action=accept "before reload: RejectFailures false"
"$MC" "$MT_SOCK" --client-ip 192.0.2.10 --from '<a@reject.test>' \
    --header 'From: a@reject.test' --count 3000 --concurrency 4 \
    >"$dir/load" 2>&1 &
load=$!
mt_conf "$dir/h.conf" "RejectFailures true" "HistoryFile $H"
for _ in 1 2 3 4 5; do
    kill -HUP "$MT_PID"
    sleep 0.1
done
wait "$load"
tap_is "$?" 0 "SIGHUP during a load run: no connection dropped"
tap_like "$(cat "$dir/load")" 'errors=0 ' "SIGHUP during a load run: errors=0"
tap_is "$(fail)" action=reject "after reload: RejectFailures true"
tap_check "SIGHUP: still running" kill -0 "$MT_PID"
mv "$H" "$H.1"
kill -HUP "$MT_PID"
sleep 0.2
fail --queue-id ROT1 >/dev/null
tap_is "$(grep -c '^job ROT1$' "$H" 2>/dev/null)" 1 "history reopened after rotation by rename"
tap_is "$(grep -c '^job ROT1$' "$H.1")" 0 "the rotated file is left alone"
printf 'Bogus key\n' >>"$dir/h.conf"
kill -HUP "$MT_PID"
sleep 0.2
tap_is "$(fail)" action=reject "a bad file on SIGHUP keeps the running configuration"
tap_like "$(cat "$dir/h.conf.log")" 'keeping the running configuration' "a failed reload is logged"
mt_stop

# -------------------------------------- Background, UMask, BaseDirectory
mkdir -p "$dir/base"
mt_conf "$dir/b.conf" "Background true" "PidFile $dir/bg.pid" "UMask 027" \
    "BaseDirectory $dir/base" "HistoryFile hist.txt"
"$MT" -c "$dir/b.conf" 2>/dev/null
tap_is "$?" 0 "Background: the parent exits 0"
n=0
while [ ! -S "$dir/b.conf.sock" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
extra_pid=$(cat "$dir/bg.pid" 2>/dev/null)
MT_SOCK="local:$dir/b.conf.sock"
tap_is "$(fail --queue-id BG1)" action=accept "Background: the daemon serves mail"
tap_is "$(grep -c '^job BG1$' "$dir/base/hist.txt" 2>/dev/null)" 1 "BaseDirectory: relative HistoryFile"
tap_is "$(stat -c %a "$dir/base/hist.txt" 2>/dev/null)" 640 "UMask 027 applies to created files"
kill -TERM "$extra_pid" 2>/dev/null
wait_gone "$extra_pid"
tap_check "Background: pid file removed at exit" test ! -e "$dir/bg.pid"
extra_pid=

# ---------------------------------------------------------- AutoRestart
mt_conf "$dir/a.conf" "AutoRestart true" "AutoRestartRate 10/1m"
mt_start "$dir/a.conf"
sleep 0.2
worker=$(pgrep -P "$MT_PID" | head -n 1)
kill -9 "$worker" 2>/dev/null
n=0
while [ $n -lt 100 ]; do
    w2=$(pgrep -P "$MT_PID" | head -n 1)
    [ -n "$w2" ] && [ "$w2" != "$worker" ] && [ -S "$dir/a.conf.sock" ] && break
    sleep 0.05
    n=$((n + 1))
done
sleep 0.2
tap_is "$(fail)" action=accept "AutoRestart: a killed worker is replaced"
mt_stop
tap_is "$(pgrep -P "$MT_PID" 2>/dev/null | wc -l)" 0 "AutoRestart: SIGTERM ends supervisor and worker"

# ------------------------------------------------ UserID, chroot (root)
if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1; then
    tap_skip "needs root and user nobody" 4
else
    mt_conf "$dir/u.conf" "Socket local:$dir/u.sock" "UserID nobody" \
        "FailureReports true" "FailureReportsSpool $dir/spool"
    mt_start "$dir/u.conf"
    sleep 0.3
    tap_is "$(stat -c %u "$dir/u.sock")" "$(id -u nobody)" \
        "UserID: the UNIX socket belongs to the user, so the MTA's group reaches it"
    tap_is "$(stat -c %u "$dir/spool/new")" "$(id -u nobody)" \
        "UserID: the failure report spool belongs to the user who writes it"
    mt_stop
    mkdir -p "$dir/root"
    chmod 777 "$dir/root"
    p=$(port)
    mt_conf "$dir/r.conf" "Socket inet:$p@127.0.0.1" "UserID nobody" \
        "ChangeRootDirectory $dir/root" "HistoryFile /h.txt"
    mt_start "$dir/r.conf"
    tap_is "$(awk '/^Uid:/ { print $2 }' "/proc/$MT_PID/status")" \
        "$(id -u nobody)" "UserID: the filter runs as nobody"
    fail --queue-id CH1 >/dev/null
    tap_is "$(grep -c '^job CH1$' "$dir/root/h.txt" 2>/dev/null)" 1 \
        "ChangeRootDirectory: HistoryFile inside the new root"
    mt_stop
fi
tap_done
