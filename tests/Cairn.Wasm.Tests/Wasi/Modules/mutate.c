// Tries every way of changing a directory tree below argv[1] (which holds a file "f" and a directory
// "d") and prints one line per attempt: "<operation>: ok" or "<operation>: <errno number>".
// Reading "f" is tried first and must always work.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[1024];
static const char *at(const char *dir, const char *name) { snprintf(path, sizeof path, "%s/%s", dir, name); return path; }
static void report(const char *op, int rc) { if (rc == 0) printf("%s: ok\n", op); else printf("%s: %d\n", op, errno); }

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  const char *dir = argv[1];
  char buf[64] = {0};
  int fd = open(at(dir, "f"), O_RDONLY);
  report("read", fd >= 0 && read(fd, buf, sizeof buf - 1) >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);
  fd = open(at(dir, "f"), O_WRONLY);
  report("open-write", fd >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);
  fd = open(at(dir, "new"), O_WRONLY | O_CREAT, 0644);
  report("create", fd >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);
  fd = open(at(dir, "f"), O_RDONLY | O_TRUNC);
  report("truncate", fd >= 0 ? 0 : -1);
  if (fd >= 0) close(fd);
  report("mkdir", mkdir(at(dir, "newdir"), 0755));
  char from[1024];
  snprintf(from, sizeof from, "%s/f", dir);
  report("rename", rename(from, at(dir, "g")));
  report("rmdir", rmdir(at(dir, "d")));
  report("unlink", unlink(at(dir, "g")) == 0 || unlink(at(dir, "f")) == 0 ? 0 : -1);
  printf("content: %s\n", buf);
  return 0;
}
