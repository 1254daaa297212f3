/* worker: one engine worker thread. Its own ev loop and CURLM (multi_socket glue), its own
 * users, its own statistics recorder. The control thread talks to it with worker_send
 * (commands queued under a mutex, then ev_async); intervals leave through the emit callback.
 * Internal to the engine. */
#ifndef HORNET_WORKER_H
#define HORNET_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>
#include <ev.h>
#include "cmdq.h"
#include "openmodel.h"
#include "plan.h"
#include "recorder.h"
#include "selfstat.h"
#include "template.h"

enum worker_cmd_type {
    WCMD_SPAWN = 1,     /* start `count` users of class cls, indices first_index..; after a
                           STOP_ALL, the worker runs users again (a Locust master's next
                           test) */
    WCMD_STOP_USERS,    /* stop `count` users of class cls (the newest first) */
    WCMD_PAUSE,
    WCMD_RESUME,
    WCMD_STOP_ALL,      /* stop every user; `deadline` (unix time) bounds on_stop */
    WCMD_FLUSH,         /* emit the recorder's data now (a statistics reset) */
    WCMD_QUIT,          /* leave the loop (after STOP_ALL) */
    WCMD_ARRIVALS       /* open class cls: follow `arrivals` (the first one creates its pool,
                           whose users take the indices first_index.. + max_users) */
};

struct worker_cmd {
    enum worker_cmd_type type;
    uint32_t cls;
    uint32_t count;
    uint32_t first_index;
    double deadline;
    struct openmodel_slot arrivals;
};

/* Engine-side sink of what a worker produces; called on the worker's thread. */
struct worker_sink {
    void (*interval)(void *arg, struct interval *iv);     /* takes ownership */
    void (*exception)(void *arg, const char *message, const char *where);
    void (*fatal)(void *arg, const char *message);      /* the worker cannot go on */
    void (*settled)(void *arg);     /* a STOP_ALL is done (stops_done moved); may be NULL */
    /* the same requests' latencies from their intended starts (scenario_has_intended) */
    void (*corrected)(void *arg, struct interval *iv);  /* takes ownership */
    void *arg;
};

struct user;
struct sock;
struct curl_group;
struct pool;

/* Users per CURLM. libcurl looks for a reusable connection by walking every connection of a
 * multi handle to the same host, so a transfer costs more the more users share one multi;
 * small groups keep that walk short (tests/bench/bench.sh measures it). */
#define WORKER_GROUP_USERS 32
/* Descriptors a group holds besides its connections: libcurl 7.88's curl_multi_init opens a
 * socketpair (its wake-up pipe). A worker with U users thus holds U connections per host plus
 * 2 * ceil(U / WORKER_GROUP_USERS) descriptors (1064 for 1000 users on one thread). */
#define WORKER_GROUP_FDS 2

struct worker {
    int id;
    const struct plan *plan;
    struct worker_sink sink;
    pthread_t thread;
    bool started;
    struct ev_loop *loop;
    struct curl_group **groups; /* each a CURLM with its own timer, up to WORKER_GROUP_USERS */
    uint32_t n_groups, cap_groups;
    struct curl_group *due;     /* groups whose libcurl timeout is 0: run before polling */
    ev_prepare run_due;
    struct sock **socks;        /* by file descriptor */
    int n_socks;
    ev_timer tick;              /* flush statistics, enforce stop deadlines */
    ev_async wake;              /* commands arrived */
    struct recorder *rec;
    struct recorder *co_rec;    /* corrected latencies (intended starts); NULL without any */
    /* per class: the open classes' pools once planned (set by the worker, read by the control
     * thread: atomic) */
    _Atomic(struct pool *) *pools;
    void *pools_mem;            /* the same memory, to free */
    struct response_ws *ws;     /* captures and checks scratch, shared by this thread's users */
    struct user *users;         /* doubly linked, newest first */
    bool paused;
    bool tracing;               /* request tracing may still want requests (trace.h): the one
                                   test a request makes when -L DEBUG is off */
    struct strbuf trace_text;   /* a traced request's text, built here */
    uint32_t ticks;             /* of the tick timer */
    bool stopping_all;          /* a STOP_ALL is under way (a later SPAWN starts anew) */
    bool settled;               /* ... and was done: counted in stops_done */
    bool failed;                /* a fatal error was reported (once) */
    struct cmdq cmds;           /* struct worker_cmd, from the control thread */
    _Atomic uint32_t alive;     /* users that exist on this worker */
    _Atomic uint32_t stops_done;/* STOP_ALLs done (no user left, data flushed); the engine
                                   compares it with the STOP_ALLs it sent */
    _Atomic uint64_t requests;  /* finished requests (for tests and the benchmark) */
    _Atomic uint32_t in_flight; /* transfers in the multi handles now (silence warnings) */
    struct selfstat_probe probe;/* how late the tick fires, the thread's CPU (selfstat.h) */
};

/* Allocate (loop, multi, recorder); no thread yet. NULL with a message. */
struct worker *worker_create(int id, const struct plan *plan, uint32_t n_endpoints,
                             const struct worker_sink *sink, char *err, size_t errlen);
/* Start the thread with every signal blocked. -1 with a message. */
int worker_start(struct worker *w, char *err, size_t errlen);
/* Queue a command; any thread. -1 when out of memory (the command is dropped). */
int worker_send(struct worker *w, const struct worker_cmd *cmd);
/* Join (after WCMD_QUIT) and free. */
void worker_destroy(struct worker *w);

/* For user.c, on the worker's thread. A new user joins the group (CURLM) with the fewest
 * users, or a new one; NULL when out of memory. It leaves it when destroyed. */
struct curl_group *worker_join_group(struct worker *w);
void worker_leave_group(struct curl_group *g);
/* Start the transfer of a prepared easy handle in its user's group; abort it (not counted).
 * worker_add_transfer returns -1 when libcurl refuses the handle: the worker has reported a
 * fatal error (the run stops) and the user must not wait for that transfer. */
int worker_add_transfer(struct curl_group *g, CURL *easy);
void worker_remove_transfer(struct curl_group *g, CURL *easy);
/* CURLOPT_OPENSOCKETFUNCTION / CLOSESOCKETFUNCTION of every easy handle, with the worker as
 * their data: the worker keeps watching a keep-alive connection's socket between transfers
 * (no epoll change per request) and forgets it when libcurl closes it. */
curl_socket_t worker_open_socket_cb(void *arg, curlsocktype purpose,
                                    struct curl_sockaddr *addr);
int worker_close_socket_cb(void *arg, curl_socket_t fd);
/* The user is finished: unlink and free it. */
void worker_user_gone(struct worker *w, struct user *u);
/* A new user of class cls with that index, created and counted but not started (user_start);
 * NULL when it could not be created (reported as an exception). */
struct user *worker_new_user(struct worker *w, uint32_t cls, uint32_t index);

#endif
