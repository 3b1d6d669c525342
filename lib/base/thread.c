/*
 * Threads, the kernel-independent half: the record at core (CPU session) and the dataspace that
 * holds the stack (PD session). The platform lays out the area and starts and waits for the thread
 * (gn_platform_thread_*).
 *
 * Accounting: a live thread costs its PD exactly one capability for core's record plus one
 * capability and the page-rounded area for its dataspace; creation either takes all of it or, on
 * any failure, gives back what it took, and join gives back all of it. Both go through release(),
 * which undoes whatever of the three steps (record, dataspace, attachment) has happened.
 */
#include <gneiss/dataspace.h>
#include <gneiss/pd_session.h>
#include <gneiss/string.h>
#include <gneiss/thread.h>
#include <gn_platform.h>

/* Undoes creation as far as it got; returns the first error of the refunding RPCs. */
static gn_err_t release(gn_thread_t *t)
{
	gn_err_t err = GN_OK;
	gn_rpc_void_t v = {0};

	if (t->base)
		gn_ds_detach(t->base, t->size);
	t->base = NULL;
	if (gn_cap_valid(t->ds)) {
		err = gn_pd_session_free_ram(t->env->pd, &v, &v, &t->ds, NULL);
		gn_cap_drop(t->ds);
	}
	t->ds = GN_CAP_INVALID;
	if (t->id) {
		gn_cpu_thread_id_t const id = {t->id};
		gn_err_t const kill_err =
			gn_cpu_session_kill_thread(t->env->cpu, &id, &v, NULL, NULL);
		err = err != GN_OK ? err : kill_err;
	}
	t->id = 0;
	t->local = NULL;
	return err;
}

/* Registers t at core and gives it an attached, writable area. */
static gn_err_t prepare(gn_thread_t *t, size_t stack_size, uint32_t affinity)
{
	gn_cpu_create_thread_args_t args = {.affinity = affinity};
	gn_cpu_create_thread_res_t res;
	bool writable;

	gn_memcpy(args.name, t->name, sizeof(args.name));
	gn_err_t err = gn_cpu_session_create_thread(t->env->cpu, &args, &res, NULL, NULL);
	if (err != GN_OK)
		return err;
	t->id = res.id;
	t->cpu = res.cpu;
	t->trace_slot = res.trace_slot;

	gn_pd_alloc_ram_args_t const ram = {gn_platform_thread_area(stack_size)};
	gn_pd_alloc_ram_res_t charged;
	err = gn_pd_session_alloc_ram(t->env->pd, &ram, &charged, NULL, &t->ds);
	if (err == GN_OK && !gn_cap_valid(t->ds))
		err = GN_ERR_INVALID_CAP;
	if (err == GN_OK)
		err = gn_ds_attach(t->ds, &t->base, &t->size, &writable);
	if (err == GN_OK && !writable)
		err = GN_ERR_DENIED;
	return err;
}

gn_err_t gn_thread_create_on(gn_env_t *env, char const *name, size_t stack_size, uint32_t affinity,
	gn_thread_fn_t entry, void *arg, gn_thread_t *t)
{
	if (!env || !name || !entry || !t || stack_size > GN_THREAD_STACK_MAX)
		return GN_ERR_INVALID_ARG;
	if (stack_size == 0)
		stack_size = GN_THREAD_STACK_DEFAULT;
	if (stack_size < GN_THREAD_STACK_MIN)
		stack_size = GN_THREAD_STACK_MIN;

	*t = (gn_thread_t){.env = env, .entry = entry, .arg = arg, .cpu = GN_CPU_ANY};
	size_t const len = gn_strnlen(name, sizeof(t->name) - 1);
	gn_memcpy(t->name, name, len);
	t->name[len] = 0;

	gn_err_t err = prepare(t, stack_size, affinity);
	if (err == GN_OK)
		err = gn_platform_thread_start(t);
	if (err != GN_OK)
		gn_ignore(release(t)); /* the first error is the one to report */
	return err;
}

gn_err_t gn_thread_create(gn_env_t *env, char const *name, size_t stack_size, gn_thread_fn_t entry,
	void *arg, gn_thread_t *t)
{
	return gn_thread_create_on(env, name, stack_size, GN_CPU_ANY, entry, arg, t);
}

gn_err_t gn_thread_join(gn_thread_t *t)
{
	if (!t || !t->id || !t->local || t == gn_thread_myself())
		return GN_ERR_INVALID_ARG;
	gn_platform_thread_wait(t);
	return release(t);
}

gn_err_t gn_thread_affinity_space(gn_env_t *env, uint32_t *count)
{
	gn_rpc_void_t const v = {0};
	gn_cpu_affinity_space_res_t res;
	gn_err_t err = gn_cpu_session_affinity_space(env->cpu, &v, &res, NULL, NULL);

	if (err == GN_OK)
		*count = res.count;
	return err;
}
