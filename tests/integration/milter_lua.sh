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
mt_require
mt_tmpdir mt_lua

mt_zone pass.test "p=reject" "ip4:192.0.2.10 -all"
mt_zone reject.test "p=reject" "-all"
mt_zone quar.test "p=quarantine" "-all"
mt_nsd_start
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
