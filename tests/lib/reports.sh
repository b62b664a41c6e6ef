# reports.sh - shell helpers for the aggregate report tests: the ground
# truth of a generated history and the counts of the reports made of it.
# Sourced; POSIX sh.

# rp_want TRUTH - "domain messages" per policy domain with a DMARC record
# in histgen's ground truth (policy codes 15-18; 14 means no record,
# which nobody asked reports for), sorted
rp_want() {
    awk '$1 == "msg" && $3 != 14 { n[$2] += $5 }
         END { for (d in n) print d, n[d] }' "$1" | sort
}

# rp_got DIR - "domain messages" per report (.xml.gz) in DIR: the
# policy_published domain and the sum of its <count> elements, sorted
rp_got() {
    for _f in "$1"/*.xml.gz; do
        _d=$(gzip -dc "$_f" |
            sed -n 's|.*<policy_published><domain>\([^<]*\)</domain>.*|\1|p')
        _n=$(gzip -dc "$_f" | grep -o '<count>[0-9]*</count>' |
            tr -dc '0-9\n' | paste -sd+ - | bc)
        echo "$_d $_n"
    done | sort
}
