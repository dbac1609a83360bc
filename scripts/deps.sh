#!/bin/sh
# Installs the Debian packages adse needs to build and test. As root it runs apt-get;
# otherwise it prints the exact command to run. clang-14 and clang-format-14 serve the
# libFuzzer build and the format check of .ci/run; Open MPI the MPI driver (docs/cluster.md).
set -eu
PKGS="build-essential cmake ninja-build pkg-config libyaml-dev libjansson-dev libcmocka-dev locales
clang-14 libclang-rt-14-dev clang-format-14 openmpi-bin libopenmpi-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get -o DPkg::Lock::Timeout=300 update -qq
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing
    else
        echo "adse needs these Debian packages:$missing" >&2
        echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
        exit 1
    fi
fi
# A decimal-comma locale for tests/test_locale.c (skipped without one).
if [ "$(id -u)" -eq 0 ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
    localedef -i de_DE -f UTF-8 de_DE.UTF-8 || echo "deps.sh: cannot generate de_DE.UTF-8" >&2
fi
