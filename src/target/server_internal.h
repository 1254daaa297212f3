/* server_internal: what server.c (listener, pool, clock) and conn.c (one HTTP connection)
 * share. Loop thread only. */
#ifndef HORNET_TARGET_SERVER_INTERNAL_H
#define HORNET_TARGET_SERVER_INTERNAL_H

#include <http_parser.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "api.h"
#include "delay.h"
#include "server.h"
#include "strbuf.h"

enum {
    AUTH_MAX = 128,             /* longer Authorization values cannot be a token */
    FIELD_MAX = 16,             /* longer header names are of no interest */
    EXPECT_MAX = 16,
    READ_CHUNK = 16 * 1024,
    IN_MAX = 64 * 1024,         /* unparsed input held while a request waits */
    OUT_HIGH = 1024 * 1024,     /* stop parsing while this much output is unsent */
    OUT_LOW = 64 * 1024,        /* ... and resume below this */
    KEEP_BYTES = 64 * 1024,     /* pooled connections keep buffers up to this size */
    POOL_MAX = 4096,            /* connections kept for reuse */
};
#define LINGER_S 2.0            /* how long a closing connection drains its input */

/* The request being parsed, or waiting for its simulated latency. */
struct request {
    struct strbuf url, body;
    char auth[AUTH_MAX];
    size_t auth_len;
    bool auth_overflow;
    char field[FIELD_MAX];
    size_t field_len;
    char expect[EXPECT_MAX];
    size_t expect_len;
    enum { HDR_OTHER, HDR_AUTH, HDR_EXPECT } value_kind;
    bool in_value;              /* the last header callback was a value */
    size_t head_bytes;          /* request line + headers so far */
    int method;
    bool keep_alive;
    bool http10;
};

/* Where a request stands with the simulated database pool. */
enum conn_db { DB_NONE, DB_WAITING, DB_HELD };

struct conn {
    struct server *srv;
    struct conn *prev, *next;   /* in the server's live list (next: the pool's list) */
    struct conn *db_prev, *db_next;     /* in the server's queue for a database connection */
    int fd;
    ev_io rio, wio;
    struct delay_item delay;    /* the simulated latency of the waiting request */
    ev_timer clock;             /* idle, request, write-stall and linger deadlines (lazy) */
    http_parser parser;
    struct strbuf in, out;        /* unparsed input from in_off; unsent output from out_off */
    size_t in_off, out_off;
    struct request req;
    struct api_match match;     /* the route of the completed request */
    double req_start;           /* first byte of the request in progress */
    double last_active;         /* opened, or last response */
    double last_write;          /* last progress of a pending write */
    double linger_start;
    double req_done;            /* the request was complete (its latency counts from here) */
    double db_since;            /* began waiting for a database connection */
    double db_delay;            /* simulated latency to wait once it has the connection */
    enum conn_db db;
    int reject;                 /* status a callback asked for (413, 431) */
    bool in_request;            /* a request has begun and is not complete */
    bool waiting;               /* a complete request waits for its latency timer */
    bool blocked;               /* parsing paused until the output drains */
    bool closing;               /* answer what is queued, then close */
    bool lingering;             /* write side shut; draining input before close */
    bool peer_eof;              /* the client closed its side */
    bool dead;                  /* socket error: close now */
};

/* Pauses of accept(2) when descriptors run out: an episode begins at the first failure after
 * a successful accept and lasts while retries fail; one line is logged per episode, at most
 * one per ACCEPT_LOG_EVERY_S (server.c). */
struct accept_pause {
    bool paused;                /* in an episode */
    bool logged;                /* a line was written (at logged_at) */
    double logged_at;
    uint64_t pauses;            /* every pause so far */
    uint64_t unlogged;          /* episodes begun without a line since the last one */
};

struct server {
    struct ev_loop *loop;
    struct target_config cfg;
    struct api *api;
    struct served *served;
    int fd, port;
    ev_io accept_io;
    ev_timer accept_retry;      /* re-enables accept after EMFILE and friends */
    struct accept_pause pause;
    _Atomic uint64_t pauses;    /* pause.pauses, for other threads (server_accept_pauses) */
    struct delay_queue delays;  /* waiting requests, to the microsecond */
    struct conn *live;          /* open connections */
    struct conn *db_head, *db_tail;     /* requests waiting for a database connection, oldest
                                           first */
    struct conn *pool;          /* closed connections kept for reuse */
    unsigned pool_size;
    struct strbuf body;           /* response body scratch */
    http_parser_settings settings;
    char date[40];              /* "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n" */
    long date_sec;
};

/* Accepting side (conn.c): take over an accepted, non-blocking socket. */
void conn_open(struct server *s, int fd);

/* Close and release a connection (to the pool). */
void conn_close(struct conn *c);

/* Free a pooled or live connection's memory (server shutdown). */
void conn_free(struct conn *c);

/* The parser callbacks (conn.c). */
void conn_settings(http_parser_settings *settings);

/* A waiting request's latency has passed (the delay queue's callback). */
void conn_delay_done(struct delay_item *it);

/* accept(2) failed for want of descriptors at time now (seconds): counts a pause; true when
 * this begins an episode that must be logged (the first in ACCEPT_LOG_EVERY_S seconds). */
bool server_pause_begin(struct accept_pause *p, double now);
/* accept(2) succeeded: the episode, if any, is over. */
void server_pause_end(struct accept_pause *p);

/* "Date: ...\r\n" for the loop's current time, formatted once per second (server.c). */
const char *server_date(struct server *s);

#endif
