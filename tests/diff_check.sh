#!/usr/bin/env bash
# netsim diff (docs/diff.md): the whole report of a correct two-router network
# against one missing a route (tests/diff/two-routers.expected, also quoted in
# docs/diff.md), a run against itself and an output directory against its own
# topology (exit 0), an invalid topology (the loader's message, exit 1), usage
# (2), a directory without paths.json and a symbolic link inside one (4).
# Usage: diff_check.sh NETSIM REPO_ROOT
set -uo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"
cd "$root"

# status STATUS ARGS...: runs netsim diff ARGS, output in $work/out, $work/err.
status() {
    local want=$1
    shift
    "$netsim" diff "$@" >"$work/out" 2>"$work/err"
    local got=$?
    [ "$got" -eq "$want" ] || fail "netsim diff $*: status $got, expected $want ($(head -n 1 "$work/err"))"
}

good=tests/diff/two-routers.json bad=tests/diff/two-routers-no-route.json
status 1 "$good" "$bad"
diff -u tests/diff/two-routers.expected "$work/out" >&2 || fail "diff $good $bad differs from tests/diff/two-routers.expected"

# docs/diff.md quotes the same report: the block after the marker line.
awk '/^<!-- diff example -->/ { on = 1; next }
     on && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' docs/diff.md >"$work/doc"
diff -u tests/diff/two-routers.expected "$work/doc" >&2 || fail "docs/diff.md's example is not the real report"

# In Chinese (--lang zh): the same report in the notes' words, the same
# status; the packet summaries, reason codes and tables stay as they are.
# Refresh: netsim diff --lang zh tests/diff/two-routers.json \
#     tests/diff/two-routers-no-route.json > tests/diff/two-routers.zh.expected
status 1 "$good" "$bad" --lang zh
diff -u tests/diff/two-routers.zh.expected "$work/out" >&2 ||
    fail "diff --lang zh $good $bad differs from tests/diff/two-routers.zh.expected"

status 0 "$good" "$good" --seed 7
[ "$(wc -l <"$work/out")" -eq 1 ] && grep -q '^no differences: the runs are identical' "$work/out" ||
    fail "a run against itself: expected one line saying identical"

"$netsim" run "$bad" --quiet --no-view --out "$work/run" || fail "netsim run $bad"
status 0 "$work/run" "$bad"
status 0 "$work/run" "$work/run"
status 1 "$work/run" "$good"
# A run recorded in Chinese compares with its topology run in Chinese.
"$netsim" run "$bad" --lang zh --quiet --no-view --out "$work/run-zh" || fail "netsim run --lang zh $bad"
status 0 "$work/run-zh" "$bad" --lang zh

status 1 "$good" tests/errors/arp-spoof-missing-claim.json
[ "$(cat "$work/err")" = "netsim: $(cat tests/errors/arp-spoof-missing-claim.expected)" ] ||
    fail "an invalid topology: expected the loader's message, got $(cat "$work/err")"

status 2 "$good"
status 2 "$good" "$bad" "$bad"
status 2 "$good" "$bad" --seed x
status 2 "$good" "$bad" --colour
mkdir "$work/empty"
status 4 "$good" "$work/empty"
status 4 "$good" "$work/missing.json"
mkdir "$work/linked"
cp "$work/run/state.txt" "$work/linked/"
ln -s "$work/run/paths.json" "$work/linked/paths.json"
status 4 "$good" "$work/linked"
grep -q 'paths.json is a symbolic link' "$work/err" || fail "a symbolic link inside the directory: $(cat "$work/err")"

finish diff_check
