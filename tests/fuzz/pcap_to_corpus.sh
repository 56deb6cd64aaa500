#!/usr/bin/env bash
# pcap_to_corpus.sh NETSIM FRAME_SEEDS TOPOLOGY_DIR OUT_DIR
# pcap_to_corpus.sh NETSIM FRAME_SEEDS TOPOLOGY_DIR --replay REPLAY [DIR...]
#
# The seed corpus of fuzz_frame, made at run time instead of checked in: runs
# `NETSIM run` on every TOPOLOGY_DIR/*.json and has FRAME_SEEDS (frame_seeds.c)
# split every capture into one file per distinct frame, next to its synthetic
# seeds (TCP, DHCP, DNS, IPv4 options, ICMP errors, 802.3).
#
# First form: writes the corpus into OUT_DIR (created, emptied first).
# Second form (the ctest test fuzz.replay.frame): writes it into a temporary
# directory and runs `REPLAY TMP DIR...` (replay.c linked with fuzz_frame.c),
# passing iff REPLAY exits 0.
set -u

if [ $# -lt 4 ]; then
    echo "usage: $0 NETSIM FRAME_SEEDS TOPOLOGY_DIR OUT_DIR" >&2
    echo "       $0 NETSIM FRAME_SEEDS TOPOLOGY_DIR --replay REPLAY [DIR...]" >&2
    exit 2
fi
netsim=$1
seeds=$2
topologies=$3
shift 3

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

replay=
if [ "$1" = "--replay" ]; then
    if [ $# -lt 2 ]; then
        echo "pcap_to_corpus: --replay needs the replay program" >&2
        exit 2
    fi
    replay=$2
    shift 2
    out=$tmp/corpus
else
    out=$1
    shift
    rm -rf "$out"
fi
mkdir -p "$out" || exit 2

# Status 3 (stopped early: the switch-loop storm) still leaves its captures.
for topology in "$topologies"/*.json; do
    name=$(basename "$topology" .json)
    "$netsim" run "$topology" --out "$tmp/runs/$name" --quiet > /dev/null 2> "$tmp/stderr"
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        echo "pcap_to_corpus: netsim run $topology: exit status $status" >&2
        cat "$tmp/stderr" >&2
        exit 1
    fi
done
captures=("$tmp"/runs/*/pcap/*.pcap)
if [ ! -e "${captures[0]}" ]; then
    echo "pcap_to_corpus: no captures under $tmp/runs" >&2
    exit 1
fi
"$seeds" "$out" "${captures[@]}" || exit 1
echo "pcap_to_corpus: $(find "$out" -type f | wc -l) frames from ${#captures[@]} captures and the synthetic seeds"

if [ -n "$replay" ]; then
    "$replay" "$out" "$@"
    exit $?
fi
