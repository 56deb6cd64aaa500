/*
 * file_transfer: the notes' file server and its client (section 7).
 *
 * file_server: for each client, receive the file name (the first data of
 * the connection, the notes' recv(1024)), print it, send the file's content
 * and close; an unknown name is reported ("cannot open nosuch.txt: No such
 * file or directory", the notes' "打开文件异常") and the connection closed
 * without data. It prints the size and CRC-32 of what it sends. Content is
 * inline text, a file read by the loader, or `size` pseudo-random bytes
 * from a generator seeded, when the server is built, by the run's (made
 * when a client asks, so only TCP's send buffer holds them).
 *
 * file_download: connect, send the name, receive until the server closes
 * (not just one recv(1024 * 1024) as the notes' client does: the notes name
 * big files as the problem left open), then print the bytes received, the
 * time it took and their CRC-32 (zlib's crc32), which must equal the
 * server's. Nothing received: "the downloaded file is empty" (the notes'
 * "下载的文件为空").
 */
#ifndef NETSIM_APPS_FILE_TRANSFER_H
#define NETSIM_APPS_FILE_TRANSFER_H

#include "apps/netconf.h"
#include "model/topology.h"
#include "stack/ip_stack.h"

typedef struct file_server file_server;
typedef struct file_download file_download;

/* Listens at `at` on `st` per `cfg` (borrowed from the model); generated
 * files' seeds are drawn now. Caller frees with file_server_free (void*). */
file_server *file_server_new(ip_stack *st, const model_file_server *cfg, sim_time at);
void file_server_free(void *s);

/* Downloads at `at` (after DHCP and resolution through `nc`, which may be
 * NULL) per `cfg` (borrowed). Caller frees with file_download_free (void*). */
file_download *file_download_new(ip_stack *st, netconf *nc, const model_file_download *cfg,
                                 sim_time at);
void file_download_free(void *d);

#endif
