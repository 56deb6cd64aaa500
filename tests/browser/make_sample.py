#!/usr/bin/env python3
"""Builds a view.html from a run's output directory, for developing the page before
netsim writes its own, and as the browser tests' fallback when it does not.

Usage: make_sample.py [--events N] [--no-svg] RUN_DIR ASSETS_DIR OUT_HTML
  --no-svg    leave the picture out ("svg": null), as netsim does without Graphviz
  --events N  repeat the run's events (later copies shifted in time, packet ids renumbered)
              until there are N, to check the page at scale.

It follows docs of the agreed format (/work/notes/view-format.md): devices and links
from topology.dot, the SVG from topology.svg, events from trace.jsonl, frame bytes from
pcap/*.pcap (the n-th wire event on a link carries the n-th record of that link's pcap).
The inspector layers are decoded here only for Ethernet, ARP, IPv4, ICMP, UDP and TCP:
enough to develop against, the C side writes the real ones.
"""
import glob
import html
import ipaddress
import json
import os
import re
import struct
import sys


def read_devices(dot):
    devices, by_id = [], {}
    node_re = re.compile(r'^\s*(n\d+) \[id="n\d+".*?<B>(.*?)</B> <FONT[^>]*>([^<]+)</FONT>(.*)\];$')
    for line in dot.splitlines():
        m = node_re.match(line)
        if not m:
            continue
        dot_id, name, kind, rest = m.groups()
        name, rest = html.unescape(name), html.unescape(rest)
        ifaces = []
        for port, text in re.findall(r'PORT="(i\d+)"[^>]*><FONT[^>]*>(.*?)</FONT>', rest):
            parts = re.split(r"<BR[^>]*>", text)
            words = parts[0].split()
            iface = {"name": words[0], "dot_id": port}
            if len(words) > 1:
                net = ipaddress.ip_interface(words[1])
                iface.update(ip=str(net.ip), prefix=net.network.prefixlen,
                             netmask=str(net.netmask))
            if len(parts) > 1:
                iface["mac"] = parts[1].strip()
            ifaces.append(iface)
        gw = re.search(r"gateway ([\d.]+)", rest)
        kind = {"NAT router": "nat"}.get(kind, kind.split()[0])
        dev = {"name": name, "type": kind, "dot_id": dot_id, "ifaces": ifaces}
        if gw:
            dev["_gateway"] = gw.group(1)
        devices.append(dev)
        by_id[dot_id] = dev
    return devices, by_id


def read_links(dot, by_id, pcap_names):
    links = []
    for a, ap, b, bp in re.findall(r"^\s*(n\d+):(i\d+) -- (n\d+):(i\d+)", dot, re.M):
        da, db = by_id[a], by_id[b]
        pa = next(i["name"] for i in da["ifaces"] if i["dot_id"] == ap)
        pb = next(i["name"] for i in db["ifaces"] if i["dot_id"] == bp)
        name = f"{da['name']}.{pa}--{db['name']}.{pb}"
        if name not in pcap_names:
            name = f"{db['name']}.{pb}--{da['name']}.{pa}"
        links.append({"name": name, "a": da["name"], "a_port": pa, "b": db["name"],
                      "b_port": pb, "dot_edge": f"{a}:{ap}--{b}:{bp}"})
    return links


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    records, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        records.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return records


def mac(b):
    return ":".join(f"{x:02x}" for x in b)


def ip4(b):
    return ".".join(str(x) for x in b)


def field(name, off, length, value, meaning=None):
    f = {"name": name, "off": off, "len": length, "value": str(value)}
    if meaning:
        f["meaning"] = meaning
    return f


def decode(fr):
    """Minimal layers in the agreed shape; unknown payloads are one "Data" layer."""
    layers = []
    et = struct.unpack_from(">H", fr, 12)[0]
    dst_meaning = "broadcast" if fr[0:6] == b"\xff" * 6 else "unicast"
    layers.append({"name": "Ethernet II", "off": 0, "len": 14, "fields": [
        field("Destination", 0, 6, mac(fr[0:6]), dst_meaning),
        field("Source", 6, 6, mac(fr[6:12])),
        field("Type", 12, 2, f"0x{et:04x}", {0x800: "IPv4", 0x806: "ARP"}.get(et))]})
    if et == 0x806:
        op = struct.unpack_from(">H", fr, 20)[0]
        layers.append({"name": "Address Resolution Protocol", "off": 14, "len": 28, "fields": [
            field("Hardware type", 14, 2, 1, "Ethernet"),
            field("Protocol type", 16, 2, "0x0800", "IPv4"),
            field("Hardware size", 18, 1, fr[18]), field("Protocol size", 19, 1, fr[19]),
            field("Opcode", 20, 2, op, {1: "request", 2: "reply"}.get(op)),
            field("Sender MAC address", 22, 6, mac(fr[22:28])),
            field("Sender IP address", 28, 4, ip4(fr[28:32])),
            field("Target MAC address", 32, 6, mac(fr[32:38])),
            field("Target IP address", 38, 4, ip4(fr[38:42]))]})
        return layers
    if et != 0x800:
        return layers
    ihl = (fr[14] & 15) * 4
    proto = fr[23]
    total = struct.unpack_from(">H", fr, 16)[0]
    layers.append({"name": "Internet Protocol Version 4", "off": 14, "len": ihl, "fields": [
        field("Version", 14, 1, fr[14] >> 4), field("Header Length", 14, 1, ihl, "bytes"),
        field("Total Length", 16, 2, total),
        field("Identification", 18, 2, f"0x{struct.unpack_from('>H', fr, 18)[0]:04x}"),
        field("Time to Live", 22, 1, fr[22], "hops left"),
        field("Protocol", 23, 1, proto, {1: "ICMP", 6: "TCP", 17: "UDP"}.get(proto)),
        field("Header Checksum", 24, 2, f"0x{struct.unpack_from('>H', fr, 24)[0]:04x}"),
        field("Source Address", 26, 4, ip4(fr[26:30])),
        field("Destination Address", 30, 4, ip4(fr[30:34]))]})
    o = 14 + ihl
    end = 14 + total
    if proto == 1:
        layers.append({"name": "Internet Control Message Protocol", "off": o, "len": end - o,
                       "fields": [field("Type", o, 1, fr[o]), field("Code", o + 1, 1, fr[o + 1]),
                                  field("Checksum", o + 2, 2, f"0x{struct.unpack_from('>H', fr, o + 2)[0]:04x}")]})
    elif proto == 6:
        seq, ack = struct.unpack_from(">II", fr, o + 4)
        layers.append({"name": "Transmission Control Protocol", "off": o,
                       "len": (fr[o + 12] >> 4) * 4, "fields": [
            field("Source Port", o, 2, struct.unpack_from(">H", fr, o)[0]),
            field("Destination Port", o + 2, 2, struct.unpack_from(">H", fr, o + 2)[0]),
            field("Sequence Number", o + 4, 4, seq), field("Acknowledgment Number", o + 8, 4, ack),
            field("Flags", o + 13, 1, f"0x{fr[o + 13]:02x}"),
            field("Window", o + 14, 2, struct.unpack_from(">H", fr, o + 14)[0]),
            field("Checksum", o + 16, 2, f"0x{struct.unpack_from('>H', fr, o + 16)[0]:04x}")]})
    elif proto == 17:
        layers.append({"name": "User Datagram Protocol", "off": o, "len": 8, "fields": [
            field("Source Port", o, 2, struct.unpack_from(">H", fr, o)[0]),
            field("Destination Port", o + 2, 2, struct.unpack_from(">H", fr, o + 2)[0]),
            field("Length", o + 4, 2, struct.unpack_from(">H", fr, o + 4)[0]),
            field("Checksum", o + 6, 2, f"0x{struct.unpack_from('>H', fr, o + 6)[0]:04x}")]})
    return layers


def frame_indices(events, pcaps):
    """Wire events take their link's pcap records in order; other events carrying a
    packet take the frame of the nearest wire event of that packet at their device."""
    frames, index_of, ev_frames = [], {}, [-1] * len(events)
    cursor = {name: 0 for name in pcaps}

    def intern(raw):
        if raw not in index_of:
            index_of[raw] = len(frames)
            frames.append({"hex": raw.hex(), "layers": decode(raw)})
        return index_of[raw]

    for i, e in enumerate(events):
        link = e.get("link")
        if e["kind"] == "wire" and link in pcaps and cursor[link] < len(pcaps[link]):
            ev_frames[i] = intern(pcaps[link][cursor[link]])
            cursor[link] += 1
    for i, e in enumerate(events):
        if ev_frames[i] >= 0 or "packet" not in e:
            continue
        outgoing = e["kind"] in ("send", "collide", "backoff")
        rng = range(i + 1, len(events)) if outgoing else range(i - 1, -1, -1)
        for j in rng:
            w = events[j]
            side = w.get("tx_device") if outgoing else w.get("rx_device")
            if w["kind"] == "wire" and w.get("packet") == e["packet"] and side == e.get("device"):
                ev_frames[i] = ev_frames[j]
                break
    return frames, ev_frames


def tables0(devices):
    tables = {}
    for d in devices:
        t = {k: [] for k in ("route", "arp", "mac", "nat", "tcp", "udp", "dhcp")}
        for i in d["ifaces"]:
            if "ip" in i:
                net = ipaddress.ip_interface(f"{i['ip']}/{i['prefix']}").network
                t["route"].append([str(net), f"dev {i['name']} scope link"])
        if "_gateway" in d:
            t["route"].append(["default", f"via {d['_gateway']} dev {d['ifaces'][0]['name']}"])
        tables[d["name"]] = t
    return tables


def build(run_dir):
    with open(os.path.join(run_dir, "topology.dot"), encoding="utf-8") as f:
        dot = f.read()
    pcaps = {os.path.basename(p)[:-5]: read_pcap(p)
             for p in sorted(glob.glob(os.path.join(run_dir, "pcap", "*.pcap")))}
    devices, by_id = read_devices(dot)
    links = read_links(dot, by_id, pcaps)
    with open(os.path.join(run_dir, "trace.jsonl"), encoding="utf-8") as f:
        events = [json.loads(line) for line in f][1:]
    frames, ev_frames = frame_indices(events, pcaps)
    svg_path = os.path.join(run_dir, "topology.svg")
    svg = None
    if os.path.exists(svg_path):
        with open(svg_path, encoding="utf-8") as f:
            svg = f.read()
        svg = svg[svg.index("<svg"):]
    start = next((e for e in events if e.get("why") == "start"), {})
    desc = next((e for e in events if e.get("why") == "description"), {})
    last = events[-1] if events else {"t": 0, "time": "0.000000000"}
    data = {
        "format": "netsim-view", "version": 1,
        "topology": re.search(r"topology (\S+):", start.get("detail", "topology ?:")).group(1),
        "description": desc.get("detail", ""), "seed": 1,
        "end": {"t": last["t"], "time": last["time"], "status": "complete", "events": len(events)},
        "devices": devices, "links": links, "svg": svg, "tables0": tables0(devices),
        "frames": frames, "events": events, "event_frames": ev_frames,
    }
    for d in devices:
        d.pop("_gateway", None)
    return data


def embed_json(data):
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def assemble(data, assets):
    def read(name):
        with open(os.path.join(assets, name), encoding="utf-8") as f:
            return f.read()
    parts = {"@@STYLE@@": read("view.css"), "@@SCRIPT@@": read("view.js"),
             "@@SVG@@": data["svg"] or "", "@@DATA@@": embed_json(data)}
    out = []
    for line in read("view.html").splitlines(keepends=True):
        key = line.strip()
        out.append(parts[key] + "\n" if key in parts else line)
    # The page in English: the words of @@T:...@@ as they are, no dictionary.
    page = re.sub(r"@@T:(.*?)@@", lambda m: m.group(1), "".join(out), flags=re.S)
    return page.replace("@@LANG@@", "en").replace("@@TEXT@@", "")


def scale(data, count):
    events, frames_of = data["events"], data["event_frames"]
    if not events:
        return
    span = events[-1]["t"] + 1
    packets = max((e.get("packet", 0) for e in events), default=0)
    out, out_frames, rep = [], [], 0
    while len(out) < count:
        for e, f in zip(events, frames_of):
            c = dict(e, t=e["t"] + rep * span)
            c["time"] = f"{c['t'] // 1000000000}.{c['t'] % 1000000000:09d}"
            if "packet" in c:
                c["packet"] += rep * packets
            out.append(c)
            out_frames.append(f)
        rep += 1
    data["events"], data["event_frames"] = out[:count], out_frames[:count]
    data["end"].update(t=out[count - 1]["t"], time=out[count - 1]["time"], events=count)


def main():
    args = sys.argv[1:]
    count, no_svg = 0, False
    while args[:1] in (["--events"], ["--no-svg"]):
        if args[0] == "--no-svg":
            no_svg, args = True, args[1:]
        else:
            count, args = int(args[1]), args[2:]
    if len(args) != 3:
        sys.exit(__doc__)
    run_dir, assets, out = args
    data = build(run_dir)
    if count:
        scale(data, count)
    if no_svg:
        data["svg"] = None
    html = assemble(data, assets)
    with open(out, "w", encoding="utf-8") as f:
        f.write(html)


if __name__ == "__main__":
    main()
