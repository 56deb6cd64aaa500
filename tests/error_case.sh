#!/usr/bin/env bash
# error_case.sh NETSIM ERRORS_DIR CASE
#
# One error test: runs `NETSIM check tests/errors/CASE.json` from the repository
# root (two levels above ERRORS_DIR, so the path in the message is stable) and
# passes iff the exit status is 1 and stderr is exactly "netsim: " followed by
# the one line in ERRORS_DIR/CASE.expected.
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 NETSIM ERRORS_DIR CASE" >&2
    exit 2
fi
netsim=$1
errors_dir=$2
case_name=$3

expected_file="$errors_dir/$case_name.expected"
if [ ! -f "$expected_file" ] || [ ! -f "$errors_dir/$case_name.json" ]; then
    echo "error_case: missing $errors_dir/$case_name.json or .expected" >&2
    exit 2
fi
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac
root=$(cd "$errors_dir/../.." && pwd) || exit 2

. "$(dirname "$0")/lib.sh"

printf 'netsim: %s\n' "$(cat "$expected_file")" > "$work/expected"
(cd "$root" && "$netsim" check "tests/errors/$case_name.json" > "$work/stdout" 2> "$work/stderr")
status=$?

[ "$status" -eq 1 ] || fail "$case_name: exit status $status, expected 1"
if ! cmp -s "$work/expected" "$work/stderr"; then
    fail "$case_name: stderr differs from $expected_file:"
    diff "$work/expected" "$work/stderr" >&2
fi
finish "error_case $case_name"
