/*
 * Starting and ending component programs on hw.
 *
 * Binaries are the ELF boot modules (read-only memory objects the kernel gave core). To start one
 * core checks it with the kernel's own ELF reader (platform/hw/kernel/elf.c, which treats the file
 * as untrusted input), creates an empty domain, copies each segment into a fresh memory object and
 * maps it there with the segment's rights, maps a stack, gives the domain its environment's
 * capabilities (hw_component.h), registers its fault handler and starts the first thread. The
 * memory objects stay core's: they are charged to the PD (every segment page and the stack, as the
 * linux platform charges the writable segments and stack) and destroyed when the PD ends.
 *
 * A page fault goes to the region maps first (core/rm.c): when it lies in a window of a managed
 * dataspace the program attached, core maps what is attached there and the thread resumes, or
 * the thread waits until the region map's fault handler attached something. Every other fault
 * ends the program. The hooks core/rm.c needs to map into a program's domain are here too.
 */
#include <gneiss/rm_session.h>
#include <gneiss/cpu_session.h>
#include <gneiss/dataspace.h>
#include <gneiss/string.h>

#include "../kernel/elf.h"
#include "core_hw.h"
#include "hw_lib.h"

enum {
	MAX_BINARIES = CORE_MAX_MODULES,
	MAX_PROGRAMS = 64,
	INDEX_BITS = 16,
	MAX_MEMS = HW_ELF_SEGMENTS_MAX + 1, /* the segments and the stack */
	IMAGE_PAGES = 4096,                 /* 16 MiB of segments */
	PAGE_FAULT = 14,
};

typedef struct {
	char name[HW_BOOT_NAME];
	gn_cap_t module;
	uint64_t size;
} binary_t;

typedef struct {
	core_pd_t *pd; /* NULL: unused */
	uint32_t gen;
	bool running;                       /* its domain has not ended yet */
	uint64_t domain, thread, fault_cap; /* kernel slots core holds; 0: none */
	gn_cap_t mems[MAX_MEMS];
	unsigned mem_count;
	uint64_t charged;
} program_t;

static binary_t binaries[MAX_BINARIES];
static unsigned num_binaries;
static program_t programs[MAX_PROGRAMS];

gn_err_t core_hw_add_binary(char const *name, gn_cap_t module, uint64_t size)
{
	if (num_binaries == MAX_BINARIES)
		return GN_ERR_LIMIT;
	binary_t *b = &binaries[num_binaries];
	if (gn_strlcpy(b->name, name, sizeof(b->name)) != GN_OK)
		return GN_ERR_INVALID_ARG;
	b->module = module;
	b->size = size;
	num_binaries++;
	return GN_OK;
}

static binary_t const *find_binary(char const *name)
{
	for (unsigned i = 0; i < num_binaries; i++)
		if (gn_strcmp(binaries[i].name, name) == 0)
			return &binaries[i];
	return NULL;
}

static uint64_t badge_of(program_t const *p)
{
	return (uint64_t)p->gen << INDEX_BITS | (uint64_t)(p - programs + 1);
}

static program_t *program_of_badge(uint64_t badge)
{
	uint64_t const index = (badge & ((1u << INDEX_BITS) - 1)) - 1;

	if (index >= MAX_PROGRAMS || !programs[index].pd || badge_of(&programs[index]) != badge)
		return NULL;
	return &programs[index];
}

static program_t *program_of_pd(core_pd_t const *pd)
{
	for (unsigned i = 0; i < MAX_PROGRAMS; i++)
		if (programs[i].pd == pd)
			return &programs[i];
	return NULL;
}

static uint64_t page_round(uint64_t v)
{
	return (v + CORE_PAGE - 1) & ~(uint64_t)(CORE_PAGE - 1);
}

/* A memory object of size bytes, held by p; *at is core's mapping of it (writable). */
static gn_err_t new_mem(program_t *p, uint64_t size, gn_cap_t *mem, uint8_t **at)
{
	size_t mapped;
	bool writable;
	gn_err_t err = core_hw_enter(hw_syscall4(HW_SYS_MEM_CREATE, size, 0, 0, 0), mem);

	if (err != GN_OK)
		return err;
	p->mems[p->mem_count++] = *mem;
	err = gn_ds_attach(*mem, (void **)at, &mapped, &writable);
	return err == GN_OK && !writable ? GN_ERR_DENIED : err;
}

static gn_err_t map(program_t const *p, gn_cap_t mem, uint64_t va, uint64_t size, uint64_t flags)
{
	return hw_err(hw_syscall6(HW_SYS_MEM_MAP, mem, p->domain, va, 0, size, flags));
}

static gn_err_t load_segment(program_t *p, uint8_t const *elf, hw_elf_segment_t const *s)
{
	uint64_t const first = s->vaddr & ~(uint64_t)(CORE_PAGE - 1);
	uint64_t const size = page_round(s->vaddr + s->memsz) - first;
	uint64_t const flags = HW_MAP_READ | ((s->rights & HW_ELF_WRITE) ? HW_MAP_WRITE : 0) |
			       ((s->rights & HW_ELF_EXEC) ? HW_MAP_EXEC : 0);
	gn_cap_t mem;
	uint8_t *at;
	gn_err_t err = new_mem(p, size, &mem, &at);

	if (err != GN_OK)
		return err;
	gn_memcpy(at + (s->vaddr - first), elf + s->offset, s->filesz);
	gn_ds_detach(at, size);
	return map(p, mem, first, size, flags);
}

/* The stack, with the thread's kernel priority in its top word (hw_component.h). */
static gn_err_t map_stack(program_t *p, unsigned prio)
{
	uint64_t const size = HW_COMPONENT_STACK_SIZE;
	gn_cap_t mem;
	uint8_t *at;
	gn_err_t err = new_mem(p, size, &mem, &at);

	if (err != GN_OK)
		return err;
	uint64_t const word = prio;
	gn_memcpy(at + size - sizeof(word), &word, sizeof(word));
	gn_ds_detach(at, size);
	return map(p, mem, HW_COMPONENT_STACK_TOP - size, size, HW_MAP_READ | HW_MAP_WRITE);
}

/* The domain's name: the label's last element in the characters the kernel allows. */
static size_t domain_name(char const *label, char *name, size_t size)
{
	char const *last = label;
	size_t n = 0;

	for (char const *c = label; *c; c++)
		if (c[0] == '>' && c[1] == ' ')
			last = c + 2;
	for (; *last && n + 1 < size; last++) {
		char const c = *last;
		bool const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				(c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
				c == '-';
		name[n++] = ok ? c : '_';
	}
	if (n == 0 || (n == 6 && gn_memcmp(name, "kernel", 6) == 0))
		name[n++] = '_'; /* the kernel refuses its own name: "kernel_" */
	name[n] = 0;
	return n;
}

/* Kernel priority of a CPU session's priority: 0 (Genode's highest) runs just below core. */
static unsigned kernel_priority(gn_cap_t cpu)
{
	uint64_t const p = core_cpu_priority(cpu);

	return (unsigned)(HW_PRIO_MAX - 1 - p * HW_PRIO_MAX / GN_CPU_PRIORITY_LIMIT);
}

static gn_err_t load_and_start(
	program_t *p, binary_t const *b, gn_cap_t const caps[4], unsigned prio)
{
	hw_elf_limits_t const limits = {HW_USER_BASE, HW_RM_BASE, IMAGE_PAGES};
	hw_elf_image_t image;
	char why[128];
	uint8_t *elf;
	size_t mapped;
	bool writable;
	char name[64]; /* the kernel takes 1 to 63 characters */
	size_t const name_len = domain_name(p->pd->label, name, sizeof(name));

	int64_t r = hw_syscall4(HW_SYS_PD_CREATE, HW_CAP_FACTORY, (uint64_t)name, name_len, 0);
	if (r < 0)
		return hw_err(r);
	p->domain = (uint64_t)r;

	gn_err_t err = gn_ds_attach(b->module, (void **)&elf, &mapped, &writable);
	if (err != GN_OK)
		return err;
	err = hw_elf_check(elf, b->size, limits, &image, why, sizeof(why));
	if (err != GN_OK)
		core_log("%s: binary '%s' refused: %s", p->pd->label, b->name, why);
	for (size_t i = 0; err == GN_OK && i < image.count; i++)
		err = load_segment(p, elf, &image.segments[i]);
	gn_ds_detach(elf, mapped);
	if (err == GN_OK)
		err = map_stack(p, prio);

	uint64_t const slots[4] = {
		HW_CAP_PARENT, HW_CAP_PD_SESSION, HW_CAP_CPU_SESSION, HW_CAP_LOG_SESSION};
	for (unsigned i = 0; err == GN_OK && i < 4; i++)
		err = hw_err(
			hw_syscall4(HW_SYS_CAP_GIVE, p->domain, caps[i], slots[i], HW_RIGHT_CALL));

	if (err == GN_OK) {
		r = hw_syscall4(HW_SYS_CAP_MINT, core_hw_fault_ep(), HW_RIGHT_CALL, badge_of(p), 0);
		err = hw_err(r);
	}
	if (err == GN_OK) {
		p->fault_cap = (uint64_t)r;
		err = hw_err(hw_syscall4(HW_SYS_FAULT_HANDLER, p->domain, p->fault_cap, 0, 0));
	}
	if (err == GN_OK) {
		r = hw_syscall4(HW_SYS_THREAD_START, p->domain, image.entry,
			HW_COMPONENT_STACK_TOP - 16, prio);
		err = hw_err(r);
	}
	if (err == GN_OK) {
		p->thread = (uint64_t)r;
		/* the runtime wakes its own main thread through it (locks, hw_component.h) */
		err = hw_err(hw_syscall4(
			HW_SYS_CAP_GIVE, p->domain, p->thread, HW_CAP_MAIN_THREAD, HW_RIGHT_WAKE));
	}
	return err;
}

/* Everything of p goes: the domain (its threads with it), then the memory it ran in. */
static void release(program_t *p)
{
	uint64_t const slots[] = {p->thread, p->fault_cap, p->domain};

	core_rm_pd_gone(p->pd); /* its threads waiting for region-map faults end with it */

	for (unsigned i = 0; i < 3; i++)
		if (slots[i])
			(void)hw_syscall4(HW_SYS_CAP_DROP, slots[i], 0, 0, 0);
	for (unsigned i = 0; i < p->mem_count; i++)
		gn_cap_drop(p->mems[i]);
	core_pd_refund(p->pd, p->charged, 0);
	p->gen++;
	uint32_t const gen = p->gen;
	*p = (program_t){.gen = gen};
}

gn_err_t core_platform_start(core_pd_t *pd, char const *name, gn_cap_t const env[3])
{
	binary_t const *b = find_binary(name);
	gn_cap_t const caps[4] = {env[0], pd->cap, env[1], env[2]};
	program_t *p = program_of_pd(NULL);

	if (!b)
		return GN_ERR_NOT_FOUND;
	for (unsigned i = 0; i < 4; i++)
		if (gn_cap_kind(caps[i]) != GN_CAP_KIND_OBJECT)
			return GN_ERR_INVALID_CAP;
	if (!p)
		return GN_ERR_LIMIT;

	/* every page the program runs in: the module's size bounds its segments' file part */
	uint64_t const charge = page_round(b->size) + HW_COMPONENT_STACK_SIZE;
	gn_err_t err = core_pd_charge(pd, charge, 0);
	if (err != GN_OK)
		return err;
	p->pd = pd;
	p->charged = charge;
	p->running = true;
	unsigned const prio = kernel_priority(env[1]);
	err = load_and_start(p, b, caps, prio);
	if (err != GN_OK) {
		core_log("%s: cannot start '%s': %s", pd->label, name, gn_err_name(err));
		release(p);
		return err;
	}
	if (core_cpu_priority(env[1]))
		core_log("%s: runs at priority %u (kernel priority %u)", pd->label,
			(unsigned)core_cpu_priority(env[1]), prio);
	pd->started = true;
	core_cpu_bind(env[1], pd);
	return GN_OK;
}

void core_platform_kill(core_pd_t *pd)
{
	program_t *p = program_of_pd(pd);

	if (p)
		release(p);
}

void core_hw_program_exit(uint64_t badge, int code)
{
	program_t *p = program_of_badge(badge);

	if (!p || !p->running)
		return;
	p->running = false;
	core_pd_program_ended(p->pd, code, 0, NULL);
}

/* The Linux signal a fault is reported as, so that a crash reads the same on both platforms. */
static int signal_of(uint64_t vector)
{
	switch (vector) {
	case 0: return 8;   /* #DE: SIGFPE */
	case 6: return 4;   /* #UD: SIGILL */
	case 3:             /* #BP */
	case 1: return 5;   /* #DB: SIGTRAP */
	case 16:            /* #MF */
	case 19: return 8;  /* #XM */
	default: return 11; /* #PF, #GP and the rest: SIGSEGV */
	}
}

/* The region-map fault type of a page fault's error code (bit 4: instruction fetch, 1: write). */
static unsigned fault_type(uint64_t error)
{
	return (error & 0x10)  ? GN_RM_FAULT_EXEC
	       : (error & 0x2) ? GN_RM_FAULT_WRITE
			       : GN_RM_FAULT_READ;
}

void core_hw_program_fault(uint64_t badge, uint64_t const fault[HW_FAULT_WORDS], uint64_t reply)
{
	program_t *p = program_of_badge(badge);

	if (p && p->running && fault[HW_FAULT_VECTOR] == PAGE_FAULT) {
		core_rm_fault_t const r = core_rm_fault(
			p->pd, fault[HW_FAULT_ADDR], fault_type(fault[HW_FAULT_ERROR]), reply);
		if (r == CORE_RM_PENDING)
			return; /* the reply waits in core/rm.c */
		if (r == CORE_RM_RESOLVED) {
			core_hw_fault_answer(reply, true);
			return;
		}
	}
	core_hw_fault_answer(reply, false);
	if (!p || !p->running)
		return;
	p->running = false;
	core_log("%s: exception %lu (error 0x%lx) at rip 0x%lx, address 0x%lx: ending it",
		p->pd->label, (unsigned long)fault[HW_FAULT_VECTOR],
		(unsigned long)fault[HW_FAULT_ERROR], (unsigned long)fault[HW_FAULT_RIP],
		(unsigned long)fault[HW_FAULT_ADDR]);
	/* the domain ends now: its other threads must not run on */
	(void)hw_syscall4(HW_SYS_CAP_DROP, p->domain, 0, 0, 0);
	p->domain = 0;
	core_pd_program_ended(p->pd, -1, signal_of(fault[HW_FAULT_VECTOR]), NULL);
}

/* ---- the region maps' hooks (core.h): windows of managed dataspaces in a program's domain ---- */

static program_t *running(core_pd_t const *pd)
{
	program_t *p = program_of_pd(pd);

	return p && p->running && p->domain ? p : NULL;
}

gn_err_t core_platform_rm_window(core_pd_t *pd, uint64_t va, uint64_t size)
{
	if (!running(pd))
		return GN_ERR_DENIED; /* a PD without a program of its own: nothing to map into */
	if (va < HW_RM_BASE || va > HW_RM_END || size > HW_RM_END - va)
		return GN_ERR_INVALID_ARG; /* only where the runtime attaches (hw_component.h) */
	return GN_OK;
}

gn_err_t core_platform_rm_map(
	core_pd_t *pd, gn_cap_t ds, uint64_t va, uint64_t offset, uint64_t size, bool writable)
{
	program_t const *p = running(pd);

	if (!p)
		return GN_ERR_DENIED;
	uint64_t const flags = HW_MAP_READ | (writable ? HW_MAP_WRITE : 0);
	return hw_err(hw_syscall6(HW_SYS_MEM_MAP, ds, p->domain, va, offset, size, flags));
}

void core_platform_rm_unmap(core_pd_t *pd, uint64_t va)
{
	program_t const *p = program_of_pd(pd);

	if (p && p->domain) /* NOT_FOUND: the object's end took the mapping already */
		(void)hw_syscall4(HW_SYS_MEM_UNMAP, p->domain, va, 0, 0);
}

void core_platform_rm_resume(core_pd_t *pd, uint64_t token, bool resume)
{
	(void)pd;
	core_hw_fault_answer(token, resume);
}

bool core_platform_ds_writable(gn_cap_t ds)
{
	int64_t const info = hw_syscall4(HW_SYS_CAP_INFO, ds, 0, 0, 0);

	return info >= 0 && (info >> 8) & HW_RIGHT_WRITE;
}

uint64_t core_hw_domain(core_pd_t const *pd)
{
	program_t const *p = pd ? program_of_pd(pd) : NULL;

	return p ? p->domain : 0;
}
