#!/bin/sh
# check_man_keys.sh - the configuration key table against dmarcsuite.conf(5).
#
# Builds tests/tools/cfg_keys (from source, so it works before "make") and
# compares what it prints, "Name<TAB>(summary)" for every row of
# common/cfg_table.c, with the key entries of man/dmarcsuite.conf.5: a
# ".TP" line, a ".B Name" line, then the summary line.  Prints every key
# that is missing on either side or whose summary (type, default, range,
# OpenDMARC or not, implemented or not) differs, and exits 1; silent and 0
# when they agree.
set -u
cd "$(dirname "$0")/../.." || exit 1
MAN=man/dmarcsuite.conf.5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -f "$MAN" ]; then
    echo "check_man_keys: $MAN is missing"
    exit 1
fi
# cfg and the common modules it uses; nothing else is linked
if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -I. -o "$tmp/cfg_keys" \
    tests/tools/cfg_keys.c common/cfg.c common/cfg_table.c common/log.c \
    common/xalloc.c common/str.c common/num.c common/ascii.c common/scan.c; then
    echo "check_man_keys: cannot build tests/tools/cfg_keys"
    exit 1
fi
"$tmp/cfg_keys" >"$tmp/table" || exit 1

# every ".TP", ".B Name", "(summary)" triple of the page
awk '
    prev2 == ".TP" && prev1 ~ /^\.B [A-Za-z]+$/ && $0 ~ /^\(/ {
        printf "%s\t%s\n", substr(prev1, 4), $0
    }
    { prev2 = prev1; prev1 = $0 }' "$MAN" >"$tmp/man"

rc=0
cut -f1 "$tmp/table" | sort >"$tmp/table.keys"
cut -f1 "$tmp/man" | sort >"$tmp/man.keys"
for k in $(comm -23 "$tmp/table.keys" "$tmp/man.keys"); do
    echo "check_man_keys: $k: in the table, not in $MAN"
    rc=1
done
for k in $(comm -13 "$tmp/table.keys" "$tmp/man.keys"); do
    echo "check_man_keys: $k: in $MAN, not in the table"
    rc=1
done
for k in $(uniq -d "$tmp/man.keys"); do
    echo "check_man_keys: $k: documented twice in $MAN"
    rc=1
done
# same key, different summary line
awk -F '\t' '
    FNR == NR { want[$1] = $2; next }
    ($1 in want) && want[$1] != $2 {
        printf "check_man_keys: %s: table says %s, man page says %s\n",
            $1, want[$1], $2
        bad = 1
    }
    END { exit bad }' "$tmp/table" "$tmp/man" || rc=1
exit $rc
