#!/bin/sh
# Checks the layering stated in CMakeLists.txt: a file in src/<layer>/ includes only its
# own or lower layers' internal headers; only src/spec includes <yaml.h>; cli/ uses only
# the public API (include/adse). Prints each violation; exit 1 if any.
cd "$(dirname "$0")/.." || exit 2
rank() {
    case "$1" in
    util) echo 0 ;; workload | arch) echo 1 ;; energy) echo 2 ;; spec) echo 3 ;;
    model) echo 4 ;; mapper) echo 5 ;; search) echo 6 ;; report) echo 7 ;; *) echo -1 ;;
    esac
}
bad=0
for dir in src/*/; do
    layer=$(basename "$dir")
    own=$(rank "$layer")
    [ "$own" -lt 0 ] && { echo "src/$layer: layer not listed in tests/check_layers.sh"; bad=1; continue; }
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
        if [ "$layer" != spec ] && grep -q '#include <yaml.h>' "$f"; then
            echo "$f: includes <yaml.h> (only src/spec may)"
            bad=1
        fi
    done
done
for f in cli/*.c cli/*.h; do
    [ -e "$f" ] || continue
    if grep -q '^#include "\(util\|workload\|arch\|energy\|spec\|model\|mapper\|search\|report\)/' "$f"; then
        echo "$f: includes library internals (cli/ uses include/adse only)"
        bad=1
    fi
done
[ $bad = 0 ] && echo "layers ok"
exit $bad
