/*
 * Attacks on the host's file system (test/attack/files): every way of naming a path, reading
 * metadata, creating or changing a file, and of making more descriptors. A component has no path
 * at all (its root is an empty read-only tmpfs, and no call that takes a path is allowed), so each
 * attempt must be killed by core naming the call. The paths are real targets (/etc/passwd,
 * /proc/self/..., /sys/...); what would be created lies under /tmp, so even a hole could not
 * damage the host.
 */
#include "attack.h"

enum {
	AT_FDCWD = -100,
	O_RDONLY = 0,
	O_WRONLY = 1,
	O_RDWR = 2,
	O_CREAT = 0100,
	O_PATH = 010000000,
	S_IFCHR = 0020000,
	DEV_NULL = (1 << 8) | 3, /* old-style device number 1:3 */
	RESOLVE_NO_SYMLINKS = 4,
};

static char const passwd[] = "/etc/passwd";
static char const victim[] = "/tmp/gneiss-attack";
static uint8_t buf[512];

static long open_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_open, passwd, O_RDONLY, 0);
}

static long openat_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, AT_FDCWD, passwd, O_RDONLY, 0);
}

static long openat2_passwd(gn_env_t *env)
{
	static uint64_t how[3] = {O_RDONLY, 0, RESOLVE_NO_SYMLINKS};

	(void)env;
	return lx_syscall4(__NR_openat2, AT_FDCWD, passwd, how, sizeof(how));
}

static long openat_path(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, AT_FDCWD, "/", O_PATH, 0);
}

static long openat_proc_mem(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, AT_FDCWD, "/proc/self/mem", O_RDWR, 0);
}

static long openat_proc_fd(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, 0, "../../proc/1/root/etc/passwd", O_RDONLY, 0);
}

static long openat_sys(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, AT_FDCWD, "/sys/kernel/notes", O_RDONLY, 0);
}

static long creat_tmp(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_creat, victim, 0644);
}

static long openat_create(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_openat, AT_FDCWD, victim, O_CREAT | O_WRONLY, 0644);
}

static long stat_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_stat, passwd, buf);
}

static long lstat_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_lstat, passwd, buf);
}

static long newfstatat_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_newfstatat, AT_FDCWD, passwd, buf, 0);
}

static long statx_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_statx, AT_FDCWD, passwd, 0, 0xfff, buf);
}

static long access_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_access, passwd, 0);
}

static long faccessat2_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_faccessat2, AT_FDCWD, passwd, 0, 0);
}

static long readlink_exe(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_readlink, "/proc/self/exe", buf, sizeof(buf));
}

static long getdents_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_getdents64, 0, buf, sizeof(buf));
}

static long chdir_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_chdir, "/");
}

static long getcwd_leak(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_getcwd, buf, sizeof(buf));
}

static long mkdir_tmp(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_mkdir, victim, 0755);
}

static long mknod_null(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_mknod, victim, S_IFCHR | 0666, DEV_NULL);
}

static long symlink_passwd(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_symlink, passwd, victim);
}

static long unlink_tmp(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_unlink, victim);
}

static long rename_tmp(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_rename, victim, "/tmp/gneiss-attack-2");
}

static long truncate_tmp(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_truncate, victim, 0);
}

static long open_by_handle(gn_env_t *env)
{
	/* the "shocker" escape: a forged handle of the host root's inode 2 */
	static struct {
		uint32_t bytes;
		int32_t type;
		uint8_t f_handle[8];
	} handle = {8, 1, {2, 0, 0, 0, 0, 0, 0, 0}};

	(void)env;
	return lx_syscall3(__NR_open_by_handle_at, 0, &handle, O_RDONLY);
}

static long dup_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_dup, 0);
}

static long dup3_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_dup3, 0, 1023, 0); /* the descriptor number execveat allows */
}

static long inotify_init(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_inotify_init1, 0);
}

static attack_t const attacks[] = {
	{"open-passwd", "open", "open /etc/passwd", open_passwd, ATTACK_KILLED},
	{"openat-passwd", "openat", "open /etc/passwd", openat_passwd, ATTACK_KILLED},
	{"openat2-passwd", "openat2", "open /etc/passwd", openat2_passwd, ATTACK_KILLED},
	{"openat-path", "openat", "an O_PATH descriptor of /", openat_path, ATTACK_KILLED},
	{"openat-proc-mem", "openat", "open /proc/self/mem read-write", openat_proc_mem,
		ATTACK_KILLED},
	{"openat-proc-root", "openat", "reach /proc/1/root relative to a granted descriptor",
		openat_proc_fd, ATTACK_KILLED},
	{"openat-sys", "openat", "open /sys/kernel/notes", openat_sys, ATTACK_KILLED},
	{"creat-tmp", "creat", "create /tmp/gneiss-attack", creat_tmp, ATTACK_KILLED},
	{"openat-create", "openat", "create /tmp/gneiss-attack", openat_create, ATTACK_KILLED},
	{"stat-passwd", "stat", "stat /etc/passwd", stat_passwd, ATTACK_KILLED},
	{"lstat-passwd", "lstat", "lstat /etc/passwd", lstat_passwd, ATTACK_KILLED},
	{"newfstatat-passwd", "newfstatat", "stat /etc/passwd", newfstatat_passwd, ATTACK_KILLED},
	{"statx-passwd", "statx", "statx /etc/passwd", statx_passwd, ATTACK_KILLED},
	{"access-passwd", "access", "probe /etc/passwd", access_passwd, ATTACK_KILLED},
	{"faccessat2-passwd", "faccessat2", "probe /etc/passwd", faccessat2_passwd, ATTACK_KILLED},
	{"readlink-exe", "readlink", "read /proc/self/exe", readlink_exe, ATTACK_KILLED},
	{"getdents-parent", "getdents64", "list the parent capability as a directory",
		getdents_parent, ATTACK_KILLED},
	{"chdir-root", "chdir", "change to /", chdir_root, ATTACK_KILLED},
	{"getcwd", "getcwd", "learn the working directory", getcwd_leak, ATTACK_KILLED},
	{"mkdir-tmp", "mkdir", "make /tmp/gneiss-attack", mkdir_tmp, ATTACK_KILLED},
	{"mknod-null", "mknod", "make a character device 1:3", mknod_null, ATTACK_KILLED},
	{"symlink-passwd", "symlink", "link /tmp/gneiss-attack to /etc/passwd", symlink_passwd,
		ATTACK_KILLED},
	{"unlink-tmp", "unlink", "remove /tmp/gneiss-attack", unlink_tmp, ATTACK_KILLED},
	{"rename-tmp", "rename", "rename /tmp/gneiss-attack", rename_tmp, ATTACK_KILLED},
	{"truncate-tmp", "truncate", "truncate /tmp/gneiss-attack", truncate_tmp, ATTACK_KILLED},
	{"open-by-handle", "open_by_handle_at", "open a forged file handle", open_by_handle,
		ATTACK_KILLED},
	{"dup-parent", "dup", "copy the parent capability", dup_parent, ATTACK_KILLED},
	{"dup3-exec-fd", "dup3", "make descriptor 1023, the one execveat accepts", dup3_parent,
		ATTACK_KILLED},
	{"inotify", "inotify_init1", "watch files", inotify_init, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
