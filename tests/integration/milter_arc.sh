#!/bin/sh
# milter_arc.sh - forwarded mail (issue 8): dmarc-milter's ARC override
# with DomainWhitelist over the real milter protocol (tests/tools/
# milterclient) against an NSD on loopback.  A message that fails DMARC
# with a trusted arc=pass whose every arc.chain sealer is whitelisted is
# accepted, says so in its Authentication-Results and log, and records
# the override; an unlisted sealer, arc=fail, an untrusted A-R or a
# whitelisted parent domain leave it rejected; malformed and oversized
# ARC fields are survived; DomainWhitelistFile and DomainWhitelistSize
# behave as documented; the history round-trips through dmarc-import and
# dmarc-reports shows the reason in a schema-valid report.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
B="$TOP/$BUILD"

tap_plan 39
mt_require "$MC"
mt_tmpdir mt_arc

mt_zone author.test "p=reject; rua=mailto:agg@author.test" "ip4:198.51.100.10 -all"
mt_zone quar.test "p=quarantine" "-all"
mt_zone sample.test "p=reject; pct=0; rua=mailto:agg@sample.test" "-all"
mt_nsd_start

H="$dir/history"
L="$dir/m.conf.log"
printf '# trusted forwarders\n\nrelay.forward.test  # the relay\n' \
    >"$dir/wl.txt"
base="SPFSelfValidate true|RejectFailures true|HistoryFile $H|LogLevel info"
# start CONF-LINES... - (re)start the milter with base plus the lines
start() {
    mt_stop
    _old_ifs=$IFS
    IFS='|'
    # shellcheck disable=SC2086 # split on | on purpose
    set -- $base "$@"
    IFS=$_old_ifs
    mt_conf "$dir/m.conf" "$@"
    mt_start "$dir/m.conf" || { tap_skip_rest "milter does not start"; tap_done; }
}
SEAL1='ARC-Seal: i=1; a=rsa-sha256; t=1795514280; cv=none; d=list.forward.test; s=arc2026; b=u2MnpExTUrS6hRQcD4U6Yix6Ety1u36gggEq46XBvob=='
AAR1='ARC-Authentication-Results: i=1; list.forward.test; dkim=pass header.d=author.test header.s=sel1; arc=none smtp.remote-ip=198.51.100.10'
SEAL2='ARC-Seal: i=2; a=rsa-sha256; t=1795514340; cv=pass; d=Relay.Forward.Test; s=seal1; b=xd7A2XhLdyFGABT4XJqpixzWL92V=='
AAR2='ARC-Authentication-Results: i=2; relay.forward.test; arc=pass smtp.remote-ip=192.0.2.25'
BROKEN='Authentication-Results: receiver.test; dkim=fail (body hash did not verify) header.d=author.test header.s=sel1'
# fwd QUEUE-ID ARC-AR [HEADER...] - a list-forwarded author.test message:
# SPF fails (client 192.0.2.10), DKIM broken; ARC-AR is the trusted
# verifier's arc result ("" for none); two ARC sets unless more headers
fwd() {
    _q=$1
    _a=$2
    shift 2
    set -- --header "$BROKEN" "$@"
    [ -n "$_a" ] && set -- --header "Authentication-Results: $_a" "$@"
    mt_send --from '<alice@author.test>' --queue-id "$_q" \
        --header 'From: Alice <alice@author.test>' \
        --header 'Subject: [list] forwarded' "$@"
}
# fwd2 QUEUE-ID ARC-AR [HEADER...] - fwd with both ARC sets (i=2, i=1)
fwd2() {
    _q2=$1
    _a2=$2
    shift 2
    fwd "$_q2" "$_a2" "$@" --header "$SEAL2" --header "$AAR2" \
        --header "$SEAL1" --header "$AAR1"
}
CHAIN='arc.chain=list.forward.test:relay.forward.test'
# ar OUT - the dmarc Authentication-Results value in a result line
ar() {
    printf '%s\n' "$1" | grep -o 'Authentication-Results: [^"]*dmarc=[^"]*' |
        sed 's/^Authentication-Results: //'
}
# rec JOB - the history record of JOB, lines joined with |
rec() {
    sed -n "/^job $1\$/,/^action/p" "$H" | tr '\n' '|'
}

# --------------------------------------------------------- the override
start "DomainWhitelist list.forward.test" "DomainWhitelistFile $dir/wl.txt"
tap_like "$(cat "$L")" 'ARC: 2 trusted sealing domains' \
    "DomainWhitelist and DomainWhitelistFile are merged"
out=$(fwd2 ARC1 "receiver.test; arc=pass smtp.remote-ip=192.0.2.25 $CHAIN")
tap_is "$(mt_field "$out" action)" accept \
    "trusted arc=pass, every sealer whitelisted: accepted"
tap_is "$(ar "$out")" \
    "receiver.test; dmarc=fail (p=reject dis=none override=trusted_forwarder) header.from=author.test" \
    "A-R: dmarc stays fail, dis=none, the override is named"
tap_like "$(cat "$L")" 'ARC1: author.test dmarc=fail p=reject dis=none override=trusted_forwarder' \
    "the verdict log line names the override"
tap_like "$(cat "$L")" 'ARC1: author.test: trusted ARC chain \(arc=pass as\[2\]' \
    "the log names the sealers"
r=$(rec ARC1)
tap_like "$r" '\|arc 0\|arc_policy 0 json:\[\{ "i": 2, "d":"Relay.Forward.Test", "s":"seal1", "ip":"192.0.2.25" \}, \{ "i": 1, "d":"list.forward.test", "s":"arc2026", "ip":"198.51.100.10" \}\]\|' \
    "history arc and arc_policy in OpenDMARC's format"
tap_like "$r" '\|override trusted_forwarder arc=pass as\[2\]\.d=Relay\.Forward\.Test as\[2\]\.s=seal1 remote-ip\[2\]=192\.0\.2\.25 as\[1\]\.d=list\.forward\.test as\[1\]\.s=arc2026 remote-ip\[1\]=198\.51\.100\.10\|action 2\|$' \
    "history override trusted_forwarder with the RFC 8617 7.2 comment"
tap_like "$r" '\|policy 16\|' "history policy is still reject (16)"

# ------------------------------------------------------- no override
out=$(fwd2 ARC2 "receiver.test; arc=pass arc.chain=list.forward.test:evil.test")
tap_is "$(mt_field "$out" action)" reject "one unlisted sealer: rejected"
tap_like "$(rec ARC2)" '\|arc 0\|arc_policy 2 json:\[\{ "i": 2' \
    "history: arc pass, arc_policy fail"
out=$(fwd2 ARC3 "receiver.test; arc=fail $CHAIN")
tap_is "$(mt_field "$out" action)" reject "arc=fail: rejected"
tap_like "$(rec ARC3)" '\|arc 7\|arc_policy 2 ' "history: arc 7, arc_policy 2"
out=$(fwd2 ARC4 "" --header "Authentication-Results: list.forward.test; arc=pass $CHAIN")
tap_is "$(mt_field "$out" action)" reject "arc=pass from an untrusted authserv-id: rejected"
out=$(fwd2 ARC5 "receiver.test; arc=pass $CHAIN" --header \
    "Authentication-Results: receiver.test; arc=pass $CHAIN")
tap_is "$(mt_field "$out" action)" reject "two trusted arc results: not believed"
out=$(fwd ARC6 "receiver.test; arc=pass" --header "$SEAL1" --header "$AAR1")
tap_is "$(mt_field "$out" action)" reject "arc=pass without arc.chain: rejected"
tap_is "$(rec ARC6 | grep -c override)" 0 "no override line without an override"

start "DomainWhitelist forward.test"
out=$(fwd ARC7 "receiver.test; arc=pass arc.chain=list.forward.test" \
    --header "$SEAL1" --header "$AAR1")
tap_is "$(mt_field "$out" action)" reject "a whitelisted parent does not cover its subdomain"

start "DomainWhitelist LIST.Forward.TEST" "HoldQuarantinedMessages true"
out=$(fwd ARC8 "receiver.test; arc=pass arc.chain=list.FORWARD.test" \
    --header "$SEAL1" --header "$AAR1")
tap_is "$(mt_field "$out" action)" accept "sealer names compare case-insensitively"
for q in ARC8b ARC8c; do
    out=$(fwd $q "receiver.test; arc=pass arc.chain=list.forward.test" \
        --header "$SEAL1" --header "$AAR1")
done
tap_is "$(grep -c '^override trusted_forwarder arc=pass as\[1\]\.d=list\.forward\.test as\[1\]\.s=arc2026 remote-ip\[1\]=198\.51\.100\.10$' "$H")" 3 \
    "the same forwarded message three times: three override lines"
out=$(mt_send --from '<a@quar.test>' --queue-id ARC9 \
    --header 'From: a@quar.test' --header \
    'Authentication-Results: receiver.test; arc=pass arc.chain=list.forward.test' \
    --header "$SEAL1" --header "$AAR1")
tap_is "$(mt_field "$out" action)" accept "the override also lifts a held quarantine"
tap_like "$(ar "$out")" 'dmarc=fail \(p=quarantine dis=none override=trusted_forwarder\)' \
    "quarantine override named in the A-R"

# ------------------------------------------- malformed and oversized ARC
big=$(head -c 40000 /dev/zero | tr '\0' 'A')
out=$(fwd ARC10 "receiver.test; arc=pass arc.chain=list.forward.test" \
    --header 'ARC-Seal: garbage (not a tag-list) !!@@## ~~~' \
    --header 'ARC-Seal: i=1; i=2; d=x.test' \
    --header 'ARC-Seal: d=list.forward.test; s=no-instance' \
    --header "ARC-Seal: i=3; d=list.forward.test; s=s; b=$big" \
    --header "ARC-Authentication-Results: i=1; x; spf=$big" \
    --header 'ARC-Authentication-Results: no instance; arc=pass' \
    --header 'ARC-Seal: i=1; a=rsa-sha256; cv=none; s=arc2026; b=u2M=' \
    --header "$AAR1")
tap_is "$(mt_field "$out" action)" accept \
    "malformed and oversized ARC fields are survived (the trusted A-R decides)"
tap_like "$(rec ARC10)" '\|arc_policy 0 json:\[\{ "i": 1, "d":"", "s":"arc2026", "ip":"198.51.100.10" \}\]\|' \
    "only the well-formed seal is recorded (no d=: empty)"
n=$(grep -c 'ARC10: ARC-\(Seal\|Authentication-Results\) field ignored' "$L")
tap_is "$n" 6 "each malformed ARC field is logged once"
tap_like "$(cat "$L")" 'ARC10: ARC-Seal field ignored: ARC-Seal too long \(limit\)' \
    "the oversized seal is logged as over its limit"
out=$(fwd ARC11 "receiver.test; arc=fail" --header 'ARC-Seal: garbage' \
    --header "$AAR1")
tap_is "$(mt_field "$out" action)" reject "garbage seal with arc=fail: a normal rejection"
tap_like "$(mt_send --from '<a@author.test>' --header 'From: a@author.test' \
    --header 'ARC-Seal: ;;;=')" 'action=' "the milter still answers"

# ------------------------------------------------ configuration errors
printf 'a.test\nb.test\nc.test\n' >"$dir/wl3.txt"
mt_conf "$dir/n.conf" "DomainWhitelist a.test, d.test" \
    "DomainWhitelistFile $dir/wl3.txt" "DomainWhitelistSize 3"
"$MT" -n -c "$dir/n.conf" 2>"$dir/n.log"
tap_is "$?" 78 "more entries than DomainWhitelistSize: configuration error (EX_CONFIG)"
tap_like "$(cat "$dir/n.log")" "wl3.txt:3: 'c.test': more entries than DomainWhitelistSize allows" \
    "the error names file and line"
printf 'ok.test\n*.bad.test\n' >"$dir/wlbad.txt"
mt_conf "$dir/n.conf" "DomainWhitelistFile $dir/wlbad.txt"
"$MT" -n -c "$dir/n.conf" 2>"$dir/n.log"
tap_like "$(cat "$dir/n.log")" "wlbad.txt:2: '\*.bad.test'" "an invalid name names file and line"

# ---------------------------------- sampled_out next to the ARC override
start "DomainWhitelist list.forward.test"
out=$(mt_send --from '<a@sample.test>' --queue-id ARC12 \
    --header 'From: a@sample.test' --header 'Subject: sampled')
tap_like "$(rec ARC12)" '\|override sampled_out\|action 2\|' "pct=0: sampled_out recorded"

# ---------------------------------------- import and the aggregate report
# the report covers finished periods only: move the records to a past day
sed 's/^received .*/received 1764633600/' "$H" >"$dir/hist.old"
"$B/dmarc-import" -q --db "$dir/dmarc.db" "$dir/hist.old" 2>"$dir/imp.log"
tap_is "$?" 0 "dmarc-import loads the milter's history"
tap_is "$(sqlite3 "$dir/dmarc.db" "SELECT group_concat(type || ' ' || comment, '|') FROM overrides WHERE type = 'trusted_forwarder' AND comment LIKE 'arc=pass as[2].d=Relay.Forward.Test%'")" \
    "trusted_forwarder arc=pass as[2].d=Relay.Forward.Test as[2].s=seal1 remote-ip[2]=192.0.2.25 as[1].d=list.forward.test as[1].s=arc2026 remote-ip[1]=198.51.100.10" \
    "the override reason and comment are stored"
tap_is "$(sqlite3 "$dir/dmarc.db" "SELECT count(*) FROM arcseals")" \
    "$(grep -o '{ "i"' "$H" | wc -l | tr -d ' ')" "every recorded seal is stored"
cat >"$dir/r.conf" <<CONF
Database          $dir/dmarc.db
Nameservers       $NSD_NS
ReportOrg         Receiver Example Inc.
ReportEmail       dmarc-contact@receiver.test
ReportFrom        dmarc-noreply@receiver.test
CONF
mkdir "$dir/out"
"$B/dmarc-reports" -c "$dir/r.conf" --outdir "$dir/out" 2>"$dir/rep.log"
gzip -dc "$dir"/out/*author.test*.xml.gz >"$dir/author.xml" 2>/dev/null
tap_like "$(tr -d '\n' <"$dir/author.xml")" '<count>3</count><policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>trusted_forwarder</type><comment>arc=pass as\[1\]\.d=list\.forward\.test as\[1\]\.s=arc2026 remote-ip\[1\]=198\.51\.100\.10</comment></reason></policy_evaluated>' \
    "the report groups the overridden messages with their reason, real count"
tap_like "$(tr -d '\n' <"$dir/author.xml")" '<comment>arc=pass as\[2\]\.d=Relay\.Forward\.Test as\[2\]\.s=seal1 remote-ip\[2\]=192\.0\.2\.25 as\[1\]' \
    "the two-sealer override keeps its own comment"
tap_is "$(grep -o '<reason>' "$dir/author.xml" | wc -l | tr -d ' ')/$(tr -d '\n' <"$dir/author.xml" | grep -o '<disposition>reject</disposition><dkim>fail</dkim><spf>fail</spf><reason>' | wc -l | tr -d ' ')" \
    "3/0" "reasons only on rows whose disposition differs from the policy"
gzip -dc "$dir"/out/*sample.test*.xml.gz >"$dir/sample.xml" 2>/dev/null
tap_like "$(tr -d '\n' <"$dir/sample.xml")" '<disposition>none</disposition><dkim>fail</dkim><spf>fail</spf><reason><type>sampled_out</type></reason>' \
    "sampled_out rows carry their reason"
sed 's/ targetNamespace="[^"]*"//' "$TOP/tests/data/xsd/rfc7489-appendix-c.xsd" \
    >"$dir/test.xsd"
bad=0
for f in "$dir"/out/*.xml.gz; do
    gzip -dc "$f" | xmllint --noout --schema "$dir/test.xsd" - \
        >/dev/null 2>>"$dir/xsd.log" || bad=$((bad + 1))
done
tap_is "$bad/$(find "$dir/out" -name '*.xml.gz' | wc -l | tr -d ' ')" 0/3 \
    "every report (ARC overrides, sampled_out, quarantine) validates"
tap_done
