/* engine_cmd: the commands that drive a run (ramps, stages, pause, reset, stop, notes for the
 * event log): what the dashboard's keys, the host loop's signals and the stages send to
 * whatever runs the users (the local engine, or a fleet). Plain data; copied into a queue. */
#ifndef HORNET_ENGINE_CMD_H
#define HORNET_ENGINE_CMD_H

#include <stdint.h>
#include "snapshot.h"

enum engine_cmd_type {
    ENGINE_SET_USERS = 1,       /* ramp to users at spawn_rate; from the operator this suspends
                                   the stages (manual control) */
    ENGINE_RESUME_STAGES,       /* give control back to the scenario's stages */
    ENGINE_PAUSE,               /* users stop starting tasks; in-flight requests finish */
    ENGINE_RESUME,
    ENGINE_RESET_STATS,
    ENGINE_STOP,                /* stop every user (on_stop, bounded by stop_timeout), finish;
                                   text, when given, is the event log's line */
    ENGINE_NOTE,                /* add text to the event log (e.g. "snapshot written to ...") */
    ENGINE_SET_RATE             /* arrival_rate iterations per second for the open classes
                                   together; from then on it holds (their stages suspended,
                                   ENGINE_RESUME_STAGES gives them back) */
};

struct engine_cmd {
    enum engine_cmd_type type;
    uint32_t users;
    double spawn_rate;
    int who;                    /* enum event_who */
    double arrival_rate;        /* ENGINE_SET_RATE */
    char text[SNAP_TEXT_MAX];   /* ENGINE_NOTE, ENGINE_STOP */
};

#endif
