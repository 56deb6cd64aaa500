#!/usr/bin/env bash
# The message catalogue is complete (docs/i18n.md). Usage: i18n_check.sh XGETTEXT REPO_ROOT
# Fails when
#   - po/netsim.pot is stale: its messages differ from those marked in src/
#     (compared without locations, dates or order);
#   - po/zh_CN.po lacks a message of the template, or leaves one fuzzy or
#     untranslated (msgcmp, msgfmt --statistics);
#   - msgfmt --check finds an error (formats that differ, a missing '\n').
# It first checks that it can fail: a string marked in a copy of the sources,
# without a translation, must be reported.
set -uo pipefail
xgettext=$1 root=$2
bin=$(dirname "$(command -v "$xgettext")")
msgcat=$bin/msgcat msgcmp=$bin/msgcmp msgfmt=$bin/msgfmt
msgmerge=$bin/msgmerge msgattrib=$bin/msgattrib
. "$(dirname "$0")/lib.sh"

# The messages of a .pot or .po as sorted text, without locations or comments.
messages() {
    "$msgcat" --no-location --no-wrap --sort-output "$1" | grep -v '^#'
}

# missing_in PO POT: the msgids of POT that PO lacks or leaves untranslated
# or fuzzy, one "msgid ..." line each; empty when PO covers POT. msgcmp
# decides; merging the two only names the messages (msgcmp gives line numbers).
missing_in() {
    "$msgcmp" "$1" "$2" >/dev/null 2>&1 && return 0
    "$msgmerge" --quiet --no-fuzzy-matching --no-wrap "$1" "$2" -o "$work/merged.po"
    { "$msgattrib" --untranslated --no-wrap "$work/merged.po"
      "$msgattrib" --only-fuzzy --no-wrap "$work/merged.po"; } | grep '^msgid "..*"$'
    return 1
}

sh "$root/po/update-pot.sh" "$xgettext" "$root" "$work/fresh.pot" || fail "po/update-pot.sh failed"

# Self-check: a newly marked, untranslated string must be caught.
mkdir -p "$work/probe"
cp -r "$root/src" "$root/po" "$work/probe/"
printf '%s\n' '#include "util/i18n.h"' \
    'const char *i18n_check_probe(void);' \
    'const char *i18n_check_probe(void) { return _("i18n_check: a string nobody translated"); }' \
    > "$work/probe/src/i18n_check_probe.c"
sh "$root/po/update-pot.sh" "$xgettext" "$work/probe" "$work/probe.pot"
probe_missing=$(missing_in "$root/po/zh_CN.po" "$work/probe.pot")
if ! grep -q 'i18n_check: a string nobody translated' <<<"$probe_missing"; then
    fail "self-check: a marked string without a translation was not reported"
fi
if diff -q <(messages "$work/probe.pot") <(messages "$work/fresh.pot") >/dev/null; then
    fail "self-check: a newly marked string did not change the template"
fi

# 1. The checked-in template is the one the sources give.
if ! diff -u <(messages "$root/po/netsim.pot") <(messages "$work/fresh.pot") >"$work/pot.diff"; then
    fail "po/netsim.pot is stale (regenerate it: cmake --build build --target netsim-pot):"
    grep '^[-+]msg' "$work/pot.diff" | head -40 >&2
fi

# 2. Every message of the template has a translation (not fuzzy).
if ! missing=$(missing_in "$root/po/zh_CN.po" "$work/fresh.pot"); then
    fail "po/zh_CN.po lacks translations of marked strings (add them; docs/i18n.md):"
    echo "$missing" | head -40 >&2
fi

# 3. No fuzzy or untranslated entry at all, and msgfmt --check passes, also
# with the template's flags: po/zh_CN.po carries no "c-format" of its own, so
# its formats are checked against the msgids once merged with the template.
if ! stats=$(LC_ALL=C "$msgfmt" --check --statistics -o /dev/null "$root/po/zh_CN.po" 2>&1); then
    fail "msgfmt --check po/zh_CN.po:"
    echo "$stats" >&2
elif echo "$stats" | grep -Eq 'fuzzy|untranslated'; then
    fail "po/zh_CN.po has fuzzy or untranslated entries: $stats"
fi
# (msgmerge marks a translation whose format differs fuzzy.)
"$msgmerge" --quiet --no-fuzzy-matching --no-wrap "$root/po/zh_CN.po" "$work/fresh.pot" -o "$work/flagged.po"
formats=$(LC_ALL=C "$msgfmt" --check --statistics -o /dev/null "$work/flagged.po" 2>&1)
if [ $? -ne 0 ] || echo "$formats" | grep -q fuzzy; then
    fail "po/zh_CN.po: translations that do not keep their msgid's format (%s, %zu...): $formats"
    "$msgattrib" --only-fuzzy --no-wrap "$work/flagged.po" | grep -A1 '^msgid "..*"$' >&2
fi

finish i18n_check "ok ($stats)"
