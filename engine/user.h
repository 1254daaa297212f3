/* user: one virtual user, a state machine on its worker's loop. It runs its class's vars and
 * on_start steps, then loops: pick a task by weight, run its steps in order (rendering
 * templates into its own buffers, one libcurl easy handle with its own cookies), wait per the
 * class's policy. Outcomes go to the worker's recorder. Stopping finishes the current task,
 * runs on_stop, all bounded by a deadline. Worker thread only. */
#ifndef HORNET_USER_H
#define HORNET_USER_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>

struct worker;
struct user;
struct pool;
struct pool_link;

/* NULL with a message (curl_easy_init failed, out of memory). */
struct user *user_create(struct worker *w, uint32_t cls, uint32_t index, char *err,
                         size_t errlen);
void user_start(struct user *u);
/* Finish gracefully by `deadline` (unix time; <= now: at once, aborting a transfer, which is
 * counted as aborted: recorder_abort). */
void user_stop(struct user *u, double deadline);
/* A transfer of this user completed (called by the worker after curl_multi_remove_handle). */
void user_transfer_done(struct user *u, CURLcode rc);
/* Paused: do not start the next task; resumed: continue. */
void user_resume(struct user *u);
/* Abort at once if the stop deadline passed (worker tick). */
void user_check_deadline(struct user *u, double now);
uint32_t user_class_index(const struct user *u);
bool user_stopping(const struct user *u);
/* Free everything (the transfer must not be in the multi). */
void user_destroy(struct user *u);

/* Pooled users (an open class's, pool.h). Before user_start: u belongs to pool p and, when
 * with_arrival, runs the arrival meant to start at unix time `intended` as soon as its
 * on_start ends (else it is free then: pool_user_free). */
void user_join_pool(struct user *u, struct pool *p, bool with_arrival, double intended);
/* Its place in the pool's lists. */
struct pool_link *user_pool_link(struct user *u);
/* A free pooled user runs an iteration meant to start at `intended` (its requests' corrected
 * latencies count from there). */
void user_run_arrival(struct user *u, double intended);
/* A pooled user still running on_start runs the arrival meant for `intended` after it. */
void user_assign_arrival(struct user *u, double intended);

/* List links, owned by the worker. */
struct user *user_next(const struct user *u);
void user_link(struct user **head, struct user *u);
void user_unlink(struct user **head, struct user *u);

#endif
