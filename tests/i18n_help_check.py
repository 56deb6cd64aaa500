#!/usr/bin/env python3
"""--help keeps its columns in every language (docs/i18n.md).

Usage: i18n_help_check.py ENGLISH_HELP TRANSLATED_HELP

In each section of --help (blocks separated by blank lines, after the usage),
an entry is "  TERM  description": the description starts at the section's
column, and its continuation lines are indented to that same column. A TERM
too long for the column is followed by two spaces instead. Widths are display
widths: a Chinese character takes two columns. The translated help must have
the English sections' columns, and no line wider than the widest English one.
"""
import sys
import unicodedata


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def sections(text):
    blocks = text.split("\n\n")
    return [b.split("\n") for b in blocks[1:]]  # the first block is the usage


# An unindented line (the introduction's) is prose: only its width counts.


def layout(lines, where):
    """The section's description column, or None when it has no entries."""
    starts, conts, problems = [], [], []
    for line in lines[1:]:  # lines[0] is the section's title
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent > 2:
            conts.append((width(line[:indent]), line))
        elif indent == 2:
            gap = line.find("  ", 2)
            if gap < 0:
                continue  # a paragraph, not an entry
            desc = gap + len(line[gap:]) - len(line[gap:].lstrip(" "))
            starts.append((width(line[:gap]), width(line[:desc]), line))
    if not starts:
        return None, problems
    column = max(set(s[1] for s in starts), key=[s[1] for s in starts].count)
    for term_end, desc, line in starts:
        long_term = term_end + 2 > column
        if (not long_term and desc != column) or (long_term and desc != term_end + 2):
            problems.append(f"{where}: description at column {desc}, expected {column}: {line!r}")
    for indent, line in conts:
        if indent != column:
            problems.append(f"{where}: continuation at column {indent}, expected {column}: {line!r}")
    return column, problems


def main():
    english = open(sys.argv[1], encoding="utf-8").read()
    translated = open(sys.argv[2], encoding="utf-8").read()
    en, tr = sections(english), sections(translated)
    problems = []
    if len(en) != len(tr):
        problems.append(f"{len(tr)} sections, English has {len(en)}")
    widest = max(width(l) for l in english.split("\n"))
    for i, (e, t) in enumerate(zip(en, tr)):
        ecol, eprob = layout(e, f"English section {i + 1} ({e[0]!r})")
        tcol, tprob = layout(t, f"translated section {i + 1} ({t[0]!r})")
        problems += eprob + tprob
        if ecol != tcol:
            problems.append(f"section {i + 1} ({t[0]!r}): descriptions at column {tcol}, English {ecol}")
    for line in translated.split("\n"):
        if width(line) > widest:
            problems.append(f"wider than {widest} columns ({width(line)}): {line!r}")
    for p in problems:
        print("FAIL:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
