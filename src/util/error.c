/* error: formatting of the caller-supplied error record. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>

int ns_error_set(ns_error *err, int code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}
