#!/bin/sh
# install.sh - "make install DESTDIR=<empty folder>" puts programs, manual
# pages, the database schema, the sample configuration, the systemd units
# and the logrotate snippet in place under PREFIX; the installed sample
# configuration passes "-n" of the installed programs; "man -l" renders
# every installed page without a warning; a second install keeps an
# edited configuration.  No root needed.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
D="$tmp/root"
tap_plan 14

# inst - make install into D with PREFIX=/usr (SYSCONFDIR /etc)
inst() {
    make -C "$TOP" --no-print-directory BUILD="$BUILD" PREFIX=/usr \
        DESTDIR="$D" install >"$tmp/install.log" 2>&1
}
if inst; then
    tap_ok "make install DESTDIR=<empty folder> PREFIX=/usr"
else
    tap_fail "make install DESTDIR=<empty folder> PREFIX=/usr" \
        "$(tail -n 20 "$tmp/install.log")"
fi

missing=
for p in dmarc-milter dmarc-import dmarc-expire dmarc-reports; do
    if [ -x "$TOP/$BUILD/$p" ] && [ ! -x "$D/usr/sbin/$p" ]; then
        missing="$missing $p"
    fi
done
tap_is "$missing" "" "every built program is in /usr/sbin"

missing=
for m in "$TOP"/man/*.[58]; do
    s=${m##*.}
    [ -f "$D/usr/share/man/man$s/${m##*/}" ] || missing="$missing ${m##*/}"
done
tap_is "$missing" "" "every manual page is in /usr/share/man/man5 or man8"

missing=
for f in "$TOP"/sql/*.sql; do
    cmp -s "$f" "$D/usr/share/dmarcsuite/sql/${f##*/}" ||
        missing="$missing ${f##*/}"
done
tap_is "$missing" "" "the database schema is in /usr/share/dmarcsuite/sql"

tap_check "the sample configuration is /etc/dmarcsuite.conf" \
    cmp -s "$TOP/contrib/dmarcsuite.conf" "$D/etc/dmarcsuite.conf"
tap_check "and /usr/share/dmarcsuite/dmarcsuite.conf.sample" \
    cmp -s "$TOP/contrib/dmarcsuite.conf" \
    "$D/usr/share/dmarcsuite/dmarcsuite.conf.sample"

U="$D/usr/lib/systemd/system"
out=$(grep -l '@[A-Z]*@' "$U"/* "$D/etc/logrotate.d/dmarcsuite" 2>&1)
tap_is "$out" "" "units and logrotate snippet installed, no @VARIABLE@ left"
tap_like "$(grep '^ExecStart=' "$U/dmarc-milter.service" 2>&1)" \
    '^ExecStart=/usr/sbin/dmarc-milter -f -c /etc/dmarcsuite\.conf$' \
    "dmarc-milter.service starts the installed program on /etc's file"
tap_check "the sysusers.d entry is in /usr/lib/sysusers.d" \
    test -f "$D/usr/lib/sysusers.d/dmarcsuite.conf"

# the units parse: systemd-analyze reports file:line for what it cannot
# (the programs are not at their final path here, which it also says)
if command -v systemd-analyze >/dev/null 2>&1; then
    out=$(systemd-analyze verify --man=no "$U"/*.service "$U"/*.timer \
        2>&1 | grep -E '^/[^:]+:[0-9]+:')
    tap_is "$out" "" "systemd-analyze verify finds no bad line in the units"
else
    tap_skip "systemd-analyze not installed"
fi

out=$("$D/usr/sbin/dmarc-import" -n -c "$D/etc/dmarcsuite.conf" 2>&1)
tap_is "$?" 0 "dmarc-import -n accepts the installed sample configuration"
if [ -x "$D/usr/sbin/dmarc-milter" ]; then
    out=$("$D/usr/sbin/dmarc-milter" -n -c "$D/etc/dmarcsuite.conf" 2>&1)
    rc=$?
    [ "$rc" -eq 0 ] || tap_diag "$out"
    tap_is "$rc" 0 "dmarc-milter -n accepts the installed sample configuration"
else
    tap_skip "dmarc-milter not built yet"
fi

# man -l with groff warnings on: standard error must stay empty
bad=
for m in "$D"/usr/share/man/man*/*; do
    w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$m" 2>&1 \
        >/dev/null)
    [ -z "$w" ] || bad="$bad
${m##*/}: $w"
done
tap_is "$bad" "" "man -l renders every installed page without a warning"

echo "# edited" >>"$D/etc/dmarcsuite.conf"
inst
tap_like "$(tail -n 1 "$D/etc/dmarcsuite.conf")" '^# edited$' \
    "a second install keeps an edited /etc/dmarcsuite.conf"
tap_done
