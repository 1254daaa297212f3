/* waits: what the real-clock tests need to wait on a condition with a deadline: a monotonic
 * clock and the pause between two looks at the condition. Any thread. */
#ifndef HORNET_TESTS_WAITS_H
#define HORNET_TESTS_WAITS_H

/* Seconds on the monotonic clock (for deadlines). */
double waits_now(void);

/* Sleep 10 ms: the poll period of a wait, never a wait in itself. */
void waits_pause(void);

#endif
