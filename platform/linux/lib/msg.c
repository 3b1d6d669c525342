/*
 * Message framing on SOCK_SEQPACKET. A message is never trusted: everything the header claims is
 * checked against what the kernel delivered (gn_ipc_msg_check), and on any mismatch every received
 * descriptor is closed before the error is returned.
 */
#include <gneiss/string.h>
#include <lx.h>
#include <lx_msg.h>

enum {
	CONTROL_SIZE = LX_CMSG_SPACE(sizeof(int) * GN_IPC_CAPS)
};

long lx_msg_send(int sock, gn_ipc_header_t const *hdr, int const *fds, unsigned num_fds, int flags)
{
	union {
		struct lx_cmsghdr align;
		uint8_t bytes[CONTROL_SIZE];
	} control;
	struct lx_iovec iov = {(void *)hdr, sizeof(*hdr) + hdr->len};
	struct lx_msghdr msg = {NULL, 0, &iov, 1, NULL, 0, 0};

	if (num_fds) {
		struct lx_cmsghdr *c = &control.align;
		c->len = LX_CMSG_LEN(sizeof(int) * num_fds);
		c->level = LX_SOL_SOCKET;
		c->type = LX_SCM_RIGHTS;
		gn_memcpy(LX_CMSG_DATA(c), fds, sizeof(int) * num_fds);
		msg.control = control.bytes;
		msg.controllen = LX_CMSG_SPACE(sizeof(int) * num_fds);
	}
	for (;;) {
		long ret = lx_sendmsg(sock, &msg, flags | LX_MSG_NOSIGNAL);
		if (ret != -LX_EINTR)
			return ret < 0 ? ret : 0;
	}
}

static unsigned take_fds(struct lx_msghdr const *msg, int fds[GN_IPC_CAPS], bool *excess)
{
	unsigned n = 0;

	*excess = false;
	if (msg->controllen < sizeof(struct lx_cmsghdr))
		return 0;
	struct lx_cmsghdr const *c = msg->control;
	if (c->level != LX_SOL_SOCKET || c->type != LX_SCM_RIGHTS || c->len < LX_CMSG_LEN(0))
		return 0;
	unsigned const count = (unsigned)((c->len - LX_CMSG_LEN(0)) / sizeof(int));
	int const *data = (int const *)(void const *)LX_CMSG_DATA(c);
	for (unsigned i = 0; i < count; i++) {
		if (i < GN_IPC_CAPS)
			fds[n++] = data[i];
		else {
			lx_close(data[i]);
			*excess = true;
		}
	}
	return n;
}

long lx_msg_recv(int sock, gn_ipc_buf_t *buf, int fds[GN_IPC_CAPS], unsigned *num_fds, int flags)
{
	union {
		struct lx_cmsghdr align;
		uint8_t bytes[CONTROL_SIZE];
	} control;
	struct lx_iovec iov = {&buf->hdr, sizeof(buf->hdr) + GN_IPC_PAYLOAD};
	struct lx_msghdr msg = {NULL, 0, &iov, 1, control.bytes, sizeof(control.bytes), 0};
	long ret;
	bool excess;

	do
		ret = lx_recvmsg(sock, &msg, flags | LX_MSG_CMSG_CLOEXEC);
	while (ret == -LX_EINTR);
	*num_fds = 0;
	if (ret <= 0)
		return ret;

	*num_fds = take_fds(&msg, fds, &excess);
	gn_ipc_delivery_t const got = {
		(size_t)ret, *num_fds, excess || (msg.flags & (LX_MSG_TRUNC | LX_MSG_CTRUNC))};
	if (gn_ipc_msg_check(&buf->hdr, &got) != GN_OK) {
		for (unsigned i = 0; i < *num_fds; i++)
			lx_close(fds[i]);
		*num_fds = 0;
		return -LX_EBADMSG;
	}
	return ret;
}
