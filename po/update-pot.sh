#!/bin/sh
# Collects every marked string of src/ (_("...") and N_("...")) into a
# template: update-pot.sh XGETTEXT SOURCE_DIR OUT.pot. Files in sorted order
# and no creation date, so the same sources give the same bytes.
set -eu
xgettext=$1 src=$2 out=$3
cd "$src"
find src -name '*.[ch]' | LC_ALL=C sort > "$out.files"
"$xgettext" --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --add-comments=TRANSLATORS: \
    --package-name=netsim --msgid-bugs-address=netsim --add-location=file \
    --files-from="$out.files" -o "$out.tmp"
rm -f "$out.files"
# The creation date is the only line that changes from run to run.
grep -v '^"POT-Creation-Date:' "$out.tmp" > "$out"
rm -f "$out.tmp"
