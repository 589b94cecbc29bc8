// Reads stdin to the end and prints line, word and byte counts plus a checksum.
#include <ctype.h>
#include <stdio.h>

int main(void) {
    long lines = 0, words = 0, bytes = 0;
    unsigned sum = 0;
    int c, inword = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        sum = sum * 31 + (unsigned char)c;
        if (c == '\n') lines++;
        if (isspace(c)) inword = 0;
        else if (!inword) { inword = 1; words++; }
    }
    printf("%ld %ld %ld %08x\n", lines, words, bytes, sum);
    return 0;
}
