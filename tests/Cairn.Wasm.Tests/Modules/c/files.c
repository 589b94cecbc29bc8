// File I/O inside a preopened directory (the current directory "."): create, write, append, read,
// seek, stat, mkdir, readdir, rename, unlink, rmdir. Prints what it observes.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    FILE *f = fopen("notes.txt", "w");
    if (!f) { perror("fopen w"); return 2; }
    for (int i = 0; i < 100; i++) fprintf(f, "line %d\n", i);
    fclose(f);
    f = fopen("notes.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    struct stat st;
    if (stat("notes.txt", &st) != 0) { perror("stat"); return 3; }
    printf("size=%lld\n", (long long)st.st_size);
    f = fopen("notes.txt", "r");
    char buf[64];
    fseek(f, -9, SEEK_END);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    printf("tail=%s", buf);
    fseek(f, 0, SEEK_SET);
    int lines = 0;
    while (fgets(buf, sizeof buf, f)) lines++;
    printf("lines=%d tell=%ld\n", lines, ftell(f));
    fclose(f);
    if (mkdir("sub", 0755) != 0) { perror("mkdir"); return 4; }
    f = fopen("sub/inner.txt", "w");
    fputs("inner\n", f);
    fclose(f);
    printf("mkdir again: %s\n", mkdir("sub", 0755) == 0 ? "ok" : (errno == EEXIST ? "EEXIST" : "other"));
    printf("rmdir nonempty: %s\n", rmdir("sub") == 0 ? "ok" : (errno == ENOTEMPTY ? "ENOTEMPTY" : "other"));
    if (rename("sub/inner.txt", "moved.txt") != 0) { perror("rename"); return 5; }
    DIR *d = opendir(".");
    char *names[64];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) && count < 64)
        if (e->d_name[0] != '.') names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, count, sizeof names[0], cmp);
    for (int i = 0; i < count; i++) printf("entry=%s\n", names[i]);
    printf("open missing: %s\n", fopen("missing.txt", "r") == NULL && errno == ENOENT ? "ENOENT" : "other");
    if (unlink("moved.txt") != 0 || rmdir("sub") != 0 || unlink("notes.txt") != 0) { perror("cleanup"); return 6; }
    printf("done\n");
    return 0;
}
