#!/bin/sh
# Checks the export macro (include/adse/export.h): libadse.a ($1) linked whole into a shared
# object ($2 is the C compiler) exports every function the public headers declare with
# ADSE_API and nothing else (no internal adse__ function, no unprefixed name).
set -u
lib=$1 cc=$2
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
"$cc" -shared -o "$tmp/libadse_check.so" -Wl,--whole-archive "$lib" -Wl,--no-whole-archive \
    -lyaml -lm -lpthread || { echo "cannot link $lib into a shared object"; exit 1; }
nm -D --defined-only "$tmp/libadse_check.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sort -u >"$tmp/exported"
sed -n 's/^ADSE_API .*[ *]\(adse_[a-z0-9_]*\)(.*/\1/p' include/adse/*.h | sort -u >"$tmp/declared"
bad=0
extra=$(comm -23 "$tmp/exported" "$tmp/declared" | grep -v '^_' )
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
[ -n "$extra" ] && { echo "exported but not declared ADSE_API:"; echo "$extra"; bad=1; }
[ -n "$missing" ] && { echo "declared ADSE_API but not exported (not defined?):"; echo "$missing"; bad=1; }
[ $bad = 0 ] && echo "exports ok ($(wc -l <"$tmp/declared") functions)"
exit $bad
