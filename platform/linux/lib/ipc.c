/*
 * The client side of IPC on linux.
 *
 * On its first call to an object, a thread opens a private channel: it creates a SOCK_SEQPACKET pair
 * and sends one end over the object's socket. Every later call of that thread to that object goes
 * over the channel, so a reply never travels on a socket another thread or component can read, and
 * no socket is created per call. A channel that the server closed means the object was revoked.
 */
#include <gneiss/ipc.h>
#include <gneiss/string.h>
#include <lx.h>
#include <lx_cap.h>
#include <lx_msg.h>
#include <lx_tls.h>

gn_ipc_buf_t *gn_ipc_buf(void)
{
	return &lx_tls()->ipc;
}

void lx_tls_init(lx_tls_t *t)
{
	gn_memset(t, 0, sizeof(*t));
	t->self = t;
	t->trace = &gn_trace_off;
	for (unsigned i = 0; i < LX_CHANNELS_PER_THREAD; i++)
		t->channels[i].fd = -1;
}

static void close_channel(lx_channel_t *ch)
{
	if (ch->fd >= 0)
		lx_close(ch->fd);
	ch->fd = -1;
	ch->cap = GN_CAP_INVALID;
}

void lx_tls_release(lx_tls_t *t)
{
	for (unsigned i = 0; i < LX_CHANNELS_PER_THREAD; i++)
		close_channel(&t->channels[i]);
}

static gn_err_t open_channel(lx_tls_t *t, gn_cap_t cap, int object_fd, lx_channel_t **out)
{
	int sv[2];
	gn_ipc_header_t const open = {LX_CHANNEL_OPEN, 0, 1, 0};

	if (lx_socketpair_seqpacket(sv) < 0)
		return GN_ERR_OUT_OF_CAPS;
	long ret = lx_msg_send(object_fd, &open, &sv[1], 1, 0);
	lx_close(sv[1]);
	if (ret < 0) {
		lx_close(sv[0]);
		return ret == -LX_ENOTSOCK ? GN_ERR_INVALID_CAP : GN_ERR_REVOKED;
	}
	lx_channel_t *ch = &t->channels[t->next_victim];
	t->next_victim = (t->next_victim + 1) % LX_CHANNELS_PER_THREAD;
	close_channel(ch);
	*ch = (lx_channel_t){cap, lx_cap_gen(cap), sv[0]};
	*out = ch;
	return GN_OK;
}

static gn_err_t channel_for(lx_tls_t *t, gn_cap_t cap, lx_channel_t **out)
{
	int const fd = lx_cap_fd(cap);

	if (fd < 0 || gn_cap_kind(cap) != GN_CAP_KIND_OBJECT)
		return GN_ERR_INVALID_CAP;
	uint32_t const gen = lx_cap_gen(cap);
	for (unsigned i = 0; i < LX_CHANNELS_PER_THREAD; i++) {
		lx_channel_t *ch = &t->channels[i];
		if (ch->fd < 0 || ch->cap != cap)
			continue;
		if (ch->gen == gen) {
			*out = ch;
			return GN_OK;
		}
		close_channel(ch); /* the table entry was reused for another object */
	}
	return open_channel(t, cap, fd, out);
}

static gn_err_t send_request(int sock, gn_ipc_buf_t *buf)
{
	int fds[GN_IPC_CAPS];

	if (buf->hdr.len > GN_IPC_PAYLOAD || buf->hdr.num_caps > GN_IPC_CAPS)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < buf->hdr.num_caps; i++) {
		fds[i] = lx_cap_fd(buf->caps[i]);
		if (fds[i] < 0)
			return GN_ERR_INVALID_CAP;
	}
	long ret = lx_msg_send(sock, &buf->hdr, fds, buf->hdr.num_caps, 0);
	return ret < 0 ? GN_ERR_REVOKED : GN_OK;
}

static gn_err_t receive_reply(int sock, gn_ipc_buf_t *buf)
{
	int fds[GN_IPC_CAPS];
	unsigned n = 0;
	long ret = lx_msg_recv(sock, buf, fds, &n, 0);

	if (ret == 0 || ret == -LX_ECONNRESET)
		return GN_ERR_REVOKED;
	if (ret < 0)
		return ret == -LX_EBADMSG ? GN_ERR_BAD_MSG : lx_err(ret);
	for (unsigned i = 0; i < n; i++) {
		gn_err_t err = lx_cap_insert(fds[i], &buf->caps[i]);
		if (err != GN_OK) {
			for (unsigned j = 0; j < i; j++)
				gn_cap_drop(buf->caps[j]);
			for (unsigned j = i + 1; j < n; j++)
				lx_close(fds[j]);
			return err;
		}
	}
	return GN_OK;
}

gn_err_t gn_ipc_call(gn_cap_t cap, gn_ipc_buf_t *buf)
{
	lx_tls_t *t = lx_tls();
	lx_channel_t *ch;
	gn_err_t err = channel_for(t, cap, &ch);

	if (err != GN_OK)
		return err;
	err = send_request(ch->fd, buf);
	if (err == GN_OK)
		err = receive_reply(ch->fd, buf);
	if (err == GN_ERR_REVOKED)
		close_channel(ch);
	return err;
}
