/*
 * Per-thread state of the linux platform, reached through %fs (ARCH_SET_FS for the main thread,
 * CLONE_SETTLS for the others): the IPC buffer, the thread's private RPC channels and its trace
 * state.
 */
#ifndef LX_TLS_H
#define LX_TLS_H

#include <gneiss/ipc.h>
#include <gn_trace.h>

enum {
	LX_CHANNELS_PER_THREAD = 16
};

typedef struct {
	gn_cap_t cap;
	uint32_t gen; /* the cap table entry's generation when the channel was opened */
	int fd;       /* -1: unused */
} lx_channel_t;

typedef struct lx_tls {
	struct lx_tls *self;      /* must stay first: %fs:0 */
	gn_trace_thread_t *trace; /* %fs:8 (gn_platform.h): trace_state once set up */
	gn_trace_thread_t trace_state;
	gn_ipc_buf_t ipc;
	lx_channel_t channels[LX_CHANNELS_PER_THREAD];
	unsigned next_victim;
	int tid;
	void *thread; /* the gn_thread_t this belongs to, NULL for the main thread */
} lx_tls_t;

static inline lx_tls_t *lx_tls(void)
{
	lx_tls_t *t;

	__asm__("mov %%fs:0, %0" : "=r"(t));
	return t;
}

/* Prepares t for a new thread (all channels unused). */
void lx_tls_init(lx_tls_t *t);

/* Closes every channel of t: its thread is about to end and will call nothing any more. */
void lx_tls_release(lx_tls_t *t);

#endif
