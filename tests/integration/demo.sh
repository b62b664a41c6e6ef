#!/bin/sh
# demo.sh - "make demo" (demo/run.sh) into a folder of the test's own
# (DEMO_OUT): it exits 0, its summary shows the mix demo/traffic describes,
# the report files validate against the RFC 7489 Appendix C schema and
# count the messages of their domain, nothing it started is left running
# (also when it fails half-way), a second run starts from an empty folder,
# and a folder the demo did not make is refused.  Prints TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"

tap_plan 14
if ! why=$(nsd_available); then
    tap_skip_rest "$why"
    tap_done
fi
for p in "$MT" "$MC" "$TOP/$BUILD/dmarc-import" "$TOP/$BUILD/dmarc-reports"; do
    if [ ! -x "$p" ]; then
        tap_skip_rest "$p not built (make tests)"
        tap_done
    fi
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/demo_test.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# demo NAME [VAR=VALUE...] - run the demo into dir/NAME; its exit status
demo() {
    _n=$1
    shift
    env "$@" DEMO_OUT="$dir/$_n" "$TOP/demo/run.sh" >"$dir/$_n.out" \
        2>"$dir/$_n.err"
}

# left NAME - what still runs of the demo of dir/NAME: its processes (by
# their command lines), and its nsd and milter ports still listening (nsd's
# workers rename themselves)
left() {
    pgrep -af "$dir/$1/" 2>/dev/null
    grep -o '127\.0\.0\.1[:@][0-9]*\|inet:[0-9]*' "$dir/$1.out" |
        grep -o '[0-9]*$' | while read -r _p; do
            ss -Hlntu "sport = :$_p" 2>/dev/null | sed "s/^/port $_p: /"
        done
}

# rows FILE - the summary table's rows, white space squeezed
rows() {
    sed -n '/^  From domain/,/^  total/p' "$1" | sed 1d | tr -s ' ' |
        sed 's/^ //'
}

demo out
rc=$?
tap_is "$rc" 0 "the demo exits 0"
[ "$rc" -eq 0 ] || tap_diag "$(tail -n 20 "$dir/out.out" "$dir/out.err")"
tap_is "$(left out)" "" "no nsd or dmarc-milter of the demo is left running"
tap_is "$(rows "$dir/out.out")" "bank.example p=reject 140 100 40 0 100 0 40
shop.example p=quarantine 72 52 20 0 52 20 0
news.example p=none 45 30 15 0 45 0 0
billing.corp.example sp=reject 20 10 10 0 10 0 10
travel.example p=reject pct=0 18 10 8 0 10 8 0
startup.example no record 12 0 0 12 12 0 0
hobby.example p=none 7 3 4 0 7 0 0
corp.example p=quarantine 5 0 5 0 0 5 0
total 319 205 102 12 236 33 50" \
    "summary: per domain messages, pass/fail/none, accepted/quarantined/rejected"
tap_like "$(cat "$dir/out.out")" \
    "Every outcome is the one demo/traffic expects, and the milter's replies agree with the database" \
    "every outcome as expected, replies and database agree"
tap_is "$(sqlite3 "$dir/out/dmarc.db" 'SELECT count(*) FROM messages')" 319 \
    "the database holds every message"

# the reports: one per policy domain with a record; mails where a rua is
R="$dir/out/reports"
tap_is "$(find "$R" -name '*.xml.gz' | wc -l | tr -d ' ')/$(find "$R" -name '*.eml' | wc -l | tr -d ' ')" \
    6/5 "six reports, five mails (hobby.example has no rua)"
sed 's/ targetNamespace="[^"]*"//' "$TOP/tests/data/xsd/rfc7489-appendix-c.xsd" \
    >"$dir/test.xsd"
bad=0
counts=
for f in "$R"/*.xml.gz; do
    gzip -dc "$f" >"$dir/r.xml" || bad=1
    xmllint --noout --schema "$dir/test.xsd" "$dir/r.xml" 2>>"$dir/xsd.log" ||
        bad=1
    n=$(grep -o '<count>[0-9]*</count>' "$dir/r.xml" | tr -dc '0-9\n' |
        awk '{ s += $1 } END { print s + 0 }')
    counts="$counts $(basename "$f" | cut -d'!' -f2)=$n"
done
tap_is "$bad" 0 "every report validates against the Appendix C schema"
[ "$bad" -eq 0 ] || tap_diag "$(head -n 20 "$dir/xsd.log")"
tap_is "$counts" " bank.example=140 corp.example=25 hobby.example=7 news.example=45 shop.example=72 travel.example=18" \
    "each report counts its policy domain's messages (corp.example with its subdomain)"
tap_like "$(cat "$dir/out.out")" "Read a report:  zcat '[^']*xml\.gz' \| xmllint --format -" \
    "the summary says how to read a report"

# again into the same folder: emptied first
echo stray >"$dir/out/stray"
demo out
tap_is "$?/$(sqlite3 "$dir/out/dmarc.db" 'SELECT count(*) FROM messages')/$(test -e "$dir/out/stray" && echo stray)" \
    0/319/ "a second run starts from an empty folder"
tap_is "$(left out)" "" "nothing left running after the second run"

# a failure half-way (the client cannot send): everything stopped all the same
demo fail MC=/bin/false
rc=$?
tap_is "$(test "$rc" -ne 0 && echo failed)/$(left fail)" failed/ \
    "a failing run exits non-zero and leaves nothing running"

mkdir "$dir/foreign"
echo mine >"$dir/foreign/keep"
demo foreign
rc=$?
tap_is "$(test "$rc" -ne 0 && echo refused)/$(cat "$dir/foreign/keep")" \
    refused/mine "a folder the demo did not make is refused and left alone"
tap_like "$(cat "$dir/foreign.err")" "not made by the demo" "and says why"
tap_done
