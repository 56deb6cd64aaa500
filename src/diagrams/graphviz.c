#define _POSIX_C_SOURCE 200809L /* fork, sigtimedwait, setpgid, clock_gettime */
#define _DEFAULT_SOURCE         /* wait4: a child's own peak memory */
/*
 * graphviz: bounded dot processes (see graphviz.h).
 *
 * Waiting: SIGCHLD is blocked (and set to its default action, so children
 * are not reaped behind our back) while jobs run, and sigtimedwait sleeps
 * until a child ends or the earliest deadline comes, whichever is first; a
 * slice is at most WAIT_SLICE_MS, so a lost wake-up costs only that. When
 * a signal handler runs meanwhile (netsim's SIGINT or SIGTERM), sigtimedwait
 * says EINTR and the jobs are stopped: Ctrl-C no longer reaches the children
 * directly, since they are in process groups of their own.
 *
 * The memory bound: a child that hits RLIMIT_AS sees malloc fail, and
 * Graphviz then says "out of memory", GLib aborts ("Cannot allocate
 * memory"), or the process crashes on the NULL it did not check. A failed
 * child counts as stopped by the bound when its standard error says so, or
 * when its peak resident memory reached half the bound (the rest of its
 * address space being libraries, thread stacks and reserved heap). A crash
 * without either sign may still be the bound (a small bound, a large single
 * allocation), so it is told apart from an error exit: it becomes a note,
 * an error exit stays an error.
 */
#include "diagrams/graphviz.h"
#include "util/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define WAIT_SLICE_MS 250

extern char **environ;

/* --- limits --- */

/* A positive whole number no larger than max from the environment, else 0. */
static uint64_t env_count(const char *name, uint64_t max) {
    const char *s = getenv(name);
    if (!s || *s < '0' || *s > '9')
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > max)
        return 0;
    return v;
}

void graphviz_limits_get(graphviz_limits *l) {
    uint64_t t = env_count("NETSIM_DOT_TIMEOUT", 86400);
    uint64_t b = env_count("NETSIM_DOT_BUDGET", 86400);
    uint64_t m = env_count("NETSIM_DOT_MEMORY", 1048576);
    l->timeout_s = t ? (uint32_t)t : GRAPHVIZ_TIMEOUT_S;
    l->budget_s = b ? (uint32_t)b : GRAPHVIZ_BUDGET_S;
    l->memory = (m ? m : GRAPHVIZ_MEMORY_MIB) << 20;
    /* netsim's own bound (--max-memory sets RLIMIT_DATA) is inherited: the
     * lower one is the one that holds. */
    static const int kinds[] = {RLIMIT_AS, RLIMIT_DATA};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        struct rlimit rl;
        if (getrlimit(kinds[i], &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
            (uint64_t)rl.rlim_cur < l->memory)
            l->memory = (uint64_t)rl.rlim_cur;
    }
}

/* --- one job --- */

/* What graphviz_run keeps per running job. */
typedef struct slot {
    graphviz_job *job;
    pid_t pid;
    FILE *err;       /* the child's standard error */
    int64_t due_ms;  /* when it is killed */
    bool budget_due; /* due_ms is the run's budget, not the job's timeout */
} slot;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child, between fork and exec: only system calls. */
static _Noreturn void child_exec(const char *dot, const graphviz_job *j, int devnull, int err_fd,
                                 pid_t parent, const sigset_t *mask, uint64_t memory) {
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127); /* netsim is already gone */
#else
    (void)parent;
#endif
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0) {
        if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > memory)
            rl.rlim_cur = (rlim_t)memory;
        if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > memory)
            rl.rlim_max = (rlim_t)memory;
        setrlimit(RLIMIT_AS, &rl);
    }
    sigprocmask(SIG_SETMASK, mask, NULL);
    /* Above 2 first, in case either was handed out as 0, 1 or 2. */
    int null_fd = fcntl(devnull, F_DUPFD_CLOEXEC, 3), stderr_fd = fcntl(err_fd, F_DUPFD_CLOEXEC, 3);
    if (null_fd < 0 || stderr_fd < 0)
        _exit(127);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(stderr_fd, 2);
    execve(dot, (char *const *)j->argv, environ);
    static const char msg[] = "netsim: cannot execute Graphviz's dot\n";
    ssize_t w = write(2, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* Starts job j in s. Returns 0 or NS_ERR_IO with err set. */
static int slot_start(slot *s, graphviz_job *j, const char *dot, int devnull, const sigset_t *mask,
                      uint64_t memory, ns_error *err) {
    *s = (slot){.job = j};
    s->err = tmpfile();
    if (!s->err)
        return ns_error_set(err, NS_ERR_IO, "cannot run %s: no temporary file: %s", dot,
                            strerror(errno));
    int err_fd = fileno(s->err);
    fcntl(err_fd, F_SETFD, FD_CLOEXEC); /* other children need not hold it */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        fclose(s->err);
        s->err = NULL;
        return ns_error_set(err, NS_ERR_IO, "cannot run %s: %s", dot, strerror(e));
    }
    if (pid == 0)
        child_exec(dot, j, devnull, err_fd, parent, mask, memory);
    setpgid(pid,
            pid); /* also here: killpg must work whoever runs first (EACCES once it ran exec) */
    s->pid = pid;
    return 0;
}

static bool contains_ci(const char *s, const char *word) {
    size_t n = strlen(word);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] && (s[i] | 0x20) == (word[i] | 0x20))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

static bool hit_memory_bound(const char *text, const struct rusage *ru, uint64_t memory) {
    if (contains_ci(text, "memory") || strstr(text, "bad_alloc") ||
        contains_ci(text, "creating thread"))
        return true;
    return (uint64_t)ru->ru_maxrss * 1024u >= memory / 2; /* ru_maxrss is in KiB */
}

/* Records how the reaped child of s ended, and closes s. `forced` is the
 * outcome when netsim killed it (GRAPHVIZ_DONE when it ended by itself). */
static void slot_finish(slot *s, int status, const struct rusage *ru, graphviz_outcome forced,
                        uint64_t memory) {
    graphviz_job *j = s->job;
    char text[4096];
    size_t n = 0;
    if (s->err) {
        rewind(s->err);
        n = fread(text, 1, sizeof text - 1, s->err);
        fseek(s->err, 0, SEEK_END);
        long total = ftell(s->err);
        j->stderr_len = total > 0 ? (size_t)total : n;
        fclose(s->err);
        s->err = NULL;
    }
    text[n] = '\0';
    size_t len = strcspn(text, "\n");
    snprintf(j->message, sizeof j->message, "%.*s", (int)len, text);
    j->status = status;
    if (forced != GRAPHVIZ_DONE)
        j->outcome = forced;
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        j->outcome = GRAPHVIZ_DONE;
    else if (hit_memory_bound(text, ru, memory))
        j->outcome = GRAPHVIZ_MEMORY;
    else
        j->outcome = WIFSIGNALED(status) ? GRAPHVIZ_CRASHED : GRAPHVIZ_FAILED;
    if (j->outcome != GRAPHVIZ_DONE)
        unlink(j->out); /* partial output: this job's own file, never another */
    s->pid = 0;
}

/* Kills s's process group, reaps the child and records `why`. */
static void slot_kill(slot *s, graphviz_outcome why, uint64_t memory) {
    kill(-s->pid, SIGKILL);
    kill(s->pid, SIGKILL);
    int status = 0;
    struct rusage ru = {0};
    while (wait4(s->pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    slot_finish(s, status, &ru, why, memory);
}

/* --- the run --- */

/* The queue: jobs are started in order, except that a job waits while
 * another job on the same input runs (a .png waits for its .svg), and is
 * not started at all when one on its input timed out or hit the memory
 * bound (it would only do so again): it gets that outcome, `skipped`. */
typedef struct queue {
    graphviz_job *jobs;
    size_t n, first;             /* jobs[first] is the first job not yet taken */
    uint8_t *taken;              /* per job: started, or given an outcome unstarted */
    const graphviz_job **failed; /* the jobs that timed out or hit the memory bound */
    size_t n_failed, cap_failed;
} queue;

static bool input_running(const slot *slots, const char *in) {
    for (size_t i = 0; i < GRAPHVIZ_PARALLEL; i++)
        if (slots[i].pid > 0 && strcmp(slots[i].job->in, in) == 0)
            return true;
    return false;
}

/* Remembers j when it timed out or hit the memory bound. */
static void queue_finished(queue *q, const graphviz_job *j) {
    if (j->outcome != GRAPHVIZ_TIMEOUT && j->outcome != GRAPHVIZ_MEMORY)
        return;
    if (q->n_failed == q->cap_failed) {
        size_t cap = q->cap_failed ? q->cap_failed * 2 : 8;
        const graphviz_job **f = realloc(q->failed, cap * sizeof *f);
        if (!f)
            ns_out_of_memory();
        q->failed = f;
        q->cap_failed = cap;
    }
    q->failed[q->n_failed++] = j;
}

/* The next job to start, or NULL when every remaining one waits. */
static graphviz_job *queue_next(queue *q, const slot *slots) {
    for (size_t k = q->first; k < q->n; k++) {
        graphviz_job *j = &q->jobs[k];
        if (q->taken[k] || input_running(slots, j->in))
            continue;
        q->taken[k] = 1;
        while (q->first < q->n && q->taken[q->first])
            q->first++;
        const graphviz_job *p = NULL;
        for (size_t i = 0; i < q->n_failed && !p; i++)
            if (strcmp(q->failed[i]->in, j->in) == 0)
                p = q->failed[i];
        if (!p)
            return j;
        j->outcome = p->outcome;
        j->skipped = true;
    }
    return NULL;
}

/* Sleeps until a child ends, a signal handler runs (returns false), or
 * until_ms. */
static bool wait_child(const sigset_t *chld, int64_t until_ms) {
    int64_t left = until_ms - now_ms();
    if (left <= 0)
        return true;
    if (left > WAIT_SLICE_MS)
        left = WAIT_SLICE_MS;
    struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = (long)(left % 1000) * 1000000};
    if (sigtimedwait(chld, NULL, &ts) < 0 && errno == EINTR)
        return false;
    return true;
}

/* Kills every running job with outcome `why`. */
static void kill_all(slot *slots, graphviz_outcome why, uint64_t memory) {
    for (size_t i = 0; i < GRAPHVIZ_PARALLEL; i++)
        if (slots[i].pid > 0)
            slot_kill(&slots[i], why, memory);
}

/* Reaps the children that ended; returns how many. */
static size_t reap_ended(slot *slots, uint64_t memory) {
    size_t ended = 0;
    for (size_t i = 0; i < GRAPHVIZ_PARALLEL; i++) {
        slot *s = &slots[i];
        if (s->pid <= 0)
            continue;
        int status = 0;
        struct rusage ru = {0};
        pid_t r = wait4(s->pid, &status, WNOHANG, &ru);
        if (r == 0 || (r < 0 && errno == EINTR))
            continue;
        if (r < 0) /* reaped elsewhere (ECHILD): its status is lost */
            status = 127 << 8;
        slot_finish(s, status, &ru, GRAPHVIZ_DONE, memory);
        ended++;
    }
    return ended;
}

int graphviz_run(const char *dot, graphviz_job *jobs, size_t n, const graphviz_limits *limits,
                 ns_error *err) {
    for (size_t k = 0; k < n; k++) {
        jobs[k].outcome = GRAPHVIZ_INTERRUPTED; /* until it has another */
        jobs[k].skipped = false;
        jobs[k].status = 0;
        jobs[k].message[0] = '\0';
        jobs[k].stderr_len = 0;
    }
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0)
        return ns_error_set(err, NS_ERR_IO, "cannot open /dev/null: %s", strerror(errno));
    sigset_t chld, old_mask;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, &old_mask);
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old_action;
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGCHLD, &dfl, &old_action);

    int rc = 0;
    slot slots[GRAPHVIZ_PARALLEL] = {{0}};
    queue q = {.jobs = jobs, .n = n, .taken = calloc(n ? n : 1, 1)};
    if (!q.taken)
        ns_out_of_memory();
    size_t running = 0;
    int64_t budget_end = now_ms() + (int64_t)limits->budget_s * 1000;
    bool stop = false; /* interrupted, or a process could not be started */
    for (;;) {
        graphviz_job *j;
        while (!stop && running < GRAPHVIZ_PARALLEL && (j = queue_next(&q, slots))) {
            int64_t now = now_ms();
            if (now >= budget_end) {
                j->outcome = GRAPHVIZ_BUDGET;
                continue;
            }
            slot *s = slots;
            while (s->pid > 0)
                s++;
            if (slot_start(s, j, dot, devnull, &old_mask, limits->memory, err) != 0) {
                rc = NS_ERR_IO;
                stop = true;
                break;
            }
            int64_t due = now + (int64_t)limits->timeout_s * 1000;
            s->budget_due = due > budget_end;
            s->due_ms = s->budget_due ? budget_end : due;
            running++;
        }
        if (running == 0)
            break;
        int64_t due = INT64_MAX;
        graphviz_job *was[GRAPHVIZ_PARALLEL];
        for (size_t i = 0; i < GRAPHVIZ_PARALLEL; i++) {
            was[i] = slots[i].pid > 0 ? slots[i].job : NULL;
            if (slots[i].pid > 0 && slots[i].due_ms < due)
                due = slots[i].due_ms;
        }
        if (!wait_child(&chld, due)) {
            kill_all(slots, GRAPHVIZ_INTERRUPTED, limits->memory);
            running = 0;
            stop = true;
            continue;
        }
        running -= reap_ended(slots, limits->memory);
        int64_t now = now_ms();
        for (size_t i = 0; i < GRAPHVIZ_PARALLEL; i++) {
            slot *s = &slots[i];
            if (s->pid > 0 && s->due_ms <= now) {
                slot_kill(s, s->budget_due ? GRAPHVIZ_BUDGET : GRAPHVIZ_TIMEOUT, limits->memory);
                running--;
            }
            if (was[i] && s->pid == 0)
                queue_finished(&q, was[i]);
        }
    }

    /* A SIGCHLD still pending would reach the caller's handler for nothing. */
    struct timespec zero = {0, 0};
    while (sigtimedwait(&chld, NULL, &zero) > 0)
        ;
    sigaction(SIGCHLD, &old_action, NULL);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    close(devnull);
    free(q.taken);
    free(q.failed);
    return rc;
}
