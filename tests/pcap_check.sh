#!/usr/bin/env bash
# Capture test: run every topology in topologies/ and check with tshark, a
# decoder nobody here wrote, that every captured frame decodes without a
# malformed-packet or bad-checksum expert note (IP, ICMP, UDP and TCP checksum
# validation on), and that each link's capture holds exactly as many frames as
# the trace says crossed that link. Usage: pcap_check.sh NETSIM TOPOLOGY_DIR
set -euo pipefail
netsim=$1 topologies=$2
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install tshark)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work # tshark wants a writable profile directory
failures=0 checked=0

for topology in "$topologies"/*.json; do
    name=$(basename "$topology" .json)
    out="$work/$name"
    status=0
    # No Graphviz on its PATH: pictures are not what this test checks, and they cost most of the time.
    PATH=/nonexistent "$netsim" run "$topology" --quiet --out "$out" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        echo "FAIL: $name: netsim exited with $status" >&2
        failures=$((failures + 1))
        continue
    fi
    # Frames per link according to the trace (wire events name their link).
    grep '"kind":"wire"' "$out/trace.jsonl" | sed 's/.*"link":"\([^"]*\)".*/\1/' | sort | uniq -c \
        >"$work/$name.expected" || true
    : >"$work/$name.actual"
    for pcap in "$out"/pcap/*.pcap; do
        link=$(basename "$pcap" .pcap)
        frames=$(tshark -r "$pcap" -T fields -e frame.number 2>/dev/null | wc -l)
        [ "$frames" -gt 0 ] && printf '%7d %s\n' "$frames" "$link" >>"$work/$name.actual"
        bad=$(tshark -r "$pcap" \
            -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
            -Y '_ws.malformed || _ws.expert.group == 0x01000000 || _ws.expert.group == 0x07000000' \
            -T fields -e frame.number -e _ws.expert.message 2>"$work/tshark.err") || {
            echo "FAIL: $name: $link: tshark could not read the capture:" >&2
            cat "$work/tshark.err" >&2
            failures=$((failures + 1))
        }
        if [ -n "$bad" ]; then
            echo "FAIL: $name: $link: tshark reports:" >&2
            echo "$bad" | head -5 >&2
            failures=$((failures + 1))
        fi
        checked=$((checked + frames))
    done
    sort -k2 "$work/$name.actual" -o "$work/$name.actual"
    sort -k2 "$work/$name.expected" -o "$work/$name.expected"
    if ! diff -u "$work/$name.expected" "$work/$name.actual" >&2; then
        echo "FAIL: $name: frames per link differ between trace.jsonl and the captures" >&2
        failures=$((failures + 1))
    fi
done
echo "$checked frames decoded by tshark"
[ "$failures" -eq 0 ] || { echo "$failures failures" >&2; exit 1; }
