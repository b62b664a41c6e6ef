#!/bin/sh
# reports_truth.sh - from a generated history file of known content
# (tests/tools/histgen and its ground truth) through dmarc-import to
# dmarc-reports --outdir: the counts in each policy domain's report equal
# the generator's, every report validates against the Appendix C schema,
# and a second run adds nothing.  DNS goes to a private NSD (an empty root
# zone: every _report._dmarc check finds nothing), never off the machine.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/reports.sh"
. "$TOP/tests/lib/nsd.sh"
B="$TOP/$BUILD"

tap_plan 6
if ! reason=$(nsd_available); then
    tap_skip_rest "$reason"
    tap_done
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/reports_truth.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    nsd_stop "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM
if ! nsd_start "$dir"; then
    tap_skip_rest "nsd did not start"
    tap_done
fi
mkdir "$dir/out"
# 20000 records over 40 policy domains, all on 2025-12-02 (UTC)
"$B/tests/tools/histgen" -s 3 -n 20000 -d 40 -T 1764633600 \
    -o "$dir/hist.dat" -t "$dir/truth.txt"
"$B/dmarc-import" -q --db "$dir/dmarc.db" "$dir/hist.dat"
tap_is "$?" 0 "dmarc-import loads the generated history"
cat >"$dir/dmarcsuite.conf" <<CONF
Database          $dir/dmarc.db
Nameservers       $NSD_NS
ReportOrg         Receiver Example Inc.
ReportEmail       dmarc-contact@receiver.example
ReportFrom        dmarc-noreply@receiver.example
CONF
"$B/dmarc-reports" -c "$dir/dmarcsuite.conf" --outdir "$dir/out" \
    2>"$dir/log"
tap_is "$?" 0 "dmarc-reports --outdir exits 0"

# ground truth: messages per policy domain with a DMARC record
rp_want "$dir/truth.txt" >"$dir/want"
rp_got "$dir/out" >"$dir/got"
tap_check "report counts equal the generator's, domain by domain" \
    diff "$dir/want" "$dir/got"
tap_is "$(wc -l <"$dir/got" | tr -d ' ')" \
    "$(wc -l <"$dir/want" | tr -d ' ')" "one report per policy domain"

sed 's/ targetNamespace="[^"]*"//' "$TOP/tests/data/xsd/rfc7489-appendix-c.xsd" \
    >"$dir/test.xsd"
bad=0
for f in "$dir"/out/*.xml.gz; do
    gzip -dc "$f" | xmllint --noout --schema "$dir/test.xsd" - \
        >/dev/null 2>>"$dir/xsd.log" || bad=$((bad + 1))
done
tap_is "$bad" 0 "every report validates against the Appendix C schema"
"$B/dmarc-reports" -c "$dir/dmarcsuite.conf" --outdir "$dir/out" \
    2>"$dir/log2"
tap_like "$(cat "$dir/log2")" "summary: domains=0 reports=0 messages=0" \
    "a second run reports nothing again"
tap_done
