// The demo's compute step: counts lines, words and bytes of each file named on the command line
// (paths inside the WASI preopens), like `wc`, and prints a total. A directory argument counts every
// file under it, in name order so the output does not depend on the host's directory order.
// `-o FILE` also writes the report to FILE (a result path the node publishes by CID).
// Built to wasm32-wasi by build.sh; the .wasm is committed and embedded in the cairn CLI, so nothing
// needs a wasm toolchain to run it.
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static long total_lines, total_words, total_bytes;
static int files, failed;
static FILE *report;

static void emit(const char *line) {
    fputs(line, stdout);
    if (report) fputs(line, report);
}

static void count_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        failed = 1;
        return;
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
    char line[4200];
    snprintf(line, sizeof line, "%8ld %8ld %8ld %s\n", lines, words, bytes, path);
    emit(line);
    total_lines += lines;
    total_words += words;
    total_bytes += bytes;
    files++;
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void count_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        failed = 1;
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        count_file(path);
        return;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        failed = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = realloc(names, cap * sizeof *names);
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, names[i]);
        count_path(child);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-o") == 0) {
        report = fopen(argv[2], "w");
        if (!report) {
            perror(argv[2]);
            return 2;
        }
        first = 3;
    }
    for (int i = first; i < argc; i++) count_path(argv[i]);
    if (files > 1) {
        char line[128];
        snprintf(line, sizeof line, "%8ld %8ld %8ld total\n", total_lines, total_words, total_bytes);
        emit(line);
    }
    if (report) fclose(report);
    return failed;
}
