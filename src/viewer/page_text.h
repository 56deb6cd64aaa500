/*
 * page_text: the words view.html shows, in the run's language (docs/viewer.md,
 * "Language"). One catalogue for C and page: every label, tooltip, heading and
 * message of the page is a msgid of page_text.c's table (marked N_, so
 * xgettext puts it in po/netsim.pot). The template's text is written
 * translated where it stands (@@T:msgid@@ markers), and the script looks its
 * strings up in a dictionary {msgid: translation} the page carries when the
 * language is not English (T() in view.js).
 *
 * Invariant: in English the page is the template with its markers' text as it
 * is, and no dictionary: the same bytes as before the page had languages.
 */
#ifndef NETSIM_VIEWER_PAGE_TEXT_H
#define NETSIM_VIEWER_PAGE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* The page's msgids, in the table's order; NULL past the last. */
const char *page_text_msgid(size_t i);

/* Writes `len` bytes of template text (a @@T:...@@ marker's msgid) in the
 * run's language: the translation, or the text itself. The text is HTML, and
 * so is its translation (written as it is). */
void page_text_put(FILE *out, const char *msgid, size_t len);

/* Writes the dictionary element, <script type="application/json"
 * id="netsim-view-text">{msgid: translation, ...}</script>, holding every
 * msgid the catalogue translates; nothing in English. */
void page_text_put_dictionary(FILE *out);

#endif
