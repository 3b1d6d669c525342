/*
 * Attacks through memory (test/attack/memory). A component's memory is its RAM dataspaces: memfds
 * from core, charged to its PD and mapped MAP_SHARED, never executable. Each attempt here gets
 * memory another way (private copy-on-write pages of a granted memfd, anonymous memory, brk),
 * makes memory executable, replaces or moves mappings, pins memory, changes the NUMA policy, or
 * observes page residency. Whatever dataspace an attack needs, it first takes from its PD session
 * with allowed calls (a failure there is logged as "Error: attack: ..."); then it makes the one
 * hostile call, which core must name before killing it. Two kinds of attack make no forbidden call
 * and meet the kernel instead:
 * - running code written into a dataspace, onto the stack or into the data segment: no mapping is
 *   executable, so the component dies of SIGSEGV (11);
 * - mprotect of its read-only data to read-write (allowed arguments): private writable pages count
 *   against RLIMIT_DATA, which core set to the binary's writable segments, so it fails with ENOMEM.
 */
#include "attack.h"

enum {
	PAGE = 4096,
	PROT_READ = 1,
	PROT_WRITE = 2,
	PROT_EXEC = 4,
	MAP_SHARED = 0x01,
	MAP_PRIVATE = 0x02,
	MAP_SHARED_VALIDATE = 0x03,
	MAP_FIXED = 0x10,
	MAP_ANONYMOUS = 0x20,
	MAP_LOCKED = 0x2000,
	MREMAP_MAYMOVE = 1,
	MADV_DONTNEED = 4,
	MADV_COLD = 20,
	MCL_CURRENT = 1,
	MPOL_BIND = 2,
};

static long mmap_private_ds(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
}

static long mmap_anonymous(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(
		__NR_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static long mmap_shared_anonymous(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(
		__NR_mmap, 0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

static long mmap_exec_ds(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
}

static long mmap_fixed_code(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);
	long const code = (long)(uintptr_t)mmap_fixed_code & ~(long)(PAGE - 1);

	return lx_syscall6(__NR_mmap, code, PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
}

static long mmap_validate(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, PROT_READ, MAP_SHARED_VALIDATE, fd, 0);
}

static long mmap_locked(gn_env_t *env)
{
	long const fd = attack_ram_fd(env);

	return lx_syscall6(__NR_mmap, 0, PAGE, PROT_READ, MAP_SHARED | MAP_LOCKED, fd, 0);
}

static long mprotect_exec_ds(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall3(__NR_mprotect, addr, PAGE, PROT_READ | PROT_EXEC);
}

static long mprotect_exec_stack(gn_env_t *env)
{
	long const stack = (long)(uintptr_t)&env & ~(long)(PAGE - 1);

	return lx_syscall3(__NR_mprotect, stack, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC);
}

static long pkey_mprotect_exec(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall4(__NR_pkey_mprotect, addr, PAGE, PROT_READ | PROT_EXEC, -1);
}

static long mremap_grow(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall5(__NR_mremap, addr, PAGE, 16 * PAGE, MREMAP_MAYMOVE, 0);
}

static long brk_grow(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_brk, 0x10000000);
}

static long madvise_dontneed(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall3(__NR_madvise, addr, PAGE, MADV_DONTNEED);
}

static long process_madvise(gn_env_t *env)
{
	static uint64_t iov[2];

	iov[0] = (uint64_t)attack_ram_attached(env);
	iov[1] = PAGE;
	return lx_syscall5(__NR_process_madvise, 0, iov, 1, MADV_COLD, 0);
}

static long mlock(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall2(__NR_mlock, addr, PAGE);
}

static long mlockall(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_mlockall, MCL_CURRENT);
}

static long mincore(gn_env_t *env)
{
	static uint8_t vec[1];
	long const addr = attack_ram_attached(env);

	return lx_syscall3(__NR_mincore, addr, PAGE, vec);
}

static long remap_file_pages(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall5(__NR_remap_file_pages, addr, PAGE, 0, 0, 0);
}

static uint64_t nodes = 1;

static long mbind(gn_env_t *env)
{
	long const addr = attack_ram_attached(env);

	return lx_syscall6(__NR_mbind, addr, PAGE, MPOL_BIND, (long)&nodes, 64, 0);
}

static long set_mempolicy(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_set_mempolicy, MPOL_BIND, &nodes, 64);
}

static long migrate_pages(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_migrate_pages, 0, 64, &nodes, &nodes);
}

static long memfd_secret(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_memfd_secret, 0);
}

/* Puts `mov $42, %eax; ret` at code and calls it: returns 42 only if that memory is executable. */
static long run(uint8_t *code)
{
	static uint8_t const mov_ret[] = {0xb8, 42, 0, 0, 0, 0xc3};

	for (unsigned i = 0; i < sizeof(mov_ret); i++)
		code[i] = mov_ret[i];
	return ((long (*)(void))(uintptr_t)code)();
}

static long exec_ds(gn_env_t *env)
{
	return run((uint8_t *)attack_ram_attached(env));
}

static long exec_stack(gn_env_t *env)
{
	uint8_t code[16];

	(void)env;
	return run(code);
}

static long exec_data(gn_env_t *env)
{
	static uint8_t code[16];

	(void)env;
	return run(code);
}

/* A page of the binary's read-only data, made writable: copy-on-write pages charged to nobody. */
static char const rodata[2 * PAGE] = {1};

static long mprotect_rodata(gn_env_t *env)
{
	long const page = ((long)(uintptr_t)rodata + PAGE - 1) & ~(long)(PAGE - 1);

	(void)env;
	return lx_syscall3(__NR_mprotect, page, PAGE, PROT_READ | PROT_WRITE);
}

static attack_t const attacks[] = {
	{"mmap-private-ds", "mmap", "MAP_PRIVATE of a RAM dataspace (copy-on-write pages)",
		mmap_private_ds, ATTACK_KILLED},
	{"mmap-anonymous", "mmap", "anonymous private memory", mmap_anonymous, ATTACK_KILLED},
	{"mmap-shared-anonymous", "mmap", "anonymous shared memory", mmap_shared_anonymous,
		ATTACK_KILLED},
	{"mmap-exec-ds", "mmap", "a RAM dataspace mapped executable", mmap_exec_ds, ATTACK_KILLED},
	{"mmap-fixed-code", "mmap", "MAP_FIXED over its own code", mmap_fixed_code, ATTACK_KILLED},
	{"mmap-validate", "mmap", "MAP_SHARED_VALIDATE", mmap_validate, ATTACK_KILLED},
	{"mmap-locked", "mmap", "MAP_LOCKED", mmap_locked, ATTACK_KILLED},
	{"mprotect-exec-ds", "mprotect", "make an attached dataspace executable", mprotect_exec_ds,
		ATTACK_KILLED},
	{"mprotect-exec-stack", "mprotect", "make its stack executable", mprotect_exec_stack,
		ATTACK_KILLED},
	{"pkey-mprotect-exec", "pkey_mprotect", "make an attached dataspace executable",
		pkey_mprotect_exec, ATTACK_KILLED},
	{"mremap-grow", "mremap", "grow an attached dataspace", mremap_grow, ATTACK_KILLED},
	{"brk", "brk", "a heap outside its quota", brk_grow, ATTACK_KILLED},
	{"madvise", "madvise", "MADV_DONTNEED on an attached dataspace", madvise_dontneed,
		ATTACK_KILLED},
	{"process-madvise", "process_madvise", "advise on another process", process_madvise,
		ATTACK_KILLED},
	{"mlock", "mlock", "pin an attached dataspace", mlock, ATTACK_KILLED},
	{"mlockall", "mlockall", "pin everything", mlockall, ATTACK_KILLED},
	{"mincore", "mincore", "observe page residency", mincore, ATTACK_KILLED},
	{"remap-file-pages", "remap_file_pages", "rearrange an attached dataspace",
		remap_file_pages, ATTACK_KILLED},
	{"mbind", "mbind", "bind a dataspace to a NUMA node", mbind, ATTACK_KILLED},
	{"set-mempolicy", "set_mempolicy", "a NUMA policy", set_mempolicy, ATTACK_KILLED},
	{"migrate-pages", "migrate_pages", "move a process's pages", migrate_pages, ATTACK_KILLED},
	{"memfd-secret", "memfd_secret", "memory hidden from the kernel", memfd_secret,
		ATTACK_KILLED},
	{"exec-ds", "call", "run code written into an attached dataspace", exec_ds, ATTACK_KILLED},
	{"exec-stack", "call", "run code written onto its stack", exec_stack, ATTACK_KILLED},
	{"exec-data", "call", "run code written into its data segment", exec_data, ATTACK_KILLED},
	{"mprotect-rodata", "mprotect", "make its read-only data writable", mprotect_rodata,
		-LX_ENOMEM},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
