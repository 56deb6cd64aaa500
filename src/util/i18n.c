/*
 * i18n: choosing the language and finding the catalogue (see i18n.h).
 */
#define _POSIX_C_SOURCE 200809L /* setenv, readlink */
#include "util/i18n.h"

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define I18N_DOMAIN "netsim"

#ifndef NETSIM_LOCALEDIR
#define NETSIM_LOCALEDIR "/usr/local/share/locale"
#endif

static i18n_lang current = I18N_EN;
bool i18n_translating;
static char catalogue_dir[4096];

int i18n_parse(const char *text) {
    if (!text)
        return -1;
    size_t n = strcspn(text, "_-.@:");
    if ((n == 2 && strncmp(text, "zh", 2) == 0) || (n == 7 && strncmp(text, "chinese", 7) == 0))
        return I18N_ZH;
    if ((n == 2 && strncmp(text, "en", 2) == 0) || (n == 1 && text[0] == 'C') ||
        (n == 5 && strncmp(text, "POSIX", 5) == 0) || (n == 7 && strncmp(text, "english", 7) == 0))
        return I18N_EN;
    return -1;
}

/* The language the environment asks for, as gettext reads it: the first
 * entry of LANGUAGE (a colon-separated list) unless the locale is plainly
 * C or POSIX, else the locale: LC_ALL, LC_MESSAGES, LANG, the first one set.
 * A language netsim does not have is English. */
static i18n_lang from_environment(void) {
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *locale = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !locale; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            locale = v;
    }
    bool plain_c = locale && (strcmp(locale, "C") == 0 || strcmp(locale, "POSIX") == 0);
    const char *language = getenv("LANGUAGE");
    const char *wanted = language && *language && !plain_c ? language : locale;
    return i18n_parse(wanted) == I18N_ZH ? I18N_ZH : I18N_EN;
}

static int has_catalogue(const char *dir) {
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/zh_CN/LC_MESSAGES/" I18N_DOMAIN ".mo", dir);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The executable's folder into buf (no trailing '/'), or "" when unknown. */
static void exe_dir(const char *argv0, char *buf, size_t cap) {
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n > 0) {
        buf[n] = '\0';
    } else if (argv0 && strchr(argv0, '/')) {
        snprintf(buf, cap, "%s", argv0);
    } else {
        buf[0] = '\0';
        return;
    }
    char *slash = strrchr(buf, '/');
    if (slash)
        *slash = '\0';
    else
        buf[0] = '\0';
}

static int find_catalogue(const char *argv0) {
    char dir[2048];
    exe_dir(argv0, dir, sizeof dir);
    const char *const below[] = {"/locale", "/../share/locale"}; /* build tree, prefix */
    for (size_t i = 0; dir[0] && i < sizeof below / sizeof below[0]; i++) {
        snprintf(catalogue_dir, sizeof catalogue_dir, "%s%s", dir, below[i]);
        if (has_catalogue(catalogue_dir))
            return 0;
    }
    snprintf(catalogue_dir, sizeof catalogue_dir, "%s", NETSIM_LOCALEDIR);
    if (has_catalogue(catalogue_dir))
        return 0;
    catalogue_dir[0] = '\0';
    return -1;
}

int i18n_init(const char *flag, const char *argv0) {
    int chosen = flag ? i18n_parse(flag) : (int)from_environment();
    if (chosen < 0)
        return -1;
    current = (i18n_lang)chosen;
    i18n_translating = false;
    /* Numbers, sorting and character classes stay C's, so machine formats do
     * not move with the locale; only messages (and, for them, UTF-8) change. */
    setlocale(LC_ALL, "C");
    if (current == I18N_EN) {
        unsetenv("LANGUAGE");
        catalogue_dir[0] = '\0';
        return 0;
    }
    if (find_catalogue(argv0) != 0) {
        current = I18N_EN;
        fprintf(stderr, "netsim: no Chinese message catalogue (netsim.mo) beside the program "
                        "or in " NETSIM_LOCALEDIR "; messages stay in English\n");
        return 0;
    }
    if (!setlocale(LC_MESSAGES, "C.UTF-8"))
        setlocale(LC_MESSAGES, "C.utf8");
    setlocale(LC_CTYPE, "C.UTF-8");
    setenv("LANGUAGE", "zh_CN", 1);
    bindtextdomain(I18N_DOMAIN, catalogue_dir);
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
    i18n_translating = true;
    return 0;
}

i18n_lang i18n_current(void) {
    return current;
}

const char *i18n_html_lang(void) {
    return current == I18N_ZH ? "zh-CN" : "en";
}

const char *i18n_catalogue_dir(void) {
    return catalogue_dir[0] ? catalogue_dir : NULL;
}
