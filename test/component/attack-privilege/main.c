/*
 * Attacks on the sandbox's own walls (test/attack/privilege): changing or leaving the seccomp
 * filter, no_new_privs and the parent-death signal; new or foreign namespaces; mounts and the root;
 * credentials and capabilities; the kernel keyrings. Core built all of these before the component
 * ran, and none of the calls is allowed: each attempt must be killed by core naming the call.
 * (A second filter with its own listener would let the component answer its own denied calls.)
 */
#include "attack.h"

enum {
	AT_FDCWD = -100,
	SECCOMP_SET_MODE_STRICT = 0,
	SECCOMP_SET_MODE_FILTER = 1,
	SECCOMP_FILTER_FLAG_NEW_LISTENER = 1 << 3,
	SECCOMP_RET_USER_NOTIF = 0x7fc00000,
	BPF_RET_K = 0x06,
	PR_SET_PDEATHSIG = 1,
	PR_SET_SECCOMP = 22,
	PR_SET_NO_NEW_PRIVS = 38,
	CLONE_NEWNS = 0x00020000,
	CLONE_NEWUSER = 0x10000000,
	CLONE_NEWNET = 0x40000000,
	MNT_DETACH = 2,
	OPEN_TREE_CLONE = 1,
	LINUX_CAPABILITY_VERSION_3 = 0x20080522,
	KEYCTL_JOIN_SESSION_KEYRING = 1,
	KEY_SPEC_SESSION_KEYRING = -3,
};

/* A filter that hands every call to its listener: stacked, it would outrank core's. */
static struct {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
} const notify_all[] = {{BPF_RET_K, 0, 0, SECCOMP_RET_USER_NOTIF}};

static struct {
	unsigned short len;
	void const *filter;
} const prog = {1, notify_all};

static long seccomp_filter(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(
		__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
}

static long seccomp_strict(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_seccomp, SECCOMP_SET_MODE_STRICT, 0, 0);
}

static long prctl_no_new_privs(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_prctl, PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
}

static long prctl_seccomp(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_prctl, PR_SET_SECCOMP, SECCOMP_SET_MODE_FILTER, (long)&prog, 0, 0);
}

static long prctl_pdeathsig(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_prctl, PR_SET_PDEATHSIG, 0, 0, 0, 0);
}

static long unshare_user(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_unshare, CLONE_NEWUSER | CLONE_NEWNS);
}

static long unshare_net(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_unshare, CLONE_NEWNET);
}

static long setns_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_setns, 0, 0);
}

static long mount_tmpfs(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_mount, "none", "/", "tmpfs", 0, 0);
}

static long umount_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_umount2, "/", MNT_DETACH);
}

static long chroot_(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_chroot, "/");
}

static long pivot_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_pivot_root, ".", ".");
}

static long fsopen(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_fsopen, "tmpfs", 0);
}

static long open_tree(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_open_tree, AT_FDCWD, "/", OPEN_TREE_CLONE);
}

static long setuid_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_setuid, 0);
}

static long setgid_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall1(__NR_setgid, 0);
}

static long setresuid_root(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_setresuid, 0, 0, 0);
}

static long setgroups(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_setgroups, 0, 0);
}

static long capset_all(gn_env_t *env)
{
	static uint32_t header[2] = {LINUX_CAPABILITY_VERSION_3, 0};
	static uint32_t data[6] = {~0u, ~0u, ~0u, ~0u, ~0u, ~0u};

	(void)env;
	return lx_syscall2(__NR_capset, header, data);
}

static long keyctl_join(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "gneiss-attack");
}

static long add_key(gn_env_t *env)
{
	(void)env;
	return lx_syscall5(__NR_add_key, "user", "gneiss-attack", "x", 1, KEY_SPEC_SESSION_KEYRING);
}

static long request_key(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_request_key, "user", "gneiss-attack", 0, KEY_SPEC_SESSION_KEYRING);
}

static attack_t const attacks[] = {
	{"seccomp-filter", "seccomp", "stack a filter with its own listener", seccomp_filter,
		ATTACK_KILLED},
	{"seccomp-strict", "seccomp", "switch to strict mode", seccomp_strict, ATTACK_KILLED},
	{"prctl-no-new-privs", "prctl", "clear no_new_privs", prctl_no_new_privs, ATTACK_KILLED},
	{"prctl-seccomp", "prctl", "install a filter through prctl", prctl_seccomp, ATTACK_KILLED},
	{"prctl-pdeathsig", "prctl", "survive core", prctl_pdeathsig, ATTACK_KILLED},
	{"unshare-user", "unshare", "new user and mount namespaces", unshare_user, ATTACK_KILLED},
	{"unshare-net", "unshare", "a network namespace of its own", unshare_net, ATTACK_KILLED},
	{"setns", "setns", "enter the namespace of a granted descriptor", setns_parent,
		ATTACK_KILLED},
	{"mount", "mount", "mount a tmpfs over /", mount_tmpfs, ATTACK_KILLED},
	{"umount", "umount2", "detach the root", umount_root, ATTACK_KILLED},
	{"chroot", "chroot", "change the root", chroot_, ATTACK_KILLED},
	{"pivot-root", "pivot_root", "change the root", pivot_root, ATTACK_KILLED},
	{"fsopen", "fsopen", "a new tmpfs through the mount API", fsopen, ATTACK_KILLED},
	{"open-tree", "open_tree", "clone the mount tree", open_tree, ATTACK_KILLED},
	{"setuid", "setuid", "become uid 0", setuid_root, ATTACK_KILLED},
	{"setgid", "setgid", "become gid 0", setgid_root, ATTACK_KILLED},
	{"setresuid", "setresuid", "become uid 0", setresuid_root, ATTACK_KILLED},
	{"setgroups", "setgroups", "drop the supplementary groups", setgroups, ATTACK_KILLED},
	{"capset", "capset", "raise every capability", capset_all, ATTACK_KILLED},
	{"keyctl", "keyctl", "join a session keyring", keyctl_join, ATTACK_KILLED},
	{"add-key", "add_key", "store a key", add_key, ATTACK_KILLED},
	{"request-key", "request_key", "look a key up", request_key, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
