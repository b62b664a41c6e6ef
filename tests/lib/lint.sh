#!/bin/sh
# lint.sh - the checks behind "make lint"; every one must be silent.
#   clang-format (check only), cppcheck, clang-tidy, the banned-function
#   grep, each header compiling on its own, groff on every man page, and
#   the configuration key table against dmarcsuite.conf(5) and against
#   the sample contrib/dmarcsuite.conf.
set -u
cd "$(dirname "$0")/../.." || exit 1
rc=0
SRC=$(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find . -name '*.[ch]' -not -path './build*')
CSRC=$(echo "$SRC" | grep '\.c$')
HDRS=$(echo "$SRC" | grep '\.h$')
PKG_CFLAGS=$(pkg-config --cflags libxml-2.0 sqlite3 libcurl libpsl libidn2 zlib milter)
DEFS="-DDMARC_VERSION=\"lint\" -DDMARC_SYSCONFDIR=\"/etc\" -DDMARC_DATADIR=\"/usr/share/dmarcsuite\""

step() { printf '== %s\n' "$1"; }
bad() { rc=1; }

step clang-format
clang-format --dry-run --Werror $SRC || bad

step cppcheck
cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
    --inline-suppr --error-exitcode=1 -I. \
    --suppress=missingIncludeSystem --suppress=unusedFunction \
    $CSRC || bad

step clang-tidy
TIDY_FLAGS="-std=c11 -D_DEFAULT_SOURCE -I. $PKG_CFLAGS $DEFS"
export TIDY_FLAGS
# shellcheck disable=SC2086
# one file per run: clang-tidy 14 carries analyzer state between files
# of one run and then reports false va_list errors
tidy_out=$(printf '%s\n' $CSRC | xargs -P 2 -n 1 sh -c \
    'clang-tidy --quiet "$@" -- $TIDY_FLAGS 2>/dev/null' clang-tidy)
if printf '%s\n' "$tidy_out" | grep -qE 'warning:|error:'; then
    printf '%s\n' "$tidy_out"
    bad
fi

step banned-functions
BANNED='strcpy|strcat|sprintf|vsprintf|gets|strtok|strtok_r|strncpy|atoi|atol|atof|sscanf|system|popen|strerror|localtime|gmtime|ctime|asctime|rand|alloca'
# a call is the name followed by "(" and not preceded by an identifier
# character, "." or "->" (so snprintf, strerror_r, gmtime_r are fine)
for f in $SRC; do
    # comments and strings are stripped by the preprocessor first
    if gcc -fpreprocessed -dD -E -P "$f" 2>/dev/null |
        grep -nE "(^|[^A-Za-z0-9_.>])($BANNED)[[:space:]]*\\(" |
        sed "s|^|$f: |" | grep .; then
        echo "$f: banned function used (see STYLE.md)"
        bad
    fi
done

step header-self-containment
tmp=$(mktemp -d)
for h in $HDRS; do
    printf '#include "%s"\n#include "%s"\n' "$h" "$h" >"$tmp/h.c"
    cc -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -I. $PKG_CFLAGS \
        -fsyntax-only "$tmp/h.c" || { echo "$h is not self-contained"; bad; }
done
rm -rf "$tmp"

step man-pages
for m in man/*.[0-9]; do
    [ -f "$m" ] || continue
    out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$m" 2>&1)
    if [ -n "$out" ]; then
        echo "$m:"; echo "$out"; bad
    fi
done

if [ -x tests/lib/check_man_keys.sh ]; then
    step config-keys-vs-man-page
    tests/lib/check_man_keys.sh || bad
fi

if [ -x tests/lib/check_conf_keys.sh ]; then
    step sample-config-vs-table
    tests/lib/check_conf_keys.sh || bad
fi

[ $rc -eq 0 ] && echo "lint: clean" || echo "lint: FAILED"
exit $rc
