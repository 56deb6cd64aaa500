#!/usr/bin/env bash
# errors_doc_check.sh NETSIM REPO_ROOT
#
# Keeps docs/errors.md true. Every example there is marked:
#
#   <!-- case: NAME -->        a JSON snippet of tests/errors/NAME.json, then the
#                              message `netsim check` prints for that file;
#   <!-- command: exit N -->   a shell snippet (netsim is the binary under test;
#                              it runs in a scratch directory where topologies/
#                              and tests/ are the repository's), then the first
#                              lines of its standard error; N is the exit status.
#
# The test passes iff, for every case, each line of the snippet occurs in
# NAME.json, the quoted message is "netsim: " plus NAME.expected and netsim
# prints exactly it with exit status 1; every command prints the quoted lines
# first on standard error and exits with N; every tests/errors case is in the
# document once; and no "netsim: ..." message is quoted outside a marked example.
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
doc=$root/docs/errors.md
errors=$root/tests/errors
if [ ! -f "$doc" ]; then
    echo "errors_doc_check: $doc is missing" >&2
    exit 2
fi

. "$(dirname "$0")/lib.sh"
mkdir -p "$work/items" "$work/run"
ln -s "$root/topologies" "$work/run/topologies"
ln -s "$root/tests" "$work/run/tests"

# Split the document into items: N.kind ("case" or "command"), N.arg (the case
# name or the exit status), N.example and N.message (the two fenced blocks
# after the marker). Problems of form go to stderr as "errors.md:LINE: ...".
awk -v dir="$work/items" '
    function fail(msg) { printf "errors.md:%d: %s\n", NR, msg > "/dev/stderr"; bad = 1 }
    /^<!-- (case|command): .* -->$/ {
        if (state != 0) fail("marker before the previous example was complete")
        n++
        line = $0
        sub(/^<!-- /, "", line); sub(/ -->$/, "", line)
        kind = line; sub(/:.*/, "", kind)
        arg = line; sub(/^[a-z]*: /, "", arg)
        if (kind == "command") {
            if (arg !~ /^exit [0-9]+$/) fail("expected <!-- command: exit N -->")
            sub(/^exit /, "", arg)
        }
        print kind > (dir "/" n ".kind"); close(dir "/" n ".kind")
        print arg > (dir "/" n ".arg"); close(dir "/" n ".arg")
        printf "" > (dir "/" n ".example"); close(dir "/" n ".example")
        printf "" > (dir "/" n ".message"); close(dir "/" n ".message")
        state = 1
        next
    }
    /^```/ {
        if (!inblock) {
            inblock = 1
            first = 1
            target = state == 1 ? dir "/" n ".example" : state == 2 ? dir "/" n ".message" : ""
        } else {
            inblock = 0
            if (target != "") close(target)
            if (state == 1) state = 2
            else if (state == 2) state = 0
        }
        next
    }
    inblock {
        if (target != "") print >> target
        else if (first && /^netsim: /) fail("a quoted message without a <!-- case --> or <!-- command --> marker")
        first = 0
        next
    }
    END {
        if (state != 0) fail("the last example is incomplete")
        exit bad
    }
' "$doc"
form=$?
[ "$form" -eq 0 ] || fail "docs/errors.md is not in the expected form (see above)"

declare -A documented=()
items=0
for kindfile in "$work"/items/*.kind; do
    [ -e "$kindfile" ] || break
    items=$((items + 1))
    base=${kindfile%.kind}
    kind=$(cat "$kindfile")
    arg=$(cat "$base.arg")
    if [ "$kind" = case ]; then
        json=$errors/$arg.json
        expected=$errors/$arg.expected
        if [ ! -f "$json" ] || [ ! -f "$expected" ]; then
            fail "case $arg: tests/errors/$arg.json or .expected does not exist"
            continue
        fi
        [ -n "${documented[$arg]:-}" ] && fail "case $arg is documented twice"
        documented[$arg]=1
        # Each snippet line (without its indentation; "..." elides) is in the file.
        while IFS= read -r line; do
            trimmed=$(printf '%s' "$line" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
            [ -z "$trimmed" ] || [ "$trimmed" = "..." ] && continue
            grep -qF -- "$trimmed" "$json" || fail "case $arg: snippet line not in $arg.json: $trimmed"
        done < "$base.example"
        printf 'netsim: %s\n' "$(cat "$expected")" > "$work/want"
        cmp -s "$work/want" "$base.message" ||
            fail "case $arg: the quoted message is not \"netsim: \" + $arg.expected"
        (cd "$root" && "$netsim" check "tests/errors/$arg.json" > /dev/null 2> "$work/got")
        status=$?
        [ "$status" -eq 1 ] || fail "case $arg: netsim check exited with $status, expected 1"
        cmp -s "$base.message" "$work/got" || fail "case $arg: netsim prints $(cat "$work/got")"
    else
        {
            printf 'netsim() { "%s" "$@"; }\n' "$netsim"
            cat "$base.example"
        } > "$work/script"
        (cd "$work/run" && bash "$work/script" > /dev/null 2> "$work/got")
        status=$?
        lines=$(wc -l < "$base.message")
        label=$(head -n 1 "$base.example")
        [ "$lines" -ge 1 ] || fail "command \"$label\": no message quoted"
        [ "$status" -eq "$arg" ] || fail "command \"$label\": exit status $status, expected $arg"
        head -n "$lines" "$work/got" | cmp -s - "$base.message" ||
            fail "command \"$label\": standard error begins with: $(head -n "$lines" "$work/got")"
    fi
done
[ "$items" -gt 0 ] || fail "no marked examples in docs/errors.md"

for expected in "$errors"/*.expected; do
    name=$(basename "$expected" .expected)
    [ -n "${documented[$name]:-}" ] || fail "tests/errors/$name is not in docs/errors.md"
done

finish errors_doc_check "$items examples checked, every tests/errors case documented"
