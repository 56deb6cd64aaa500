#!/usr/bin/env bash
# Documentation test: the examples in docs/ and README.md are run.
#  - every ```json block that holds a whole topology (starts with "{") must pass
#    `netsim check`;
#  - a block right after a line `<!-- excerpt: TOPOLOGY FILE -->` must appear,
#    line for line and in order ("..." lines skip ahead), in FILE of the output
#    of `netsim run topologies/TOPOLOGY.json` (FILE: trace.txt, trace.jsonl,
#    state.txt);
#  - a block whose first line is "$ netsim ARGS" must be exactly what
#    `netsim ARGS` prints (standard output and error).
#  (JSON blocks without "devices" are fragments and are not checked, nor are
#  the deliberately bad examples of docs/errors.md, which has its own test.)
# Usage: docs_check.sh NETSIM REPO_ROOT
set -euo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"
cd "$root"
blocks=0

for doc in README.md docs/*.md; do
    # Split the document into numbered blocks: block.N.json / block.N.excerpt (+ .target).
    rm -f "$work"/block.*
    awk -v dir="$work" '
        /^<!-- excerpt: / { target = $3 " " $4; next }
        /^```/ {
            if (inblock) { inblock = 0; close(file); target = ""; next }
            inblock = 1; n++
            if ($0 ~ /^```json/) { file = dir "/block." n ".json" }
            else if (target != "") { file = dir "/block." n ".excerpt"; print target > (dir "/block." n ".target"); close(dir "/block." n ".target") }
            else { file = dir "/block." n ".shell" }
            printf "" > file
            next
        }
        inblock { print >> file }
        !/^[[:space:]]*$/ && !inblock { if ($0 !~ /^<!--/) target = "" }
    ' "$doc"
    for block in "$work"/block.*.json; do
        [ -e "$block" ] || continue
        # docs/errors.md shows bad inputs on purpose; errors_doc_check.sh tests it.
        [ "$doc" = docs/errors.md ] && continue
        head -c 1 "$block" | grep -q '{' && grep -q '"devices"' "$block" || continue
        blocks=$((blocks + 1))
        if ! "$netsim" check "$block" 2>"$work/err"; then
            fail "$doc: a JSON example does not pass netsim check:"
            sed "s#$block#<example>#" "$work/err" >&2
        fi
    done
    # A block that starts with "$ netsim ARGS" shows that command's exact output.
    for block in "$work"/block.*.shell; do
        [ -e "$block" ] || continue
        first=$(head -n 1 "$block")
        case "$first" in
        '$ netsim '*) ;;
        *) continue ;;
        esac
        blocks=$((blocks + 1))
        read -r -a args <<<"${first#\$ netsim }"
        tail -n +2 "$block" >"$work/want"
        "$netsim" "${args[@]}" >"$work/got" 2>&1 || true
        if ! diff -u "$work/want" "$work/got" >"$work/diff"; then
            fail "$doc: the output shown for \"$first\" is not what netsim prints:"
            cat "$work/diff" >&2
        fi
    done
    for block in "$work"/block.*.excerpt; do
        [ -e "$block" ] || continue
        blocks=$((blocks + 1))
        read -r topology file <"${block%.excerpt}.target"
        out="$work/out/$topology"
        if [ ! -d "$out" ]; then
            # Excerpts are of text outputs: no Graphviz (pictures cost most of the time).
            PATH=/nonexistent "$netsim" run "topologies/$topology.json" --quiet --out "$out" 2>/dev/null || true
        fi
        # Every line of the excerpt must be found in order ("..." skips).
        if ! awk 'NR == FNR { if ($0 != "...") want[++n] = $0; next }
                  i < n && $0 == want[i + 1] { i++ }
                  END { if (i < n) { print "missing: " want[i + 1]; exit 1 } }' \
            "$block" "$out/$file" >"$work/why"; then
            fail "$doc: an excerpt of $topology/$file is not in the real output:"
            cat "$work/why" >&2
        fi
    done
done
finish docs_check "$blocks documentation examples checked"
