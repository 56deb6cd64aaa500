#!/usr/bin/env bash
# Step page test (docs/diagrams.md): steps/index.html driven in headless
# Chromium, no network, a throw-away profile.
#  - #selftest: the page shows step 1, presses ArrowRight itself, checks that
#    the picture (img src) and the caption changed and that the new picture
#    loaded, and writes PASS into #selftest;
#  - #3 and ?step=2: the page opens at that step (caption, picture, counter);
#  - hostile names: the page still works and shows them escaped.
# Chromium must be installed (apt-get install chromium); Graphviz too.
# Usage: steps_check.sh NETSIM REPO_ROOT
set -euo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"

browser=
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null; then
        browser=$candidate
        break
    fi
done
if [ -z "$browser" ]; then
    echo "FAIL: Chromium is not installed (apt-get install chromium)" >&2
    exit 1
fi
command -v dot >/dev/null || { echo "FAIL: Graphviz's dot is not installed" >&2; exit 1; }

# dom URL: the page's DOM after its scripts ran (and images loaded).
dom() {
    timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --disable-extensions \
        --user-data-dir="$work/profile" --virtual-time-budget=10000 --dump-dom "$1" 2>"$work/browser.err"
}

"$netsim" run "$root/topologies/two-subnets.json" --quiet --steps --out "$work/two" 2>"$work/err" ||
    { cat "$work/err" >&2; exit 1; }
page=$work/two/steps/index.html
n=$(grep -c '{svg: ' "$page")
[ "$n" -ge 3 ] || fail "two-subnets: only $n steps"

# The key handler: pressing ArrowRight moves from step 1 to step 2.
dom "file://$page#selftest" >"$work/selftest.html" || fail "$browser failed: $(tail -n 3 "$work/browser.err")"
grep -q '<pre id="selftest">PASS selftest: step 2 src 001.svg -&gt; 002.svg caption changed: true picture loaded: true</pre>' \
    "$work/selftest.html" || fail "selftest did not pass: $(grep 'id="selftest"' "$work/selftest.html")"

# The fragment and the query choose the step.
dom "file://$page#3" >"$work/step3.html" || fail "$browser failed on #3"
grep -q "<div id=\"caption\">step 3 of $n " "$work/step3.html" || fail "#3: caption is not step 3"
grep -q 'src="003.svg"' "$work/step3.html" || fail "#3: picture is not 003.svg"
grep -q "<span id=\"counter\">3 / $n</span>" "$work/step3.html" || fail "#3: counter is not 3 / $n"
dom "file://$page?step=2" >"$work/step2.html" || fail "$browser failed on ?step=2"
grep -q "<div id=\"caption\">step 2 of $n " "$work/step2.html" || fail "?step=2: caption is not step 2"
grep -q 'src="002.svg"' "$work/step2.html" || fail "?step=2: picture is not 002.svg"
# Step 1's trace line is A's ARP request.
dom "file://$page#1" >"$work/step1.html" || fail "$browser failed on #1"
grep -q '<pre id="line">0.000000000  A.eth0  send  #2  02:00:00:01:00:01 &gt; ff:ff:ff:ff:ff:ff  ARP who-has 192.168.1.1 tell 192.168.1.10  (ARP cache has no entry for 192.168.1.1)</pre>' \
    "$work/step1.html" || fail "#1: the trace line is not A's ARP request: $(grep 'id="line"' "$work/step1.html")"

# Hostile names survive HTML and JavaScript (after the selftest the page shows step 2,
# from the switch to the router; in the DOM only & < > are escaped).
"$netsim" run "$root/tests/diagrams/hostile-names.json" --quiet --steps --out "$work/hostile" \
    2>"$work/err" || { cat "$work/err" >&2; exit 1; }
dom "file://$work/hostile/steps/index.html#selftest" >"$work/hostile.html" || fail "$browser failed on hostile-names"
grep -q '<pre id="selftest">PASS ' "$work/hostile.html" ||
    fail "hostile-names: selftest did not pass: $(grep 'id="selftest"' "$work/hostile.html")"
grep -qF "packet #2 · sw-1.core \\ back\\N \\n.p2 → Ünïcødé 日本 'r' // not a comment.eth0 · ARP" \
    "$work/hostile.html" ||
    fail "hostile-names: the step caption does not show the names exactly: $(grep 'id="caption"' "$work/hostile.html")"

finish steps_check "steps/index.html in $browser"
