#!/bin/sh
# Checks that every citation of the model's rules resolves inside the repository: each
# "model.md §N" (also "§N-M" ranges and "§A, §B" lists) in src/ include/ cli/ tests/ bench/
# fuzz/ tools/ docs/ and README.md names a numbered heading of docs/model.md ("## 4.",
# "### 4.4", "#### 4.8.2", "#### 4.5a"); inside docs/model.md a bare "§N" is such a
# citation too. Also refuses the old form ("spec 4.4", "model-spec", "spec section") that
# cited a document outside the repository. Prints each violation; exit 1 if any.
cd "$(dirname "$0")/.." || exit 2
doc=docs/model.md
[ -f "$doc" ] || { echo "$doc: missing"; exit 2; }
sections=$(sed -n 's/^##* \([0-9][0-9.]*[a-z]\{0,1\}\)[. ].*/\1/p' "$doc" | sed 's/\.$//')
[ -n "$sections" ] || { echo "$doc: no numbered headings"; exit 2; }
dirs="src include cli tests bench fuzz tools docs README.md"
# Source and documentation files only (tests/data's golden outputs are not read).
types="--include=*.c --include=*.h --include=*.md --include=*.sh --include=CMakeLists.txt"
num='[0-9][0-9a-z.]*'
hits=$( (grep -rnoI --exclude-dir=corpus $types \
    "model\.md §$num\(-$num\)\{0,1\}\(\(, \| and \|/\)§$num\(-$num\)\{0,1\}\)*" $dirs
    grep -noI "§$num\(-$num\)\{0,1\}" "$doc" | sed "s|^|$doc:|") )
bad=0
out=$(printf '%s\n' "$hits" | awk -v secs="$sections" -v doc="$doc" '
    BEGIN { n = split(secs, a, /[ \n]+/); for (i = 1; i <= n; i++) if (a[i] != "") ok[a[i]] = 1 }
    NF == 0 { next }
    {
        split($0, f, ":"); where = f[1] ":" f[2]; text = substr($0, length(where) + 2); lines++
        while (match(text, /§[0-9][0-9a-z.]*(-[0-9][0-9a-z.]*)?/)) {
            tok = substr(text, RSTART, RLENGTH); text = substr(text, RSTART + RLENGTH)
            sub(/^§/, "", tok); m = split(tok, ends, "-")
            for (k = 1; k <= m; k++) {
                e = ends[k]; sub(/\.+$/, "", e)
                if (!(e in ok)) { print where ": cites model.md §" e ", which is not a heading of " doc; bad = 1 }
            }
        }
    }
    END { print "#lines " lines + 0; exit bad }')
[ $? = 0 ] || bad=1
printf '%s\n' "$out" | grep -v '^#lines '
found=$(printf '%s\n' "$out" | sed -n 's/^#lines //p')
old=$(grep -rnIE --exclude-dir=corpus $types \
    -e 'spec (sections? )?[0-9]+(\.[0-9]+)*[a-z]?([^0-9a-z]|$)' -e 'model-spec' $dirs |
    grep -v '^tests/check_citations.sh:')
if [ -n "$old" ]; then
    printf '%s\n' "$old" | sed 's/$/   <- cite docs\/model.md as "model.md §N"/'
    bad=1
fi
[ $bad = 0 ] && echo "model.md citations ok ($found citing lines, $(echo $sections | wc -w) sections)"
exit $bad
