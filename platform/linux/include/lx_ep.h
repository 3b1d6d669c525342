/* Linux-only additions to the entrypoint, for core: raw descriptors (pidfds, seccomp listeners). */
#ifndef LX_EP_H
#define LX_EP_H

#include <gneiss/entrypoint.h>
#include <gneiss/rpc.h>

typedef void (*lx_fd_fn_t)(void *ctx, int fd, uint32_t events);

/* Calls fn when fd becomes readable (or hangs up). The caller keeps owning fd. Errors: LIMIT. */
gn_err_t lx_ep_watch(gn_ep_t *ep, int fd, lx_fd_fn_t fn, void *ctx) GN_MUST_CHECK;

/* Stops watching fd (call before closing it). */
void lx_ep_unwatch(gn_ep_t *ep, int fd);

/* An entrypoint's records of objects and channels: private to entrypoint.c but for their size. */
typedef struct {
	int local_fd; /* -1: unused */
	uint32_t gen;
	uint64_t ident; /* inode of the remote end: the identity of the capability */
	void *obj;
	gn_rpc_iface_t const *iface;
	void const *ops;
	unsigned channels;
} lx_ep_object_t;

typedef struct {
	int fd; /* -1: unused */
	uint32_t gen;
	uint32_t object;
	bool deferred;
} lx_ep_channel_t;

typedef struct {
	int fd; /* -1: unused */
	uint32_t gen;
	lx_fd_fn_t fn;
	void *ctx;
} lx_ep_fd_watch_t;

/*
 * Moves ep's tables of objects, channels and watched descriptors into storage of the given sizes,
 * keeping what they hold. A component's entrypoint has room for 512 objects, 1024 channels and 256
 * descriptors; core, which serves every component's sessions and watches two descriptors of every
 * program, gives its own entrypoint more at boot. The storage stays valid for
 * good. Errors: INVALID_ARG when a size is smaller than now (or above 2^24).
 */
gn_err_t lx_ep_provide(gn_ep_t *ep, lx_ep_object_t *objects, unsigned num_objects,
	lx_ep_channel_t *channels, unsigned num_channels, lx_ep_fd_watch_t *fds,
	unsigned num_fds) GN_MUST_CHECK;

#endif
