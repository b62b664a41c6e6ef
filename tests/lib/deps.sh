#!/bin/sh
# deps.sh - check for, or install, every Debian package the build and the
# tests need.  "check" exits 1 when something is missing; "install" runs
# apt-get as root, or prints the exact command and fails otherwise.
set -u
PKGS="build-essential pkg-config clang libclang-rt-14-dev clang-format
clang-tidy cppcheck libmilter-dev libspf2-dev libpsl-dev libidn2-dev
libsqlite3-dev sqlite3 libxml2-dev libxml2-utils libcurl4-openssl-dev
zlib1g-dev libcmocka-dev nsd miltertest publicsuffix groff-base groff
python3 iproute2 procps dmarc-cat postfix opendkim opendkim-tools swaks
openssl man-db"

# services that the packages above start and the tests never use: the
# tests run private instances of their own (tests/e2e/lib.sh)
SERVICES="postfix opendkim"

missing() {
    for p in $PKGS; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
            grep -q 'install ok installed' || printf '%s ' "$p"
    done
}

m=$(missing)
case "${1:-check}" in
check)
    [ -z "$m" ] && exit 0
    echo "missing packages: $m" >&2
    exit 1
    ;;
install)
    [ -z "$m" ] && { echo "all build and test dependencies are installed"; exit 0; }
    if [ "$(id -u)" != 0 ]; then
        echo "not root; run as root:" >&2
        echo "  apt-get update && apt-get install -y --no-install-recommends $m" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Postfix asks for a mail setup: none, the tests configure their own
    echo "postfix postfix/main_mailer_type select No configuration" |
        debconf-set-selections
    # shellcheck disable=SC2086 # one package per word
    apt-get update -q && apt-get install -y -q --no-install-recommends $m
    rc=$?
    for s in $SERVICES; do
        if command -v systemctl >/dev/null 2>&1 &&
            systemctl is-active --quiet "$s" 2>/dev/null; then
            systemctl stop "$s"
            systemctl disable --quiet "$s" 2>/dev/null
        elif command -v invoke-rc.d >/dev/null 2>&1; then
            invoke-rc.d "$s" stop >/dev/null 2>&1
        fi
    done
    exit $rc
    ;;
*)
    echo "usage: $0 check|install" >&2
    exit 64
    ;;
esac
