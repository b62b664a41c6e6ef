# nsd.sh - run a private NSD on loopback for integration tests (sourced,
# POSIX sh).  No root needed: a high port, no chroot, no user switch, every
# file in the test's own folder (see shared testing-notes.md, "DNS").
#
#   . "$TOP/tests/lib/nsd.sh"
#   dir=$(mktemp -d)
#   nsd_zone "$dir" example.test <<'EOF2'
#   @        TXT "v=DMARC1; p=reject"
#   www      A   192.0.2.1
#   EOF2
#   nsd_servfail_zone "$dir" broken.test
#   nsd_start "$dir" || exit 1        # sets NSD_PORT and NSD_NS
#   "$NSD_DNSQ" --ns "$NSD_NS" txt:example.test
#   nsd_queries "$dir"                # queries NSD received so far
#   nsd_stop "$dir"
#
# Functions:
#   nsd_available         0 when nsd (and nsd-control) can be used; else
#                         prints the reason and returns 1
#   nsd_zone DIR ZONE [MINIMUM]
#                         a zone from the records on standard input
#                         ($ORIGIN is ZONE., $TTL 300), with SOA and NS
#                         added; MINIMUM is the SOA minimum (negative
#                         TTL, RFC 2308), 300 by default
#   nsd_servfail_zone DIR ZONE
#                         a zone whose file is missing: NSD answers
#                         SERVFAIL for it and every name below it
#   nsd_start DIR [PORT]  write DIR/nsd.conf (plus an empty root zone
#                         unless "." was declared, so names outside the
#                         test zones get an authoritative NXDOMAIN), start
#                         "nsd -d" on 127.0.0.1 (and ::1 when NSD_IPV6=1)
#                         at PORT or a free random port in 20000-40000,
#                         wait until it answers.  Sets NSD_PORT, NSD_NS
#                         ("127.0.0.1:PORT") and NSD_PID.  Returns 1 with
#                         the log on standard error when it does not start.
#   nsd_stop DIR          stop it (by the pid it was started with)
#   nsd_queries DIR       print num.queries from "nsd-control
#                         stats_noreset" (over a unix socket in DIR, so no
#                         TLS keys are needed)
#   nsd_stat DIR NAME     print one statistic of "nsd-control
#                         stats_noreset" (num.tcp, num.truncated, ...)
#   nsd_free_port         print a port free for UDP and TCP on loopback
# NSD_DNSQ is the dnsq tool of the build (tests/tools/dnsq.c).

: "${TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${BUILD:=build}"
NSD_DNSQ=${NSD_DNSQ:-$TOP/$BUILD/tests/tools/dnsq}
NSD_BIN=${NSD_BIN:-$(command -v nsd || echo /usr/sbin/nsd)}
NSD_CONTROL=${NSD_CONTROL:-$(command -v nsd-control ||
    echo /usr/sbin/nsd-control)}
NSD_PORT=
NSD_NS=
NSD_PID=

nsd_available() {
    if [ ! -x "$NSD_BIN" ]; then
        echo "nsd not installed (Debian package nsd)"
        return 1
    fi
    if [ ! -x "$NSD_DNSQ" ]; then
        echo "$NSD_DNSQ not built (make tests)"
        return 1
    fi
    return 0
}

# _nsd_zone_header DIR ZONE MINIMUM - the SOA and NS lines of a zone
_nsd_zone_header() {
    # shellcheck disable=SC2016 # $ORIGIN and $TTL are zone file syntax
    printf '$ORIGIN %s.\n$TTL 300\n' "${2%.}"
    printf '@ IN SOA ns.%s. hostmaster.%s. 1 3600 600 86400 %s\n' \
        "${2%.}" "${2%.}" "$3"
    printf '@ IN NS ns.%s.\n' "${2%.}"
}

nsd_zone() {
    _z=${2%.}
    _f="$1/zone.$(echo "$_z" | tr -c 'A-Za-z0-9.\n-' '_').zone"
    [ "$_z" = "" ] && _f="$1/zone.root.zone"
    {
        if [ "$_z" = "" ]; then
            # shellcheck disable=SC2016 # zone file syntax, not shell
            printf '$ORIGIN .\n$TTL 300\n'
            printf '. IN SOA ns.root. hostmaster.root. 1 3600 600 86400 %s\n' \
                "${3:-300}"
            printf '. IN NS ns.root.\n'
        else
            _nsd_zone_header "$1" "$_z" "${3:-300}"
        fi
        cat
    } >"$_f"
    printf 'zone:\n    name: "%s."\n    zonefile: "%s"\n' "$_z" "$_f" \
        >>"$1/zones.conf"
}

nsd_servfail_zone() {
    printf 'zone:\n    name: "%s."\n    zonefile: "%s/missing.%s.zone"\n' \
        "${2%.}" "$1" "${2%.}" >>"$1/zones.conf"
}

# _nsd_port_busy PORT - true when something listens on PORT (UDP or TCP)
_nsd_port_busy() {
    ss -Hlnu "sport = :$1" 2>/dev/null | grep -q . && return 0
    ss -Hlnt "sport = :$1" 2>/dev/null | grep -q . && return 0
    return 1
}

nsd_free_port() {
    _n=0
    while [ $_n -lt 50 ]; do
        _p=$(($(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 + 20000))
        if ! _nsd_port_busy "$_p"; then
            echo "$_p"
            return 0
        fi
        _n=$((_n + 1))
    done
    return 1
}

# _nsd_conf DIR PORT - write DIR/nsd.conf
_nsd_conf() {
    if ! grep -q 'name: "\."$' "$1/zones.conf" 2>/dev/null; then
        nsd_zone "$1" . </dev/null
    fi
    {
        printf 'server:\n'
        printf '    ip-address: 127.0.0.1\n'
        [ "${NSD_IPV6:-0}" = 1 ] && printf '    ip-address: ::1\n'
        printf '    port: %s\n' "$2"
        printf '    username: ""\n    chroot: ""\n    database: ""\n'
        printf '    zonesdir: "%s"\n' "$1"
        printf '    pidfile: "%s/nsd.pid"\n' "$1"
        printf '    zonelistfile: "%s/zone.list"\n' "$1"
        printf '    xfrdfile: "%s/xfrd.state"\n' "$1"
        printf '    xfrdir: "%s"\n' "$1"
        printf '    logfile: "%s/nsd.log"\n' "$1"
        printf '    server-count: 1\n    verbosity: 1\n'
        printf '    rrl-ratelimit: 0\n'
        printf 'remote-control:\n    control-enable: yes\n'
        printf '    control-interface: "%s/nsd.ctl"\n' "$1"
        cat "$1/zones.conf"
    } >"$1/nsd.conf"
}

# _nsd_wait DIR - poll until NSD answers (any authoritative answer)
_nsd_wait() {
    _n=0
    while [ $_n -lt 50 ]; do
        if ! kill -0 "$NSD_PID" 2>/dev/null; then
            return 1
        fi
        if "$NSD_DNSQ" --ns "$NSD_NS" --timeout 1 a:nsd-probe.invalid \
            2>/dev/null | grep -q ' nxdomain '; then
            return 0
        fi
        sleep 0.1
        _n=$((_n + 1))
    done
    return 1
}

nsd_start() {
    _try=0
    while [ $_try -lt 5 ]; do
        NSD_PORT=${2:-$(nsd_free_port)} || return 1
        NSD_NS="127.0.0.1:$NSD_PORT"
        _nsd_conf "$1" "$NSD_PORT"
        "$NSD_BIN" -d -c "$1/nsd.conf" >>"$1/nsd.out" 2>&1 &
        NSD_PID=$!
        echo "$NSD_PID" >"$1/nsd.bgpid"
        if _nsd_wait "$1"; then
            return 0
        fi
        nsd_stop "$1"
        [ -n "${2:-}" ] && break # a fixed port: no point retrying
        _try=$((_try + 1))
    done
    echo "nsd did not start; its output:" >&2
    cat "$1/nsd.out" "$1/nsd.log" >&2 2>/dev/null
    return 1
}

nsd_stop() {
    [ -f "$1/nsd.bgpid" ] || return 0
    _pid=$(cat "$1/nsd.bgpid")
    rm -f "$1/nsd.bgpid"
    kill "$_pid" 2>/dev/null || return 0
    _n=0
    while kill -0 "$_pid" 2>/dev/null && [ $_n -lt 50 ]; do
        sleep 0.1
        _n=$((_n + 1))
    done
    kill -9 "$_pid" 2>/dev/null || :
    wait "$_pid" 2>/dev/null || :
    return 0
}

nsd_stat() {
    "$NSD_CONTROL" -c "$1/nsd.conf" stats_noreset 2>/dev/null |
        sed -n "s/^$2=//p"
}

nsd_queries() {
    nsd_stat "$1" num.queries
}
