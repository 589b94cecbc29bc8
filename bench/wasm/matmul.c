// Dense double matrix multiply (i-k-j order): floating-point multiply-add over arrays.
#include <stdio.h>
#include <stdlib.h>
#define N 512
static double a[N][N], b[N][N], c[N][N];
int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)((i * 31 + j * 17) % 100) / 10.0;
            b[i][j] = (double)((i * 7 + j * 13) % 100) / 10.0;
        }
    for (int rep = 0; rep < 8; rep++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) c[i][j] = 0;
        for (int i = 0; i < N; i++)
            for (int k = 0; k < N; k++) {
                double aik = a[i][k];
                for (int j = 0; j < N; j++) c[i][j] += aik * b[k][j];
            }
    }
    double trace = 0;
    for (int i = 0; i < N; i++) trace += c[i][i];
    printf("trace=%.6f\n", trace);
    return 0;
}
