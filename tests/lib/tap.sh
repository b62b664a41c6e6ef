# tap.sh - TAP output for shell integration tests (sourced, POSIX sh).
#
#   . "$TOP/tests/lib/tap.sh"
#   tap_plan 3
#   tap_is "$(cmd)" "expected" "cmd prints expected"
#   tap_ok "something held"          # or tap_fail "it did not"
#   tap_check "file exists" test -f "$f"
#   tap_done                         # exit status: 0 only if all passed
#
# Functions:
#   tap_plan N            print "1..N" (call once, first)
#   tap_ok DESC           "ok N - DESC"
#   tap_fail DESC [DIAG]  "not ok N - DESC", DIAG printed as "# " lines
#   tap_is GOT WANT DESC  ok when the strings are equal; else shows both
#   tap_like GOT ERE DESC ok when GOT matches the extended regex ERE
#   tap_check DESC CMD... ok when CMD exits 0
#   tap_skip REASON [N]   N (default 1) "ok N # SKIP REASON" lines
#   tap_skip_rest REASON  skip every test left in the plan
#   tap_diag TEXT         a "# TEXT" line (to standard output)
#   tap_done              check the count against the plan; exit 0 or 1
# Skips count as skipped, never as passed (tests/run.sh).

TAP_N=0
TAP_PLAN=0
TAP_FAILED=0

tap_plan() {
    TAP_PLAN=$1
    echo "1..$1"
}

tap_diag() {
    printf '%s\n' "$*" | sed 's/^/# /'
}

tap_ok() {
    TAP_N=$((TAP_N + 1))
    echo "ok $TAP_N - $1"
}

tap_fail() {
    TAP_N=$((TAP_N + 1))
    TAP_FAILED=$((TAP_FAILED + 1))
    echo "not ok $TAP_N - $1"
    [ $# -ge 2 ] && tap_diag "$2"
    return 0
}

tap_is() {
    if [ "$1" = "$2" ]; then
        tap_ok "$3"
    else
        tap_fail "$3" "got:      '$1'
expected: '$2'"
    fi
}

tap_like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        tap_ok "$3"
    else
        tap_fail "$3" "got:      '$1'
expected to match: $2"
    fi
}

tap_check() {
    _tap_desc=$1
    shift
    if "$@"; then
        tap_ok "$_tap_desc"
    else
        tap_fail "$_tap_desc" "command failed: $*"
    fi
}

tap_skip() {
    _tap_k=${2:-1}
    while [ "$_tap_k" -gt 0 ]; do
        TAP_N=$((TAP_N + 1))
        echo "ok $TAP_N # SKIP $1"
        _tap_k=$((_tap_k - 1))
    done
}

tap_skip_rest() {
    [ "$TAP_N" -lt "$TAP_PLAN" ] && tap_skip "$1" $((TAP_PLAN - TAP_N))
    return 0
}

tap_done() {
    if [ "$TAP_N" -ne "$TAP_PLAN" ]; then
        tap_diag "planned $TAP_PLAN tests, ran $TAP_N"
        exit 1
    fi
    [ "$TAP_FAILED" -eq 0 ] && exit 0
    exit 1
}
