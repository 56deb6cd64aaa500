/*
 * web: a minimal web server and client over apps/http.
 *
 * http_server: per connection, read the request head, answer it from the
 * configured pages (200 with Content-Length, 404 otherwise; Connection:
 * close) and close, logging one line per request as web servers do
 * ("10.0.0.10 - - \"GET / HTTP/1.1\" 200 45").
 *
 * http_get: fetch one URL as wget does, printing its lines: "Resolving
 * www.example.com (www.example.com)... 93.184.216.34" (a name is looked up
 * by DNS first), "Connecting to ...|93.184.216.34|:80... connected.", "HTTP
 * request sent, awaiting response... HTTP/1.1 200 OK", "Length: 45
 * [text/html]", then the body length received ("45 bytes of body received
 * [45/45]") or wget's "ERROR 404: Not Found.".
 */
#ifndef NETSIM_APPS_WEB_H
#define NETSIM_APPS_WEB_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

typedef struct http_server http_server;
typedef struct http_get http_get;

/* Listens at `at` per `cfg` (borrowed from the model). Caller frees with
 * http_server_free (void* for device app lists). */
http_server *http_server_new(ip_stack *st, const model_http_server *cfg, sim_time at);
void http_server_free(void *s);

/* Fetches at `at` (after DHCP and resolution through `nc`, which may be
 * NULL) per `cfg` (borrowed). Caller frees with http_get_free (void*). */
http_get *http_get_new(ip_stack *st, netconf *nc, const model_http_get *cfg, sim_time at);
void http_get_free(void *g);

#endif
