# tests/lib.sh: what the check scripts share. Source it before any cd:
#   . "$(dirname "$0")/lib.sh"
# It makes $work, a temporary directory removed when the script exits (a
# script with more to clean up sets its own EXIT trap, which removes $work
# too), and defines fail and finish.

work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
failures=0

# fail MESSAGE...: says what failed on stderr and counts it; the script goes on.
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# finish NAME [SUMMARY]: the script's end. Exits 1 with "NAME: N failure(s)"
# when anything failed, else says "NAME: SUMMARY" ("ok" by default).
finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$1: $failures failure(s)" >&2
        exit 1
    fi
    echo "$1: ${2:-ok}"
}
