#!/bin/sh
# opendmarc_history.sh - records written by the real OpenDMARC 1.4.2
# milter (Debian package opendmarc, "opendmarc -t" test mode) against a
# real DNS server import with every field right.
#
# OpenDMARC resolves through the system resolver, so the test runs it in
# a network namespace of its own (unshare -n -m, root needed) where NSD
# answers on 127.0.0.1:53 and /etc/resolv.conf is bind-mounted to point
# there.  Each record's fields are compared twice: with what the history
# file says (read here with awk, a second parser), and for the stable
# fields with the values the DNS data and messages must give.  Prints TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
IMP="$TOP/$BUILD/dmarc-import"
MSG="$TOP/tests/data/history"
PLAN=6

echo "1..$PLAN"
skip_all() {
    i=1
    while [ $i -le $PLAN ]; do
        echo "ok $i # SKIP $1"
        i=$((i + 1))
    done
    exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "needs root for a network namespace"
command -v opendmarc >/dev/null || skip_all "opendmarc not installed"
command -v unshare >/dev/null || skip_all "unshare not installed"
. "$TOP/tests/lib/nsd.sh"
nsd_available >/dev/null || skip_all "nsd not usable"
unshare -n -m true 2>/dev/null || skip_all "cannot create a namespace"

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
n=0
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# the messages: msg1 = A-R with two DKIM results and an SPF pass; msg2 =
# Received-SPF softfail; msg3 = From a domain without a record; msg4 =
# From the policy domain itself, no authentication results at all
sed 's/^From: .*/From: Carol <carol@nx.example.net>/' "$MSG/opendmarc-1.4.2.msg1" >"$T/msg3"
grep -v -e '^Authentication-Results' -e '^	' "$MSG/opendmarc-1.4.2.msg1" |
    sed 's/^From: .*/From: Dave <dave@example.com>/' >"$T/msg4"
printf 'com\nnet\n' >"$T/psl"
cat >"$T/od.conf" <<EOF
AuthservID mx.example.org
HistoryFile $T/history.dat
RecordAllMessages true
PublicSuffixList $T/psl
Syslog false
EOF
cat >"$T/inner.sh" <<EOF
set -u
TOP="$TOP" BUILD="$BUILD"
. "\$TOP/tests/lib/nsd.sh"
ip link set lo up
mkdir -p "$T/dns"
nsd_zone "$T/dns" example.com <<'Z'
_dmarc TXT "v=DMARC1;p=reject;sp=quarantine;adkim=s;rua=mailto:agg@example.com,mailto:dmarc@rep.example.net!10m;ruf=mailto:fail@example.com;fo=1;pct=50"
Z
nsd_start "$T/dns" 53 >"$T/nsd.log" 2>&1 || exit 1
echo "nameserver 127.0.0.1" >"$T/resolv.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf
for m in "$MSG/opendmarc-1.4.2.msg1" "$MSG/opendmarc-1.4.2.msg2" "$T/msg3" "$T/msg4"; do
    opendmarc -c "$T/od.conf" -t "\$m" || exit 1
    sleep 1 # one received second each: the records differ
done
nsd_stop "$T/dns"
EOF
unshare -n -m sh "$T/inner.sh" >"$T/run.log" 2>&1
c=$(grep -c '^job ' "$T/history.dat" 2>/dev/null)
[ "${c:-0}" -eq 4 ]
ok $? "opendmarc 1.4.2 wrote 4 records"
[ "${c:-0}" -eq 4 ] || { sed 's/^/# /' "$T/run.log"; exit 1; }

"$IMP" --db "$T/o.db" "$T/history.dat" 2>"$T/err"
rc=$?
[ $rc -eq 0 ] && [ ! -s "$T/err" ]
ok $? "imported without a warning"

# every field as the file says it, one line per record
awk '
function flush() {
    if (job == "") return
    print job "|" rep "|" rcv "|" ip "|" from "|" mfrom "|" spf "|" pd "|" \
        pol "|" rua "|" pct "|" adkim "|" aspf "|" p "|" sp "|" ad "|" as \
        "|" arc "|" ap "|" act "|" dk
    dk = ""; rua = ""
}
$1 == "job" { flush(); job = $2 }
$1 == "reporter" { rep = $2 }
$1 == "received" { rcv = $2 }
$1 == "ipaddr" { ip = $2 }
$1 == "from" { from = tolower($2) }
$1 == "mfrom" { mfrom = tolower($2) }
$1 == "dkim" { dk = dk (dk == "" ? "" : " ") tolower($2) "/" $3 "/" $4 }
$1 == "spf" { spf = $2 }
$1 == "pdomain" { pd = tolower($2) }
$1 == "policy" { pol = $2 }
$1 == "rua" { if ($2 != "-") rua = rua (rua == "" ? "" : ",") $2 }
$1 == "pct" { pct = $2 }
$1 == "adkim" { adkim = $2 }
$1 == "aspf" { aspf = $2 }
$1 == "p" { p = $2 }
$1 == "sp" { sp = $2 }
$1 == "align_dkim" { ad = $2 }
$1 == "align_spf" { as = $2 }
$1 == "arc" { arc = $2 }
$1 == "arc_policy" { ap = $2 }
$1 == "action" { act = $2 }
END { flush() }' "$T/history.dat" >"$T/want"
sqlite3 "$T/o.db" "SELECT m.jobid, r.name, m.received, i.addr, f.name,
    coalesce(e.name, ''), m.spf, pd.name, m.policy, q.rua, q.pct, q.adkim,
    q.aspf, q.p, q.sp, m.align_dkim, m.align_spf, m.arc, m.arc_policy,
    m.action, coalesce((SELECT group_concat(d.name || '/' ||
    coalesce(s.selector, '-') || '/' || s.result, ' ') FROM (SELECT * FROM
    signatures WHERE message_id = m.id ORDER BY seq) s JOIN domains d ON
    d.id = s.domain_id), '')
    FROM messages m JOIN reporters r ON r.id = m.reporter_id
    JOIN ipaddrs i ON i.id = m.ip_id JOIN domains f ON f.id = m.from_id
    LEFT JOIN domains e ON e.id = m.env_id
    JOIN domains pd ON pd.id = m.pdomain_id
    JOIN requests q ON q.id = m.request_id ORDER BY m.id" >"$T/got"
cmp -s "$T/want" "$T/got"
ok $? "every field in the database equals the history file"
[ -s "$T/got" ] || exit 1
sed 's/^/# file: /' "$T/want"

# the values the DNS data and the messages must give (received varies)
cut -d'|' -f1,2,4- "$T/got" >"$T/stable"
cat >"$T/expect" <<'EOF'
DEBUG-i|DEBUG-j|127.0.0.1|sub.example.com|example.org|0|example.com|17|mailto:agg@example.com,mailto:dmarc@rep.example.net!10m|50|115|114|114|113|5|5|7|2|2|mail.example.com/sel1/0 other.net/s2/7
EOF
head -n 1 "$T/stable" | cmp -s - "$T/expect"
ok $? "record 1: policy of the organizational domain (sp), rua with !10m, DKIM results"
sed -n 2p "$T/stable" | grep -q '^DEBUG-i|DEBUG-j|127.0.0.1|sub.example.com|example.org|2|example.com|17|'
ok $? "record 2: the Received-SPF softfail (spf 2)"
sed -n 3,4p "$T/stable" >"$T/s34"
grep -q '^DEBUG-i|DEBUG-j|127.0.0.1|nx.example.net|example.org|0|example.net|14||0|0|0|0|0|0|0|7|2|2|mail.example.com/sel1/0 other.net/s2/7$' "$T/s34" &&
    grep -q '^DEBUG-i|DEBUG-j|127.0.0.1|example.com|example.org|-1|example.com|16|mailto:agg@example.com,mailto:dmarc@rep.example.net!10m|50|115|114|114|113|5|5|7|2|2|$' "$T/s34"
ok $? "records 3 and 4: no record (policy 14, rua -, organizational pdomain) and a failing message (policy 16, spf -1)"
