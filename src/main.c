/* main: hornet's entry point (being built: see issue 2). */
#include <stdio.h>

int main(void)
{
    fputs("hornet: not built yet\n", stderr);
    return 3;
}
