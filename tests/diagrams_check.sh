#!/usr/bin/env bash
# Diagrams test (docs/diagrams.md): every topology in topologies/ and
# tests/diagrams/ is run with --png --steps, and then
#  - every diagram is there: topology, ladder (and one per flow), one path
#    diagram per packet (up to the cap), one slide per step, steps/index.html,
#    each .dot with its .svg (and .png where asked) next to it;
#  - Graphviz printed nothing: netsim surfaces dot's standard error as a
#    "note:" on its own, so any note fails the test, and the hostile-names
#    diagrams are rendered again here with dot's stderr checked directly;
#  - the hostile names come out exactly, escaped, in the SVG text;
#  - a second run gives byte-identical diagrams (no dates, no absolute paths);
#  - without dot on PATH the run still succeeds, writes the .dot files and
#    says so in one line.
# Graphviz must be installed (apt-get install graphviz).
# Usage: diagrams_check.sh NETSIM REPO_ROOT
set -euo pipefail
netsim=$1 root=$2
# Every picture must be drawn here however loaded the machine is (ctest -j
# on two cores made a 2 s ladder PNG take over 20 s): the Graphviz bounds
# per picture (20 s) and per run (300 s) are raised; the bounds have their
# own test (diagrams_bounds_check.sh).
export NETSIM_DOT_TIMEOUT=300 NETSIM_DOT_BUDGET=3600
. "$(dirname "$0")/lib.sh"

if ! command -v dot >/dev/null; then
    echo "FAIL: Graphviz's dot is not installed (apt-get install graphviz)" >&2
    exit 1
fi

# run NAME FILE ARGS...: runs netsim into $work/NAME; exit 3 is a storm stopped on purpose.
run() {
    local name=$1 file=$2
    shift 2
    local status=0
    "$netsim" run "$file" --quiet --out "$work/$name" "$@" 2>"$work/$name.stderr" || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
        fail "$file: netsim exited with $status: $(cat "$work/$name.stderr")"
        return 1
    fi
    if grep -q 'note:' "$work/$name.stderr"; then
        fail "$file: $(grep 'note:' "$work/$name.stderr")"
    fi
}

# has_pair DIR DOTFILE EXT: DOTFILE's picture (.EXT) is there and complete.
has_pair() {
    local picture=${2%.dot}.$3
    if [ ! -s "$picture" ]; then
        fail "$1: ${picture#"$work"/} is missing"
    elif [ "$3" = svg ] && ! tail -n 1 "$picture" | grep -q '^</svg>$'; then
        fail "$1: ${picture#"$work"/} is not a complete SVG"
    fi
}

checked=0
for file in "$root"/topologies/*.json "$root"/tests/diagrams/*.json; do
    name=$(basename "$file" .json)
    run "$name" "$file" --png --steps || continue
    out=$work/$name
    checked=$((checked + 1))
    for f in topology.dot ladder.dot steps/index.html; do
        [ -s "$out/$f" ] || fail "$name: $f is missing"
    done
    has_pair "$name" "$out/topology.dot" svg
    has_pair "$name" "$out/topology.dot" png
    for f in "$out"/ladder*.dot "$out"/paths/*.dot; do
        [ -e "$f" ] || continue
        has_pair "$name" "$f" svg
        has_pair "$name" "$f" png
    done
    steps=0
    for f in "$out"/steps/*.dot; do
        [ -e "$f" ] || continue
        has_pair "$name" "$f" svg
        steps=$((steps + 1))
    done
    # One path diagram per packet of paths.json (all small topologies, under the cap).
    packets=$(grep -c '^  {"id": ' "$out/paths.json" || true)
    paths=$(find "$out/paths" -name '*.dot' | wc -l)
    [ "$paths" -eq "$packets" ] || fail "$name: $paths path diagrams for $packets packets"
    # One slide per frame on a link: the wire events of trace.jsonl.
    frames=$(grep -c '"kind":"wire"' "$out/trace.jsonl" || true)
    [ "$frames" -le 500 ] || frames=500
    [ "$steps" -eq "$frames" ] || fail "$name: $steps step slides for $frames frames"
    [ "$(grep -c '{svg: ' "$out/steps/index.html" || true)" -eq "$steps" ] ||
        fail "$name: steps/index.html does not list $steps steps"
    # Nothing depends on where the run was made.
    if grep -rlF "$work" "$out" --include='*.dot' --include='*.svg' --include='*.html' >/dev/null; then
        fail "$name: a diagram contains the output path $work"
    fi
done
[ "$checked" -ge 10 ] || fail "only $checked topologies were checked"

# Hostile names: rendered here again with dot's own stderr, and found exactly in the SVG.
hostile=$work/hostile-names
for f in "$hostile"/topology.dot "$hostile"/paths/*.dot "$hostile"/steps/*.dot; do
    if ! dot -Tsvg -o /dev/null "$f" 2>"$work/dot.err" || [ -s "$work/dot.err" ]; then
        fail "dot complained about ${f#"$work"/}: $(cat "$work/dot.err")"
    fi
done
for f in "$hostile"/ladder*.dot; do
    if ! dot -Kneato -n2 -Tsvg -o /dev/null "$f" 2>"$work/dot.err" || [ -s "$work/dot.err" ]; then
        fail "neato complained about ${f#"$work"/}: $(cat "$work/dot.err")"
    fi
done
for text in \
    '>host &quot;A&quot; &lt;1&gt; &amp; co.</text>' \
    '>sw&#45;1.core \ back\N \n</text>' \
    ">Ünïcødé 日本 &#39;r&#39; // not a comment</text>" \
    '>hub&#45;2 ]; node [shape=star</text>' \
    '>B&amp;amp;&lt;b&gt;bold&lt;/b&gt; &lt;/script&gt;</text>'; do
    for f in topology.svg ladder.svg paths/1.svg steps/001.svg; do
        # The ladder has columns for the ends (hosts, the router) only.
        case $f$text in ladder.svg'>sw'* | ladder.svg'>hub'*) continue ;; esac
        grep -qF -- "$text" "$hostile/$f" || fail "hostile-names: $f does not show $text"
    done
done

# Fates: a packet's path diagram marks where it died (a red octagon at the
# device, and a last row under the hop table) with the prose, the reason code
# and the packet the drop triggered, and where it was delivered, lightly.
# has_text NAME FILE TEXT: FILE of topology NAME holds TEXT.
has_text() {
    grep -qF -- "$3" "$work/$1/$2" || fail "$1: $2 does not show $3"
}
has_text ttl-expiry paths/1.dot 'shape=octagon'
has_text ttl-expiry paths/1.dot '<B>&#10005; dropped by r2.eth0</B><BR/>TTL expired in transit (ttl_expired)<BR/>&#8594; packet #6: ICMP time exceeded (TTL)>'
has_text ttl-expiry paths/1.dot '<B>dropped</B>: TTL expired in transit (ttl_expired) &#8594; packet #6: ICMP time exceeded (TTL)'
has_text ttl-expiry paths/1.svg '>✕ dropped by r2.eth0</text>'
has_text ttl-expiry paths/1.svg '>TTL expired in transit (ttl_expired)</text>'
has_text ttl-expiry paths/1.svg '>→ packet #6: ICMP time exceeded (TTL)</text>'
has_text udp-echo paths/5.dot '<B>&#10005; dropped by B.eth0</B><BR/>no socket on UDP port 9090 (no_socket)<BR/>&#8594; packet #8: ICMP destination unreachable (port) for UDP>'
has_text no-route paths/1.dot '(no_route)'
has_text firewall-icmp paths/1.dot '(firewall_rule)'
has_text two-subnets paths/1.dot '<FONT COLOR="#15803d">delivered: echo request for this host: replying'
has_text two-subnets paths/1.svg '>✓ delivered to B.eth0</text>'
# A flood's copies and the drops they meet fold, as in trace.txt: one row,
# one mark (tied to the first host only), and pc20's delivery is marked too.
has_text computer-lab paths/2.dot 'the same as above on 19 more links: </FONT><BR ALIGN="LEFT"/>sw1.p3 &#8594; pc2.eth0, sw1.p4 &#8594; pc3.eth0'
has_text computer-lab paths/2.dot 'dropped the same way at 18 more places: </FONT><BR ALIGN="LEFT"/>pc2.eth0, pc3.eth0'
has_text computer-lab paths/2.dot '<B>&#10005; dropped by pc1.eth0<BR/>and at 18 more places</B>'
has_text computer-lab paths/2.dot '&#10003; delivered to pc20.eth0'
[ "$(grep -c -- '-- fate' "$work/computer-lab/paths/2.dot")" = 2 ] ||
    fail "computer-lab: paths/2.dot should tie two marks (the folded drops, the delivery) to one device each"
if grep -qF 'dropped' "$work/two-subnets/paths/1.dot"; then
    fail "two-subnets: paths/1.dot marks a drop, but its packet was delivered"
fi

# Ladders: one arrow per end-to-end packet, one column per end (not the
# switch, not idle C), TCP numbers relative to each side's ISN, traceroute's
# TTL and drops shown.
tcp_ladder=ladder-192.168.1.10--192.168.1.20.dot
for text in 'SYN seq=0' 'SYN/ACK seq=0 ack=1' 'ACK seq=1 ack=1' '<B>A</B>' '<B>B</B>'; do
    has_text tcp-echo "$tcp_ladder" "$text"
done
heads=$(grep -c '^  h[0-9]* \[pos=' "$work/tcp-echo/$tcp_ladder" || true)
[ "$heads" -eq 2 ] || fail "tcp-echo: $tcp_ladder has $heads columns, not one per end (2)"
if grep -qF -e '<B>C</B>' -e '<B>sw1</B>' "$work/tcp-echo/$tcp_ladder"; then
    fail "tcp-echo: $tcp_ladder has a column for C or sw1"
fi
if grep -qE 'seq=[0-9]{6,}' "$work/tcp-echo/$tcp_ladder"; then
    fail "tcp-echo: $tcp_ladder shows absolute TCP numbers"
fi
has_text router-chain ladder.dot 'len=32 ttl=1 <FONT COLOR="#b91c1c">&#215; dropped at r1 (ttl_expired)</FONT>'

# Determinism: a second run draws byte-identical diagrams.
run hostile-again "$root/tests/diagrams/hostile-names.json" --png --steps || true
if ! diff -r "$hostile" "$work/hostile-again" >"$work/diff"; then
    fail "two runs of hostile-names drew different diagrams: $(head -n 5 "$work/diff")"
fi

# Without Graphviz: the .dot files, no pictures, one clear note, success.
status=0
PATH=/nonexistent "$netsim" run "$root/topologies/two-subnets.json" --quiet --steps \
    --out "$work/nodot" 2>"$work/nodot.stderr" || status=$?
[ "$status" -eq 0 ] || fail "without dot on PATH netsim exited with $status"
grep -qx "netsim: note: Graphviz's dot is not on PATH: wrote the .dot diagrams only (install graphviz to get .svg)" \
    "$work/nodot.stderr" || fail "without dot on PATH, no note: $(cat "$work/nodot.stderr")"
[ -s "$work/nodot/topology.dot" ] && [ -s "$work/nodot/paths/1.dot" ] ||
    fail "without dot on PATH the .dot files are missing"
if find "$work/nodot" -name '*.svg' | grep -q .; then
    fail "without dot on PATH there are SVG files"
fi

finish diagrams_check "diagrams of $checked topologies"
