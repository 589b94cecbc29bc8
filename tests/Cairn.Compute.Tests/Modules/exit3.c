// Test module: writes a line to each stream and exits with code 3.
#include <stdio.h>
int main(void) {
  printf("about to fail\n");
  fprintf(stderr, "failing on purpose\n");
  return 3;
}
