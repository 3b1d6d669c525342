/*
 * Kernel calls (the ABI is hw_syscall.h). Each handler decodes and checks every argument against
 * the caller's own domain first (numbers against their ranges, buffers against its page tables,
 * capabilities against its capability space), and only then acts; a refusal changes nothing but
 * the caller's RAX. User memory is only ever read through hw_pt_copy_in, UTCBs through the
 * kernel's view of their frames.
 *
 * A handler returns the caller's result (a negated gn_err_t for a refusal), or HW_NO_REPLY when it
 * blocked the caller with the result a timeout gives already stored, or ended the caller (exit),
 * whose registers must not be touched afterwards. syscall.c has the table and the calls of
 * threads and capabilities (with minting and the FS base), ipc.c those of endpoints (with badge
 * revocation), signal.c those of signals, reply.c deferred replies, mem.c memory objects,
 * manage.c domain management, fault.c fault handlers. Handlers get six argument words (RDI, RSI,
 * RDX, R10, R8, R9); all but mem_map read at most four.
 */
#ifndef GNEISS_HW_SYSCALL_KERNEL_H
#define GNEISS_HW_SYSCALL_KERNEL_H

#include "pd.h"
#include "thread.h"

#define HW_NO_REPLY INT64_MIN

/* arg has six words (RDI, RSI, RDX, R10, R8, R9); most calls read the first four. */
typedef int64_t (*hw_handler_t)(hw_thread_t *t, uint64_t const *arg);

/* Carries out the kernel call that thread t made (its saved registers hold the arguments). */
void hw_syscall(hw_thread_t *t);

/* The result that reports err. */
static inline int64_t hw_error(gn_err_t err)
{
	return -(int64_t)err;
}

/* Ticks for a timeout argument, or false when it is above HW_SLEEP_MAX_US (0: none). */
static inline bool hw_timeout_ticks(uint64_t us, uint64_t *ticks)
{
	if (us > HW_SLEEP_MAX_US)
		return false;
	*ticks = hw_ticks_for_us(us);
	return true;
}

/*
 * Whether pd may create one more kernel object: GN_ERR_LIMIT (it owns HW_PD_OBJECTS; the root
 * has no such limit, core accounts per session itself), GN_ERR_OUT_OF_CAPS (its capability space
 * is full). The pools of each kind of object are global limits for every domain (GN_ERR_LIMIT).
 */
static inline gn_err_t hw_object_room(hw_pd_t const *pd)
{
	if (pd->objects >= HW_PD_OBJECTS && pd != hw_pd_root())
		return GN_ERR_LIMIT;
	if (hw_cspace_free_slot(&pd->caps) < 0)
		return GN_ERR_OUT_OF_CAPS;
	return GN_OK;
}

#endif
