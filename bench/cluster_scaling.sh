#!/bin/sh
# The MPI scaling figures of docs/cluster.md section 6: SPEC (default
# bench/cluster_search.yaml, a search over ResNet-50 on the seed design;
# bench/cluster_open.yaml: AlexNet with open mapspaces, its layers split into mapper work
# items under MPI) as one process with one thread, as one process with NP threads, and
# under `mpirun -np NP` with one thread per rank, REPEAT times each in turn;
# prints wall and CPU (user) seconds of every run with the load average, the CPU seconds per
# design mapped and the bytes per design that traveled. The histories must be identical.
# Each -np run's summary line (jobs, bytes, how busy the executors were) follows its times.
# CHRT (e.g. CHRT="chrt -f 10", as root) runs every command under it: on a shared machine
# the runs then take the cores from other processes' work (docs/cluster.md section 6).
# Usage: [CHRT=...] sh bench/cluster_scaling.sh [BUILD_DIR [NP [REPEAT [SPEC]]]]   (from the
# source tree)
set -eu
build=${1:-build}
np=${2:-2}
repeat=${3:-3}
spec=${4:-bench/cluster_search.yaml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timed() { # NAME COMMAND...: runs it, prints "NAME: wall s, user s, sys s (load)"
    name=$1
    shift
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086 # CHRT is a command and its arguments
    ${CHRT:-} /usr/bin/time -f "%e %U %S" -o "$tmp/t" "$@" >"$tmp/out" 2>"$tmp/err"
    read -r w u sy <"$tmp/t"
    echo "$name: $w s wall, $u s user, $sy s sys (load $load)"
}
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$repeat"); do
    timed "one process, 1 thread " "$build/adse" search --threads 1 -o "$tmp/one" "$spec"
    cp "$tmp/out" "$tmp/one.txt"
    timed "one process, $np threads" "$build/adse" search --threads "$np" -o "$tmp/thr" "$spec"
    timed "-np $np x 1 thread      " mpirun --allow-run-as-root --oversubscribe -np "$np" \
        "$build/adse" search --threads 1 -o "$tmp/mpi" "$spec"
    cp "$tmp/err" "$tmp/mpi.err"
    grep '^adse: ' "$tmp/mpi.err" || true
    cmp "$tmp/one/history.csv" "$tmp/mpi/history.csv"
    cmp "$tmp/one/history.csv" "$tmp/thr/history.csv"
done
designs=$(sed -n 's/.* \([0-9]*\) designs mapped.*/\1/p' "$tmp/one.txt")
echo "designs mapped: $designs"
