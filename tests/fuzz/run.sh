#!/usr/bin/env bash
# run.sh SECONDS [HARNESS...]
#
# Builds the libFuzzer harnesses with clang in their own build directory
# (build/fuzz, or $NETSIM_FUZZ_BUILD) and runs each for SECONDS seconds on one
# core, one after the other: fuzz_loader, fuzz_frame, fuzz_run (or only the
# HARNESSes named: loader, frame, run). Prints the executions each one reached
# (libFuzzer's "Done N runs" line) and exits 1 if any harness found a crash,
# a leak, a timeout or an out-of-memory, whose input is then in
# build/fuzz/artifacts/<harness>/. See docs/fuzzing.md.
#
# Corpora: fuzz_loader starts from topologies/, tests/errors/ and its saved
# regressions; fuzz_run from topologies/, tests/errors/ (each case is one
# mutation away from a valid topology using the feature it tests) and its
# regressions; fuzz_frame from the frames every lecture topology sends plus
# synthetic seeds (pcap_to_corpus.sh, regenerated on each run) and its
# regressions. Inputs the fuzzer finds interesting are kept in
# build/fuzz/corpus/<harness>/ for the next local run (CI starts afresh).
#
# Environment: NETSIM_FUZZ_BUILD (build directory), NETSIM_FUZZ_JOBS (build
# parallelism, default 2), NETSIM_FUZZ_ARGS (extra libFuzzer flags).
set -u

if [ $# -lt 1 ] || ! [[ $1 =~ ^[0-9]+$ ]] || [ "$1" -lt 1 ]; then
    echo "usage: $0 SECONDS [loader|frame|run]..." >&2
    exit 2
fi
seconds=$1
shift
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(loader frame run)
for h in "${harnesses[@]}"; do
    case "$h" in
    loader | frame | run) ;;
    *)
        echo "run.sh: unknown harness \"$h\"; expected loader, frame or run" >&2
        exit 2
        ;;
    esac
done

root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
build=${NETSIM_FUZZ_BUILD:-$root/build/fuzz}
jobs=${NETSIM_FUZZ_JOBS:-2}
if ! command -v clang > /dev/null; then
    echo "run.sh: clang not found; install it: apt-get install -y clang libclang-rt-14-dev" >&2
    exit 2
fi

echo "run.sh: building in $build"
mkdir -p "$build" || exit 2
if ! CC=clang cmake -S "$root" -B "$build" -DNETSIM_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    > "$build/configure.log" 2>&1; then
    cat "$build/configure.log" >&2
    exit 2
fi
if ! cmake --build "$build" -j "$jobs" --target netsim fuzz_frame_seeds fuzz_loader fuzz_frame fuzz_run \
    > "$build/build.log" 2>&1; then
    tail -n 40 "$build/build.log" >&2
    if grep -q "No rule to make target 'fuzz_loader'\|unknown target" "$build/build.log"; then
        echo "run.sh: no fuzz targets: tests/CMakeLists.txt needs add_subdirectory(fuzz)" >&2
    fi
    exit 2
fi

bin=$build/tests/fuzz
mkdir -p "$build/corpus/loader" "$build/corpus/frame" "$build/corpus/run" "$build/logs"
if ! bash "$root/tests/fuzz/pcap_to_corpus.sh" "$build/netsim" "$bin/fuzz_frame_seeds" \
    "$root/topologies" "$build/seeds/frame"; then
    echo "run.sh: could not make the frame corpus" >&2
    exit 2
fi

status=0
for h in "${harnesses[@]}"; do
    artifacts=$build/artifacts/$h
    rm -rf "$artifacts"
    mkdir -p "$artifacts"
    log=$build/logs/$h.log
    case "$h" in
    loader)
        args=(-max_len=8192 "-dict=$root/tests/fuzz/loader.dict" "$build/corpus/loader"
            "$root/tests/fuzz/regressions/loader" "$root/topologies" "$root/tests/errors")
        ;;
    run)
        args=(-max_len=8192 "-dict=$root/tests/fuzz/loader.dict" "$build/corpus/run"
            "$root/tests/fuzz/regressions/run" "$root/topologies" "$root/tests/errors")
        ;;
    frame)
        args=(-max_len=2048 "$build/corpus/frame" "$root/tests/fuzz/regressions/frame"
            "$build/seeds/frame")
        ;;
    esac
    echo "run.sh: fuzz_$h for $seconds s (log: $log)"
    # stdin is /dev/null: a topology may name files to serve, /dev/stdin included.
    # shellcheck disable=SC2086 # NETSIM_FUZZ_ARGS is a list of flags
    "$bin/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" ${NETSIM_FUZZ_ARGS:-} "${args[@]}" \
        < /dev/null > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*')
    found=$(find "$artifacts" -type f | head -n 5)
    if [ "$rc" -ne 0 ] || [ -n "$found" ] || [ -z "$runs" ]; then
        echo "fuzz_$h: FAILED (exit status $rc)${runs:+ after $runs}"
        grep -E 'fuzz property violated|ERROR: |SUMMARY: |^    #[0-9] ' "$log" | head -n 20
        [ -n "$found" ] && echo "inputs: $found" && echo "replay: $bin/fuzz_$h $found"
        status=1
    else
        echo "fuzz_$h: $runs, no crash, leak or timeout ($last)"
    fi
done
exit $status
