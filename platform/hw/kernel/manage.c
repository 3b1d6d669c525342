/*
 * Domain management (the calls of manage.h): creating empty protection domains, starting threads
 * in them and giving them capabilities, which with memory objects (mem.h) lets the root start a
 * program entirely in user space.
 *
 * Creating needs a capability to the domain factory (HW_RIGHT_CREATE): the kernel gives one only
 * to the root (HW_CAP_FACTORY), which may delegate it by IPC. The creator gets the owning
 * capability with HW_RIGHT_MANAGE; managing (mapping memory into, starting threads in, giving
 * capabilities to) needs HW_RIGHT_MANAGE, which every domain also has on itself (slot 0). A
 * thread started in another domain runs at most at its creator's priority; a given capability
 * never owns but keeps every other right, HW_RIGHT_RECV too (the creator decides who serves an
 * endpoint), and its badge. Every argument is checked before anything changes.
 */
#include <gneiss/string.h>

#include "manage.h"
#include "pd.h"
#include "syscall.h"

static gn_err_t lookup_pd(hw_thread_t *t, uint64_t idx, hw_pd_t **pd)
{
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, idx, HW_OBJ_PD, HW_RIGHT_MANAGE, &obj);

	if (err == GN_OK)
		*pd = GN_CONTAINER_OF(obj, hw_pd_t, obj);
	return err;
}

/*
 * A domain's name: 1..HW_PD_NAME_MAX bytes of [A-Za-z0-9._+-] (what the log shows), but not
 * "kernel": a domain so named could print lines that read as the kernel's.
 */
static bool name_ok(char const *name, uint64_t len)
{
	if (len == 0 || len > HW_PD_NAME_MAX || (len == 6 && gn_memcmp(name, "kernel", 6) == 0))
		return false;
	for (uint64_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '.' || c == '_' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

int64_t hw_call_pd_create(hw_thread_t *t, uint64_t const arg[4])
{
	char name[HW_PD_NAME_MAX + 1] = {0};
	hw_obj_t *obj;
	hw_pd_t *pd;
	uint64_t idx;
	gn_err_t err =
		hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_PD_FACTORY, HW_RIGHT_CREATE, &obj);

	if (err == GN_OK && (arg[2] == 0 || arg[2] > HW_PD_NAME_MAX))
		err = GN_ERR_INVALID_ARG;
	if (err == GN_OK && hw_pt_copy_in(&t->pd->pt, arg[1], arg[2], name) != GN_OK)
		err = GN_ERR_DENIED;
	if (err == GN_OK && !name_ok(name, arg[2]))
		err = GN_ERR_INVALID_ARG;
	if (err == GN_OK)
		err = hw_object_room(t->pd);
	if (err == GN_OK)
		err = hw_pd_create(t->pd, name, &pd);
	if (err != GN_OK)
		return hw_error(err);
	if (hw_cap_insert(&t->pd->caps, &pd->obj, HW_RIGHT_MANAGE | HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

int64_t hw_call_thread_start(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t entry = arg[1], stack_top = arg[2], prio = arg[3], idx;
	hw_thread_t *created;
	hw_pd_t *pd;
	gn_err_t err = lookup_pd(t, arg[0], &pd);

	if (err != GN_OK)
		return hw_error(err);
	if (!hw_pt_user_access(&pd->pt, entry, 1, HW_PT_EXEC) || stack_top % 16 != 0 ||
		stack_top < HW_USER_BASE + 16 ||
		!hw_pt_user_access(&pd->pt, stack_top - 16, 16, HW_PT_WRITE) || prio > HW_PRIO_MAX)
		return hw_error(GN_ERR_INVALID_ARG);
	if (prio > t->sched.prio)
		return hw_error(GN_ERR_DENIED);
	if (pd->alive >= HW_PD_THREADS)
		return hw_error(GN_ERR_LIMIT);
	if (hw_cspace_free_slot(&t->pd->caps) < 0)
		return hw_error(GN_ERR_OUT_OF_CAPS);
	err = hw_thread_create(pd, (unsigned)prio, entry, stack_top, 0, &created);
	if (err != GN_OK)
		return hw_error(err);
	if (hw_cap_insert(&t->pd->caps, &created->obj, HW_RIGHT_WAKE, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen: checked above */
	return (int64_t)idx;
}

int64_t hw_call_cap_give(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t slot = arg[2], rights = arg[3];
	hw_cap_slot_t src = {0};
	hw_pd_t *pd;
	gn_err_t err = lookup_pd(t, arg[0], &pd);

	if (err == GN_OK)
		err = hw_cap_get(&t->pd->caps, arg[1], &src);
	if (err == GN_OK && (slot >= HW_CAP_SLOTS || (rights & ~(uint64_t)HW_RIGHTS_ALL)))
		err = GN_ERR_INVALID_ARG;
	if (err == GN_OK && pd->caps.slots[slot].obj)
		err = GN_ERR_EXISTS;
	if (err == GN_OK && src.obj->type == HW_OBJ_REPLY)
		err = GN_ERR_DENIED; /* a reply belongs to the server's domain */
	if (err != GN_OK)
		return hw_error(err);
	hw_cap_set_copy(&pd->caps, (unsigned)slot, &src,
		src.rights & (uint16_t)rights & (uint16_t)~HW_RIGHT_OWNER);
	return 0;
}

/*
 * thread_time (pd, slot): the CPU time of the thread that slot names in that domain's own space,
 * in microseconds of whole timer ticks (the ticks that found it running): core's answer to a
 * tracer, which knows a thread by the slot its component reports.
 */
int64_t hw_call_thread_time(hw_thread_t *t, uint64_t const arg[4])
{
	hw_pd_t *pd;
	hw_obj_t *obj;
	gn_err_t err = lookup_pd(t, arg[0], &pd);

	if (err == GN_OK)
		err = hw_cap_lookup(&pd->caps, arg[1], HW_OBJ_THREAD, 0, &obj);
	if (err != GN_OK)
		return hw_error(err);
	return (int64_t)hw_ticks_to_us(GN_CONTAINER_OF(obj, hw_thread_t, obj)->ticks);
}
