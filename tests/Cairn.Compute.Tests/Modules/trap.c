// Test module: traps (unreachable) inside a named function.
#include <stdio.h>
__attribute__((noinline)) void explode(int depth) {
  if (depth > 0) __builtin_trap();
  printf("not reached\n");
}
int main(int argc, char **argv) {
  (void)argv;
  printf("before the trap\n");
  fflush(stdout);
  explode(argc);
  return 0;
}
