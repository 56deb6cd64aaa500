#!/usr/bin/env bash
# The benchmark suite (docs/performance.md): builds netsim in Release, writes
# the benchmark topologies with gen_topology, runs each with the trace off and
# prints one table row per run. Wall time and peak memory come from
# /usr/bin/time (apt-get install time); load/run split and events from
# `netsim --stats`. Usage: bench/run.sh [quick|full|scale]   (default quick);
# scale: campus of 10,000, 100,000 and 1,000,000 hosts only (the largest file
# is 337 MB and takes 2.2 GiB of memory, so --max-memory 4G).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-quick}
build=build-bench # not build/bench: that is the main build's bench/ subdirectory
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target netsim gen_topology bench_engine >/dev/null
gen=$build/bench/gen_topology
netsim=$build/netsim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" # an empty PATH directory for netsim: no Graphviz
command -v /usr/bin/time >/dev/null || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

extra=() # more netsim options for every row
row() { # row SCENARIO SIZE HOSTS TRACE GEN-ARGS...
    local scenario=$1 size=$2 hosts=$3 trace=$4
    shift 4
    "$gen" "$@" >"$work/t.json"
    local budget=() # a full trace is measured whole, not cut at --max-output's 1 GiB
    [ "$trace" = full ] && budget=(--max-output 0)
    # Graphviz off PATH: /usr/bin/time reports the largest of netsim and its
    # children, and dot drawing a diagram can be larger than netsim itself.
    PATH="$work/bin" /usr/bin/time -f '%e %M' -o "$work/time" \
        "$netsim" run "$work/t.json" --quiet --trace "$trace" --stats --out "$work/out" "${extra[@]}" "${budget[@]}" \
        2>"$work/stats" || true
    # the last line: time writes "Command exited with non-zero status N" first
    read -r wall rss_kb < <(tail -n 1 "$work/time")
    local stats
    stats=$(grep 'stats:' "$work/stats")
    local load build_s run events rate frames
    load=$(sed 's/.*load \([0-9.]*\) s.*/\1/' <<<"$stats")
    build_s=$(sed 's/.*build \([0-9.]*\) s.*/\1/' <<<"$stats")
    run=$(sed 's/.*run \([0-9.]*\) s.*/\1/' <<<"$stats")
    events=$(sed 's/.*; \([0-9]*\) events.*/\1/' <<<"$stats")
    rate=$(sed 's/.*(\([0-9.]*\) M events\/s).*/\1/' <<<"$stats")
    frames=$(sed 's/.*, \([0-9]*\) frames delivered.*/\1/' <<<"$stats")
    printf '| %-7s | %-13s | %-5s | %11s | %11s | %8s | %7s | %7s | %7s | %7s | %8.1f | %9.0f |\n' \
        "$scenario" "$size" "$trace" "$frames" "$events" "$rate" "$load" "$build_s" "$run" "$wall" \
        "$(bc -l <<<"$rss_kb / 1024")" "$(bc -l <<<"$rss_kb * 1024 / $hosts")"
}

if [ "$mode" = scale ]; then
    extra=(--max-memory 4G)
    echo "| scenario | size | trace | frames delivered | events | M events/s | load s | build s | run s | wall s | peak RSS MiB | bytes/host |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
    row campus "100x100" 10000 none campus 100 100
    row campus "1000x100" 100000 none campus 1000 100
    row campus "10000x100" 1000000 none campus 10000 100
    exit 0
fi
echo "| scenario | size | trace | frames delivered | events | M events/s | load s | build s | run s | wall s | peak RSS MiB | bytes/host |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
row lan "N=1000" 1000 none lan 1000
row lan "N=2000" 2000 none lan 2000
row lan "N=1000" 1000 full lan 1000
row chain "R=100,K=1000" 2 none chain 100 1000
row chain "R=250,K=10000" 2 none chain 250 10000
row campus "100x50" 5000 none campus 100 50
row campus "200x100" 20000 none campus 200 100
row campus "20x50" 1000 none campus 20 50
row campus "100x100" 10000 none campus 100 100
row campus "1000x100" 100000 none campus 1000 100
if [ "$mode" = full ]; then
    row lan "N=5000" 5000 none lan 5000
    row campus "100x50" 5000 full campus 100 50
fi
"$build/bench/bench_engine" | sed 's/^/engine: /'
