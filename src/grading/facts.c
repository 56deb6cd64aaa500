/*
 * grading/facts: what a run must leave for its checks, recorded from facts
 * only. A trace sink keeps per packet id its first framed event (decoded as
 * sent, and where), whether it was a retransmission, every drop with its
 * reason, and every application result; probes take a device's table at a
 * check's time through node_ops.show, silently (no trace event) and as
 * background events (they never keep a run going or change it); after the
 * run the hop table's journeys are copied for path, header and count checks.
 */
#include <stdlib.h>
#include <string.h>

#include "grading/internal.h"
#include "net/network.h"
#include "trace/filter.h"
#include "trace/rows.h"
#include "util/alloc.h"

char *grade_strdup(const char *s) {
    return s ? ns_xstrdup(s) : NULL;
}

static grade_packet *grade_packet_at(grade_run *r, uint32_t id) {
    if (id >= r->n_packets) {
        size_t n = r->n_packets ? r->n_packets : 64;
        while (n <= id)
            n *= 2;
        r->packets = ns_xrealloc(r->packets, n * sizeof *r->packets);
        memset(r->packets + r->n_packets, 0, (n - r->n_packets) * sizeof *r->packets);
        r->n_packets = n;
    }
    return &r->packets[id];
}

static void grade_note_drop(grade_run *r, const trace_event *ev) {
    if (r->n_drops == r->cap_drops) {
        r->cap_drops = r->cap_drops ? r->cap_drops * 2 : 16;
        r->drops = ns_xrealloc(r->drops, r->cap_drops * sizeof *r->drops);
    }
    r->drops[r->n_drops++] = (grade_drop){.time = ev->time,
                                          .packet = ev->packet_id,
                                          .device = grade_strdup(ev->device),
                                          .port = grade_strdup(ev->port),
                                          .why = grade_strdup(ev->why),
                                          .reason = ev->reason};
}

static void grade_note_app(grade_run *r, const trace_event *ev, const trace_row *row) {
    if (r->n_apps == r->cap_apps) {
        r->cap_apps = r->cap_apps ? r->cap_apps * 2 : 16;
        r->apps = ns_xrealloc(r->apps, r->cap_apps * sizeof *r->apps);
    }
    grade_app *a = &r->apps[r->n_apps++];
    trace_field *fields = ns_xcalloc(row->n_fields + 1, sizeof *fields);
    for (size_t i = 0; i < row->n_fields; i++)
        fields[i] =
            (trace_field){grade_strdup(row->fields[i].name), grade_strdup(row->fields[i].value)};
    *a = (grade_app){
        .time = ev->time, .device = grade_strdup(ev->device), .row = {fields, row->n_fields}};
}

/* An active open reaching ESTABLISHED (the TCP table's fact: key "local:p >
 * remote:q", SYN-SENT -> ESTABLISHED), kept as a result of the program "tcp"
 * with event "established", "to" and "port", so `connect` checks see the
 * connections of every client program (http_get, file_download, ...). */
static void grade_note_open(grade_run *r, const trace_event *ev) {
    const trace_change *c = &ev->change;
    if (c->table != TRACE_TABLE_TCP || !c->key || !c->old_value || !c->new_value ||
        strcmp(c->old_value, "SYN-SENT") != 0 || strcmp(c->new_value, "ESTABLISHED") != 0)
        return;
    const char *remote = strchr(c->key, '>');
    char to[32] = "", dport[8] = "";
    if (!remote || strlen(remote + 1) >= sizeof to + 2)
        return;
    remote += remote[1] == ' ' ? 2 : 1;
    const char *colon = strrchr(remote, ':');
    if (!colon || (size_t)(colon - remote) >= sizeof to || strlen(colon + 1) >= sizeof dport)
        return;
    memcpy(to, remote, (size_t)(colon - remote));
    strcpy(dport, colon + 1);
    trace_field fields[] = {
        {"program", "tcp"}, {"event", "established"}, {"to", to}, {"port", dport}};
    trace_row row = {fields, 4};
    grade_note_app(r, ev, &row);
}

const char *grade_app_get(const grade_app *a, const char *name) {
    return trace_row_get(&a->row, name);
}

static void grade_emit(void *self, const trace_event *ev) {
    grade_run *r = self;
    if (ev->kind == TRACE_DROP)
        grade_note_drop(r, ev);
    if (ev->kind == TRACE_APP && ev->result)
        grade_note_app(r, ev, ev->result);
    if (ev->kind == TRACE_STATE)
        grade_note_open(r, ev);
    if (!ev->packet_id || !ev->frame)
        return;
    grade_packet *p = grade_packet_at(r, ev->packet_id);
    p->retransmission |= ev->retransmission;
    if (p->seen)
        return;
    p->seen = true;
    /* event strings are borrowed for the call only */
    p->from = grade_strdup(ev->kind == TRACE_WIRE && ev->wire.tx_device ? ev->wire.tx_device
                                                                        : ev->device);
    p->first = *trace_event_frame(ev);
    p->proto = trace_filter_protocol(ev->frame, ev->frame_len);
}

trace_sink grade_facts_sink(grade_run *r) {
    return (trace_sink){.emit = grade_emit, .self = r};
}

static node *grade_node(grade_run *r, const char *name) {
    for (uint32_t i = 0; i < r->net->n_nodes; i++)
        if (strcmp(r->net->nodes[i]->name, name) == 0)
            return r->net->nodes[i];
    return NULL;
}

/* The table of check `check` as it is now, kept in r->tables[check]. */
void grade_probe_now(grade_run *r, size_t check) {
    const expect_check *c = &r->e->checks[check];
    grade_table *g = &r->tables[check];
    node *n = c->on ? grade_node(r, c->on) : NULL;
    if (g->taken || !n)
        return;
    g->taken = true;
    g->time = sim_now(r->net->sim);
    trace_rows *rows = trace_rows_new((trace_show_table)c->table);
    g->exists = n->ops->show && n->ops->show(n, (trace_show_table)c->table, rows);
    const trace_show *v = trace_rows_view(rows);
    if (g->exists && v->n_rows) {
        g->n_rows = v->n_rows;
        g->names = ns_xcalloc(v->n_rows, sizeof *g->names);
        g->values = ns_xcalloc(v->n_rows, sizeof *g->values);
        g->n_fields = ns_xcalloc(v->n_rows, sizeof *g->n_fields);
        for (size_t i = 0; i < v->n_rows; i++) {
            const trace_row *row = &v->rows[i];
            g->n_fields[i] = row->n_fields;
            g->names[i] = ns_xcalloc(row->n_fields + 1, sizeof **g->names);
            g->values[i] = ns_xcalloc(row->n_fields + 1, sizeof **g->values);
            for (size_t f = 0; f < row->n_fields; f++) {
                g->names[i][f] = grade_strdup(row->fields[f].name);
                g->values[i][f] = grade_strdup(row->fields[f].value);
            }
        }
    }
    trace_rows_free(rows);
}

static void grade_probe_event(sim *s, void *a, void *b) {
    (void)s;
    grade_probe_now(a, (size_t)(uintptr_t)b);
}

/* A background event per table check with a time: it never keeps the run
 * going, so a probe at or after the run's end is taken in after_run. */
void grade_probes_schedule(grade_run *r) {
    r->tables = ns_xcalloc(r->e->n_checks ? r->e->n_checks : 1, sizeof *r->tables);
    r->n_tables = r->e->n_checks; /* r->e may be the model's, freed before grade_run_free */
    for (size_t i = 0; i < r->e->n_checks; i++) {
        const expect_check *c = &r->e->checks[i];
        if (c->kind == EXPECT_TABLE && !c->at_end)
            sim_schedule_background_at(r->net->sim, c->at_ns, grade_probe_event, r,
                                       (void *)(uintptr_t)i);
    }
}

static void grade_visit(void *ctx, uint32_t id, const char *summary, const hop_view *rows,
                        size_t n_rows, const hop_fate_view *fates, size_t n_fates) {
    grade_run *r = ctx;
    (void)summary;
    grade_packet *p = grade_packet_at(r, id);
    p->hops = ns_xcalloc(n_rows ? n_rows : 1, sizeof *p->hops);
    p->n_hops = n_rows;
    for (size_t i = 0; i < n_rows; i++) {
        const hop_view *v = &rows[i];
        const link *l = v->link < r->net->n_links ? r->net->links[v->link] : NULL;
        p->hops[i] = (grade_hop){.number = v->number,
                                 .prev = v->prev,
                                 .time = v->time,
                                 .link = v->link,
                                 .tx = l ? l->end[v->from_side]->owner->name : "?",
                                 .rx = l ? l->end[1 - v->from_side]->owner->name : "?",
                                 .eth_src = v->eth_src,
                                 .eth_dst = v->eth_dst,
                                 .has_ip = v->addr == HOP_ADDR_IPV4,
                                 .src = v->src,
                                 .dst = v->dst,
                                 .has_ports = v->has_ports,
                                 .sport = v->sport,
                                 .dport = v->dport,
                                 .ttl = v->ttl};
    }
    p->fates = ns_xcalloc(n_fates ? n_fates : 1, sizeof *p->fates);
    p->n_fates = n_fates;
    for (size_t i = 0; i < n_fates; i++)
        p->fates[i] = (grade_fate){.kind = fates[i].kind,
                                   .time = fates[i].time,
                                   .device = grade_strdup(fates[i].device),
                                   .where = grade_strdup(fates[i].where),
                                   .why = grade_strdup(fates[i].why),
                                   .reason = fates[i].reason};
}

void grade_copy_hops(grade_run *r, const hop_table *hops) {
    hop_table_visit(hops, 0, grade_visit, r);
}

static void grade_table_free(grade_table *g) {
    for (size_t i = 0; i < g->n_rows; i++) {
        for (size_t f = 0; f < g->n_fields[i]; f++) {
            free(g->names[i][f]);
            free(g->values[i][f]);
        }
        free(g->names[i]);
        free(g->values[i]);
    }
    free(g->names);
    free(g->values);
    free(g->n_fields);
}

void grade_run_free(grade_run *r) {
    for (size_t i = 0; i < r->n_packets; i++) {
        grade_packet *p = &r->packets[i];
        free(p->from);
        for (size_t f = 0; f < p->n_fates; f++) {
            free(p->fates[f].device);
            free(p->fates[f].where);
            free(p->fates[f].why);
        }
        free(p->fates);
        free(p->hops);
    }
    free(r->packets);
    for (size_t i = 0; i < r->n_drops; i++) {
        free(r->drops[i].device);
        free(r->drops[i].port);
        free(r->drops[i].why);
    }
    free(r->drops);
    for (size_t i = 0; i < r->n_apps; i++) {
        trace_field *fields = (trace_field *)r->apps[i].row.fields; /* owned: see grade_note_app */
        for (size_t f = 0; f < r->apps[i].row.n_fields; f++) {
            free((char *)fields[f].name);
            free((char *)fields[f].value);
        }
        free(fields);
        free(r->apps[i].device);
    }
    free(r->apps);
    for (size_t i = 0; i < r->n_tables; i++)
        grade_table_free(&r->tables[i]);
    free(r->tables);
}
