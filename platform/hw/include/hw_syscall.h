/*
 * The hw kernel's system-call ABI, shared by the kernel and user programs.
 *
 * A kernel call is the `syscall` instruction with the call number in RAX and up to four arguments
 * in RDI, RSI, RDX and R10 (mem_map takes two more, in R8 and R9: hw_syscall6). The result comes
 * back in RAX: a value >= 0 on success, or the negated gn_err_t on failure. RCX and R11 are
 * clobbered (by the instruction itself); every other register is preserved. The kernel checks every argument before it acts: an unknown call number or a
 * message that does not fit is GN_ERR_BAD_MSG, a value out of range GN_ERR_INVALID_ARG, a buffer
 * that is not wholly readable memory of the caller's protection domain GN_ERR_DENIED, a full table
 * GN_ERR_LIMIT. No argument can make the kernel fault or touch memory outside the caller's user
 * mappings. The calls 18.. (milestone 4), 30.. (device access), 36.. (SMP: cpu_info,
 * thread_cpu), 38.. (milestone 5, for core: mem_size, cap_badge, cap_same, signal_bind) and 43
 * (io_mem_create) were added without changing any earlier call; on one CPU nothing else differs. What earlier programs
 * can see: slot 0 carries HW_RIGHT_MANAGE (cap_info 0x10001 instead of 0x1; IPC never transfers
 * it), a received call writes the UTCB's badge word (0 for unbadged capabilities), and the root
 * starts with the boot table in its UTCB's msg[] and the top slots filled. Milestone 5: print
 * reads a third argument (flags: 0, it was ignored before), a space has 1024 slots, cap_mint
 * refuses badges above HW_BADGE_MAX, an exit of a domain with a fault handler is a message to it
 * first, and the root has no per-domain limits (only the kernel's pools).
 *
 * Capabilities. Each protection domain has a capability space of HW_CAP_SLOTS slots; a capability
 * is the index of a slot (what gn_cap_t is above the platform). A slot refers to a kernel object
 * (a domain, a thread, an IPC endpoint, a signal receiver or context, a reply, a memory object, the
 * domain factory) with rights (HW_RIGHT_*) and, for an endpoint, a badge. Errors of every call
 * that takes a capability: GN_ERR_INVALID_CAP (the index is out of range, the slot is empty, or it
 * holds another kind of object), GN_ERR_REVOKED (the object was destroyed, or this copy's badge
 * revoked: every capability to it, in every space, answers this from then on, until the slot is
 * dropped), GN_ERR_DENIED (the capability lacks the right the call needs).
 *
 * The slots the kernel fills when it starts a domain:
 *   HW_CAP_PD (0)       the domain itself (HW_RIGHT_MANAGE: it may map memory into itself)
 *   HW_CAP_THREAD (1)   its first thread (HW_RIGHT_WAKE)
 *   HW_CAP_BOOT_EP (2)  the boot endpoint. The first ELF boot module is the root (the future
 *                       core): its slot 2 may receive (HW_RIGHT_RECV) and owns the endpoint;
 *                       every other domain's slot 2 may only call it.
 *   3 ..                free; created objects and received capabilities take the lowest free slot.
 *   The root also holds the domain factory in HW_CAP_FACTORY (255) and boot module i as a
 *   read-only memory object in HW_CAP_BOOT_MODULE - i (254 - i); see hw_boot_table_t; the
 *   I/O port factory in HW_CAP_IO_PORT_FACTORY (222), the IRQ factory in HW_CAP_IRQ_FACTORY (221)
 *   and the device memory factory in HW_CAP_IO_MEM_FACTORY (220) (see "Device access" below). A
 *   domain
 *   the root creates (HW_SYS_PD_CREATE) starts with slot 0 only; its creator fills the others
 *   (HW_SYS_CAP_GIVE).
 *
 * Minting and badges (cap_mint): a copy of a capability in the caller's lowest free slot with the
 * rights of both the source and the mask, never HW_RIGHT_OWNER. A badge (non-zero) is for
 * endpoints only, set through a capability with HW_RIGHT_RECV (the server's side, so a client
 * cannot forge one: DENIED) and never changed afterwards (re-badging a badged copy: DENIED; badge
 * 0 keeps it); a badge is at most HW_BADGE_MAX (else INVALID_ARG), so that cap_badge can return
 * it. Copies made by IPC or cap_give keep the badge. A call's receiver finds the badge of the
 * capability the caller used in its UTCB's badge word (0: unbadged): one endpoint per entrypoint,
 * a badged capability per RPC object. ep_revoke_badge (the owning capability, badge)
 * revokes every copy with that badge in every space (REVOKED from then on; the endpoint and its
 * other copies stay), also a fault handler registered with such a copy (that domain's faults then
 * end it as without a handler), and fails queued calls made through them with REVOKED; it returns
 * how many slots it revoked (registrations not counted). Destroying the endpoint revokes all of them at once.
 *
 * Memory objects (mem_create, size a multiple of 4 KiB up to 16 MiB): physically contiguous
 * zeroed frames, charged to the creator (at most 32 MiB and, like every object, one of its 32
 * objects: LIMIT; the root has neither limit, only the kernel's pools: LIMIT, and memory:
 * OUT_OF_RAM), capability with READ, WRITE, EXEC, OWNER. mem_map (mem, pd, va, offset, size,
 * flags) maps [offset, offset + size) of it at va into a domain the pd capability may manage:
 * everything page-aligned, size > 0, inside the object, va in [HW_USER_BASE, HW_UTCB_BASE) (never
 * over a UTCB or the first stack) else INVALID_ARG; flags HW_MAP_READ with at most one of
 * HW_MAP_WRITE, HW_MAP_EXEC (W+X: INVALID_ARG), each needing the capability's right (DENIED);
 * W^X per object: WRITE while the object is mapped EXEC anywhere, or EXEC while it is mapped WRITE
 * anywhere, DENIED;
 * EXISTS when any page there is mapped; LIMIT after 128 mappings in the domain. mem_unmap (pd, va)
 * removes the mapping starting at va (NOT_FOUND). Destroying a memory object (its owner drops the
 * owning capability or ends) unmaps it from every domain and frees its frames at once.
 *
 * Domains (pd_create, thread_start, cap_give): see manage.c. pd_create (factory, name, len)
 * makes an empty domain named by 1..63 bytes of [A-Za-z0-9._+-] of the caller's memory
 * (unreadable: DENIED); the caller gets its owning capability (MANAGE, OWNER); it ends when that
 * is dropped, when the owner ends, or when its last thread ends. thread_start (pd, entry,
 * stack_top, prio) is thread_create in another domain (entry executable and stack writable
 * there, prio at most the caller's: DENIED); the thread starts with RSI = its UTCB. cap_give (pd,
 * cap, slot, rights) puts a copy of cap into the empty slot of that domain (EXISTS when used),
 * with the rights of both, never OWNER (RECV stays: the creator decides who serves); a reply
 * capability cannot be given (DENIED).
 *
 * Deferred replies: reply_cap () turns the call the thread took and has not answered into a reply
 * capability (OWNER; NOT_FOUND without one or when its caller is gone); the caller keeps waiting,
 * the thread may receive other calls, and any thread of the domain answers with reply (cap,
 * info), which empties the slot (a second use: INVALID_CAP) and answers NOT_FOUND when the
 * caller ended or timed out meanwhile. Dropping it unused answers the caller NOT_FOUND; the end of
 * the domain answers it REVOKED.
 *
 * FS base: fs_base (address) sets the calling thread's FS base (any address below
 * HW_USER_CANONICAL_END, else INVALID_ARG; 0 at start); the kernel loads it whenever the thread
 * runs, so %fs-relative TLS works as on Linux.
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
 * waiter's UTCB. Submit never blocks. A context may also be made unbound and bound later (see
 * "For core" below).
 */
#ifndef GNEISS_HW_SYSCALL_H
#define GNEISS_HW_SYSCALL_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	HW_SYS_PRINT = 0,         /* (ptr, len, flags): lines on the console as "[pd] text" */
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
	HW_SYS_FS_BASE = 18,     /* (address): sets the calling thread's FS base (user TLS) */
	HW_SYS_CAP_MINT = 19,    /* (cap, rights, badge): a copy with fewer rights and a badge */
	HW_SYS_EP_REVOKE_BADGE = 20, /* (ep cap, badge): revokes every copy minted with badge */
	HW_SYS_REPLY_CAP = 21,       /* (): the pending reply as a reply capability */
	HW_SYS_REPLY = 22,           /* (reply cap, info): answers through it; consumes it */
	HW_SYS_MEM_CREATE = 23,      /* (size): a memory object of size zeroed bytes */
	HW_SYS_MEM_MAP = 24,         /* (mem cap, pd cap, va, offset, size, HW_MAP_*): maps it */
	HW_SYS_MEM_UNMAP = 25,       /* (pd cap, va): removes the mapping that starts at va */
	HW_SYS_PD_CREATE = 26,       /* (factory cap, name, len): an empty protection domain */
	HW_SYS_THREAD_START = 27,    /* (pd cap, entry, stack_top, prio): a thread in that domain */
	HW_SYS_CAP_GIVE = 28,      /* (pd cap, cap, slot, rights): a copy into that domain's slot */
	HW_SYS_FAULT_HANDLER = 29, /* (pd cap, ep cap): faults of that domain become calls on ep */
	HW_SYS_IO_PORT_CREATE = 30, /* (port factory cap, base, count): an I/O port range cap */
	HW_SYS_PORT_IN = 31,        /* (ports cap, port, width): the value read (READ) */
	HW_SYS_PORT_OUT = 32,       /* (ports cap, port, width, value): 0 (WRITE) */
	HW_SYS_IRQ_CREATE = 33,     /* (irq factory cap, ISA line): an IRQ capability */
	HW_SYS_IRQ_BIND = 34,       /* (irq cap, context cap): interrupts submit the context */
	HW_SYS_IRQ_ACK = 35,        /* (irq cap): unmasks the line after an interrupt */
	HW_SYS_CPU_INFO = 36,       /* (): HW_CPU_INFO of the CPU the caller runs on */
	HW_SYS_THREAD_CPU = 37,     /* (thread cap, cpu): 0; the thread runs on that CPU from now */
	HW_SYS_MEM_SIZE = 38,       /* (mem cap): the memory object's size in bytes */
	HW_SYS_CAP_BADGE = 39,      /* (cap, ep cap): cap's badge if it names ep's endpoint */
	HW_SYS_CAP_SAME = 40,       /* (cap, cap): 1 when both name one object and badge, else 0 */
	HW_SYS_SIGNAL_BIND = 41,    /* (context cap, receiver cap, badge): binds it, once */
	HW_SYS_THREAD_TIME = 42,    /* (pd cap, slot there): that thread's CPU time in us (ticks) */
	HW_SYS_IO_MEM_CREATE = 43,  /* (io-mem factory cap, phys, size): a device memory object */
	HW_SYS_COUNT = 44,
};

/*
 * For core (milestone 5): the calls that let the root serve sessions to components.
 *
 * mem_size (mem): the size in bytes of the memory object the capability names (any rights), so a
 * component can map a dataspace it received without being told its size.
 *
 * cap_badge (cap, ep): when ep is a capability with HW_RIGHT_RECV on an endpoint and cap a live
 * capability to that same endpoint, cap's badge (0: unbadged); any other cap (empty, stale, revoked
 * by its badge, another object): GN_ERR_NOT_FOUND. ep is checked first (INVALID_CAP, REVOKED,
 * DENIED without RECV); cap's index out of range is INVALID_CAP. Only the server learns this way
 * which of its objects a capability it received names.
 *
 * cap_same (a, b): 1 when both slots are live and name the same object with the same badge, else
 * 0; INVALID_CAP when either index is out of range.
 *
 * Unbound signal contexts: signal_context (HW_SIGNAL_UNBOUND, 0) makes a context that belongs to
 * no receiver yet (charged to the caller like any context; a badge other than 0: INVALID_ARG, it
 * comes with the binding); submits count while it is unbound. signal_bind (context, receiver,
 * badge) binds it once: the context is checked first and needs any live capability to it (SUBMIT
 * is not needed), the receiver HW_RIGHT_RECV (DENIED); a context bound before (also one created
 * bound, or one whose receiver was destroyed since): EXISTS. The count so far is delivered on the
 * receiver then, to a thread waiting on it at once. Destroying the receiver leaves its contexts
 * bound to nothing (submit: REVOKED); destroying a context takes it off its receiver. Core makes
 * the contexts of PD sessions this way and the component binds each to its own receiver, so core
 * never holds a component's receiver.
 *
 * Exits through the fault handler: HW_SYS_EXIT by a thread of a domain with a fault handler is a
 * fault message (HW_FAULT_VECTOR = HW_FAULT_EXIT, HW_FAULT_ERROR = the exit code, thread, RIP and
 * RSP as for a fault, HW_FAULT_ADDR 0): the handler learns why the domain ends. Whatever the answer
 * (HW_FAULT_RESUME too; or none: the handler gone), the domain ends with that code. Its other
 * threads run on until then; another exit meanwhile waits for the end (only the first is sent).
 * A handler whose endpoint the exiting domain owns itself is not asked: it ends at once, as
 * without a handler (its own threads would have to answer their own end). Core hears of every
 * child's end this way.
 *
 * Raw console lines: print (ptr, len, HW_PRINT_RAW) writes the text without the "[pd] " prefix;
 * only the root may (DENIED for others): core labels its lines itself. flags 0 as before, any
 * other bit INVALID_ARG.
 */
enum {
	HW_PRINT_RAW = 1,
};
#define HW_SIGNAL_UNBOUND UINT64_MAX

/*
 * signal_wait (receiver, HW_SIGNAL_POLL) takes what is pending without blocking: TIMEOUT at once
 * when nothing is (an entrypoint drains its receiver before it runs handlers, so submits that
 * arrived meanwhile are one delivery, as on linux).
 */
#define HW_SIGNAL_POLL UINT64_MAX
#define HW_BADGE_MAX INT64_MAX /* cap_badge returns a badge as a result >= 0 */

/*
 * call (ep, info, timeout_us): sends the message info describes from the caller's UTCB to a thread
 * receiving on the endpoint (HW_RIGHT_CALL) and blocks until it replies; the reply is in the UTCB
 * and the result its info. timeout_us (0: none, at most HW_SLEEP_MAX_US) covers the whole call:
 * GN_ERR_TIMEOUT. GN_ERR_REVOKED when the endpoint is destroyed while the call is still queued
 * or the server's domain ends before the reply (a call a server thread already took is still
 * answered by it, even after the endpoint is destroyed), GN_ERR_NOT_FOUND when the server thread
 * that took the call ended without replying.
 *
 * reply_wait (ep, info, timeout_us): when the calling thread took a call and has not answered it,
 * sends the reply info describes to that caller; then waits on the endpoint (HW_RIGHT_RECV) for
 * the next call, whose info it returns. Without a call to answer it is a plain wait (info is
 * ignored). When the caller is gone (it ended or its call timed out) the result is
 * GN_ERR_NOT_FOUND at once, without waiting: the next reply_wait waits. A reply whose capabilities
 * are invalid fails the same way as a call's, and the caller keeps waiting for a valid one. Through
 * the capability of an endpoint destroyed meanwhile it still sends the reply it owes, then
 * returns GN_ERR_REVOKED.
 */

enum {
	HW_CAP_SLOTS = 1024, /* per domain (256 before milestone 5; the root's slots stayed) */
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
	HW_OBJ_REPLY = 6,            /* a deferred reply (HW_SYS_REPLY_CAP) */
	HW_OBJ_MEMORY = 7,           /* a memory object: a run of physical frames */
	HW_OBJ_PD_FACTORY = 8,       /* the right to create protection domains (the root's) */
	HW_OBJ_IO_PORTS = 9,         /* a range of I/O ports (HW_SYS_PORT_IN/OUT) */
	HW_OBJ_IO_PORT_FACTORY = 10, /* the right to create I/O port capabilities (the root's) */
	HW_OBJ_IRQ = 11,             /* an ISA interrupt line (HW_SYS_IRQ_BIND/ACK) */
	HW_OBJ_IRQ_FACTORY = 12,     /* the right to create IRQ capabilities (the root's) */
	HW_OBJ_IO_MEM_FACTORY = 13,  /* the right to create device memory objects (the root's) */

	/* rights */
	HW_RIGHT_CALL = 1 << 0, /* endpoint: call */
	HW_RIGHT_RECV =
		1 << 1, /* endpoint: reply_wait; receiver: wait; IRQ: bind, ack; not by IPC */
	HW_RIGHT_SUBMIT = 1 << 2, /* signal context: submit */
	HW_RIGHT_WAKE = 1 << 3,   /* thread: wake */
	HW_RIGHT_OWNER = 1 << 4,  /* dropping it destroys the object; never transferred */
	HW_RIGHT_READ = 1 << 5,   /* memory: map readable; I/O ports: in */
	HW_RIGHT_WRITE = 1 << 6,  /* memory: map writable; I/O ports: out */
	HW_RIGHT_EXEC = 1 << 7,   /* memory: map executable */
	HW_RIGHT_MANAGE = 1 << 8, /* domain: map into it, start threads in it, give it caps */
	HW_RIGHT_CREATE = 1 << 9, /* factories: create domains, I/O port or IRQ capabilities */
	HW_RIGHTS_ALL = (1 << 10) - 1,

	/* the root's extra slots (the others are free in every other domain) */
	HW_CAP_FACTORY = 255,     /* the domain factory (HW_RIGHT_CREATE) */
	HW_CAP_BOOT_MODULE = 254, /* module i in slot HW_CAP_BOOT_MODULE - i */

	/* mem_map's rights: HW_MAP_READ alone, with HW_MAP_WRITE or with HW_MAP_EXEC */
	HW_MAP_READ = 1 << 0,
	HW_MAP_WRITE = 1 << 1,
	HW_MAP_EXEC = 1 << 2,

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
	uint64_t badge; /* signal_wait: the context's badge; a call received: its capability's */
} hw_utcb_t;

_Static_assert(sizeof(hw_utcb_t) <= HW_UTCB_SIZE, "UTCB layout");

/*
 * The boot modules, as the root finds them: the kernel writes this table at the start of the
 * root's first UTCB (msg[]) before its first instruction, so the root reads it before its first
 * IPC. Each module i (in boot order, ELF or not, started by the kernel or not; empty modules are
 * left out) is a read-only memory object (HW_RIGHT_READ | HW_RIGHT_EXEC, not owned: it is never
 * freed) in slot `slot` (HW_CAP_BOOT_MODULE - i) of the root's space; `size` is its length in
 * bytes (the object covers whole pages: the bytes after size in its last page are unspecified),
 * `started` says whether the kernel started it as a domain (see the kernel's README for the
 * hw-start module that makes it leave programs to the root).
 */
#define HW_BOOT_MAGIC 0x746f6f62656e6e67ULL /* "gnneboot" in memory */

enum {
	HW_BOOT_MODULES = 32,
	HW_BOOT_NAME = 64,
};

typedef struct {
	uint64_t slot;
	uint64_t size;
	uint64_t started;
	char name[HW_BOOT_NAME]; /* NUL-terminated */
} hw_boot_module_t;

typedef struct {
	uint64_t magic; /* HW_BOOT_MAGIC */
	uint64_t count;
	hw_boot_module_t modules[HW_BOOT_MODULES];
	/* bytes of free memory when the root starts: what memory objects, page tables and UTCBs of
	 * every domain (the root's own included) can take from then on */
	uint64_t free_bytes;
} hw_boot_table_t;

_Static_assert(sizeof(hw_boot_table_t) <= HW_MSG_WORDS * 8, "boot table in msg[]");

/*
 * Device access (the root's factories, below the boot modules' slots).
 *
 * I/O ports: io_port_create (HW_CAP_IO_PORT_FACTORY, base, count) makes a capability (READ,
 * WRITE, OWNER) for the ports [base, base + count): count >= 1, base + count <= HW_IO_PORTS, none
 * of the ports the kernel keeps (the PICs 0x20-0x21 and 0xa0-0xa1, PIT channel 2 0x42 and its gate
 * 0x61, the debug-exit port 0xf4-0xf7, COM1 0x3f8-0x3ff: DENIED); LIMIT as for every object. It
 * travels like any capability (IPC keeps READ and WRITE, drops OWNER); dropping the owning one
 * revokes every copy. port_in (cap, port, width) reads, port_out (cap, port, width, value) writes
 * 1, 2 or 4 bytes (else INVALID_ARG; a value wider than width too) at port; every byte [port,
 * port + width) must lie in the capability's range (else DENIED), READ for in and WRITE for out
 * (DENIED); the capability is checked first (INVALID_CAP, REVOKED). The kernel does the
 * access itself: user mode never runs with I/O privilege and no I/O permission bitmap is switched.
 *
 * IRQs: irq_create (HW_CAP_IRQ_FACTORY, line) makes the capability (RECV, OWNER) of ISA line
 * 0..15, routed through the I/O APIC with the firmware's overrides (IRQ 0 is GSI 2 on QEMU). Lines
 * the kernel keeps (2: the cascade, 4: COM1) and lines without a usable route: DENIED; a line
 * another capability holds: EXISTS; no I/O APIC: NOT_FOUND. irq_bind (irq, context) binds it to a
 * signal context (SUBMIT needed; INVALID_CAP/REVOKED for the context) and unmasks the line; an
 * interrupt then masks the line and submits the context once; irq_ack (irq) unmasks it again.
 * Both need RECV on the IRQ capability (IPC drops it, cap_give keeps it): DENIED. Binding again
 * replaces the context. Destroying the IRQ object (dropping the owning capability, the owner's
 * end) masks the line and frees it for the next irq_create.
 *
 * Device memory: io_mem_create (HW_CAP_IO_MEM_FACTORY, phys, size) makes a memory object
 * (HW_OBJ_MEMORY: mem_map, mem_unmap, mem_size and cap_drop work on it as on any) of the physical
 * range [phys, phys + size) with READ, WRITE and OWNER, never EXEC. phys and size page-aligned,
 * size > 0 and at most HW_IO_MEM_MAX_SIZE, no wrap, the end at or below the CPU's physical address
 * width (else INVALID_ARG). RAM is refused (DENIED): any byte of a region the memory map calls
 * available, ACPI or defective, the kernel image, the boot information and the modules; so are the
 * kernel's own devices, the local APIC's and the I/O APIC's pages. A range overlapping another live
 * device memory object: EXISTS (one holder per range); LIMIT as for every object. The frames are
 * the device's, never the allocator's: never zeroed, never freed; mappings of them are uncached
 * (PCD, PWT) and non-executable, and the kernel never reads them itself (print, or any argument
 * that points into such a mapping: DENIED). Destroying the object unmaps it everywhere and frees
 * the range for the next io_mem_create.
 */
enum {
	HW_CAP_IO_PORT_FACTORY = HW_CAP_BOOT_MODULE - HW_BOOT_MODULES, /* 222: the root's */
	HW_CAP_IRQ_FACTORY = HW_CAP_IO_PORT_FACTORY - 1,               /* 221: the root's */
	HW_CAP_IO_MEM_FACTORY = HW_CAP_IRQ_FACTORY - 1,                /* 220: the root's */
	HW_IO_PORTS = 0x10000,
	HW_IRQ_LINES = 16,                      /* the ISA lines */
	HW_IO_MEM_MAX_SIZE = 256 * 1024 * 1024, /* bytes of one device memory object */
};

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
#define HW_USER_CANONICAL_END 0x0000800000000000UL /* fs_base takes any address below */

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

/*
 * Faults. A domain with a fault handler (HW_SYS_FAULT_HANDLER: an endpoint capability with
 * HW_RIGHT_CALL, badged to tell faults apart, registered through a capability that may manage the
 * domain) does not end when one of its threads faults (except NMI, #DF, #MC): the thread calls the
 * endpoint instead, without a timeout, with the message HW_FAULT_WORDS words long below (the badge
 * is the registered capability's). The reply decides, whichever way it comes (reply_wait or a
 * deferred reply): msg[0] == HW_FAULT_RESUME retries the faulting instruction with the thread's
 * registers untouched (after the handler mapped memory, say), unless its RIP is outside the
 * user half (HW_FAULT_RIP >= HW_USER_END: it jumped there), which ends the thread like any other
 * answer (the reply itself succeeds); anything else (or no word) ends the thread, the last one
 * its domain. Nothing is written into the faulting thread's UTCB. When
 * the handler cannot answer (the endpoint is destroyed, the server thread ends, its reply
 * capability is dropped) or the registered capability is stale when the fault happens, the domain
 * ends by its fault as without a handler.
 */
enum {
	HW_FAULT_THREAD = 0, /* msg[]: the thread's index in its domain (its UTCB's place) */
	HW_FAULT_VECTOR = 1, /* the exception vector (14: page fault) */
	HW_FAULT_ERROR = 2,  /* the error code the CPU pushed (0 where it pushes none) */
	HW_FAULT_RIP = 3,
	HW_FAULT_ADDR = 4, /* CR2 for a page fault, else 0 */
	HW_FAULT_RSP = 5,
	HW_FAULT_WORDS = 6,
	HW_FAULT_EXIT = 256, /* the vector of an exit (HW_SYS_EXIT), the error its code */
	HW_FAULT_RESUME =
		0, /* reply msg[0]: retry the instruction; anything else ends the thread */
};

/* The same with six arguments: the fifth in R8, the sixth in R9 (mem_map). */
static inline int64_t hw_syscall6(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2,
	uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a3;
	register uint64_t r8 __asm__("r8") = a4;
	register uint64_t r9 __asm__("r9") = a5;
	int64_t result;

	__asm__ volatile("syscall"
			 : "=a"(result), "+D"(a0), "+S"(a1), "+d"(a2), "+r"(r10), "+r"(r8), "+r"(r9)
			 : "a"(number)
			 : "rcx", "r11", "memory");
	return result;
}

/*
 * CPUs (HW_SYS_CPU_INFO): the calling thread's CPU index (0: the boot CPU), the number of CPUs
 * the kernel runs on and the CPU's local APIC id, in one result. A thread runs only on its CPU:
 * its creator's at creation (HW_SYS_THREAD_START: the starting thread's), then whatever
 * HW_SYS_THREAD_CPU gives it (through a capability with WAKE; a CPU index at or above the count
 * is INVALID_ARG).
 */
#define HW_CPU_INFO(index, count, apic) \
	((uint64_t)(index) | (uint64_t)(count) << 8 | (uint64_t)(apic) << 16)
#define HW_CPU_INFO_INDEX(info) ((unsigned)((info)&0xff))
#define HW_CPU_INFO_COUNT(info) ((unsigned)(((info) >> 8) & 0xff))
#define HW_CPU_INFO_APIC(info) ((unsigned)(((info) >> 16) & 0xff))

#endif
