/*
 * A server's sessions, pure (no system call: host-tested). A session
 * belongs to the client whose identity badge opened it (the badge the
 * registry minted, proto/registry.h), and the client reaches it through
 * an endpoint capability badged with the session's own badge:
 * REG_SERVER_BADGE_BIT | generation << 8 | index + 1. So a closed
 * session's badge never names the session that takes its slot, and no
 * identity is a session badge. The server keeps what a session holds in
 * an array of its own, by index.
 *
 * Every resource is charged to whoever asked for it: a client holds at
 * most per_owner sessions, and the sessions of clients that have died
 * are ended and taken back: when the registry tells the server of a
 * death (SESS_DEATH_BIT on its bound notification, reg_watch_deaths),
 * and when the table is full.
 */
#ifndef SESSIONS_H
#define SESSIONS_H

#include <stdint.h>

#define SESS_MAX        16
/* The bit a server asks the registry to signal on a client's death. */
#define SESS_DEATH_BIT  (1ull << 62)

struct sess {
	int open;
	uint32_t gen;
	uint64_t owner;         /* the identity badge that opened it */
};

struct sess_table {
	struct sess s[SESS_MAX];
	unsigned max;           /* sessions in use of s[] */
	unsigned per_owner;
	uint32_t gen;           /* the last generation handed out */
};

/* How the table learns whether a client lives, and how the server ends
 * a session of a dead one (its buffer, its capabilities). */
struct sess_ops {
	int (*alive)(uint64_t owner);   /* 1 alive, 0 dead */
	void (*end)(unsigned index, void *ctx);
	void *ctx;
};

/* An empty table of max (1..SESS_MAX) sessions, per_owner (>= 1) each. */
void sess_init(struct sess_table *t, unsigned max, unsigned per_owner);

/*
 * Opens a session for owner: its index, and its badge in *badge. When
 * owner holds per_owner already: SESS_E_OWNER. When every session is
 * open: each other owner is asked about once, the sessions of the dead
 * are ended (ops->end, then closed), and one of them is reused; with
 * none dead, SESS_E_FULL.
 */
#define SESS_E_OWNER    (-1)
#define SESS_E_FULL     (-2)
int sess_open(struct sess_table *t, uint64_t owner, uint64_t *badge,
	      const struct sess_ops *ops);

/* Ends and closes every session of each owner that has died (each owner
 * asked once); how many. */
unsigned sess_reap(struct sess_table *t, const struct sess_ops *ops);

/* The index of the open session badge names, or -1 (0, an identity, a
 * closed or reused session's, garbage). */
int sess_find(const struct sess_table *t, uint64_t badge);

/* Ends and closes session index when its owner has died (a resource
 * the session holds is wanted: a port, say). 1 if it did, else 0. */
int sess_reclaim(struct sess_table *t, unsigned index,
		 const struct sess_ops *ops);

/* Who a request comes from: the owner of the session badge names, or
 * the badge itself when it is an identity; 0 (nobody) for a stale
 * session badge or badge 0. */
uint64_t sess_owner(const struct sess_table *t, uint64_t badge);

/* Closes session index (the server let go of what it held first). */
void sess_close(struct sess_table *t, unsigned index);

#endif
