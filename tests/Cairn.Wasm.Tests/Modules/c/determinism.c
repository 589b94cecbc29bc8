// Reads the clocks, sleeps, and draws random bytes: under Cairn's deterministic WASI the output is
// the same on every run and machine; with host time/randomness allowed it is not.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec a, b, m;
    clock_gettime(CLOCK_REALTIME, &a);
    clock_gettime(CLOCK_MONOTONIC, &m);
    usleep(1000);
    clock_gettime(CLOCK_REALTIME, &b);
    unsigned char buf[16];
    if (getentropy(buf, sizeof buf) != 0) return 1;
    printf("realtime=%lld.%09ld\n", (long long)a.tv_sec, a.tv_nsec);
    printf("monotonic=%lld.%09ld\n", (long long)m.tv_sec, m.tv_nsec);
    printf("elapsed_ns=%lld\n", (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec));
    printf("random=");
    for (int i = 0; i < 16; i++) printf("%02x", buf[i]);
    printf("\n");
    return 0;
}
