#!/usr/bin/env bash
# safety_check.sh NETSIM REPO_ROOT [sanitized]
#
# The output directory and the resource bounds (docs/cli.md, "The output
# directory" and "Bounds"): netsim never deletes or overwrites a file it did not
# make, never writes through a link, leaves the previous run or a labelled
# partial one after a signal, stops at once on a write error, and every bound
# ends the run with a message naming it. With "sanitized" as third argument the
# run-time memory limit is not tested (AddressSanitizer needs the address space).
set -u
netsim=$1
root=$(cd "$2" && pwd) || exit 2
sanitized=${3:-}
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
topo=$root/topologies

# expect STATUS "MESSAGE" CMD...: exit status and first line of stderr, exactly.
expect() {
    local want_status=$1 want_msg=$2
    shift 2
    "$@" > out.log 2> err.log
    local status=$?
    local first
    first=$(head -n 1 err.log)
    [ "$status" -eq "$want_status" ] || fail "$*: exit $status, expected $want_status ($first)"
    [ -z "$want_msg" ] || [ "$first" = "$want_msg" ] ||
        fail "$*: said \"$first\", expected \"$want_msg\""
}

# A fingerprint of a tree: every path, type, link target and content.
fingerprint() {
    (cd "$1" && find . -printf '%p %y %l\n' | LC_ALL=C sort && find . -type f -print0 |
        LC_ALL=C sort -z | xargs -0 -r sha256sum)
}

no_staging_left() {
    local left
    left=$(find . -maxdepth 2 -name '.*.netsim-*' | head -n 1)
    [ -z "$left" ] || fail "$1: a staging directory was left behind: $left"
}

# A ping that runs for a long time and writes a lot.
cat > flood.json <<'EOF'
{"name": "flood",
 "devices": {"A": {"type": "host", "ip": "10.0.0.1/24"}, "B": {"type": "host", "ip": "10.0.0.2/24"}},
 "links": [["A", "B"]],
 "script": [{"at": "0s", "on": "A", "do": "ping", "to": "10.0.0.2", "count": 1000000, "interval": "2us"}]}
EOF

# 1. A directory of the user's is refused, untouched.
mkdir photos && echo cat > photos/cat.jpg && echo dog > photos/dog.jpg && echo x > photos/trace.txt
before=$(fingerprint photos)
expect 4 "netsim: photos: not empty and not written by netsim (it holds cat.jpg, dog.jpg, trace.txt); netsim writes only into a new directory or one of its own runs: choose another --out, or add --force to write into it anyway (files netsim did not make are never deleted)" \
    "$netsim" run "$topo/switch.json" --quiet --out photos
[ "$(fingerprint photos)" = "$before" ] || fail "a refused directory was changed"

# 2. --force writes into it: the user's other files stay, nothing is deleted.
expect 0 "" "$netsim" run "$topo/switch.json" --quiet --out photos --force
[ "$(cat photos/cat.jpg)" = cat ] && [ "$(cat photos/dog.jpg)" = dog ] ||
    fail "--force lost a user's file"
grep -q "ARP who-has" photos/trace.txt || fail "--force did not write the run"
[ -f photos/.netsim-manifest ] || fail "--force wrote no manifest"
grep -q "cat.jpg" photos/.netsim-manifest && fail "the manifest claims a user's file"
no_staging_left "--force"

# 3. A rerun over netsim's own run: a file the user added stays; files of the
#    previous run that this one does not write are removed (the manifest's only).
"$netsim" run "$topo/switch.json" --quiet --out run --steps || fail "first run"
[ -f run/steps/index.html ] || fail "--steps wrote no steps/index.html"
echo "my notes" > run/notes.txt
expect 0 "" "$netsim" run "$topo/switch.json" --quiet --out run
[ "$(cat run/notes.txt)" = "my notes" ] || fail "a rerun lost the user's notes.txt"
[ -e run/steps ] && fail "a rerun kept the previous run's steps/"
grep -q "^status complete$" run/.netsim-manifest || fail "manifest status is not complete"
no_staging_left "rerun"

# 4. Links inside DIR are never followed, and the folders they point to keep
#    every file.
mkdir victim && echo precious > victim/a.pcap && echo keep > victim/state.txt
victim_before=$(fingerprint victim)
"$netsim" run "$topo/switch.json" --quiet --out linked || fail "run for links"
rm -r linked/pcap && ln -s ../victim linked/pcap
expect 4 "netsim: linked/pcap is a symbolic link, not netsim's: netsim never writes through or replaces it; remove it or choose another --out" \
    "$netsim" run "$topo/switch.json" --quiet --out linked
rm linked/pcap linked/state.txt && ln -s ../victim/state.txt linked/state.txt
expect 4 "netsim: linked/state.txt is a symbolic link, not netsim's: netsim never writes through or replaces it; remove it or choose another --out" \
    "$netsim" run "$topo/switch.json" --quiet --out linked
rm linked/state.txt && ln -s ../../victim linked/paths/evil
expect 0 "" "$netsim" run "$topo/switch.json" --quiet --out linked
[ -L linked/paths/evil ] || fail "a link of the user's inside paths/ was removed"
[ "$(fingerprint victim)" = "$victim_before" ] || fail "a link's target was changed"
no_staging_left "links"

# 5. The root, the current and the home directory are refused.
expect 4 "netsim: --out .: refusing to write into the current directory; netsim needs a directory of its own, e.g. --out out/run1" \
    "$netsim" run "$topo/switch.json" --quiet --out .
expect 4 "netsim: --out /: refusing to write into the root directory; netsim needs a directory of its own, e.g. --out out/run1" \
    "$netsim" run "$topo/switch.json" --quiet --out /
mkdir home && expect 4 "netsim: --out $work/home: refusing to write into the home directory; netsim needs a directory of its own, e.g. --out out/run1" \
    env HOME="$work/home" "$netsim" run "$topo/switch.json" --quiet --out "$work/home"

# 6. SIGINT: the run stops, its outputs are labelled partial, exit 130.
"$netsim" run "$topo/switch.json" --quiet --out sig || fail "run before SIGINT"
"$netsim" run flood.json --quiet --out sig 2> sig.err &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
status=$?
[ "$status" -eq 130 ] || fail "SIGINT: exit $status, expected 130"
grep -q "interrupted by SIGINT (Ctrl-C): the outputs are partial (end)$" sig/trace.txt ||
    fail "SIGINT: trace.txt does not end with the interruption"
head -n 1 sig/state.txt | grep -q "PARTIAL RUN, interrupted by SIGINT" ||
    fail "SIGINT: state.txt is not labelled partial"
grep -q "^status interrupted$" sig/.netsim-manifest || fail "SIGINT: manifest status"
grep -q "ARP who-has 192.168.1.20" sig/trace.txt && fail "SIGINT: a mix of the two runs"
no_staging_left "SIGINT"

# 6b. stdout closed early (`| head`, quitting less): the run goes on and is
#     complete; only the rest of stdout is lost. The reader closes the pipe
#     before reading, and the trace (450 KB) is more than a pipe holds, so
#     netsim's writes meet EPIPE whatever the timing.
"$netsim" run "$topo/file-download.json" --out piped 2> piped.err | (exec 0<&-)
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] || fail "stdout closed early: exit $status, expected 0 ($(head -c 300 piped.err))"
grep -q "^status complete$" piped/.netsim-manifest || fail "stdout closed early: manifest status"
cmp -s piped/trace.txt "$root/tests/scenarios/file-download.trace" ||
    fail "stdout closed early: trace.txt is not the whole run"
no_staging_left "stdout closed early"

# 7. SIGKILL: the previous complete run stays exactly as it was.
"$netsim" run "$topo/switch.json" --quiet --out killed || fail "run before SIGKILL"
killed_before=$(fingerprint killed)
"$netsim" run flood.json --quiet --out killed 2> /dev/null &
pid=$!
sleep 1
kill -KILL "$pid"
wait "$pid" 2> /dev/null
[ "$(fingerprint killed)" = "$killed_before" ] || fail "SIGKILL: the previous run was changed"
find . -maxdepth 1 -name '.killed.netsim-*' -exec rm -rf {} +

# 8. A write error stops the run at once with the file and the reason, exit 4,
#    and the previous run stays.
"$netsim" run "$topo/switch.json" --quiet --out full || fail "run before the write error"
full_before=$(fingerprint full)
(
    ulimit -f 64
    trap '' XFSZ
    expect 4 "netsim: full/trace.jsonl: cannot write: File too large" \
        "$netsim" run flood.json --quiet --out full
    exit "$failures"
) || failures=$((failures + 1))
[ "$(fingerprint full)" = "$full_before" ] || fail "a write error changed the previous run"
no_staging_left "write error"

# 9. The output budget: the run stops, labelled partial, within the budget.
expect 3 "" "$netsim" run flood.json --quiet --out budget --max-output 2M
grep -q "stopped: the outputs reached the limit of 2 MiB (--max-output); they are partial$" err.log ||
    fail "--max-output: the message does not name the bound ($(cat err.log))"
size=$(du -sb budget | cut -f1)
[ "$size" -le $((2 * 1024 * 1024 + 65536)) ] || fail "--max-output 2M wrote $size bytes"
tail -n 1 budget/trace.txt | grep -Eq "limit of 2 MiB \(--max-output\)(; they are partial \(end\)|: this run is partial)" ||
    fail "--max-output: trace.txt not labelled"
grep -q "^status stopped$" budget/.netsim-manifest || fail "--max-output: manifest status"

# 9b. No limit (0) is no limit: the same run as with the default budget.
"$netsim" run "$topo/switch.json" --quiet --out unlimited --max-output 0 || fail "--max-output 0"
cmp -s unlimited/trace.txt run/trace.txt || fail "--max-output 0 changed the run"

# 10. A small file asking for too much is refused before anything is made:
#     ports by the reader, at 192 bytes each, as soon as they pass what
#     --max-memory holds; the rest by the memory estimate.
awk 'BEGIN { printf "{\"devices\": {\"A\": {\"type\": \"host\"}";
             for (i = 0; i < 20; i++) printf ", \"sw%d\": {\"type\": \"switch\", \"ports\": 65535}", i;
             print "}}" }' > greedy.json
greedy="netsim: greedy.json:1:459: devices.sw9.ports: 65535 ports bring the topology's switch and hub ports to 655350, more than --max-memory 128 MiB holds at about 192 bytes a port; expected at most 611669 in all or a larger --max-memory"
expect 5 "$greedy" "$netsim" check greedy.json --max-memory 128M
expect 5 "$greedy" "$netsim" run greedy.json --quiet --out greedy --max-memory 128M
[ -e greedy ] && fail "a refused run created its directory"
awk 'BEGIN { print "{\"devices\": {\"A\": {\"type\": \"host\"}, \"sw\": {\"type\": \"switch\", \"ports\": 65535}}}" }' > one-switch.json
expect 5 "netsim: one-switch.json: the run would need about 29 MiB of memory (netsim itself: 16 MiB), more than the limit of 24 MiB; make the topology smaller or raise --max-memory" \
    "$netsim" run one-switch.json --quiet --out greedy --max-memory 24M
[ -e greedy ] && fail "a refused run created its directory"

# 11. At run time, memory beyond --max-memory ends the run with a message and
#     the previous outputs intact.
if [ "$sanitized" != sanitized ]; then
    "$netsim" run "$topo/switch.json" --quiet --out oom || fail "run before out of memory"
    oom_before=$(fingerprint oom)
    expect 5 "netsim: out of memory: an allocation failed (bound: --max-memory 40 MiB); the run was abandoned and the output directory left as it was" \
        "$netsim" run flood.json --quiet --out oom --max-memory 40M --max-output 0
    [ "$(fingerprint oom)" = "$oom_before" ] || fail "out of memory changed the previous run"
    no_staging_left "out of memory"
fi

finish safety_check
