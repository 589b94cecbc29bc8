// Sorting 4 million integers with qsort and a hand-written merge sort (function pointers, branches).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static void merge_sort(int *a, int *tmp, int n) {
    if (n < 2) return;
    int h = n / 2;
    merge_sort(a, tmp, h);
    merge_sort(a + h, tmp, n - h);
    int i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = a[i] <= a[j] ? a[i++] : a[j++];
    while (i < h) tmp[k++] = a[i++];
    while (j < n) tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}
int main(void) {
    const int n = 4000000;
    int *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *tmp = malloc(n * sizeof *tmp);
    unsigned x = 42;
    for (int i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; a[i] = b[i] = (int)(x % 1000000000); }
    qsort(a, n, sizeof *a, cmp);
    merge_sort(b, tmp, n);
    long check = 0;
    for (int i = 0; i < n; i += 1000) check += a[i] ^ b[i];
    printf("sorted=%d check=%ld min=%d max=%d\n", memcmp(a, b, n * sizeof *a) == 0, check, a[0], a[n - 1]);
    return 0;
}
