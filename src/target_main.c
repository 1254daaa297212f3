/* target_main: hornet-target's entry point (being built: see issue 2). */
#include <stdio.h>

int main(void)
{
    fputs("hornet-target: not built yet\n", stderr);
    return 3;
}
