#!/usr/bin/env bash
# Why the block store packs bulk writes: writes N blocks of 256 KiB as one file per block (O_TMPFILE +
# linkat into 1,024 shard folders, as FileBlockStore does) and as appends to one file (a pack), from C,
# alternating, and prints MB/s for each and the ratio. Each run starts after a sync, in a fresh folder.
# Usage: bench/pack-vs-files.sh [BLOCKS=1031] [RUNS=3]
set -euo pipefail
blocks=${1:-1031}
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/w.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/stat.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {
  const char *root = argv[1]; int pack = atoi(argv[2]); int n = atoi(argv[3]);
  size_t size = 262144; char *buf = malloc(size); char p[512], q[512], f[64];
  for (size_t i = 0; i < size; i++) buf[i] = (char)rand();
  for (int i = 0; i < 1024; i++) { snprintf(p, sizeof p, "%s/%03x", root, i); mkdir(p, 0755); }
  double t = now();
  if (pack) {
    snprintf(p, sizeof p, "%s/pack", root);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    for (int i = 0; i < n; i++) if (write(fd, buf, size) != (ssize_t)size) return 1;
    close(fd);
  } else {
    for (int i = 0; i < n; i++) {
      snprintf(p, sizeof p, "%s/%03x", root, (i * 7) & 1023);
      int fd = open(p, O_TMPFILE | O_WRONLY, 0644);
      if (fd < 0 || write(fd, buf, size) != (ssize_t)size) return 1;
      snprintf(f, sizeof f, "/proc/self/fd/%d", fd); snprintf(q, sizeof q, "%s/b%d.data", p, i);
      if (linkat(AT_FDCWD, f, AT_FDCWD, q, AT_SYMLINK_FOLLOW) != 0) return 1;
      close(fd);
    }
  }
  printf("%.0f\n", n * (double)size / (now() - t) / 1e6);
  return 0;
}
C
cc -O2 -o "$work/w" "$work/w.c"
echo "$blocks blocks of 256 KiB, $runs runs each, on $(df -T "$work" | awk 'NR==2 {print $2}')"
for run in $(seq 1 "$runs"); do
  for mode in 0 1; do
    rm -rf "$work/r"; mkdir "$work/r"; sync
    rate=$("$work/w" "$work/r" "$mode" "$blocks")
    if [ "$mode" = 0 ]; then files=$rate; else packed=$rate; fi
  done
  echo "run $run: a file per block $files MB/s, one pack $packed MB/s, pack/files $(awk "BEGIN {printf \"%.1f\", $packed / $files}")"
done
