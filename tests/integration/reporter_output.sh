#!/bin/sh
# reporter_output.sh - the report files and mails checked by independent
# readers: xmllint against the RFC 7489 Appendix C schema, gzip -dc,
# dmarc-cat, Python's email package, and a delivery through the fake
# sendmail.  Prints TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
SAMPLE="$TOP/$BUILD/tests/tools/report-sample"
FAKE="$TOP/$BUILD/tests/tools/fake-sendmail"
XSD="$TOP/tests/data/xsd/rfc7489-appendix-c.xsd"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else notok "$desc"; sed 's/^/# /' "$tmp/out"; fi; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }

echo "1..12"
mkdir -p "$tmp/out.d" "$tmp/capture"
# the sendmail command gets a fixed environment: a wrapper passes the
# capture folder on, and is what the reporter runs
printf '#!/bin/sh\nFAKE_SENDMAIL_DIR=%s exec %s "$@"\n' "$tmp/capture" \
    "$FAKE" >"$tmp/sendmail"
chmod +x "$tmp/sendmail"
check "report-sample writes the report and mails" \
    "$SAMPLE" "$tmp/out.d" "$tmp/sendmail"
D="$tmp/out.d"
file=$(sed -n 1p "$D/names")
subject=$(sed -n 2p "$D/names")
id=$(sed -n 3p "$D/names")
size=$(sed -n 4p "$D/names")

# standards.md 9.1: the reference schema does not compile in libxml2;
# derive the test copy without targetNamespace
sed 's/ targetNamespace="[^"]*"//' "$XSD" >"$tmp/rfc7489-test.xsd"
check "xmllint validates report.xml against the Appendix C schema" \
    xmllint --noout --schema "$tmp/rfc7489-test.xsd" "$D/report.xml"
check "the verbatim schema still fails to compile (why the test copy)" \
    sh -c "! xmllint --noout --schema '$XSD' '$D/report.xml'"
check "gzip -dc of the .xml.gz equals the plain report" \
    sh -c "gzip -dc '$D/$file' | cmp - '$D/report.xml'"
check "file name follows receiver!domain!begin!end!id.xml.gz" \
    sh -c "echo '$file' | grep -Eq '^receiver\.example!example\.org!1764633600!1764720000![A-Za-z0-9]+\.xml\.gz$'"
check "report_id in the XML equals the file name id and the Subject id" \
    sh -c "grep -q '<report_id>$id</report_id>' '$D/report.xml' &&
           echo '$file' | grep -q '!$id\.xml\.gz$' &&
           echo '$subject' | grep -q 'Report-ID: <$id>\$'"
if command -v dmarc-cat >/dev/null 2>&1; then
    check "dmarc-cat prints the report without error" \
        sh -c "dmarc-cat -N '$D/$file' >'$tmp/cat' 2>&1 &&
               grep -q 'example.org' '$tmp/cat' && grep -q '192.0.2.1' '$tmp/cat'"
else
    skip "dmarc-cat not installed"
fi

cat >"$tmp/mime.py" <<'PY'
import email, email.policy, gzip, sys
raw = open(sys.argv[1], "rb").read()
kind, gzfile, size = sys.argv[2], sys.argv[3], int(sys.argv[4])
assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF"
assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR"
m = email.message_from_bytes(raw, policy=email.policy.default)
assert not m.defects, m.defects
for h in ("From", "To", "Date", "Message-ID", "Subject", "MIME-Version"):
    assert m[h] is not None, h
assert m["Auto-Submitted"] == "auto-generated"
assert m.get_content_type() == "multipart/mixed"
parts = list(m.iter_parts())
assert parts[0].get_content_type() == "text/plain"
if kind == "report":
    assert str(m["Subject"]).startswith("Report Domain: example.org Submitter: receiver.example Report-ID: <")
    att = parts[1]
    assert att.get_content_type() == "application/gzip"
    assert att.get_content_disposition() == "attachment"
    assert att.get_filename() == gzfile.rsplit("/", 1)[1], att.get_filename()
    data = att.get_payload(decode=True)
    assert data == open(gzfile, "rb").read(), "attachment differs"
    gzip.decompress(data)
    body = att.get_payload(decode=False)
    # the !size figure is the base64 body with its CRLF line ends
    assert len(body.replace("\r\n", "\n").replace("\n", "\r\n")) == size, (len(body), size)
    assert max(len(l) for l in body.splitlines()) <= 76
else:
    fields = email.message_from_string(parts[0].get_content())
    for f in ("Report-Date", "Report-Domain", "Report-ID", "Report-Size", "Submitter", "Submitting-URI"):
        assert fields[f], f
    assert int(fields["Report-Size"]) == size
PY
check "Python's email parser reads the report mail" \
    python3 "$tmp/mime.py" "$D/report.eml" report "$D/$file" "$size"
check "Python's email parser reads the error report" \
    python3 "$tmp/mime.py" "$D/error.eml" error "$D/$file" "$size"
check "fake sendmail got -i -f sender rcpt as separate arguments" \
    sh -c "printf -- '-i\n-f\nbounce@receiver.example\nrua@example.org\n' | cmp - '$tmp/capture/1.args'"
check "fake sendmail got the report mail unchanged" \
    cmp "$D/report.eml" "$tmp/capture/1.eml"
check "the sendmail command ran with the fixed environment" \
    sh -c "grep -qx 'LC_ALL=C' '$tmp/capture/1.env' &&
           grep -qx 'PATH=/usr/sbin:/usr/bin:/sbin:/bin' '$tmp/capture/1.env' &&
           ! grep -q '^HOME=' '$tmp/capture/1.env'"
