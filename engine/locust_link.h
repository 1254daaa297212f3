/* locust_link: the ZeroMQ transport of Locust's master/worker protocol on a libev loop, for
 * hornet as a Locust worker (a DEALER) or as a master of Locust and hornet workers (a ROUTER).
 *
 * Locust's rules (locust/rpc/zmqrpc.py, 2.12.1 and 2.43): the master binds a ROUTER on
 * tcp://<host>:<port> (5557 by default); a worker connects a DEALER whose ZMQ identity is its
 * node id (hostname + "_" + 32 hex digits). A worker sends one frame per message; the master
 * sends [identity, frame] and receives [identity, frame], with no empty delimiter frame. Both
 * set TCP keepalive (idle 30 s). A frame is a msgpack message (locust_msg.h).
 *
 * hornet's:
 * - The socket joins the caller's libev loop through ZMQ_FD: an ev_io watches that fd for
 *   reading. ZMQ_FD is edge-triggered and only says that ZMQ_EVENTS may have changed, so each
 *   wake-up drains: while ZMQ_EVENTS has ZMQ_POLLIN, receive (at most 64 messages per
 *   callback, then the watcher is fed again so other watchers run); while it has ZMQ_POLLOUT
 *   and frames wait, send them. After every send the watcher is fed again (ev_feed_event), as
 *   a send can consume the edge of a message that arrived meanwhile. No busy loop: the loop
 *   sleeps in its backend until the fd or a timer fires.
 * - Sending never blocks: ZMQ_DONTWAIT; what libzmq refuses for now (its high-water mark of
 *   1000 messages per peer reached) waits in the link's own queue of at most
 *   LOCUST_LINK_QUEUE_MAX frames, in order, retried when ZMQ_EVENTS allows or, for a master
 *   whose ROUTER always reports ZMQ_POLLOUT, every LOCUST_LINK_RETRY seconds while the queue
 *   is not empty. A full queue refuses the frame with an error.
 * - Frames over LOCUST_MP_MAX_BYTES are refused by libzmq (ZMQ_MAXMSGSIZE: the peer is
 *   disconnected); a master sending to a node id it does not know gets an error
 *   (ZMQ_ROUTER_MANDATORY) instead of libzmq's silent drop; a worker that reconnects with
 *   the same node id takes its connection over at once (ZMQ_ROUTER_HANDOVER), where a
 *   ROUTER without it ignores the newcomer while the old connection lingers.
 * - libzmq runs its own I/O thread (one context per link); hornet adds no thread. Every call
 *   on a link, and its callbacks, happen on the thread that runs its loop. */
#ifndef HORNET_LOCUST_LINK_H
#define HORNET_LOCUST_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <ev.h>
#include "locust_msg.h"

#define LOCUST_LINK_QUEUE_MAX 256   /* frames waiting for libzmq to take them */
#define LOCUST_LINK_RETRY 0.05      /* s between attempts to send queued frames */
#define LOCUST_LINK_LINGER_MS 500   /* unsent frames get this long at destroy */
#define LOCUST_LINK_NODE_ID_MAX 256 /* ZMQ identities are 1..255 bytes */

struct locust_link;

/* The callbacks of a link; any may be NULL. They run on the loop's thread and may send,
 * reconnect or destroy the link.
 * - on_msg: a decoded message. peer is the sender's ZMQ identity on a master (the node id to
 *   answer to; Locust workers also put it in msg->node_id), NULL on a worker. msg and peer are
 *   valid during the call only.
 * - on_error: a frame that did not decode (err says why, peer as above), or a master's frame
 *   without an identity; the link goes on. A Locust master answers a worker's bad frame with
 *   "reconnect".
 * - on_peer (a worker's link only): the TCP connection to the master came up (connected) or
 *   went down (the master closed it or died: its kernel resets the connection), as libzmq's
 *   socket monitor tells it. libzmq keeps reconnecting by itself, and the frames sent meanwhile
 *   wait in its queue. */
struct locust_link_handlers {
    void (*on_msg)(struct locust_link *link, const char *peer, const struct locust_msg *msg,
                   void *arg);
    void (*on_error)(struct locust_link *link, const char *peer, const char *err, void *arg);
    void (*on_peer)(struct locust_link *link, bool connected, void *arg);
    void *arg;
};

/* A worker's link: a DEALER with identity node_id connecting to tcp://host:port (host may be
 * a name, an IPv4 address or an IPv6 one, bracketed or not). Connecting is asynchronous:
 * frames sent before the master answers wait in libzmq. NULL with err on a bad argument or a
 * libzmq failure. The loop must outlive the link. */
struct locust_link *locust_link_connect(struct ev_loop *loop, const char *host, int port,
                                        const char *node_id,
                                        const struct locust_link_handlers *h, char *err,
                                        size_t errlen);

/* A master's link: a ROUTER bound to tcp://host:port ("*" for every interface; port 0 picks a
 * free one, see locust_link_port). NULL with err (port in use, bad host). */
struct locust_link *locust_link_listen(struct ev_loop *loop, const char *host, int port,
                                       const struct locust_link_handlers *h, char *err,
                                       size_t errlen);

/* The port a master's link is bound to; 0 for a worker's. */
int locust_link_port(const struct locust_link *link);

/* Send one frame (copied): to peer (a worker's node id) on a master, peer NULL on a worker.
 * 0 when libzmq took it or it was queued; -1 with err when the queue is full, the master does
 * not know peer, or libzmq failed. Never blocks. */
int locust_link_send(struct locust_link *link, const char *peer, const void *frame, size_t len,
                     char *err, size_t errlen);

/* Encode msg (locust_msg_encode) and send it as locust_link_send does. */
int locust_link_send_msg(struct locust_link *link, const char *peer,
                         const struct locust_msg *msg, char *err, size_t errlen);


/* A worker's answer to "reconnect": close the DEALER and connect a new one with the same
 * identity (queued frames are dropped, as Locust's reset_connection drops them). Called from
 * a callback, it happens once the callback returns. -1 with err on a master's link or a
 * libzmq failure (the link then has no socket until a reconnect succeeds). */
int locust_link_reconnect(struct locust_link *link, char *err, size_t errlen);

/* Close the socket (unsent frames get LOCUST_LINK_LINGER_MS), stop the watchers and free the
 * link. From a callback, the link is freed once the callback returns. NULL is fine. */
void locust_link_destroy(struct locust_link *link);

/* A node id as Locust makes one: hostname + "_" + 32 random hex digits, truncated to fit n
 * (at least 34 bytes). 0, or -1 when no randomness could be read. */
int locust_link_make_node_id(char *out, size_t n);

#endif
