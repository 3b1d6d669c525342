/*
 * The hw kernel's system-call ABI, shared by the kernel and user programs.
 *
 * A kernel call is the `syscall` instruction with the call number in RAX and up to four arguments
 * in RDI, RSI, RDX and R10. The result comes back in RAX: a value >= 0 on success, or the negated
 * gn_err_t on failure. RCX and R11 are clobbered (by the instruction itself); every other register
 * is preserved. The kernel checks every argument before it acts: an unknown call number or a
 * message that does not fit is GN_ERR_BAD_MSG, a value out of range GN_ERR_INVALID_ARG, a buffer
 * that is not wholly readable memory of the caller's protection domain GN_ERR_DENIED, a full table
 * GN_ERR_LIMIT. No argument can make the kernel fault or touch memory outside the caller's user
 * mappings.
 *
 * Capabilities. Each protection domain has a capability space of HW_CAP_SLOTS slots; a capability
 * is the index of a slot (what gn_cap_t is above the platform). A slot refers to a kernel object
 * (a domain, a thread, an IPC endpoint, a signal receiver or a signal context) with rights
 * (HW_RIGHT_*). Errors of every call that takes a capability: GN_ERR_INVALID_CAP (the index is out
 * of range, the slot is empty, or it holds another kind of object), GN_ERR_REVOKED (the object was
 * destroyed: every capability to it, in every space, answers this from then on, until the slot is
 * dropped), GN_ERR_DENIED (the capability lacks the right the call needs).
 *
 * The slots the kernel fills when it starts a domain:
 *   HW_CAP_PD (0)       the domain itself
 *   HW_CAP_THREAD (1)   its first thread (HW_RIGHT_WAKE)
 *   HW_CAP_BOOT_EP (2)  the boot endpoint. The first ELF boot module is the root (the future
 *                       core): its slot 2 may receive (HW_RIGHT_RECV) and owns the endpoint;
 *                       every other domain's slot 2 may only call it. Capability transfer through
 *                       IPC is the only way to obtain any other capability.
 *   3 ..                free; created objects and received capabilities take the lowest free slot.
 *
 * Objects are destroyed when their owner drops its owning capability (the one the creating call
 * returned, HW_RIGHT_OWNER), when the owning domain ends, and threads when they end.
 *
 * IPC. Each thread has a UTCB (hw_utcb_t) that the kernel maps into its domain at
 * HW_UTCB_BASE + index * HW_UTCB_SIZE; a thread finds its own in RSI when it starts. A message is
 * `words` words of msg[] and `caps` capability indices in caps[], described by an info value
 * HW_MSG_INFO(words, caps) (at most HW_MSG_WORDS and HW_MSG_CAPS, else GN_ERR_BAD_MSG). The
 * kernel copies the payload from the sender's UTCB into the receiver's and translates the
 * capabilities: each index must name a capability of the sender (else the call fails with
 * GN_ERR_INVALID_CAP or GN_ERR_REVOKED and nothing is transferred); the receiver gets a copy in a
 * free slot of its own space, without HW_RIGHT_RECV and HW_RIGHT_OWNER, and its own indices in
 * caps[]. When the receiver's space has fewer free slots than caps, the message is delivered with
 * the caps that fit, in order, and the info says how many. A successful receive returns the
 * info of the message received; the counts are never read back from the UTCB.
 *
 * Signals: a context bound to a receiver counts submits; a wait on the receiver returns the count
 * of one context with pending submits since its last delivery (and resets it), its badge in the
 * waiter's UTCB. Submit never blocks.
 */
#ifndef GNEISS_HW_SYSCALL_H
#define GNEISS_HW_SYSCALL_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	HW_SYS_PRINT = 0,         /* (ptr, len): one or more lines on the console as "[pd] text" */
	HW_SYS_YIELD = 1,         /* (): to the end of the caller's priority level */
	HW_SYS_EXIT = 2,          /* (code): ends the caller's protection domain; no return */
	HW_SYS_THREAD_CREATE = 3, /* (entry, stack_top, priority, arg): a thread capability */
	HW_SYS_THREAD_EXIT = 4,   /* (): ends the calling thread; the last one ends its domain */
	HW_SYS_SLEEP = 5,         /* (us): blocks for at least us microseconds */
	HW_SYS_WAIT = 6,          /* (timeout_us): blocks until woken; 0 waits for ever */
	HW_SYS_WAKE = 7,          /* (thread cap): wakes that thread (HW_RIGHT_WAKE) */
	HW_SYS_TIME = 8,          /* (): microseconds since the timer started */
	HW_SYS_CAP_DROP = 9,      /* (cap): empties the slot; an owning cap destroys the object */
	HW_SYS_CAP_INFO = 10,     /* (cap): HW_CAP_INFO(type, rights) of the slot */
	HW_SYS_EP_CREATE = 11,    /* (): an endpoint capability (CALL, RECV, OWNER) */
	HW_SYS_CALL = 12,         /* (ep cap, info, timeout_us): the reply's info */
	HW_SYS_REPLY_WAIT = 13,   /* (ep cap, reply info, timeout_us): the next call's info */
	HW_SYS_SIGNAL_RECEIVER = 14, /* (): a signal receiver capability (WAIT, OWNER) */
	HW_SYS_SIGNAL_CONTEXT =
		15,              /* (receiver cap, badge): a context capability (SUBMIT, OWNER) */
	HW_SYS_SUBMIT = 16,      /* (context cap): counts one signal; never blocks */
	HW_SYS_SIGNAL_WAIT = 17, /* (receiver cap, timeout_us): a count; the badge in the UTCB */
	HW_SYS_COUNT = 18,
};

/*
 * call (ep, info, timeout_us): sends the message info describes from the caller's UTCB to a thread
 * receiving on the endpoint (HW_RIGHT_CALL) and blocks until it replies; the reply is in the UTCB
 * and the result its info. timeout_us (0: none, at most HW_SLEEP_MAX_US) covers the whole call:
 * GN_ERR_TIMEOUT. GN_ERR_REVOKED when the endpoint is destroyed (its owner ends) before the reply,
 * GN_ERR_NOT_FOUND when the server thread that took the call ended without replying.
 *
 * reply_wait (ep, info, timeout_us): when the calling thread took a call and has not answered it,
 * sends the reply info describes to that caller; then waits on the endpoint (HW_RIGHT_RECV) for
 * the next call, whose info it returns. Without a call to answer it is a plain wait (info is
 * ignored). When the caller is gone (it ended or its call timed out) the result is
 * GN_ERR_NOT_FOUND at once, without waiting: the next reply_wait waits. A reply whose capabilities
 * are invalid fails the same way as a call's, and the caller keeps waiting for a valid one.
 */

enum {
	HW_CAP_SLOTS = 256,
	HW_CAP_PD = 0,
	HW_CAP_THREAD = 1,
	HW_CAP_BOOT_EP = 2,
	HW_CAP_FIRST_FREE = 3,

	/* object types, as HW_SYS_CAP_INFO reports them */
	HW_OBJ_NONE = 0,
	HW_OBJ_PD = 1,
	HW_OBJ_THREAD = 2,
	HW_OBJ_ENDPOINT = 3,
	HW_OBJ_SIGNAL_RECEIVER = 4,
	HW_OBJ_SIGNAL_CONTEXT = 5,

	/* rights */
	HW_RIGHT_CALL = 1 << 0, /* endpoint: call */
	HW_RIGHT_RECV = 1 << 1, /* endpoint: reply_wait; signal receiver: wait; never transferred */
	HW_RIGHT_SUBMIT = 1 << 2, /* signal context: submit */
	HW_RIGHT_WAKE = 1 << 3,   /* thread: wake */
	HW_RIGHT_OWNER = 1 << 4,  /* dropping it destroys the object; never transferred */

	HW_MSG_WORDS = 512, /* payload words per message: 4 KiB */
	HW_MSG_CAPS = 4,    /* capabilities per message */
	HW_UTCB_SIZE = 2 * 4096,
};

#define HW_MSG_INFO(words, caps) ((uint64_t)(words) | (uint64_t)(caps) << 16)
#define HW_MSG_WORDS_OF(info) ((uint64_t)(info)&0xffff)
#define HW_MSG_CAPS_OF(info) ((uint64_t)(info) >> 16)
#define HW_CAP_INFO(type, rights) ((uint64_t)(type) | (uint64_t)(rights) << 8)

/* A thread's user-level thread control block: the messages it sends and receives. */
typedef struct {
	uint64_t msg[HW_MSG_WORDS]; /* payload: first page */
	uint64_t caps[HW_MSG_CAPS]; /* capability indices: the sender's, then the receiver's */
	uint64_t badge;             /* signal_wait: the badge of the context delivered */
} hw_utcb_t;

_Static_assert(sizeof(hw_utcb_t) <= HW_UTCB_SIZE, "UTCB layout");

enum {
	HW_PRINT_MAX = 256, /* bytes per print call */
	HW_PRIORITIES = 4,  /* 0 (lowest) .. HW_PRIO_MAX; boot programs run at HW_PRIO_MAX */
	HW_PRIO_MAX = HW_PRIORITIES - 1,
	HW_PD_THREADS = 8,                  /* threads per protection domain */
	HW_SLEEP_MAX_US = 10 * 1000 * 1000, /* longest sleep or wait timeout */
	HW_USER_STACK_SIZE = 64 * 1024,     /* the first thread's stack, below HW_USER_END */
};

/*
 * The user half of an address space: [HW_USER_BASE, HW_USER_END). The first 64 KiB stay unmapped
 * so that NULL and small offsets from it fault; the end stays a page short of the canonical
 * boundary. A program's segments lie below the UTCBs, which lie below the first thread's stack and
 * its guard page.
 */
#define HW_USER_BASE 0x10000UL
#define HW_USER_END 0x00007fffffff0000UL
#define HW_USER_STACK_TOP HW_USER_END
#define HW_UTCB_BASE 0x00007fff00000000UL
#define HW_USER_IMAGE_END HW_UTCB_BASE

static inline int64_t hw_syscall4(
	uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t r10 __asm__("r10") = a3;
	int64_t result;

	__asm__ volatile("syscall"
			 : "=a"(result), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10)
			 : "a"(number)
			 : "rcx", "r11", "memory");
	return result;
}

#endif
