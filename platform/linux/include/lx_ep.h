/* Linux-only additions to the entrypoint, for core: raw descriptors (pidfds, seccomp listeners). */
#ifndef LX_EP_H
#define LX_EP_H

#include <gneiss/entrypoint.h>

typedef void (*lx_fd_fn_t)(void *ctx, int fd, uint32_t events);

/* Calls fn when fd becomes readable (or hangs up). The caller keeps owning fd. Errors: LIMIT. */
gn_err_t lx_ep_watch(gn_ep_t *ep, int fd, lx_fd_fn_t fn, void *ctx) GN_MUST_CHECK;

/* Stops watching fd (call before closing it). */
void lx_ep_unwatch(gn_ep_t *ep, int fd);

#endif
