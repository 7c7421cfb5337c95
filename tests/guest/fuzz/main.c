/*
 * fuzz: a hostile program. Makes 100,000 system calls (or arg of them)
 * with random numbers, slots and arguments, then checks that the kernel
 * still serves IPC. It avoids only what would stop or block itself
 * forever (exit, receive, wait, calls to its own endpoints) and keeps its
 * registry and supervisor capabilities, which the final check needs.
 */
#include <proto/echo.h>
#include "regclient.h"
#include "uk.h"
#include "ulib.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* A slot: mostly a plausible one, sometimes anything. */
static uint64_t slot(void)
{
	uint64_t r = rnd();

	switch (r & 7) {
	case 0: return r;
	case 1: return UK_NO_CAP;
	default: return (r >> 8) % (UK_CAP_SLOTS + 4);
	}
}

/* An argument: anything, a small number, a set of defined rights (the
 * kernel refuses unknown bits, and defined ones reach deeper), a user
 * address, or 0. */
static uint64_t arg(void)
{
	uint64_t r = rnd();

	switch (r & 7) {
	case 0: case 1: return r;
	case 2: return (r >> 4) & 0xff;
	case 3: case 4: return (r >> 4) & UK_R_ALL;
	case 5: return UK_USER_MIN + ((r >> 4) & 0x3fff000);
	default: return 0;
	}
}

int main(uint64_t count)
{
	uint64_t echo = uk_slot_alloc(), counts[UK_E_MAX + 1] = { 0 };
	struct uk_msg m;
	int r;

	if (count == 0)
		count = 100000;
	for (uint64_t i = 0; i < count; i++) {
		struct uk_regs g = {
			.rax = rnd() % (UK_SYS_MAX + 3), .rdi = slot(),
			.rsi = arg(), .rdx = arg(), .r8 = arg(), .r9 = arg(),
			.r10 = arg(), .r12 = slot(), .r14 = slot(),
		};

		switch (g.rax) {
		case UK_SYS_EXIT: case UK_SYS_RECV: case UK_SYS_WAIT:
		case UK_SYS_REPLY_RECV:
			continue;               /* would stop or block me */
		case UK_SYS_CALL: case UK_SYS_SEND:
			/* Only to servers that answer: init or the registry. */
			g.rdi = UK_SLOT_SUPERVISOR + (rnd() & 1);
			break;
		case UK_SYS_CAP_DELETE: case UK_SYS_CAP_COPY:
		case UK_SYS_CAP_MINT:
			if (g.rdi == UK_SLOT_SUPERVISOR || g.rdi == UK_SLOT_REGISTRY)
				g.rdi += 10;    /* keep what the check needs */
			break;
		case UK_SYS_MEM_UNMAP:
			g.rsi |= 0x40000000;    /* never my code, stack or heap */
			break;
		case UK_SYS_DEBUG_WRITE:
			g.rdx &= 0x1ff;
			break;
		default:
			break;
		}
		uk_syscall_regs(&g);
		counts[g.rax < UK_E_MAX ? g.rax : UK_E_MAX]++;
	}
	printf("fuzz: %lu calls: %lu ok, %lu bad cap, %lu wrong type, "
	       "%lu no right, %lu bad arg, %lu other\n", count,
	       counts[UK_OK], counts[UK_E_CAP], counts[UK_E_TYPE],
	       counts[UK_E_RIGHTS], counts[UK_E_ARG],
	       count - counts[UK_OK] - counts[UK_E_CAP] - counts[UK_E_TYPE] -
	       counts[UK_E_RIGHTS] - counts[UK_E_ARG]);

	/* The kernel still serves IPC. */
	r = reg_lookup("echo", echo);
	m = (struct uk_msg){ .label = ECHO_OP_ECHO, .cap = UK_NO_CAP,
			     .w = { 11, 22, 33, 44 } };
	if (r != REG_OK || uk_call(echo, &m) != UK_OK || m.w[3] != 44) {
		eprintf("utest fuzz: FAIL echo after fuzzing (%s)\n",
		       reg_strerror(r));
		return 1;
	}
	eprintf("utest fuzz: ok\n");
	return 0;
}
