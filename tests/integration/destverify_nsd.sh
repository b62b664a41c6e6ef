#!/bin/sh
# destverify_nsd.sh - RFC 7489 section 7.1 external destination
# verification against a private NSD on loopback, through the real
# resolver and the public suffix list: a plain record, with and without
# ";", split over several strings, beside other TXT records, a wrong
# version, no record, a wildcard, SERVFAIL (deferred), and a destination
# in the same organizational domain (no lookup).
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
CHECK="$TOP/$BUILD/tests/tools/destverify-check"

tap_plan 10

if ! reason=$(nsd_available); then
    tap_skip_rest "$reason"
    tap_done
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/destverify_nsd.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    nsd_stop "$dir"
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

nsd_zone "$dir" red.test <<'ZONE'
blue.example.test._report._dmarc   TXT "v=DMARC1"
semi.example.test._report._dmarc   TXT "v=DMARC1;"
split.example.test._report._dmarc  TXT "v=DMAR" "C1; rua=mailto:x@red.test"
two.example.test._report._dmarc    TXT "v=spf1 -all"
two.example.test._report._dmarc    TXT "v=DMARC1; "
bad.example.test._report._dmarc    TXT "v=DMARC2"
ZONE
nsd_zone "$dir" wild.test <<'ZONE'
*._report._dmarc   TXT "v=DMARC1;"
ZONE
nsd_servfail_zone "$dir" broken.test
if ! nsd_start "$dir"; then
    tap_skip_rest "nsd did not start"
    tap_done
fi

run() { "$CHECK" "$NSD_NS" "$1" "$2" 2>&1; }

tap_is "$(run blue.example.test red.test)" \
    "ok external=yes record=v=DMARC1" "plain v=DMARC1 record authorizes"
tap_is "$(run semi.example.test red.test)" \
    "ok external=yes record=v=DMARC1;" "v=DMARC1; (erratum 5440) authorizes"
tap_is "$(run split.example.test red.test)" \
    "ok external=yes record=v=DMARC1; rua=mailto:x@red.test" \
    "a record split over two strings is read whole"
tap_is "$(run two.example.test red.test)" \
    "ok external=yes record=v=DMARC1; " \
    "the v=DMARC1 record is found beside another TXT record"
tap_is "$(run bad.example.test red.test)" \
    "unverified external=yes record=-" "v=DMARC2 does not authorize"
tap_is "$(run none.example.test red.test)" \
    "unverified external=yes record=-" "no record: unverified"
tap_is "$(run anything.example.test wild.test)" \
    "ok external=yes record=v=DMARC1;" "a wildcard record authorizes"
tap_is "$(run blue.example.test mx.broken.test)" \
    "deferred external=yes record=-" "SERVFAIL defers the destination"
tap_is "$(run example.test mail.example.test)" \
    "ok external=no record=-" "same organizational domain: no check"
tap_is "$(run BLUE.Example.Test. Red.Test.)" \
    "ok external=yes record=v=DMARC1" "case and trailing dots do not matter"
tap_done
