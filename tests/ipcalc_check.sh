#!/usr/bin/env bash
# ipcalc_check.sh NETSIM REPO_ROOT
#
# `netsim ip` in Chinese (--lang zh): the output for addresses that show every
# line and role is exactly tests/ipcalc/zh.expected (numbers, addresses and the
# binary layout as in English, the words in the notes' terms), and in every
# output the value and the third column start at the same display column on
# each line (a Chinese character takes two columns). English output is checked
# by tests/unit/test_ipcalc.c.
# Refresh after a deliberate change (read the diff first):
#   bash tests/ipcalc_check.sh build/netsim . --refresh
set -u
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2

cases=("192.168.1.10/24" "10.0.0.1" "10.1.2.3/31" "10.1.2.3/32" "224.0.0.1" "192.168.1.0 255.255.255.0"
    "192.168.1.255/24" "8.8.8.8/16" "169.254.1.1/16" "10.0.0.256" "10.0.0.1 255.0.255.0")
for c in "${cases[@]}"; do
    echo "\$ netsim ip $c --lang zh"
    # shellcheck disable=SC2086 # a case is one or two words
    "$netsim" ip $c --lang zh 2>&1
    echo "(exit $?)"
done >"$work/zh.out"

if [ "${3:-}" = --refresh ]; then
    cp "$work/zh.out" tests/ipcalc/zh.expected
fi
if ! diff -u tests/ipcalc/zh.expected "$work/zh.out"; then
    fail "netsim ip --lang zh differs from tests/ipcalc/zh.expected"
fi

# The columns: each line's label, then its value from one display column,
# then the third column from another (East Asian Wide and Fullwidth: 2).
python3 - "$work/zh.out" >"$work/columns" 2>&1 <<'PY' || fail "$(cat "$work/columns")"
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
starts = set()
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith(("$", "(exit", "netsim:")):
        continue
    # label, blanks, value, blanks, rest: the two blank runs end where columns start
    label_end = line.index(" ")
    value = len(line[:label_end]) + len(line[label_end:]) - len(line[label_end:].lstrip(" "))
    rest = line[value:]
    third = value + rest.index(" ") + len(rest[rest.index(" "):]) - len(rest[rest.index(" "):].lstrip(" "))
    starts.add((width(line[:value]), width(line[:third])))
if len(starts) != 1:
    print("netsim ip --lang zh: the columns start at different display columns: %s"
          % sorted(starts))
    sys.exit(1)
PY

finish ipcalc_check "netsim ip in Chinese"
