/*
 * main.c — the ichigen binary: everything else lives in the library (src/), so tests,
 * fuzzers and benchmarks link the same code.
 */
#include "cli/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
