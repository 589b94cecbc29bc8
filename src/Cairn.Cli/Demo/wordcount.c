// The demo's compute step: counts lines, words and bytes of each file named on the command line
// (paths inside the WASI preopens), like `wc`, and prints a total. Built to wasm32-wasi by build.sh;
// the .wasm is committed and embedded in the cairn CLI, so nothing needs a wasm toolchain to run it.
#include <ctype.h>
#include <stdio.h>

int main(int argc, char **argv) {
    long total_lines = 0, total_words = 0, total_bytes = 0;
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            perror(argv[i]);
            failed = 1;
            continue;
        }
        long lines = 0, words = 0, bytes = 0;
        int c, inword = 0;
        while ((c = getc(f)) != EOF) {
            bytes++;
            if (c == '\n') lines++;
            if (isspace(c)) inword = 0;
            else if (!inword) { inword = 1; words++; }
        }
        fclose(f);
        printf("%8ld %8ld %8ld %s\n", lines, words, bytes, argv[i]);
        total_lines += lines;
        total_words += words;
        total_bytes += bytes;
    }
    if (argc > 2) printf("%8ld %8ld %8ld total\n", total_lines, total_words, total_bytes);
    return failed;
}
