/*
 * One message on a SOCK_SEQPACKET socket: a gn_ipc_header_t, its payload, and up to GN_IPC_CAPS
 * descriptors as SCM_RIGHTS. Shared by the client and the server side of IPC.
 */
#ifndef LX_MSG_H
#define LX_MSG_H

#include <gneiss/ipc.h>

/* Magic opcode of a channel-open request on an object's socket. */
enum {
	LX_CHANNEL_OPEN = 0x4f50454e
};

/* Sends hdr + payload (hdr->len bytes) with fds[0..num_fds). Returns 0 or -errno. */
long lx_msg_send(int sock, gn_ipc_header_t const *hdr, int const *fds, unsigned num_fds, int flags);

/*
 * Receives one message into buf (header, payload) and its descriptors into fds.
 * Returns the number of bytes (0: the peer closed), or -errno. Checks that the message is complete:
 * a truncated message or control block, a length that disagrees with the header, or a descriptor
 * count that disagrees with the header yields -LX_EBADMSG; every received descriptor is closed then.
 */
long lx_msg_recv(int sock, gn_ipc_buf_t *buf, int fds[GN_IPC_CAPS], unsigned *num_fds, int flags);

enum {
	LX_EBADMSG = 74
};

#endif
