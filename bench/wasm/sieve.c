// Sieve of Eratosthenes, repeated: memory-bound byte loads/stores in tight loops.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
    const int n = 20000000;
    char *composite = malloc(n + 1);
    long total = 0;
    for (int round = 0; round < 5; round++) {
        memset(composite, 0, n + 1);
        int count = 0;
        for (int i = 2; i <= n; i++) {
            if (!composite[i]) {
                count++;
                for (long long j = (long long)i * i; j <= n; j += i) composite[j] = 1;
            }
        }
        total += count;
    }
    printf("primes=%ld\n", total / 5);
    return 0;
}
