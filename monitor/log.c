#include "log.h"

#include <pthread.h>

#include <stdio.h>
#include <string.h>

#define LOG_SEEN_MAX 256

struct log_event {
	enum log_kind kind;
	uint64_t value;
};

static bool log_on;
static FILE *log_out;
static struct log_event log_seen[LOG_SEEN_MAX];
static unsigned log_nseen;
static bool log_full_reported;

void errmsg_set(struct errmsg *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

void log_setup(bool verbose, FILE *out)
{
	log_on = verbose;
	log_out = out;
}

bool log_verbose(void)
{
	return log_on;
}

void log_reset(void)
{
	log_nseen = 0;
	log_full_reported = false;
}

/* Record (kind, value); return true if it had not been seen before. */
static bool log_first_time(enum log_kind kind, uint64_t value)
{
	FILE *out = log_out ? log_out : stderr;
	unsigned i;

	for (i = 0; i < log_nseen; i++)
		if (log_seen[i].kind == kind && log_seen[i].value == value)
			return false;
	if (log_nseen == LOG_SEEN_MAX) {
		if (!log_full_reported)
			fprintf(out, "vmm: too many distinct events, "
				"no longer reporting new ones\n");
		log_full_reported = true;
		return false;
	}
	log_seen[log_nseen].kind = kind;
	log_seen[log_nseen].value = value;
	log_nseen++;
	return true;
}

/* The vCPU thread and the I/O thread both log. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_once(enum log_kind kind, uint64_t value, const char *fmt, ...)
{
	FILE *out = log_out ? log_out : stderr;
	va_list ap;

	if (!log_on)
		return;
	pthread_mutex_lock(&log_lock);
	if (log_first_time(kind, value)) {
		fputs("vmm: ", out);
		va_start(ap, fmt);
		vfprintf(out, fmt, ap);
		va_end(ap);
		fputc('\n', out);
		fflush(out);
	}
	pthread_mutex_unlock(&log_lock);
}
