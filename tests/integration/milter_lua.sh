#!/bin/sh
# milter_lua.sh - dmarc-milter driven by miltertest (Debian package
# miltertest), one Lua scenario per file in tests/integration/lua/ (all
# but dmarc.lua, the shared helpers): a pass with its header fields, a
# reject, trusted and untrusted Authentication-Results, a quarantine
# request.  DNS: an NSD on loopback named by Nameservers.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
LUA="$TOP/tests/integration/lua"
MILTERTEST=${MILTERTEST:-$(command -v miltertest || echo /usr/bin/miltertest)}
scenarios=$(ls "$LUA"/*.lua | grep -v '/dmarc\.lua$')

tap_plan "$(echo "$scenarios" | wc -l)"
if [ ! -x "$MILTERTEST" ]; then
    tap_skip_rest "miltertest not installed (Debian package miltertest)"
    tap_done
fi
if ! why=$(nsd_available) || [ ! -x "$MT" ]; then
    tap_skip_rest "${why:-build first (make tests)}"
    tap_done
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/mt_lua.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    mt_stop
    nsd_stop "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

nsd_zone "$dir" pass.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject"
@        TXT "v=spf1 ip4:192.0.2.10 -all"
ZONE
nsd_zone "$dir" reject.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject"
@        TXT "v=spf1 -all"
ZONE
nsd_zone "$dir" quar.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=quarantine"
@        TXT "v=spf1 -all"
ZONE
if ! nsd_start "$dir" 2>"$dir/nsd.err"; then
    tap_skip_rest "nsd does not start"
    tap_done
fi
mt_conf "$dir/m.conf" "SPFSelfValidate true" "RejectFailures true" \
    "HoldQuarantinedMessages true"
if ! mt_start "$dir/m.conf"; then
    tap_skip_rest "milter does not start"
    tap_done
fi
for s in $scenarios; do
    name=$(basename "$s" .lua)
    if out=$("$MILTERTEST" -D "sock=$MT_SOCK" -D "lib=$LUA/dmarc.lua" \
        -s "$s" 2>&1); then
        tap_ok "miltertest $name"
    else
        tap_fail "miltertest $name" "$out"
    fi
done
tap_done
