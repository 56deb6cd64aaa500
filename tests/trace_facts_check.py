#!/usr/bin/env python3
"""Trace facts test: the typed facts of trace.jsonl (docs/trace-format.md).

Runs topologies whose traces drop packets and checks, line by line:
  - the first line is {"format":"netsim-trace","version":2};
  - every drop has a reason code, one of those docs/trace-format.md lists
    (which must be exactly the names in src/trace/trace.c);
  - every drop of a frame names its packet; a drop without a frame is a
    refused socket call (no_route, port_in_use, no_ephemeral_port,
    message_too_long) and no other reason;
  - every wire event names both ends, the transmitter being its device/port;
  - every table change (arp, learn, state, translate, table) names its table;
  - a router's forward has ttl_new = ttl_old - 1 = the frame's TTL - 1, and
    the route it used;
  - every translate names the rule it applied, one of those
    docs/trace-format.md lists (which must be the names in src/trace/trace.c),
    and no other event has one; in home-nat every packet translated toward
    the inside PC is a reply (its mappings are dynamic and pinned: no port
    forward), in port-forward every one toward the server a port forward;
  - every program result has the fields docs/trace-format.md "Program
    results" lists for its program and event, in that order, string values;
    only dns results and traceroute's done have no line; ping's reply and
    statistics lines, a download's finished line and wget's status line say
    the same numbers as their results; every run of RESULT_TOPOLOGIES shows
    the results it must (below);
  - retransmission: true marks exactly the sender's "retransmission"/"fast
    retransmit" steps and every event of the packets sent right after them
    (file-download's lossy hop has both).
Usage: trace_facts_check.py NETSIM REPO_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOPOLOGIES = ["ttl-expiry", "udp-echo", "firewall-icmp", "no-route", "link-failure",
              "port-forward", "home-nat", "dns-web", "file-download", "router-chain", "dhcp",
              "tcp-echo"]
# checked for their translations or results, not their drops
NO_DROP_TOPOLOGIES = {"home-nat", "dns-web", "file-download", "router-chain", "dhcp", "tcp-echo"}
# (device, program, event) results each of these runs must have at least once.
RESULT_TOPOLOGIES = {
    "ttl-expiry": [("A", "ping", "error"), ("A", "ping", "statistics")],
    "udp-echo": [("A", "udp_send", "sent"), ("A", "udp_send", "received"),
                 ("C", "udp_send", "failed")],
    "no-route": [("A", "ping", "error"), ("H", "ping", "failed")],
    "dns-web": [("C", "dns", "answer"), ("C", "dns", "failed"), ("C", "http_get", "response"),
                ("W", "http_server", "request"), ("C", "ping", "reply"),
                ("C", "ping", "statistics")],
    "file-download": [("S", "file_server", "sending"), ("C", "file_download", "finished")],
    "router-chain": [("A", "traceroute", "hop"), ("A", "traceroute", "done")],
    "dhcp": [("C1", "dhcp", "bound"), ("C2", "dhcp", "bound")],
    "tcp-echo": [("A", "tcp_client", "connected"), ("A", "tcp_client", "received"),
                 ("A", "tcp_client", "failed")],
}
RETRANSMISSION_TOPOLOGIES = {"file-download"}
NO_LINE_RESULTS = {("dns", "answer"), ("dns", "failed"), ("traceroute", "done")}
# The rule every translation toward the inside must name, per topology.
INBOUND_RULE = {"home-nat": ("192.168.1.2", "reply"), "port-forward": ("192.168.1.10", "port_forward")}
NO_PACKET_REASONS = {"no_route", "port_in_use", "no_ephemeral_port", "message_too_long"}
CHANGE_KINDS = {"arp", "learn", "state", "translate", "table"}


def documented_reasons(root):
    """The codes in the table under '### Drop reasons' of docs/trace-format.md."""
    with open(os.path.join(root, "docs", "trace-format.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Drop reasons", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))


def documented_translations(root):
    """The names in the table under '### Translations' of docs/trace-format.md."""
    with open(os.path.join(root, "docs", "trace-format.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Translations", 1)[1].split("\n##", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.MULTILINE))


def split_top(cell):
    """The cell's comma-separated parts, commas inside () and [] kept."""
    parts, depth, cur = [], 0, ""
    for ch in cell:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def documented_results(root):
    """{(program, event): [(field, optional)]} from '### Program results'."""
    with open(os.path.join(root, "docs", "trace-format.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("### Program results", 1)[1].split("\n### ", 1)[0]
    results = {}
    for m in re.finditer(r"^\| `([a-z_]+)` \| `([a-z_]+)` \| (.*?) \| .* \|$", section,
                         re.MULTILINE):
        fields = []
        for part in split_top(m.group(3)):
            name = re.search(r"`([a-z_0-9]+)`", part)
            if name:
                fields.append((name.group(1), part.startswith("[")))
        results[(m.group(1), m.group(2))] = fields
    return results


def check_result(where, ev, documented):
    """The result's fields against the documented ones, in order."""
    res = ev.get("result")
    if res is None:
        return []
    if ev.get("kind") != "app":
        return ["%s: a result on a %s event" % (where, ev.get("kind"))]
    keys = list(res)
    if keys[:2] != ["program", "event"]:
        return ["%s: result does not begin with program and event: %s" % (where, keys)]
    if any(not isinstance(v, str) for v in res.values()):
        return ["%s: a result value that is not a string: %s" % (where, res)]
    key = (res["program"], res["event"])
    if key not in documented:
        return ["%s: result %s %s is not in docs/trace-format.md" % (where, key[0], key[1])]
    want, i = documented[key], 0
    for k in keys[2:]:
        while i < len(want) and want[i][0] != k and want[i][1]:
            i += 1  # an optional field left out
        if i >= len(want) or want[i][0] != k:
            return ["%s: %s %s has field %r where the docs list %s" %
                    (where, key[0], key[1], k, [f for f, _ in want])]
        i += 1
    missing = [f for f, optional in want[i:] if not optional]
    if missing:
        return ["%s: %s %s lacks %s" % (where, key[0], key[1], missing)]
    if ("detail" not in ev) != (key in NO_LINE_RESULTS):
        return ["%s: %s %s %s a line" % (where, key[0], key[1],
                                         "without" if "detail" not in ev else "with")]
    return []


# A line whose numbers its result must repeat: (pattern, program, event, {group: field}).
PROSE = [
    (r"^(\d+) packets transmitted, (\d+) received", "ping", "statistics",
     {1: "transmitted", 2: "received"}),
    (r"^\d+ bytes from ([0-9.]+): icmp_seq=(\d+) ttl=(\d+)", "ping", "reply",
     {1: "from", 2: "seq", 3: "ttl"}),
    (r"^download finished: (\S+), (\d+) bytes in .* crc32 ([0-9a-f]{8})$", "file_download",
     "finished", {1: "file", 2: "bytes", 3: "crc32"}),
    (r"^sending (\S+): (\d+) bytes, crc32 ([0-9a-f]{8})$", "file_server", "sending",
     {1: "file", 2: "bytes", 3: "crc32"}),
    (r"^HTTP/1\.[01] (\d+) ", "http_get", "response", {1: "status"}),
]


def check_prose(where, ev):
    detail = ev.get("detail") or ""
    for pattern, program, event, groups in PROSE:
        m = re.match(pattern, detail) if ev.get("kind") == "app" else None
        if not m:
            continue
        res = ev.get("result") or {}
        if (res.get("program"), res.get("event")) != (program, event):
            return ["%s: %r has no %s %s result" % (where, detail, program, event)]
        for g, field in groups.items():
            if res.get(field) != m.group(g):
                return ["%s: %r says %s=%s, its result %r" %
                        (where, detail, field, m.group(g), res.get(field))]
    return []


def check_retransmissions(name, events):
    """Marked: the sender's retransmission steps (no frame) and every event of
    the packet that the same device sends next; nothing else."""
    problems, marked_packets, pending = [], set(), {}
    for n, ev in events:
        why = ev.get("why") or ""
        step = ev.get("kind") == "send" and "packet" not in ev and "retransmi" in why
        if step != (ev.get("retransmission") is True and "packet" not in ev):
            problems.append("%s line %d: %s %s %r: retransmission %r" %
                            (name, n, ev.get("device"), ev.get("kind"), why,
                             ev.get("retransmission")))
        if step:
            pending[ev.get("device")] = n
        elif ev.get("kind") == "send" and "packet" in ev and ev.get("device") in pending:
            del pending[ev["device"]]
            if ev.get("proto") != "tcp" or ev.get("retransmission") is not True:
                problems.append("%s line %d: the segment sent again is not marked" % (name, n))
            marked_packets.add(ev["packet"])
    for n, ev in events:
        if "packet" in ev and (ev["packet"] in marked_packets) != (ev.get("retransmission") is True):
            problems.append("%s line %d: packet %d's %s event is%s marked" %
                            (name, n, ev["packet"], ev.get("kind"),
                             "" if ev.get("retransmission") else " not"))
    if not marked_packets:
        problems.append("%s: no retransmission at all (the test checks nothing)" % name)
    return problems


def check_translation(name, where, ev, translations):
    problems = []
    rule = ev.get("translation")
    if ev.get("kind") != "translate":
        if rule is not None:
            problems.append("%s: a translation on a %s event" % (where, ev.get("kind")))
        return problems
    if rule not in translations:
        problems.append("%s: translation %r is not a documented rule" % (where, rule))
    inside, want = INBOUND_RULE.get(name, (None, None))
    if inside and ev.get("new", "").startswith(inside + ":") and rule != want:
        problems.append("%s: %s -> %s is explained as %r (%s); expected %r" %
                        (where, ev.get("old"), ev.get("new"), rule, ev.get("why"), want))
    return problems


def check(name, path, reasons, translations, documented):
    problems = []
    events = []
    seen = set()
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or json.loads(lines[0]) != {"format": "netsim-trace", "version": 2}:
        problems.append("first line is not the format line: %r" % (lines[:1],))
    drops = 0
    for n, line in enumerate(lines[1:], start=2):
        ev = json.loads(line)
        kind = ev.get("kind")
        where = "%s line %d (%s %s at %s)" % (name, n, ev.get("device"), kind, ev.get("time"))
        events.append((n, ev))
        problems += check_translation(name, where, ev, translations)
        problems += check_result(where, ev, documented)
        problems += check_prose(where, ev)
        if "result" in ev:
            seen.add((ev.get("device"), ev["result"].get("program"), ev["result"].get("event")))
        if kind == "drop":
            drops += 1
            reason = ev.get("reason")
            if reason not in reasons:
                problems.append("%s: reason %r is not a documented code" % (where, reason))
            if "len" in ev and not ev.get("packet"):
                problems.append("%s: a drop of a frame without its packet id" % where)
            if "len" not in ev and reason not in NO_PACKET_REASONS:
                problems.append("%s: a drop without a frame, reason %r" % (where, reason))
        elif "reason" in ev:
            problems.append("%s: a reason on a %s event" % (where, kind))
        if kind == "wire":
            ends = [ev.get(k) for k in ("tx_device", "tx_port", "rx_device", "rx_port")]
            if not all(ends):
                problems.append("%s: wire event without both ends" % where)
            elif ends[:2] != [ev.get("device"), ev.get("port")]:
                problems.append("%s: transmitter %s.%s is not the event's device" %
                                (where, ends[0], ends[1]))
        if kind in CHANGE_KINDS and "table" not in ev:
            problems.append("%s: table change without its table" % where)
        if "ttl_old" in ev:
            if not (ev["ttl_old"] == ev.get("ttl") and ev["ttl_new"] == ev["ttl_old"] - 1):
                problems.append("%s: ttl_old/ttl_new %s/%s for a frame with TTL %s" %
                                (where, ev["ttl_old"], ev["ttl_new"], ev.get("ttl")))
            if not ev.get("route"):
                problems.append("%s: forward without its route" % where)
    if drops == 0 and name not in NO_DROP_TOPOLOGIES:
        problems.append("%s: no drop at all (the test checks nothing)" % name)
    for want in RESULT_TOPOLOGIES.get(name, []):
        if want not in seen:
            problems.append("%s: no %s %s result on %s" % (name, want[1], want[2], want[0]))
    if name in RETRANSMISSION_TOPOLOGIES:
        problems += check_retransmissions(name, events)
    elif any(ev.get("retransmission") for _, ev in events):
        problems += check_retransmissions(name, events)
    return problems


def main():
    netsim, root = sys.argv[1], sys.argv[2]
    reasons = documented_reasons(root)
    with open(os.path.join(root, "src", "trace", "trace.c"), encoding="utf-8") as f:
        src = f.read()
    names = src.split("reason_names[] = {", 1)[1].split("};", 1)[0]
    in_source = set(re.findall(r'= "([a-z_]+)"', names))
    if reasons != in_source or len(reasons) < 30:
        print("FAIL: docs/trace-format.md and src/trace/trace.c list different reason codes: "
              "only in the docs %s, only in the source %s" %
              (sorted(reasons - in_source), sorted(in_source - reasons)))
        return 1
    translations = documented_translations(root)
    names = src.split("translation_names[] = {", 1)[1].split("};", 1)[0]
    in_source = set(re.findall(r'= "([a-z_]+)"', names))
    if translations != in_source or not translations:
        print("FAIL: docs/trace-format.md and src/trace/trace.c list different translations: "
              "only in the docs %s, only in the source %s" %
              (sorted(translations - in_source), sorted(in_source - translations)))
        return 1
    documented = documented_results(root)
    if len(documented) < 20:
        print("FAIL: docs/trace-format.md lists %d program results" % len(documented))
        return 1
    problems = []
    with tempfile.TemporaryDirectory() as work:
        for name in TOPOLOGIES:
            out = os.path.join(work, name)
            run = subprocess.run([netsim, "run", os.path.join(root, "topologies", name + ".json"),
                                  "--quiet", "--out", out], capture_output=True, text=True)
            if run.returncode not in (0, 3):
                problems.append("%s: netsim exited with %d: %s" %
                                (name, run.returncode, run.stderr.strip()))
                continue
            problems += check(name, os.path.join(out, "trace.jsonl"), reasons, translations,
                              documented)
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return 1
    print("ok: trace facts of %s" % ", ".join(TOPOLOGIES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
