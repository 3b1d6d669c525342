/*
 * What the generic library needs from a platform beyond the public API it implements (IPC,
 * entrypoint, signals, dataspaces, threads, time, wait/wake).
 */
#ifndef GN_PLATFORM_H
#define GN_PLATFORM_H

#include <gneiss/error.h>
#include <gneiss/types.h>

struct gn_thread;
struct gn_trace_thread;

/*
 * The calling thread's trace state (gn_trace.h). Every platform keeps a pointer to it in the second
 * word of each thread's local block, at %fs:8, so a trace point finds it with one load; a thread
 * that is no trace subject points at gn_trace_off.
 */
#if !__STDC_HOSTED__ /* the library built for host tests traces nothing (gn_trace.h) */
static inline struct gn_trace_thread *gn_platform_trace_thread(void)
{
	struct gn_trace_thread *t;

	__asm__("mov %%fs:8, %0" : "=r"(t));
	return t;
}
#endif

/*
 * Writes a log line that has no LOG session to go to (before one exists) to the platform's own
 * console, where it has one.
 */
void gn_platform_console_write(char const *text, size_t len);

/* Ends every thread of the component with exit code value. */
GN_NORETURN void gn_platform_exit(int value);

/* Bytes of dataspace a thread with a stack of stack_size bytes needs (stack, guard, local data). */
size_t gn_platform_thread_area(size_t stack_size);

/*
 * Starts t (entry, arg, cpu set) in its attached area t->base .. t->base + t->size and sets
 * t->local. Returns once the thread runs, or failed to and is gone again.
 * Errors: LIMIT (the kernel's thread limit), INVALID_ARG (the CPU), OUT_OF_RAM.
 */
gn_err_t gn_platform_thread_start(struct gn_thread *t) GN_MUST_CHECK;

/* Waits until t has ended; afterwards nothing uses its area. */
void gn_platform_thread_wait(struct gn_thread *t);

#endif
