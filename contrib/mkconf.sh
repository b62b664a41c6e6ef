#!/bin/sh
# mkconf.sh - write the sample dmarcsuite.conf to standard output.
#
#   contrib/mkconf.sh >contrib/dmarcsuite.conf
#
# The keys, in table order, and their summaries come from the
# configuration table itself (tests/tools/cfg_keys, built here from
# source), the text of each key from man/dmarcsuite.conf.5 (rendered by
# groff), so the sample cannot drift from either: "make lint" runs
# tests/lib/check_conf_keys.sh, which fails when the committed sample
# differs from what this script writes.  The values below are the sample's
# own: SET lists the keys the sample turns on, EXAMPLE the value shown for
# a key left commented out that has no default.  A key without either is
# shown with its default, or with "<value>".
set -u
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# the keys the sample sets, as the packaged units expect them
SET='Socket	inet:8893@127.0.0.1
HistoryFile	/var/lib/dmarcsuite/history.dat
Syslog	true'

# values shown for keys without a default
EXAMPLE='AuthservID	mx.example.com
AutoRestartRate	10/1h
BaseDirectory	/var/lib/dmarcsuite
ChangeRootDirectory	/var/lib/dmarcsuite
CopyFailuresTo	postmaster@example.com
DomainWhitelist	example.com, example.net
DomainWhitelistFile	/etc/dmarcsuite/whitelist
FailureReportsBcc	postmaster@example.com
FailureReportsSentBy	postmaster@example.com
IgnoreHosts	/etc/dmarcsuite/ignore.hosts
IgnoreMailFrom	example.com, example.net
IgnoreMailTo	postmaster@example.com
Nameservers	127.0.0.1
NoReportsList	/etc/dmarcsuite/noreports
PidFile	/run/dmarcsuite/dmarc-milter.pid
PublicSuffixList	/usr/share/publicsuffix/public_suffix_list.dat
ReportEmail	dmarc-noreply@example.com
ReportFrom	dmarc-noreply@example.com
ReportOrg	Example Mail Services
ReportSMTPPasswordFile	/etc/dmarcsuite/smtp.password
ReportSMTPURL	smtp://smtp.example.com:587
ReportSMTPUser	dmarc-reports
TrustedAuthservIDs	mx.example.com
UMask	007
UserID	dmarcsuite'

if ! ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -I. -o "$tmp/cfg_keys" \
    tests/tools/cfg_keys.c common/cfg.c common/cfg_table.c common/log.c \
    common/xalloc.c common/str.c common/num.c common/ascii.c common/scan.c; then
    echo "mkconf: cannot build tests/tools/cfg_keys" >&2
    exit 1
fi
"$tmp/cfg_keys" >"$tmp/table" || exit 1

# the KEYS section of the page, one paragraph per line (no filling)
{
    sed -n '/^\.TH/p' man/dmarcsuite.conf.5
    sed -n '/^\.SH KEYS/,/^\.SH FILES/p' man/dmarcsuite.conf.5 | sed '$d'
} | LC_ALL=C groff -man -Tascii -P-cbou -rLL=2000n -rHY=0 -dAD=l \
    >"$tmp/keys.txt" 2>/dev/null || exit 1

cat <<'EOF'
# dmarcsuite.conf - sample configuration of dmarc-milter, dmarc-import
# and dmarc-reports.  See dmarcsuite.conf(5).
#
# One "Key value" per line; "#" starts a comment.  Every key is listed
# below with its type, default and range, in the order of the
# configuration table; the lines without "#" are the ones this sample
# sets, everything else shows the default or an example.  An existing
# opendmarc.conf works unchanged in place of this file.
#
# Written by contrib/mkconf.sh from the configuration table and the
# manual page; "make lint" checks that the two agree with this file.
EOF

awk -F '\t' -v set="$SET" -v example="$EXAMPLE" '
function value_of(sum,    v) {
    if (match(sum, /default: [^;)]*/)) {
        v = substr(sum, RSTART + 9, RLENGTH - 9)
        if (v ~ /^".*"$/)
            v = substr(v, 2, length(v) - 2) # quotes would be kept
        if (v != "unset")
            return v
    }
    return ""
}
function wrap(text,    n, i, w, line, out) {
    n = split(text, w, /[ ]+/)
    line = "#"
    out = ""
    for (i = 1; i <= n; i++) {
        if (w[i] == "")
            continue
        if (length(line) + 1 + length(w[i]) > 76 && line != "#") {
            out = out line "\n"
            line = "#"
        }
        line = line " " w[i]
    }
    return out line "\n"
}
BEGIN {
    n = split(set, l, "\n")
    for (i = 1; i <= n; i++) { split(l[i], kv, "\t"); on[kv[1]] = kv[2] }
    n = split(example, l, "\n")
    for (i = 1; i <= n; i++) { split(l[i], kv, "\t"); ex[kv[1]] = kv[2] }
}
FILENAME == ARGV[1] {
    # the rendered page: "       Key" or "       Key (summary...)" starts
    # an entry, deeper lines are its paragraphs (the first the summary)
    if ($0 ~ /^       [A-Za-z]+( |$)/) {
        key = $0; sub(/^ +/, "", key); sub(/ .*/, "", key)
        npar[key] = 0
        inline = ($0 ~ /^       [A-Za-z]+ +\(/)
        next
    }
    if (key != "" && $0 ~ /^              /) {
        t = $0; sub(/^ +/, "", t)
        if (!inline && npar[key] == 0 && t ~ /^\(/) { inline = 1; next }
        par[key, ++npar[key]] = t
    }
    next
}
{
    k = $1; sum = $2
    printf "\n## %s %s\n", k, sum
    for (i = 1; i <= npar[k]; i++)
        printf "%s", wrap(par[k, i])
    if (k in on)
        printf "%s %s\n", k, on[k]
    else if (value_of(sum) != "")
        printf "#%s %s\n", k, value_of(sum)
    else if (k in ex)
        printf "#%s %s\n", k, ex[k]
    else
        printf "#%s <value>\n", k
}' "$tmp/keys.txt" "$tmp/table"
