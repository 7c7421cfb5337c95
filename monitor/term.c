#include "term.h"

#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
#define NCRASH  (sizeof crash_signals / sizeof crash_signals[0])

static int term_fd = -1;
static struct termios saved, raw;
static volatile sig_atomic_t changed;

void term_restore(void)
{
	/* Cleared first: a restore that faults (or traps under seccomp)
	 * must not be tried again by the handler it lands in. */
	if (changed) {
		changed = 0;
		tcsetattr(term_fd, TCSADRAIN, &saved);
	}
}

static void on_crash(int sig)
{
	term_restore();
	signal(sig, SIG_DFL);
	raise(sig);     /* unblocked on return: dies of it */
}

static void on_stop(int sig)
{
	(void)sig;
	term_restore();
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP); /* delivered, and the process stops, on return */
}

static void on_cont(int sig)
{
	struct sigaction sa = { .sa_handler = on_stop };

	(void)sig;
	if (!changed && term_fd >= 0 && tcgetpgrp(term_fd) == getpgrp() &&
	    tcsetattr(term_fd, TCSADRAIN, &raw) == 0)
		changed = 1;
	sigaction(SIGTSTP, &sa, NULL);
}

bool term_raw(int fd)
{
	struct sigaction sa;

	if (changed || !isatty(fd) || tcgetpgrp(fd) != getpgrp() ||
	    tcgetattr(fd, &saved) < 0)
		return false;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (unsigned i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, NULL);
	sa.sa_flags = 0;
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	sa.sa_handler = on_stop;
	sigaction(SIGTSTP, &sa, NULL);
	term_fd = fd;
	if (tcsetattr(fd, TCSADRAIN, &raw) < 0) {
		term_fd = -1;   /* and on_cont leaves it alone */
		return false;
	}
	changed = 1;
	return true;
}
