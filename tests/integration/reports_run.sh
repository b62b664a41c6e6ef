#!/bin/sh
# reports_run.sh - dmarc-reports end to end on a database of known content
# (sql/schema.sql + tests/data/sql/reports-fixture.sql): a private NSD
# answers the section 7.1 check, the fake sendmail captures the mail;
# the reports validate against the Appendix C schema, their counts equal
# the fixture's ground truth, dmarc-cat reads them; a second run sends
# nothing; --dry-run records nothing; --outdir writes files; a temporary
# failure exits 75 and is retried with the same report id; --now moves the
# run's clock.
# Skipped while sql/schema.sql is absent (QUERY_SCHEMA names another).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
REPORTS="$TOP/$BUILD/dmarc-reports"
FAKE="$TOP/$BUILD/tests/tools/fake-sendmail"
SCHEMA=${QUERY_SCHEMA:-$TOP/sql/schema.sql}

tap_plan 18
if [ ! -f "$SCHEMA" ]; then
    tap_skip_rest "sql/schema.sql not there yet"
    tap_done
fi
if ! reason=$(nsd_available); then
    tap_skip_rest "$reason"
    tap_done
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/reports_run.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    nsd_stop "$dir"
    [ -n "${KEEP:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT INT TERM

nsd_zone "$dir" red.test <<'ZONE'
example.org._report._dmarc   TXT "v=DMARC1;"
ZONE
if ! nsd_start "$dir"; then
    tap_skip_rest "nsd did not start"
    tap_done
fi
mkdir "$dir/cap" "$dir/out" "$dir/att"
# the schema at its version (the highest migration, as db_open sets it)
version=$(find "$TOP/sql" -name '[0-9][0-9][0-9]-*.sql' | sed 's|.*/||' |
    cut -c1-3 | sort -n | tail -1 | sed 's/^0*//')
{
    cat "$SCHEMA" "$TOP/tests/data/sql/reports-fixture.sql"
    echo "PRAGMA user_version = ${version:-1};"
} | sqlite3 "$dir/dmarc.db"
printf '#!/bin/sh\nFAKE_SENDMAIL_DIR=%s exec %s "$@"\n' "$dir/cap" "$FAKE" \
    >"$dir/sendmail"
chmod +x "$dir/sendmail"
cat >"$dir/dmarcsuite.conf" <<CONF
Database          $dir/dmarc.db
Nameservers       $NSD_NS
ReportOrg         Receiver Example Inc.
ReportEmail       dmarc-contact@receiver.example
ReportFrom        dmarc-noreply@receiver.example
ReportSendmail    $dir/sendmail
CONF
sed 's/ targetNamespace="[^"]*"//' "$TOP/tests/data/xsd/rfc7489-appendix-c.xsd" \
    >"$dir/test.xsd"

run() { "$REPORTS" -c "$dir/dmarcsuite.conf" "$@" 2>"$dir/log"; }
sent_rows() { sqlite3 "$dir/dmarc.db" "SELECT count(*) FROM reports_sent WHERE $1"; }

run --dry-run
tap_is "$?" 0 "--dry-run exits 0"
tap_is "$(sent_rows 1)" 0 "--dry-run records nothing"
rm -f "$dir"/cap/*
run
tap_is "$?" 0 "first run exits 0"
tap_like "$(cat "$dir/log")" \
    "summary: domains=2 reports=3 messages=9 sent=4 deferred=0 tempfail=0 failed=0 skipped_size=0 skipped_unverified=1" \
    "summary counts domains, reports, messages and destinations"
tap_is "$(find "$dir/cap" -name '*.eml' | wc -l | tr -d ' ')" 4 \
    "four messages: two periods, two destinations each"

# every captured report: MIME, gzip, schema, counts
ok=0
total=0
for eml in "$dir"/cap/*.eml; do
    # the attachment under its own name (dmarc-cat reads the name too)
    att=$(python3 - "$eml" "$dir/att" <<'PY'
import email, email.policy, os, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
att = [p for p in m.iter_parts() if p.get_content_type() == "application/gzip"][0]
path = os.path.join(sys.argv[2], att.get_filename())
open(path, "wb").write(att.get_payload(decode=True))
print(path)
PY
) || ok=1
    gzip -dc "$att" >"$dir/r.xml" || ok=1
    xmllint --noout --schema "$dir/test.xsd" "$dir/r.xml" 2>>"$dir/xsd.log" || ok=1
    dmarc-cat -N "$att" >/dev/null 2>&1 || ok=1
    n=$(grep -o '<count>[0-9]*</count>' "$dir/r.xml" | tr -dc '0-9\n' | paste -sd+ - | bc)
    total=$((total + n))
done
tap_is "$ok" 0 "every report parses, validates against Appendix C, reads in dmarc-cat"
tap_is "$total" 16 "counts: 2 x (7 + 1) messages of example.org"
tap_is "$(sent_rows "status = 'sent'")" 4 "four destinations recorded as sent"
tap_is "$(sent_rows "destination = '' AND status = 'unverified'")" 1 \
    "other.test (no rua) recorded, so its period is done"

run
tap_like "$(cat "$dir/log")" "summary: domains=0 reports=0" \
    "a second run reports nothing twice"

# a temporary failure: exit 75, then a retry with the same id
sqlite3 "$dir/dmarc.db" "DELETE FROM reports_sent WHERE pdomain_id = 1 AND period_begin = 1764720000"
echo tempfail >"$dir/cap/mode"
run
tap_is "$?" 75 "a temporary delivery failure exits 75"
id1=$(sqlite3 "$dir/dmarc.db" "SELECT DISTINCT report_id FROM reports_sent WHERE status = 'tempfail'")
echo ok >"$dir/cap/mode"
sqlite3 "$dir/dmarc.db" "UPDATE reports_sent SET next_try = 0 WHERE status = 'tempfail'"
run
tap_is "$?" 0 "the retry succeeds"
tap_is "$(sent_rows "report_id = '$id1' AND status = 'sent' AND attempts = 2")" 2 \
    "retried with the same report id, two attempts each"

run --outdir "$dir/out" --dry-run --domain example.org
sqlite3 "$dir/dmarc.db" "DELETE FROM reports_sent"
run --outdir "$dir/out" --domain example.org
tap_is "$(find "$dir/out" -name '*.xml.gz' | wc -l | tr -d ' ')" 2 \
    "--outdir writes the .xml.gz of each report"

# --now: the first period of example.org ends at 1764720000
mkdir "$dir/now1" "$dir/now2"
sqlite3 "$dir/dmarc.db" "DELETE FROM reports_sent"
run --outdir "$dir/now1" --domain example.org --now 1764719999
tap_is "$(find "$dir/now1" -name '*.xml.gz' | wc -l | tr -d ' ')" 0 \
    "--now a second before the first period ends: nothing is due"
run --outdir "$dir/now2" --domain example.org --now 1764720000
tap_is "$(find "$dir/now2" -name '*!1764633600!1764720000!*.xml.gz' |
    wc -l | tr -d ' ')/$(find "$dir/now2" -name '*.xml.gz' | wc -l | tr -d ' ')" \
    1/1 "--now at the end of the first period: that period only"
tap_like "$(cat "$dir"/now2/*.eml)" 'Date: Wed, 03 Dec 2025 00:00:00 [+]0000' \
    "the report mail is dated --now"
run --now yesterday
tap_is "$?" 64 "--now takes seconds since 1970 only (EX_USAGE)"
tap_done
