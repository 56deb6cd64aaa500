#!/usr/bin/env bash
# Scenario test: run a topology and diff the whole human trace against the
# checked-in expected trace; run it again and require byte-identical outputs
# (determinism). Usage: scenario.sh NETSIM TOPOLOGY.json EXPECTED.trace
# To refresh an expected trace after a deliberate change:
#   netsim run topologies/X.json --quiet --out /tmp/x && cp /tmp/x/trace.txt tests/scenarios/X.trace
set -euo pipefail
netsim=$1 topology=$2 expected=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$netsim" run "$topology" --quiet --out "$work/a"
if ! diff -u "$expected" "$work/a/trace.txt"; then
    echo "FAIL: trace of $topology differs from $expected" >&2
    exit 1
fi
"$netsim" run "$topology" --quiet --out "$work/b"
if ! diff -r "$work/a" "$work/b" >/dev/null; then
    echo "FAIL: two runs of $topology with the same seed differ:" >&2
    diff -r "$work/a" "$work/b" >&2 || true
    exit 1
fi
echo "ok: $topology"
