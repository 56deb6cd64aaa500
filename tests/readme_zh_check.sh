#!/usr/bin/env bash
# readme_zh_check.sh NETSIM REPO_ROOT
#
# README.zh.md, the Chinese README, against the facts it repeats:
#   - its command block is README.md's first block, command for command (the
#     comments are in Chinese), with `--lang zh` added to the run at the end of
#     the first command;
#   - its scenarios table has one row per topologies/*.json and no other;
#   - README.md links to it and it links back;
#   - the grading command it shows exits 1, and its excerpt of a Chinese
#     report is in tests/labs/two-routers/zh/ (labs_check.sh checks that file).
set -u
netsim=$1 root=$2
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2

# The first ```sh block, without comments and blank lines.
commands() {
    awk '/^```sh/ && !done { on = 1; next } on && /^```/ { exit } on && !/^#/ && NF { print }' "$1"
}
diff -u <(commands README.md | sed '1s|./build/netsim run topologies/switch.json$|& --lang zh|') \
    <(commands README.zh.md) >&2 ||
    fail "README.zh.md's commands are not README.md's (with --lang zh on the run)"
[ "$(commands README.zh.md | head -n 1 | grep -c -- '--lang zh$')" = 1 ] ||
    fail "README.zh.md's first command does not end with --lang zh"

# One row per scenario: "| `NAME.json` | ...".
# shellcheck disable=SC2016 # the backquotes are the table's, not the shell's
diff -u <(cd topologies && printf '%s\n' *.json | LC_ALL=C sort) \
    <(sed -n 's/^| `\([^`]*\.json\)` |.*/\1/p' README.zh.md | LC_ALL=C sort) >&2 ||
    fail "README.zh.md's scenarios table does not have exactly one row per topologies/*.json"

grep -q '(README.zh.md)' README.md || fail "README.md does not link to README.zh.md"
grep -q '(README.md)' README.zh.md || fail "README.zh.md does not link to README.md"

status=0
"$netsim" test --lang zh --expect labs/two-routers/expect.json labs/two-routers/wrong-gateway.json \
    >/dev/null 2>&1 || status=$?
[ "$status" = 1 ] || fail "the grading command README.zh.md shows exited $status, expected 1"

# The excerpt: the block after the line naming missing-return-route's report.
awk '/missing-return-route.json` 的报告/ { want = 1; next }
     want && /^```/ { if (on) exit; on = 1; next }
     on && $0 != "  ..." { print }' README.zh.md >"$work/excerpt"
if ! awk 'NR == FNR { w[++n] = $0; next } i < n && $0 == w[i + 1] { i++ }
          END { if (n == 0 || i < n) { print "missing: " w[i + 1]; exit 1 } }' \
    "$work/excerpt" tests/labs/two-routers/zh/missing-return-route.expected >&2; then
    fail "README.zh.md's report excerpt is not in tests/labs/two-routers/zh/missing-return-route.expected"
fi

finish readme_zh_check "README.zh.md"
