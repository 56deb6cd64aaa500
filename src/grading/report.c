/*
 * grading/report: the reports of `netsim test` (docs/grading.md): text for
 * the terminal, JUnit XML for CI servers and learning-management systems
 * (valid against Jenkins' junit-10.xsd, tests/junit/), CSV per RFC 4180.
 * Outputs depend on the inputs only: no wall-clock time, no host name.
 * A report file is written beside its final name and renamed into place,
 * and never through a symbolic link.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen, lstat */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grading/internal.h"
#include "util/i18n.h"

/* Writes `text` with every line after the first indented by `indent`. */
static void grade_indented(FILE *out, const char *indent, const char *text) {
    for (const char *p = text; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fputs(indent, out);
    }
}

void grade_write_text(const grade_file *files, size_t n, FILE *out) {
    for (size_t f = 0; f < n; f++) {
        fprintf(out, "%s%s\n", f ? "\n" : "", files[f].path);
        for (size_t i = 0; i < files[f].n_checks; i++) {
            const grade_check *c = &files[f].checks[i];
            /* TRANSLATORS: 4 columns wide (two Chinese characters), so the
             * check's line starts where the indented details do. */
            fprintf(out, "  %s  ", c->pass ? _("PASS") : _("FAIL"));
            grade_indented(out, "        ", c->name);
            fputc('\n', out);
            if (!c->pass && c->message && *c->message) {
                fputs("        ", out);
                grade_indented(out, "        ", c->message);
                fputc('\n', out);
            }
            if (!c->pass && c->hint) {
                strbuf hint = {0};
                /* TRANSLATORS: the lecturer's hint (never translated) follows. */
                strbuf_printf(&hint, _("hint: %s"), c->hint);
                fputs("        ", out);
                grade_indented(out, "        ", hint.s);
                fputc('\n', out);
                strbuf_free(&hint);
            }
        }
        if (n > 1) { /* each student's own score, then the batch's */
            size_t passed, failed;
            uint64_t score, possible;
            grade_totals(&files[f], 1, &passed, &failed, &score, &possible);
            fputs("  ", out);
            fprintf(out, _("score: %llu of %llu points"), (unsigned long long)score,
                    (unsigned long long)possible);
            fputc('\n', out);
        }
    }
    size_t passed, failed;
    uint64_t score, possible;
    grade_totals(files, n, &passed, &failed, &score, &possible);
    fputc('\n', out);
    fprintf(out, _("score: %llu of %llu points"), (unsigned long long)score,
            (unsigned long long)possible);
    fputc('\n', out);
    fprintf(out, _("%zu passed, %zu failed"), passed, failed);
    fputc('\n', out);
}

/* XML 1.0 text or attribute value: markup escaped, characters XML forbids
 * (controls other than tab and newline) written as U+FFFD. */
static void grade_xml(FILE *out, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\n':
            fputs("&#10;", out);
            break;
        case '\t':
            fputs("&#9;", out);
            break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                fputs("\xEF\xBF\xBD", out);
            else
                fputc(*p, out);
        }
    }
}

void grade_write_junit(const grade_file *files, size_t n, FILE *out) {
    size_t passed, failed;
    uint64_t score, possible;
    grade_totals(files, n, &passed, &failed, &score, &possible);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites name=\"netsim test\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            passed + failed, failed);
    for (size_t f = 0; f < n; f++) {
        size_t p1, f1;
        uint64_t s1, t1;
        grade_totals(&files[f], 1, &p1, &f1, &s1, &t1);
        fputs("  <testsuite name=\"", out);
        grade_xml(out, files[f].path);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" id=\"%zu\">\n",
                p1 + f1, f1, f);
        fprintf(out,
                "    <properties>\n      <property name=\"score\" value=\"%llu\"/>\n"
                "      <property name=\"points\" value=\"%llu\"/>\n    </properties>\n",
                (unsigned long long)s1, (unsigned long long)t1);
        for (size_t i = 0; i < files[f].n_checks; i++) {
            const grade_check *c = &files[f].checks[i];
            fputs("    <testcase name=\"", out);
            grade_xml(out, c->name);
            fputs("\" classname=\"", out);
            grade_xml(out, c->kind);
            fputs("\">\n", out);
            if (!c->pass) {
                fputs("      <failure type=\"", out);
                grade_xml(out, c->kind);
                fputs("\" message=\"", out);
                grade_xml(out, c->message);
                fputs("\">", out);
                grade_xml(out, c->message);
                if (c->hint) {
                    strbuf hint = {0};
                    strbuf_printf(&hint, _("hint: %s"), c->hint);
                    fputs("&#10;", out);
                    grade_xml(out, hint.s);
                    strbuf_free(&hint);
                }
                fputs("</failure>\n", out);
            }
            fprintf(out, "      <system-out>points: %u</system-out>\n    </testcase>\n", c->points);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
}

/* RFC 4180 section 2: a field with a comma, quote or line break is quoted,
 * its quotes doubled. */
static void grade_csv(FILE *out, const char *s) {
    if (!s)
        s = "";
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

void grade_write_csv(const grade_file *files, size_t n, FILE *out) {
    fputs("file,check,name,result,points,message\r\n", out); /* RFC 4180: CRLF */
    for (size_t f = 0; f < n; f++)
        for (size_t i = 0; i < files[f].n_checks; i++) {
            const grade_check *c = &files[f].checks[i];
            grade_csv(out, files[f].path);
            fputc(',', out);
            grade_csv(out, c->kind);
            fputc(',', out);
            grade_csv(out, c->name);
            fprintf(out, ",%s,%u,", c->pass ? "pass" : "fail", c->points);
            grade_csv(out, c->pass ? "" : c->message);
            fputs("\r\n", out);
        }
}

int grade_write_report(const char *path, void (*write)(const grade_file *, size_t, FILE *),
                       const grade_file *files, size_t n, ns_error *err) {
    struct stat st;
    if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return ns_error_set(err, NS_ERR_IO, _("%s: not written: %s"), path,
                            S_ISLNK(st.st_mode) ? _("it is a symbolic link (netsim never writes "
                                                    "through one)")
                                                : _("it exists and is not a regular file"));
    size_t len = strlen(path);
    char *tmp = malloc(len + sizeof ".tmp-XXXXXX");
    if (!tmp)
        return ns_error_set(err, NS_ERR_NOMEM, _("%s: out of memory"), path);
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp-XXXXXX", sizeof ".tmp-XXXXXX");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot write: %s"), path, strerror(e));
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot write: %s"), path, strerror(errno));
    }
    /* mkstemp makes the file 0600; a report is for others to read (umask applies). */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    write(files, n, f);
    int rc = ferror(f) ? EIO : 0;
    if (fclose(f) != 0 && !rc)
        rc = errno;
    if (!rc && rename(tmp, path) != 0)
        rc = errno;
    if (rc) {
        unlink(tmp);
        free(tmp);
        return ns_error_set(err, NS_ERR_IO, _("%s: cannot write: %s"), path, strerror(rc));
    }
    free(tmp);
    return 0;
}
