/*
 * page_text: view.html's words, one table for the template and the script
 * (see page_text.h). tests/viewer_text_check.sh fails when view.html or
 * view.js uses a string this table lacks.
 */
#include "viewer/page_text.h"

#include <stdlib.h>
#include <string.h>

#include "sinks/trace_jsonl.h"
#include "util/alloc.h"
#include "util/i18n.h"
#include "viewer/json_guard.h"

static const char *const msgids[] = {
    /* The template (view.html): header, tabs, filters, event list, help. */
    N_("netsim viewer"),
    /* TRANSLATORS: view.html, the accessible name of the playback buttons. */
    N_("Playback"),
    N_("First step (Home)"),
    N_("Step back (Left)"),
    N_("Play / pause (Space)"),
    N_("Step forward (Right)"),
    N_("Last step (End)"),
    /* TRANSLATORS: view.html, the label of the playback speed list (0.5x, 1x...). */
    N_("speed"),
    /* TRANSLATORS: view.html, the accessible name of the step slider. */
    N_("Step"),
    N_("Presentation mode (P)"),
    /* TRANSLATORS: view.html, the button turning presentation mode on. */
    N_("Present"),
    N_("Keyboard shortcuts (?)"),
    N_("Topology"),
    N_("Zoom in (+)"),
    N_("Zoom out (-)"),
    N_("Fit (0)"),
    /* TRANSLATORS: view.html, the button fitting the topology to its pane. */
    N_("fit"),
    /* TRANSLATORS: view.html's tabs: the packet inspector, the device's tables,
       the ladder diagram, the run's description. */
    N_("Packet"),
    N_("Device"),
    N_("Ladder"),
    N_("About"),
    N_("Event list"),
    /* TRANSLATORS: view.html's event filters: protocol, device, packet number,
       a search; "all" is the filters' first choice. */
    N_("protocol"),
    N_("all"),
    N_("device"),
    N_("packet #"),
    N_("search"),
    /* TRANSLATORS: view.html's event list columns. */
    N_("time (s)"),
    N_("type"),
    N_("pkt"),
    N_("summary"),
    N_("reason"),
    N_("Keyboard"),
    N_("play / pause"),
    N_("step forward / back (through the filtered list)"),
    N_("first / last step"),
    N_("presentation mode"),
    N_("zoom in / out / fit"),
    N_("this help (Esc closes)"),
    /* TRANSLATORS: HTML: keep the <code> elements as they are. */
    N_("Click a device for its tables at this step, an event for its packet. The address bar\n"
       "  holds the position (<code>#step=42</code>, <code>#packet=5</code>, "
       "<code>#device=r1</code>): copy it to link to this moment."),

    /* The script (view.js): device types and a run's end, as the data names them. */
    N_("host"),
    N_("switch"),
    N_("hub"),
    N_("router"),
    /* TRANSLATORS: a device type: a router doing NAT. */
    N_("nat"),
    /* TRANSLATORS: how a run ended: complete, interrupted (Ctrl-C) or stopped
       (a limit reached). */
    N_("complete"),
    N_("interrupted"),
    N_("stopped"),
    /* TRANSLATORS: the callouts over a device in the topology; %s is what the
       trace says (addresses, ports). */
    N_("NAT source NAT: %s"),
    N_("NAT reply: %s"),
    N_("NAT port forward: %s"),
    N_("NAT ICMP error back: %s"),
    N_("NAT: %s"),
    /* TRANSLATORS: a MAC address (first %s) learned on a switch port (second). */
    N_("%s on %s"),
    N_("MAC learned: %s"),
    N_("ARP entry added: %s"),
    N_("ARP entry: %s"),
    N_("TTL %s \xe2\x86\x92 %s, forward %s"),
    N_("forward %s"),
    N_("dropped: %s"),
    /* TRANSLATORS: the jam signal a station sends on a collision (CSMA/CD). */
    N_("jam"),
    N_("collision: %s"),
    N_("COLLISION: %s"),
    N_("backoff: %s"),
    N_("firewall: %s (%s)"),
    N_("firewall: %s"),
    N_("flood %s"),
    N_("repeat %s"),
    N_("delivered: %s"),
    /* TRANSLATORS: a "show" step: the table's name (arp, mac...) and its rows. */
    N_("%s table, %s rows"),
    /* TRANSLATORS: the caption under the topology: step, time, device, event kind. */
    N_("step %s \xc2\xb7 %s s \xc2\xb7 %s %s"),
    N_("%s of %s events"),
    /* TRANSLATORS: the protocol filter's choice for events of no protocol. */
    N_("(internal)"),
    N_("step %s / %s  \xc2\xb7  t = %s s"),
    /* TRANSLATORS: the packet inspector's heading: step, device, event kind, packet. */
    N_("Step %s: %s %s, packet #%s"),
    N_("Step %s: %s %s"),
    N_("why: %s"),
    N_("result: %s"),
    N_("retransmission: this TCP segment was sent before"),
    N_("This event carries no frame."),
    /* TRANSLATORS: a header's length and offset in the frame, in bytes. */
    N_("(%s bytes at %s)"),
    N_("Changed since the previous hop (step %s): %s"),
    N_("Unchanged since the previous hop (step %s)."),
    N_("choose a device"),
    N_("Click a device in the topology to see its tables at this step."),
    N_("%s at step %s (t = %s s)"),
    /* TRANSLATORS: the device tab: the step, table and key of the last change. */
    N_("last change: step %s, %s %s"),
    N_("(empty)"),
    N_("Interface"),
    N_("Address"),
    N_("Route"),
    /* TRANSLATORS: the NAT table's columns. */
    N_("Proto"),
    N_("Inside -> Outside"),
    N_("%s table"),
    N_("Key"),
    N_("Value"),
    N_("this packet's conversation"),
    N_("absolute seq/ack"),
    N_("No end-to-end packets between these two devices."),
    N_("dropped at %s (%s)"),
    N_("dropped at %s"),
    /* TRANSLATORS: the About tab: events, seed, end time, how the run ended. */
    N_("%s events, seed %s, ends at %s s (%s)"),
};

const char *page_text_msgid(size_t i) {
    return i < sizeof msgids / sizeof *msgids ? msgids[i] : NULL;
}

void page_text_put(FILE *out, const char *msgid, size_t len) {
    if (i18n_current() == I18N_EN) {
        fwrite(msgid, 1, len, out); /* the template as it is */
        return;
    }
    char *id = ns_xmalloc(len + 1); /* the marker's text is not NUL-terminated */
    memcpy(id, msgid, len);
    id[len] = '\0';
    fputs(gettext(id), out);
    free(id);
}

void page_text_put_dictionary(FILE *out) {
    if (i18n_current() == I18N_EN)
        return;
    fputs("<script type=\"application/json\" id=\"netsim-view-text\">", out);
    FILE *guarded = json_guard_open(out);
    bool first = true;
    for (size_t i = 0; i < sizeof msgids / sizeof *msgids; i++) {
        const char *text = gettext(msgids[i]);
        if (text == msgids[i])
            continue; /* untranslated: the page shows the msgid */
        fputc(first ? '{' : ',', guarded);
        json_write_string(guarded, msgids[i]);
        fputc(':', guarded);
        json_write_string(guarded, text);
        first = false;
    }
    fputs(first ? "{}" : "}", guarded);
    fclose(guarded);
    fputs("</script>", out);
}
