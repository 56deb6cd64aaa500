#!/usr/bin/env bash
# view.html, the C side (docs/viewer.md): for switch, two-subnets and
# home-nat, the page exists, names no URL but the SVG/XML namespaces, and its
# data block parses and obeys the format: the events are trace.jsonl's, one
# frame index per event, frames whose bytes are the captures', the Graphviz
# ids present in the SVG, the tables at t=0, TTL 63 with a correct header
# checksum past r1 in two-subnets. Also: byte-identical across runs,
# --no-view, the size bound (NETSIM_VIEW_MAX_EVENTS, the test hook) and
# --view overriding it, a partial run labelled "stopped".
# Usage: view_check.sh NETSIM REPO_ROOT
set -euo pipefail
netsim=$1 root=$2
. "$(dirname "$0")/lib.sh"

# check_page DIR TOPOLOGY: the format checks, in Python (json, struct).
check_page() {
    python3 - "$1" "$2" <<'EOF' || fail "$2: view.html does not obey the format"
import json, re, struct, sys, os
out, name = sys.argv[1], sys.argv[2]
page = open(os.path.join(out, "view.html"), encoding="utf-8").read()
problems = []
def check(cond, what):
    if not cond:
        problems.append(what)

# No URL but the namespaces an inline SVG declares.
allowed = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
for url in re.findall(r'https?://[^\s"\'<>)\\]*', page):
    check(url in allowed, "external URL " + url)

m = re.search(r'<script type="application/json" id="netsim-view-data">(.*?)</script>', page, re.S)
check(m is not None, "no data block")
block = m.group(1)
check("</" not in block, "an unescaped </ in the data block")
check("\u2028" not in block and "\u2029" not in block, "an unescaped U+2028/2029")
d = json.loads(block)
check(d["format"] == "netsim-view" and d["version"] == 1, "format/version")
check(d["topology"] == name, "topology name")

lines = open(os.path.join(out, "trace.jsonl"), encoding="utf-8").read().splitlines()
events = d["events"]
check(len(events) == len(lines) - 1, "%d events, trace.jsonl has %d" % (len(events), len(lines) - 1))
check(all(e == json.loads(l) for e, l in zip(events, lines[1:])), "events differ from trace.jsonl")
check(d["end"]["events"] == len(events), "end.events")
check(d["end"]["status"] == "complete", "end.status " + d["end"]["status"])
ef = d["event_frames"]
check(len(ef) == len(events), "event_frames length")
frames = d["frames"]
hexes = [f["hex"] for f in frames]
check(len(set(hexes)) == len(hexes), "frames not deduplicated")
for e, i in zip(events, ef):
    if "len" in e:
        check(0 <= i < len(frames) and len(frames[i]["hex"]) == 2 * e["len"], "frame of %s" % e)
    else:
        check(i == -1, "event without a frame has index %d" % i)
for f in frames:
    n = len(f["hex"]) // 2
    for layer in f["layers"]:
        for fl in layer["fields"]:
            check(0 <= fl["off"] and fl["off"] + fl["len"] <= n, "field %s outside its frame" % fl["name"])

# The first frame on the first link is the first packet of its capture.
wire = [(e, i) for e, i in zip(events, ef) if e["kind"] == "wire"]
check(len(wire) > 0, "no wire events")
link = wire[0][0]["link"]
raw = open(os.path.join(out, "pcap", link + ".pcap"), "rb").read()
incl = struct.unpack("<I", raw[24 + 8:24 + 12])[0]
first = raw[24 + 16:24 + 16 + incl].hex()
check(frames[wire[0][1]]["hex"] == first, "frame bytes differ from pcap/%s.pcap" % link)

# Graphviz ids: every device's node and every link's edge is in the SVG.
svg = d["svg"]
check(svg is not None and svg.startswith("<svg"), "no SVG")
for dev in d["devices"]:
    check("<title>%s</title>" % dev["dot_id"] in svg, "node %s not in the SVG" % dev["dot_id"])
for l in d["links"]:
    check("<title>%s</title>" % l["dot_edge"].replace("-", "&#45;") in svg, "edge " + l["dot_edge"])
    check(l["name"] == l["a"] + "." + l["a_port"] + "--" + l["b"] + "." + l["b_port"], "link name")
check(set(d["tables0"]) == {dev["name"] for dev in d["devices"]}, "tables0 devices")

def fields(f, layer):
    return {x["name"]: x for l in f["layers"] if l["name"] == layer for x in l["fields"]}

if name == "two-subnets":
    ok = False
    for f in frames:
        ip = fields(f, "Internet Protocol Version 4")
        if ip and ip["Time to Live"]["value"] == "63":
            ok = ok or ip["Header Checksum"]["meaning"] == "correct"
    check(ok, "no frame with TTL 63 and a correct header checksum")
    check(["192.168.1.0/24", "dev eth0 scope link"] in d["tables0"]["r1"]["route"], "r1's routes")
if name == "switch":
    check(any(fields(f, "Address Resolution Protocol").get("Opcode", {}).get("meaning") == "request"
              for f in frames), "no ARP request dissected")
if name == "home-nat":
    check(["tcp 192.168.1.2:6789", "116.226.52.212:6539"] in d["tables0"]["nat1"]["nat"],
          "nat1's pinned mapping at t=0")
    check(any(dev["type"] == "nat" for dev in d["devices"]), "no device of type nat")
for p in problems:
    print("  " + name + ": " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
EOF
}

for t in switch two-subnets home-nat; do
    out=$work/$t
    if ! "$netsim" run "$root/topologies/$t.json" --out "$out" --quiet 2>"$work/err"; then
        fail "$t: netsim run failed: $(cat "$work/err")"
        continue
    fi
    [ -f "$out/view.html" ] || { fail "$t: no view.html"; continue; }
    check_page "$out" "$t"
done

# Byte-identical across runs.
"$netsim" run "$root/topologies/two-subnets.json" --out "$work/again" --quiet 2>/dev/null
cmp -s "$work/two-subnets/view.html" "$work/again/view.html" || fail "view.html differs between two runs"

# --no-view writes none.
"$netsim" run "$root/topologies/switch.json" --out "$work/none" --quiet --no-view 2>/dev/null
[ ! -e "$work/none/view.html" ] || fail "--no-view wrote view.html"

# The size bound: skipped with a one-line note, unless --view.
NETSIM_VIEW_MAX_EVENTS=10 "$netsim" run "$root/topologies/switch.json" --out "$work/big" --quiet \
    2>"$work/big.err" || fail "run with a tiny view bound failed"
[ ! -e "$work/big/view.html" ] || fail "view.html written above the bound"
events=$(($(wc -l <"$work/big/trace.jsonl") - 1))
grep -qx "netsim: note: view.html skipped: $events events is above the viewer's 10 (use --view to write it anyway, or --filter to keep fewer)" \
    "$work/big.err" || fail "no size note: $(cat "$work/big.err")"
NETSIM_VIEW_MAX_EVENTS=10 "$netsim" run "$root/topologies/switch.json" --out "$work/forced" --quiet \
    --view 2>"$work/forced.err" || fail "run with --view failed"
[ -f "$work/forced/view.html" ] || fail "--view did not write view.html above the bound"
! grep -q "view.html skipped" "$work/forced.err" || fail "--view still printed the skip note"

# A run stopped early is labelled partial in the page.
set +e
"$netsim" run "$root/topologies/two-subnets.json" --out "$work/partial" --quiet --max-events 20 2>/dev/null
set -e
python3 - "$work/partial/view.html" <<'EOF' || fail "a partial run's view.html is not labelled stopped"
import json, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
d = json.loads(re.search(r'id="netsim-view-data">(.*?)</script>', page, re.S).group(1))
sys.exit(0 if d["end"]["status"] == "stopped" else 1)
EOF

finish view_check
