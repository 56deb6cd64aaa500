#!/usr/bin/env bash
# Graphviz is bounded (docs/diagrams.md, "Bounds"):
#  - a full mesh of 250 switches (477 KB, generated here) finishes in
#    seconds with exit 0: topology.dot is written, not rendered, and one note
#    says why (it used to keep dot busy for over 15 minutes at 2.8 GB);
#  - a full mesh of 30 switches with two hosts is drawn by sfdp without
#    subnet boxes, and gets no step slides and no path diagram (dot alone
#    took 15 s over its topology, and would have drawn 500 such slides);
#  - a `dot` that never finishes (a fake one, first on PATH) is killed after
#    NETSIM_DOT_TIMEOUT with its process group, its partial picture removed,
#    and the run ends with a note naming the diagram and the bound; the run's
#    total budget (NETSIM_DOT_BUDGET) stops the rest; no process is left;
#  - a `dot` stopped by the memory bound (NETSIM_DOT_MEMORY) is a note too.
# Graphviz must be installed (apt-get install graphviz).
# Usage: diagrams_bounds_check.sh NETSIM REPO_ROOT
set -euo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"
pids=$work/fake-dot.pids
cleanup() {
    # Should a fake dot have survived (the test then fails), end it here.
    if [ -s "$pids" ]; then
        for pid in $(cat "$pids"); do kill -9 "$pid" 2>/dev/null || true; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v dot >/dev/null; then
    echo "FAIL: Graphviz's dot is not installed (apt-get install graphviz)" >&2
    exit 1
fi

# run NAME LIMIT FILE ARGS...: netsim run into $work/NAME, killed after LIMIT
# seconds; sets status and seconds.
run() {
    local name=$1 limit=$2 file=$3
    shift 3
    local t0
    t0=$(date +%s%N)
    status=0
    timeout -k 5 "$limit" "$netsim" run "$file" --quiet --out "$work/$name" "$@" \
        2>"$work/$name.stderr" || status=$?
    seconds=$((($(date +%s%N) - t0) / 1000000000))
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        fail "$name: netsim still ran after $limit s"
    fi
}

# expect_note NAME TEXT: the run's note holds TEXT.
expect_note() {
    grep -qF -- "$2" "$work/$1.stderr" || fail "$1: no note \"$2\": $(cat "$work/$1.stderr")"
}

# mesh N [HOSTS]: a full mesh of N switches (with hosts A and B and a ping).
mesh() {
    awk -v n="$1" -v hosts="${2:-}" 'BEGIN {
        printf "{\"name\": \"mesh%d\", \"devices\": {", n
        for (i = 1; i <= n; i++) printf "%s\"s%d\": {\"type\": \"switch\"}", (i > 1 ? ", " : ""), i
        if (hosts) printf ", \"A\": {\"type\": \"host\", \"ip\": \"10.0.0.1/24\"}, \"B\": {\"type\": \"host\", \"ip\": \"10.0.0.2/24\"}"
        printf "}, \"links\": ["
        c = 0
        if (hosts) { printf "[\"A\", \"s1\"], [\"B\", \"s2\"]"; c = 1 }
        for (i = 1; i <= n; i++)
            for (j = i + 1; j <= n; j++) printf "%s[\"s%d\", \"s%d\"]", (c++ ? ", " : ""), i, j
        printf "]"
        if (hosts) printf ", \"script\": [{\"at\": \"0s\", \"on\": \"A\", \"do\": \"ping\", \"to\": \"10.0.0.2\", \"count\": 1}]"
        print "}"
    }'
}

# --- 1. The 250-switch full mesh: written, not rendered, in seconds. ---
mesh 250 >"$work/mesh250.json"
run mesh250 120 "$work/mesh250.json" --png --steps
[ "$status" -eq 0 ] || fail "mesh250: netsim exited with $status: $(cat "$work/mesh250.stderr")"
[ "$seconds" -le 60 ] || fail "mesh250: took $seconds s"
grep -qx "netsim: note: topology.svg not drawn: the network has 93625 devices, interfaces and links (more than 10000); topology.dot is written; --steps: step slides are drawn for topologies of at most 60 devices (this one has 250)" \
    "$work/mesh250.stderr" || fail "mesh250: not the expected note: $(cat "$work/mesh250.stderr")"
[ -s "$work/mesh250/topology.dot" ] || fail "mesh250: topology.dot is missing"
[ ! -e "$work/mesh250/topology.svg" ] || fail "mesh250: topology.svg was drawn"

# --- 2. A 30-switch full mesh: the light layout, no slides, no path diagram. ---
mesh 30 hosts >"$work/mesh30.json"
run mesh30 120 "$work/mesh30.json" --steps
# Exit 3: the mesh is a loop, and the broadcast storm is stopped on purpose.
[ "$status" -eq 3 ] || fail "mesh30: netsim exited with $status: $(cat "$work/mesh30.stderr")"
[ "$seconds" -le 60 ] || fail "mesh30: took $seconds s"
expect_note mesh30 "topology.svg is drawn by sfdp without subnet boxes: the network has 1343 devices, interfaces and links (more than 1000)"
expect_note mesh30 "--steps: step slides are drawn for topologies of at most 1000 devices, interfaces and links (this one has 1343)"
expect_note mesh30 "1 path diagram not drawn: the devices the packet went through have more than 1000 devices, interfaces and links together"
tail -n 1 "$work/mesh30/topology.svg" 2>/dev/null | grep -q '^</svg>$' ||
    fail "mesh30: topology.svg is missing or incomplete"
grep -q 'layout=sfdp' "$work/mesh30/topology.dot" || fail "mesh30: topology.dot is not the light one"
if find "$work/mesh30/steps" -name '*.svg' | grep -q .; then
    fail "mesh30: step slides were drawn"
fi
[ ! -e "$work/mesh30/paths/2.dot" ] || fail "mesh30: packet 2 (the flooded ARP) has a path diagram"

# --- 3. A dot that never finishes. ---
# The fake dot writes a partial picture, then sleeps (in a child, so that only
# killing its process group ends everything); FAKE_DOT_SLOW says for which
# inputs (a pattern; the others get a small picture at once).
mkdir "$work/bin"
cat >"$work/bin/dot" <<'EOF'
#!/bin/sh
out= in=
while [ $# -gt 0 ]; do
    case $1 in
    -o) out=$2; shift ;;
    *) in=$1 ;;
    esac
    shift
done
case $in in
$FAKE_DOT_SLOW)
    printf '<svg partial' >"$out"
    sleep 1000 &
    echo "$$ $!" >>"$FAKE_DOT_PIDS"
    wait
    ;;
*) printf '<svg/>\n' >"$out" ;;
esac
EOF
chmod +x "$work/bin/dot"

# no_process_left NAME: every fake dot and its sleep are gone (zombies aside).
no_process_left() {
    [ -s "$pids" ] || { fail "$1: the fake dot never ran"; return; }
    sleep 0.5
    for pid in $(cat "$pids"); do
        state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
        case $state in
        '' | Z*) ;;
        *) fail "$1: process $pid ($state) is left: $(ps -o args= -p "$pid")" ;;
        esac
    done
}

# One slow diagram: its note, exactly.
: >"$pids"
PATH=$work/bin:$PATH FAKE_DOT_SLOW='*/topology.dot' FAKE_DOT_PIDS=$pids NETSIM_DOT_TIMEOUT=2 \
    run slow-topology 60 "$root/topologies/two-subnets.json" --png
[ "$status" -eq 0 ] || fail "slow-topology: netsim exited with $status: $(cat "$work/slow-topology.stderr")"
[ "$seconds" -le 20 ] || fail "slow-topology: took $seconds s (the bound is 2 s)"
grep -qx "netsim: note: topology.svg not drawn (nor topology.png): Graphviz took more than 2 s; topology.dot is written" \
    "$work/slow-topology.stderr" || fail "slow-topology: not the expected note: $(cat "$work/slow-topology.stderr")"
[ ! -e "$work/slow-topology/topology.svg" ] || fail "slow-topology: the partial topology.svg is left"
[ ! -e "$work/slow-topology/topology.png" ] ||
    fail "slow-topology: topology.png was drawn after topology.svg timed out"
[ -s "$work/slow-topology/topology.dot" ] || fail "slow-topology: topology.dot is missing"
[ -s "$work/slow-topology/paths/1.svg" ] || fail "slow-topology: paths/1.svg (a fast one) is missing"
no_process_left slow-topology

# Every diagram slow: four time out, the budget stops the rest.
: >"$pids"
PATH=$work/bin:$PATH FAKE_DOT_SLOW='*' FAKE_DOT_PIDS=$pids NETSIM_DOT_TIMEOUT=2 NETSIM_DOT_BUDGET=3 \
    run slow-all 60 "$root/topologies/two-subnets.json"
[ "$status" -eq 0 ] || fail "slow-all: netsim exited with $status: $(cat "$work/slow-all.stderr")"
[ "$seconds" -le 20 ] || fail "slow-all: took $seconds s (the budget is 3 s)"
expect_note slow-all "topology.svg and 3 more pictures not drawn: Graphviz took more than 2 s; their .dot files are written"
expect_note slow-all "more pictures not drawn: Graphviz's time for this run ran out (3 s for all diagrams); their .dot files are written"
if find "$work/slow-all" -name '*.svg' | grep -q .; then
    fail "slow-all: a partial picture is left"
fi
no_process_left slow-all

# --- 4. The memory bound: the real dot, with too little memory to start. ---
NETSIM_DOT_MEMORY=48 run memory 60 "$root/topologies/two-subnets.json"
[ "$status" -eq 0 ] || fail "memory: netsim exited with $status: $(cat "$work/memory.stderr")"
grep -qE "netsim: note: topology.svg (and [0-9]+ more pictures )?not drawn: Graphviz (needed more than 48 MiB of memory|crashed \(signal [0-9]+; its memory bound is 48 MiB\))" \
    "$work/memory.stderr" || fail "memory: not the expected note: $(cat "$work/memory.stderr")"

finish diagrams_bounds_check "Graphviz is bounded: size limits, timeout, budget, memory"
