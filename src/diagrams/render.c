#define _POSIX_C_SOURCE 200809L /* access */
/*
 * render: has Graphviz draw the .dot files the pictures listed: finds `dot`
 * on PATH, makes one bounded job per file and output format (graphviz.h: an
 * argument vector, no shell, file names never parsed; a timeout, a total
 * budget and a memory bound per process; one process per file, the only way
 * its output is deterministic), and turns the outcomes into the run's error
 * (dot failed on a diagram of normal size) or one line of the user's note
 * per reason a picture was not drawn, plus Graphviz's first warning.
 */
#include "diagrams/internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diagrams/graphviz.h"
#include "util/alloc.h"
#include "util/i18n.h"

#define PNG_DPI "144"

char *dg_find_program(const char *name) {
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        strbuf dir = {0};
        strbuf_put(&dir, len ? p : ".", len ? len : 1);
        char *full = dg_path_join(dir.s, name);
        strbuf_free(&dir);
        struct stat sb;
        if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode) && access(full, X_OK) == 0)
            return full;
        free(full);
        if (!end)
            return NULL;
        p = end + 1;
    }
}

/* What to run over a list of files: the arguments before "-o OUT IN", and
 * the output's extension. */
typedef struct batch {
    const char *args[6]; /* NULL-terminated */
    const char *ext;     /* "svg" or "png" */
    const file_list *files;
} batch;

/* Pictures that were not drawn for one reason: the first one, how many,
 * and how many were not tried because another picture of the same .dot
 * failed that way (a .png after its .svg: the SVGs are drawn first). */
typedef struct tally {
    const graphviz_job *first;
    size_t n, skipped;
} tally;

static void tally_add(tally *t, const graphviz_job *j) {
    if (j->skipped) {
        t->skipped++;
        return;
    }
    if (t->n++ == 0)
        t->first = j;
}

/* A path under the output directory, as the user knows it ("paths/3.svg"). */
static const char *rel_name(const writer *w, const char *path) {
    size_t n = strlen(w->base);
    return strncmp(path, w->base, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

/* "topology.svg not drawn: WHY; topology.dot is written", or for several
 * "paths/1.svg and 3 more pictures not drawn: WHY; their .dot files are
 * written"; "(nor topology.png)", "(nor 3 .png of them)" for the skipped. */
static void note_not_drawn(const writer *w, char *note, size_t cap, const tally *t,
                           const char *why) {
    if (t->n == 0)
        return;
    char text[900], stem[512];
    const char *first = rel_name(w, t->first->out);
    const char *ext = strrchr(first, '.');
    snprintf(stem, sizeof stem, "%.*s", (int)(ext ? (size_t)(ext - first) : strlen(first)), first);
    if (t->n == 1 && t->skipped)
        /* TRANSLATORS: a picture (topology.svg) not drawn, nor its PNG, and why. */
        snprintf(text, sizeof text, _("%s not drawn (nor %s.png): %s; %s.dot is written"), first,
                 stem, why, stem);
    else if (t->n == 1)
        snprintf(text, sizeof text, _("%s not drawn: %s; %s.dot is written"), first, why, stem);
    else if (t->skipped)
        snprintf(text, sizeof text,
                 ngettext("%s and %zu more picture not drawn (nor %zu .png of them): %s; their "
                          ".dot files are written",
                          "%s and %zu more pictures not drawn (nor %zu .png of them): %s; their "
                          ".dot files are written",
                          t->n - 1),
                 first, t->n - 1, t->skipped, why);
    else
        snprintf(text, sizeof text,
                 ngettext("%s and %zu more picture not drawn: %s; their .dot files are written",
                          "%s and %zu more pictures not drawn: %s; their .dot files are written",
                          t->n - 1),
                 first, t->n - 1, why);
    dg_note_add(note, cap, text);
}

static void format_memory(uint64_t bytes, char *out, size_t cap) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        snprintf(out, cap, "%" PRIu64 " GiB", (uint64_t)(bytes >> 30));
    else
        snprintf(out, cap, "%" PRIu64 " MiB", (uint64_t)((bytes + (1u << 20) - 1) >> 20));
}

/* "exit status 1: Error: syntax error in line 3" */
static void describe_failure(const graphviz_job *j, char *out, size_t cap) {
    int st = j->status;
    snprintf(out, cap, "%s %d: %s", WIFEXITED(st) ? "exit status" : "signal",
             WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
             j->message[0] ? j->message : "no message");
}

/* Turns the jobs' outcomes into the error (an error exit on a diagram of
 * normal size, as before the bounds) or one note per reason (a bound, a
 * crash, an error on the light topology), plus Graphviz's first warning. */
static void report_jobs(writer *w, const graphviz_job *jobs, size_t n, const graphviz_limits *lim,
                        char *note, size_t note_cap) {
    tally timeout = {0}, memory = {0}, crashed = {0}, budget = {0}, stopped = {0}, failed = {0};
    const graphviz_job *warned = NULL;
    for (size_t k = 0; k < n; k++) {
        const graphviz_job *j = &jobs[k];
        switch (j->outcome) {
        case GRAPHVIZ_DONE:
            if (j->stderr_len && !warned)
                warned = j;
            break;
        case GRAPHVIZ_FAILED:
            if (w->light_dot && strcmp(j->in, w->light_dot) == 0) {
                tally_add(&failed, j);
            } else if (w->rc == 0) {
                int st = j->status;
                w->rc = ns_error_set(w->err, NS_ERR_IO,
                                     WIFEXITED(st) ? _("Graphviz's dot failed (exit status %d) on "
                                                       "%s: %s")
                                                   : _("Graphviz's dot failed (signal %d) on %s: "
                                                       "%s"),
                                     WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), j->in,
                                     j->message[0] ? j->message : "no message");
            }
            break;
        case GRAPHVIZ_TIMEOUT:
            tally_add(&timeout, j);
            break;
        case GRAPHVIZ_MEMORY:
            tally_add(&memory, j);
            break;
        case GRAPHVIZ_BUDGET:
            tally_add(&budget, j);
            break;
        case GRAPHVIZ_CRASHED:
            tally_add(&crashed, j);
            break;
        case GRAPHVIZ_INTERRUPTED:
            tally_add(&stopped, j);
            break;
        }
    }
    if (w->rc != 0)
        return;
    char why[700], size[32];
    snprintf(why, sizeof why, _("Graphviz took more than %lu s"), (unsigned long)lim->timeout_s);
    note_not_drawn(w, note, note_cap, &timeout, why);
    format_memory(lim->memory, size, sizeof size);
    snprintf(why, sizeof why, _("Graphviz needed more than %s of memory"), size);
    note_not_drawn(w, note, note_cap, &memory, why);
    if (crashed.n) {
        snprintf(why, sizeof why, _("Graphviz crashed (signal %d; its memory bound is %s)"),
                 WTERMSIG(crashed.first->status), size);
        note_not_drawn(w, note, note_cap, &crashed, why);
    }
    snprintf(why, sizeof why, _("Graphviz's time for this run ran out (%lu s for all diagrams)"),
             (unsigned long)lim->budget_s);
    note_not_drawn(w, note, note_cap, &budget, why);
    note_not_drawn(w, note, note_cap, &stopped, _("netsim was interrupted"));
    if (failed.n) {
        char detail[600];
        describe_failure(failed.first, detail, sizeof detail);
        snprintf(why, sizeof why, _("Graphviz failed (%s)"), detail);
        note_not_drawn(w, note, note_cap, &failed, why);
    }
    if (warned) {
        snprintf(why, sizeof why, _("Graphviz warned while drawing %s: %s"), warned->in,
                 warned->message);
        dg_note_add(note, note_cap, why);
    }
}

/* Runs dot once per file of every batch (graphviz.h: bounded, a few at
 * once); FILE.dot becomes FILE.svg or FILE.png. */
static void render_all(writer *w, const char *dot, const batch *batches, size_t n_batches,
                       char *note, size_t note_cap) {
    size_t n_jobs = 0;
    for (size_t b = 0; b < n_batches; b++)
        n_jobs += batches[b].files->n;
    graphviz_job *jobs = ns_xcalloc(n_jobs, sizeof *jobs);
    char **outs = ns_xcalloc(n_jobs, sizeof *outs);
    size_t k = 0;
    for (size_t b = 0; b < n_batches; b++) {
        const batch *bt = &batches[b];
        for (size_t f = 0; f < bt->files->n; f++, k++) {
            graphviz_job *j = &jobs[k];
            const char *in = bt->files->paths[f];
            strbuf out = {0};
            strbuf_printf(&out, "%.*s.%s", (int)(strlen(in) - 4), in, bt->ext); /* without ".dot" */
            size_t a = 0;
            j->argv[a++] = "dot";
            for (size_t i = 0; bt->args[i]; i++)
                j->argv[a++] = bt->args[i];
            j->argv[a++] = "-o";
            j->argv[a++] = out.s;
            j->argv[a++] = in;
            j->argv[a] = NULL;
            j->out = outs[k] = out.s;
            j->in = in;
        }
    }
    graphviz_limits lim;
    graphviz_limits_get(&lim);
    int rc = graphviz_run(dot, jobs, n_jobs, &lim, w->err);
    if (rc != 0 && w->rc == 0)
        w->rc = rc;
    report_jobs(w, jobs, n_jobs, &lim, note, note_cap);
    for (size_t i = 0; i < n_jobs; i++)
        free(outs[i]);
    free(outs);
    free(jobs);
}

void dg_render(writer *w, const char *dot, char *note, size_t note_cap) {
    batch batches[] = {
        {{"-Tsvg", NULL}, "svg", &w->dot_files},
        {{"-Kneato", "-n2", "-Tsvg", NULL}, "svg", &w->neato_files},
        {{"-Tsvg", NULL}, "svg", &w->step_files},
        {{"-Gdpi=" PNG_DPI, "-Tpng", NULL}, "png", &w->png_dot},
        {{"-Kneato", "-n2", "-Gdpi=" PNG_DPI, "-Tpng", NULL}, "png", &w->png_neato},
    };
    render_all(w, dot, batches, sizeof batches / sizeof batches[0], note, note_cap);
}
