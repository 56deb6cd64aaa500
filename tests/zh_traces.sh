#!/usr/bin/env bash
# Chinese traces of every lecture topology (issue 17): a step explained in
# English is an explanation the catalogue misses. (Seven of them are also
# diffed whole against tests/scenarios/zh/, by scenario_zh.*.) Usage:
#   zh_traces.sh NETSIM OUTDIR [TOPOLOGY.json...]   (default: topologies/*.json)
# writes OUTDIR/<name>.trace for each topology, run with --lang zh, and lists
# the steps whose explanation "(why)" has no Chinese in it: an English text
# the catalogue misses. Exit status 1 when there is one.
set -uo pipefail
netsim=$1 out=$2
shift 2
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$here"/topologies/*.json
mkdir -p "$out"
for topology in "$@"; do
    name=$(basename "$topology" .json)
    PATH=/nonexistent "$netsim" run "$topology" --lang zh --quiet --out "$work/$name" \
        2>"$work/$name.err"
    status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        cat "$work/$name.err" >&2
        fail "$name: netsim exited with $status"
        continue
    fi
    cp "$work/$name/trace.txt" "$out/$name.trace"
    # A step line ending in "(why)" (the run's own "(start)" labels and the
    # programs' "| lines" aside) whose why has no CJK character.
    if LC_ALL=C.UTF-8 grep -nP '^[0-9.]+  (?!\* run)(?!\S+ +\| ).*\((?![^()]*\p{Han})[^()]*\)(  [^()]*)?$' \
        "$out/$name.trace" >"$work/$name.english"; then
        sed "s|^|$name.trace:|" "$work/$name.english" >&2
        fail "$name: $(wc -l <"$work/$name.english") step(s) explained in English (above)"
    fi
done
finish zh_traces "Chinese traces in $out"
