/*
 * The controlling terminal while the guest owns the console: character
 * at a time, no echo (the guest echoes), ^C and ^\ still signals. Output
 * processing is left alone, so the guest's "\n" still starts a line.
 *
 * term_raw changes nothing unless fd is a terminal and this process is
 * in its foreground (a background monitor must not touch it: that would
 * stop it with SIGTTOU). Once changed, the old settings come back on
 * every way out: term_restore (main's exit path, and before the monitor
 * dies of SIGINT/SIGTERM/SIGHUP), a crash (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT: restored, then the signal is raised again) and a
 * stop (SIGTSTP: restored; SIGCONT: character mode again).
 */
#ifndef VMM_TERM_H
#define VMM_TERM_H

#include <stdbool.h>

/* Put terminal fd in character mode; true if it was changed. */
bool term_raw(int fd);

/* Put the terminal back as term_raw found it; async-signal-safe, and
 * safe to call any number of times. */
void term_restore(void);

#endif
