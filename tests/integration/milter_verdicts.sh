#!/bin/sh
# milter_verdicts.sh - dmarc-milter's evaluation over the real milter
# protocol (tests/tools/milterclient) against an NSD on loopback serving
# per-test zones: DMARC pass, fail, none, temperror and permerror; p, sp
# and pct; every SPF result of our own check (client 192.0.2.10: libspf2
# passes 127.0.0.0/8, and the client address comes from the milter
# protocol, so no namespace is needed); trusted and untrusted
# Authentication-Results; Received-SPF; the reject text; quarantine;
# IgnoreHosts, IgnoreAuthenticatedClients, IgnoreMailFrom;
# CopyFailuresTo; AuthservID, AuthservIDWithJobID, SoftwareHeader;
# RequiredHeaders; RejectMultiValueFrom; the history record and
# HistoryExtensions.  The resolver is pointed at the NSD with Nameservers.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/tap.sh"
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"

tap_plan 75
mt_require "$MC"
mt_tmpdir mt_verdicts

nsd_zone "$dir" pass.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject; rua=mailto:agg@pass.test,mailto:b@pass.test!10m"
@        TXT "v=spf1 ip4:192.0.2.10 -all"
mail     TXT "v=spf1 ip4:192.0.2.10 -all"
ZONE
nsd_zone "$dir" strict.test <<'ZONE'
_dmarc   TXT "v=DMARC1; p=reject; aspf=s; adkim=s"
mail     TXT "v=spf1 ip4:192.0.2.10 -all"
ZONE
mt_zone reject.test "p=reject" "-all"
mt_zone quar.test "p=quarantine" "-all"
mt_zone none.test "p=none; fo=1" "-all"
mt_zone sp.test "p=none; sp=reject"
mt_zone pct.test "p=reject; pct=0" "-all"
mt_zone perm.test "p=bogus"
nsd_zone "$dir" soft.test <<'ZONE'
@        TXT "v=spf1 ~all"
ZONE
nsd_zone "$dir" neutral.test <<'ZONE'
@        TXT "v=spf1 ?all"
ZONE
nsd_zone "$dir" spfperm.test <<'ZONE'
@        TXT "v=spf1 frobnicate:x -all"
ZONE
nsd_zone "$dir" norec.test <<'ZONE'
www      A   192.0.2.99
ZONE
nsd_servfail_zone "$dir" tmp.test
mt_nsd_start

H="$dir/history"
base="SPFSelfValidate true|RejectFailures true|HistoryFile $H"
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
# send FROM-ADDR MAILFROM [ARGS...] - one message; From header FROM-ADDR
send() {
    _f=$1
    _m=$2
    shift 2
    mt_send --from "$_m" --header "From: Someone <$_f>" --header \
        "Subject: t" "$@"
}
# ar OUT - the dmarc Authentication-Results value in a result line
ar() {
    printf '%s\n' "$1" | grep -o 'Authentication-Results: [^"]*dmarc=[^"]*' |
        sed 's/^Authentication-Results: //'
}
# spf OUT - the spf= word our own A-R says
spf() {
    printf '%s\n' "$1" | grep -o 'Authentication-Results: [^"]*spf=[a-z]*' |
        sed 's/.*spf=//'
}

# ------------------------------------------------------------ results
start
out=$(send a@pass.test '<a@pass.test>')
tap_is "$(ar "$out")" "receiver.test; dmarc=pass (p=reject dis=none) header.from=pass.test" "aligned SPF pass: dmarc=pass"
tap_is "$(mt_field "$out" action)" accept "pass is accepted"
tap_like "$out" 'spf=pass smtp.mailfrom=pass.test' "our SPF result is added"
out=$(send a@reject.test '<a@reject.test>')
tap_is "$(mt_field "$out" action)" reject "p=reject failure is rejected"
tap_like "$out" 'reply="550 5.7.1 rejected by DMARC policy for reject.test"' "reject reply 550 5.7.1 names the domain"
tap_is "$(printf '%s' "$out" | grep -c 'dmarc=')/$(spf "$out")" 0/fail "rejected: our SPF field only, as OpenDMARC"
out=$(send a@quar.test '<a@quar.test>')
tap_is "$(mt_field "$out" action)" accept "quarantine without HoldQuarantinedMessages: accepted"
tap_like "$(ar "$out")" 'dmarc=fail \(p=quarantine dis=none\)' "quarantine not held: dis=none (left to downstream filters)"
out=$(send a@none.test '<a@none.test>')
tap_like "$(ar "$out")" 'dmarc=fail \(p=none dis=none\) header.from=none.test' "p=none failure"
out=$(send a@norec.test '<a@norec.test>')
tap_like "$(ar "$out")" 'dmarc=none \(p=none dis=none\) header.from=norec.test' "no record: dmarc=none"
out=$(send a@sub.sp.test '<a@sub.sp.test>')
tap_is "$(mt_field "$out" action)" reject "sp=reject applies to a subdomain"
out=$(send a@sp.test '<a@sp.test>')
tap_is "$(mt_field "$out" action)" accept "p=none applies to the domain itself"
out=$(send a@pct.test '<a@pct.test>')
tap_like "$(ar "$out")" 'dmarc=fail \(p=reject dis=none\)' "pct=0: not rejected (quarantine, not held)"
tap_is "$(mt_field "$out" action)" accept "pct=0: accepted"
out=$(send a@perm.test '<a@perm.test>')
tap_like "$(ar "$out")" 'dmarc=permerror' "unusable record: permerror"
tap_is "$(mt_field "$out" action)" accept "permerror is accepted"
out=$(send a@tmp.test '<a@pass.test>')
tap_is "$(mt_field "$out" action)" tempfail "DNS SERVFAIL with RejectFailures: tempfail"
tap_like "$out" 'reply="451 4\.4\.3 ' "tempfail reply 451 4.4.3"
out=$(send a@strict.test '<a@mail.strict.test>')
tap_is "$(mt_field "$out" action)" reject "aspf=s: SPF pass of a subdomain does not align"
out=$(send a@pass.test '<a@mail.pass.test>')
tap_is "$(mt_field "$out" action)" accept "aspf=r: SPF pass of a subdomain aligns"

# ------------------------------------------------------- SPF results
for r in pass:pass fail:reject softfail:soft neutral:neutral none:norec \
    permerror:spfperm temperror:tmp; do
    out=$(send a@none.test "<a@${r#*:}.test>")
    tap_is "$(spf "$out")" "${r%%:*}" "SPF self-validation: ${r%%:*}"
done
out=$(send a@pass.test '<>' --helo mail.pass.test)
tap_like "$out" 'spf=pass smtp.helo=mail.pass.test' "null sender: the HELO identity is checked"

# ------------------------------------------- upstream results (DKIM)
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test; dkim=pass header.d=reject.test header.s=s1')
tap_is "$(mt_field "$out" action)" accept "trusted DKIM pass aligns"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: RECEIVER.TEST (comment); dkim=fail header.d=x.test; dkim=pass (good) header.i=@reject.test header.s="s 1"')
tap_is "$(mt_field "$out" action)" accept "several results, comments, header.i, any case"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: evil.test; dkim=pass header.d=reject.test')
tap_is "$(mt_field "$out" action)" reject "untrusted authserv-id is ignored"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test.evil; dkim=pass header.d=reject.test')
tap_is "$(mt_field "$out" action)" reject "look-alike authserv-id is ignored"
out=$(send a@strict.test '<a@strict.test>' --header \
    'Authentication-Results: receiver.test; dkim=pass header.d=mail.strict.test')
tap_is "$(mt_field "$out" action)" reject "adkim=s: subdomain signature does not align"

start "TrustedAuthservIDs mx.up.test, receiver.test"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: mx.up.test; dkim=pass header.d=reject.test')
tap_is "$(mt_field "$out" action)" accept "TrustedAuthservIDs: listed id trusted"

# --------------------------------------------- upstream results (SPF)
start "SPFSelfValidate false" "SPFIgnoreResults false"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test; spf=pass smtp.mailfrom=a@reject.test')
tap_is "$(mt_field "$out" action)" accept "trusted A-R spf=pass (address form)"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test; spf=pass smtp.mailfrom=reject.test')
tap_is "$(mt_field "$out" action)" accept "trusted A-R spf=pass (domain form)"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test; spf=pass smtp.mailfrom=other.test')
tap_is "$(mt_field "$out" action)" reject "A-R SPF for another envelope is ignored"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: evil.test; spf=pass smtp.mailfrom=reject.test')
tap_is "$(mt_field "$out" action)" reject "untrusted A-R SPF is ignored"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Received-SPF: pass (mx: domain of a@reject.test designates 192.0.2.10) client-ip=192.0.2.10; envelope-from="a@reject.test"; helo=mail.example.test; identity=mailfrom;')
tap_is "$(mt_field "$out" action)" accept "Received-SPF for MAIL FROM is used"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Received-SPF: pass client-ip=192.0.2.10; envelope-from="a@reject.test"; helo=reject.test; identity=helo;')
tap_is "$(mt_field "$out" action)" reject "Received-SPF for HELO is not (CVE-2019-20790)"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Received-SPF: pass client-ip=192.0.2.10; envelope-from="x@other.test"; identity=mailfrom;')
tap_is "$(mt_field "$out" action)" reject "Received-SPF for another envelope is not"
start "SPFSelfValidate false" "SPFIgnoreResults true"
out=$(send a@reject.test '<a@reject.test>' --header \
    'Authentication-Results: receiver.test; spf=pass smtp.mailfrom=reject.test')
tap_is "$(mt_field "$out" action)" reject "SPFIgnoreResults: A-R SPF ignored"

# ------------------------------------------------------------ actions
start "RejectString DMARC says no to %s, sorry" "HoldQuarantinedMessages true" \
    "CopyFailuresTo dmarc-copy@receiver.test"
out=$(send a@reject.test '<a@reject.test>')
tap_like "$out" 'reply="550 5.7.1 DMARC says no to reject.test, sorry"' "RejectString"
out=$(send a@quar.test '<a@quar.test>')
tap_is "$(mt_field "$out" action)" accept "HoldQuarantinedMessages: accepted into hold"
tap_like "$out" 'quarantine="[^"]*quar.test' "HoldQuarantinedMessages: quarantine request"
tap_like "$(ar "$out")" 'dmarc=fail \(p=quarantine dis=quarantine\)' "HoldQuarantinedMessages: dis=quarantine"
out=$(send a@pct.test '<a@pct.test>')
tap_is "$(mt_field "$out" action)" accept "pct=0 under p=reject with HoldQuarantinedMessages: delivered"
tap_like "$out" 'dis=quarantine.*quarantine="' "pct=0 under p=reject: quarantined instead (RFC 7489 6.6.4)"
tap_like "$out" 'add_rcpt="<?dmarc-copy@receiver.test>?"' "CopyFailuresTo adds the recipient"
out=$(send a@pass.test '<a@pass.test>')
tap_is "$(printf '%s' "$out" | grep -c add_rcpt)" 0 "CopyFailuresTo: not for a pass"
start "RejectFailures false"
out=$(send a@reject.test '<a@reject.test>')
tap_is "$(mt_field "$out" action)" accept "RejectFailures false: accepted"
tap_like "$(ar "$out")" 'dmarc=fail \(p=reject dis=none\)' "RejectFailures false: dis=none"
out=$(send a@tmp.test '<a@pass.test>')
tap_like "$(ar "$out")" 'dmarc=temperror header.from=tmp.test' "temperror without RejectFailures: accepted with dmarc=temperror"

# ---------------------------------------------------- ignore, headers
start "IgnoreHosts -"
out=$(mt_send --client-ip 127.0.0.1 --from '<a@reject.test>' --header 'From: a@reject.test')
tap_is "$(mt_field "$out" action)/$(mt_field "$out" stage)" accept/connect "default IgnoreHosts: 127.0.0.1 skipped at connect"
# the round trips saved: no EOH is sent (SMFIP_NOEOH 0x40), and MAIL is
# not answered (SMFIP_NR_MAIL 0x4000) unless IgnoreAuthenticatedClients
# may accept there
out=$(mt_send --print-protocol --from '<a@pass.test>' --header 'From: a@pass.test')
proto=$(printf '%s\n' "$out" | sed -n 's/^protocol=\(0x[0-9a-f]*\) .*/\1/p')
tap_is "$((${proto:-0} & 0x4040))" "$((0x4040))" "negotiation: SMFIP_NOEOH and SMFIP_NR_MAIL"
tap_is "$(mt_field "$out" action)" accept "negotiation: the message is still judged"
printf '# hosts\n198.51.100.7\n192.0.2.0/24\n' >"$dir/ignore"
start "IgnoreHosts $dir/ignore" "IgnoreMailFrom Reject.Test" \
    "IgnoreAuthenticatedClients true" "AuthservIDWithJobID true" \
    "SoftwareHeader true"
out=$(send a@reject.test '<a@reject.test>')
tap_is "$(mt_field "$out" stage)" connect "IgnoreHosts CIDR block matches"
out=$(send a@reject.test '<a@reject.test>' --client-ip 203.0.113.9)
tap_is "$(mt_field "$out" action)/$(printf '%s' "$out" | grep -c dmarc=)" accept/0 "IgnoreMailFrom (case-insensitive): no evaluation"
out=$(send a@quar.test '<a@quar.test>' --client-ip 203.0.113.9 --auth alice)
tap_is "$(mt_field "$out" stage)/$(printf '%s' "$out" | grep -c dmarc=)" mail/0 "IgnoreAuthenticatedClients: skipped at MAIL"
out=$(send a@quar.test '<a@quar.test>' --client-ip 203.0.113.9 --print-protocol)
proto=$(printf '%s\n' "$out" | sed -n 's/^protocol=\(0x[0-9a-f]*\) .*/\1/p')
tap_is "$((${proto:-0} & 0x4040))" "$((0x40))" "IgnoreAuthenticatedClients: MAIL is answered (no SMFIP_NR_MAIL)"
out=$(send a@quar.test '<a@quar.test>' --client-ip 203.0.113.9 --queue-id JOB42)
tap_like "$out" 'Authentication-Results: \\x22?receiver.test/JOB42\\x22?; dmarc=fail' "AuthservIDWithJobID"
tap_like "$out" 'DMARC-Filter: dmarcsuite v[^ ]* [^ ]* JOB42' "SoftwareHeader"

start "RequiredHeaders true" "RejectMultiValueFrom true"
out=$(mt_send --from '<a@pass.test>' --header 'From: a@pass.test' --header 'Date: Tue, 24 Nov 2026 10:00:00 +0000' --header 'Date: Tue, 24 Nov 2026 10:00:00 +0000')
tap_like "$out" 'action=reject .*reply="550 5.7.1' "RequiredHeaders: repeated Date rejected"
out=$(mt_send --from '<a@pass.test>' --header 'Subject: no from')
tap_is "$(mt_field "$out" action)" reject "RequiredHeaders: missing From rejected"
out=$(send 'a@pass.test>, <b@reject.test' '<a@pass.test>')
tap_is "$(mt_field "$out" action)" reject "RejectMultiValueFrom: two domains rejected"
out=$(send 'a@pass.test>, <b@PASS.test' '<a@pass.test>')
tap_is "$(mt_field "$out" action)" accept "RejectMultiValueFrom: same domain twice is fine"
start
out=$(mt_send --from '<a@pass.test>' --header 'Subject: no from')
tap_is "$(mt_field "$out" action)/$(printf '%s' "$out" | grep -c dmarc=)" accept/0 "no From without RequiredHeaders: accepted unevaluated"
out=$(send 'a@pass.test>, <b@reject.test' '<a@pass.test>')
tap_like "$out" 'action=reject.*policy for reject.test' "several author domains: the strictest verdict (RFC 7489 6.6.1)"

# ----------------------------------------------------------- history
rm -f "$H"
start "RecordAllMessages false"
send a@reject.test '<bounce@Reject.Test>' --queue-id HJOB1 --header \
    'Authentication-Results: receiver.test; dkim=fail header.d=reject.test header.s=sel1' >/dev/null
send a@norec.test '<a@norec.test>' --queue-id HJOB2 >/dev/null
rec=$(sed -n '/^job HJOB1$/,/^action/p' "$H")
want="job HJOB1
ipaddr 192.0.2.10
from reject.test
mfrom Reject.Test
dkim reject.test sel1 7
spf 7
pdomain reject.test
policy 16
rua -
pct 100
p 114
sp 0
align_dkim 5
align_spf 5
spf_scope 1
spf_domain reject.test
action 0"
tap_is "$(printf '%s\n' "$rec" | grep -Ev '^(reporter|received|adkim|aspf|arc|arc_policy|hist_version|fo|np|psd|t|discovery) ')" "$want" "history record fields of a rejected message"
tap_like "$(printf '%s\n' "$rec" | tr '\n' '|')" '\|hist_version 1\|.*\|discovery psl\|action 0\|$' "extension keys before the final action line"
tap_is "$(grep -c '^job HJOB2$' "$H")" 0 "RecordAllMessages false: no record without a policy"
start "RecordAllMessages true" "HistoryExtensions false"
send a@pct.test '<a@pct.test>' --queue-id HJOB3 >/dev/null
rec=$(sed -n '/^job HJOB3$/,/^action/p' "$H")
tap_is "$(printf '%s\n' "$rec" | grep -c '^hist_version')/$(printf '%s\n' "$rec" | tail -n 1)" "0/action 2" "HistoryExtensions false: pure OpenDMARC record"
start "RecordAllMessages true" "HistoryExtensions true"
send a@pct.test '<a@pct.test>' --queue-id HJOB4 >/dev/null
tap_like "$(sed -n '/^job HJOB4$/,/^action/p' "$H" | tr '\n' '|')" 'override sampled_out\|action 2' "pct sample recorded as override sampled_out"
start "HistoryFile $dir/no/such/dir/history"
out=$(send a@reject.test '<a@reject.test>')
tap_is "$(mt_field "$out" action)" reject "unwritable HistoryFile: mail still flows"
tap_like "$(cat "$dir/m.conf.log")" 'history' "unwritable HistoryFile is logged"
tap_done
