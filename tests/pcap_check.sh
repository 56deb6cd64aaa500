#!/usr/bin/env bash
# Capture test: run every topology in topologies/ and check with tshark, a
# decoder nobody here wrote, that every captured frame decodes without a
# malformed-packet or bad-checksum expert note (IP, ICMP, UDP and TCP checksum
# validation on), and that each link's capture holds exactly as many frames as
# the trace says crossed that link. Usage: pcap_check.sh NETSIM TOPOLOGY_DIR
set -euo pipefail
netsim=$1 topologies=$2
command -v tshark >/dev/null || { echo "tshark is not installed (apt-get install tshark)" >&2; exit 1; }
. "$(dirname "$0")/lib.sh"
export HOME=$work # tshark wants a writable profile directory
checked=0

for topology in "$topologies"/*.json; do
    name=$(basename "$topology" .json)
    out="$work/$name"
    status=0
    # No Graphviz on its PATH: pictures are not what this test checks, and they cost most of the time.
    PATH=/nonexistent "$netsim" run "$topology" --quiet --out "$out" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        fail "$name: netsim exited with $status"
        continue
    fi
    # Frames per link according to the trace (wire events name their link).
    grep '"kind":"wire"' "$out/trace.jsonl" | sed 's/.*"link":"\([^"]*\)".*/\1/' | sort | uniq -c \
        >"$work/$name.expected" || true
    # One tshark per topology (its start-up was most of this test's time): the
    # link captures merged into one pcapng with an interface per capture, in the
    # order given, so frame.interface_id names the link.
    pcaps=("$out"/pcap/*.pcap)
    links=()
    for pcap in "${pcaps[@]}"; do links+=("$(basename "$pcap" .pcap)"); done
    if ! mergecap -I none -F pcapng -w "$work/$name.pcapng" "${pcaps[@]}" 2>"$work/tshark.err" ||
        ! tshark -r "$work/$name.pcapng" \
            -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
            -T fields -e frame.interface_id -e _ws.expert.group -e _ws.malformed \
            -e _ws.expert.message >"$work/$name.fields" 2>"$work/tshark.err"; then
        fail "$name: tshark could not read the captures:"
        cat "$work/tshark.err" >&2
        continue
    fi
    # Frames per link, and every frame tshark calls malformed or whose expert
    # info is in the checksum (0x01000000) or malformed (0x07000000) group.
    bad=$(awk -F'\t' -v names="${links[*]}" -v actual="$work/$name.actual" '
        BEGIN { n = split(names, link, " ") }
        { frames[$1]++; seen[$1] = 1
          k = split($2, group, ",")
          for (i = 1; i <= k; i++)
              if (group[i] == 16777216 || group[i] == 117440512) $3 = $3 "expert group " group[i]
          if ($3 != "") print link[$1 + 1] ": " $3 ": " $4 }
        END { for (id in seen) printf "%7d %s\n", frames[id], link[id + 1] > actual }
    ' "$work/$name.fields")
    touch "$work/$name.actual"
    if [ -n "$bad" ]; then
        fail "$name: tshark reports:"
        echo "$bad" | head -5 >&2
    fi
    checked=$((checked + $(wc -l <"$work/$name.fields")))
    sort -k2 "$work/$name.actual" -o "$work/$name.actual"
    sort -k2 "$work/$name.expected" -o "$work/$name.expected"
    if ! diff -u "$work/$name.expected" "$work/$name.actual" >&2; then
        fail "$name: frames per link differ between trace.jsonl and the captures"
    fi
done
finish pcap_check "$checked frames decoded by tshark"
