/* state: DIR/state.txt, the device tables at the end of the run (see state.h). */
#include "sinks/state.h"

#include "util/text.h"

void state_write(const network *net, FILE *out, const char *label) {
    char now[TEXT_TIME_LEN];
    fprintf(out, "# device tables at the end of the run (t=%s s)%s%s\n",
            text_format_time(sim_now(net->sim), now), label[0] ? ": PARTIAL RUN, " : "", label);
    for (uint32_t i = 0; i < net->n_nodes; i++) {
        const node *n = net->nodes[i];
        fputc('\n', out);
        if (n->ops->write_state)
            n->ops->write_state(n, out);
        else
            fprintf(out, "%s %s\n  (no tables: a hub repeats every frame)\n",
                    device_type_name(n->type), n->name);
    }
}
