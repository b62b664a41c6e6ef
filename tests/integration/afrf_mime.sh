#!/bin/sh
# afrf_mime.sh - every failure report the pipeline generates, read by an
# independent MIME parser (Python's email package): the three parts of a
# multipart/report; report-type=feedback-report, each required field of
# the message/feedback-report part (RFC 5965, RFC 6591, RFC 7489 section
# 7.3.1), CRLF line ends, the message's own fields, the arguments the
# ReportCommand got, the whole-message variant and redaction.  TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
SAMPLE="$TOP/$BUILD/tests/tools/afrf-sample"
FAKE="$TOP/$BUILD/tests/tools/fake-sendmail"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { desc=$1; shift; if "$@" >"$tmp/out" 2>&1; then ok "$desc"; else notok "$desc"; sed 's/^/# /' "$tmp/out"; fi; }

echo "1..4"
mkdir -p "$tmp/cap"
printf '#!/bin/sh\nFAKE_SENDMAIL_DIR=%s exec %s "$@"\n' "$tmp/cap" "$FAKE" \
    >"$tmp/sendmail"
chmod +x "$tmp/sendmail"
check "afrf-sample sends three reports through the ReportCommand" \
    "$SAMPLE" "$tmp/sendmail"

cat >"$tmp/check.py" <<'PY'
import email, email.policy, sys
d = sys.argv[1]
REQ = ['Feedback-Type', 'User-Agent', 'Version', 'Auth-Failure',
       'Authentication-Results', 'Identity-Alignment', 'Original-Envelope-Id',
       'Original-Mail-From', 'Original-Rcpt-To', 'Arrival-Date', 'Source-IP',
       'Source-Port', 'Reported-Domain', 'Delivery-Result', 'DKIM-Domain',
       'DKIM-Identity', 'DKIM-Selector', 'SPF-DNS', 'Reporting-MTA']
def fail(msg):
    print(msg); sys.exit(1)
seen = {}
for i in (1, 2, 3):
    raw = open('%s/%d.eml' % (d, i), 'rb').read()
    args = open('%s/%d.args' % (d, i)).read().split('\n')
    if args[:4] != ['-i', '-f', 'dmarc@receiver.test', 'forensic@example.com']:
        fail('args %r' % args)
    if b'\n' in raw.replace(b'\r\n', b''):
        fail('bare LF in report %d' % i)
    m = email.message_from_bytes(raw, policy=email.policy.default)
    for h in ('From', 'To', 'Date', 'Message-ID', 'Subject'):
        if not m[h]:
            fail('no %s' % h)
    if m['Auto-Submitted'] != 'auto-generated':
        fail('Auto-Submitted')
    if m['Subject'] != 'DMARC failure report for example.com from 203.0.113.66':
        fail('Subject %r' % m['Subject'])
    if m.get_content_type() != 'multipart/report' or \
       m.get_param('report-type') != 'feedback-report':
        fail('top type %s' % m['Content-Type'])
    parts = m.get_payload()
    if len(parts) != 3:
        fail('%d parts' % len(parts))
    if parts[0].get_content_type() != 'text/plain':
        fail('part 1 %s' % parts[0].get_content_type())
    if parts[1].get_content_type() != 'message/feedback-report':
        fail('part 2 %s' % parts[1].get_content_type())
    # the feedback part is a block of fields (RFC 5965 section 3)
    fb = parts[1].get_payload()
    fb = fb[0] if isinstance(fb, list) else email.message_from_string(fb)
    for f in REQ:
        if fb[f] is None:
            fail('report %d: no %s' % (i, f))
    want = {'Feedback-Type': 'auth-failure', 'Version': '1',
            'Auth-Failure': 'dmarc', 'Identity-Alignment': 'dkim, spf',
            'Source-IP': '203.0.113.66', 'Source-Port': '40123',
            'Reported-Domain': 'example.com', 'Delivery-Result': 'reject',
            'DKIM-Domain': 'example.com', 'DKIM-Selector': 'sel1',
            'DKIM-Identity': '@example.com',
            'SPF-DNS': 'txt : example.com : "v=spf1 ip4:198.51.100.99 -all"'}
    for k, v in want.items():
        if str(fb[k]) != v:
            fail('report %d: %s: %r' % (i, k, str(fb[k])))
    ar = str(fb['Authentication-Results'])
    if 'dmarc=fail header.from=example.com' not in ar or 'dkim=fail' not in ar:
        fail('A-R %r' % ar)
    seen[str(fb['Original-Envelope-Id'])] = (fb, parts[2], raw)
for job in ('QPLAIN', 'QBODY', 'QREDACT'):
    if job not in seen:
        fail('no report for %s' % job)
print('ok')
PY
check "each report: three parts, every required field, CRLF, own fields" \
    python3 "$tmp/check.py" "$tmp/cap"

cat >"$tmp/kinds.py" <<'PY'
import email, email.policy, sys
d = sys.argv[1]
by = {}
for i in (1, 2, 3):
    m = email.message_from_bytes(open('%s/%d.eml' % (d, i), 'rb').read(),
                                 policy=email.policy.default)
    raw = open('%s/%d.eml' % (d, i), 'rb').read().decode()
    job = [l for l in raw.split('\r\n') if l.startswith('Original-Envelope-Id:')][0].split()[1]
    by[job] = (m.get_payload()[2], raw)
p, raw = by['QPLAIN']
assert p.get_content_type() == 'text/rfc822-headers', p.get_content_type()
assert 'Please pay' not in raw
assert 'Subject: Urgent wire transfer' in raw
p, raw = by['QBODY']
assert p.get_content_type() == 'message/rfc822', p.get_content_type()
inner = p.get_payload()[0]
assert inner['Message-ID'] == '<seed3@spoofer.test>'
assert 'Please pay' in inner.get_content()
p, raw = by['QREDACT']
assert p.get_content_type() == 'text/rfc822-headers'
assert 'ceo@' not in raw and 'bob@' not in raw, 'local part left'
assert '@example.com>' in raw and '@receiver.test>' in raw
assert 'Please pay' not in raw
print('ok')
PY
check "headers only by default, message/rfc822 with FailureReportsBody" \
    python3 "$tmp/kinds.py" "$tmp/cap"
check "FailureReportsRedact replaces local parts, keeps domains" \
    grep -q '^Original-Mail-From: <[0-9a-f]\{8\}@example.com>' \
    "$tmp/cap/1.eml" "$tmp/cap/2.eml" "$tmp/cap/3.eml"
