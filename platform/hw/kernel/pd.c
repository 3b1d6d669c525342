/*
 * Protection domains (see pd.h). Creation validates the program completely (hw_elf_check) before
 * it takes a single frame, and unwinds through one error path that destroys the page tables, which
 * own every frame taken so far.
 */
#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "exit.h"
#include "ioport.h"
#include "ipc.h"
#include "irq.h"
#include "load.h"
#include "log.h"
#include "mem.h"
#include "paging.h"
#include "pd.h"

static hw_pd_t pds[HW_PD_MAX];
static hw_pt_mem_t const *pt_mem;
static bool cpu_nx;
static hw_frames_t const *all_frames;
static size_t frames_before; /* free frames before the first domain */
static size_t running;
static hw_pd_t *root;     /* the first domain started */
static int machine_exit;  /* the root's exit value (hw_pd_exit) */
static hw_obj_t *boot_ep; /* owned by the root */
static hw_obj_t factory;  /* the root's HW_CAP_FACTORY */

void hw_pds_init(hw_pt_mem_t const *mem, bool nx, hw_frames_t const *frames)
{
	pt_mem = mem;
	cpu_nx = nx;
	all_frames = frames;
	frames_before = hw_frames_free_count(frames);
}

size_t hw_pd_count(void)
{
	return running;
}

hw_pd_t *hw_pd_slot(size_t i)
{
	return i < HW_PD_MAX && pds[i].used ? &pds[i] : NULL;
}

hw_pd_t *hw_pd_root(void)
{
	return root;
}

unsigned hw_pds_revoke_badge(hw_obj_t const *obj, uint64_t badge)
{
	unsigned n = 0;

	for (size_t i = 0; i < HW_PD_MAX; i++) {
		hw_cap_slot_t *h = &pds[i].fault_ep;

		if (!pds[i].used)
			continue;
		n += hw_cspace_revoke_badge(&pds[i].caps, obj, badge);
		/* the fault handler registration is a copy outside any space: revoke it too */
		if (h->obj == obj && h->badge == badge && h->gen == obj->gen)
			h->gen = HW_CAP_GEN_REVOKED;
	}
	return n;
}

static gn_err_t load(
	hw_pd_t *pd, uint8_t const *elf, hw_elf_image_t const *image, char *why, size_t why_size)
{
	hw_thread_t *t;
	gn_err_t err = hw_pt_create(&pd->pt, pt_mem, cpu_nx, hw_paging_kernel_pml4());

	if (err == GN_OK)
		err = hw_load_image(&pd->pt, elf, image);
	if (err == GN_OK)
		err = hw_load_stack(&pd->pt, HW_USER_STACK_TOP, HW_USER_STACK_SIZE);
	if (err == GN_OK)
		err = hw_thread_create(pd, HW_PRIO_MAX, image->entry, HW_USER_STACK_TOP, 0, &t);
	if (err != GN_OK)
		gn_ignore(gn_fmt(why, why_size, NULL, "%s while loading it",
			err == GN_ERR_OUT_OF_RAM ? "out of memory" : gn_err_name(err)));
	return err;
}

/* Resets pd for a new life, keeping the generations of it and its threads. */
static void fresh(hw_pd_t *pd)
{
	uint64_t gen = pd->obj.gen, thread_gen[HW_PD_THREADS];

	for (unsigned i = 0; i < HW_PD_THREADS; i++)
		thread_gen[i] = pd->threads[i].obj.gen;
	*pd = (hw_pd_t){.used = true, .obj = {.gen = gen}};
	for (unsigned i = 0; i < HW_PD_THREADS; i++)
		pd->threads[i].obj.gen = thread_gen[i];
	hw_obj_init(&pd->obj, HW_OBJ_PD);
	hw_cspace_init(&pd->caps);
}

/*
 * The slots a domain starts with (hw_syscall.h): itself, its first thread, the boot endpoint. The
 * root created the endpoint and may receive on it; the others may only call it.
 */
static void bootstrap_caps(hw_pd_t *pd)
{
	hw_cap_set(&pd->caps, HW_CAP_PD, &pd->obj, HW_RIGHT_MANAGE);
	hw_cap_set(&pd->caps, HW_CAP_THREAD, &pd->threads[0].obj, HW_RIGHT_WAKE);
	if (pd == root) {
		hw_cap_set(&pd->caps, HW_CAP_BOOT_EP, boot_ep,
			HW_RIGHT_CALL | HW_RIGHT_RECV | HW_RIGHT_OWNER);
		hw_obj_init(&factory, HW_OBJ_PD_FACTORY);
		hw_cap_set(&pd->caps, HW_CAP_FACTORY, &factory, HW_RIGHT_CREATE);
		hw_ioport_boot(pd);
		hw_irq_boot(pd);
	} else if (boot_ep->type == HW_OBJ_ENDPOINT)
		hw_cap_set(&pd->caps, HW_CAP_BOOT_EP, boot_ep, HW_RIGHT_CALL);
}

gn_err_t hw_pd_start(char const *name, uint8_t const *elf, size_t size, char *why, size_t why_size)
{
	hw_elf_limits_t limits = {HW_USER_BASE, HW_USER_IMAGE_END, HW_PD_IMAGE_PAGES};
	hw_elf_image_t image;
	hw_pd_t *pd = NULL;
	gn_err_t err;

	for (size_t i = 0; i < HW_PD_MAX && !pd; i++)
		pd = pds[i].used ? NULL : &pds[i];
	if (!pd) {
		gn_ignore(gn_fmt(
			why, why_size, NULL, "all %d protection domains are in use", HW_PD_MAX));
		return GN_ERR_LIMIT;
	}
	err = hw_elf_check(elf, size, limits, &image, why, why_size);
	if (err != GN_OK)
		return err;
	fresh(pd);
	gn_ignore(gn_strlcpy(pd->name, name, sizeof(pd->name))); /* module names are shorter */
	err = load(pd, elf, &image, why, why_size);
	if (err == GN_OK && !root) {
		boot_ep = hw_ipc_boot_endpoint(pd); /* the first endpoint: there is room */
		root = boot_ep ? pd : NULL;
		err = boot_ep ? GN_OK : GN_ERR_LIMIT;
	}
	if (err != GN_OK) {
		for (unsigned i = 0; i < HW_PD_THREADS; i++)
			hw_thread_end(&pd->threads[i]);
		hw_pt_destroy(&pd->pt);
		pd->used = false;
		return err;
	}
	bootstrap_caps(pd);
	running++;
	hw_log("pd '%s': %zu segments of %lu KiB, entry 0x%lx, %zu page-table frames, priority %d",
		pd->name, image.count, image.pages * 4, image.entry, pd->pt.tables + 1,
		HW_PRIO_MAX);
	if (pd == root)
		hw_log("pd '%s' is the root: it may receive on the boot endpoint (slot %d)",
			pd->name, HW_CAP_BOOT_EP);
	return GN_OK;
}

/* After the last domain: every frame any of them took must be free again. */
static GN_NORETURN void all_ended(void)
{
	size_t free_now = hw_frames_free_count(all_frames);

	if (free_now != frames_before)
		hw_panic("the protection domains ended, but %zu frames are free instead of %zu",
			free_now, frames_before);
	hw_log("all protection domains ended, all their frames are free again (%zu)", free_now);
	hw_exit(machine_exit);
}

void hw_pd_exit(hw_pd_t *pd, int64_t code)
{
	char how[48];

	if (pd == root) /* the machine ends with the root's value once every domain is gone */
		machine_exit = code >= 0 && code <= HW_EXIT_MAX ? (int)code : HW_EXIT_MAX;
	gn_ignore(gn_fmt(how, sizeof(how), NULL, "exited with %ld", code));
	hw_pd_end(pd, how);
}

gn_err_t hw_pd_create(hw_pd_t *owner, char const *name, hw_pd_t **out)
{
	hw_pd_t *pd = NULL;
	gn_err_t err;

	for (size_t i = 0; i < HW_PD_MAX && !pd; i++)
		pd = pds[i].used ? NULL : &pds[i];
	if (!pd)
		return GN_ERR_LIMIT;
	fresh(pd);
	err = hw_pt_create(&pd->pt, pt_mem, cpu_nx, hw_paging_kernel_pml4());
	if (err != GN_OK) {
		pd->used = false;
		return err;
	}
	gn_ignore(gn_strlcpy(pd->name, name, sizeof(pd->name)));
	pd->owner = owner;
	owner->objects++;
	hw_cap_set(&pd->caps, HW_CAP_PD, &pd->obj, HW_RIGHT_MANAGE);
	running++;
	hw_log("pd '%s' created by '%s' (empty, %zu page-table frame)", pd->name, owner->name,
		pd->pt.tables + 1);
	*out = pd;
	return GN_OK;
}

void hw_pd_end(hw_pd_t *pd, char const *how)
{
	size_t frames;

	pd->ending = true;
	for (unsigned i = 0; i < HW_PD_THREADS; i++)
		hw_thread_end(&pd->threads[i]);
	for (size_t i = 0; i < HW_PD_MAX; i++) {
		if (pds[i].used && !pds[i].ending && pds[i].owner == pd)
			hw_pd_end(&pds[i], "ended with its owner");
	}
	if (pd->owner)
		pd->owner->objects--;
	hw_ipc_pd_ended(pd);
	hw_mem_pd_ended(pd);
	hw_ioport_pd_ended(pd);
	hw_irq_pd_ended(pd);
	frames = pd->pt.tables + pd->pt.owned + 1;
	hw_cspace_init(&pd->caps);
	hw_obj_destroy(&pd->obj);
	hw_thread_drop_space(pd->pt.root);
	hw_pt_destroy(&pd->pt);
	pd->used = false;
	if (pd == root)
		root = NULL; /* its entry may serve another domain now, which is no root */
	running--;
	hw_log("pd '%s' %s (ran %lu ms, preempted %lu times, %zu frames freed)", pd->name, how,
		hw_ticks_to_us(pd->ticks) / 1000, pd->preemptions, frames);
	if (running == 0)
		all_ended();
}
