#!/bin/sh
# deps.sh - check for, or install, every Debian package the build and the
# tests need.  "check" exits 1 when something is missing; "install" runs
# apt-get as root, or prints the exact command and fails otherwise.
set -u
PKGS="build-essential pkg-config clang libclang-rt-14-dev clang-format
clang-tidy cppcheck libmilter-dev libspf2-dev libpsl-dev libidn2-dev
libsqlite3-dev sqlite3 libxml2-dev libxml2-utils libcurl4-openssl-dev
zlib1g-dev libcmocka-dev nsd miltertest publicsuffix groff-base groff
python3 iproute2 procps dmarc-cat"

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
    apt-get update -q && apt-get install -y -q --no-install-recommends $m
    ;;
*)
    echo "usage: $0 check|install" >&2
    exit 64
    ;;
esac
