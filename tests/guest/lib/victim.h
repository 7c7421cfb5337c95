/*
 * The victim service (tests/guest/victim): a server the IPC test may
 * kill, since no product service dies on request. It registers "victim".
 */
#ifndef TESTS_VICTIM_H
#define TESTS_VICTIM_H

enum victim_op {
	VICTIM_OP_NONE = 0,
	VICTIM_OP_ECHO,         /* w0..w3 -> the same words */
	VICTIM_OP_CRASH,        /* fault on purpose: the caller sees
	                           UK_E_DEAD, init restarts it */
	VICTIM_OP_MAX
};

#endif
