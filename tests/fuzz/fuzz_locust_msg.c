/* Fuzz target: the Locust protocol decoder (engine/locust_msg.c, locust_mp.c, locust_stats.c),
 * which reads frames from the network: any frame is decoded; a stats message is then merged
 * into a master's table (locust_merge.c), twice (the second time onto the rows of the first). */
#include <stdlib.h>
#include "fuzz.h"
#include "locust_merge.h"
#include "locust_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct locust_merge *merge = locust_merge_create();
    struct locust_msg m;
    char err[256];

    if (!merge)
        abort();
    if (locust_msg_decode(data, size, &m, err, sizeof err) == 0) {
        if (m.type == LOCUST_MSG_STATS && m.stats) {
            (void)locust_merge_add(merge, m.stats, err, sizeof err);
            (void)locust_merge_add(merge, m.stats, err, sizeof err);
            (void)locust_merge_total(merge);
        }
        locust_msg_release(&m);
    }
    locust_merge_destroy(merge);
    return 0;
}
