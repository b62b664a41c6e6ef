#!/bin/sh
# reports_9990.sh - RFC 9990 reports end to end: a generated history of
# known content (tests/tools/histgen: np, t, discovery and sampled_out
# overrides vary by domain) through dmarc-import to dmarc-reports with
# ReportFormat rfc9990 (and --format rfc9990): every report validates
# against the RFC 9990 schema and not against Appendix C (standards.md
# 7.4: never a mix), the counts equal the generator's, np, testing and
# discovery_method are those of the period's last message in the
# database, no pct or sampled_out appears, and the report id in the XML
# is the file name's.  DNS goes to a private NSD with an empty root zone.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/reports.sh"
. "$TOP/tests/lib/nsd.sh"
B="$TOP/$BUILD"

tap_plan 10
if ! reason=$(nsd_available); then
    tap_skip_rest "$reason"
    tap_done
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/reports_9990.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    nsd_stop "$dir"
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT INT TERM
if ! nsd_start "$dir"; then
    tap_skip_rest "nsd did not start"
    tap_done
fi
mkdir "$dir/out" "$dir/out2"
# 5000 records over 20 policy domains, all on 2025-12-02 (UTC)
"$B/tests/tools/histgen" -s 7 -n 5000 -d 20 -T 1764633600 \
    -o "$dir/hist.dat" -t "$dir/truth.txt"
"$B/dmarc-import" -q --db "$dir/dmarc.db" "$dir/hist.dat"
tap_is "$?" 0 "dmarc-import loads the generated history"
cp "$dir/dmarc.db" "$dir/dmarc2.db"
cat >"$dir/dmarcsuite.conf" <<CONF
Database          $dir/dmarc.db
Nameservers       $NSD_NS
ReportOrg         Receiver Example Inc.
ReportEmail       dmarc-contact@receiver.example
ReportFrom        dmarc-noreply@receiver.example
ReportFormat      rfc9990
CONF
"$B/dmarc-reports" -c "$dir/dmarcsuite.conf" --outdir "$dir/out" \
    2>"$dir/log"
tap_is "$?" 0 "dmarc-reports with ReportFormat rfc9990 exits 0"

# ground truth: messages per policy domain with a DMARC record
rp_want "$dir/truth.txt" >"$dir/want"
rp_got "$dir/out" >"$dir/got"
tap_check "report counts equal the generator's, domain by domain" \
    diff "$dir/want" "$dir/got"

sed 's/ targetNamespace="[^"]*"//' "$TOP/tests/data/xsd/rfc7489-appendix-c.xsd" \
    >"$dir/7489.xsd"
bad=0
mixed=0
for f in "$dir"/out/*.xml.gz; do
    gzip -dc "$f" | xmllint --noout \
        --schema "$TOP/tests/data/xsd/rfc9990-aggregate.xsd" - \
        >/dev/null 2>>"$dir/xsd.log" || bad=$((bad + 1))
    gzip -dc "$f" | xmllint --noout --schema "$dir/7489.xsd" - \
        >/dev/null 2>&1 && mixed=$((mixed + 1))
done
tap_is "$bad" 0 "every report validates against the RFC 9990 schema"
tap_is "$mixed" 0 "no report validates against Appendix C (never a mix)"

# np, testing and discovery_method against the database; report_id
# against the file name; no pct, no sampled_out
python3 - "$dir/dmarc.db" "$dir"/out/*.xml.gz >"$dir/check.log" 2>&1 <<'PY'
import gzip, os, sqlite3, sys
import xml.etree.ElementTree as ET
NS = "{urn:ietf:params:xml:ns:dmarc-2.0}"
db = sqlite3.connect(sys.argv[1])
disp = {110: "none", 113: "quarantine", 114: "reject"}
npw = {1: "none", 2: "quarantine", 3: "reject"}
bad = 0
seen = set()
for path in sys.argv[2:]:
    raw = gzip.open(path).read().decode()
    root = ET.fromstring(raw)
    pp = root.find(NS + "policy_published")
    dom = pp.findtext(NS + "domain")
    name = os.path.basename(path)[:-len(".xml.gz")].split("!")
    begin, end, rid = int(name[2]), int(name[3]), name[4]
    row = db.execute(
        "SELECT r.np, r.t, r.sp, r.p, m.discovery FROM messages m"
        " JOIN requests r ON r.id = m.request_id"
        " JOIN domains d ON d.id = m.pdomain_id"
        " WHERE d.name = ? AND m.received >= ? AND m.received < ?"
        " AND m.policy <> 14 ORDER BY m.received DESC LIMIT 1",
        (dom, begin, end)).fetchone()
    np, t, sp, p, disc = row
    sp_word = disp.get(sp, disp.get(p, "none"))
    want = {
        "np": npw.get(np, sp_word),
        "testing": "y" if t == 1 else "n",
        "discovery_method": {1: "psl", 2: "treewalk"}.get(disc),
    }
    for k, v in want.items():
        got = pp.findtext(NS + k)
        if got != v:
            print(f"{dom}: {k} {got!r}, want {v!r}")
            bad += 1
        seen.add((k, got))
    if root.find(NS + "report_metadata").findtext(NS + "report_id") != rid:
        print(f"{dom}: report_id differs from the file name's {rid}")
        bad += 1
    types = {e.text for e in root.iter(NS + "type")}
    if "<pct>" in raw or types & {"sampled_out", "forwarded"}:
        print(f"{dom}: an RFC 7489-only element or value")
        bad += 1
    if "sampled_out pct draw" in raw:
        seen.add(("sampled_out as other", True))
    if not root.findtext(NS + "report_metadata/" + NS + "generator", "").startswith("dmarcsuite "):
        print(f"{dom}: no generator")
        bad += 1
# the generator varies them: make sure the check saw more than one value,
# and an override RFC 9990 dropped, written as "other"
for k, n in (("np", 2), ("testing", 2), ("discovery_method", 2),
             ("sampled_out as other", 1)):
    if len({v for kk, v in seen if kk == k}) < n:
        print(f"only one value of {k} seen: {seen}")
        bad += 1
print(f"bad={bad}")
sys.exit(1 if bad else 0)
PY
tap_is "$?" 0 "np, testing, discovery_method match the database; ids match file names"
tap_like "$(cat "$dir/check.log")" "bad=0" "the check ran over every report"

# the mails: the text part names RFC 9990; the Subject's Report-ID is the
# id of the file name (RFC 9990 section 3.1.4: identical where used)
badmail=0
nmail=0
for eml in "$dir"/out/*.eml; do
    [ -f "$eml" ] || continue
    nmail=$((nmail + 1))
    id=$(basename "$eml" | sed 's/^.*!\([0-9a-z]*\)\.[0-9]*\.eml$/\1/')
    grep -q 'aggregate report (RFC 9990)' "$eml" || badmail=$((badmail + 1))
    tr -d '\r' <"$eml" | sed -n '/^Subject:/,/^[A-Z]/p' | tr -d '\n' |
        grep -q "Report-ID: <$id>" || badmail=$((badmail + 1))
done
tap_is "$badmail/$([ "$nmail" -gt 0 ] && echo some)" 0/some \
    "report mails name RFC 9990 and carry the file name's id in the Subject"

# --format rfc9990 over a configuration without ReportFormat: same bytes
sed -e '/^ReportFormat/d' -e "s|$dir/dmarc.db|$dir/dmarc2.db|" \
    "$dir/dmarcsuite.conf" >"$dir/plain.conf"
"$B/dmarc-reports" -c "$dir/plain.conf" --format rfc9990 \
    --outdir "$dir/out2" 2>"$dir/log2"
(cd "$dir/out" && find . -name '*.xml.gz' | sort) >"$dir/list1"
(cd "$dir/out2" && find . -name '*.xml.gz' | sort) >"$dir/list2"
same=0
while read -r f; do
    cmp -s "$dir/out/$f" "$dir/out2/$f" || same=1
done <"$dir/list1"
tap_is "$same/$(diff "$dir/list1" "$dir/list2" | wc -l | tr -d ' ')" 0/0 \
    "--format rfc9990 writes the same reports as ReportFormat"
"$B/dmarc-reports" -c "$dir/plain.conf" --format rfc9991 -n 2>"$dir/log3"
tap_is "$?" 78 "--format accepts only rfc7489 and rfc9990 (EX_CONFIG)"
tap_done
