#!/bin/sh
# import.sh - dmarc-import end to end on real SQLite files: round trip
# against the generator's ground truth, re-import, import under another
# name and from standard input, a live writer appending in random pieces,
# truncation, rotation, kill -9 at random points, corrupt input, the real
# OpenDMARC 1.4.2 records, schema migration, and dmarc-expire.  Prints TAP.
set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-build}
B="$TOP/$BUILD"
IMP="$B/dmarc-import"
EXPIRE="$B/dmarc-expire"
GEN="$B/tests/tools/histgen"
APP="$B/tests/tools/slowappend"
DATA="$TOP/tests/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
n=0
fails=0

echo "1..33"
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fails=$((fails + 1))
    fi
}
# q DB SQL - one query
q() { sqlite3 "$1" "$2"; }
# truthsql DB - the ground-truth view of a database, in histgen's format
truthsql() {
    q "$1" "SELECT 'records ' || count(*) FROM messages;"
    q "$1" "SELECT 'dkim ' || result || ' ' || count(*) FROM signatures
            GROUP BY result ORDER BY result;"
    q "$1" "SELECT 'spf ' || spf || ' ' || count(*) FROM messages
            GROUP BY spf ORDER BY spf;"
    q "$1" "SELECT 'msg ' || d.name || ' ' || m.policy || ' ' || m.action
            || ' ' || count(*) FROM messages m JOIN domains d
            ON d.id = m.pdomain_id GROUP BY d.name, m.policy, m.action;"
}
# dumpdb DB - every table's rows, without the run-dependent timestamps
dumpdb() {
    for t in reporters domains ipaddrs requests messages signatures \
        arcseals overrides; do
        echo "== $t"
        q "$1" "SELECT * FROM $t ORDER BY 1, 2"
    done
    q "$1" "SELECT dev, inode, hex(fingerprint), fp_len, offset, line,
            records, skipped FROM import_files ORDER BY 1, 2"
}
sorted() { sort "$1"; }

# --- round trip -------------------------------------------------------------
"$GEN" -s 11 -n 20000 -d 500 -m 97 -o "$T/h.dat" -t "$T/truth"
"$IMP" --db "$T/a.db" "$T/h.dat" 2>"$T/err"
rc=$?
[ $rc -eq 65 ]
ok $? "malformed records give EX_DATAERR ($rc)"
grep -v -e '^malformed' -e '^warnings' "$T/truth" | sort >"$T/want"
truthsql "$T/a.db" | sort >"$T/got"
cmp -s "$T/want" "$T/got"
ok $? "round trip: counts per domain, policy and action, dkim and spf results equal the ground truth"
want=$(sed -n 's/^malformed //p' "$T/truth")
got=$(q "$T/a.db" "SELECT skipped FROM import_files")
[ "$want" = "$got" ]
ok $? "skipped records counted ($got of $want)"
lines=$(grep -c 'record skipped' "$T/err")
[ "$lines" -eq "$want" ]
ok $? "each skipped record reported once as file:line ($lines)"
grep -q ": $T/h.dat:[0-9]*: record skipped: " "$T/err"
ok $? "reports name file and line"
grep -q "unknown key 'x_unknown'" "$T/err" &&
    [ "$(grep -c "unknown key 'x_unknown'" "$T/err")" -eq 1 ]
ok $? "an unknown key is warned about once per run"

# --- re-import, other name, standard input ----------------------------------
dumpdb "$T/a.db" >"$T/d1"
"$IMP" --db "$T/a.db" "$T/h.dat" 2>"$T/err"
rc=$?
dumpdb "$T/a.db" >"$T/d2"
cmp -s "$T/d1" "$T/d2" && [ $rc -eq 0 ] && [ ! -s "$T/err" ]
ok $? "re-import of the same file: nothing read, nothing changed, silent"
cp "$T/h.dat" "$T/copy.dat"
"$IMP" --db "$T/a.db" -v "$T/copy.dat" 2>"$T/err"
c1=$(q "$T/a.db" "SELECT count(*) FROM messages")
c0=$(sed -n 's/^records //p' "$T/truth")
grep -q "imported 0 records, $c0 already present" "$T/err" && [ "$c1" -eq "$c0" ]
ok $? "the same records under another name are not stored twice"
"$IMP" --db "$T/a.db" - <"$T/h.dat" 2>/dev/null
c1=$(q "$T/a.db" "SELECT count(*) FROM messages")
[ "$c1" -eq "$c0" ]
ok $? "standard input: no duplicates either"

# --- a live writer ----------------------------------------------------------
"$GEN" -s 12 -n 3000 -d 100 -o "$T/live.src" -t "$T/live.truth"
"$APP" "$T/live.src" "$T/live.dat" 400 300 5 &
wpid=$!
runs=0 bad=0
while kill -0 $wpid 2>/dev/null; do
    "$IMP" --db "$T/live.db" "$T/live.dat" 2>>"$T/live.err" || bad=$((bad + 1))
    runs=$((runs + 1))
done
wait $wpid
"$IMP" --db "$T/live.db" "$T/live.dat" 2>>"$T/live.err" || bad=$((bad + 1))
"$IMP" --db "$T/live.ref" "$T/live.src" 2>/dev/null
[ $bad -eq 0 ] && [ ! -s "$T/live.err" ]
ok $? "importing while a writer appends in random pieces: no error in $runs runs"
q "$T/live.db" "SELECT received, rec_hash, jobid FROM messages ORDER BY id" >"$T/l1"
q "$T/live.ref" "SELECT received, rec_hash, jobid FROM messages ORDER BY id" >"$T/l2"
cmp -s "$T/l1" "$T/l2" && [ "$(wc -l <"$T/l1")" -eq 3000 ]
ok $? "the live file ends up with exactly the records of a one-shot import"

# --- two importers at once ---------------------------------------------------
"$IMP" --db "$T/two.db" "$T/live.src" 2>/dev/null &
p1=$!
"$IMP" --db "$T/two.db" "$T/live.src" 2>/dev/null
wait $p1
q "$T/two.db" "SELECT received, rec_hash, jobid FROM messages ORDER BY id" >"$T/l3"
cmp -s "$T/l3" "$T/l2"
ok $? "two importers of the same file at once store each record once"

# --- truncation and rotation ------------------------------------------------
"$GEN" -s 13 -n 300 -d 20 -o "$T/r1" -t /dev/null
"$GEN" -s 14 -n 200 -d 20 -T 1797000000 -o "$T/r2" -t /dev/null
"$GEN" -s 15 -n 100 -d 20 -T 1798000000 -o "$T/r3" -t /dev/null
cat "$T/r1" >"$T/rot.dat"
"$IMP" --db "$T/r.db" "$T/rot.dat"
: >"$T/rot.dat"
cat "$T/r2" >>"$T/rot.dat" # same inode, new content, shorter than before
"$IMP" --db "$T/r.db" "$T/rot.dat"
c=$(q "$T/r.db" "SELECT count(*) FROM messages")
[ "$c" -eq 500 ]
ok $? "a truncated and rewritten file is read again from the start ($c)"
mv "$T/rot.dat" "$T/rot.dat.1"
cat "$T/r3" >>"$T/rot.dat.1" # the writer still had it open
"$GEN" -s 16 -n 50 -d 20 -T 1799000000 -o "$T/rot.dat" -t /dev/null
"$IMP" --db "$T/r.db" -v "$T/rot.dat.1" "$T/rot.dat" 2>"$T/err"
c=$(q "$T/r.db" "SELECT count(*) FROM messages")
grep -q "imported 150 records, 0 already present" "$T/err" && [ "$c" -eq 650 ]
ok $? "rotation: the renamed file resumes where it stopped, the new one starts at 0"

# --- kill -9 ----------------------------------------------------------------
"$GEN" -s 17 -n 60000 -d 300 -m 1000 -o "$T/k.dat" -t /dev/null
"$IMP" --db "$T/kref.db" --batch 500 "$T/k.dat" 2>/dev/null
dumpdb "$T/kref.db" >"$T/kref"
seed=1
for round in 1 2 3; do
    rm -f "$T/k.db" "$T/k.db-wal" "$T/k.db-shm"
    kills=0
    while :; do
        "$IMP" --db "$T/k.db" --batch 500 "$T/k.dat" 2>/dev/null &
        pid=$!
        seed=$(((seed * 1103515245 + 12345) % 2147483648))
        sleep "0.$(printf '%03d' $((seed % 400 + 20)))"
        if kill -9 $pid 2>/dev/null; then
            kills=$((kills + 1))
            wait $pid 2>/dev/null
        else
            wait $pid
            break
        fi
    done
    dumpdb "$T/k.db" >"$T/k"
    cmp -s "$T/kref" "$T/k"
    ok $? "kill -9 round $round ($kills kills): same database as an uninterrupted run"
done

# --- corrupt input ----------------------------------------------------------
S="$DATA/history/opendmarc-1.4.2-dns.dat"
{
    echo "stray line before any job"
    sed 's/^job DEBUG-i/job C1/' "$S"                    # good
    sed -e 's/^job DEBUG-i/job C2/' -e 's/^pct 50/pct 5x/' "$S" # bad number
    sed -e 's/^job DEBUG-i/job C3/' -e '/^action/d' "$S" # cut off
    sed -e 's/^job DEBUG-i/job C4/' -e 's/^from .*/from \x01\x02\xff/' "$S"
    sed -e 's/^job DEBUG-i/job C5/' -e 's/^p 114/p 9999999999999999999999/' "$S"
    printf 'job C6\nreporter x\nreceived 17956'            # truncated line...
    printf '\n'
    sed 's/^job DEBUG-i/job C7/' "$S"
    printf 'job C8\n'
    head -c 1048576 /dev/zero | tr '\0' 'a'              # a 1 MB line
    printf '\n'
    sed -e 's/^job DEBUG-i/job C9/' -e 's/^arc_policy .*/arc_policy 2 json:[{ "i": 1, "d":"a"b" }]/' "$S"
    sed -e 's/^job DEBUG-i/job C10/' -e 's/^received .*/received 1795638463/' \
        -e 's/^spf 0/new_key 1\nspf 0/' "$S"
} >"$T/bad.dat"
"$IMP" --db "$T/c.db" "$T/bad.dat" 2>"$T/err"
rc=$?
jobs=$(q "$T/c.db" "SELECT group_concat(jobid, ' ') FROM
        (SELECT jobid FROM messages ORDER BY id)")
[ "$jobs" = "C1 C2 C5 C7 C9 C10" ] && [ $rc -eq 65 ]
ok $? "corrupt input: the good and the repairable records are imported ($jobs)"
for pat in ":1: line outside a record" ":[0-9]*: pct '5x': value not in its table" \
    ":[0-9]*: record skipped: record has no action line" \
    ":[0-9]*: record skipped: control character" \
    ":[0-9]*: p '9999999999999999999999': value" \
    ":[0-9]*: record skipped: a required line" \
    ":[0-9]*: record skipped: line longer than" \
    ":[0-9]*: arc_policy .*invalid JSON" ":[0-9]*: unknown key 'new_key'"; do
    grep -q ": $T/bad.dat$pat" "$T/err" || { echo "# missing: $pat"; bad=x; }
done
[ "${bad:-}" != x ]
ok $? "every problem reported as file:line: reason"
v=$(q "$T/c.db" "SELECT pct, p FROM messages m JOIN requests q
        ON q.id = m.request_id WHERE jobid IN ('C2', 'C5') ORDER BY jobid")
[ "$(echo "$v" | tr '\n' ' ')" = "-1|114 50|-1 " ]
ok $? "out-of-table numbers are stored as unknown (-1)"
v=$(q "$T/c.db" "SELECT count(*) FROM arcseals a JOIN messages m
        ON m.id = a.message_id WHERE jobid = 'C9'")
[ "$v" = 0 ]
ok $? "invalid arc_policy JSON: record kept without ARC data"

# --- end of input: OpenDMARC's rule ----------------------------------------
sed '/^action/d' "$S" >"$T/cut.dat"
"$IMP" --db "$T/e.db" "$T/cut.dat" 2>"$T/err"
rc=$?
c=$(q "$T/e.db" "SELECT count(*) FROM messages")
[ $rc -eq 0 ] && [ "$c" = 0 ]
ok $? "a file's last record without action waits for the next run"
echo "action 2" >>"$T/cut.dat"
"$IMP" --db "$T/e.db" "$T/cut.dat" 2>"$T/err"
c=$(q "$T/e.db" "SELECT count(*) || ' ' || max(action) FROM messages")
[ "$c" = "1 2" ]
ok $? "... and is imported once complete"
sed '/^action/d' "$S" | sed 's/^received .*/received 1/' |
    "$IMP" --db "$T/e.db" - 2>"$T/err"
c=$(q "$T/e.db" "SELECT action FROM messages WHERE received = 1")
[ "$c" = "-1" ] && grep -q "no action line; imported" "$T/err"
ok $? "at the true end of standard input it is imported as OpenDMARC does"

# --- records of the real OpenDMARC 1.4.2 ----------------------------------
"$IMP" --db "$T/o.db" "$DATA/history/opendmarc-1.4.2-dns.dat" \
    "$DATA/history/opendmarc-1.4.2.dat"
ok $? "OpenDMARC 1.4.2 history files import without a warning"
v=$(q "$T/o.db" "SELECT m.received, m.jobid, r.name, i.addr, f.name, e.name,
        p.name, m.spf, m.policy, m.action, m.align_dkim, m.align_spf, m.arc,
        m.arc_policy, m.sigcount, q.rua, q.pct, q.adkim, q.aspf, q.p, q.sp
        FROM messages m JOIN reporters r ON r.id = m.reporter_id
        JOIN ipaddrs i ON i.id = m.ip_id JOIN domains f ON f.id = m.from_id
        JOIN domains e ON e.id = m.env_id JOIN domains p ON p.id = m.pdomain_id
        JOIN requests q ON q.id = m.request_id ORDER BY m.id LIMIT 1")
[ "$v" = "1795638462|DEBUG-i|DEBUG-j|192.0.2.1|sub.example.com|mail.example.com|example.com|0|15|2|5|4|7|2|2|mailto:agg@example.com,mailto:dmarc@rep.example.net!10m|50|115|114|114|113" ]
ok $? "every message and policy field of the documented record is right"
v=$(q "$T/o.db" "SELECT group_concat(d.name || '/' || s.selector || '/' ||
        s.result, ' ') FROM signatures s JOIN domains d ON d.id = s.domain_id
        WHERE s.message_id = 1")
w=$(q "$T/o.db" "SELECT instance || '/' || domain || '/' || selector || '/'
        || ip FROM arcseals WHERE message_id = 1")
[ "$v" = "mail.example.com/sel1/0 other.net/s2/7" ] && [ "$w" = "1/forwarder.net/arc1/" ]
ok $? "signatures and ARC seals are right"
v=$(q "$T/o.db" "SELECT group_concat(m.spf || '/' || m.policy || '/' ||
        q.rua || '/' || q.pct || '/' || m.align_dkim, ' ') FROM messages m
        JOIN requests q ON q.id = m.request_id WHERE m.jobid = 'DEBUG-i'
        AND m.id > 1")
[ "$v" = "0/14//0/0 2/14//0/0" ]
ok $? "the records written here by opendmarc -t (no record: policy 14, rua -) are right"

# --- schema versions --------------------------------------------------------
sqlite3 "$T/v1.db" <"$DATA/sql/schema-v1.sql"
q "$T/v1.db" "PRAGMA user_version = 1"
"$IMP" --db "$T/v1.db" "$S" 2>/dev/null
"$IMP" --db "$T/v2.db" "$S" 2>/dev/null
q "$T/v1.db" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name" >"$T/s1"
q "$T/v2.db" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name" >"$T/s2"
# the current version: the number of the newest migration in sql/
cur=$(ls "$TOP/sql" | sed -n 's/^0*\([0-9][0-9]*\)-.*\.sql$/\1/p' | sort -n | tail -1)
[ "$(q "$T/v1.db" 'PRAGMA user_version')" = "$cur" ] && cmp -s "$T/s1" "$T/s2"
ok $? "a version 1 database is migrated to exactly the current schema"
q "$T/v2.db" "PRAGMA user_version = 99"
"$IMP" --db "$T/v2.db" "$S" 2>"$T/err"
rc=$?
[ $rc -ne 0 ] && grep -q "schema version 99, newer than" "$T/err"
ok $? "a newer database is refused with a clear message"

# --- dmarc-expire -------------------------------------------------------------
"$GEN" -s 18 -n 2000 -d 50 -T 1790000000 -o "$T/x.dat" -t /dev/null
"$IMP" --db "$T/x.db" "$T/x.dat"
all=$(q "$T/x.db" "SELECT count(*) FROM messages")
norua=$(q "$T/x.db" "SELECT count(*) FROM messages m JOIN requests q
        ON q.id = m.request_id WHERE q.rua = ''")
# one domain reported for the whole time, another with a pending retry
q "$T/x.db" "INSERT INTO reports_sent (report_id, pdomain_id, period_begin,
        period_end, destination, status, created) SELECT 'r1', id, 0,
        1800000000, 'mailto:a@b', 'sent', 0 FROM domains WHERE name = 'dom0.example';
    INSERT INTO reports_sent (report_id, pdomain_id, period_begin,
        period_end, destination, status, created) SELECT 'r2', id, 0,
        1800000000, 'mailto:a@b', 'sent', 0 FROM domains WHERE name = 'dom1.example';
    INSERT INTO reports_sent (report_id, pdomain_id, period_begin,
        period_end, destination, status, created) SELECT 'r2', id, 0,
        1800000000, 'mailto:c@d', 'tempfail', 0 FROM domains WHERE name = 'dom1.example'"
d0=$(q "$T/x.db" "SELECT count(*) FROM messages m JOIN domains d ON
        d.id = m.pdomain_id JOIN requests q ON q.id = m.request_id
        WHERE d.name = 'dom0.example' AND q.rua <> ''")
"$EXPIRE" --db "$T/x.db" --days 30 --now 1790000100
c=$(q "$T/x.db" "SELECT count(*) FROM messages")
[ "$c" = "$all" ]
ok $? "nothing younger than the retention is dropped"
"$EXPIRE" --db "$T/x.db" --days 30 --now 1799000000 -v 2>"$T/err"
c=$(q "$T/x.db" "SELECT count(*) FROM messages")
k=$(q "$T/x.db" "SELECT count(*) FROM messages m JOIN domains d ON
        d.id = m.pdomain_id WHERE d.name = 'dom1.example'")
[ "$c" -eq $((all - norua - d0)) ] && [ "$k" -gt 0 ]
ok $? "old messages go only when reported (or with nothing to report): $all - $norua - $d0 = $c"
o=$(q "$T/x.db" "SELECT (SELECT count(*) FROM signatures WHERE message_id NOT IN
        (SELECT id FROM messages)) + (SELECT count(*) FROM requests WHERE id NOT
        IN (SELECT request_id FROM messages)) + (SELECT count(*) FROM ipaddrs
        WHERE id NOT IN (SELECT ip_id FROM messages))")
[ "$o" = 0 ]
ok $? "rows only the dropped messages used are gone"

[ $fails -eq 0 ]
