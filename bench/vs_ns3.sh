#!/usr/bin/env bash
# netsim against ns-3, side by side in one run (docs/performance.md, "Against
# ns-3"). Builds the ns-3 programs of ../shared/bench-ns3 (copied to
# build-ns3/, built once: `make` there only when a program is missing; needs
# Debian's libns3-dev, apt-get install libns3-dev) and netsim in Release
# (build-bench/), writes each scenario with gen_topology, then runs every row
# REPS times, ns-3 and netsim alternately (so both see the same machine
# noise), each under /usr/bin/time. Prints one row per scenario: the medians
# of wall time and peak RSS of both, and how many times faster and leaner
# netsim is, plus the work done as a cross-check (ns-3's echo replies and
# frames received, netsim's frames delivered).
#
# Usage: bench/vs_ns3.sh [small|issue] [REPS]     (default: issue 3)
#   small: lan 250, chain 25x1000, campus 20x25 (a minute; proves the set-up)
#   issue: lan 1000 and 2000, chain 100x1000 and 250x10000, campus 100x50
#          and 200x100 (issue 16's rows; ns-3 needs minutes for some)
# Environment: NS3_SRC (default ../shared/bench-ns3 beside the repository).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-issue}
reps=${2:-3}
case $mode in small | issue) ;; *)
    echo "usage: bench/vs_ns3.sh [small|issue] [REPS]" >&2
    exit 2
    ;;
esac
command -v /usr/bin/time >/dev/null || { echo "vs_ns3: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
[ -d /usr/include/ns3 ] || [ -d /usr/include/ns3.37 ] ||
    { echo "vs_ns3: ns-3's headers are missing (apt-get install libns3-dev)" >&2; exit 1; }

# ns-3 programs: copy the shared folder once, build what is missing (make
# rebuilds nothing that is up to date).
src=${NS3_SRC:-../shared/bench-ns3}
ns3="build-ns3"
if [ ! -f "$ns3/Makefile" ]; then
    [ -d "$src" ] || { echo "vs_ns3: $src not found (set NS3_SRC)" >&2; exit 1; }
    mkdir -p "$ns3"
    cp -r "$src"/. "$ns3"/
fi
make -s -C "$ns3" lan chain campus >/dev/null

build="build-bench"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j 2 --target netsim gen_topology >/dev/null
gen=$build/bench/gen_topology
netsim=$build/netsim

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# timed KIND CMD...: runs CMD under /usr/bin/time, appends "wall rss_kib" to
# $work/KIND, keeps its output in $work/KIND.out.
timed() {
    local kind=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/$kind.out" 2>&1 ||
        { echo "vs_ns3: failed: $*" >&2; tail -5 "$work/$kind.out" >&2; exit 1; }
    cat "$work/time" >>"$work/$kind"
}

# row LABEL "NS3 ARGS" "GEN ARGS"
row() {
    local label=$1 ns3_args=$2 gen_args=$3
    # shellcheck disable=SC2086
    "$gen" $gen_args >"$work/t.json"
    rm -f "$work/ns3" "$work/netsim"
    for ((i = 0; i < reps; i++)); do
        # shellcheck disable=SC2086
        timed ns3 "$ns3/${ns3_args%% *}" ${ns3_args#* }
        timed netsim "$netsim" run "$work/t.json" --quiet --trace none --stats --out "$work/out"
    done
    local nw nr sw sr
    nw=$(cut -d' ' -f1 "$work/ns3" | median)
    nr=$(cut -d' ' -f2 "$work/ns3" | median)
    sw=$(cut -d' ' -f1 "$work/netsim" | median)
    sr=$(cut -d' ' -f2 "$work/netsim" | median)
    local replies frames delivered
    replies=$(grep -o 'sent=[0-9]* replies=[0-9]*' "$work/ns3.out" | tr ' ' '/' || true)
    frames=$(grep -o 'frames_rx=[0-9]*' "$work/ns3.out" | cut -d= -f2 || true)
    delivered=$(grep -o '[0-9]* frames delivered' "$work/netsim.out" | cut -d' ' -f1 || true)
    # /usr/bin/time gives 0.00 s for runs under 5 ms: count them as 0.01 s.
    printf '| %-17s | %8.2f | %8.2f | %6.1f | %8.1f | %8.1f | %6.1f | %-21s | %9s | %9s |\n' \
        "$label" "$nw" "$sw" "$(awk -v a="$nw" -v b="$sw" 'BEGIN { print a / (b > 0.01 ? b : 0.01) }')" \
        "$(awk -v k="$nr" 'BEGIN { print k / 1024 }')" "$(awk -v k="$sr" 'BEGIN { print k / 1024 }')" \
        "$(awk -v a="$nr" -v b="$sr" 'BEGIN { print a / b }')" "$replies" "$frames" "$delivered"
}

echo "vs_ns3: $mode rows, $reps runs each, ns-3 and netsim alternately; medians; netsim with --trace none"
echo "| scenario | ns-3 wall s | netsim wall s | × faster | ns-3 RSS MiB | netsim RSS MiB | × leaner | ns-3 echoes (sent/replies) | ns-3 frames rx | netsim frames delivered |"
echo "|---|---|---|---|---|---|---|---|---|---|"
if [ "$mode" = small ]; then
    row "lan N=250" "lan --n=250" "lan 250"
    row "chain 25×1000" "chain --r=25 --k=1000" "chain 25 1000"
    row "campus 20×25" "campus --s=20 --h=25" "campus 20 25"
else
    row "lan N=1000" "lan --n=1000" "lan 1000"
    row "lan N=2000" "lan --n=2000" "lan 2000"
    row "chain 100×1000" "chain --r=100 --k=1000" "chain 100 1000"
    row "chain 250×10000" "chain --r=250 --k=10000" "chain 250 10000"
    row "campus 100×50" "campus --s=100 --h=50" "campus 100 50"
    row "campus 200×100" "campus --s=200 --h=100" "campus 200 100"
fi
