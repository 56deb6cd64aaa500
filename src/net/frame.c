/* frame: allocation of frames as one block (header plus bytes). */
#include "net/frame.h"
#include "util/alloc.h"

#include <stdlib.h>
#include <string.h>

frame *frame_new(size_t len) {
    frame *f = calloc(1, sizeof(frame) + len);
    if (!f)
        ns_out_of_memory();
    f->len = (uint16_t)len;
    return f;
}

frame *frame_clone(const frame *f) {
    frame *c = malloc(sizeof(frame) + f->len);
    if (!c)
        ns_out_of_memory();
    memcpy(c, f, sizeof(frame) + f->len);
    return c;
}

void frame_free(frame *f) {
    free(f);
}

void frame_drop(void *f) {
    free(f);
}
