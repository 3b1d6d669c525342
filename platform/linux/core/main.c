/*
 * Core's boot on linux.
 *
 * Core runs as root on the host (it gives every component its own unprivileged host uid). It first
 * moves into an empty network namespace, which all components then share, and re-creates itself as
 * pid 1 of a new pid namespace: when core ends, the kernel ends every component, so none can outlive
 * it. The outer process only waits and passes the exit code on.
 *
 * The boot directory is core's current directory: executable files are binaries (opened O_PATH),
 * the others ROM modules (copied into dataspaces sealed against writing). `config` is init's.
 */
#include <gneiss/dataspace.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <lx.h>
#include <lx_cap.h>
#include <lx_ep.h>
#include <lx_start.h>

#include "core_linux.h"
#include "sandbox.h"

/* what core may hand out: an account, not memory taken at boot (memfds grow on demand) */
#define CORE_RAM (4096ull * GN_MIB)

enum {
	RLIMIT_NOFILE = 7,
	CORE_MAX_FDS = 1 << 20, /* Linux's default fs.nr_open: as far as even root may go */
	CLONE_NEWPID = 0x20000000,
	CLONE_NEWNET = 0x40000000,
	LX_SIGCHLD = 17,
	LX_SIGKILL = 9,
	PR_SET_PDEATHSIG = 1,
	O_RDONLY = 0,
	O_CLOEXEC = 02000000,
	O_DIRECTORY = 0200000,
	O_PATH = 010000000,
	AT_FDCWD = -100,
	DT_REG = 8,
	S_IXUSR = 0100,
	/* core's entrypoint: an object per session it serves, channels to them from every thread */
	CORE_EP_OBJECTS = CORE_MAX_SESSIONS + CORE_MAX_PDS,
	CORE_EP_CHANNELS = 4 * CORE_EP_OBJECTS,
	CORE_EP_FDS = 2 * CORE_MAX_PDS + 64, /* every program's pidfd and seccomp listener */
	/* core's capabilities: one per dataspace and signal context it hands out (CORE_CAPS at
	 * most), one per session object and boot module */
	CORE_CAP_TABLE = CORE_CAPS + CORE_EP_OBJECTS + 2048,
	INIT_RESERVE = 4 * GN_MIB, /* what core keeps of its account for its own sessions */
};

static gn_ep_t *ep;
static core_pd_t *init_pd;
static lx_cap_entry_t cap_table[CORE_CAP_TABLE];

gn_ep_t *core_ep(void)
{
	return ep;
}

void core_platform_console_write(char const *text, size_t len)
{
	while (len) {
		long ret = lx_write(1, text, len);
		if (ret <= 0)
			return;
		text += ret;
		len -= (size_t)ret;
	}
}

static GN_NORETURN void fatal(char const *what, long err)
{
	core_log("Error: %s failed (%ld)", what, err);
	lx_exit_group(70);
}

/* Returns in core, pid 1 of a new pid namespace; the outer process waits and exits as core did. */
static void become_pid1(void)
{
	long pid = lx_syscall5(__NR_clone, CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0);
	int status = 0;

	if (pid == 0) {
		(void)lx_syscall5(__NR_prctl, PR_SET_PDEATHSIG, LX_SIGKILL, 0, 0, 0);
		return;
	}
	if (pid < 0)
		fatal("creating core's pid namespace", pid);
	while (lx_syscall4(__NR_wait4, pid, &status, 0, 0) == -LX_EINTR)
		;
	lx_exit_group((status & 0x7f) ? 128 + (status & 0x7f) : (status >> 8) & 0xff);
}

static uint64_t writable_size(int fd)
{
	struct {
		uint8_t ident[16];
		uint16_t type, machine;
		uint32_t version;
		uint64_t entry, phoff, shoff;
		uint32_t flags;
		uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
	} eh;
	struct {
		uint32_t type, flags;
		uint64_t offset, vaddr, paddr, filesz, memsz, align;
	} ph;
	uint64_t total = 0;

	if (lx_syscall4(__NR_pread64, fd, &eh, sizeof(eh), 0) != sizeof(eh) ||
		gn_memcmp(eh.ident,
			"\x7f"
			"ELF",
			4) != 0 ||
		eh.phentsize != sizeof(ph))
		return 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		if (lx_syscall4(__NR_pread64, fd, &ph, sizeof(ph), eh.phoff + i * sizeof(ph)) !=
			sizeof(ph))
			return 0;
		if (ph.type == 1 /* PT_LOAD */ && (ph.flags & 2 /* PF_W */))
			total += (ph.memsz + CORE_PAGE - 1 + (ph.vaddr & (CORE_PAGE - 1))) &
				 ~(uint64_t)(CORE_PAGE - 1);
	}
	return total;
}

static void load_rom(char const *name, int fd, size_t size)
{
	gn_cap_t ds;
	void *addr;
	size_t mapped;
	bool writable;

	if (size == 0 || core_platform_ram_alloc(size, &ds) != GN_OK)
		fatal("allocating a boot module", 0);
	if (gn_ds_attach(ds, &addr, &mapped, &writable) != GN_OK)
		fatal("attaching a boot module", 0);
	for (size_t done = 0; done < size;) {
		long ret = lx_syscall4(__NR_pread64, fd, (char *)addr + done, size - done, done);
		if (ret <= 0)
			fatal("reading a boot module", ret);
		done += (size_t)ret;
	}
	gn_ds_detach(addr, mapped);
	if (core_linux_seal(ds) != GN_OK || core_rom_add_module(name, ds, size) != GN_OK)
		fatal("registering a boot module", 0);
}

static void load_module(char const *name)
{
	long fd = lx_syscall4(__NR_openat, AT_FDCWD, name, O_RDONLY | O_CLOEXEC, 0);
	struct lx_stat st;

	if (fd < 0 || lx_fstat((int)fd, &st) < 0)
		fatal("opening a boot module", fd);
	if (st.mode & S_IXUSR) {
		long path = lx_syscall4(__NR_openat, AT_FDCWD, name, O_PATH | O_CLOEXEC, 0);
		if (path < 0 ||
			core_linux_add_binary(name, (int)path, writable_size((int)fd)) != GN_OK)
			fatal("registering a binary", path);
	} else {
		load_rom(name, (int)fd, (size_t)st.size);
	}
	lx_close((int)fd);
}

static void load_boot_modules(void)
{
	static uint8_t buf[8192];
	long dir = lx_syscall4(__NR_openat, AT_FDCWD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	long n;

	if (dir < 0)
		fatal("opening the boot directory", dir);
	while ((n = lx_syscall3(__NR_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (long pos = 0; pos < n;) {
			struct {
				uint64_t ino;
				int64_t off;
				uint16_t reclen;
				uint8_t type;
				char name[];
			} const *d = (void const *)(buf + pos);
			if (d->type == DT_REG && d->name[0] != '.')
				load_module(d->name);
			pos += d->reclen;
		}
	}
	lx_close((int)dir);
}

void core_pd_program_ended(core_pd_t *pd, int code, int signal, char const *reason)
{
	(void)reason;
	if (signal)
		core_log("%s: ended by signal %d", pd->label, signal);
	if (pd == init_pd)
		lx_exit_group(signal ? 128 + signal : code);
	if (pd->exception_sigh)
		gn_ignore(gn_signal_submit(pd->exception_sigh, 1));
}

static void start_init(void)
{
	core_pd_t *core = core_account();
	gn_cap_t env[3];

	if (core_pd_create("init", core->ram_quota - core->ram_used - INIT_RESERVE,
		    core->cap_quota - core->cap_used - 1000, core, &init_pd) != GN_OK ||
		core_parent_create(init_pd, "init", &env[0]) != GN_OK ||
		core_cpu_create("init", init_pd, 0, 0, 0, &env[1]) != GN_OK ||
		core_log_create("init", &env[2]) != GN_OK)
		fatal("creating init's environment", 0);
	gn_err_t err = core_platform_start(init_pd, "init", env);
	if (err != GN_OK)
		fatal(gn_err_name(err), 0);
}

/*
 * Core holds about ten descriptors per component (objects, channels, pidfd, seccomp listener,
 * dataspaces) and its tables are sized by the system's capability quota: the usual limit of 1024
 * would end the system at about a hundred components, with descriptors cut off in flight. Core is
 * root, so it may raise both limits.
 */
static void raise_descriptor_limit(void)
{
	struct {
		uint64_t cur, max;
	} limit = {CORE_MAX_FDS, CORE_MAX_FDS}, old;

	if (lx_syscall4(__NR_prlimit64, 0, RLIMIT_NOFILE, NULL, &old) != 0)
		return;
	if (old.cur >= CORE_MAX_FDS)
		return;
	if (lx_syscall4(__NR_prlimit64, 0, RLIMIT_NOFILE, &limit, NULL) == 0)
		return;
	limit = old; /* the hard limit is as far as an unprivileged raise goes */
	limit.cur = old.max;
	if (lx_syscall4(__NR_prlimit64, 0, RLIMIT_NOFILE, &limit, NULL) != 0 || old.max < 4096)
		core_log("Warning: core may hold only %llu descriptors: fewer components fit",
			(unsigned long long)limit.cur);
}

void lx_start(void *initial_sp)
{
	(void)initial_sp;
	if (lx_main_thread_init() != GN_OK ||
		lx_cap_table_provide(cap_table, CORE_CAP_TABLE) != GN_OK)
		lx_exit_group(71);
	if (core_linux_reserve_uids() != GN_OK) { /* in the host's network namespace, so before */
		core_log("Error: no block of host uids is free for this system's components");
		lx_exit_group(77);
	}
	if (lx_syscall1(__NR_unshare, CLONE_NEWNET) != 0) {
		core_log("Error: core needs root: it gives every component its own host uid and "
			 "namespaces");
		lx_exit_group(77);
	}
	become_pid1();
	raise_descriptor_limit();
	static lx_ep_object_t ep_objects[CORE_EP_OBJECTS];
	static lx_ep_channel_t ep_channels[CORE_EP_CHANNELS];
	static lx_ep_fd_watch_t ep_fds[CORE_EP_FDS];
	if (gn_ep_create(&ep) != GN_OK ||
		lx_ep_provide(ep, ep_objects, CORE_EP_OBJECTS, ep_channels, CORE_EP_CHANNELS,
			ep_fds, CORE_EP_FDS) != GN_OK ||
		sandbox_prepare() != GN_OK)
		fatal("core setup", 0);
	core_account()->ram_quota = CORE_RAM;
	core_account()->cap_quota = CORE_CAPS;
	load_boot_modules();
	start_init();
	gn_ep_run(ep);
}
