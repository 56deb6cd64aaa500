/*
 * grading/apps: the application checks (ping, connect, download, http,
 * dhcp, dns), read from the programs' typed result facts
 * (trace_event.result: "program", "event" and per program its fields).
 */
#include <string.h>

#include "grading/internal.h"

bool grade_app_check(grade_run *r, const expect_check *c, strbuf *msg) {
    (void)r;
    strbuf_printf(msg, "%s checks need the programs' result facts (not in this build)",
                  expect_kind_name(c->kind));
    return false;
}
