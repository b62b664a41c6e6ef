#!/bin/sh
# afrf_milter.sh - failure reports from dmarc-milter over the real milter
# protocol (tests/tools/milterclient) against an NSD on loopback, the
# ReportCommand a fake sendmail that captures each report:
#   - FailureReportsBody: the milter asks for the body (no SMFIP_NOBODY)
#     and the report carries the whole message as message/rfc822 with the
#     original body, CRLF line ends, valid MIME (Python's email package),
#     also for a body of several 64 KiB chunks;
#   - a body over FailureReportsBodyMaxSize: the header only, as
#     text/rfc822-headers, and a log line;
#   - without FailureReportsBody, with FailureReports off, or with
#     FailureReportsRedact: SMFIP_NOBODY is negotiated (no body is sent);
#   - Source-IP: the client address, and no field at all for a client
#     without an inet address;
#   - FailureReportsSpool with FailureReportsRetryInterval 1: a report
#     whose ReportCommand failed once is sent by the timer, with no new
#     message, restart or reload.
# TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
FAKE="$TOP/$BUILD/tests/tools/fake-sendmail"

tap_plan 16
mt_require "$MC" "$FAKE"
if ! command -v python3 >/dev/null; then
    tap_skip_rest "python3 not installed"
    tap_done
fi
mt_tmpdir afrf_milter

mt_zone fail.test "p=reject; ruf=mailto:ruf@fail.test" "-all"
mt_nsd_start

# the ReportCommand: the fake sendmail writing into $dir/cap/N.eml
mkdir -p "$dir/cap"
printf '#!/bin/sh\nFAKE_SENDMAIL_DIR=%s exec %s "$@"\n' "$dir/cap" "$FAKE" \
    >"$dir/sendmail"
# the same, failing (EX_TEMPFAIL) the first time it runs
printf '#!/bin/sh\nif [ ! -f %s/failed ]; then cat >/dev/null; : >%s/failed; exit 75; fi\nexec %s "$@"\n' \
    "$dir" "$dir" "$dir/sendmail" >"$dir/sendmail-once"
chmod +x "$dir/sendmail" "$dir/sendmail-once"

base="SPFSelfValidate true|FailureReports true|ReportCommand $dir/sendmail|FailureReportsSentBy dmarc@receiver.test"
# start CONF-LINES... - (re)start the milter with base plus the lines
start() {
    mt_stop
    rm -f "$dir"/cap/*
    _old_ifs=$IFS
    IFS='|'
    # shellcheck disable=SC2086 # split on | on purpose
    set -- $base "$@"
    IFS=$_old_ifs
    mt_conf "$dir/m.conf" "$@"
    mt_start "$dir/m.conf" || { tap_skip_rest "milter does not start"; tap_done; }
}
# send QUEUE-ID [ARGS...] - one failing message from a@fail.test
send() {
    _q=$1
    shift
    mt_send --print-protocol --queue-id "$_q" --from '<a@fail.test>' \
        --rcpt '<bob@receiver.test>' --header 'From: A <a@fail.test>' \
        --header 'Subject: pay' --header "Message-ID: <$_q@fail.test>" "$@"
}
# wait_report [SECONDS] - until $dir/cap/1.eml exists (default 10 s)
wait_report() {
    _n=0
    while [ ! -s "$dir/cap/1.eml" ] && [ $_n -lt $((${1:-10} * 20)) ]; do
        sleep 0.05
        _n=$((_n + 1))
    done
    [ -s "$dir/cap/1.eml" ]
}

cat >"$dir/check.py" <<'PY'
# check.py EML KIND [BODYFILE] - the report in EML is a valid
# multipart/report whose third part is KIND (rfc822: message/rfc822 with
# the body of BODYFILE, line ends CRLF; headers: text/rfc822-headers)
import email, email.policy, sys
raw = open(sys.argv[1], 'rb').read()
def fail(msg):
    print(msg)
    sys.exit(1)
if b'\n' in raw.replace(b'\r\n', b'') or b'\r' in raw.replace(b'\r\n', b''):
    fail('a bare LF or CR in the report')
m = email.message_from_bytes(raw, policy=email.policy.default)
if m.get_content_type() != 'multipart/report' or \
        m.get_param('report-type') != 'feedback-report':
    fail('top type %s' % m['Content-Type'])
parts = m.get_payload()
if len(parts) != 3 or parts[1].get_content_type() != 'message/feedback-report':
    fail('parts %r' % [p.get_content_type() for p in parts])
p = parts[2]
if sys.argv[2] == 'headers':
    if p.get_content_type() != 'text/rfc822-headers':
        fail('part 3 %s' % p.get_content_type())
    if b'Please pay' in raw:
        fail('the body is in a headers-only report')
    if b'Message-ID: <' not in raw:
        fail('no original header')
    sys.exit(0)
if p.get_content_type() != 'message/rfc822':
    fail('part 3 %s' % p.get_content_type())
inner = p.get_payload()[0]
if not str(inner['Message-ID']).endswith('@fail.test>'):
    fail('inner Message-ID %r' % inner['Message-ID'])
want = open(sys.argv[3], 'rb').read().replace(b'\n', b'\r\n')
# the body of the inner message, byte for byte, with its CRLFs
start = raw.index(b'\r\n\r\n', raw.index(b'Content-Type: message/rfc822'))
start = raw.index(b'\r\n\r\n', start + 4) + 4
if raw[start:start + len(want)] != want:
    fail('body differs at %d' % next(i for i in range(len(want))
                                     if raw[start + i] != want[i]))
if 'Please pay' not in inner.get_content():
    fail('the parsed body lacks its text')
PY

# --------------------------------------------- FailureReportsBody on
start "FailureReportsBody true"
printf 'line one\nPlease pay now.\n\n-- \nA\n' >"$dir/body1"
out=$(send QBODY1 --body "$(cat "$dir/body1")
")
tap_like "$out" 'body=yes' "FailureReportsBody: the milter asks the MTA for the body"
if wait_report; then
    tap_ok "FailureReportsBody: a report is sent"
    tap_check "FailureReportsBody: message/rfc822 with the original body, CRLF, valid MIME" \
        python3 "$dir/check.py" "$dir/cap/1.eml" rfc822 "$dir/body1"
else
    tap_fail "FailureReportsBody: a report is sent" "$(cat "$dir/m.conf.log")"
    tap_skip "no report" 1
fi

# a body of two 64 KiB chunks (one argument stays under 128 KiB)
python3 -c '
import sys
for i in range(1500):
    sys.stdout.write("Please pay line %05d %s\n" % (i, "x" * 50))' >"$dir/body2"
start "FailureReportsBody true" "FailureReportsBodyMaxSize 1048576"
out=$(send QBODY2 --body "$(cat "$dir/body2")
")
if wait_report; then
    tap_check "a body of several chunks ($(wc -c <"$dir/body2") bytes) arrives whole" \
        python3 "$dir/check.py" "$dir/cap/1.eml" rfc822 "$dir/body2"
else
    tap_fail "a body of several chunks arrives whole" "$(cat "$dir/m.conf.log")"
fi

# over FailureReportsBodyMaxSize: the header only
start "FailureReportsBody true" "FailureReportsBodyMaxSize 1024"
out=$(send QBIG --body "$(head -c 3000 "$dir/body2")")
if wait_report; then
    tap_check "a body over FailureReportsBodyMaxSize: text/rfc822-headers, no body" \
        python3 "$dir/check.py" "$dir/cap/1.eml" headers
else
    tap_fail "a body over FailureReportsBodyMaxSize: text/rfc822-headers" \
        "$(cat "$dir/m.conf.log")"
fi
tap_like "$(cat "$dir/m.conf.log")" \
    'QBIG: failure report carries the header only: the body is over FailureReportsBodyMaxSize \(1024 bytes\)' \
    "a body over the limit is logged"

# --------------------------------------------- FailureReportsBody off
start
out=$(send QHDR --body "$(cat "$dir/body1")")
tap_like "$out" 'body=no' "without FailureReportsBody: SMFIP_NOBODY, no body is sent"
if wait_report; then
    tap_check "without FailureReportsBody: text/rfc822-headers" \
        python3 "$dir/check.py" "$dir/cap/1.eml" headers
else
    tap_fail "without FailureReportsBody: text/rfc822-headers" \
        "$(cat "$dir/m.conf.log")"
fi
tap_like "$(cat "$dir/cap/1.eml" 2>/dev/null)" 'Source-IP: 192\.0\.2\.1' \
    "the client address is the Source-IP"
# a client without an inet address (SMFIA_UNKNOWN): no Source-IP at all,
# not the 127.0.0.1 the milter evaluates such a client as
rm -f "$dir"/cap/*
out=$(send QNOIP --client-ip unknown)
if wait_report; then
    tap_check "a client without an address: no Source-IP field" \
        sh -c '! grep -q "^Source-IP" "$1"' sh "$dir/cap/1.eml"
else
    tap_fail "a client without an address: no Source-IP field" \
        "$(cat "$dir/m.conf.log")"
fi
start "FailureReports false" "FailureReportsBody true"
out=$(send QOFF --body "$(cat "$dir/body1")")
tap_like "$out" 'body=no' "FailureReportsBody without FailureReports: SMFIP_NOBODY"
start "FailureReportsBody true" "FailureReportsRedact true"
out=$(send QRED --body "$(cat "$dir/body1")")
tap_like "$out" 'body=no' "FailureReportsBody with FailureReportsRedact: SMFIP_NOBODY"

# --------------------------------------------- the spool's retry timer
rm -f "$dir/failed"
start "ReportCommand $dir/sendmail-once" "FailureReportsSpool $dir/spool" \
    "FailureReportsRetryInterval 1"
out=$(send QRETRY)
tap_is "$(mt_field "$out" action)" accept "the message is accepted at once"
_n=0
while [ ! -f "$dir/failed" ] && [ $_n -lt 100 ]; do
    sleep 0.05
    _n=$((_n + 1))
done
tap_check "the first ReportCommand run fails" test -f "$dir/failed"
# no message, restart or reload from here on
if wait_report 8; then
    tap_ok "the retry timer sends the report without another trigger"
    tap_like "$(grep -c . "$dir/cap/1.args") $(ls "$dir/spool/new" | wc -l)" \
        '^[1-9][0-9]* 0$' "the report left the spool once sent"
else
    tap_fail "the retry timer sends the report without another trigger" \
        "$(cat "$dir/m.conf.log")"
    tap_skip "no report" 1
fi
tap_done
