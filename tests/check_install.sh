#!/bin/sh
# Installs the build $1 into a temporary prefix (`cmake --install`), then builds
# tests/install/consumer.c against it with pkg-config alone (adse.pc) and runs it on the seed
# example: it must print the installed version and Timeloop's 516096 cycles. Exit 1 on any
# failure.
set -eu
build=$1
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/adse-install-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(find "$tmp/prefix" -name adse.pc)
[ -n "$pc" ] || { echo "adse.pc not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
pcflags="--define-variable=prefix=$tmp/prefix"
version=$(pkg-config $pcflags --modversion adse)
${CC:-cc} -std=c11 -Wall -Werror -o "$tmp/consumer" "$root/tests/install/consumer.c" \
    $(pkg-config $pcflags --cflags adse) $(pkg-config $pcflags --libs --static adse)
seed="$root/tests/data/seed-experiment/original"
out=$("$tmp/consumer" "$seed/arch/eyeriss_like.yaml" "$seed/prob.yaml" \
    "$seed/timeloop-mapper-out/timeloop-mapper.map.yaml" "$seed/ERT.yaml" "$seed/ART.yaml")
want=$(printf '%s\n%s' "$version" 516096)
[ "$out" = "$want" ] || { printf 'got:\n%s\nwant:\n%s\n' "$out" "$want"; exit 1; }
[ -x "$tmp/prefix/bin/adse" ] || { echo "the adse tool is not installed"; exit 1; }
echo "installed adse $version links and runs"
