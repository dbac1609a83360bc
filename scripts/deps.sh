#!/bin/sh
# Installs the Debian packages adse needs to build and test. As root it runs apt-get;
# otherwise it prints the exact command to run.
set -eu
PKGS="build-essential cmake ninja-build pkg-config libyaml-dev libjansson-dev libcmocka-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing
else
    echo "adse needs these Debian packages:$missing" >&2
    echo "run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
