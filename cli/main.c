/* adse: command-line front end (placeholder until the subcommand table lands). */
#include <stdio.h>

#include "adse/adse.h"

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("adse %s\n", ADSE_VERSION);
    return 0;
}
