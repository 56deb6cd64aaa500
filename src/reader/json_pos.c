/*
 * json_pos: a strict JSON syntax checker that explains the first error, and a
 * pre-order value scanner. Both walk the text once, left to right.
 *
 * Invariants: the checker accepts a subset of what cJSON accepts (cJSON is
 * laxer: leading zeros, raw control characters in strings, any byte <= 32 as
 * white space), so text that passes it parses in cJSON to the same tree, and
 * json_pos_value_offset may assume valid input. Nesting is tracked in a fixed
 * stack of JSON_POS_DEPTH_CAP frames; there is no recursion.
 */
#include "reader/json_pos.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"
#include "wire/addr.h"

typedef enum {
    JSON_POS_WANT_VALUE, /* at the start, after ':', '[' or ',' in an array */
    JSON_POS_WANT_KEY,   /* after '{' or ',' in an object */
    JSON_POS_WANT_COLON, /* after a key */
    JSON_POS_WANT_NEXT,  /* after a value inside an object or array */
    JSON_POS_WANT_END,   /* after the top-level value */
} json_pos__want;

typedef struct json_pos__frame {
    char kind;   /* '{' or '[' */
    size_t open; /* offset of the bracket */
} json_pos__frame;

typedef struct json_pos__checker {
    const char *t;
    size_t len;
    int max_depth;
    int depth;
    json_pos__frame stack[JSON_POS_DEPTH_CAP];
    size_t *offset;
    char *msg;
    size_t cap;
} json_pos__checker;

#define JSON_POS_VALUE_DESC                                                                        \
    _("a value: a \"string\", a number, an {object}, an [array], true, false or null")

static bool json_pos__is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool json_pos__is_digit(char c) {
    return c >= '0' && c <= '9';
}

static bool json_pos__is_word(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || json_pos__is_digit(c) || c == '_' ||
           c == '+' || c == '-' || c == '.';
}

/* Records an error at byte `at`; returns -1. */
static int json_pos__fail(json_pos__checker *c, size_t at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int json_pos__fail(json_pos__checker *c, size_t at, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->msg, c->cap, fmt, ap);
    va_end(ap);
    *c->offset = at;
    return -1;
}

/* Describes what stands at offset `i` for "unexpected X": a word, a quoted
 * character, a whole UTF-8 sequence, or "end of input". */
static void json_pos__found(const json_pos__checker *c, size_t i, char *buf, size_t cap) {
    if (i >= c->len) {
        snprintf(buf, cap, _("end of input"));
        return;
    }
    unsigned char ch = (unsigned char)c->t[i];
    if (json_pos__is_word((char)ch)) {
        size_t n = 0;
        while (i + n < c->len && json_pos__is_word(c->t[i + n]) && n < 24)
            n++;
        bool more = i + n < c->len && json_pos__is_word(c->t[i + n]);
        snprintf(buf, cap, "'%.*s%s'", (int)n, c->t + i, more ? "..." : "");
    } else if (ch == '\'') {
        snprintf(buf, cap, "\"'\"");
    } else if (ch >= 0x80) {
        size_t n = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
        if (n > c->len - i)
            n = c->len - i;
        snprintf(buf, cap, "'%.*s'", (int)n, c->t + i);
    } else if (ch < 0x20 || ch == 0x7f) {
        snprintf(buf, cap, _("control character 0x%02x"), ch);
    } else {
        snprintf(buf, cap, "'%c'", ch);
    }
}

/* A parenthesised hint for common mistakes with character `ch`, or "". */
static const char *json_pos__hint(const json_pos__checker *c, size_t i, json_pos__want want,
                                  bool after_comma) {
    if (i >= c->len)
        return "";
    char ch = c->t[i];
    if (ch == '/')
        return _(" (JSON has no comments)");
    if (ch == '\'')
        return _(" (JSON strings use double quotes)");
    if ((unsigned char)ch == 0xe2 && i + 2 < c->len && (unsigned char)c->t[i + 1] == 0x80 &&
        (unsigned char)c->t[i + 2] >= 0x98 && (unsigned char)c->t[i + 2] <= 0x9d)
        return _(" (a typographic quote; JSON needs a plain '\"')");
    if (after_comma && (ch == '}' || ch == ']'))
        return ch == '}' ? _(" (JSON allows no comma before '}')")
                         : _(" (JSON allows no comma before ']')");
    if (want == JSON_POS_WANT_KEY && json_pos__is_word(ch))
        return _(" (keys must be in double quotes)");
    if (want == JSON_POS_WANT_NEXT &&
        (ch == '"' || ch == '{' || ch == '[' || json_pos__is_word(ch)))
        return _(" (is a ',' missing?)");
    return "";
}

/* Fails with "unexpected X<hint>; expected <expected>", and notes an object
 * or array left open when the input ends. */
static int json_pos__unexpected(json_pos__checker *c, size_t i, json_pos__want want,
                                bool after_comma, const char *expected) {
    char found[64];
    json_pos__found(c, i, found, sizeof found);
    const char *hint = json_pos__hint(c, i, want, after_comma);
    if (i >= c->len && c->depth > 0) {
        const json_pos__frame *f = &c->stack[c->depth - 1];
        size_t line, col;
        json_pos_line_col(c->t, c->len, f->open, &line, &col);
        return json_pos__fail(
            c, i,
            f->kind == '{'
                ? _("unexpected end of input; expected %s (the object opened at %zu:%zu is not "
                    "closed)")
                : _("unexpected end of input; expected %s (the array opened at %zu:%zu is not "
                    "closed)"),
            expected, line, col);
    }
    return json_pos__fail(c, i, _("unexpected %s%s; expected %s"), found, hint, expected);
}

/* Checks a \u escape at t[j] == '\\'; returns the offset after it or 0. */
static size_t json_pos__check_unicode(json_pos__checker *c, size_t j, unsigned *cp) {
    if (j + 6 > c->len)
        return 0;
    unsigned v = 0;
    for (size_t k = j + 2; k < j + 6; k++) {
        int h = hex_digit_value(c->t[k]);
        if (h < 0)
            return 0;
        v = v << 4 | (unsigned)h;
    }
    *cp = v;
    return j + 6;
}

/* Checks the string starting at t[i] == '"'; returns 0 and sets *end past the
 * closing quote, or -1. */
static int json_pos__check_string(json_pos__checker *c, size_t i, size_t *end) {
    size_t j = i + 1;
    for (;;) {
        if (j >= c->len)
            return json_pos__fail(c, i, _("unterminated string; expected a closing '\"'"));
        unsigned char ch = (unsigned char)c->t[j];
        if (ch == '"') {
            *end = j + 1;
            return 0;
        }
        if (ch == '\n' || ch == '\r')
            return json_pos__fail(c, j,
                                  _("unexpected line break inside a string; expected a closing "
                                    "'\"' before the end of the line (or \\n for a line break)"));
        if (ch < 0x20)
            return json_pos__fail(c, j,
                                  _("unexpected control character 0x%02x inside a string; "
                                    "expected an escape such as \\t"),
                                  ch);
        if (ch != '\\') {
            j++;
            continue;
        }
        if (j + 1 >= c->len)
            return json_pos__fail(c, i, _("unterminated string; expected a closing '\"'"));
        char e = c->t[j + 1];
        if (strchr("\"\\/bfnrt", e) && e != '\0') {
            j += 2;
            continue;
        }
        if (e != 'u')
            return json_pos__fail(c, j,
                                  _("unexpected escape '\\%c' in a string; expected one of \\\" "
                                    "\\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX"),
                                  e);
        unsigned cp = 0;
        size_t next = json_pos__check_unicode(c, j, &cp);
        if (!next)
            return json_pos__fail(c, j,
                                  _("malformed escape in a string; expected \\u and four "
                                    "hex digits, e.g. \\u00e9"));
        if (cp == 0)
            return json_pos__fail(c, j,
                                  _("unexpected \\u0000 in a string; expected text without "
                                    "NUL characters"));
        if (cp >= 0xdc00 && cp <= 0xdfff)
            return json_pos__fail(c, j,
                                  _("unexpected low surrogate \\u%04x; expected a high "
                                    "surrogate \\uD800-\\uDBFF before it"),
                                  cp);
        if (cp >= 0xd800 && cp <= 0xdbff) {
            unsigned low = 0;
            size_t after = 0;
            if (next + 1 < c->len && c->t[next] == '\\' && c->t[next + 1] == 'u')
                after = json_pos__check_unicode(c, next, &low);
            if (!after || low < 0xdc00 || low > 0xdfff)
                return json_pos__fail(c, j,
                                      _("unpaired high surrogate \\u%04x; expected a low "
                                        "surrogate \\uDC00-\\uDFFF right after it"),
                                      cp);
            next = after;
        }
        j = next;
    }
}

/* Checks the number starting at t[i]; returns 0 and sets *end, or -1. */
static int json_pos__check_number(json_pos__checker *c, size_t i, size_t *end) {
    const char *t = c->t;
    size_t len = c->len, j = i;
    bool ok = true;
    if (j < len && t[j] == '-')
        j++;
    if (j < len && t[j] == '0') {
        j++;
    } else if (j < len && json_pos__is_digit(t[j])) {
        while (j < len && json_pos__is_digit(t[j]))
            j++;
    } else {
        ok = false;
    }
    if (ok && j < len && t[j] == '.') {
        j++;
        if (!(j < len && json_pos__is_digit(t[j])))
            ok = false;
        while (j < len && json_pos__is_digit(t[j]))
            j++;
    }
    if (ok && j < len && (t[j] == 'e' || t[j] == 'E')) {
        j++;
        if (j < len && (t[j] == '+' || t[j] == '-'))
            j++;
        if (!(j < len && json_pos__is_digit(t[j])))
            ok = false;
        while (j < len && json_pos__is_digit(t[j]))
            j++;
    }
    size_t k = i;
    while (k < len && json_pos__is_word(t[k]))
        k++;
    if (!ok || k != j) {
        char found[64];
        json_pos__found(c, i, found, sizeof found);
        return json_pos__fail(c, i,
                              _("malformed number %s; expected a JSON number such as 42, -1, 0.5 "
                                "or 1e3 (no leading zeros, no '+', no hex)"),
                              found);
    }
    *end = j;
    return 0;
}

int json_pos_check(const char *text, size_t len, int max_depth, size_t *offset, char *msg,
                   size_t cap) {
    assert(max_depth >= 1 && max_depth <= JSON_POS_DEPTH_CAP);
    json_pos__checker c = {
        .t = text, .len = len, .max_depth = max_depth, .offset = offset, .msg = msg, .cap = cap};
    json_pos__want want = JSON_POS_WANT_VALUE;
    bool after_open = false, after_comma = false;
    size_t i = 0;
    for (;;) {
        while (i < len && json_pos__is_ws(text[i]))
            i++;
        bool opened = after_open, comma = after_comma;
        after_open = after_comma = false;
        char top = c.depth > 0 ? c.stack[c.depth - 1].kind : 0;
        if (i >= len && want == JSON_POS_WANT_END)
            return 0;
        char ch = i < len ? text[i] : '\0';
        bool have_value = false;
        switch (want) {
        case JSON_POS_WANT_VALUE:
            if (i < len && ch == ']' && opened) {
                c.depth--;
                i++;
                have_value = true;
            } else if (i < len && (ch == '{' || ch == '[')) {
                if (c.depth >= max_depth)
                    return json_pos__fail(&c, i,
                                          _("'%c' nests deeper than %d levels; expected at most %d "
                                            "levels of nested objects and arrays"),
                                          ch, max_depth, max_depth);
                c.stack[c.depth].kind = ch;
                c.stack[c.depth].open = i;
                c.depth++;
                want = ch == '{' ? JSON_POS_WANT_KEY : JSON_POS_WANT_VALUE;
                after_open = true;
                i++;
            } else if (i < len && ch == '"') {
                if (json_pos__check_string(&c, i, &i) != 0)
                    return -1;
                have_value = true;
            } else if (i < len && (ch == '-' || json_pos__is_digit(ch))) {
                if (json_pos__check_number(&c, i, &i) != 0)
                    return -1;
                have_value = true;
            } else if (i < len && json_pos__is_word(ch)) {
                size_t k = i;
                while (k < len && json_pos__is_word(text[k]))
                    k++;
                size_t n = k - i;
                if ((n == 4 && memcmp(text + i, "true", 4) == 0) ||
                    (n == 5 && memcmp(text + i, "false", 5) == 0) ||
                    (n == 4 && memcmp(text + i, "null", 4) == 0)) {
                    i = k;
                    have_value = true;
                } else {
                    return json_pos__unexpected(&c, i, want, comma, JSON_POS_VALUE_DESC);
                }
            } else {
                return json_pos__unexpected(&c, i, want, comma,
                                            opened && top == '[' ? _("a value or ']'")
                                                                 : JSON_POS_VALUE_DESC);
            }
            break;
        case JSON_POS_WANT_KEY:
            if (i < len && ch == '}' && opened) {
                c.depth--;
                i++;
                have_value = true;
            } else if (i < len && ch == '"') {
                if (json_pos__check_string(&c, i, &i) != 0)
                    return -1;
                want = JSON_POS_WANT_COLON;
            } else {
                return json_pos__unexpected(&c, i, want, comma,
                                            opened ? _("a key in double quotes or '}'")
                                                   : _("a key in double quotes"));
            }
            break;
        case JSON_POS_WANT_COLON:
            if (i < len && ch == ':') {
                want = JSON_POS_WANT_VALUE;
                i++;
            } else {
                return json_pos__unexpected(&c, i, want, comma, _("':' after the key"));
            }
            break;
        case JSON_POS_WANT_NEXT:
            if (i < len && ch == ',') {
                want = top == '{' ? JSON_POS_WANT_KEY : JSON_POS_WANT_VALUE;
                after_comma = true;
                i++;
            } else if (i < len && ch == (top == '{' ? '}' : ']')) {
                c.depth--;
                i++;
                have_value = true;
            } else {
                return json_pos__unexpected(&c, i, want, comma,
                                            top == '{' ? _("',' or '}'") : _("',' or ']'"));
            }
            break;
        case JSON_POS_WANT_END:
            return json_pos__unexpected(&c, i, want, comma,
                                        _("the end of the text after the top-level value"));
        }
        if (have_value)
            want = c.depth > 0 ? JSON_POS_WANT_NEXT : JSON_POS_WANT_END;
    }
}

/* The offset just past the string starting at t[i] == '"' (text is valid). */
static size_t json_pos__skip_string(const char *t, size_t len, size_t i) {
    size_t j = i + 1;
    while (j < len && t[j] != '"')
        j += t[j] == '\\' ? 2 : 1;
    return j < len ? j + 1 : len;
}

size_t json_pos_value_offset(const char *text, size_t len, size_t index, bool key) {
    size_t count = 0, i = 0;
    size_t pending_key = len; /* the key of the member whose value comes next */
    while (i < len) {
        char ch = text[i];
        if (json_pos__is_ws(ch) || ch == ',' || ch == ']' || ch == '}') {
            i++;
            continue;
        }
        size_t start = i;
        if (ch == '"') {
            i = json_pos__skip_string(text, len, i);
            size_t j = i;
            while (j < len && json_pos__is_ws(text[j]))
                j++;
            if (j < len && text[j] == ':') {
                pending_key = start;
                i = j + 1;
                continue;
            }
        } else if (ch == '{' || ch == '[') {
            i++;
        } else {
            while (i < len && json_pos__is_word(text[i]))
                i++;
            if (i == start)
                i++; /* not valid JSON; never loop forever */
        }
        if (count == index)
            return key && pending_key < len ? pending_key : start;
        count++;
        pending_key = len;
    }
    return len;
}

void json_pos_line_col(const char *text, size_t len, size_t offset, size_t *line, size_t *col) {
    if (offset > len)
        offset = len;
    size_t l = 1, line_start = 0;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            l++;
            line_start = i + 1;
        }
    }
    *line = l;
    *col = offset - line_start + 1;
}
