#!/bin/sh
# check_conf_keys.sh - the sample contrib/dmarcsuite.conf against the
# configuration key table and dmarcsuite.conf(5).
#
# The sample is written by contrib/mkconf.sh from the table (through
# tests/tools/cfg_keys) and the manual page; this check writes it again
# and fails, showing the difference, when the committed file is not what
# the script writes (a key added, removed or described anew without
# "contrib/mkconf.sh >contrib/dmarcsuite.conf").  It also checks directly
# that every key of the table has its "## Key (summary)" entry and one
# setting line, "Key value" or "#Key value".  Silent and 0 when all agree.
set -u
cd "$(dirname "$0")/../.." || exit 1
SAMPLE=contrib/dmarcsuite.conf
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -f "$SAMPLE" ]; then
    echo "check_conf_keys: $SAMPLE is missing"
    exit 1
fi
contrib/mkconf.sh >"$tmp/sample" || exit 1
rc=0
if ! diff -u "$SAMPLE" "$tmp/sample" >"$tmp/diff"; then
    echo "check_conf_keys: $SAMPLE is not what contrib/mkconf.sh writes" \
        "(run: contrib/mkconf.sh >$SAMPLE)"
    head -n 40 "$tmp/diff"
    rc=1
fi
if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -I. -o "$tmp/cfg_keys" \
    tests/tools/cfg_keys.c common/cfg.c common/cfg_table.c common/log.c \
    common/xalloc.c common/str.c common/num.c common/ascii.c common/scan.c; then
    echo "check_conf_keys: cannot build tests/tools/cfg_keys"
    exit 1
fi
"$tmp/cfg_keys" >"$tmp/table" || exit 1
while IFS='	' read -r key sum; do
    if ! grep -qxF "## $key $sum" "$SAMPLE"; then
        echo "check_conf_keys: $key: no \"## $key $sum\" entry in $SAMPLE"
        rc=1
    fi
    n=$(grep -cE "^#?$key( |\$)" "$SAMPLE")
    if [ "$n" -ne 1 ]; then
        echo "check_conf_keys: $key: $n setting lines in $SAMPLE, want 1"
        rc=1
    fi
done <"$tmp/table"
exit $rc
