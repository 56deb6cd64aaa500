#!/usr/bin/env bash
# grading_check.sh NETSIM REPO_ROOT
#
# `netsim test` (docs/grading.md): the text report of a passing, a failing and
# an invalid topology is exactly tests/grading/expected.txt (the batch goes on
# past the invalid one); exit statuses 0, 1, 2 and 4; a checks file given with
# --expect replaces the inline checks (not even read: a broken one is no
# failure) and an unknown device fails its check;
# the JUnit report validates against Jenkins' junit-10.xsd (xmllint) and the
# CSV report is exactly tests/grading/expected.csv; reports are byte-identical
# across runs and never written through a symbolic link.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 NETSIM REPO_ROOT" >&2
    exit 2
fi
netsim=$1
root=$(cd "$2" && pwd) || exit 2
case "$netsim" in
/*) ;;
*) netsim="$PWD/$netsim" ;;
esac
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2

expect_status() { # WANT DESCRIPTION COMMAND...
    local want=$1 what=$2
    shift 2
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    [ "$got" = "$want" ] || fail "$what: exit $got, expected $want ($(head -c 300 "$work/err"))"
}

g=tests/grading
expect_status 0 "a passing topology" "$netsim" test $g/pass.json
[ "$(tail -n 1 "$work/out")" = "6 passed, 0 failed" ] || fail "pass.json: last line $(tail -n 1 "$work/out")"

expect_status 1 "a batch with a failure" "$netsim" test $g/pass.json $g/fail.json $g/invalid.json \
    --junit "$work/report.xml" --csv "$work/report.csv"
diff -u $g/expected.txt "$work/out" || fail "the text report differs from $g/expected.txt"
diff -u $g/expected.csv "$work/report.csv" || fail "the CSV report differs from $g/expected.csv"
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout --schema tests/junit/junit-10.xsd "$work/report.xml" 2>"$work/xmllint" ||
        fail "the JUnit report does not validate: $(cat "$work/xmllint")"
else
    fail "xmllint is missing (Debian package libxml2-utils)"
fi
cp "$work/report.xml" "$work/first.xml"
expect_status 1 "the batch again" "$netsim" test $g/pass.json $g/fail.json $g/invalid.json \
    --junit "$work/report.xml"
cmp -s "$work/first.xml" "$work/report.xml" || fail "two runs wrote different JUnit reports"

# In Chinese: the same status, the report in the notes' words (every check
# kind's default line), the same CSV apart from the name and message columns.
# Refresh: netsim test --lang zh tests/grading/{pass,fail,invalid}.json > tests/grading/expected.zh.txt
expect_status 1 "a batch in Chinese" "$netsim" test --lang zh $g/pass.json $g/fail.json \
    $g/invalid.json --csv "$work/report.zh.csv"
diff -u $g/expected.zh.txt "$work/out" || fail "the Chinese text report differs from $g/expected.zh.txt"
machine_columns() { # CSV: file,check,result,points of every record
    python3 -c 'import csv, sys
for row in csv.reader(open(sys.argv[1], newline="")):
    print(",".join(row[i] for i in (0, 1, 3, 4)))' "$1"
}
diff -u <(machine_columns $g/expected.csv) <(machine_columns "$work/report.zh.csv") ||
    fail "grading in Chinese gives other results than in English (CSV file,check,result,points)"

expect_status 1 "a checks file" "$netsim" test $g/pass.json --expect $g/checks.json
grep -q '^  PASS  A reaches B$' "$work/out" || fail "--expect: the named check did not pass"
grep -q '^        no device sw2 in this topology$' "$work/out" || fail "--expect: no unknown-device failure"
grep -q 'ping' "$work/out" && grep -q 'A pings B' "$work/out" && fail "--expect: inline checks were evaluated"

# With --expect, the student's own "expect" is not read: a mistake in it (a
# check naming a device that does not exist) does not fail a working network.
python3 - "$g/pass.json" "$work" <<'PY'
import json, sys
topology = json.load(open(sys.argv[1]))
json.dump({"expect": topology["expect"]}, open(sys.argv[2] + "/own-checks.json", "w"))
topology["expect"].append({"check": "ping", "on": "A", "to": "Z", "replies": 1})
json.dump(topology, open(sys.argv[2] + "/student.json", "w"))
PY
expect_status 1 "a student's own broken check, no --expect" "$netsim" test "$work/student.json"
grep -q '^  FAIL  loads$' "$work/out" || fail "a broken inline check did not fail the load"
expect_status 0 "a student's own broken check, --expect" "$netsim" test "$work/student.json" \
    --expect "$work/own-checks.json"
[ "$(tail -n 1 "$work/out")" = "6 passed, 0 failed" ] ||
    fail "--expect: the student's own broken check counted: $(cat "$work/out")"
# A student's file that does not load loses all the checks file's points, so
# every score of a batch is out of the same total; each file has its own line.
full=$(grep '^score: ' "$work/out")
printf '{"devices": {' >"$work/broken.json"
expect_status 1 "a file that does not load, --expect" "$netsim" test "$work/student.json" \
    "$work/broken.json" --expect "$work/own-checks.json"
total=${full#score: }
total=${total#* of }
grep -qx "  score: 0 of $total" "$work/out" ||
    fail "--expect: a file that does not load is not worth all $total: $(cat "$work/out")"
grep -qx "score: ${total%% *} of $((2 * ${total%% *})) points" "$work/out" ||
    fail "--expect: the batch's total is not twice $total: $(tail -n 2 "$work/out")"

echo keep >"$work/target"
ln -s "$work/target" "$work/link.xml"
expect_status 4 "a report through a symbolic link" "$netsim" test $g/pass.json --junit "$work/link.xml"
[ "$(cat "$work/target")" = keep ] || fail "the symbolic link's target was written"
grep -q 'symbolic link' "$work/err" || fail "no message about the symbolic link: $(cat "$work/err")"

expect_status 2 "no file" "$netsim" test
expect_status 2 "an unknown option" "$netsim" test $g/pass.json --bogus
expect_status 2 "--junit without a file" "$netsim" test $g/pass.json --junit
finish grading_check
