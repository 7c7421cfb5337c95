#include "uk.h"
#include "ulib.h"

/* main(arg), then the exit system call with its status. */
void uk_start(uint64_t arg)
{
	int status = main(arg);

	uk_flush();
	uk_exit(status);
}

void uk_abort(const char *what)
{
	printf("abort: %s\n", what);
	uk_flush();
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
