#!/bin/sh
# The MPI driver (docs/cluster.md): `mpirun -np 2` and `-np 3` (oversubscribed: more ranks
# than cores) write byte for byte what one process writes (on a small search, a small
# NSGA-II search, one over a network, one whose designs' open layers spread over the ranks
# as mapper work items, one on a v0.4 design with its PE fanout as a gene, the seed example,
# `adse map` on ResNet-50, and on two open layers whose mapper work items spread over the
# ranks); a run stopped under MPI resumes with another rank count to the same history; a rank
# that cannot read the spec ends the job with its reason instead of hanging; a worker rank
# killed mid-search ends the job, which resumes as one process to the same outputs. Only the
# run time (and the thread count the report states) may differ. MODE small: the two small
# searches (sanitizer builds, where the others take half a minute each); full: all.
# Usage: check_mpi.sh ADSE MPIEXEC SOURCE_DIR MODE
set -eu
adse=$1
mpiexec=$2
src=$3
mode=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpi() { # NP ARGS...: adse under mpirun (as root in CI); a hang fails after 120 s
    np=$1
    shift
    timeout 120 "$mpiexec" --allow-run-as-root --oversubscribe -np "$np" "$adse" "$@"
}
fail() {
    echo "check_mpi: $*" >&2
    exit 1
}
# a report, summary or search.json without the run time and thread count
untimed() {
    sed -E -e 's/[0-9.]+ s( on [0-9]+ threads?)?/T/g' -e 's/"(seconds|threads)": [0-9.e+-]+/"\1"/' "$1"
}
# DIR1 DIR2: every output file the same (checkpoint.txt aside: it holds the run time; the
# resumed run below checks it)
same() {
    (cd "$1" && find . -type f ! -name checkpoint.txt | sort) >"$tmp/files1"
    (cd "$2" && find . -type f ! -name checkpoint.txt | sort) >"$tmp/files2"
    cmp "$tmp/files1" "$tmp/files2" || fail "$2 holds other files than $1"
    while read -r f; do
        case $f in
        ./report.md | ./search.json)
            untimed "$1/$f" >"$tmp/a"
            untimed "$2/$f" >"$tmp/b"
            cmp "$tmp/a" "$tmp/b" || fail "$2/$f differs beyond the run time"
            ;;
        *) cmp "$1/$f" "$2/$f" || fail "$2/$f differs from one process's" ;;
        esac
    done <"$tmp/files1"
}
# SPEC: one process vs -np 2 and -np 3 (one thread each): files and summary
search_same() {
    name=$(basename "$1" .yaml)
    "$adse" search --threads 2 -o "$tmp/$name" "$1" >"$tmp/$name.txt"
    for np in 2 3; do
        out=$tmp/$name-np$np
        mpi "$np" search --threads 1 -o "$out" "$1" >"$out.txt" 2>"$out.err"
        same "$tmp/$name" "$out"
        untimed "$tmp/$name.txt" >"$tmp/a"
        untimed "$out.txt" >"$tmp/b"
        cmp "$tmp/a" "$tmp/b" || fail "$name: the summary under -np $np differs beyond the run time"
        grep -q "^adse: $np ranks: [0-9]* jobs" "$out.err" || fail "$name: no traffic line"
    done
}

# 1. a small search and a small multi-objective one; in full mode one on a network (AlexNet)
#    and the seed example's too
small=$src/tests/data/search/mpi_small.yaml
search_same "$small"
search_same "$src/tests/data/search/mpi_pareto.yaml" # NSGA-II: pareto.csv, pareto.svg too
if [ "$mode" = full ]; then
    # a v0.4 design whose designs are derived from its nodes (the PE fanout as a gene)
    search_same "$src/tests/data/search/v04_tutorial_pes.yaml"
    search_same "$src/tests/data/search/mpi_network.yaml"
    search_same "$src/examples/seed-eyeriss-vgg16/search.yaml"
fi

# 1b. in full mode, a search whose designs have open layers (VGG16 conv5_1 and ResNet-50 res2a with the
#     architecture's constraints only): each design's open layers travel as ranges of their
#     mapper work items (many more jobs than designs), the small layer between them and the
#     rest of the design as jobs of their own; every file the same as one process's for -np
#     2 and 3 with one thread each, and -np 2 with two threads each
if [ "$mode" = full ]; then
    open_spec=$src/tests/data/search/mpi_open.yaml
    search_same "$open_spec"
    # its grid holds 3 x 3 designs of 3 layers: unsplit, at most 27 layer jobs; the split
    # gives 196 on the mapper of 2026-12-05 (fewer as the items' bounds prune more of them)
    for np in 2 3; do
        jobs=$(sed -n "s/^adse: $np ranks: \([0-9]*\) jobs.*/\1/p" "$tmp/mpi_open-np$np.err")
        [ "${jobs:-0}" -gt 54 ] || fail "open search: the layers were not split ($jobs jobs)"
    done
    mpi 2 search --threads 2 -o "$tmp/mpi_open-t2" "$open_spec" >/dev/null 2>&1
    same "$tmp/mpi_open" "$tmp/mpi_open-t2"
fi

# 2. in full mode, adse map on ResNet-50 (examples/networks) on the seed design: the layers
#    spread over the ranks; every file and the table the same
if [ "$mode" = full ]; then
    seed=$src/examples/seed-eyeriss-vgg16
    set -- "$seed/arch/eyeriss_like.yaml" "$seed"/arch/components/*.yaml \
        "$seed"/constraints/*.yaml "$seed/mapper.yaml" "$seed/ERT.yaml" "$seed/ART.yaml" \
        "$src/examples/networks/resnet50.onnx"
    "$adse" map --threads 2 -o "$tmp/map" "$@" | grep -v '^mapped ' >"$tmp/map.txt"
    for np in 2 3; do
        mpi "$np" map --threads 1 -o "$tmp/map-np$np" "$@" 2>/dev/null >"$tmp/b"
        grep -q "^mapped 24 distinct layers in .* ($np ranks" "$tmp/b" || fail "map: no summary"
        grep -v '^mapped ' "$tmp/b" | cmp - "$tmp/map.txt" || fail "map: the table under -np $np"
        same "$tmp/map" "$tmp/map-np$np"
    done
fi

# 2b. adse map on two open layers (the seed design's architecture constraints only): each
#     layer's mapspace is split into mapper work items over the ranks (more jobs than
#     layers); every file and the table the same as one process's, for -np 1, 2 and 3
seed=$src/examples/seed-eyeriss-vgg16
set -- "$seed/arch/eyeriss_like.yaml" "$seed"/arch/components/*.yaml \
    "$seed/constraints/eyeriss_like_arch_constraints.yaml" "$seed/mapper.yaml" \
    "$seed/ERT.yaml" "$seed/ART.yaml" "$src/tests/data/networks/mpi_open/network.yaml"
"$adse" map --threads 2 -o "$tmp/open" "$@" | grep -v '^mapped ' >"$tmp/open.txt"
for np in 1 2 3; do
    mpi "$np" map --threads 1 -o "$tmp/open-np$np" "$@" 2>"$tmp/open.err" >"$tmp/b"
    grep -v '^mapped ' "$tmp/b" | cmp - "$tmp/open.txt" || fail "open map: the table under -np $np"
    same "$tmp/open" "$tmp/open-np$np"
    if [ "$np" -gt 1 ]; then
        jobs=$(sed -n "s/^adse: $np ranks: \([0-9]*\) jobs.*/\1/p" "$tmp/open.err")
        [ "${jobs:-0}" -gt 2 ] || fail "open map: the layers were not split into items ($jobs jobs)"
    fi
done

# 3. stopped under -np 3, resumed under -np 2: the uninterrupted run's history
mpi 3 search --threads 1 --stop-after 1 -o "$tmp/resumed" "$small" >/dev/null 2>&1
[ ! -e "$tmp/resumed/history.csv" ] || fail "--stop-after wrote history.csv"
mpi 2 search --threads 1 --resume "$tmp/resumed" "$small" >/dev/null 2>"$tmp/err"
mkdir "$tmp/resumed-out"
mv "$tmp/resumed/checkpoint.txt" "$tmp/resumed-out/"
same "$tmp/mpi_small" "$tmp/resumed"

# 4. a rank that cannot read the spec: the job ends with its reason, no hang
set +e
timeout 120 "$mpiexec" --allow-run-as-root --oversubscribe -np 1 "$adse" search "$small" : \
    -np 1 "$adse" search "$tmp/missing.yaml" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "a rank without its spec: exit status $rc"
grep -q "rank 1: $tmp/missing.yaml: cannot open" "$tmp/err" ||
    fail "a rank without its spec: no reason printed: $(cat "$tmp/err")"
# 5. in full mode, a worker rank killed (SIGKILL) in the middle of the seed example's search:
#    mpirun ends the job with an error instead of hanging, and `adse search --resume` as one
#    process continues from the last checkpoint to the uninterrupted run's outputs
if [ "$mode" = full ]; then
    out=$tmp/killed
    (
        rc=0
        mpi 3 search --threads 1 -o "$out" "$src/examples/seed-eyeriss-vgg16/search.yaml" \
            >/dev/null 2>"$tmp/killed.err" || rc=$?
        echo $rc >"$tmp/killed.rc"
    ) &
    generation() { sed -n 's/^state \([0-9]*\) .*/\1/p' "$out/checkpoint.txt" 2>/dev/null || true; }
    victim=
    i=0
    while [ -z "$victim" ] && [ $i -lt 600 ]; do # up to 60 s for generation 3's checkpoint
        g=$(generation)
        if [ -n "$g" ] && [ "$g" -ge 3 ]; then
            for p in $(pgrep -f "$adse search --threads 1 -o $out" || true); do
                tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=2' &&
                    victim=$p
            done
        fi
        i=$((i + 1))
        sleep 0.1
    done
    [ -n "$victim" ] || fail "killed rank: no checkpoint of generation 3 or no rank 2 to kill"
    kill -9 "$victim"
    wait
    rc=$(cat "$tmp/killed.rc")
    [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "killed rank: exit status $rc"
    [ "$(generation)" -lt 40 ] || fail "killed rank: the search had ended before the kill"
    [ ! -e "$out/history.csv" ] || fail "killed rank: history.csv written"
    "$adse" search --threads 2 --resume "$out" "$src/examples/seed-eyeriss-vgg16/search.yaml" >/dev/null
    mkdir "$tmp/killed-out"
    mv "$out/checkpoint.txt" "$tmp/killed-out/"
    same "$tmp/search" "$out"
fi
echo "mpi ok"
