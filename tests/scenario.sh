#!/usr/bin/env bash
# Scenario test: run a topology and diff the whole human trace against the
# checked-in expected trace; run it again and require byte-identical outputs
# (determinism). Usage: scenario.sh NETSIM TOPOLOGY.json EXPECTED.trace [OPTION...]
# (OPTIONs go to netsim run: tests/scenarios/zh/ are run with --lang zh).
# To refresh an expected trace after a deliberate change (read the diff first):
#   netsim run topologies/X.json --quiet --out /tmp/x && cp /tmp/x/trace.txt tests/scenarios/X.trace
#   netsim run topologies/X.json --lang zh --quiet --out /tmp/x &&
#       cp /tmp/x/trace.txt tests/scenarios/zh/X.trace
# Graphviz is kept out of netsim's PATH here: the .dot files are still written
# and compared, but drawing them (nearly all of a scenario's time: 20 s against
# 0.1 s for tcp-loss) is diagrams.graphviz's job, done once per topology.
set -euo pipefail
netsim=$1 topology=$2 expected=$3
shift 3
. "$(dirname "$0")/lib.sh"

status=0
PATH=/nonexistent "$netsim" run "$topology" "$@" --quiet --out "$work/a" 2>"$work/stderr" || status=$?
# 3 is a run stopped on purpose (a storm scenario); anything else is a failure.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
    cat "$work/stderr" >&2
    fail "netsim exited with $status"
    finish scenario # no trace to compare: stop here
fi
if ! diff -u "$expected" "$work/a/trace.txt"; then
    fail "trace of $topology differs from $expected"
fi
PATH=/nonexistent "$netsim" run "$topology" "$@" --quiet --out "$work/b" 2>/dev/null || true
if ! diff -r "$work/a" "$work/b" >/dev/null; then
    fail "two runs of $topology with the same seed differ:"
    diff -r "$work/a" "$work/b" >&2 || true
fi
finish scenario "$topology"
