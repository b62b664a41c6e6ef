#!/bin/sh
# smtp_delivery.sh - report delivery over SMTP with libcurl, against a
# minimal SMTP server on loopback (tests/lib/smtp_sink.py): the message
# arrives unchanged (dot-stuffing included), the envelope is as given,
# AUTH PLAIN carries the configured credentials, 4xx is temporary, 5xx
# permanent, a required STARTTLS that is not offered fails, a refused
# connection is temporary, a bad address never connects.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
SEND="$TOP/$BUILD/tests/tools/smtp-send"

tap_plan 11
dir=$(mktemp -d "${TMPDIR:-/tmp}/smtp_delivery.XXXXXX")
sink_pid=
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

mkdir "$dir/sink"
python3 "$TOP/tests/lib/smtp_sink.py" "$dir/sink" &
sink_pid=$!
i=0
while [ ! -s "$dir/sink/port" ] && [ $i -lt 100 ]; do
    sleep 0.05
    i=$((i + 1))
done
if [ ! -s "$dir/sink/port" ]; then
    tap_skip_rest "SMTP sink did not start"
    tap_done
fi
URL="smtp://127.0.0.1:$(cat "$dir/sink/port")"
printf 'From: a@receiver.example\r\nTo: rua@example.org\r\nSubject: t\r\n\r\n.leading dot\r\n..two\r\nend\r\n' >"$dir/msg"

send() { "$SEND" "$1" "$2" "$3" "$4" "$5" "$6" "$dir/msg" 2>"$dir/err"; }

tap_is "$(send "$URL" none - - bounce@receiver.example rua@example.org)" \
    sent "a message to an accepting server is sent"
tap_check "the message arrives unchanged (dot-stuffing undone)" \
    cmp "$dir/msg" "$dir/sink/1.eml"
tap_is "$(cat "$dir/sink/1.env")" \
    "$(printf 'MAIL FROM:<bounce@receiver.example>\nRCPT TO:<rua@example.org>')" \
    "envelope sender and recipient as given"
tap_is "$(send "$URL" none reporter 's3cret' bounce@receiver.example rua@example.org)" \
    sent "AUTH: sent"
tap_like "$(cat "$dir/sink/2.env")" "^AUTH reporter s3cret" \
    "AUTH PLAIN carries the configured user and password"
tap_is "$(send "$URL" none - - bounce@receiver.example temp@example.org)" \
    tempfail "451 on RCPT is a temporary failure"
tap_is "$(send "$URL" none - - bounce@receiver.example perm@example.org)" \
    permfail "550 on RCPT is a permanent failure"
tap_is "$(send "$URL" require - - bounce@receiver.example rua@example.org)" \
    permfail "STARTTLS required but not offered: permanent"
tap_is "$(send "$URL" none - - bounce@receiver.example '-oQ@example.org')" \
    badaddr "a recipient starting with '-' is refused before connecting"
tap_is "$(send "$URL" try reporter 's3cret' bounce@receiver.example rua@example.org)" \
    permfail "AUTH with STARTTLS 'try' insists on TLS: no password in clear"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tap_is "$(send "smtp://127.0.0.1:$closed" none - - bounce@receiver.example rua@example.org)" \
    tempfail "a refused connection is a temporary failure"
tap_done
