// Test module for the compute node: copies every file under argv[1] to the same relative path under
// argv[2], upper-casing ASCII letters, and tries to write into argv[1] (which must be refused).
// Prints a summary and $GREETING to stdout and what it did to stderr.
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int files = 0;

static int copy_upper(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  if (!in) { fprintf(stderr, "cannot read %s: %s\n", from, strerror(errno)); return 1; }
  FILE *out = fopen(to, "wb");
  if (!out) { fprintf(stderr, "cannot write %s: %s\n", to, strerror(errno)); fclose(in); return 1; }
  int c;
  while ((c = fgetc(in)) != EOF) fputc(toupper(c), out);
  fclose(in);
  fclose(out);
  files++;
  return 0;
}

static int walk(const char *in, const char *out) {
  DIR *dir = opendir(in);
  if (!dir) { fprintf(stderr, "cannot open %s: %s\n", in, strerror(errno)); return 1; }
  struct dirent *e;
  int rc = 0;
  while ((e = readdir(dir)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/%s", in, e->d_name);
    snprintf(b, sizeof b, "%s/%s", out, e->d_name);
    struct stat st;
    if (stat(a, &st) != 0) { fprintf(stderr, "cannot stat %s\n", a); rc = 1; continue; }
    if (S_ISDIR(st.st_mode)) {
      mkdir(b, 0755);
      rc |= walk(a, b);
    } else {
      rc |= copy_upper(a, b);
    }
  }
  closedir(dir);
  return rc;
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s IN OUT\n", argv[0]); return 2; }
  char probe[1024];
  snprintf(probe, sizeof probe, "%s/cairn-write-probe", argv[1]);
  FILE *p = fopen(probe, "wb");
  if (p) { fclose(p); fprintf(stderr, "input write allowed\n"); }
  else fprintf(stderr, "input write refused: %s\n", strerror(errno));
  int rc = walk(argv[1], argv[2]);
  const char *greeting = getenv("GREETING");
  printf("copied %d files\n", files);
  printf("greeting=%s\n", greeting ? greeting : "(none)");
  return rc;
}
