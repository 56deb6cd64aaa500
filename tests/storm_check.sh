#!/usr/bin/env bash
# Storm detection: no false positive on a loop-free chain of switches of any
# length, while rings (short and long) are still stopped with the storm report.
# Topologies are generated here. Usage: storm_check.sh NETSIM
set -uo pipefail
netsim=$1
. "$(dirname "$0")/lib.sh"

# gen chain|ring N: hosts A and B, switches s1..sN in a row (a ring closes
# sN back to s1; B then hangs off s2), A pings B once.
gen() {
    local kind=$1 n=$2 i
    printf '{"name": "%s-%d",\n "devices": {\n' "$kind" "$n"
    printf '  "A": {"type": "host", "ip": "10.0.0.1/24"},\n  "B": {"type": "host", "ip": "10.0.0.2/24"}'
    for ((i = 1; i <= n; i++)); do printf ',\n  "s%d": {"type": "switch"}' "$i"; done
    printf '\n },\n "links": [["A", "s1"]'
    for ((i = 1; i < n; i++)); do printf ', ["s%d", "s%d"]' "$i" $((i + 1)); done
    if [ "$kind" = ring ]; then
        printf ', ["s%d", "s1"], ["B", "s2"]' "$n"
    else
        printf ', ["s%d", "B"]' "$n"
    fi
    printf '],\n "script": [{"at": "0s", "on": "A", "do": "ping", "to": "10.0.0.2", "count": 1}]\n}\n'
}

# expect NAME STATUS "LAST STDERR LINE" (empty: no stderr); stdout is the
# summary trace (application output and the run's end).
expect() {
    local name=$1 status=$2 message=$3 got line
    "$netsim" run "$work/$name.json" --trace summary --out "$work/$name.d" >"$work/$name.out" \
        2>"$work/$name.err"
    got=$?
    line=$(tail -n 1 "$work/$name.err")
    if [ "$got" -ne "$status" ] || [ "$line" != "$message" ]; then
        fail "$name: expected status $status and \"$message\","
        echo "      got status $got and \"$line\"" >&2
    fi
}

gen chain 1000 >"$work/chain-1000.json"
gen ring 3 >"$work/ring-3.json"
gen ring 1000 >"$work/ring-1000.json"

expect chain-1000 0 ''
if ! grep -q '1 packets transmitted, 1 received' "$work/chain-1000.out"; then
    fail "chain-1000: the ping across 1,000 switches did not come back:"
    cat "$work/chain-1000.out" >&2
fi
expect ring-3 3 'netsim: run ended at 0.000084920 s after 46 events, 42 frames delivered: broadcast storm suspected: 16 frames came back to a switch they had already crossed (packet #2 last went through s2, s1, s3); the switches form a loop'
expect ring-1000 3 'netsim: run ended at 0.007781760 s after 2035 events, 2033 frames delivered: broadcast storm suspected: 16 frames came back to a switch they had already crossed (packet #2 last went through s1, s1000, s999, s998, s997, s996, s995, s994); the switches form a loop'

finish storm_check "storm detection"
