// Test module: loops forever, printing a "tick" line (flushed) every few million iterations, so a
// test can see live logs, then time it out, cancel it or run it out of fuel.
#include <stdio.h>
int main(void) {
  volatile unsigned long n = 0;
  for (unsigned long tick = 0;; tick++) {
    printf("tick %lu\n", tick);
    fflush(stdout);
    for (unsigned long i = 0; i < 5000000; i++) n += i;
  }
}
