/* metrics_http: the metrics endpoint's HTTP/1.1 server on the main thread's ev loop (the host
 * loop, which holds the newest snapshot; no thread of its own). It answers GET and HEAD of one
 * path ("/metrics", any query string) with a document its caller renders per request, 404
 * for other paths, 405 for other methods, 400 for what libhttp-parser refuses, 431 for a
 * request over METRICS_HTTP_MAX_REQUEST bytes; keep-alive and pipelined requests are answered
 * in order. Every socket is non-blocking and read or written only when ready, so no client
 * (slow, stalled or malicious) holds the loop: a request must arrive within
 * METRICS_HTTP_REQUEST_TIMEOUT, an idle keep-alive connection closes after
 * METRICS_HTTP_IDLE_TIMEOUT, an answer must drain within the request timeout, and at most
 * METRICS_HTTP_MAX_CONNS connections are open (more are closed at once). Main thread only.
 *
 * It is not the built-in target's server (src/target/server.c), which simulates an API
 * (latency timers, a database pool); both parse with libhttp-parser. */
#ifndef HORNET_METRICS_HTTP_H
#define HORNET_METRICS_HTTP_H

#include <stddef.h>
#include "strbuf.h"

#define METRICS_HTTP_MAX_REQUEST 8192       /* request line, headers and body */
#define METRICS_HTTP_MAX_CONNS 64
#define METRICS_HTTP_REQUEST_TIMEOUT 10.0   /* seconds */
#define METRICS_HTTP_IDLE_TIMEOUT 60.0      /* longer than Prometheus's scrape interval */

struct ev_loop;
struct metrics_http;

/* The document of one GET: a pointer to the body (valid until the next call), NULL when it
 * cannot be made (the answer is then 503). */
typedef const struct strbuf *(*metrics_http_body_fn)(void *arg);

/* Listen on host:port (a numeric address or a name such as localhost; port 0 picks a free
 * one). Nothing is served until metrics_http_start. NULL with "cannot listen on
 * 127.0.0.1:9646: Address already in use" in err. */
struct metrics_http *metrics_http_listen(const char *host, int port, const char *path,
                                         const char *content_type, char *err, size_t errlen);

/* The bound port. */
int metrics_http_port(const struct metrics_http *m);

/* Serve on loop (the caller's thread's loop), with body(arg) for each GET of the path. */
void metrics_http_start(struct metrics_http *m, struct ev_loop *loop, metrics_http_body_fn body,
                        void *arg);

/* Stop serving: close every connection; the listener stays bound (start may follow). */
void metrics_http_stop(struct metrics_http *m);

/* Stop, close the listener, free. NULL is fine. */
void metrics_http_free(struct metrics_http *m);

#endif
