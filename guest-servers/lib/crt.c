#include "conout.h"
#include "uk.h"
#include "ulib.h"

static char progname[UK_START_NAME_MAX];

/* Copies the name init left at sp (uk.h): NUL-terminated within
 * UK_START_NAME_MAX bytes, else I stay nameless. */
static void take_name(const char *sp)
{
	size_t n = strnlen(sp, UK_START_NAME_MAX);

	if (n < UK_START_NAME_MAX)
		memcpy(progname, sp, n + 1);
}

const char *uk_progname(void)
{
	return progname;
}

/* Writes out what printf holds and ends my console session. */
static void finish(void)
{
	uk_flush();
	conout_close();
}

void uk_start(uint64_t arg, uint64_t sp)
{
	int status;

	if (sp == UK_START_SP)
		take_name((const char *)(uintptr_t)sp);
	status = main(arg);
	finish();
	uk_exit(status);
}

void uk_abort(const char *what)
{
	printf("abort: %s\n", what);
	finish();
	uk_exit(134);
}

const char *uk_strerror(uint64_t e)
{
	static const char *const names[UK_E_MAX] = {
		[UK_OK] = "UK_OK",
		[UK_E_SYSCALL] = "UK_E_SYSCALL",
		[UK_E_CAP] = "UK_E_CAP",
		[UK_E_TYPE] = "UK_E_TYPE",
		[UK_E_RIGHTS] = "UK_E_RIGHTS",
		[UK_E_ARG] = "UK_E_ARG",
		[UK_E_NOMEM] = "UK_E_NOMEM",
		[UK_E_BUSY] = "UK_E_BUSY",
		[UK_E_DEAD] = "UK_E_DEAD",
		[UK_E_NOREPLY] = "UK_E_NOREPLY",
		[UK_E_AGAIN] = "UK_E_AGAIN",
	};

	return e < UK_E_MAX && names[e] ? names[e] : "UK_E_?";
}
