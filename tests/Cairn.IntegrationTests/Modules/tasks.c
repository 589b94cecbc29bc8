// One WASI command with the behaviours the integration tests need, chosen by argv[1]:
//   upper IN OUT   write an upper-cased copy of every file under directory IN into directory OUT
//                  (same relative names; OUT/sub dirs created), print one line per file
//   exit N         print "exiting N" and exit with code N
//   trap           execute `unreachable`
//   loop           spin forever (timeouts, stop, out of fuel)
//   sleepy N       burn roughly N million loop iterations, then print "done"
//   env NAME...    print NAME=value for each named environment variable
//   args ...       print each argument on its own line
// Built by build.sh (clang --target=wasm32-wasi); the .wasm is committed.
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int upper_tree(const char *in, const char *out) {
    struct stat st;
    if (stat(in, &st) != 0) { perror(in); return 1; }
    if (!S_ISDIR(st.st_mode)) {
        FILE *src = fopen(in, "rb");
        if (!src) { perror(in); return 1; }
        FILE *dst = fopen(out, "wb");
        if (!dst) { perror(out); fclose(src); return 1; }
        int c;
        long n = 0;
        while ((c = getc(src)) != EOF) { putc(toupper(c), dst); n++; }
        fclose(src);
        fclose(dst);
        printf("%s %ld\n", out, n);
        return 0;
    }
    mkdir(out, 0755);
    DIR *dir = opendir(in);
    if (!dir) { perror(in); return 1; }
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/%s", in, e->d_name);
        snprintf(b, sizeof b, "%s/%s", out, e->d_name);
        rc |= upper_tree(a, b);
    }
    closedir(dir);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: tasks upper|exit|trap|loop|sleepy|env|args ...\n"); return 2; }
    const char *mode = argv[1];
    if (strcmp(mode, "upper") == 0 && argc == 4) return upper_tree(argv[2], argv[3]);
    if (strcmp(mode, "exit") == 0 && argc == 3) {
        printf("exiting %s\n", argv[2]);
        fflush(stdout);
        return atoi(argv[2]);
    }
    if (strcmp(mode, "trap") == 0) { fprintf(stderr, "about to trap\n"); __builtin_trap(); }
    if (strcmp(mode, "loop") == 0) {
        volatile unsigned long i = 0;
        for (;;) i++;
    }
    if (strcmp(mode, "sleepy") == 0 && argc == 3) {
        volatile unsigned long i = 0;
        unsigned long n = strtoul(argv[2], NULL, 10) * 1000000UL;
        while (i < n) i++;
        printf("done\n");
        return 0;
    }
    if (strcmp(mode, "env") == 0) {
        for (int i = 2; i < argc; i++) {
            const char *v = getenv(argv[i]);
            printf("%s=%s\n", argv[i], v ? v : "(unset)");
        }
        return 0;
    }
    if (strcmp(mode, "args") == 0) {
        for (int i = 2; i < argc; i++) printf("%s\n", argv[i]);
        return 0;
    }
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}
