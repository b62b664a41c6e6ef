#!/bin/sh
# run.sh - "make demo": the whole dmarcsuite pipeline on bundled sample
# mail, on loopback only, in a few seconds.
#
#   demo/run.sh              (after "make all" and the milterclient and
#                             dnsq tools; "make demo" does both)
#
# 1. starts a private NSD on 127.0.0.1 and a free high port serving the
#    sender domains of demo/zones/ (tests/lib/nsd.sh);
# 2. starts dmarc-milter in the foreground, in the background, on a
#    loopback inet socket, resolving through that NSD only (Nameservers:
#    its SPF checks too), with RejectFailures and HoldQuarantinedMessages
#    (tests/lib/milter.sh);
# 3. expands demo/traffic into a few hundred messages and sends them
#    through the milter protocol with tests/tools/milterclient, as an MTA
#    would, one connection per sending server;
# 4. stops the milter, imports its history file with dmarc-import into
#    demo-out/dmarc.db, and writes the aggregate reports with dmarc-reports
#    --outdir into demo-out/reports/ instead of mailing them (--now set to
#    the coming midnight UTC, so today's period is complete);
# 5. stops NSD and prints what happened per sender domain, counted from
#    the milter's replies and checked against the database and against
#    what demo/traffic expects, then the report files.
#
# A trap stops NSD and the milter on every exit.  The output folder
# (DEMO_OUT, by default demo-out/ at the top of the tree) is emptied first;
# a folder the demo did not make is never removed.  Exit status 0 when
# every step worked and every outcome is the expected one.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
export TOP BUILD
. "$TOP/tests/lib/nsd.sh"
. "$TOP/tests/lib/milter.sh"
IMPORT="$TOP/$BUILD/dmarc-import"
REPORTS="$TOP/$BUILD/dmarc-reports"
OUT=${DEMO_OUT:-$TOP/demo-out}
MARK=.dmarcsuite-demo
AUTHSERV=mx.receiver.example

# say TEXT - a progress line
say() {
    printf '%s\n' "$*"
}

# die TEXT - give up (the trap stops what was started)
die() {
    printf 'demo: %s\n' "$*" >&2
    exit 1
}

# show PATH - PATH as a person would type it from the current folder
show() {
    case "$1" in
    "$PWD"/*) printf './%s' "${1#"$PWD"/}" ;;
    *) printf '%s' "$1" ;;
    esac
}

# cleanup - stop everything the demo started (the EXIT trap)
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    mt_stop >/dev/null 2>&1
    [ -d "$OUT/work/nsd" ] && nsd_stop "$OUT/work/nsd"
}

# fresh_out - an empty output folder, or refuse a folder not ours
fresh_out() {
    if [ -e "$OUT" ] && [ ! -e "$OUT/$MARK" ]; then
        if [ ! -d "$OUT" ] || [ -n "$(ls -A "$OUT")" ]; then
            die "$OUT exists and was not made by the demo; not touching it"
        fi
    fi
    rm -rf "$OUT"
    mkdir -p "$OUT/work/nsd" "$OUT/work/msgs" "$OUT/reports" ||
        die "cannot create $OUT"
    : >"$OUT/$MARK"
    OUT=$(cd "$OUT" && pwd)
    W="$OUT/work"
}

# check_built - every program and tool the demo runs
check_built() {
    for p in "$MT" "$MC" "$IMPORT" "$REPORTS" "$NSD_DNSQ"; do
        [ -x "$p" ] || die "$p is not built (make demo builds it)"
    done
    why=$(nsd_available) || die "$why"
}

# start_nsd - the zones of demo/zones/ on a free loopback port
start_nsd() {
    for z in "$TOP"/demo/zones/*.example; do
        name=$(basename "$z")
        nsd_zone "$W/nsd" "$name" <"$z"
    done
    nsd_start "$W/nsd" 2>"$W/nsd/start.err" ||
        die "nsd did not start: $(cat "$W/nsd/start.err")"
}

# write_conf - one configuration for the milter, importer and reporter
write_conf() {
    port=$(nsd_free_port) || die "no free port for the milter"
    mt_conf "$W/dmarcsuite.conf" \
        "Socket inet:$port@127.0.0.1" \
        "AuthservID $AUTHSERV" \
        "TrustedAuthservIDs $AUTHSERV" \
        "SPFSelfValidate true" \
        "RejectFailures true" \
        "HoldQuarantinedMessages true" \
        "RecordAllMessages true" \
        "HistoryFile $W/history" \
        "Database $OUT/dmarc.db" \
        "ReportOrg dmarcsuite demo" \
        "ReportEmail dmarc-contact@receiver.example" \
        "ReportFrom dmarc-noreply@receiver.example"
}

# expand_traffic - demo/traffic into message files, W/msgs/LINE-N.eml,
# and W/plan: one line per sending server (line count ip helo mail-from
# from expect)
expand_traffic() {
    awk -v dir="$W/msgs" -v date="$(LC_ALL=C date -u -R)" \
        -v authserv="$AUTHSERV" '
    /^#/ || NF < 8 { next }
    {
        line++
        n = $1; dkim = $6
        subj = $8
        for (i = 9; i <= NF; i++)
            subj = subj " " $i
        dom = $5
        sub(/.*@/, "", dom)
        print line, n, $2, $3, $4, $5, $7
        for (k = 1; k <= n; k++) {
            f = sprintf("%s/%02d-%03d.eml", dir, line, k)
            if (dkim ~ /^!/)
                printf "Authentication-Results: mx.phish.example; " \
                    "dkim=pass header.d=%s header.s=s1\n", \
                    substr(dkim, 2) >f
            else if (dkim != "-")
                printf "Authentication-Results: %s; dkim=pass " \
                    "header.d=%s header.s=s1 header.b=demo%04d\n", \
                    authserv, dkim, k >f
            printf "From: <%s>\nTo: <user%d@receiver.example>\n", \
                $5, k % 7 + 1 >f
            printf "Subject: %s (%d)\nDate: %s\n", subj, k, date >f
            printf "Message-ID: <demo.%02d.%03d@%s>\n", line, k, dom >f
            printf "MIME-Version: 1.0\n" >f
            printf "Content-Type: text/plain; charset=us-ascii\n\n" >f
            printf "Sample message %d of line %d of demo/traffic.\n", \
                k, line >f
            close(f)
        }
    }' "$TOP/demo/traffic" >"$W/plan"
}

# replay - every planned message through the milter, one connection each
# with a queue id of its own (the history's job line, which keeps records
# apart); the client's result lines, each prefixed "from-domain expect",
# to W/replies
replay() {
    : >"$W/replies"
    while read -r line n ip helo mfrom from expect; do
        for f in "$W"/msgs/"$(printf '%02d' "$line")"-*.eml; do
            q=$(basename "$f" .eml | tr -d -)
            "$MC" "$MT_SOCK" --timeout 20 --client-ip "$ip" --helo "$helo" \
                --from "<$mfrom>" --rcpt "<user@receiver.example>" \
                --myhostname "$AUTHSERV" --queue-id "4DEM$q" --message "$f" \
                2>>"$W/milterclient.log" || return 1
        done >"$W/mc.out"
        [ "$(wc -l <"$W/mc.out")" -eq "$n" ] || return 1
        sed "s|^|${from#*@} $expect |" "$W/mc.out" >>"$W/replies"
    done <"$W/plan"
}

# import_and_report - history into the database, reports into files
import_and_report() {
    "$IMPORT" -c "$W/dmarcsuite.conf" -v "$W/history" >"$W/import.log" 2>&1 ||
        die "dmarc-import failed (see $W/import.log)"
    now=$(date -u +%s)
    midnight=$((now - now % 86400 + 86400))
    "$REPORTS" -c "$W/dmarcsuite.conf" --outdir "$OUT/reports" \
        --now "$midnight" >"$W/reports.log" 2>&1 ||
        die "dmarc-reports failed (see $W/reports.log)"
}

# client_counts - per From domain from the replies: messages, DMARC
# pass fail none, accepted quarantined rejected; and W/unexpected, the
# replies that differ from demo/traffic's expectation
client_counts() {
    awk -v bad="$W/unexpected" '
    {
        d = $1; res = "none"; act = $3
        sub(/^action=/, "", act)
        if (match($0, /dmarc=[a-z]+/))
            res = substr($0, RSTART + 6, RLENGTH - 6)
        else if (act == "reject" && $0 ~ /rejected by DMARC policy/)
            res = "fail"
        if (act == "accept" && $0 ~ / quarantine="/)
            act = "quarantine"
        if (res "/" act != $2)
            print "expected " $2 ", got " res "/" act ": " $0 >bad
        n[d]++; r[d, res]++; a[d, act]++
    }
    END {
        for (d in n)
            printf "%s %d %d %d %d %d %d %d\n", d, n[d], r[d, "pass"],
                r[d, "fail"], r[d, "none"], a[d, "accept"],
                a[d, "quarantine"], a[d, "reject"]
    }' "$W/replies" | sort
}

# db_counts - the same figures from the database (history policy and
# action codes, dmarc-history(5)), then the policy that applied
db_counts() {
    sqlite3 -separator ' ' "$OUT/dmarc.db" "
    SELECT f.name, count(*), sum(m.policy = 15),
           sum(m.policy IN (16, 17, 18)), sum(m.policy = 14),
           sum(m.action = 2), sum(m.action = 4), sum(m.action = 0),
           CASE WHEN max(m.policy) = 14 THEN 'no-record'
           ELSE (CASE WHEN m.from_id = m.pdomain_id THEN 'p=' ELSE 'sp=' END)
             || (CASE (CASE WHEN m.from_id = m.pdomain_id THEN r.p ELSE r.sp END)
                 WHEN 114 THEN 'reject' WHEN 113 THEN 'quarantine'
                 ELSE 'none' END)
             || (CASE WHEN r.pct < 100 THEN ',pct=' || r.pct ELSE '' END)
           END
    FROM messages m JOIN domains f ON f.id = m.from_id
    JOIN requests r ON r.id = m.request_id
    GROUP BY f.name ORDER BY count(*) DESC, f.name;"
}

# table - the per-domain table from W/summary.txt
table() {
    awk '
    BEGIN {
        printf "  %-22s %-18s %8s   %-17s   %s\n", "", "", "",
            "--- DMARC ---", "------ the milter ------"
        printf "  %-22s %-18s %8s   %5s %5s %5s   %8s %11s %8s\n",
            "From domain", "policy", "messages", "pass", "fail", "none",
            "accepted", "quarantined", "rejected"
    }
    {
        p = $9; gsub(/,/, " ", p); gsub(/-/, " ", p)
        printf "  %-22s %-18s %8d   %5d %5d %5d   %8d %11d %8d\n",
            $1, p, $2, $3, $4, $5, $6, $7, $8
        for (i = 2; i <= 8; i++)
            t[i] += $i
    }
    END {
        printf "  %-22s %-18s %8d   %5d %5d %5d   %8d %11d %8d\n",
            "total", "", t[2], t[3], t[4], t[5], t[6], t[7], t[8]
    }' "$W/summary.txt"
}

# report_list - one line per policy domain: messages reported, and to
# whom the report would go (the To of its .eml), or why there is none
report_list() {
    printf '  %-18s %8s  %s\n' "policy domain" messages "report would be mailed to"
    for f in "$OUT"/reports/*.xml.gz; do
        [ -e "$f" ] || continue
        dom=$(basename "$f" | cut -d'!' -f2)
        msgs=$(gzip -dc "$f" | grep -o '<count>[0-9]*</count>' |
            tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
        to=$(sed -n 's/^To: //p' "${f%.xml.gz}".*.eml 2>/dev/null |
            tr -d '\r' | paste -sd, -)
        case "$to" in
        "") to="nobody: its record has no rua (the .xml.gz is written anyway)" ;;
        *@"$dom" | *@*."$dom") ;;
        *) to="$to (${to##*@} agreed, RFC 7489 7.1)" ;;
        esac
        printf '  %-18s %8d  %s\n' "$dom" "$msgs" "$to"
    done
    sqlite3 "$OUT/dmarc.db" "SELECT DISTINCT d.name FROM messages m
        JOIN domains d ON d.id = m.pdomain_id WHERE m.policy = 14
        ORDER BY d.name;" |
        while read -r d; do
            printf '  %-18s %8s  %s\n' "$d" - "no report: no DMARC record"
        done
}

# summary - what a person wants to know, at a glance
summary() {
    o=$(show "$OUT")
    first=$(find "$OUT/reports" -name '*.xml.gz' | sort | head -n 1)
    n=$(awk '{ s += $2 } END { print s + 0 }' "$W/summary.txt")
    d=$(wc -l <"$W/summary.txt" | tr -d ' ')
    say ""
    say "dmarcsuite demo: $n messages from $d sender domains through dmarc-milter"
    say ""
    table
    say "  (quarantined: put in the MTA's hold queue; rejected: 550 5.7.1 during SMTP;"
    say "   none: no DMARC record; pct=0: failures quarantined, not yet rejected)"
    say ""
    say "Aggregate reports (RFC 7489) for today, written to $o/reports/ instead of mailed:"
    report_list
    say ""
    say "Read a report:  zcat '$(show "$first")' | xmllint --format -"
    command -v dmarc-cat >/dev/null 2>&1 &&
        say "           or:  dmarc-cat -N '$(show "$first")'   (-N: no reverse DNS)"
    say "The mails that would have gone out: $o/reports/*.eml"
    say "Database: $o/dmarc.db   (sqlite3 $o/dmarc.db 'SELECT count(*) FROM messages')"
    say "Logs: $o/work/ (milter.log, import.log, reports.log, nsd/nsd.log);"
    say "      the milter's history file: $o/work/history"
}

# compare - the replies against the database and demo/traffic
compare() {
    client_counts >"$W/client.txt"
    db_counts >"$W/summary.txt"
    cut -d' ' -f1-8 "$W/summary.txt" | sort >"$W/db.txt"
    ok=0
    if ! cmp -s "$W/client.txt" "$W/db.txt"; then
        say "MISMATCH between the milter's replies and the database:"
        diff "$W/client.txt" "$W/db.txt" | sed 's/^/  /'
        ok=1
    fi
    if [ -s "$W/unexpected" ]; then
        say "$(wc -l <"$W/unexpected" | tr -d ' ') outcomes differ from demo/traffic:"
        head -n 10 "$W/unexpected" | sed 's/^/  /'
        ok=1
    fi
    return $ok
}

main() {
    t0=$(date +%s.%N)
    fresh_out
    check_built
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    say "demo: output in $(show "$OUT")"
    start_nsd
    say "demo: nsd serving $(find "$TOP/demo/zones" -name '*.example' | wc -l | tr -d ' ') zones on $NSD_NS"
    write_conf
    mt_start "$W/dmarcsuite.conf" || die "dmarc-milter did not start"
    say "demo: dmarc-milter listening on $MT_SOCK"
    expand_traffic
    say "demo: sending $(awk '{ s += $2 } END { print s }' "$W/plan") messages from $(wc -l <"$W/plan" | tr -d ' ') servers"
    replay || die "milterclient failed (see $W/milterclient.log, $W/mc.out)"
    mt_stop
    rc=$?
    mv "$W/dmarcsuite.conf.log" "$W/milter.log"
    [ "$rc" -eq 0 ] || die "dmarc-milter did not stop cleanly (exit $rc, see $W/milter.log)"
    say "demo: dmarc-milter stopped; importing and writing reports"
    import_and_report
    nsd_stop "$W/nsd"
    compare
    rc=$?
    summary
    say ""
    [ "$rc" -eq 0 ] &&
        say "Every outcome is the one demo/traffic expects, and the milter's replies agree with the database."
    t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    say "Done in $t s; nsd and dmarc-milter have stopped."
    return "$rc"
}

main "$@"
