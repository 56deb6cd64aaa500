#!/usr/bin/env python3
"""A topology named in Chinese (电脑A, 交换机, 路由器, 服务器) drawn to PNG shows its
names, not empty boxes ("tofu"): checked, not assumed (docs/diagrams.md, "Chinese").

1. fontconfig has a font for every code point of the names (fc-list ':charset=HEX').
2. netsim's topology.dot asks for Noto Sans CJK SC, and its topology.png differs from
   the same run drawn with every CJK font hidden (FONTCONFIG_FILE naming a folder of
   links to the installed fonts that lack those code points): there Pango draws a box
   per character. Two runs with the fonts in place give the same pixels, so the
   difference is the glyphs. The same comparison is made on a label of the names
   alone drawn by dot, so nothing but the Chinese characters can differ.

--hide-cjk-fonts runs every step with the CJK fonts hidden, and exits 0 only when both
checks then report the missing glyphs: the proof that the check can fail.
Exit 77 (skip) without Graphviz's dot or fontconfig's fc-list.
Usage: diagrams_cjk_check.py NETSIM [--hide-cjk-fonts]"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

NAMES = ["电脑A", "交换机", "路由器", "服务器"]
TOPOLOGY = {
    "name": "cjk-names",
    "devices": {
        "电脑A": {"type": "host", "ip": "192.168.1.10/24", "gateway": "192.168.1.1"},
        "交换机": {"type": "switch"},
        "路由器": {"type": "router", "interfaces": {"eth0": {"ip": "192.168.1.1/24"},
                                                   "eth1": {"ip": "10.0.0.1/24"}}},
        "服务器": {"type": "host", "ip": "10.0.0.2/24", "gateway": "10.0.0.1"},
    },
    "links": [["电脑A", "交换机"], ["交换机", "路由器.eth0"], ["路由器.eth1", "服务器"]],
    "script": [{"at": "0s", "on": "电脑A", "do": "ping", "to": "10.0.0.2", "count": 1}],
}


def code_points():
    return sorted({ord(c) for name in NAMES for c in name if ord(c) > 0x7f})


def fonts_with(cp, env):
    out = subprocess.run(["fc-list", ":charset=%x" % cp, "family"], env=env,
                         capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.strip()]


def hidden_cjk_config(work, env):
    """A fontconfig file naming a folder of links to every installed font that has
    none of the names' code points: the machine as it is, minus CJK fonts."""
    cjk = set()
    for cp in code_points():
        cjk |= set(subprocess.run(["fc-list", ":charset=%x" % cp, "file"], env=env, capture_output=True,
                                  text=True, check=True).stdout.replace(": ", "\n").split())
    cjk = {f.rstrip(":") for f in cjk}
    files = subprocess.run(["fc-list", "--format", "%{file}\n"], env=env, capture_output=True,
                           text=True, check=True).stdout.split("\n")
    folder = os.path.join(work, "fonts-without-cjk")
    os.makedirs(folder)
    for i, f in enumerate(sorted({f for f in files if f and f not in cjk})):
        os.symlink(f, os.path.join(folder, "%04d-%s" % (i, os.path.basename(f))))
    conf = os.path.join(work, "fonts-without-cjk.conf")
    with open(conf, "w") as out:
        out.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
                  "  <dir>%s</dir>\n  <cachedir>%s</cachedir>\n"
                  '  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n</fontconfig>\n'
                  % (folder, os.path.join(work, "fc-cache")))
    return conf


def png_pixels(path):
    """(width, height, rows of bytes) of an 8-bit, non-interlaced PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(path + ": not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = hdr
    if depth != 8 or interlace:
        raise ValueError("%s: bit depth %d, interlace %d: not handled" % (path, depth, interlace))
    bpp = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


def draw(netsim, topo, out, env):
    subprocess.run([netsim, "run", topo, "--out", out, "--png", "--no-view", "--quiet"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return os.path.join(out, "topology.png")


def draw_label(font, out, env):
    """The names alone in one label, in the fonts netsim asks for."""
    dot = out + ".dot"
    label = "".join("&#%d;" % ord(c) for c in " ".join(n.replace("A", "") for n in NAMES))
    with open(dot, "w") as f:
        f.write('graph g { node [shape=plaintext, fontname="%s", fontsize=24]; n [label=<%s>]; }\n'
                % (font, label))
    subprocess.run(["dot", "-Tpng", "-o", out, dot], env=env, check=True)
    return out


def main():
    netsim = sys.argv[1]
    hide = "--hide-cjk-fonts" in sys.argv[2:]
    if not shutil.which("dot") or not shutil.which("fc-list"):
        print("SKIP: Graphviz's dot or fontconfig's fc-list is not installed")
        return 77
    problems = []
    env = dict(os.environ, LC_ALL="C", LANGUAGE="")
    with tempfile.TemporaryDirectory() as work:
        topo = os.path.join(work, "cjk-names.json")
        with open(topo, "w", encoding="utf-8") as f:
            json.dump(TOPOLOGY, f, ensure_ascii=False)
        tofu_env = dict(env, FONTCONFIG_FILE=hidden_cjk_config(work, env))
        for cp in code_points():
            if fonts_with(cp, tofu_env):
                print("FAIL: hiding the CJK fonts left a font with U+%04X" % cp, file=sys.stderr)
                return 1
        real_env = tofu_env if hide else env
        for cp in code_points():
            if not fonts_with(cp, real_env):
                problems.append("no installed font has U+%04X %s (install fonts-noto-cjk)" % (cp, chr(cp)))
        png = draw(netsim, topo, os.path.join(work, "run"), real_env)
        again = draw(netsim, topo, os.path.join(work, "again"), real_env)
        tofu = draw(netsim, topo, os.path.join(work, "tofu"), tofu_env)
        with open(os.path.join(work, "run", "topology.dot"), encoding="utf-8") as f:
            font = f.read().split('fontname="', 1)[1].split('"', 1)[0]
        if "Noto Sans CJK SC" not in font:
            problems.append("topology.dot names the font %r, without Noto Sans CJK SC" % font)
        if png_pixels(png) != png_pixels(again):
            problems.append("two runs drew different topology.png: the comparison means nothing")
        elif png_pixels(png) == png_pixels(tofu):
            problems.append("topology.png is the same as with no CJK font: its Chinese names are empty boxes")
        label = draw_label(font, os.path.join(work, "label.png"), real_env)
        label_tofu = draw_label(font, os.path.join(work, "label-tofu.png"), tofu_env)
        if png_pixels(label) == png_pixels(label_tofu):
            problems.append("the names alone draw the same as with no CJK font: empty boxes")
        keep = os.environ.get("NETSIM_CJK_KEEP")  # a folder to keep the pictures in, to look at
        if keep:
            os.makedirs(keep, exist_ok=True)
            for f in (png, tofu, label, label_tofu):
                shutil.copy(f, os.path.join(keep, os.path.basename(os.path.dirname(f)) + "-" + os.path.basename(f)))
    if hide:
        # Every check must have seen the missing glyphs.
        want = ["no installed font", "topology.png is the same", "the names alone"]
        missed = [w for w in want if not any(w in p for p in problems)]
        for w in missed:
            print("FAIL: with the CJK fonts hidden, no check reported %r" % w, file=sys.stderr)
        if not missed:
            print("ok: with the CJK fonts hidden every check fails (%d problems reported)" % len(problems))
        return 1 if missed else 0
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    if not problems:
        print("ok: %d code points have fonts; topology.png and the label differ from the tofu drawing"
              % len(code_points()))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
