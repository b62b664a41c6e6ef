#!/bin/sh
# run.sh - run every test program, read the TAP each one prints, and end
# with one line "N passed, N failed, N skipped".
#
# Unit tests are the cmocka binaries under $BUILD/tests/unit (cmocka prints
# TAP when CMOCKA_MESSAGE_OUTPUT=TAP); integration tests are the executable
# files tests/integration/*.sh.  A program that exits non-zero without
# reporting a failure, or reports fewer results than its plan, counts as
# one failure.  "ok N # SKIP reason" counts as skipped, never as passed.
# Set TESTS="pattern" to run only the programs whose path matches.
set -u
BUILD=${BUILD:-build}
export BUILD
TOP=$(cd "$(dirname "$0")/.." && pwd)
export TOP
export CMOCKA_MESSAGE_OUTPUT=TAP
LOGDIR="$TOP/$BUILD/test-logs"
mkdir -p "$LOGDIR"
pass=0 fail=0 skip=0
failed_list=""

progs=$(find "$TOP/$BUILD/tests/unit" -type f -perm -u+x -name 'test_*' 2>/dev/null | sort)
progs="$progs $(find "$TOP/tests/integration" -maxdepth 1 -type f -perm -u+x -name '*.sh' 2>/dev/null | sort)"

for p in $progs; do
    case "$p" in *"${TESTS:-}"*) ;; *) continue ;; esac
    name=${p#"$TOP"/}
    log="$LOGDIR/$(echo "$name" | tr '/' '_').log"
    timeout -k 10 "${TEST_TIMEOUT:-900}" "$p" >"$log" 2>&1
    rc=$?
    counts=$(awk '
        /^1\.\.[0-9]+/ { split($0, a, "."); plan = a[3] + 0 }
        /^ok / { if ($0 ~ /# [Ss][Kk][Ii][Pp]/) s++; else p++; next }
        /^not ok / { f++ }
        END { printf "%d %d %d %d\n", p, f, s, plan }' "$log")
    set -- $counts
    p_=$1 f_=$2 s_=$3 plan=$4
    if [ "$plan" -gt 0 ] && [ $((p_ + f_ + s_)) -lt "$plan" ]; then
        f_=$((f_ + plan - p_ - f_ - s_))
        echo "# $name: fewer results than planned" >>"$log"
    fi
    if [ "$rc" -ne 0 ] && [ "$f_" -eq 0 ]; then
        f_=1
        echo "# $name: exit status $rc without a reported failure" >>"$log"
    fi
    pass=$((pass + p_)); fail=$((fail + f_)); skip=$((skip + s_))
    status=ok
    [ "$f_" -gt 0 ] && { status=FAIL; failed_list="$failed_list $name"; }
    printf '%-4s %-55s %4d passed %3d failed %3d skipped\n' \
        "$status" "$name" "$p_" "$f_" "$s_"
    if [ "$f_" -gt 0 ]; then
        grep -E '^not ok|^#' "$log" | head -n 40 | sed 's/^/    /'
    fi
    grep -E '^ok .*# [Ss][Kk][Ii][Pp]' "$log" | head -n 5 | sed 's/^/    /'
done

[ -n "$failed_list" ] && echo "failed programs (logs in $BUILD/test-logs):$failed_list"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
