#!/usr/bin/env bash
# CLI test: exit statuses and exact messages of the command line, and that
# --help names every option docs/cli.md documents. Usage: cli_check.sh NETSIM REPO_ROOT
set -uo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2

# expect STATUS "FIRST STDERR LINE" ARGS...
expect() {
    local status=$1 message=$2
    shift 2
    "$netsim" "$@" >"$work/out" 2>"$work/err"
    local got=$?
    local line
    line=$(head -n 1 "$work/err")
    if [ "$got" -ne "$status" ] || [ "$line" != "$message" ]; then
        fail "netsim $*: expected status $status and \"$message\","
        echo "      got status $got and \"$line\"" >&2
    fi
}

expect 2 'netsim: no command given'
expect 2 'netsim: unknown command "fly"' fly
expect 2 'netsim: run needs a topology FILE' run
expect 2 'netsim: unknown option "--colour"' run topologies/switch.json --colour
expect 2 'netsim: --seed needs a non-negative integer, got "-1"' run topologies/switch.json --seed -1
expect 2 'netsim: --until needs a duration such as 500ms or 2s, got "5"' run topologies/switch.json --until 5
expect 2 'netsim: --format needs text or jsonl, got "xml"' run topologies/switch.json --format xml
expect 2 'netsim: --trace needs full, summary or none, got "all"' run topologies/switch.json --trace all
expect 2 'netsim: --out needs a directory' run topologies/switch.json --out
expect 2 'netsim: check needs exactly one topology FILE' check
expect 4 'netsim: tests/missing.json: cannot read: No such file or directory' check tests/missing.json
expect 0 '' --version
expect 0 '' check topologies/switch.json
expect 3 "netsim: run ended at 0.000015440 s after 4 events, 3 frames delivered: stopped: the --max-events limit was reached (a runaway topology?)" \
    run topologies/switch.json --quiet --max-events 4 --out "$work/limit"
expect 0 '' run topologies/switch.json --quiet --until 500ms --out "$work/until"
if ! grep -q 'the --until time was reached' "$work/until/trace.txt"; then
    fail "--until 500ms did not end the run at 500 ms"
fi

expect 2 'netsim: --packet needs a packet number such as 3, got "0"' run topologies/switch.json --packet 0
expect 2 'netsim: --packet 999: no such packet crossed a link in this run' \
    run topologies/switch.json --packet 999 --out "$work/packet"
"$netsim" run topologies/two-subnets.json --packet 1 --out "$work/p1" >"$work/p1.out"
if ! grep -q 'MAC rewritten by r1, IP unchanged, TTL 64 -> 63' "$work/p1.out" || grep -q ' send ' "$work/p1.out"; then
    fail "--packet 1 should print only the hop table of packet 1"
fi
expect 2 'netsim: bad IPv4 address "10.0.0.256": expected four numbers 0-255 separated by dots (no leading zeros), e.g. 192.168.1.10' ip 10.0.0.256

expect 2 'netsim: --filter "proto=xml": "xml" is not a protocol; expected arp, icmp, udp, tcp, dhcp or dns' \
    run topologies/switch.json --filter proto=xml
"$netsim" run topologies/two-subnets.json --quiet --filter proto=arp --filter device=r1 --out "$work/filtered"
if grep -v ' \* run' "$work/filtered/trace.txt" | sed '/^$/,$d' | grep -v -e '^[0-9.]*  r1' | grep -q .; then
    fail "--filter device=r1 left lines of other devices in trace.txt"
fi
if grep '^[0-9.]*  r1' "$work/filtered/trace.txt" | grep -q 'ICMP'; then
    fail "--filter proto=arp left ICMP lines in trace.txt"
fi

"$netsim" run topologies/two-subnets.json --quiet --filter proto=icmp --out "$work/fdiag"
if grep -q 'ARP' "$work/fdiag/ladder.dot" || ! grep -q 'ICMP' "$work/fdiag/ladder.dot"; then
    fail "--filter proto=icmp should leave only ICMP frames in ladder.dot"
fi

# A failed load writes nothing.
expect 1 'netsim: tests/errors/hub-loop.json: links[2]: "hub2.p2--hub1.p3" closes a loop of hubs (hub2 and hub1 are already connected): a hub repeats every frame out of every other port, so every frame would circle the loop forever (a broadcast storm); expected hubs wired as a tree' \
    run tests/errors/hub-loop.json --out "$work/nothing"
if [ -e "$work/nothing" ]; then
    fail "a topology that failed to load left $work/nothing behind"
fi

# --filter names a device the topology lacks: refused before anything is written.
expect 1 'netsim: --filter device=printer: topologies/two-subnets.json has no device printer; expected one of its devices, e.g. "A"' \
    run topologies/two-subnets.json --filter device=printer --out "$work/no-printer"
[ -e "$work/no-printer" ] && fail "--filter device=printer: the refused run wrote $work/no-printer"

# Counts of one are singular: a full one-port switch, a one-link run.
printf '%s' '{"devices": {"A": {"type": "host", "ip": "10.0.0.1/24"}, "B": {"type": "host", "ip": "10.0.0.2/24"}, "sw": {"type": "switch", "ports": 1}}, "links": [["A", "sw"], ["B", "sw"]]}' >"$work/one-port.json"
expect 1 "netsim: $work/one-port.json:1:170: links[1][1]: \"sw\" has no free port: the 1 port of sw is connected; expected at most 1 link to it, or \"ports\": 2" \
    check "$work/one-port.json"
printf '%s' '{"devices": {"A": {"type": "host", "ip": "10.0.0.1/24"}, "sw": {"type": "switch"}}, "links": [["A", "sw"]]}' >"$work/one-link.json"
"$netsim" run "$work/one-link.json" --quiet --out "$work/one-link"
head -n 1 "$work/one-link/trace.txt" | grep -q ': 2 devices, 1 link, seed 1 (start)$' ||
    fail "the start line of a one-link run: $(head -n 1 "$work/one-link/trace.txt")"

# --help documents every option and exit status of docs/cli.md.
"$netsim" --help >"$work/help"
for word in --out --seed --until --max-events --format --trace --packet --quiet check run ip --version; do
    grep -q -- "$word" "$work/help" || fail "--help does not mention $word"
done
for status in 0 1 2 3 4; do
    grep -q "^  $status  " "$work/help" || fail "--help does not explain exit status $status"
done
# --help or -h after a command (even after other arguments) is the same help, exit 0.
for args in "run --help" "run topologies/switch.json -h" "check --help" "ip -h" "help"; do
    # shellcheck disable=SC2086 # the words are separate arguments
    if ! "$netsim" $args >"$work/help2" 2>&1 || ! cmp -s "$work/help" "$work/help2"; then
        fail "netsim $args does not print --help's text with exit 0"
    fi
done

finish cli_check "all checks passed"
