/*
 * Threads of a component.
 *
 * A thread is created through the component's CPU session, so core knows it by name and charges
 * the PD one capability for it, and it runs on a stack that is a RAM dataspace of the component's
 * own PD (charged its page-rounded size and one capability): a thread takes no memory from anywhere
 * else. The same dataspace holds the thread's local data (its IPC buffer and private RPC channels),
 * so a new thread can call any RPC object and create its own entrypoint. gn_thread_join waits until
 * the thread has ended and refunds both charges exactly.
 *
 * A thread ends by returning from its entry function; that ends only this thread. A fault in any
 * thread (including a stack overflow into the guard below every stack) ends the whole component,
 * which core reports, and gn_exit from any thread ends all of them.
 *
 * Affinity: gn_thread_affinity_space tells how many CPUs the CPU session offers; a thread created
 * with gn_thread_create_on runs on the one chosen, for its whole life.
 */
#ifndef GNEISS_THREAD_H
#define GNEISS_THREAD_H

#include <gneiss/cpu_session.h>
#include <gneiss/env.h>

enum {
	GN_THREAD_STACK_DEFAULT = 64 * GN_KIB, /* what a stack_size of 0 means */
	GN_THREAD_STACK_MIN = 16 * GN_KIB,     /* smaller stacks are rounded up to this */
	GN_THREAD_STACK_MAX = 8 * GN_MIB,
};

typedef void (*gn_thread_fn_t)(void *arg);

/*
 * A thread. The caller provides the storage and keeps it until gn_thread_join returned; the fields
 * belong to the library.
 */
typedef struct gn_thread {
	gn_env_t *env;
	gn_thread_fn_t entry;
	void *arg;
	char name[GN_THREAD_NAME_MAX];
	uint32_t id;         /* core's record in the CPU session; 0: none */
	uint32_t cpu;        /* the platform's CPU it is pinned to, or GN_CPU_ANY */
	uint32_t trace_slot; /* its word in the trace-control page */
	gn_cap_t ds;         /* the dataspace of its stack and local data */
	void *base;          /* where ds is attached, NULL: not attached */
	size_t size;
	void *local; /* the platform's thread-local block inside ds; NULL: not started */
} gn_thread_t;

/*
 * Creates a thread called name (cut to GN_THREAD_NAME_MAX - 1 characters) with a stack of
 * stack_size bytes (0: GN_THREAD_STACK_DEFAULT) that runs entry(arg), on any CPU. It may run
 * before this returns. On failure nothing is left: no thread, no charge.
 * Errors: INVALID_ARG (no entry, stack_size > GN_THREAD_STACK_MAX), OUT_OF_CAPS / OUT_OF_RAM (the
 * PD's quota), LIMIT (core's thread table or the platform's thread limit), transport errors.
 */
gn_err_t gn_thread_create(gn_env_t *env, char const *name, size_t stack_size, gn_thread_fn_t entry,
	void *arg, gn_thread_t *t) GN_MUST_CHECK;

/*
 * As gn_thread_create, on CPU affinity of the CPU session's affinity space (GN_CPU_ANY: any).
 * Errors as gn_thread_create; INVALID_ARG also for an affinity outside the space.
 */
gn_err_t gn_thread_create_on(gn_env_t *env, char const *name, size_t stack_size, uint32_t affinity,
	gn_thread_fn_t entry, void *arg, gn_thread_t *t) GN_MUST_CHECK;

/*
 * Waits until t has returned from its entry function, then frees its stack and its record at core,
 * which refunds exactly what gn_thread_create charged. Exactly one thread joins each thread, once.
 * Errors: INVALID_ARG (t was not created, is already joined, or is the calling thread); errors of
 * the refunding RPCs (the thread is gone and t unusable all the same).
 */
gn_err_t gn_thread_join(gn_thread_t *t) GN_MUST_CHECK;

/* The number of CPUs in the affinity space of env's CPU session. Errors: transport errors. */
gn_err_t gn_thread_affinity_space(gn_env_t *env, uint32_t *count) GN_MUST_CHECK;

/* The calling thread, NULL for the component's main thread. */
gn_thread_t *gn_thread_myself(void);

#endif
