#!/usr/bin/env bash
# labs_check.sh NETSIM ROOT SCHEMA
#
# The example lab labs/two-routers graded as a lecturer grades it (from ROOT,
# so the paths in the output are stable):
#   - `netsim test ANSWER.json --expect labs/two-routers/expect.json` exits 0
#     for solution.json and 1 for each wrong answer, and its whole output is
#     tests/labs/two-routers/ANSWER.expected (a changed message shows as a diff);
#   - the batch of the four answers, with --junit and --csv, exits 1, and the
#     JUnit file validates with `xmllint --schema SCHEMA` (the JUnit XML schema
#     of Jenkins and Ant);
#   - the report of wrong-prefix.json shown in labs/two-routers/README.md is the
#     real one.
# To refresh an expected output after a deliberate change (read the diff first):
#   netsim test labs/two-routers/X.json --expect labs/two-routers/expect.json \
#       > tests/labs/two-routers/X.expected
set -u

if [ $# -ne 3 ]; then
    echo "usage: $0 NETSIM ROOT SCHEMA" >&2
    exit 2
fi
netsim=$1 root=$2 schema=$3
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac
lab=labs/two-routers
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
cd "$root" || exit 2

fail=0
grade() { # grade ANSWER EXPECTED-STATUS
    local answer=$1 want=$2 status=0
    "$netsim" test "$lab/$answer.json" --expect "$lab/expect.json" >"$work/$answer.out" 2>&1 || status=$?
    if [ "$status" -ne "$want" ]; then
        echo "FAIL: netsim test $lab/$answer.json exited with $status, expected $want" >&2
        fail=1
    fi
    if ! diff -u "tests/labs/two-routers/$answer.expected" "$work/$answer.out"; then
        echo "FAIL: the grading output of $lab/$answer.json differs from tests/labs/two-routers/$answer.expected" >&2
        fail=1
    fi
}
grade solution 0
grade wrong-gateway 1
grade missing-return-route 1
grade wrong-prefix 1

# The batch: the reports of all four, JUnit valid against the schema.
answers="$lab/solution.json $lab/wrong-gateway.json $lab/missing-return-route.json $lab/wrong-prefix.json"
status=0
# shellcheck disable=SC2086 # the four paths hold no spaces
"$netsim" test $answers --expect "$lab/expect.json" --junit "$work/grades.xml" --csv "$work/grades.csv" \
    >"$work/batch.out" 2>&1 || status=$?
if [ "$status" -ne 1 ]; then
    echo "FAIL: netsim test of the four answers exited with $status, expected 1" >&2
    fail=1
fi
if ! xmllint --noout --schema "$schema" "$work/grades.xml" 2>"$work/xmllint.err"; then
    cat "$work/xmllint.err" >&2
    echo "FAIL: the JUnit report is not valid against $schema" >&2
    fail=1
fi
# One CSV row per file and check (the header first), each answer named.
for answer in solution wrong-gateway missing-return-route wrong-prefix; do
    if ! grep -q "^$lab/$answer.json," "$work/grades.csv"; then
        echo "FAIL: grades.csv has no row for $lab/$answer.json" >&2
        fail=1
    fi
done
# (RFC 4180 ends records with CRLF)
if [ "$(head -1 "$work/grades.csv" | tr -d '\r')" != 'file,check,name,result,points,message' ]; then
    echo "FAIL: grades.csv header is '$(head -1 "$work/grades.csv")'" >&2
    fail=1
fi

# The assignment text shows wrong-prefix's report: it must be the real one.
awk '/^\$ netsim test labs\/two-routers\/wrong-prefix.json /{on=1; next} on && /^```/{exit} on' \
    "$lab/README.md" >"$work/readme-example"
if ! diff -u "tests/labs/two-routers/wrong-prefix.expected" "$work/readme-example"; then
    echo "FAIL: $lab/README.md shows another report for wrong-prefix.json than netsim test prints" >&2
    fail=1
fi

[ "$fail" -eq 0 ] && echo "ok: $lab graded as expected"
exit "$fail"
