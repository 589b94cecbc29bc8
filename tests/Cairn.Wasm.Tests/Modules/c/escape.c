// Tries to leave the preopened directory. Every attempt must be denied; prints one line per attempt.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) { printf("%s: OPENED\n", path); close(fd); }
    else printf("%s: denied\n", path);
}

int main(void) {
    try_open("../secret.txt");
    try_open("sub/../../secret.txt");
    try_open("/etc/passwd");
    try_open("link-out/secret.txt");
    try_open("file-link");
    int fd = open("../created.txt", O_WRONLY | O_CREAT, 0644);
    printf("create outside: %s\n", fd >= 0 ? "CREATED" : "denied");
    printf("mkdir outside: %s\n", mkdir("../newdir", 0755) == 0 ? "CREATED" : "denied");
    printf("unlink outside: %s\n", unlink("../secret.txt") == 0 ? "DELETED" : "denied");
    printf("rename outside: %s\n", rename("inside.txt", "../stolen.txt") == 0 ? "MOVED" : "denied");
    try_open("inside.txt");
    return 0;
}
