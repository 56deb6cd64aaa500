#!/usr/bin/env python3
"""view.html's words are one catalogue (src/viewer/page_text.h): every string the
template shows (@@T:...@@) and every string view.js looks up (T('...'), as xgettext
reads JavaScript) must be a msgid of src/viewer/page_text.c's table, or the Chinese
page would show it in English. Also: the table has no msgid the page never uses.
With NETSIM: the page of switch.json in English has lang="en", no dictionary and no
marker left; with --lang zh, lang="zh-CN", every template string in Chinese and a
dictionary of Chinese translations of the table's msgids.
Usage: viewer_text_check.py XGETTEXT REPO_ROOT [NETSIM]"""
import os
import re
import json
import subprocess
import sys
import tempfile


def msgids(xgettext, lang, keyword, path):
    """The msgids xgettext collects from `path` (the header entry left out)."""
    po = subprocess.run([xgettext, "--language=" + lang, "--from-code=UTF-8", "--keyword=" + keyword,
                         "-o", "-", path],
                        check=True, capture_output=True, text=True).stdout
    out, cur = [], None
    for line in po.splitlines() + [""]:
        if line.startswith("msgid "):
            cur = [line[6:]]
        elif cur is not None and line.startswith('"'):
            cur.append(line)
        elif cur is not None:
            # a PO string: C escapes inside double quotes, split over lines
            text = "".join(eval(part) for part in cur)  # noqa: S307 (xgettext's own output)
            if text:  # not the header entry
                out.append(text)
            cur = None
    return out


def page_of(netsim, root, work, lang):
    out = os.path.join(work, lang)
    env = dict(os.environ, LC_ALL="C", LANGUAGE="")
    subprocess.run([netsim, "run", os.path.join(root, "topologies", "switch.json"), "--out", out,
                    "--quiet", "--lang", lang], check=True, env=env, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "view.html"), encoding="utf-8") as f:
        return f.read()


def check_pages(netsim, root, table, template):
    problems = []
    cjk = re.compile(r"[\u4e00-\u9fff]")
    dict_re = re.compile(r'<script type="application/json" id="netsim-view-text">(.*?)</script>', re.S)
    with tempfile.TemporaryDirectory() as work:
        en, zh = page_of(netsim, root, work, "en"), page_of(netsim, root, work, "zh")
    # Only the template's part of the page: the style, script and data hold "@@"-free
    # text of their own, but a marker left unfilled would show there.
    for lang, page in (("en", en), ("zh", zh)):
        if "@@T:" in page or "@@LANG@@" in page or "@@TEXT@@" in page:
            problems.append("the %s page has a template marker left" % lang)
    if '<html lang="en">' not in en:
        problems.append('the English page is not <html lang="en">')
    if dict_re.search(en):
        problems.append("the English page has a dictionary (it must be the page as before)")
    if '<html lang="zh-CN">' not in zh:
        problems.append('the Chinese page is not <html lang="zh-CN">')
    # what the template shows: the page without its style, scripts and picture
    shown = re.sub(r"<(script|style|svg)\b.*?</\1>", "", zh, flags=re.S)
    for text in template:
        t = re.escape(text)
        if re.search(r">" + t + r"<|(title|aria-label)=\"" + t + r"\"", shown):
            problems.append("the Chinese page shows %r in English" % text)
    m = dict_re.search(zh)
    if not m:
        problems.append("the Chinese page has no dictionary")
        return problems
    words = json.loads(m.group(1))
    for k, v in words.items():
        if k not in table:
            problems.append("the dictionary has %r, which is not in the table" % k)
        if v == k or not cjk.search(v) and k not in ("NAT: %s",):
            problems.append("the dictionary's %r is %r, no Chinese" % (k, v))
    missing = [k for k in table if k not in words]
    if missing:
        problems.append("the dictionary lacks %d msgids (untranslated in po/zh_CN.po?): %s"
                        % (len(missing), ", ".join(map(repr, missing[:5]))))
    return problems


def main():
    xgettext, root = sys.argv[1], sys.argv[2]
    assets = os.path.join(root, "src", "viewer", "assets")
    table = msgids(xgettext, "C", "N_", os.path.join(root, "src", "viewer", "page_text.c"))
    script = msgids(xgettext, "JavaScript", "T", os.path.join(assets, "view.js"))
    with open(os.path.join(assets, "view.html"), encoding="utf-8") as f:
        template = re.findall(r"@@T:(.*?)@@", f.read(), re.S)
    problems = []
    have = set(table)
    for where, used in (("view.html", template), ("view.js", script)):
        for text in used:
            if text not in have:
                problems.append("%s shows %r, which is not in src/viewer/page_text.c's table" % (where, text))
    for text in sorted(have - set(template) - set(script)):
        problems.append("src/viewer/page_text.c lists %r, which the page never shows" % text)
    if len(template) < 30 or len(script) < 50:
        problems.append("found only %d template and %d script strings: is the extraction broken?"
                        % (len(template), len(script)))
    if len(sys.argv) > 3:
        problems += check_pages(sys.argv[3], root, have, template)
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    if problems:
        return 1
    print("ok: %d template and %d script strings, all in page_text.c's %d msgids"
          % (len(set(template)), len(set(script)), len(have)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
