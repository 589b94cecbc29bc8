// Integer division by a runtime zero: a trap in wasm, SIGFPE natively.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int d = argc > 1 ? atoi(argv[1]) : 0;
    printf("before\n");
    fflush(stdout);
    volatile int r = 100 / d;
    printf("after %d\n", r);
    return 0;
}
