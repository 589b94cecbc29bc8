// Args, environment, stdout/stderr and the exit code: argv[1] is the exit code to return.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 1; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    const char *greeting = getenv("GREETING");
    printf("GREETING=%s\n", greeting ? greeting : "(unset)");
    unsigned long long h = 1469598103934665603ULL;
    for (int i = 0; i < 100000; i++) { h ^= (unsigned)i; h *= 1099511628211ULL; }
    printf("fnv=%016llx\n", h);
    double x = 0;
    for (int i = 1; i <= 1000; i++) x += 1.0 / ((double)i * i);
    printf("basel=%.12f\n", x);
    fprintf(stderr, "to stderr\n");
    return argc > 1 ? atoi(argv[1]) : 0;
}
