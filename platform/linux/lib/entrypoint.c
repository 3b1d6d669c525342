/*
 * The entrypoint on linux: one epoll set over the local ends of served objects, the channels that
 * clients opened to them, and the eventfds of signal contexts.
 *
 * Invariants:
 * - the kernel says which object a request is for: a channel is bound to its object when the
 *   channel-open request arrives on that object's own socket; no payload names an object;
 * - a request is validated in full (framing in lx_msg_recv, interface in gn_rpc_dispatch) before a
 *   handler runs; a malformed one is answered with BAD_MSG;
 * - the entrypoint never blocks on a client: replies are sent with MSG_DONTWAIT, and a client whose
 *   channel is full or broken loses that channel;
 * - capabilities go only to a client that read everything sent to it before (see send_reply);
 * - objects and channels live in fixed tables, bounded per object (MAX_CHANNELS_PER_OBJECT), so no
 *   client can make a server grow without bound. A table's slots from its top on were never used:
 *   scans stop there, and a slot is set up when the top first passes it (core's tables, sized by
 *   the system's capabilities, are large and mostly never touched).
 * epoll data words carry (kind, slot, generation), so a stale event never reaches a reused slot.
 * Signal contexts sit in a second epoll set, itself watched by the first: so a thread that must wait
 * without serving RPC (a client waiting for a session) can still dispatch signals alone.
 */
#include <gneiss/entrypoint.h>
#include <gneiss/string.h>
#include <gn_trace.h>
#include <lx.h>
#include <lx_cap.h>
#include <lx_ep.h>
#include <lx_msg.h>

enum {
	MAX_EPS = 4,
	MAX_OBJECTS = 512,
	MAX_CHANNELS = 1024,
	MAX_SIGNALS = 64,
	MAX_FDS = 256,
	MAX_CHANNELS_PER_OBJECT = 64,
	MAX_EVENTS = 16,
};

enum {
	ITEM_OBJECT = 1,
	ITEM_CHANNEL = 2,
	ITEM_SIGNAL = 3,
	ITEM_FD = 4,
	ITEM_SIGNAL_SET = 5
};
enum {
	S_IFMT = 0170000,
	S_IFSOCK = 0140000,
	SIOCOUTQ = 0x5411
};

struct lx_pollfd {
	int fd;
	short events, revents;
};

typedef lx_ep_object_t object_t;
typedef lx_ep_channel_t channel_t;

typedef struct {
	gn_cap_t cap; /* GN_CAP_INVALID: unused */
	uint32_t gen;
	gn_signal_fn_t fn;
	void *ctx;
} signal_t;

typedef lx_ep_fd_watch_t fd_watch_t;

struct gn_ep {
	bool used;
	int epoll_fd;
	int signal_epoll_fd; /* the signal contexts; itself in epoll_fd */
	object_t *objects;   /* own_objects, or what lx_ep_provide gave */
	channel_t *channels;
	unsigned max_objects, max_channels;
	unsigned top_objects, top_channels, top_fds; /* slots from here on never used */
	object_t own_objects[MAX_OBJECTS];
	channel_t own_channels[MAX_CHANNELS];
	signal_t signals[MAX_SIGNALS];
	fd_watch_t *fds; /* own_fds, or what lx_ep_provide gave */
	unsigned max_fds;
	fd_watch_t own_fds[MAX_FDS];
	gn_ipc_buf_t request;
	gn_ipc_buf_t reply;
	gn_ipc_buf_t
		deferred_reply; /* a handler may answer a deferred call while its own reply is built */
};

static gn_ep_t eps[MAX_EPS];

static uint64_t item(unsigned kind, unsigned slot, uint32_t gen)
{
	return (uint64_t)kind << 56 | (uint64_t)slot << 32 | gen;
}

static gn_err_t watch_in(int epoll_fd, int fd, uint64_t data)
{
	struct lx_epoll_event ev = {LX_EPOLLIN, data};

	return lx_err(lx_epoll_ctl(epoll_fd, LX_EPOLL_CTL_ADD, fd, &ev));
}

static gn_err_t watch(gn_ep_t *ep, int fd, uint64_t data)
{
	return watch_in(ep->epoll_fd, fd, data);
}

/* The first free object slot, raising the top when all below it are used; max_objects: none. */
static unsigned free_object(gn_ep_t *ep)
{
	unsigned slot = 0;

	while (slot < ep->top_objects && ep->objects[slot].local_fd >= 0)
		slot++;
	if (slot == ep->top_objects && slot < ep->max_objects) {
		ep->objects[slot] = (object_t){.local_fd = -1};
		ep->top_objects++;
	}
	return slot;
}

static unsigned free_channel(gn_ep_t *ep)
{
	unsigned slot = 0;

	while (slot < ep->top_channels && ep->channels[slot].fd >= 0)
		slot++;
	if (slot == ep->top_channels && slot < ep->max_channels) {
		ep->channels[slot] = (channel_t){.fd = -1};
		ep->top_channels++;
	}
	return slot;
}

static unsigned free_fd_watch(gn_ep_t *ep)
{
	unsigned slot = 0;

	while (slot < ep->top_fds && ep->fds[slot].fd >= 0)
		slot++;
	if (slot == ep->top_fds && slot < ep->max_fds) {
		ep->fds[slot] = (fd_watch_t){.fd = -1};
		ep->top_fds++;
	}
	return slot;
}

gn_err_t gn_ep_create(gn_ep_t **out)
{
	for (unsigned i = 0; i < MAX_EPS; i++) {
		gn_ep_t *ep = &eps[i];
		if (__atomic_exchange_n(&ep->used, true, __ATOMIC_ACQUIRE))
			continue;
		long fd = lx_epoll_create();
		long sig_fd = fd < 0 ? fd : lx_epoll_create();
		if (sig_fd >= 0 &&
			watch_in((int)fd, (int)sig_fd, item(ITEM_SIGNAL_SET, 0, 0)) != GN_OK) {
			lx_close((int)sig_fd);
			sig_fd = -1;
		}
		if (fd < 0 || sig_fd < 0) {
			if (fd >= 0)
				lx_close((int)fd);
			__atomic_store_n(&ep->used, false, __ATOMIC_RELEASE);
			return GN_ERR_OUT_OF_CAPS;
		}
		ep->epoll_fd = (int)fd;
		ep->signal_epoll_fd = (int)sig_fd;
		ep->objects = ep->own_objects;
		ep->channels = ep->own_channels;
		ep->max_objects = MAX_OBJECTS;
		ep->max_channels = MAX_CHANNELS;
		ep->fds = ep->own_fds;
		ep->max_fds = MAX_FDS;
		ep->top_objects = ep->top_channels = ep->top_fds = 0;
		*out = ep;
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

gn_err_t gn_ep_manage(
	gn_ep_t *ep, void *obj, gn_rpc_iface_t const *iface, void const *ops, gn_cap_t *cap)
{
	unsigned const slot = free_object(ep);
	int sv[2];

	if (slot == ep->max_objects)
		return GN_ERR_LIMIT;
	if (lx_socketpair_seqpacket(sv) < 0)
		return GN_ERR_OUT_OF_CAPS;

	object_t *o = &ep->objects[slot];
	gn_err_t err = lx_cap_insert(sv[1], cap);
	if (err == GN_OK)
		err = watch(ep, sv[0], item(ITEM_OBJECT, slot, o->gen + 1));
	if (err != GN_OK) {
		lx_close(sv[0]);
		if (gn_cap_valid(*cap))
			gn_cap_drop(*cap);
		return err;
	}
	*o = (object_t){sv[0], o->gen + 1, lx_cap_ident(*cap), obj, iface, ops, 0};
	return GN_OK;
}

static object_t *object_of(gn_ep_t *ep, gn_cap_t cap, unsigned *slot)
{
	uint64_t const ident = lx_cap_ident(cap);

	if (ident == 0)
		return NULL;
	for (unsigned i = 0; i < ep->top_objects; i++)
		if (ep->objects[i].local_fd >= 0 && ep->objects[i].ident == ident) {
			*slot = i;
			return &ep->objects[i];
		}
	return NULL;
}

void *gn_ep_lookup(gn_ep_t *ep, gn_cap_t cap, gn_rpc_iface_t const *iface)
{
	unsigned slot;
	object_t *o = object_of(ep, cap, &slot);

	return o && o->iface == iface ? o->obj : NULL;
}

static void close_channel(gn_ep_t *ep, unsigned slot)
{
	channel_t *ch = &ep->channels[slot];

	if (ch->fd < 0)
		return;
	lx_close(ch->fd); /* closing also removes it from the epoll set */
	ch->fd = -1;
	ch->gen++;
	ep->objects[ch->object].channels--;
}

/*
 * Closes the channels of object obj_slot whose clients have closed their ends but whose hang-up
 * the entrypoint has not handled yet. A client's thread reopens channels it evicted from its cache
 * while the server is busy; without this, the stale ones would count against the object's limit.
 */
static void reap_closed_channels(gn_ep_t *ep, unsigned obj_slot)
{
	struct lx_pollfd fds[MAX_CHANNELS_PER_OBJECT];
	unsigned slots[MAX_CHANNELS_PER_OBJECT];
	struct lx_timespec const now = {0, 0};
	unsigned n = 0;

	for (unsigned i = 0; i < ep->top_channels && n < MAX_CHANNELS_PER_OBJECT; i++)
		if (ep->channels[i].fd >= 0 && ep->channels[i].object == obj_slot) {
			fds[n] = (struct lx_pollfd){ep->channels[i].fd, LX_EPOLLIN, 0};
			slots[n++] = i;
		}
	if (lx_syscall5(__NR_ppoll, fds, n, &now, NULL, 0) <= 0)
		return;
	for (unsigned i = 0; i < n; i++)
		if (fds[i].revents & (LX_EPOLLHUP | LX_EPOLLERR))
			close_channel(ep, slots[i]);
}

void gn_ep_dissolve(gn_ep_t *ep, gn_cap_t cap)
{
	unsigned slot;
	object_t *o = object_of(ep, cap, &slot);

	if (!o)
		return;
	for (unsigned i = 0; i < ep->top_channels; i++)
		if (ep->channels[i].fd >= 0 && ep->channels[i].object == slot)
			close_channel(ep, i);
	lx_close(o->local_fd);
	o->local_fd = -1;
	o->ident = 0;
	o->gen++;
}

void gn_ep_destroy(gn_ep_t *ep)
{
	for (unsigned i = 0; i < ep->top_channels; i++)
		close_channel(ep, i);
	for (unsigned i = 0; i < ep->top_objects; i++) {
		object_t *o = &ep->objects[i];
		if (o->local_fd >= 0)
			lx_close(o->local_fd);
		*o = (object_t){.local_fd = -1, .gen = o->gen + 1};
	}
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		signal_t *s = &ep->signals[i];
		if (s->cap != GN_CAP_INVALID)
			gn_cap_drop(s->cap);
		*s = (signal_t){.cap = GN_CAP_INVALID, .gen = s->gen + 1};
	}
	for (unsigned i = 0; i < ep->top_fds; i++)
		ep->fds[i] = (fd_watch_t){.fd = -1, .gen = ep->fds[i].gen + 1};
	lx_close(ep->epoll_fd); /* the watched descriptors stay their owners' */
	lx_close(ep->signal_epoll_fd);
	ep->epoll_fd = -1;
	ep->signal_epoll_fd = -1;
	__atomic_store_n(&ep->used, false, __ATOMIC_RELEASE);
}

gn_err_t gn_ep_sigh(gn_ep_t *ep, gn_cap_t sig, gn_signal_fn_t fn, void *ctx)
{
	int const fd = lx_cap_fd(sig);

	if (fd < 0 || gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		signal_t *s = &ep->signals[i];
		if (s->cap != GN_CAP_INVALID)
			continue;
		gn_err_t err = watch_in(ep->signal_epoll_fd, fd, item(ITEM_SIGNAL, i, s->gen + 1));
		if (err != GN_OK)
			return err;
		*s = (signal_t){gn_cap_copy(sig), s->gen + 1, fn, ctx};
		return GN_OK;
	}
	return GN_ERR_LIMIT;
}

void gn_ep_sigh_dissolve(gn_ep_t *ep, gn_cap_t sig)
{
	for (unsigned i = 0; i < MAX_SIGNALS; i++) {
		signal_t *s = &ep->signals[i];
		if (s->cap == GN_CAP_INVALID || s->cap != sig)
			continue;
		(void)lx_epoll_ctl(ep->signal_epoll_fd, LX_EPOLL_CTL_DEL, lx_cap_fd(sig), NULL);
		gn_cap_drop(s->cap);
		s->cap = GN_CAP_INVALID;
		s->gen++;
	}
}

gn_err_t lx_ep_watch(gn_ep_t *ep, int fd, lx_fd_fn_t fn, void *ctx)
{
	unsigned const slot = free_fd_watch(ep);

	if (slot == ep->max_fds)
		return GN_ERR_LIMIT;
	fd_watch_t *w = &ep->fds[slot];
	gn_err_t err = watch(ep, fd, item(ITEM_FD, slot, w->gen + 1));
	if (err != GN_OK)
		return err;
	*w = (fd_watch_t){fd, w->gen + 1, fn, ctx};
	return GN_OK;
}

void lx_ep_unwatch(gn_ep_t *ep, int fd)
{
	for (unsigned i = 0; i < ep->top_fds; i++) {
		fd_watch_t *w = &ep->fds[i];
		if (w->fd != fd)
			continue;
		(void)lx_epoll_ctl(ep->epoll_fd, LX_EPOLL_CTL_DEL, fd, NULL);
		w->fd = -1;
		w->gen++;
	}
}

/* A channel-open request on an object's own socket: bind the new channel to that object. */
static void accept_channel(gn_ep_t *ep, unsigned obj_slot)
{
	object_t *o = &ep->objects[obj_slot];
	int fds[GN_IPC_CAPS];
	unsigned n;
	long ret = lx_msg_recv(o->local_fd, &ep->request, fds, &n, LX_MSG_DONTWAIT);

	if (ret <= 0)
		return;
	if (o->channels >= MAX_CHANNELS_PER_OBJECT)
		reap_closed_channels(ep, obj_slot);
	struct lx_stat st;
	bool const valid = ep->request.hdr.word == LX_CHANNEL_OPEN && n == 1 &&
			   lx_fstat(fds[0], &st) == 0 && (st.mode & S_IFMT) == S_IFSOCK &&
			   o->channels < MAX_CHANNELS_PER_OBJECT;
	unsigned const slot = valid ? free_channel(ep) : ep->max_channels;
	if (slot == ep->max_channels) {
		for (unsigned i = 0; i < n; i++)
			lx_close(fds[i]);
		return;
	}
	channel_t *ch = &ep->channels[slot];
	if (watch(ep, fds[0], item(ITEM_CHANNEL, slot, ch->gen + 1)) != GN_OK) {
		lx_close(fds[0]);
		return;
	}
	*ch = (channel_t){fds[0], ch->gen + 1, obj_slot, false};
	o->channels++;
}

/*
 * Whether the client at the other end of channel fd has read everything sent on it. Linux charges
 * descriptors in flight to the sender's user, up to its RLIMIT_NOFILE, until the receiver reads
 * them: a client that kept calling without reading the replies would pin the server's whole budget
 * and leave it unable to pass a capability to anyone.
 */
static bool client_read_all(int fd)
{
	int unread = -1;

	return lx_syscall3(__NR_ioctl, fd, SIOCOUTQ, &unread) == 0 && unread == 0;
}

static void send_reply(gn_ep_t *ep, unsigned slot, gn_ipc_buf_t *reply)
{
	int fds[GN_IPC_CAPS];
	unsigned n = 0;

	for (unsigned i = 0; i < reply->hdr.num_caps; i++) {
		int fd = lx_cap_fd(reply->caps[i]);
		if (fd >= 0)
			fds[n++] = fd;
	}
	if (n != reply->hdr.num_caps) {
		reply->hdr = (gn_ipc_header_t){GN_ERR_INVALID_CAP, 0, 0, 0};
		n = 0;
	}
	if (n && !client_read_all(ep->channels[slot].fd)) /* a request before reading the reply */
		close_channel(ep, slot);
	else if (lx_msg_send(ep->channels[slot].fd, &reply->hdr, fds, n, LX_MSG_DONTWAIT) < 0)
		close_channel(ep, slot);
	for (unsigned i = 0; i < reply->hdr.num_caps; i++)
		gn_cap_drop(reply->caps[i]);
}

static gn_err_t enter_caps(int const *fds, unsigned n, gn_rpc_request_t *req)
{
	gn_err_t err = GN_OK;

	for (unsigned i = 0; i < n; i++) {
		if (err == GN_OK)
			err = lx_cap_insert(fds[i], &req->caps_in[i]);
		else
			lx_close(fds[i]);
		if (err == GN_OK)
			req->num_caps_in = i + 1;
	}
	return err;
}

static gn_err_t invoke(gn_ep_t *ep, unsigned slot, gn_rpc_request_t *req)
{
	object_t *o = &ep->objects[ep->channels[slot].object];

	return gn_rpc_dispatch(o->iface, o->ops, o->obj, req, &ep->request, &ep->reply);
}

static void serve_request(gn_ep_t *ep, unsigned slot)
{
	channel_t *ch = &ep->channels[slot];
	int fds[GN_IPC_CAPS];
	unsigned n;
	long ret = lx_msg_recv(ch->fd, &ep->request, fds, &n, LX_MSG_DONTWAIT);

	if (ret == -LX_EAGAIN)
		return;
	if (ret == 0 || (ret < 0 && ret != -LX_EBADMSG)) {
		close_channel(ep, slot);
		return;
	}
	gn_rpc_request_t req = {.ep = ep, .channel = slot, .channel_gen = ch->gen};
	ep->reply.hdr = (gn_ipc_header_t){GN_OK, 0, 0, 0};
	gn_err_t err = ret < 0 ? GN_ERR_BAD_MSG : enter_caps(fds, n, &req);
	if (err == GN_OK)
		err = invoke(ep, slot, &req);
	for (unsigned i = 0; i < req.num_caps_in; i++)
		gn_cap_drop(req.caps_in[i]);
	if (err == (gn_err_t)GN_RPC_DEFERRED)
		return;
	gn_rpc_reply_complete(&req, err, &ep->reply);
	if (ch->fd < 0 || ch->gen != req.channel_gen) { /* the handler dissolved its own object */
		for (unsigned i = 0; i < ep->reply.hdr.num_caps; i++)
			gn_cap_drop(ep->reply.caps[i]);
		return;
	}
	send_reply(ep, slot, &ep->reply);
}

gn_rpc_token_t gn_ep_defer(gn_rpc_request_t *req)
{
	req->ep->channels[req->channel].deferred = true;
	return (gn_rpc_token_t){req->ep, req->channel, req->channel_gen};
}

void gn_ep_reply(gn_rpc_token_t token, gn_err_t status, void const *res, size_t res_len,
	gn_cap_t const *caps, unsigned num_caps)
{
	gn_ep_t *ep = token.ep;
	channel_t *ch = token.channel < ep->top_channels ? &ep->channels[token.channel] : NULL;
	gn_ipc_buf_t *reply = &ep->deferred_reply;

	if (!ch || ch->fd < 0 || ch->gen != token.gen || !ch->deferred ||
		res_len > GN_IPC_PAYLOAD || num_caps > GN_IPC_CAPS) {
		for (unsigned i = 0; i < num_caps && i < GN_IPC_CAPS; i++)
			gn_cap_drop(caps[i]);
		return;
	}
	ch->deferred = false;
	bool const ok = status == GN_OK;
	reply->hdr = (gn_ipc_header_t){
		(uint32_t)status, ok ? (uint32_t)res_len : 0, ok ? num_caps : 0, 0};
	if (ok)
		gn_memcpy(reply->payload, res, res_len);
	for (unsigned i = 0; i < num_caps; i++) {
		if (ok)
			reply->caps[i] = caps[i];
		else
			gn_cap_drop(caps[i]);
	}
	send_reply(ep, token.channel, reply);
}

static void handle_signal(gn_ep_t *ep, struct lx_epoll_event const *ev)
{
	unsigned const slot = (unsigned)(ev->data >> 32) & 0xffffff;
	uint32_t const gen = (uint32_t)ev->data;

	if ((unsigned)(ev->data >> 56) != ITEM_SIGNAL || slot >= MAX_SIGNALS ||
		ep->signals[slot].gen != gen || ep->signals[slot].cap == GN_CAP_INVALID)
		return;
	signal_t *s = &ep->signals[slot];
	uint64_t count = 0;
	if (lx_read(lx_cap_fd(s->cap), &count, sizeof(count)) == sizeof(count) && count) {
		gn_trace(GN_TRACE_SIGNAL_RECEIVE, s->cap, count, NULL, 0);
		s->fn(s->ctx, count);
	}
}

gn_err_t gn_ep_dispatch_signals(gn_ep_t *ep, int timeout_ms)
{
	struct lx_epoll_event evs[MAX_EVENTS];
	long n;

	do
		n = lx_epoll_wait(ep->signal_epoll_fd, evs, MAX_EVENTS, timeout_ms);
	while (n == -LX_EINTR);
	if (n <= 0)
		return n == 0 ? GN_ERR_TIMEOUT : lx_err(n);
	for (long i = 0; i < n; i++)
		handle_signal(ep, &evs[i]);
	return GN_OK;
}

static void handle(gn_ep_t *ep, struct lx_epoll_event const *ev)
{
	unsigned const kind = (unsigned)(ev->data >> 56);
	unsigned const slot = (unsigned)(ev->data >> 32) & 0xffffff;
	uint32_t const gen = (uint32_t)ev->data;

	if (kind == ITEM_OBJECT && slot < ep->top_objects && ep->objects[slot].gen == gen &&
		ep->objects[slot].local_fd >= 0)
		accept_channel(ep, slot);
	else if (kind == ITEM_CHANNEL && slot < ep->top_channels && ep->channels[slot].gen == gen &&
		 ep->channels[slot].fd >= 0) {
		if (ep->channels[slot].deferred) {
			/* a waiting client cannot send: it hung up or broke the protocol */
			close_channel(ep, slot);
			return;
		}
		serve_request(ep, slot);
	} else if (kind == ITEM_SIGNAL_SET)
		gn_ignore(gn_ep_dispatch_signals(ep, 0));
	else if (kind == ITEM_FD && slot < ep->top_fds && ep->fds[slot].gen == gen &&
		 ep->fds[slot].fd >= 0)
		ep->fds[slot].fn(ep->fds[slot].ctx, ep->fds[slot].fd, ev->events);
}

gn_err_t gn_ep_dispatch(gn_ep_t *ep, int timeout_ms)
{
	struct lx_epoll_event evs[MAX_EVENTS];
	long n;

	do
		n = lx_epoll_wait(ep->epoll_fd, evs, MAX_EVENTS, timeout_ms);
	while (n == -LX_EINTR);
	if (n <= 0)
		return n == 0 ? GN_ERR_TIMEOUT : lx_err(n);
	for (long i = 0; i < n; i++)
		handle(ep, &evs[i]);
	return GN_OK;
}

void gn_ep_run(gn_ep_t *ep)
{
	for (;;)
		(void)gn_ep_dispatch(ep, -1);
}

gn_err_t gn_ep_wait_signal(gn_ep_t *ep, gn_cap_t sig, int timeout_ms)
{
	int const fd = lx_cap_fd(sig);
	struct lx_pollfd fds[2] = {
		{fd, LX_EPOLLIN, 0}, {ep ? ep->signal_epoll_fd : -1, LX_EPOLLIN, 0}};
	struct lx_timespec const ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000};

	if (fd < 0 || gn_cap_kind(sig) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	for (;;) {
		long n = lx_syscall5(
			__NR_ppoll, fds, ep ? 2 : 1, timeout_ms < 0 ? NULL : &ts, NULL, 0);
		if (n == -LX_EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? GN_ERR_TIMEOUT : lx_err(n);
		/* the awaited signal first: what it answers may decide how the others are handled */
		uint64_t count = 0;
		if (fds[0].revents)
			return lx_read(fd, &count, sizeof(count)) == sizeof(count)
				       ? GN_OK
				       : GN_ERR_TIMEOUT; /* another waiter took the count */
		if (ep)
			gn_ignore(gn_ep_dispatch_signals(ep, 0));
	}
}

gn_err_t lx_ep_provide(gn_ep_t *ep, lx_ep_object_t *objects, unsigned num_objects,
	lx_ep_channel_t *channels, unsigned num_channels, lx_ep_fd_watch_t *fds, unsigned num_fds)
{
	if (num_objects < ep->max_objects || num_channels < ep->max_channels ||
		num_fds < ep->max_fds || num_objects > 1u << 24 || num_channels > 1u << 24 ||
		num_fds > 1u << 24)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < ep->top_fds; i++)
		fds[i] = ep->fds[i];
	ep->fds = fds;
	ep->max_fds = num_fds;
	for (unsigned i = 0; i < ep->top_objects; i++)
		objects[i] = ep->objects[i];
	for (unsigned i = 0; i < ep->top_channels; i++)
		channels[i] = ep->channels[i];
	ep->objects = objects;
	ep->channels = channels;
	ep->max_objects = num_objects;
	ep->max_channels = num_channels;
	return GN_OK;
}
