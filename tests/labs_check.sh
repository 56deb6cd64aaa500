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
#   - in Chinese (--lang zh) each answer exits with the same status, its report
#     is tests/labs/two-routers/zh/ANSWER.expected, and the batch's CSV has the
#     same files, checks, results and points as in English: grading reads
#     facts, never the words it prints.
# To refresh an expected output after a deliberate change (read the diff first):
#   netsim test labs/two-routers/X.json --expect labs/two-routers/expect.json \
#       > tests/labs/two-routers/X.expected
#   netsim test --lang zh labs/two-routers/X.json --expect labs/two-routers/expect.json \
#       > tests/labs/two-routers/zh/X.expected
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
. "$(dirname "$0")/lib.sh"
cd "$root" || exit 2

grade() { # grade ANSWER EXPECTED-STATUS [zh]
    local answer=$1 want=$2 lang=${3:-} status=0
    local expected="tests/labs/two-routers/${lang:+$lang/}$answer.expected"
    "$netsim" test ${lang:+--lang "$lang"} "$lab/$answer.json" --expect "$lab/expect.json" \
        >"$work/$answer$lang.out" 2>&1 || status=$?
    if [ "$status" -ne "$want" ]; then
        fail "netsim test ${lang:+--lang $lang }$lab/$answer.json exited with $status, expected $want"
    fi
    if ! diff -u "$expected" "$work/$answer$lang.out"; then
        fail "the grading output of ${lang:+--lang $lang }$lab/$answer.json differs from $expected"
    fi
}
for lang in "" zh; do
    grade solution 0 $lang
    grade wrong-gateway 1 $lang
    grade missing-return-route 1 $lang
    grade wrong-prefix 1 $lang
done

# The batch: the reports of all four, JUnit valid against the schema, in
# English and in Chinese (grades.xml, grades.csv; grades.zh.xml, ...).
answers="$lab/solution.json $lab/wrong-gateway.json $lab/missing-return-route.json $lab/wrong-prefix.json"
batch() { # batch [zh]
    local lang=${1:-} status=0 out="$work/grades${1:+.$1}"
    # shellcheck disable=SC2086 # the four paths hold no spaces
    "$netsim" test ${lang:+--lang "$lang"} $answers --expect "$lab/expect.json" --junit "$out.xml" \
        --csv "$out.csv" >"$out.out" 2>&1 || status=$?
    if [ "$status" -ne 1 ]; then
        fail "netsim test ${lang:+--lang $lang }of the four answers exited with $status, expected 1"
    fi
    if ! xmllint --noout --schema "$schema" "$out.xml" 2>"$work/xmllint.err"; then
        cat "$work/xmllint.err" >&2
        fail "the ${lang:+$lang }JUnit report is not valid against $schema"
    fi
}
batch
batch zh
# One CSV row per file and check (the header first), each answer named.
for answer in solution wrong-gateway missing-return-route wrong-prefix; do
    if ! grep -q "^$lab/$answer.json," "$work/grades.csv"; then
        fail "grades.csv has no row for $lab/$answer.json"
    fi
done
# (RFC 4180 ends records with CRLF)
if [ "$(head -1 "$work/grades.csv" | tr -d '\r')" != 'file,check,name,result,points,message' ]; then
    fail "grades.csv header is '$(head -1 "$work/grades.csv")'"
fi
# In Chinese the CSV's machine columns (file, check, result, points, and the
# header) are the same as in English: grading reads facts, never words.
machine_columns() { # CSV: file,check,result,points of every record
    python3 -c 'import csv, sys
for row in csv.reader(open(sys.argv[1], newline="")):
    print(",".join(row[i] for i in (0, 1, 3, 4)))' "$1"
}
if ! diff -u <(machine_columns "$work/grades.csv") <(machine_columns "$work/grades.zh.csv"); then
    fail "grading in Chinese gives other results than in English (CSV columns file,check,result,points)"
fi
if ! grep -q '失败' "$work/grades.zh.out" || grep -q '^  FAIL  ' "$work/grades.zh.out"; then
    fail "the Chinese batch report is not in Chinese"
fi

# The assignment text shows wrong-prefix's report: it must be the real one.
awk '/^\$ netsim test labs\/two-routers\/wrong-prefix.json /{on=1; next} on && /^```/{exit} on' \
    "$lab/README.md" >"$work/readme-example"
if ! diff -u "tests/labs/two-routers/wrong-prefix.expected" "$work/readme-example"; then
    fail "$lab/README.md shows another report for wrong-prefix.json than netsim test prints"
fi

finish labs_check "$lab graded as expected"
