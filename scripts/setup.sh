#!/bin/sh
# One command for a fresh Debian 12 machine: install what is missing, build adse (Release)
# and run the bundled example: the seed poster's experiment (a genetic algorithm over the
# Eyeriss-like design's PE mesh and buffer sizes for VGG16 conv1_1), then one model
# evaluation of Timeloop's best mapping of the original design.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
E=examples/seed-eyeriss-vgg16
echo "== adse search on $E/search.yaml (the poster's experiment)"
./build/adse search -o out/seed-search "$E/search.yaml"
echo "== report written to out/seed-search/report.md (best design in out/seed-search/best/)"
echo "== adse model on $E (Timeloop's best mapping of the original design)"
./build/adse model -o out/seed-eyeriss-vgg16 "$E/arch/eyeriss_like.yaml" "$E/prob.yaml" \
    "$E/map.yaml" "$E/ERT.yaml" "$E/ART.yaml"
echo "== stats written to out/seed-eyeriss-vgg16/adse-model.stats.txt"
