/*
 * Core: the root of the component tree. It owns the machine's resources and serves PD, CPU, ROM and
 * LOG sessions; its only child is init, which receives all of core's remaining quota.
 *
 * Invariants:
 * - every session object lives in a fixed table and is reachable only through its capability;
 * - a PD's ram_used/cap_used are the sum of what it holds right now (dataspaces, signal contexts,
 *   threads, sessions it donated to), never more than its quota; quota moves only between a PD and
 *   its reference account (the PD that paid for it);
 * - core never blocks on a component: it answers from its single entrypoint and kills, rather than
 *   waits for, a component that misbehaves.
 */
#ifndef CORE_CORE_H
#define CORE_CORE_H

#include <gneiss/entrypoint.h>
#include <gneiss/parent.h>

/* A platform whose core holds fewer capabilities sets its own (hw: its 1024 slots, kernel.mk). */
#ifndef CORE_PLATFORM_CAPS
#define CORE_PLATFORM_CAPS 50000
#endif

enum {
	/*
	 * The capability quota of the whole system, core's account at boot. Every dataspace, signal
	 * context and thread record costs its PD one capability of it, so core's tables of them (and
	 * its own capability table, platform/linux/core/main.c) have room for this many: a PD runs
	 * out of quota before it can fill a table that every PD shares.
	 */
	CORE_CAPS = CORE_PLATFORM_CAPS,
	CORE_LABEL_MAX = 160,
	/* every PD and every session at core costs its creator at least one capability (the session
	 * price, core/parent.c), so neither table can fill before the quota of the whole system is
	 * used up; scans stop at each table's high-water mark */
	CORE_MAX_PDS = CORE_CAPS,
	CORE_MAX_SESSIONS = CORE_CAPS,
	CORE_MAX_DATASPACES = CORE_CAPS, /* dataspaces and signal contexts, all PDs together */
	CORE_MAX_MODULES = 64,
	CORE_PAGE = 4096,
};

typedef struct core_pd core_pd_t;

struct core_pd {
	bool used;
	char label[CORE_LABEL_MAX];
	gn_cap_t cap;
	uint64_t ram_quota, ram_used;
	uint64_t cap_quota, cap_used;
	core_pd_t *ref; /* reference account: where this PD's quota came from */
	bool started;
	int pid, pidfd, listener; /* the program running in this PD (platform) */
	gn_cap_t exception_sigh;
};

/* Notes that slot index of a table is in use, so scans of the table may stop at *high_water. */
static inline void core_table_used(unsigned *high_water, unsigned index)
{
	if (index >= *high_water)
		*high_water = index + 1;
}

/* ---- accounting (core/pd.c) ---- */
gn_err_t core_pd_charge(core_pd_t *pd, uint64_t ram, uint64_t caps) GN_MUST_CHECK;
void core_pd_refund(core_pd_t *pd, uint64_t ram, uint64_t caps);

/*
 * Creates a PD session object labelled label with the given quota, paid from ref (NULL for
 * core's own account). Errors: OUT_OF_RAM/OUT_OF_CAPS (ref too poor), LIMIT.
 */
gn_err_t core_pd_create(char const *label, uint64_t ram, uint64_t caps, core_pd_t *ref,
	core_pd_t **out) GN_MUST_CHECK;

/* Ends the program of pd, frees everything it holds and returns its quota to its reference. */
void core_pd_destroy(core_pd_t *pd);

/* The PD whose session capability cap is, or NULL. */
core_pd_t *core_pd_of_cap(gn_cap_t cap);

/* Core's own account (the root of all quota) and its entrypoint. */
core_pd_t *core_account(void);
gn_ep_t *core_ep(void);

/* ---- other services ---- */
gn_err_t core_log_create(char const *label, gn_cap_t *cap) GN_MUST_CHECK;
/* priority: the session argument, clamped to GN_CPU_PRIORITY_LIMIT - 1 */
/* cpu_first, cpu_count: its affinity space among core's CPUs (clamped; count 0: the rest) */
gn_err_t core_cpu_create(char const *label, core_pd_t *pd, uint64_t priority, uint64_t cpu_first,
	uint64_t cpu_count, gn_cap_t *cap) GN_MUST_CHECK;
/* The affinity space of CPU session cap (all of core's CPUs for anything else). */
void core_cpu_affinity(gn_cap_t cap, uint32_t *first, uint32_t *count);
/* The priority of CPU session cap (0 for anything else). */
uint32_t core_cpu_priority(gn_cap_t cap);
gn_err_t core_rom_create(char const *label, gn_cap_t *cap) GN_MUST_CHECK;

/*
 * Trace subjects: the threads of the CPU sessions (core/cpu.c), by subject id. subject_at gives
 * the id of record index (0: unused), for listing them all.
 */
typedef struct {
	char const *label; /* of the CPU session */
	char const *thread;
	uint32_t cpu;
	core_pd_t *pd;
	int tid; /* 0: unknown */
} core_subject_t;

uint32_t core_cpu_subject_at(unsigned index);
unsigned core_cpu_subject_slots(void);
bool core_cpu_subject(uint32_t id, core_subject_t *out);
/* Changes the thread's control word: it picks up its tracing anew at its next trace point. */
gn_err_t core_cpu_trace_control(uint32_t id, bool enabled) GN_MUST_CHECK;

/* The TRACE service (core/trace.c). */
gn_err_t core_trace_create(
	char const *label, uint64_t ram, uint64_t parent_levels, gn_cap_t *cap) GN_MUST_CHECK;
void core_trace_upgrade(gn_cap_t cap, uint64_t ram);
void core_trace_destroy(gn_cap_t cap);
/* For the CPU session: the traced subject's buffer and policy (the tracer's capabilities: the
 * CPU session hands the thread read-only views where it must not write). */
gn_err_t core_trace_buffer_of(uint32_t subject, gn_cap_t *ds) GN_MUST_CHECK;
gn_err_t core_trace_policy_of(uint32_t subject, gn_cap_t *ds) GN_MUST_CHECK;
/* The thread ended: its tracer keeps what it has, as a DEAD subject. */
void core_trace_subject_gone(uint32_t subject);

/* Charges the threads of the CPU session cap (if it is one) to pd from now on. */
void core_cpu_bind(gn_cap_t cap, core_pd_t *pd);
/* Caps donated to the CPU session cap (if it is one): they pay for its threads until bound. */
void core_cpu_donate(gn_cap_t cap, uint64_t caps);

/*
 * Device access (core/io_port.c, core/irq.c): an IO_PORT session for the ports [base, base +
 * size), an IRQ session for line `line`, each given to one session at a time (DENIED while another
 * has an overlapping range or the line). caps: the session's donation (INSUFFICIENT_CAPS below
 * its price). Errors: INVALID_ARG (no such range), DENIED (taken, or the platform refuses), LIMIT.
 */
gn_err_t core_io_port_create(
	uint64_t base, uint64_t size, uint64_t caps, gn_cap_t *cap) GN_MUST_CHECK;
gn_err_t core_irq_create(uint64_t line, uint64_t caps, gn_cap_t *cap) GN_MUST_CHECK;
/*
 * An IO_MEM session (core/io_mem.c) for the physical range [base, base + size): page-aligned,
 * non-empty, no wrap (INVALID_ARG), one session at a time (DENIED); wc: write-combining asked for.
 */
gn_err_t core_io_mem_create(
	uint64_t base, uint64_t size, bool wc, uint64_t caps, gn_cap_t *cap) GN_MUST_CHECK;

/*
 * RM sessions (core/rm.c): region maps paid from the session's donation (ram, caps; upgrade adds
 * to it). Errors of create: LIMIT.
 */
gn_err_t core_rm_create(uint64_t ram, uint64_t caps, gn_cap_t *cap) GN_MUST_CHECK;
void core_rm_upgrade(gn_cap_t cap, uint64_t ram, uint64_t caps);
void core_rm_destroy(gn_cap_t cap);

/*
 * A page fault of pd's program at addr (type: gn_rm_fault_type_t) for the platform to resolve
 * through the region maps whose managed dataspaces the program attached. token names the faulting
 * thread's wait (the platform's). NOT_MANAGED: addr lies in no such window, or it cannot be
 * mapped (end the program as for any fault); RESOLVED: mapped (resume the thread); PENDING: the
 * region map's fault handler was told, and core answers through core_platform_rm_resume later.
 */
typedef enum {
	CORE_RM_NOT_MANAGED,
	CORE_RM_RESOLVED,
	CORE_RM_PENDING
} core_rm_fault_t;

core_rm_fault_t core_rm_fault(core_pd_t *pd, uint64_t addr, unsigned type, uint64_t token);
/* pd's program ends: its windows are forgotten, its waiting faults answered "end". */
void core_rm_pd_gone(core_pd_t *pd);

/* Ends the session behind cap (if it is one of the kind): revokes it and frees its slot. */
void core_io_port_destroy(gn_cap_t cap);
void core_irq_destroy(gn_cap_t cap);
void core_io_mem_destroy(gn_cap_t cap);
void core_log_destroy(gn_cap_t cap);
void core_rom_destroy(gn_cap_t cap);
void core_cpu_destroy(gn_cap_t cap);
gn_err_t core_parent_create(
	core_pd_t *child_pd, char const *child_name, gn_cap_t *cap) GN_MUST_CHECK;

/* Prints one line as `[label] text`, with control characters escaped. */
void core_log_line(char const *label, char const *text);

/* core's own messages, labelled [core] */
void core_log(char const *fmt, ...) GN_PRINTF(1, 2);

/* ---- ROM modules (core/rom.c) ---- */
gn_err_t core_rom_add_module(char const *name, gn_cap_t ds, size_t size) GN_MUST_CHECK;

/* ---- what the platform provides (platform/<p>/core/) ---- */
gn_err_t core_platform_ram_alloc(uint64_t size, gn_cap_t *ds) GN_MUST_CHECK;
void core_platform_ram_free(gn_cap_t ds);
/* Another capability of ds through which it can only be read. */
gn_err_t core_platform_ds_readonly(gn_cap_t ds, gn_cap_t *ro) GN_MUST_CHECK;
/* Timestamp ticks (rdtsc) per millisecond, measured once. */
uint64_t core_platform_tsc_per_ms(void);
/* CPU time thread tid (as its component sees it) of pd's program has used; 0 when unknown. */
uint64_t core_platform_thread_time_ns(core_pd_t const *pd, int tid);
gn_err_t core_platform_start(
	core_pd_t *pd, char const *binary, gn_cap_t const env[3]) GN_MUST_CHECK;
void core_platform_kill(core_pd_t *pd);
gn_err_t core_platform_signal_alloc(gn_cap_t *sig) GN_MUST_CHECK;
void core_platform_console_write(char const *text, size_t len);

/*
 * Device access (platform/<p>/core/io.c). io_port_create: the platform's capability of the ports
 * [base, base + size) (core checked the range and that no session holds any of them); in and out
 * of width 1, 2 or 4 bytes at port, which core checked lies in that range; free releases it.
 * irq_create: the platform's capability of line; bind: the line's interrupts are submitted to sig
 * (a signal context of the client) and the line is enabled; ack: enabled again after an
 * interrupt; free: masked and released. Errors: DENIED for what the platform keeps (on linux:
 * everything), INVALID_ARG for what it does not have, the kernel's errors on hw.
 */
gn_err_t core_platform_io_port_create(uint16_t base, uint32_t size, gn_cap_t *ports) GN_MUST_CHECK;
gn_err_t core_platform_io_port_in(
	gn_cap_t ports, uint16_t port, unsigned width, uint32_t *value) GN_MUST_CHECK;
gn_err_t core_platform_io_port_out(
	gn_cap_t ports, uint16_t port, unsigned width, uint32_t value) GN_MUST_CHECK;
void core_platform_io_port_free(gn_cap_t ports);
gn_err_t core_platform_irq_create(uint32_t line, gn_cap_t *irq) GN_MUST_CHECK;
gn_err_t core_platform_irq_bind(gn_cap_t irq, gn_cap_t sig) GN_MUST_CHECK;
gn_err_t core_platform_irq_ack(gn_cap_t irq) GN_MUST_CHECK;
void core_platform_irq_free(gn_cap_t irq);
/*
 * io_mem_create: a dataspace of the device memory [base, base + size) (core checked alignment,
 * size and that no session holds any of it), attachable readable and writable, never executable;
 * wc: write-combining asked for (the platform may map it uncached instead). io_mem_free destroys
 * it (unmapped wherever it is attached). Errors: DENIED for RAM and what the platform keeps (on
 * linux: everything), INVALID_ARG for what it cannot address, LIMIT.
 */
gn_err_t core_platform_io_mem_create(
	uint64_t base, uint64_t size, bool wc, gn_cap_t *ds) GN_MUST_CHECK;
void core_platform_io_mem_free(gn_cap_t ds);

/*
 * Managed dataspaces (core/rm.c). rm_window: may pd's program have a window [va, va + size) for
 * managed dataspaces (a program runs in pd, the range is where its runtime attaches)? Errors:
 * DENIED, INVALID_ARG. rm_map: maps [offset, offset + size) of dataspace ds at va into pd's
 * program (page-aligned), writable or read-only; EXISTS when something is mapped there already.
 * rm_unmap: removes the mapping starting at va (gone already: nothing). rm_resume: answers the
 * fault token of pd's program: the thread retries (resume) or ends. ds_writable: may ds be
 * mapped writable?
 */
gn_err_t core_platform_rm_window(core_pd_t *pd, uint64_t va, uint64_t size) GN_MUST_CHECK;
gn_err_t core_platform_rm_map(core_pd_t *pd, gn_cap_t ds, uint64_t va, uint64_t offset,
	uint64_t size, bool writable) GN_MUST_CHECK;
void core_platform_rm_unmap(core_pd_t *pd, uint64_t va);
void core_platform_rm_resume(core_pd_t *pd, uint64_t token, bool resume);
bool core_platform_ds_writable(gn_cap_t ds);

/* CPUs of the affinity space (at least 1), and the platform's number of CPU index < count. */
unsigned core_platform_cpu_count(void);
uint32_t core_platform_cpu(unsigned index);

/* Called by the platform when the program of pd ended (exit code or signal). */
void core_pd_program_ended(core_pd_t *pd, int code, int signal, char const *reason);

#endif
