/* ramp_internal: ramp arithmetic only the tests call (a run driven by stages ends when
 * ramp_stage_at says the last one is over, so nothing sums them). Pure. */
#ifndef HORNET_RAMP_INTERNAL_H
#define HORNET_RAMP_INTERNAL_H

#include <stdint.h>
#include "scenario.h"

/* Total duration of all stages. */
double ramp_stages_duration(const struct stage *stages, uint32_t n);

#endif
