/*
 * The file service's protocol (the server registers "fs"): an ext2 file
 * system on the block device, served by path and by handle. Request
 * label = enum fs_op; reply label = enum fs_err, words as listed.
 *
 * Paths, data, directory entries and stat records travel in a shared
 * buffer, never in messages. A client opens a session by sending a
 * memory region capability (read and write rights; the endpoint cap
 * needs the grant right) with FS_OP_SETUP; the reply carries an
 * endpoint capability badged for that session, on which the other
 * requests name places in that buffer by byte offset. A path is a
 * NUL-terminated string of at most FS_PATH_MAX bytes with its NUL; "."
 * and ".." work as usual, and ".." at the client's root stays there.
 *
 * Whose files: a client's root is the directory /NAME, NAME being the
 * name init gave it (the registry's WHO), made on its first SETUP; the
 * sandbox's program (NAME "app"), the only program of its machine, has
 * the whole file system as its root. Nothing outside its root can be
 * named, and handles belong to the session that opened them.
 *
 * Handles: OPEN gives one (a small number, FS_HANDLES_MAX per session)
 * that READ, WRITE, FSTAT, READDIR, TRUNCATE, SYNC and CLOSE_FILE use.
 * Durability: SYNC, CLOSE_FILE of a handle written through, MKDIR,
 * UNLINK, RMDIR and RENAME return once the data and the metadata are on
 * the disk (blk FLUSH); other writes wait in the server's cache until
 * one of those, or until the cache needs their room.
 *
 * The server copies a path or data out of the buffer before it checks or
 * uses it, and checks every offset and length against the buffer without
 * overflow. Errors are Linux's errno values (enum fs_err), so that the
 * Linux personality passes them on unchanged.
 */
#ifndef PROTO_FS_H
#define PROTO_FS_H

#include <stdint.h>

#define FS_PATH_MAX             4096u   /* with the NUL */
#define FS_NAME_MAX             255u    /* one component */
#define FS_HANDLES_MAX          64u     /* open files of one session */
#define FS_SESSIONS_MAX         8u
#define FS_SESSIONS_PER_CLIENT  4u      /* of them, one client's */
#define FS_BUFFER_MAX           (16u * 1024u * 1024u)   /* SETUP: larger
							   buffers refused */
#define FS_IO_MAX               (1024u * 1024u) /* bytes of one READ/WRITE */

/* OPEN's flags (w1). */
#define FS_O_WRITE              0x01u   /* the handle may write */
#define FS_O_CREAT              0x02u   /* make a regular file if none */
#define FS_O_EXCL               0x04u   /* with CREAT: EEXIST if one is */
#define FS_O_TRUNC              0x08u   /* with WRITE: empty it */
#define FS_O_DIRECTORY          0x10u   /* ENOTDIR unless a directory */
#define FS_O_FLAGS              0x1fu

enum fs_op {
	FS_OP_NONE = 0,         /* reserved: FS_E_BAD_REQUEST */
	FS_OP_SETUP,            /* cap = memory region (R|W) -> cap = the
	                           session's endpoint, w0 = buffer bytes */
	FS_OP_OPEN,             /* w0 path offset, w1 FS_O_*, w2 mode (the
	                           permission bits of a new file) -> w0
	                           handle, w1 size, w2 mode (S_IF* | bits),
	                           w3 inode number */
	FS_OP_CLOSE_FILE,       /* w0 handle (a handle written through:
	                           synced first) */
	FS_OP_READ,             /* w0 handle, w1 file offset, w2 buffer
	                           offset, w3 bytes (<= FS_IO_MAX) -> w0 the
	                           count (0 at the end) */
	FS_OP_WRITE,            /* the same, from the buffer -> w0 count */
	FS_OP_FSTAT,            /* w0 handle, w1 buffer offset: a struct
	                           fs_stat there */
	FS_OP_STAT,             /* w0 path offset, w1 buffer offset: the
	                           same, by path */
	FS_OP_READDIR,          /* w0 handle, w1 position (0 at first), w2
	                           buffer offset, w3 room -> w0 the next
	                           position, w1 bytes written: struct
	                           fs_dirent records (0 bytes: the end) */
	FS_OP_MKDIR,            /* w0 path offset, w1 mode */
	FS_OP_UNLINK,           /* w0 path offset (not a directory) */
	FS_OP_RMDIR,            /* w0 path offset (an empty directory) */
	FS_OP_RENAME,           /* w0 old path offset, w1 new path offset */
	FS_OP_TRUNCATE,         /* w0 handle (opened for writing), w1 size */
	FS_OP_SYNC,             /* w0 handle: its data and the metadata
	                           on the disk */
	FS_OP_INFO,             /* -> w0 block size, w1 blocks, w2 free
	                           blocks, w3 1 if read-only (any cap) */
	FS_OP_CLOSE,            /* on a session cap: its handles closed,
	                           its buffer dropped */
	FS_OP_MAX
};

/* What STAT and FSTAT write. */
struct fs_stat {
	uint64_t ino;
	uint64_t size;
	uint64_t blocks;        /* 512-byte units */
	uint32_t mode;          /* S_IF* | permission bits, as Linux's */
	uint32_t nlink;
	uint32_t uid, gid;
	uint64_t mtime, ctime, atime;   /* seconds since 1970 */
};

/* One READDIR record: reclen bytes (8-aligned), the name NUL-ended
 * at offset 16. */
struct fs_dirent {
	uint64_t ino;
	uint16_t reclen;
	uint8_t type;           /* Linux's DT_*: DT_REG 8, DT_DIR 4, ... */
	uint8_t namelen;
	uint32_t _reserved;     /* 0 */
	char name[];
};

_Static_assert(sizeof(struct fs_dirent) == 16, "struct fs_dirent");

/* Errors: 0, Linux's errno values, and two of the protocol's own. */
enum fs_err {
	FS_OK = 0,
	FS_E_NOENT = 2,
	FS_E_IO = 5,
	FS_E_BADF = 9,          /* not a handle of this session, or opened
	                           without FS_O_WRITE for a write */
	FS_E_EXIST = 17,
	FS_E_NOTDIR = 20,
	FS_E_ISDIR = 21,
	FS_E_INVAL = 22,
	FS_E_MFILE = 24,        /* FS_HANDLES_MAX open already */
	FS_E_FBIG = 27,
	FS_E_NOSPC = 28,
	FS_E_ROFS = 30,
	FS_E_NAMETOOLONG = 36,
	FS_E_NOTEMPTY = 39,
	FS_E_LOOP = 40,         /* OPEN of a symbolic link (never followed) */
	FS_E_NOTSUP = 95,
	FS_E_BAD_REQUEST = 1000,        /* unknown label, a range outside
	                                   the buffer, a path not ended */
	FS_E_NO_BUFFER,         /* a request that needs a session, sent on
	                           another capability (or a closed one) */
	FS_E_BAD_BUFFER,        /* SETUP without a memory capability with
	                           read and write rights, or one larger than
	                           FS_BUFFER_MAX */
	FS_E_FULL,              /* SETUP: the client holds its share, or
	                           every session is a living client's */
};

#endif
