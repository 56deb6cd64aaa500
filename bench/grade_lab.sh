#!/usr/bin/env bash
# Grading a class: makes 200 student copies of labs/two-routers (the solution
# and the three wrong answers, 50 of each, under varied student-number file
# names and topology names), then times one `netsim test` of all 200 against
# the lab's expect.json: wall time, median of 3 runs. Issue 15's target: under
# 10 s on the 2-core CI machine.
# Usage: bench/grade_lab.sh [NETSIM]   (default: a Release build in build-bench/)
set -euo pipefail
cd "$(dirname "$0")/.."
lab=labs/two-routers
if [ $# -ge 1 ]; then
    netsim=$1
else
    build=build-bench # as bench/run.sh: not the main build's bench/ subdirectory
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j 2 --target netsim >/dev/null
    netsim=$build/netsim
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/submissions"

# 200 copies: student numbers 2026001..2026200, each file's "name" its own,
# the four answers in turn (so a quarter pass).
answers=(solution wrong-gateway missing-return-route wrong-prefix)
for i in $(seq 1 200); do
    id=$((2026000 + i))
    answer=${answers[$((i % 4))]}
    sed "s/\"name\": \"two-routers\"/\"name\": \"two-routers-$id\"/" "$lab/$answer.json" \
        >"$work/submissions/$id.json"
done

times=()
for run in 1 2 3; do
    start=$(date +%s.%N)
    status=0
    "$netsim" test "$work"/submissions/*.json --expect "$lab/expect.json" \
        --csv "$work/grades.csv" --junit "$work/grades.xml" >"$work/out.txt" || status=$?
    end=$(date +%s.%N)
    if [ "$status" -ne 1 ]; then # 150 of the 200 fail on purpose
        echo "grade_lab: netsim test exited with $status, expected 1" >&2
        tail -5 "$work/out.txt" >&2
        exit 1
    fi
    times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)
summary=$(tail -1 "$work/out.txt")
printf '200 files (%s): runs %s s, median %s s\n' "$summary" "${times[*]}" "$median"
