# milter.sh - start dmarc-milter for integration tests and talk to it with
# the project's milter client (sourced, POSIX sh; after tap.sh and nsd.sh).
#
#   . "$TOP/tests/lib/milter.sh"
#   mt_conf "$dir/m.conf" "RejectFailures true" "HistoryFile $dir/h"
#   mt_start "$dir/m.conf" || exit 1     # sets MT_PID and MT_SOCK
#   out=$(mt_send --from '<a@example.test>' --header 'From: a@example.test')
#   mt_stop
#
# Functions:
#   mt_conf FILE LINE...  write a configuration: the test base (Socket on a
#                         unix socket in the file's folder, Background
#                         false, Syslog false, Nameservers $NSD_NS, the
#                         Debian PSL, IgnoreHosts a file that matches
#                         nothing, AuthservID receiver.test) with each LINE
#                         added; a LINE "Key -" drops the base's Key
#   mt_start FILE [ARGS]  run "dmarc-milter -f -c FILE ARGS" (stderr to
#                         FILE.log), wait up to 5 s for its socket (the
#                         file's Socket, or the one -p in ARGS names).  Sets
#                         MT_PID and MT_SOCK; returns 1 with the log shown
#                         when it does not come up
#   mt_stop               SIGTERM, wait (at most 5 s, then SIGKILL);
#                         prints nothing; returns the exit status
#   mt_send ARGS...       one message to MT_SOCK through milterclient
#                         (client 192.0.2.10, HELO mail.example.test, a
#                         Date and Message-ID header unless ARGS give one)
#   mt_field OUT KEY      the value of KEY= in a milterclient line
#
# The set-up every milter test repeats (after tap_plan):
#   mt_require [PROG...]  skip the whole plan (tap_skip_rest, tap_done)
#                         unless nsd is usable and MT and each PROG are
#                         built
#   mt_tmpdir NAME        make the test's folder into $dir and trap
#                         EXIT INT TERM to run mt_cleanup; a test with more
#                         to undo defines cleanup() calling mt_cleanup and
#                         traps that instead
#   mt_cleanup            mt_stop, nsd_stop $dir, remove $dir (unless KEEP)
#   mt_zone NAME TAGS [SPF]
#                         the zone NAME in $dir (nsd_zone) holding
#                         _dmarc TXT "v=DMARC1; TAGS" and, when SPF is
#                         given, @ TXT "v=spf1 SPF"
#   mt_nsd_start          nsd_start $dir with the zones made so far; skip
#                         the rest of the plan when it does not start
# MT is the binary, MC the client; MT_IGNORE is the non-matching
# IgnoreHosts file.

: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=build}"
MT=${MT:-$TOP/$BUILD/dmarc-milter}
MC=${MC:-$TOP/$BUILD/tests/tools/milterclient}
MT_PID=
MT_SOCK=
MT_PSL=/usr/share/publicsuffix/public_suffix_list.dat

mt_conf() {
    _f=$1
    shift
    _d=$(dirname "$_f")
    MT_IGNORE="$_d/ignore.none"
    [ -f "$MT_IGNORE" ] || echo "203.0.113.254" >"$MT_IGNORE"
    {
        printf 'Socket local:%s.sock\n' "$_f"
        printf 'Background false\nSyslog false\n'
        printf 'Nameservers %s\n' "${NSD_NS:-127.0.0.1:1}"
        [ -f "$MT_PSL" ] && printf 'PublicSuffixList %s\n' "$MT_PSL"
        printf 'IgnoreHosts %s\n' "$MT_IGNORE"
        printf 'AuthservID receiver.test\n'
        printf 'DNSTimeout 2\n'
    } >"$_f.base"
    for _l in "$@"; do
        _k=${_l%% *}
        grep -iv "^$_k " "$_f.base" >"$_f.tmp"
        mv "$_f.tmp" "$_f.base"
        case "$_l" in *" -") ;; *) printf '%s\n' "$_l" >>"$_f.base" ;; esac
    done
    mv "$_f.base" "$_f"
}

mt_start() {
    _f=$1
    shift
    MT_SOCK=$(sed -n 's/^Socket //p' "$_f" | tail -n 1)
    _prev=
    for _a in "$@"; do
        [ "$_prev" = -p ] && MT_SOCK=$_a
        _prev=$_a
    done
    case "$MT_SOCK" in local:* | unix:*) rm -f "${MT_SOCK#*:}" ;; esac
    "$MT" -f -c "$_f" "$@" 2>"$_f.log" &
    MT_PID=$!
    _n=0
    while [ $_n -lt 100 ]; do
        if ! kill -0 "$MT_PID" 2>/dev/null; then
            cat "$_f.log" >&2
            MT_PID=
            return 1
        fi
        case "$MT_SOCK" in
        local:* | unix:*) [ -S "${MT_SOCK#*:}" ] && return 0 ;;
        inet*)
            _p=${MT_SOCK#*:}
            _p=${_p%%@*}
            ss -Hlnt "sport = :$_p" 2>/dev/null | grep -q . && return 0
            ;;
        esac
        sleep 0.05
        _n=$((_n + 1))
    done
    cat "$_f.log" >&2
    return 1
}

mt_stop() {
    [ -n "$MT_PID" ] || return 0
    kill -TERM "$MT_PID" 2>/dev/null
    _n=0
    while kill -0 "$MT_PID" 2>/dev/null && [ $_n -lt 100 ]; do
        sleep 0.05
        _n=$((_n + 1))
    done
    kill -9 "$MT_PID" 2>/dev/null || :
    _rc=0
    wait "$MT_PID" || _rc=$?
    MT_PID=
    return $_rc
}

mt_send() {
    _hd=
    case "$*" in *"Date:"*) ;; *) _hd="Date: Tue, 24 Nov 2026 10:00:00 +0000" ;; esac
    if [ -n "$_hd" ]; then
        "$MC" "$MT_SOCK" --timeout 20 --client-ip 192.0.2.10 \
            --helo mail.example.test --header "$_hd" "$@"
    else
        "$MC" "$MT_SOCK" --timeout 20 --client-ip 192.0.2.10 \
            --helo mail.example.test "$@"
    fi
}

mt_field() {
    printf '%s\n' "$1" | grep -o "$2=[^ ]*" | head -n 1 | cut -d= -f2-
}

mt_require() {
    if ! _why=$(nsd_available); then
        tap_skip_rest "$_why"
        tap_done
    fi
    for _p in "$MT" "$@"; do
        if [ ! -x "$_p" ]; then
            tap_skip_rest "build first (make tests)"
            tap_done
        fi
    done
}

mt_tmpdir() {
    dir=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
    trap mt_cleanup EXIT INT TERM
}

mt_cleanup() {
    mt_stop
    nsd_stop "$dir"
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}

mt_nsd_start() {
    if ! nsd_start "$dir" 2>"$dir/nsd.err"; then
        tap_skip_rest "nsd does not start: $(head -c 200 "$dir/nsd.err")"
        tap_done
    fi
}

mt_zone() {
    {
        printf '_dmarc   TXT "v=DMARC1; %s"\n' "$2"
        [ $# -lt 3 ] || printf '@        TXT "v=spf1 %s"\n' "$3"
    } | nsd_zone "$dir" "$1"
}
