/*
 * The hw platform layer's private interface: the kernel calls it makes (hw_syscall.h), the
 * thread-local block every thread reaches through FS, and the parts of the capability table and
 * the message codec the other files share. Nothing here leaves platform/hw/lib.
 */
#ifndef GNEISS_HW_LIB_H
#define GNEISS_HW_LIB_H

#include <gneiss/ipc.h>
#include <gneiss/lock.h>
#include <gn_trace.h>
#include <hw_syscall.h>

enum {
	/*
	 * Payload bytes of one message on hw: the UTCB's 4 KiB less the header word (msg.c).
	 * GN_IPC_PAYLOAD is 4096; a message longer than this is refused with INVALID_ARG.
	 */
	HW_RT_PAYLOAD = (HW_MSG_WORDS - 1) * 8,
};

/* A thread waiting in gn_platform_wait: on the waiter list of wait.c while queued. */
typedef struct hw_waiter {
	struct hw_waiter *next;
	uint32_t const *word;
	bool queued;
} hw_waiter_t;

/*
 * The thread-local block. FS points at it (HW_SYS_FS_BASE): %fs:0 is its own address, %fs:8 the
 * thread's trace state (gn_platform.h), gn_trace_off while the thread is no trace subject. The main
 * thread's lives in start.c, every other thread's at the top of its area (thread.c).
 */
typedef struct hw_tls {
	struct hw_tls *self;      /* must stay first: %fs:0 */
	gn_trace_thread_t *trace; /* %fs:8 */
	hw_utcb_t *utcb;          /* the kernel's message buffer of this thread */
	uint64_t thread_cap; /* the kernel's capability of this thread (WAKE), 0: not yet known */
	unsigned prio;       /* the thread's priority: threads it creates run at it */
	hw_waiter_t waiter;
	void *thread;          /* the gn_thread_t, NULL for the main thread */
	gn_blockade_t started; /* thread.c's start handshake, and its result */
	gn_err_t start_err;
	uint32_t done; /* the thread returned from its entry (thread.c) */
	gn_ipc_buf_t ipc;
} hw_tls_t;

_Static_assert(offsetof(hw_tls_t, self) == 0 && offsetof(hw_tls_t, trace) == 8,
	"%fs:0 and %fs:8 as gn_platform.h says");

static inline hw_tls_t *hw_tls(void)
{
	hw_tls_t *t;

	__asm__("mov %%fs:0, %0" : "=r"(t));
	return t;
}

/* Makes t the calling thread's block (FS base); the thread's utcb, cap and prio are set. */
gn_err_t hw_tls_activate(hw_tls_t *t) GN_MUST_CHECK;

/* A kernel call's result as an error: GN_OK for results >= 0. */
static inline gn_err_t hw_err(int64_t result)
{
	return result >= 0 ? GN_OK : (gn_err_t)-result;
}

/*
 * The capability table (cap_table.c). A gn_cap_t on hw is the index of the kernel slot it names;
 * the table keeps a reference count per slot and the kind the kernel reports.
 */

/* Enters slot, which the kernel just filled for us, with one reference. Errors: INVALID_CAP. */
gn_err_t hw_cap_enter(uint64_t slot, gn_cap_t *out) GN_MUST_CHECK;

/*
 * The message codec (msg.c). A message in the UTCB is one header word (opcode or status, payload
 * length, capability count) and the payload in the words after it; the capabilities are in
 * caps[] and the kernel's info value says how many words and capabilities arrived.
 */

/*
 * Writes buf into utcb and returns the info to send in *info. Every capability of buf must be
 * valid (the caller keeps its references). Errors: INVALID_ARG (too long, too many caps),
 * INVALID_CAP.
 */
gn_err_t hw_msg_put(gn_ipc_buf_t const *buf, hw_utcb_t *utcb, uint64_t *info) GN_MUST_CHECK;

/*
 * Reads the message the kernel delivered into utcb (info as the kernel returned it) into buf,
 * checked with gn_ipc_msg_check; the capabilities received become references in buf->caps.
 * Errors: BAD_MSG (the received capabilities are dropped).
 */
gn_err_t hw_msg_get(uint64_t info, hw_utcb_t const *utcb, gn_ipc_buf_t *buf) GN_MUST_CHECK;

/*
 * The entrypoint's signal part (ep_signal.c) hangs off the entrypoint through this hook, so that
 * a program without signal handlers links none of it: state is its record, end is called first
 * thing in gn_ep_destroy.
 */
typedef struct hw_ep_signals hw_ep_signals_t;

typedef struct {
	hw_ep_signals_t *state;
	void (*end)(struct gn_ep *ep);
} hw_ep_signal_hook_t;

hw_ep_signal_hook_t *hw_ep_signal_hook(struct gn_ep *ep);

/* Drops the kernel slots of the capabilities a message brought that nobody entered. */
void hw_msg_drop_received(uint64_t info, hw_utcb_t const *utcb);

/*
 * The region map's part of gn_ds_read/write/fill (region_map.c): calls fn(ctx, done, len) for
 * consecutive pieces of [addr, addr + n) under the region map's lock, each piece inside one
 * region whose memory object the kernel still has (or outside every region: the component's own
 * memory), so no detach of this component can take it away meanwhile. Errors: REVOKED (the
 * object of the next piece was destroyed; the pieces before it are done).
 */
typedef void (*hw_rm_access_fn_t)(void *ctx, size_t done, size_t len);

gn_err_t hw_rm_access(uintptr_t addr, size_t n, hw_rm_access_fn_t fn, void *ctx) GN_MUST_CHECK;

#endif
