/*
 * Threads and protection domains as kernel objects, and the thread half of the kernel: creation,
 * blocking with an optional timeout, wakeup, ending, the timer tick and the choice of the thread
 * to run (the policy is sched.c's).
 *
 * A protection domain (pd.h) is a page table, a capability space (cap.h) and up to HW_PD_THREADS
 * threads in slots; user code names threads by capabilities, the slot index only shows in the
 * log and in the place of the thread's UTCB. A thread is FREE (its slot unused), READY (on a
 * scheduler queue; the running thread is one of these) or BLOCKED (on no queue; on the timeout
 * list when its block has a deadline; what IPC it waits for in ipc). The blocking primitives are
 * what IPC (ipc.h) and signals build on: a kernel call that must wait stores the result a timeout
 * would give in the thread's RAX and blocks; whoever ends the wait stores the real result first
 * and unblocks it; a timeout first takes the thread off its IPC queue (hw_ipc_cancel).
 *
 * The kernel runs with interrupts disabled and the kernel lock held (smp.h), except while it idles
 * in hw_thread_schedule: every function here runs to completion. Each CPU has its own ready queues;
 * a thread is on those of its CPU (cpu, 0 for the boot programs, its creator's for a new thread,
 * hw_thread_set_cpu to change it) and runs only there, so it never runs on two CPUs at once.
 */
#ifndef GNEISS_HW_THREAD_H
#define GNEISS_HW_THREAD_H

#include <gneiss/list.h>
#include <hw_syscall.h>

#include "cap.h"
#include "cpu_tables.h"
#include "mapping.h"
#include "pt.h"
#include "sched.h"

enum {
	HW_PD_MAX = 32,
	HW_PD_NAME_MAX = 63,
	/* what a domain but the root may own (core, the root, accounts per session itself) */
	HW_PD_OBJECTS = 32,     /* endpoints, signals, replies, memory, domains */
	HW_PD_MEM_PAGES = 8192, /* pages of memory objects: 32 MiB */
	/*
	 * Each pool of endpoints, signal receivers and contexts, replies and memory objects holds
	 * what all domains may own at once: every domain but the root HW_PD_OBJECTS, the root one
	 * per capability slot at most (each object it creates takes a slot). So no domain can use
	 * up a pool another needs, and a full pool is never what refuses a domain its share.
	 */
	HW_OBJECT_POOL = (HW_PD_MAX - 1) * HW_PD_OBJECTS + HW_CAP_SLOTS,
};

enum {
	HW_FAULT_END_NONE = 0,
	HW_FAULT_END_THREAD = 1, /* the handler answered: end the thread */
	HW_FAULT_END_PD = 2,     /* the handler is gone: end the domain by its fault */
	HW_FAULT_END_EXIT = 3,   /* an exit the handler heard of (or could not): end the domain */
};

typedef enum {
	HW_THREAD_FREE,
	HW_THREAD_READY,
	HW_THREAD_BLOCKED,
} hw_thread_state_t;

typedef struct hw_pd hw_pd_t;
typedef struct hw_thread hw_thread_t;

/* What a BLOCKED thread waits for in IPC (ipc.c, signal.c); HW_IPC_NONE for sleep and wait. */
typedef enum {
	HW_IPC_NONE,
	HW_IPC_SEND,     /* its call is queued on an endpoint (blocked_on) */
	HW_IPC_REPLY,    /* a server (server) took its call; it waits for the reply */
	HW_IPC_RECV,     /* waits on an endpoint (blocked_on) for a call */
	HW_IPC_SIGNAL,   /* waits on a signal receiver (blocked_on) */
	HW_IPC_DEFERRED, /* its server made the reply a capability (blocked_on: reply.c's object) */
} hw_ipc_state_t;

struct hw_thread {
	hw_frame_t regs; /* the user context whenever the thread is not running */
	hw_obj_t obj;    /* capabilities to the thread go stale when it ends */
	hw_sched_item_t sched;
	hw_pd_t *pd;
	unsigned index;    /* in its domain */
	unsigned cpu;      /* the CPU whose queue it is on and which runs it */
	unsigned cpu_next; /* != cpu: moves there when its CPU schedules next */
	hw_thread_state_t state;
	uint64_t deadline;      /* the tick that ends the block; 0: none */
	gn_list_elem_t timeout; /* on the timeout list while deadline != 0 */
	bool waiting;           /* blocked in HW_SYS_WAIT, so a wake ends the block */
	bool wake_pending;      /* woken while not waiting: the next wait returns at once */
	uint64_t ticks;         /* timer ticks that found it running */
	uint64_t preemptions;   /* times the timer or a wakeup took the CPU from it */
	uint64_t *utcb[2];      /* the kernel's view of its UTCB pages (utcb.h) */
	hw_ipc_state_t ipc;
	void *blocked_on;        /* SEND, RECV: the endpoint; SIGNAL: the receiver */
	gn_list_elem_t ipc_elem; /* SEND, RECV: on the endpoint's queue */
	uint64_t send_info;      /* SEND: the message its registers described */
	hw_thread_t *server;     /* REPLY: the thread that took its call */
	hw_thread_t *caller;     /* the thread whose call it took and has not answered */
	bool reply_lost;         /* that caller went away before the answer */
	uint64_t send_badge;     /* SEND: the badge of the capability it called through */
	uint64_t fs_base;        /* its FS base (user TLS), loaded whenever it runs */
	bool faulting;           /* its call is a fault message (fault.h): fault[] the words */
	uint8_t fault_end;       /* HW_FAULT_END_*: what the scheduler does before it runs again */
	uint64_t fault[HW_FAULT_WORDS];
};

struct hw_pd {
	hw_obj_t obj; /* capabilities to the domain go stale when it ends */
	bool used;
	bool ending;  /* hw_pd_end is tearing it down */
	bool exiting; /* a thread's exit went to the fault handler: the domain ends after it */
	hw_cspace_t caps;
	unsigned objects;   /* kernel objects it owns (HW_PD_OBJECTS) */
	hw_pd_t *owner;     /* the domain that created it (HW_SYS_PD_CREATE); NULL: a boot module */
	uint64_t mem_pages; /* pages of the memory objects it owns */
	hw_mapping_t maps[HW_PD_MAPPINGS];
	hw_cap_slot_t fault_ep; /* the fault handler's endpoint (fault.h); obj NULL: none */
	char name[HW_PD_NAME_MAX + 1];
	hw_pt_t pt;
	hw_thread_t threads[HW_PD_THREADS];
	unsigned alive;    /* threads not FREE */
	unsigned refusals; /* kernel-call refusals reported on the log */
	uint64_t ticks;    /* of its threads that ended */
	uint64_t preemptions;
};

/* Sets up the scheduler: slice_ticks per time slice, the timer ticking every tick_us. */
void hw_threads_init(unsigned slice_ticks, unsigned tick_us);

/* The thread whose context the current kernel entry saved; NULL once it ended. */
static inline hw_thread_t *hw_thread_current(void)
{
	return hw_cpu_self()->current;
}

/* Sets up this CPU's part: no thread yet, its CR3 and FS base as loaded. */
void hw_threads_init_cpu(hw_cpu_t *cpu);

/*
 * Makes t run on cpu (< hw_cpu_count, checked by the caller) from now on: a thread on no CPU
 * moves at once; one running (on this or another CPU) moves when its CPU schedules next (another
 * CPU gets a kick).
 */
void hw_thread_set_cpu(hw_thread_t *t, unsigned cpu);

/*
 * Starts a thread of pd at priority prio, entering user mode at entry with RSP = stack_top, RDI =
 * arg and RSI = its UTCB (mapped, zeroed), and stores it in *out. The caller has checked the
 * arguments. Errors: GN_ERR_LIMIT (pd has HW_PD_THREADS threads), those of hw_utcb_map
 * (GN_ERR_OUT_OF_RAM); no thread is created then.
 */
gn_err_t hw_thread_create(hw_pd_t *pd, unsigned prio, uint64_t entry, uint64_t stack_top,
	uint64_t arg, hw_thread_t **out) GN_MUST_CHECK;

/* Blocks a READY thread, for at most ticks timer ticks (0: until unblocked). */
void hw_thread_block(hw_thread_t *t, uint64_t ticks);

/* Makes a BLOCKED thread ready again (its RAX holds whatever result was stored last). */
void hw_thread_unblock(hw_thread_t *t);

/* Moves the running thread to the end of its priority's queue. */
void hw_thread_yield(hw_thread_t *t);

/*
 * Ends a thread: off every queue (its IPC cancelled, a caller it owes a reply gets an error), its
 * capabilities stale, its slot FREE. The domain's count of threads drops.
 */
void hw_thread_end(hw_thread_t *t);

/* The timer interrupt: one tick of time, charged to the running thread; expired blocks end. */
void hw_thread_tick(void);

/*
 * Chooses the thread to run, idling with interrupts enabled until one is ready, switches to its
 * address space and returns its sanitised context for hw_user_resume. When no thread is ready and
 * none waits with a timeout, nothing can ever run again: the kernel says so and exits.
 */
hw_frame_t *hw_thread_schedule(void);

/*
 * The IPC fast path's direct switch: from, the running thread, blocks without a timeout and to, a
 * BLOCKED thread of the same priority, takes its place on the ready queue (and the rest of its
 * slice) and runs at once. Returns to's context, as hw_thread_schedule would have.
 */
hw_frame_t *hw_thread_handoff(hw_thread_t *from, hw_thread_t *to);

/* Switches to the kernel's address space if root is loaded, before its tables are destroyed. */
void hw_thread_drop_space(uint64_t root);

/* Microseconds in ticks timer ticks. */
uint64_t hw_ticks_to_us(uint64_t ticks);

/* Microseconds since the timer started (in whole ticks). */
uint64_t hw_time_us(void);

/* The number of ticks that covers us microseconds (at least 1 for us > 0). */
uint64_t hw_ticks_for_us(uint64_t us);

#endif
