#!/usr/bin/env bash
# What the outputs cost (issue 16): lan 1000 with `--trace none` against the
# default outputs (trace.txt, trace.jsonl, captures, hop tables, paths.json,
# state.txt, diagrams; view.html is skipped by default above 50,000 events),
# median of 3 wall times each, then the size of every output file and the
# disk's own write rate for the same number of bytes (dd), the floor under any
# writer. Graphviz is left out: `dot` and `sfdp` are kept off PATH, so the
# figures are netsim's own (the diagrams' .dot sources are still written).
# --max-output 0: the default 1 GiB budget would stop the run part-way.
# Usage: bench/outputs.sh [N] [DIR]   (N hosts, default 1000; DIR the output
# directory's parent, default a temporary directory on the disk of /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
hosts=${1:-1000}
build=build-bench
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target netsim gen_topology >/dev/null
netsim=$PWD/$build/netsim
work=$(mktemp -d "${2:-/tmp}/outputs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" # an empty PATH directory: no Graphviz
"$build/bench/gen_topology" lan "$hosts" >"$work/t.json"

median() { sort -n | sed -n 2p; }

# run TRACE: prints "WALL CPU" seconds of one run (CPU: user + system, which a
# busy machine disturbs less than the wall time); outputs left in $work/out.
run() {
    rm -rf "$work/out"
    PATH="$work/bin" /usr/bin/time -f '%e %U %S' -o "$work/time" "$netsim" run "$work/t.json" \
        --quiet --trace "$1" --max-output 0 --out "$work/out" 2>/dev/null || true
    awk '{printf "%s %.2f\n", $1, $2 + $3}' "$work/time"
}

command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
for trace in none full; do
    for i in 1 2 3; do run "$trace"; done >"$work/$trace.runs"
done
none=$(cut -d' ' -f1 "$work/none.runs" | median)
full=$(cut -d' ' -f1 "$work/full.runs" | median)
none_cpu=$(cut -d' ' -f2 "$work/none.runs" | median)
full_cpu=$(cut -d' ' -f2 "$work/full.runs" | median)
[ "$none_cpu" = 0.00 ] && none_cpu=0.01 # /usr/bin/time counts in hundredths
printf 'lan %s, median of 3: --trace none %.2f s wall, %.2f s CPU; default outputs %.2f s wall (%.1fx), %.2f s CPU (%.1fx)\n' \
    "$hosts" "$none" "$none_cpu" "$full" "$(echo "$full / $none" | bc -l)" "$full_cpu" \
    "$(echo "$full_cpu / $none_cpu" | bc -l)"

total=$(du -sb "$work/out" | cut -f1)
echo "| file | bytes |"
echo "|---|---|"
for f in trace.jsonl trace.txt paths.json state.txt view.html; do
    [ -e "$work/out/$f" ] && printf '| %s | %s |\n' "$f" "$(stat -c %s "$work/out/$f")"
done
printf '| pcap/ (%s files) | %s |\n' "$(ls "$work/out/pcap" | wc -l)" "$(du -sb "$work/out/pcap" | cut -f1)"
others=$(find "$work/out" -maxdepth 1 -type f \( -name '*.dot' -o -name '*.svg' \) -printf '%s\n' |
    awk '{s += $1} END {print s + 0}')
printf '| diagrams (.dot) | %s |\n' "$others"
printf '| total | %s |\n' "$total"

# The disk's floor: the same number of bytes written by dd, flushed at the end.
rm -rf "$work/out"
mib=$((total / 1048576 + 1))
t0=$(date +%s.%N)
dd if=/dev/zero of="$work/dd" bs=1M count="$mib" conv=fsync status=none
t1=$(date +%s.%N)
rm -f "$work/dd"
printf 'dd of %s MiB on the same disk: %.3f s\n' "$mib" "$(echo "$t1 - $t0" | bc -l)"
