/*
 * The host uids of one system's components. Linux counts a user's threads (RLIMIT_NPROC) and its
 * descriptors in flight, so two systems on one host whose components had the same uids would share
 * those limits and could starve each other. Each core therefore takes a block of uids of its own:
 * it binds an abstract Unix socket named after the block in the host's network namespace, before it
 * leaves that namespace. The kernel refuses a name that is bound already, keeps it while core lives
 * and frees it when core ends, however it ends.
 */
#include <gneiss/fmt.h>
#include <lx.h>

#include "core_linux.h"

#define UID_FIRST 2000000000u /* far above the uids of people and system services */

enum {
	UID_BLOCK_SIZE = 1u << 20, /* components started in one run before a uid is used again */
	UID_BLOCKS = 2048,         /* UID_FIRST + UID_BLOCKS * UID_BLOCK_SIZE < 2^32 - 1 */
	SOCK_SEQPACKET_CLOEXEC = 5 | 02000000,
	NAME_MAX = 32,
};

struct sockaddr_abstract {
	uint16_t family;
	char path[NAME_MAX];
};

static uint32_t block_first_uid;

gn_err_t core_linux_reserve_uids(void)
{
	uint32_t start = 0;
	long const fd = lx_syscall3(__NR_socket, LX_AF_UNIX, SOCK_SEQPACKET_CLOEXEC, 0);

	if (fd < 0)
		return lx_err(fd);
	if (lx_syscall3(__NR_getrandom, &start, sizeof(start), 0) != sizeof(start))
		start = 0;
	for (uint32_t i = 0; i < UID_BLOCKS; i++) {
		uint32_t const block = (start + i) % UID_BLOCKS;
		struct sockaddr_abstract addr = {LX_AF_UNIX, {0}};
		size_t len = 0;
		/* path[0] stays 0: an abstract name, no file */
		if (gn_fmt(addr.path + 1, sizeof(addr.path) - 1, &len, "gneiss-uids-%u", block) !=
			GN_OK)
			break;
		long const ret = lx_syscall3(__NR_bind, fd, &addr, sizeof(addr.family) + 1 + len);
		if (ret == 0) {
			block_first_uid = UID_FIRST + block * UID_BLOCK_SIZE;
			return GN_OK; /* the descriptor stays open: it holds the name */
		}
		if (ret != -LX_EADDRINUSE)
			break;
	}
	lx_close((int)fd);
	return GN_ERR_LIMIT;
}

uint32_t core_linux_uid(uint32_t n)
{
	return block_first_uid + n % UID_BLOCK_SIZE;
}
