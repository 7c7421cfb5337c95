/*
 * The file service's protocol (the server registers "fs"): named blobs
 * kept on the block device. Request label = enum fs_op; reply label =
 * enum fs_err, words as listed.
 *
 * Names and data travel in a shared buffer, never in messages. A client
 * opens a session by sending a memory region capability (read and write
 * rights; the endpoint cap needs the grant right) with FS_OP_SETUP; the
 * reply carries an endpoint capability badged for that session, on which
 * the other requests name places in that buffer by byte offset. A name
 * is a field of FS_NAME_MAX bytes in the buffer: 1..32 printable ASCII
 * bytes (0x21..0x7e, no '/'), NUL-padded to the end of the field.
 *
 * A blob belongs to the program that wrote it (the name init gave the
 * client): each program sees, reads, writes and deletes its own blobs
 * only, so two programs may each have one of a name. A program holds at
 * most FS_FILES_PER_OWNER blobs and a quarter of the data sectors (at
 * least two largest blobs): beyond, WRITE answers FS_E_NO_SPACE. Blobs of
 * disks written before owners are anyone's until a program writes or
 * deletes them.
 *
 * The server copies a name or data out of the buffer before it checks
 * or uses it, and checks every offset and length against the buffer
 * without overflow. A WRITE replaces a blob whole: the new contents go
 * to free space first and the directory changes only after they are on
 * the disk (flushed), so a crash leaves the old blob or the new one.
 */
#ifndef PROTO_FS_H
#define PROTO_FS_H

#include <stdint.h>

#define FS_NAME_MAX             32u
#define FS_BLOB_MAX             (1024u * 1024u) /* bytes in one blob */
#define FS_FILES_MAX            64u             /* blobs on one disk */
#define FS_FILES_PER_OWNER      (FS_FILES_MAX / 4)      /* of them, one
							   program's */
#define FS_SESSIONS_MAX         8u
#define FS_SESSIONS_PER_CLIENT  4u      /* of them, one client's */
#define FS_BUFFER_MAX           (16u * 1024u * 1024u)   /* SETUP: larger
							   buffers refused */

enum fs_op {
	FS_OP_NONE = 0,         /* reserved: FS_E_BAD_REQUEST */
	FS_OP_SETUP,            /* cap = memory region (R|W) -> cap = the
	                           session's endpoint, w0 = buffer bytes */
	FS_OP_WRITE,            /* w0 name offset, w1 data offset, w2 bytes
	                           (0..FS_BLOB_MAX): creates or replaces */
	FS_OP_READ,             /* w0 name offset, w1 data offset, w2 room
	                           in bytes -> w0 the blob's length; the blob
	                           is copied to the data offset. FS_E_TOO_BIG
	                           (w0 = length, nothing copied) when it is
	                           longer than the room */
	FS_OP_DELETE,           /* w0 name offset */
	FS_OP_LIST,             /* w0 index (0..), w1 offset of a name field
	                           -> the index-th blob's name there, w0 its
	                           length; FS_E_NOT_FOUND past the last */
	FS_OP_INFO,             /* -> w0 data sectors, w1 free sectors,
	                           w2 free directory entries (any cap) */
	FS_OP_CLOSE,            /* on a session cap: drop its buffer */
	FS_OP_MAX
};

enum fs_err {
	FS_OK = 0,
	FS_E_BAD_REQUEST,       /* unknown label, a range outside the
	                           buffer */
	FS_E_NO_BUFFER,         /* a request that needs a session, sent on
	                           another capability (or a closed one) */
	FS_E_BAD_BUFFER,        /* SETUP without a memory capability with
	                           read and write rights, or one larger than
	                           FS_BUFFER_MAX */
	FS_E_FULL,              /* SETUP: the client holds its share, or
	                           every session is a living client's */
	FS_E_BAD_NAME,          /* empty, not NUL-padded, a byte not allowed */
	FS_E_NOT_FOUND,
	FS_E_NO_SPACE,          /* no free extent or directory entry */
	FS_E_TOO_BIG,           /* WRITE over FS_BLOB_MAX; READ over room */
	FS_E_IO,                /* the block service failed */
	FS_E_MAX
};

#endif
