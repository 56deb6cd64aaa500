/* frame: allocation of frames as one block (header plus bytes). */
#include "net/frame.h"

#include <stdlib.h>
#include <string.h>

frame *frame_new(size_t len) {
    frame *f = calloc(1, sizeof(frame) + len);
    if (!f)
        abort();
    f->len = (uint16_t)len;
    return f;
}

frame *frame_clone(const frame *f) {
    frame *c = malloc(sizeof(frame) + f->len);
    if (!c)
        abort();
    memcpy(c, f, sizeof(frame) + f->len);
    return c;
}

void frame_free(frame *f) {
    free(f);
}

void frame_drop(void *f) {
    free(f);
}
