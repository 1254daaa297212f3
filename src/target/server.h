/* server: the target's HTTP/1.1 server on one libev loop: a listening socket, pooled
 * keep-alive connections parsed by libhttp-parser, pipelined requests answered in order after
 * their simulated latency (timers), non-blocking writes through an output buffer, bounded
 * header and body sizes, idle/request timeouts and lingering closes. After server_start,
 * everything runs on the loop's thread. */
#ifndef HORNET_TARGET_SERVER_H
#define HORNET_TARGET_SERVER_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>
#include "served.h"
#include "target.h"

struct server;

/* Bind and listen on c's address and port, and create the api; nothing runs until
 * server_start. NULL with a message ("127.0.0.1:8000: Address already in use"). */
struct server *server_create(struct ev_loop *loop, const struct target_config *c,
                             struct served *served, char *err, size_t errlen);

/* The bound port. Any thread (it never changes). */
int server_port(const struct server *s);

/* How many times accepting paused for want of descriptors (100 ms each). Any thread. */
uint64_t server_accept_pauses(const struct server *s);

/* Start accepting (on the loop's thread, or before the loop runs). */
void server_start(struct server *s);

/* Close every connection and the listener, free everything. The loop must not be running
 * (or this must run on its thread). NULL is fine. */
void server_destroy(struct server *s);

#endif
