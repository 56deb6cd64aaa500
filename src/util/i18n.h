/*
 * i18n: the language of everything netsim says to a person (GNU gettext).
 * Strings a reader sees are marked _("...") where they are used, or N_("...")
 * where they sit in a table and are translated (with _) when shown; xgettext
 * collects both into po/netsim.pot, and po/zh_CN.po is the Chinese catalogue.
 *
 * Machine formats never go through here: trace.jsonl keys and reason codes,
 * paths.json keys, pcaps and exit statuses are the same in every language.
 *
 * The language comes from --lang or from the locale variables, and works
 * without any locale generated on the machine: netsim runs its messages
 * under C.UTF-8 (built into glibc) and names the catalogue through LANGUAGE,
 * which glibc's gettext honours in any locale but plain "C".
 */
#ifndef NETSIM_UTIL_I18N_H
#define NETSIM_UTIL_I18N_H

#include <libintl.h>
#include <stdbool.h>

/* True once i18n_init has loaded a catalogue; in English a message is its
 * msgid, so _() skips gettext's look-up altogether (1.6% of a traced run's
 * instructions went to it). */
extern bool i18n_translating;

__attribute__((format_arg(1))) static inline char *i18n_gettext(const char *msgid) {
    return i18n_translating ? gettext(msgid) : (char *)msgid;
}

#define _(msgid)  i18n_gettext(msgid)
#define N_(msgid) (msgid)

typedef enum {
    I18N_EN, /* the msgids themselves: English */
    I18N_ZH, /* simplified Chinese (po/zh_CN.po) */
} i18n_lang;

/* Chooses and loads the language. `flag` is --lang's value ("zh", "en",
 * also "zh_CN", "zh-CN", "chinese"... see i18n_parse) or NULL to follow
 * LANGUAGE, LC_ALL, LC_MESSAGES and LANG (the first one set decides; a
 * value starting "zh" is Chinese, anything else English). `argv0` is used
 * only when /proc/self/exe cannot be read, to find the catalogue beside the
 * executable: <dir>/locale (the build tree), <dir>/../share/locale (an
 * install prefix), then the configured install directory. Returns 0, or -1
 * when `flag` names no language this build has (nothing is changed then). */
int i18n_init(const char *flag, const char *argv0);

/* `text` ("zh", "zh_CN.UTF-8", "en", "C", ...) as a language; -1 when it is
 * none netsim knows. Only the part before '_', '-', '.' or '@' counts. */
int i18n_parse(const char *text);

/* The language chosen by i18n_init (I18N_EN before it runs). */
i18n_lang i18n_current(void);

/* "en" or "zh-CN", for an HTML page's lang attribute. */
const char *i18n_html_lang(void);

/* Where the catalogue was found, or NULL when the language is English or no
 * catalogue was found (then messages stay in English; i18n_init says so). */
const char *i18n_catalogue_dir(void);

#endif
