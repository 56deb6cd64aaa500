/*
 * steps_html: steps/index.html, the page that walks through the step slides
 * (declared in diagrams.h, documented in docs/diagrams.md).
 *
 * Invariants: the page is self-contained (inline CSS and script, pictures
 * referenced by relative file names, nothing fetched from the network) and
 * pure ASCII: text in HTML goes through html_text (entities), text in the
 * script through js_string (\uXXXX escapes, "<" included, so no string
 * can close the script element). Output depends only on the arguments and
 * the language (util/i18n.h): the page's words and <html lang>.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagrams/diagrams.h"
#include "util/i18n.h"
#include "util/text.h"

/* Writes `s` as HTML text: & < > " ' as entities, control characters as
 * spaces, non-ASCII as &#N;. */
static void html_text(FILE *out, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    while (*p) {
        uint32_t cp; /* U+FFFD for a byte that is not valid UTF-8 */
        p += text_utf8_next(p, (size_t)(end - p), &cp);
        if (cp < 0x20 || cp == 0x7f)
            putc(' ', out);
        else if (cp == '&')
            fputs("&amp;", out);
        else if (cp == '<')
            fputs("&lt;", out);
        else if (cp == '>')
            fputs("&gt;", out);
        else if (cp == '"')
            fputs("&quot;", out);
        else if (cp == '\'')
            fputs("&#39;", out);
        else if (cp >= 0x80)
            fprintf(out, "&#%lu;", (unsigned long)cp);
        else
            putc((int)cp, out);
    }
}

/* Writes `s` as a JavaScript string literal in double quotes, ASCII only:
 * anything but printable ASCII, and < > & ' as well, as \uXXXX (so no string
 * can end the script element). */
static void js_string(FILE *out, const char *s) {
    putc('"', out);
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + strlen(s);
    while (*p) {
        uint32_t cp; /* U+FFFD for a byte that is not valid UTF-8 */
        p += text_utf8_next(p, (size_t)(end - p), &cp);
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            fprintf(out, "\\u%04x\\u%04x", (unsigned)(0xd800 + (v >> 10)),
                    (unsigned)(0xdc00 + (v & 0x3ff)));
        } else if (cp >= 0x7f || cp < 0x20 || cp == '<' || cp == '>' || cp == '&' || cp == '\'') {
            fprintf(out, "\\u%04x", (unsigned)cp);
        } else if (cp == '"' || cp == '\\') {
            fprintf(out, "\\%c", (char)cp);
        } else {
            putc((int)cp, out);
        }
    }
    putc('"', out);
}

static const char page_head[] = "<!DOCTYPE html>\n"
                                "<html lang=\"";

static const char page_meta[] =
    "\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>";

static const char page_style[] =
    "</title>\n"
    "<style>\n"
    "body { font-family: Helvetica, Arial, sans-serif; margin: 0; background: #f8fafc; "
    "color: #111827; }\n"
    "header { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5em; "
    "padding: 0.5em 1em; background: #1f2937; color: #f9fafb; }\n"
    "header h1 { font-size: 1.1em; margin: 0 1em 0 0; }\n"
    "button { font-size: 1em; padding: 0.2em 0.8em; }\n"
    "#counter { min-width: 6em; text-align: center; font-variant-numeric: tabular-nums; }\n"
    ".hint { color: #9ca3af; font-size: 0.85em; }\n"
    "main { padding: 0.8em 1em; }\n"
    "#caption { font-size: 1.1em; margin: 0 0 0.5em 0; }\n"
    "#picture { display: block; width: 100%; max-height: 74vh; object-fit: contain; "
    "object-position: left top; background: #fff; border: 1px solid #d1d5db; }\n"
    "#line { font-family: monospace; font-size: 0.85em; background: #e5e7eb; "
    "padding: 0.4em 0.6em; white-space: pre-wrap; word-break: break-all; }\n"
    ".note { color: #92400e; }\n"
    "</style>\n"
    "</head>\n"
    "<body>\n"
    "<header><h1>";

/* The header after the title: HTML as it is, each followed by its text in the
 * run's language (html_text), the last with none. */
static const struct {
    const char *html, *text;
} page_header[] = {
    {"</h1>\n<button id=\"first\" title=\"", N_("first step (Home)")},
    {"\">&#8676;</button>\n<button id=\"prev\" title=\"", N_("previous step (left arrow)")},
    /* TRANSLATORS: the step page's button going to the previous step. */
    {"\">&#8592; ", N_("prev")},
    {"</button>\n<span id=\"counter\"></span>\n<button id=\"next\" title=\"",
     N_("next step (right arrow)")},
    /* TRANSLATORS: the step page's button going to the next step. */
    {"\">", N_("next")},
    {" &#8594;</button>\n<button id=\"last\" title=\"", N_("last step (End)")},
    {"\">&#8677;</button>\n<span class=\"hint\">",
     N_("arrow keys: step; #N in the address: step N")},
    {"</span></header>\n<main>\n", NULL},
};

/* The script's start, up to the words shown when there is no step. */
static const char page_script_head[] = "var current = -1;\n"
                                       "var picture = document.getElementById(\"picture\");\n"
                                       "var caption = document.getElementById(\"caption\");\n"
                                       "var line = document.getElementById(\"line\");\n"
                                       "var counter = document.getElementById(\"counter\");\n"
                                       "function show(i) {\n"
                                       "  if (steps.length === 0) { counter.textContent = ";

static const char page_script[] =
    "; return; }\n"
    "  i = Math.max(0, Math.min(steps.length - 1, i));\n"
    "  current = i;\n"
    "  var s = steps[i];\n"
    "  picture.src = s.svg;\n"
    "  picture.alt = s.caption;\n"
    "  picture.setAttribute(\"data-step\", String(i + 1));\n"
    "  caption.textContent = s.caption;\n"
    "  line.textContent = s.line;\n"
    "  line.hidden = s.line === \"\";\n"
    "  counter.textContent = (i + 1) + \" / \" + steps.length;\n"
    "  if (i + 1 < steps.length) { new Image().src = steps[i + 1].svg; }\n"
    "  if (!selftest && history.replaceState) { history.replaceState(null, \"\", \"#\" + (i + "
    "1)); }\n"
    "}\n"
    "function requested() {\n"
    "  var m = /^#(?:step=)?(\\d+)$/.exec(location.hash) || "
    "/[?&]step=(\\d+)/.exec(location.search);\n"
    "  return m ? parseInt(m[1], 10) - 1 : 0;\n"
    "}\n"
    "document.addEventListener(\"keydown\", function (e) {\n"
    "  if (e.altKey || e.ctrlKey || e.metaKey) { return; }\n"
    "  var k = e.key;\n"
    "  if (k === \"ArrowRight\" || k === \"ArrowDown\" || k === \"PageDown\" || k === \" \") { "
    "show(current + 1); }\n"
    "  else if (k === \"ArrowLeft\" || k === \"ArrowUp\" || k === \"PageUp\") { show(current - 1); "
    "}\n"
    "  else if (k === \"Home\") { show(0); }\n"
    "  else if (k === \"End\") { show(steps.length - 1); }\n"
    "  else { return; }\n"
    "  e.preventDefault();\n"
    "});\n"
    "document.getElementById(\"first\").onclick = function () { show(0); };\n"
    "document.getElementById(\"prev\").onclick = function () { show(current - 1); };\n"
    "document.getElementById(\"next\").onclick = function () { show(current + 1); };\n"
    "document.getElementById(\"last\").onclick = function () { show(steps.length - 1); };\n"
    "window.addEventListener(\"hashchange\", function () { if (!selftest) { show(requested()); } "
    "});\n"
    "var selftest = location.hash === \"#selftest\";\n"
    "if (!selftest) { show(requested()); }\n"
    "else {\n"
    "  /* The browser test: step 1, press ArrowRight, check picture and caption changed. */\n"
    "  var out = document.getElementById(\"selftest\");\n"
    "  out.hidden = false;\n"
    "  show(0);\n"
    "  var src0 = picture.getAttribute(\"src\"), cap0 = caption.textContent;\n"
    "  document.dispatchEvent(new KeyboardEvent(\"keydown\", {key: \"ArrowRight\", bubbles: "
    "true}));\n"
    "  var src1 = picture.getAttribute(\"src\"), cap1 = caption.textContent;\n"
    "  var ok = steps.length >= 2 && current === 1 && src0 !== src1 && cap0 !== cap1 &&\n"
    "      src1 === steps[1].svg;\n"
    "  var report = function (loaded) {\n"
    "    out.textContent = (ok && loaded ? \"PASS\" : \"FAIL\") + \" selftest: step \" + (current "
    "+ "
    "1) +\n"
    "        \" src \" + src0 + \" -> \" + src1 + \" caption changed: \" + (cap0 !== cap1) +\n"
    "        \" picture loaded: \" + loaded;\n"
    "  };\n"
    "  if (picture.complete && picture.naturalWidth > 0) { report(true); }\n"
    "  else {\n"
    "    picture.onload = function () { report(picture.naturalWidth > 0); };\n"
    "    picture.onerror = function () { report(false); };\n"
    "  }\n"
    "}\n";

int steps_html_write(FILE *out, const char *title, const steps_page_step *steps, size_t n,
                     const char *note) {
    fputs(page_head, out);
    fputs(i18n_html_lang(), out);
    fputs(page_meta, out);
    html_text(out, title);
    fputs(page_style, out);
    html_text(out, title);
    for (size_t i = 0; i < sizeof page_header / sizeof *page_header; i++) {
        fputs(page_header[i].html, out);
        if (page_header[i].text)
            html_text(out, _(page_header[i].text));
    }
    if (note) {
        fputs("<p class=\"note\">", out);
        html_text(out, note);
        fputs("</p>\n", out);
    }
    fputs("<div id=\"caption\"></div>\n"
          "<img id=\"picture\" alt=\"\">\n"
          "<pre id=\"line\"></pre>\n"
          "<pre id=\"selftest\" hidden></pre>\n"
          "<noscript><ol>\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fputs("<li><a href=\"", out);
        html_text(out, steps[i].svg);
        fputs("\">", out);
        html_text(out, steps[i].caption);
        fputs("</a></li>\n", out);
    }
    fputs("</ol></noscript>\n"
          "</main>\n"
          "<script>\n"
          "\"use strict\";\n"
          "var steps = [\n",
          out);
    for (size_t i = 0; i < n; i++) {
        fputs("  {svg: ", out);
        js_string(out, steps[i].svg);
        fputs(", caption: ", out);
        js_string(out, steps[i].caption);
        fputs(", line: ", out);
        js_string(out, steps[i].line ? steps[i].line : "");
        fputs(i + 1 < n ? "},\n" : "}\n", out);
    }
    fputs("];\n", out);
    fputs(page_script_head, out);
    /* TRANSLATORS: the step page's counter when the run had no frame. */
    js_string(out, _("no steps"));
    fputs(page_script, out);
    fputs("</script>\n"
          "</body>\n"
          "</html>\n",
          out);
    return ferror(out) ? -1 : 0;
}
