/*
 * Startup of a component that core started on hw (hw_component.h). The kernel runs start.c,
 * which sets up the main thread and calls main(); a component has no main of its own, so the
 * linker takes this file's from the library (a program with its own main, such as the runtime's
 * test programs, never links this file). Core gave the domain its environment in fixed slots:
 * the parent in slot 2, which start.c entered already as the boot endpoint (the same capability:
 * it becomes env.parent), the PD, CPU and LOG sessions in slots 3, 4 and 5. The main thread then
 * gets an entrypoint, becomes a trace subject (lib/base/trace.c: its CPU session's trace-control
 * page), answers heartbeats, calls the component's construct function and serves. Its thread id
 * for tracing is its kernel capability's slot, HW_CAP_THREAD, as every other thread's is its own
 * slot (thread_hw.c): unique among the live threads of the component.
 */
#include <gneiss/env.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gn_platform.h>
#include <hw_component.h>

#include "hw_lib.h"
#include "hw_rt.h"

enum {
	EXIT_NO_THREAD = 125,
	EXIT_NO_ENV = 126,
	EXIT_NO_EP = 127,
	THREAD_CAP_TICKS = 100, /* how long core may take to give slot 1 (1 ms each) */
};

static gn_env_t env;
static gn_trace_thread_t main_trace;

/*
 * The main thread's priority, which every thread it creates gets (thread_hw.c): core's choice, in
 * the stack's top word (hw_component.h); a value above the kernel's range would only make every
 * thread_create fail (DENIED), so it is clamped.
 */
static unsigned own_priority(void)
{
	uint64_t const prio = *(uint64_t const *)(HW_COMPONENT_STACK_TOP - 8);

	return prio > HW_PRIO_MAX ? HW_PRIO_MAX : (unsigned)prio;
}

/*
 * Slot 1 names a thread (this one, core's word for it) that may be woken. Core can give it only
 * after it started the thread (thread_start returns it), normally before the thread runs (a
 * component runs below core's priority, on core's CPU); a few ticks are allowed for the rest.
 */
static bool own_thread_cap(void)
{
	for (unsigned i = 0; i < THREAD_CAP_TICKS; i++) {
		int64_t const info = hw_syscall4(HW_SYS_CAP_INFO, HW_CAP_THREAD, 0, 0, 0);
		if (info >= 0 && (info & 0xff) == HW_OBJ_THREAD && (info >> 8) & HW_RIGHT_WAKE)
			return true;
		(void)hw_syscall4(HW_SYS_SLEEP, 1000, 0, 0, 0);
	}
	return false;
}

/* Enters slot, which core filled with an RPC object's capability, as *cap. */
static bool take_slot(uint64_t slot, gn_cap_t *cap)
{
	return hw_cap_enter(slot, cap) == GN_OK && gn_cap_kind(*cap) == GN_CAP_KIND_OBJECT;
}

int main(void)
{
	if (!own_thread_cap())
		gn_platform_exit(EXIT_NO_THREAD);
	hw_tls()->prio = own_priority();
	env.parent = hw_rt_boot_ep();
	if (gn_cap_kind(env.parent) != GN_CAP_KIND_OBJECT ||
		!take_slot(HW_CAP_PD_SESSION, &env.pd) ||
		!take_slot(HW_CAP_CPU_SESSION, &env.cpu) ||
		!take_slot(HW_CAP_LOG_SESSION, &env.log))
		gn_platform_exit(EXIT_NO_ENV);
	if (gn_ep_create(&env.ep) != GN_OK)
		gn_platform_exit(EXIT_NO_EP);
	env.next_session_id = GN_PARENT_FIRST_ID;
	gn_log_init(env.log);
	if (gn_trace_main_thread(&env, &main_trace, HW_CAP_THREAD) == GN_OK)
		hw_tls()->trace = &main_trace;
	gn_err_t const err = gn_env_heartbeat(&env);
	if (err != GN_OK)
		gn_warning("cannot answer heartbeats: %s", gn_err_name(err));
	gn_component_construct(&env);
	gn_ep_run(env.ep);
}
