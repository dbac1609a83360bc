#!/bin/sh
# Checks the layering stated once in CMakeLists.txt (ADSE_LAYERS, passed as $1 by CTest, lowest
# first): a file in src/<layer>/ includes only its own or lower layers' internal headers; only
# src/input includes <yaml.h>; cli/ uses only the public API (include/adse). Prints each
# violation; exit 1 if any.
cd "$(dirname "$0")/.." || exit 2
layers=${1:-$(sed -n 's/^set(ADSE_LAYERS \(.*\))$/\1/p' CMakeLists.txt)}
[ -n "$layers" ] || { echo "no layer list (ADSE_LAYERS in CMakeLists.txt)"; exit 2; }
rank() {
    i=0
    for l in $layers; do
        [ "$l" = "$1" ] && { echo $i; return; }
        i=$((i + 1))
    done
    echo -1
}
bad=0
for dir in src/*/; do
    layer=$(basename "$dir")
    own=$(rank "$layer")
    [ "$own" -lt 0 ] && { echo "src/$layer: layer not in ADSE_LAYERS (CMakeLists.txt)"; bad=1; continue; }
    for f in "$dir"*.c "$dir"*.h; do
        [ -e "$f" ] || continue
        for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
            [ "$inc" = adse ] && continue
            r=$(rank "$inc")
            if [ "$r" -gt "$own" ]; then
                echo "$f: includes higher layer '$inc'"
                bad=1
            fi
        done
        if [ "$layer" != input ] && grep -q '#include <yaml.h>' "$f"; then
            echo "$f: includes <yaml.h> (only src/input may)"
            bad=1
        fi
        if grep -q '#include <mpi.h>' "$f"; then
            echo "$f: includes <mpi.h> (only cli/cluster_mpi.c may: the library is MPI-free)"
            bad=1
        fi
    done
done
for f in cli/*.c cli/*.h; do
    [ -e "$f" ] || continue
    for inc in $(sed -n 's/^#include "\([a-z_]*\)\/.*/\1/p' "$f" | sort -u); do
        if [ "$(rank "$inc")" -ge 0 ]; then
            echo "$f: includes library internals '$inc' (cli/ uses include/adse only)"
            bad=1
        fi
    done
done
[ $bad = 0 ] && echo "layers ok"
exit $bad
