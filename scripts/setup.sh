#!/bin/sh
# One command for a fresh Debian 12 machine: install what is missing, build adse (Release)
# and run the bundled example (the seed's Eyeriss-like design on VGG16 conv1_1).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
E=examples/seed-eyeriss-vgg16
echo "== adse model on $E (Timeloop's best mapping of the original design)"
./build/adse model -o out/seed-eyeriss-vgg16 "$E/arch/eyeriss_like.yaml" "$E/prob.yaml" \
    "$E/map.yaml" "$E/ERT.yaml" "$E/ART.yaml"
echo "== stats written to out/seed-eyeriss-vgg16/adse-model.stats.txt"
