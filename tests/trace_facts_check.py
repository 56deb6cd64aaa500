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
    forward), in port-forward every one toward the server a port forward.
Usage: trace_facts_check.py NETSIM REPO_ROOT
"""
import json
import os
import re
import subprocess
import sys
import tempfile

TOPOLOGIES = ["ttl-expiry", "udp-echo", "firewall-icmp", "no-route", "link-failure",
              "port-forward", "home-nat"]
NO_DROP_TOPOLOGIES = {"home-nat"}  # checked for its translations, not its drops
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


def check(name, path, reasons, translations):
    problems = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or json.loads(lines[0]) != {"format": "netsim-trace", "version": 2}:
        problems.append("first line is not the format line: %r" % (lines[:1],))
    drops = 0
    for n, line in enumerate(lines[1:], start=2):
        ev = json.loads(line)
        kind = ev.get("kind")
        where = "%s line %d (%s %s at %s)" % (name, n, ev.get("device"), kind, ev.get("time"))
        problems += check_translation(name, where, ev, translations)
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
            problems += check(name, os.path.join(out, "trace.jsonl"), reasons, translations)
    for p in problems:
        print("FAIL: " + p)
    if problems:
        return 1
    print("ok: trace facts of %s" % ", ".join(TOPOLOGIES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
