/*
 * seccomp-gen: compiles the component allow-list (platform/linux/seccomp/policy.h) into a raw
 * classic-BPF program for seccomp(2), and writes the table of x86_64 system call names core uses
 * to say which call it denied.
 *
 *   seccomp-gen FILTER.h          the filter as a C header for core (no Linux headers needed)
 *   seccomp-gen --names NAMES.h   number -> name of every x86_64 system call the host knows
 *   seccomp-gen --list            the policy and the program, for people
 *
 * Invariants of the program it emits:
 * - the architecture is checked before the number is looked at, and only AUDIT_ARCH_X86_64
 *   passes; numbers with the x32 bit (or above it) are killed before any lookup;
 * - a call reaches ALLOW only through its own table entry, after every condition of that entry;
 *   each condition checks both 32-bit halves of its 64-bit argument;
 * - every path ends in a return; jumps only go forward (classic BPF cannot jump back) and fit
 *   their 8-bit offsets, or the tool fails instead of writing a header;
 * - the output depends on nothing but the policy and the host's headers: two runs write the
 *   same bytes.
 * All numbers come from the host's Linux and libc headers, so the tool must be built on x86_64.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <asm/prctl.h>
#include <asm/unistd_64.h>
#include <linux/audit.h>
#include <linux/fcntl.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/ioctl.h>
#include <linux/kcmp.h>
#include <linux/mman.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>

#include "../../platform/linux/seccomp/policy.h"

#if defined(__linux__) && (!defined(__x86_64__) || defined(__ILP32__))
#error "seccomp-gen takes the x86_64 system call numbers from the host headers: build it on x86_64"
#endif

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

enum {
	MAX_VALUES = 8,
	MAX_CONDS = 6,
	MAX_INSNS = 1024,
	MAX_LABELS = 256,
	MAX_JUMP = 255,
	NOTE_SIZE = 40,
	NO_LABEL = -1, /* a jump target: the next instruction */
};

/* ---- the policy, as data ----------------------------------------------------------------------- */

typedef enum {
	ACT_ALLOW,
	ACT_CHECK,
	ACT_ERRNO
} action_t;
typedef enum {
	COND_BITS,
	COND_ONE_OF
} cond_kind_t;

typedef struct {
	unsigned arg;
	cond_kind_t kind;
	uint64_t allowed, required; /* COND_BITS */
	unsigned value_count;       /* COND_ONE_OF */
	uint64_t values[MAX_VALUES];
} cond_t;

typedef struct {
	char const *name;
	long nr;
	action_t action;
	unsigned err; /* ACT_ERRNO */
	unsigned cond_count;
	cond_t conds[MAX_CONDS];
} rule_t;

#define COUNT_OF(type, ...) (sizeof((type[]){__VA_ARGS__}) / sizeof(type))
#define P_BITS(arg, allowed, required)                      \
	{                                                   \
		(arg), COND_BITS, (allowed), (required), 0, \
		{                                           \
			0                                   \
		}                                           \
	}
#define P_ONE_OF(arg, ...)                                                 \
	{                                                                  \
		(arg), COND_ONE_OF, 0, 0, COUNT_OF(uint64_t, __VA_ARGS__), \
		{                                                          \
			__VA_ARGS__                                        \
		}                                                          \
	}
#define P_ALLOW(name) {#name, __NR_##name, ACT_ALLOW, 0, 0, {{0}}},
#define P_CHECK(name, ...) \
	{#name, __NR_##name, ACT_CHECK, 0, COUNT_OF(cond_t, __VA_ARGS__), {__VA_ARGS__}},
#define P_ERRNO(name, e) {#name, __NR_##name, ACT_ERRNO, (e), 0, {{0}}},

static rule_t const rules[] = {GN_SECCOMP_POLICY(P_ALLOW, P_CHECK, P_ERRNO, P_BITS, P_ONE_OF)};

static void die(char const *fmt, char const *arg)
{
	fprintf(stderr, "seccomp-gen: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(1);
}

static void check_cond(rule_t const *r, cond_t const *c)
{
	if (c->arg > 5)
		die("%s: argument index out of 0..5", r->name);
	if (c->kind == COND_BITS) {
		if (c->allowed > UINT32_MAX || (c->required & ~c->allowed) != 0)
			die("%s: BITS needs 32-bit masks with required within allowed", r->name);
		return;
	}
	if (c->value_count < 1 || c->value_count > MAX_VALUES)
		die("%s: ONE_OF needs 1..8 values", r->name);
	for (unsigned i = 0; i < c->value_count; i++)
		if (c->values[i] > UINT32_MAX)
			die("%s: ONE_OF values must fit 32 bits", r->name);
}

/* Rejects what the program could not express or what is surely a mistake in the table. */
static void check_policy(void)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		rule_t const *r = &rules[i];
		if (r->nr < 0 || r->nr >= __X32_SYSCALL_BIT)
			die("%s: number out of the x86_64 range", r->name);
		for (size_t j = 0; j < i; j++)
			if (rules[j].nr == r->nr)
				die("%s: listed twice", r->name);
		if (r->action == ACT_ERRNO && (r->err == 0 || r->err > SECCOMP_RET_DATA))
			die("%s: errno out of range", r->name);
		if (r->action == ACT_CHECK && (r->cond_count < 1 || r->cond_count > MAX_CONDS))
			die("%s: CHECK needs 1..6 conditions", r->name);
		for (unsigned c = 0; c < r->cond_count; c++)
			check_cond(r, &r->conds[c]);
	}
}

/* ---- an assembler with forward labels ----------------------------------------------------------- */

typedef struct {
	struct sock_filter insn;
	int jt_label, jf_label;
	char note[NOTE_SIZE];
} slot_t;

typedef struct {
	slot_t slots[MAX_INSNS];
	unsigned len;
	int label_pos[MAX_LABELS];
	unsigned label_count;
} prog_t;

static int label_new(prog_t *p)
{
	if (p->label_count == MAX_LABELS)
		die("%s", "too many labels");
	p->label_pos[p->label_count] = -1;
	return (int)p->label_count++;
}

static void label_place(prog_t *p, int label)
{
	p->label_pos[label] = (int)p->len;
}

static void emit(prog_t *p, uint16_t code, uint32_t k, int jt, int jf, char const *note)
{
	if (p->len == MAX_INSNS)
		die("%s", "program too long");
	slot_t *s = &p->slots[p->len++];
	s->insn = (struct sock_filter){code, 0, 0, k};
	s->jt_label = jt;
	s->jf_label = jf;
	snprintf(s->note, sizeof(s->note), "%s", note ? note : "");
}

static uint8_t jump_offset(prog_t const *p, unsigned pc, int label)
{
	if (label == NO_LABEL)
		return 0;
	int target = p->label_pos[label];
	if (target <= (int)pc)
		die("%s", "jump to an unplaced or earlier label");
	if (target - (int)pc - 1 > MAX_JUMP)
		die("%s", "jump longer than 255 instructions: reorder the policy");
	return (uint8_t)(target - (int)pc - 1);
}

static void resolve(prog_t *p)
{
	for (unsigned pc = 0; pc < p->len; pc++) {
		slot_t *s = &p->slots[pc];
		if (BPF_CLASS(s->insn.code) != BPF_JMP)
			continue;
		s->insn.jt = jump_offset(p, pc, s->jt_label);
		s->insn.jf = jump_offset(p, pc, s->jf_label);
	}
	if (p->len == 0 || BPF_CLASS(p->slots[p->len - 1].insn.code) != BPF_RET)
		die("%s", "program does not end in a return");
}

/* ---- the program ------------------------------------------------------------------------------- */

static uint32_t arg_low(unsigned arg)
{
	return (uint32_t)(offsetof(struct seccomp_data, args) + 8 * arg);
}

static void emit_load(prog_t *p, uint32_t offset)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, offset, NO_LABEL, NO_LABEL, NULL);
}

/* The high half of the argument must be zero; then the low half is in A. */
static void emit_arg_load(prog_t *p, unsigned arg, int deny)
{
	emit_load(p, arg_low(arg) + 4);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, NO_LABEL, deny, NULL);
	emit_load(p, arg_low(arg));
}

static void emit_cond(prog_t *p, cond_t const *c, int deny)
{
	emit_arg_load(p, c->arg, deny);
	if (c->kind == COND_BITS) {
		emit(p, BPF_ALU | BPF_AND | BPF_K, ~(uint32_t)c->allowed, NO_LABEL, NO_LABEL, NULL);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, NO_LABEL, deny, NULL);
		if (c->required == 0)
			return;
		emit_load(p, arg_low(c->arg));
		emit(p, BPF_ALU | BPF_AND | BPF_K, (uint32_t)c->required, NO_LABEL, NO_LABEL, NULL);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)c->required, NO_LABEL, deny, NULL);
		return;
	}
	int pass = label_new(p);
	for (unsigned i = 0; i + 1 < c->value_count; i++)
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)c->values[i], pass, NO_LABEL, NULL);
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)c->values[c->value_count - 1], NO_LABEL, deny,
		NULL);
	label_place(p, pass);
}

static void emit_ret(prog_t *p, uint32_t verdict, char const *note)
{
	emit(p, BPF_RET | BPF_K, verdict, NO_LABEL, NO_LABEL, note);
}

static void build(prog_t *p)
{
	size_t const count = sizeof(rules) / sizeof(rules[0]);
	int entry[sizeof(rules) / sizeof(rules[0])];

	memset(p, 0, sizeof(*p));
	int native = label_new(p), x86_64 = label_new(p), allow = label_new(p);
	emit_load(p, offsetof(struct seccomp_data, arch));
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, x86_64, NO_LABEL,
		"AUDIT_ARCH_X86_64");
	emit_ret(p, SECCOMP_RET_KILL_PROCESS, "not x86_64");
	label_place(p, x86_64);
	emit_load(p, offsetof(struct seccomp_data, nr));
	emit(p, BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, NO_LABEL, native, "x32 bit");
	emit_ret(p, SECCOMP_RET_KILL_PROCESS, "x32 or beyond");
	label_place(p, native);

	for (size_t i = 0; i < count; i++) {
		entry[i] = rules[i].action == ACT_ALLOW ? allow : label_new(p);
		emit(p, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)rules[i].nr, entry[i], NO_LABEL,
			rules[i].name);
	}
	emit_ret(p, SECCOMP_RET_USER_NOTIF, "not listed");
	label_place(p, allow);
	emit_ret(p, SECCOMP_RET_ALLOW, "listed");

	for (size_t i = 0; i < count; i++) {
		rule_t const *r = &rules[i];
		if (r->action == ACT_ALLOW)
			continue;
		label_place(p, entry[i]);
		if (r->action == ACT_ERRNO) {
			emit_ret(p, SECCOMP_RET_ERRNO | r->err, r->name);
			continue;
		}
		int deny = label_new(p);
		for (unsigned c = 0; c < r->cond_count; c++)
			emit_cond(p, &r->conds[c], deny);
		emit_ret(p, SECCOMP_RET_ALLOW, r->name);
		label_place(p, deny);
		emit_ret(p, SECCOMP_RET_USER_NOTIF, r->name);
	}
	resolve(p);
}

/* ---- printing ---------------------------------------------------------------------------------- */

static void field_name(uint32_t offset, char *buf, size_t size)
{
	uint32_t const args = offsetof(struct seccomp_data, args);
	if (offset == offsetof(struct seccomp_data, nr))
		snprintf(buf, size, "nr");
	else if (offset == offsetof(struct seccomp_data, arch))
		snprintf(buf, size, "arch");
	else if (offset >= args && offset < args + 48)
		snprintf(buf, size, "args[%u] %s", (offset - args) / 8,
			(offset - args) % 8 ? "high" : "low");
	else
		snprintf(buf, size, "[%u]", offset);
}

static void verdict_name(uint32_t verdict, char *buf, size_t size)
{
	switch (verdict & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW: snprintf(buf, size, "ALLOW"); break;
	case SECCOMP_RET_KILL_PROCESS: snprintf(buf, size, "KILL_PROCESS"); break;
	case SECCOMP_RET_USER_NOTIF: snprintf(buf, size, "USER_NOTIF"); break;
	case SECCOMP_RET_ERRNO: snprintf(buf, size, "ERRNO(%u)", verdict & SECCOMP_RET_DATA); break;
	default: snprintf(buf, size, "0x%08x", verdict); break;
	}
}

/* One instruction as text, jump targets as absolute instruction numbers. */
static void disassemble(slot_t const *s, unsigned pc, char *buf, size_t size)
{
	struct sock_filter const *in = &s->insn;
	char what[32];
	char const *sep = s->note[0] ? "  " : "";
	switch (in->code) {
	case BPF_LD | BPF_W | BPF_ABS:
		field_name(in->k, what, sizeof(what));
		snprintf(buf, size, "ld %s", what);
		break;
	case BPF_ALU | BPF_AND | BPF_K: snprintf(buf, size, "and #0x%x", in->k); break;
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
		snprintf(buf, size, "%s #0x%x ? %u : %u%s%s",
			BPF_OP(in->code) == BPF_JEQ ? "jeq" : "jge", in->k, pc + 1 + in->jt,
			pc + 1 + in->jf, sep, s->note);
		break;
	case BPF_RET | BPF_K:
		verdict_name(in->k, what, sizeof(what));
		snprintf(buf, size, "ret %s%s%s", what, sep, s->note);
		break;
	default: die("%s", "disassembler: unexpected opcode");
	}
}

static void print_cond(FILE *out, cond_t const *c)
{
	if (c->kind == COND_BITS) {
		fprintf(out, "args[%u] within 0x%llx", c->arg, (unsigned long long)c->allowed);
		if (c->required)
			fprintf(out, " containing 0x%llx", (unsigned long long)c->required);
		return;
	}
	if (c->value_count == 1) {
		fprintf(out, "args[%u] == 0x%llx", c->arg, (unsigned long long)c->values[0]);
		return;
	}
	fprintf(out, "args[%u] one of", c->arg);
	for (unsigned i = 0; i < c->value_count; i++)
		fprintf(out, "%s0x%llx", i ? ", " : " ", (unsigned long long)c->values[i]);
}

static void list(prog_t const *p)
{
	printf("policy (platform/linux/seccomp/policy.h), in lookup order:\n");
	printf("  arch other than x86_64            KILL_PROCESS\n");
	printf("  nr >= 0x%x (x32)            KILL_PROCESS\n", __X32_SYSCALL_BIT);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		rule_t const *r = &rules[i];
		char what[32];
		printf("  %-20s %4ld         ", r->name, r->nr);
		if (r->action == ACT_ERRNO) {
			verdict_name(SECCOMP_RET_ERRNO | r->err, what, sizeof(what));
			printf("%s\n", what);
			continue;
		}
		printf("ALLOW");
		for (unsigned c = 0; c < r->cond_count; c++) {
			printf(c ? ", " : " if ");
			print_cond(stdout, &r->conds[c]);
		}
		printf("%s\n", r->cond_count ? " (high halves zero), else USER_NOTIF" : "");
	}
	printf("  anything else                     USER_NOTIF\n\nprogram, %u instructions:\n",
		p->len);
	for (unsigned pc = 0; pc < p->len; pc++) {
		char text[96];
		disassemble(&p->slots[pc], pc, text, sizeof(text));
		printf("  %3u  %s\n", pc, text);
	}
}

static FILE *open_out(char const *path)
{
	FILE *out = fopen(path, "w");
	if (!out)
		die("cannot write %s", path);
	return out;
}

static void close_out(FILE *out, char const *path)
{
	if (ferror(out) || fclose(out) != 0)
		die("error writing %s", path);
}

static void write_filter(prog_t const *p, char const *path)
{
	FILE *out = open_out(path);
	fprintf(out,
		"/* Generated by tool/seccomp-gen from platform/linux/seccomp/policy.h: do not "
		"edit. */\n"
		"/*\n"
		" * The seccomp-bpf allow-list of every component "
		"(platform/linux/seccomp/README.md).\n"
		" * gn_seccomp_insn_t has the layout of Linux's struct sock_filter, so core hands "
		"the\n"
		" * array to seccomp(2) as it is; the constants below are Linux's, for code that "
		"has no\n"
		" * Linux headers.\n"
		" */\n"
		"#ifndef GN_SECCOMP_FILTER_H\n#define GN_SECCOMP_FILTER_H\n\n#include "
		"<stdint.h>\n\n"
		"typedef struct {\n\tuint16_t code;\n\tuint8_t jt;\n\tuint8_t jf;\n\tuint32_t k;\n"
		"} gn_seccomp_insn_t;\n\n");
	fprintf(out, "#define GN_SECCOMP_FILTER_LEN %u\n", p->len);
	fprintf(out, "#define GN_SECCOMP_EXEC_FD %d /* see policy.h: execveat */\n",
		GN_SECCOMP_EXEC_FD);
	fprintf(out, "#define GN_SECCOMP_NR_SECCOMP %d\n", __NR_seccomp);
	fprintf(out, "#define GN_SECCOMP_SET_MODE_FILTER %d\n", SECCOMP_SET_MODE_FILTER);
	fprintf(out, "#define GN_SECCOMP_FILTER_FLAG_NEW_LISTENER %lu\n",
		(unsigned long)SECCOMP_FILTER_FLAG_NEW_LISTENER);
	fprintf(out, "#define GN_SECCOMP_IOCTL_NOTIF_RECV 0x%lxu\n",
		(unsigned long)SECCOMP_IOCTL_NOTIF_RECV);
	fprintf(out, "#define GN_SECCOMP_IOCTL_NOTIF_SEND 0x%lxu\n",
		(unsigned long)SECCOMP_IOCTL_NOTIF_SEND);
	fprintf(out, "#define GN_SECCOMP_NOTIF_SIZE %zu\n", sizeof(struct seccomp_notif));
	fprintf(out, "#define GN_SECCOMP_NOTIF_RESP_SIZE %zu\n", sizeof(struct seccomp_notif_resp));
	fprintf(out, "#define GN_PR_SET_NO_NEW_PRIVS %d\n\n", PR_SET_NO_NEW_PRIVS);
	fprintf(out,
		"static gn_seccomp_insn_t const gn_seccomp_filter[GN_SECCOMP_FILTER_LEN] = {\n");
	for (unsigned pc = 0; pc < p->len; pc++) {
		struct sock_filter const *in = &p->slots[pc].insn;
		char text[96];
		disassemble(&p->slots[pc], pc, text, sizeof(text));
		fprintf(out, "\t{0x%02x, %u, %u, 0x%08x}, /* %3u: %s */\n", in->code, in->jt,
			in->jf, in->k, pc, text);
	}
	fprintf(out, "};\n\n#endif\n");
	close_out(out, path);
}

/* ---- system call names ------------------------------------------------------------------------- */

/*
 * Every x86_64 system call name up to Linux 6.19. Those in Linux 5.10's headers are required; the
 * newer ones count only when the host's headers define them, so the table covers exactly the
 * numbers the host knows.
 */
#define NAME(n) {#n, __NR_##n},
static struct {
	char const *name;
	long nr;
} const known_names[] = {
	/* clang-format off */
	NAME(read) NAME(write) NAME(open) NAME(close) NAME(stat) NAME(fstat) NAME(lstat)
	NAME(poll) NAME(lseek) NAME(mmap) NAME(mprotect) NAME(munmap) NAME(brk) NAME(rt_sigaction)
	NAME(rt_sigprocmask) NAME(rt_sigreturn) NAME(ioctl) NAME(pread64) NAME(pwrite64)
	NAME(readv) NAME(writev) NAME(access) NAME(pipe) NAME(select) NAME(sched_yield)
	NAME(mremap) NAME(msync) NAME(mincore) NAME(madvise) NAME(shmget) NAME(shmat) NAME(shmctl)
	NAME(dup) NAME(dup2) NAME(pause) NAME(nanosleep) NAME(getitimer) NAME(alarm)
	NAME(setitimer) NAME(getpid) NAME(sendfile) NAME(socket) NAME(connect) NAME(accept)
	NAME(sendto) NAME(recvfrom) NAME(sendmsg) NAME(recvmsg) NAME(shutdown) NAME(bind)
	NAME(listen) NAME(getsockname) NAME(getpeername) NAME(socketpair) NAME(setsockopt)
	NAME(getsockopt) NAME(clone) NAME(fork) NAME(vfork) NAME(execve) NAME(exit) NAME(wait4)
	NAME(kill) NAME(uname) NAME(semget) NAME(semop) NAME(semctl) NAME(shmdt) NAME(msgget)
	NAME(msgsnd) NAME(msgrcv) NAME(msgctl) NAME(fcntl) NAME(flock) NAME(fsync) NAME(fdatasync)
	NAME(truncate) NAME(ftruncate) NAME(getdents) NAME(getcwd) NAME(chdir) NAME(fchdir)
	NAME(rename) NAME(mkdir) NAME(rmdir) NAME(creat) NAME(link) NAME(unlink) NAME(symlink)
	NAME(readlink) NAME(chmod) NAME(fchmod) NAME(chown) NAME(fchown) NAME(lchown) NAME(umask)
	NAME(gettimeofday) NAME(getrlimit) NAME(getrusage) NAME(sysinfo) NAME(times) NAME(ptrace)
	NAME(getuid) NAME(syslog) NAME(getgid) NAME(setuid) NAME(setgid) NAME(geteuid)
	NAME(getegid) NAME(setpgid) NAME(getppid) NAME(getpgrp) NAME(setsid) NAME(setreuid)
	NAME(setregid) NAME(getgroups) NAME(setgroups) NAME(setresuid) NAME(getresuid)
	NAME(setresgid) NAME(getresgid) NAME(getpgid) NAME(setfsuid) NAME(setfsgid) NAME(getsid)
	NAME(capget) NAME(capset) NAME(rt_sigpending) NAME(rt_sigtimedwait) NAME(rt_sigqueueinfo)
	NAME(rt_sigsuspend) NAME(sigaltstack) NAME(utime) NAME(mknod) NAME(uselib)
	NAME(personality) NAME(ustat) NAME(statfs) NAME(fstatfs) NAME(sysfs) NAME(getpriority)
	NAME(setpriority) NAME(sched_setparam) NAME(sched_getparam) NAME(sched_setscheduler)
	NAME(sched_getscheduler) NAME(sched_get_priority_max) NAME(sched_get_priority_min)
	NAME(sched_rr_get_interval) NAME(mlock) NAME(munlock) NAME(mlockall) NAME(munlockall)
	NAME(vhangup) NAME(modify_ldt) NAME(pivot_root) NAME(_sysctl) NAME(prctl) NAME(arch_prctl)
	NAME(adjtimex) NAME(setrlimit) NAME(chroot) NAME(sync) NAME(acct) NAME(settimeofday)
	NAME(mount) NAME(umount2) NAME(swapon) NAME(swapoff) NAME(reboot) NAME(sethostname)
	NAME(setdomainname) NAME(iopl) NAME(ioperm) NAME(create_module) NAME(init_module)
	NAME(delete_module) NAME(get_kernel_syms) NAME(query_module) NAME(quotactl)
	NAME(nfsservctl) NAME(getpmsg) NAME(putpmsg) NAME(afs_syscall) NAME(tuxcall)
	NAME(security) NAME(gettid) NAME(readahead) NAME(setxattr) NAME(lsetxattr) NAME(fsetxattr)
	NAME(getxattr) NAME(lgetxattr) NAME(fgetxattr) NAME(listxattr) NAME(llistxattr)
	NAME(flistxattr) NAME(removexattr) NAME(lremovexattr) NAME(fremovexattr) NAME(tkill)
	NAME(time) NAME(futex) NAME(sched_setaffinity) NAME(sched_getaffinity)
	NAME(set_thread_area) NAME(io_setup) NAME(io_destroy) NAME(io_getevents) NAME(io_submit)
	NAME(io_cancel) NAME(get_thread_area) NAME(lookup_dcookie) NAME(epoll_create)
	NAME(epoll_ctl_old) NAME(epoll_wait_old) NAME(remap_file_pages) NAME(getdents64)
	NAME(set_tid_address) NAME(restart_syscall) NAME(semtimedop) NAME(fadvise64)
	NAME(timer_create) NAME(timer_settime) NAME(timer_gettime) NAME(timer_getoverrun)
	NAME(timer_delete) NAME(clock_settime) NAME(clock_gettime) NAME(clock_getres)
	NAME(clock_nanosleep) NAME(exit_group) NAME(epoll_wait) NAME(epoll_ctl) NAME(tgkill)
	NAME(utimes) NAME(vserver) NAME(mbind) NAME(set_mempolicy) NAME(get_mempolicy)
	NAME(mq_open) NAME(mq_unlink) NAME(mq_timedsend) NAME(mq_timedreceive) NAME(mq_notify)
	NAME(mq_getsetattr) NAME(kexec_load) NAME(waitid) NAME(add_key) NAME(request_key)
	NAME(keyctl) NAME(ioprio_set) NAME(ioprio_get) NAME(inotify_init) NAME(inotify_add_watch)
	NAME(inotify_rm_watch) NAME(migrate_pages) NAME(openat) NAME(mkdirat) NAME(mknodat)
	NAME(fchownat) NAME(futimesat) NAME(newfstatat) NAME(unlinkat) NAME(renameat) NAME(linkat)
	NAME(symlinkat) NAME(readlinkat) NAME(fchmodat) NAME(faccessat) NAME(pselect6) NAME(ppoll)
	NAME(unshare) NAME(set_robust_list) NAME(get_robust_list) NAME(splice) NAME(tee)
	NAME(sync_file_range) NAME(vmsplice) NAME(move_pages) NAME(utimensat) NAME(epoll_pwait)
	NAME(signalfd) NAME(timerfd_create) NAME(eventfd) NAME(fallocate) NAME(timerfd_settime)
	NAME(timerfd_gettime) NAME(accept4) NAME(signalfd4) NAME(eventfd2) NAME(epoll_create1)
	NAME(dup3) NAME(pipe2) NAME(inotify_init1) NAME(preadv) NAME(pwritev)
	NAME(rt_tgsigqueueinfo) NAME(perf_event_open) NAME(recvmmsg) NAME(fanotify_init)
	NAME(fanotify_mark) NAME(prlimit64) NAME(name_to_handle_at) NAME(open_by_handle_at)
	NAME(clock_adjtime) NAME(syncfs) NAME(sendmmsg) NAME(setns) NAME(getcpu)
	NAME(process_vm_readv) NAME(process_vm_writev) NAME(kcmp) NAME(finit_module)
	NAME(sched_setattr) NAME(sched_getattr) NAME(renameat2) NAME(seccomp) NAME(getrandom)
	NAME(memfd_create) NAME(kexec_file_load) NAME(bpf) NAME(execveat) NAME(userfaultfd)
	NAME(membarrier) NAME(mlock2) NAME(copy_file_range) NAME(preadv2) NAME(pwritev2)
	NAME(pkey_mprotect) NAME(pkey_alloc) NAME(pkey_free) NAME(statx) NAME(io_pgetevents)
	NAME(rseq) NAME(pidfd_send_signal) NAME(io_uring_setup) NAME(io_uring_enter)
	NAME(io_uring_register) NAME(open_tree) NAME(move_mount) NAME(fsopen) NAME(fsconfig)
	NAME(fsmount) NAME(fspick) NAME(pidfd_open) NAME(clone3) NAME(close_range) NAME(openat2)
	NAME(pidfd_getfd) NAME(faccessat2) NAME(process_madvise)
#ifdef __NR_epoll_pwait2
	NAME(epoll_pwait2)
#endif
#ifdef __NR_mount_setattr
	NAME(mount_setattr)
#endif
#if defined(__NR_quotactl_fd)
	NAME(quotactl_fd)
#elif defined(__NR_quotactl_path) /* 443 in Linux 5.13 only */
	NAME(quotactl_path)
#endif
#ifdef __NR_landlock_create_ruleset
	NAME(landlock_create_ruleset)
#endif
#ifdef __NR_landlock_add_rule
	NAME(landlock_add_rule)
#endif
#ifdef __NR_landlock_restrict_self
	NAME(landlock_restrict_self)
#endif
#ifdef __NR_memfd_secret
	NAME(memfd_secret)
#endif
#ifdef __NR_process_mrelease
	NAME(process_mrelease)
#endif
#ifdef __NR_futex_waitv
	NAME(futex_waitv)
#endif
#ifdef __NR_set_mempolicy_home_node
	NAME(set_mempolicy_home_node)
#endif
#ifdef __NR_cachestat
	NAME(cachestat)
#endif
#ifdef __NR_fchmodat2
	NAME(fchmodat2)
#endif
#ifdef __NR_map_shadow_stack
	NAME(map_shadow_stack)
#endif
#ifdef __NR_futex_wake
	NAME(futex_wake)
#endif
#ifdef __NR_futex_wait
	NAME(futex_wait)
#endif
#ifdef __NR_futex_requeue
	NAME(futex_requeue)
#endif
#ifdef __NR_statmount
	NAME(statmount)
#endif
#ifdef __NR_listmount
	NAME(listmount)
#endif
#ifdef __NR_lsm_get_self_attr
	NAME(lsm_get_self_attr)
#endif
#ifdef __NR_lsm_set_self_attr
	NAME(lsm_set_self_attr)
#endif
#ifdef __NR_lsm_list_modules
	NAME(lsm_list_modules)
#endif
#ifdef __NR_mseal
	NAME(mseal)
#endif
#ifdef __NR_setxattrat
	NAME(setxattrat)
#endif
#ifdef __NR_getxattrat
	NAME(getxattrat)
#endif
#ifdef __NR_listxattrat
	NAME(listxattrat)
#endif
#ifdef __NR_removexattrat
	NAME(removexattrat)
#endif
#ifdef __NR_open_tree_attr
	NAME(open_tree_attr)
#endif
#ifdef __NR_file_getattr
	NAME(file_getattr)
#endif
#ifdef __NR_file_setattr
	NAME(file_setattr)
#endif
#ifdef __NR_listns
	NAME(listns)
#endif
	/* clang-format on */
};

enum {
	FIRST_UNUSED = 335,
	FIRST_AFTER_UNUSED = 424
}; /* x86_64 skips 335..423 */

static void write_names(char const *path)
{
	size_t const count = sizeof(known_names) / sizeof(known_names[0]);
	char const *by_nr[1024] = {0};
	long max = -1;

	for (size_t i = 0; i < count; i++) {
		long nr = known_names[i].nr;
		if (nr < 0 || nr >= 1024 || by_nr[nr])
			die("%s: number out of range or taken twice", known_names[i].name);
		by_nr[nr] = known_names[i].name;
		max = nr > max ? nr : max;
	}
	for (long nr = 0; nr <= max; nr++)
		if (!by_nr[nr] && (nr < FIRST_UNUSED || nr >= FIRST_AFTER_UNUSED))
			die("%s", "a number without a name: the name list misses a system call");

	FILE *out = open_out(path);
	fprintf(out,
		"/* Generated by tool/seccomp-gen from the host's <asm/unistd_64.h>: do not edit. "
		"*/\n"
		"/* x86_64 system call names by number; NULL where the number is unused. */\n"
		"#ifndef GN_SYSCALL_NAMES_H\n#define GN_SYSCALL_NAMES_H\n\n"
		"#include <stddef.h>\n#include <stdint.h>\n\n"
		"#define GN_SYSCALL_NAMES_LEN %ld\n\n"
		"static char const *const gn_syscall_names[GN_SYSCALL_NAMES_LEN] = {\n",
		max + 1);
	for (long nr = 0; nr <= max; nr++)
		if (by_nr[nr])
			fprintf(out, "\t[%ld] = \"%s\",\n", nr, by_nr[nr]);
	fprintf(out, "};\n\n"
		     "/* The name of system call `nr`, NULL if the build host's headers did not "
		     "know it. */\n"
		     "static inline char const *gn_syscall_name(uint32_t nr)\n{\n"
		     "\treturn nr < GN_SYSCALL_NAMES_LEN ? gn_syscall_names[nr] : NULL;\n}\n\n"
		     "#endif\n");
	close_out(out, path);
}

/* ---- main -------------------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: seccomp-gen FILTER.h | --names NAMES.h | --list\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static prog_t prog;

	check_policy();
	build(&prog);
	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		list(&prog);
	else if (argc == 3 && strcmp(argv[1], "--names") == 0)
		write_names(argv[2]);
	else if (argc == 2 && argv[1][0] != '-')
		write_filter(&prog, argv[1]);
	else
		usage();
	return 0;
}
