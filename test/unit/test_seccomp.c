/*
 * The seccomp allow-list of Linux components (platform/linux/seccomp/).
 *
 * The generated program runs in test/unit/bpf_interp.c over every system call number of x86_64,
 * x32 and i386 and over argument variations of the argument-checked calls; the verdicts must match
 * test/unit/seccomp_golden.txt line by line. Spot checks that do not trust the golden table guard
 * against blessing a wrong policy with GOLDEN_UPDATE=1 (which rewrites the table instead of
 * comparing). Then the kernel runs the real filter in forked children: allowed calls work, denied
 * ones reach the listener, x32 numbers kill, and without a listener a denied call fails.
 *
 * The generated headers (seccomp_filter.h, syscall_names.h) come from build/linux/gen/ through the
 * include path; a missing one fails the test headers_generated, and the tests needing it are left
 * out.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>

#include "bpf_interp.h"

#if __has_include("seccomp_filter.h")
#include "seccomp_filter.h"
#define FILTER_GENERATED 1
#else
#define FILTER_GENERATED 0
#endif
#if __has_include("syscall_names.h")
#include "syscall_names.h"
#define NAMES_GENERATED 1
#else
#define NAMES_GENERATED 0
#endif

/* ---- the interpreter itself --------------------------------------------------------------------- */

#define STMT(code, k)                       \
	{                                   \
		(uint16_t)(code), 0, 0, (k) \
	}
#define JUMP(code, k, jt, jf)                     \
	{                                         \
		(uint16_t)(code), (jt), (jf), (k) \
	}

typedef struct {
	char const *what;
	bpf_interp_insn_t prog[16];
	size_t len;
	uint32_t expected;
} sample_t;

/* Data for the samples: nr 5, arch 0xc000003e, args[0] 0x1122334455667788. */
static void sample_data(struct seccomp_data *d)
{
	memset(d, 0, sizeof(*d));
	d->nr = 5;
	d->arch = AUDIT_ARCH_X86_64;
	d->args[0] = 0x1122334455667788ull;
}

static void interp_runs_programs(void **state)
{
	(void)state;
	static sample_t const samples[] = {
		{"ret k", {STMT(BPF_RET | BPF_K, 42)}, 1, 42},
		{"jeq taken",
			{STMT(BPF_LD | BPF_W | BPF_ABS, 0),
				JUMP(BPF_JMP | BPF_JEQ | BPF_K, 5, 0, 1), STMT(BPF_RET | BPF_K, 1),
				STMT(BPF_RET | BPF_K, 2)},
			4, 1},
		{"jeq not taken",
			{STMT(BPF_LD | BPF_W | BPF_ABS, 0),
				JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 0, 1), STMT(BPF_RET | BPF_K, 1),
				STMT(BPF_RET | BPF_K, 2)},
			4, 2},
		{"native-endian halves",
			{STMT(BPF_LD | BPF_W | BPF_ABS, 16), STMT(BPF_MISC | BPF_TAX, 0),
				STMT(BPF_LD | BPF_W | BPF_ABS, 20),
				STMT(BPF_ALU | BPF_XOR | BPF_X, 0), STMT(BPF_RET | BPF_A, 0)},
			5, 0x55667788u ^ 0x11223344u},
		{"alu with constants",
			{STMT(BPF_LD | BPF_IMM, 10), STMT(BPF_ALU | BPF_ADD | BPF_K, 5),
				STMT(BPF_ALU | BPF_SUB | BPF_K, 3),
				STMT(BPF_ALU | BPF_MUL | BPF_K, 4),
				STMT(BPF_ALU | BPF_DIV | BPF_K, 6),
				STMT(BPF_ALU | BPF_OR | BPF_K, 0x10),
				STMT(BPF_ALU | BPF_AND | BPF_K, 0x1c),
				STMT(BPF_ALU | BPF_XOR | BPF_K, 0xff),
				STMT(BPF_ALU | BPF_LSH | BPF_K, 4),
				STMT(BPF_ALU | BPF_RSH | BPF_K, 8), STMT(BPF_ALU | BPF_NEG, 0),
				STMT(BPF_RET | BPF_A, 0)},
			12, 0xfffffff2u},
		{"alu with X, shift count masked",
			{STMT(BPF_LDX | BPF_IMM, 33), STMT(BPF_LD | BPF_IMM, 3),
				STMT(BPF_ALU | BPF_LSH | BPF_X, 0), STMT(BPF_LDX | BPF_IMM, 2),
				STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
				STMT(BPF_ALU | BPF_MUL | BPF_X, 0),
				STMT(BPF_ALU | BPF_SUB | BPF_X, 0),
				STMT(BPF_ALU | BPF_DIV | BPF_X, 0), STMT(BPF_RET | BPF_A, 0)},
			9, 7},
		{"scratch memory, unwritten words read 0",
			{STMT(BPF_LD | BPF_IMM, 7), STMT(BPF_ST, 3), STMT(BPF_LDX | BPF_MEM, 3),
				STMT(BPF_LD | BPF_MEM, 15), STMT(BPF_ALU | BPF_ADD | BPF_X, 0),
				STMT(BPF_STX, 15), STMT(BPF_LD | BPF_MEM, 15),
				STMT(BPF_RET | BPF_A, 0)},
			8, 7},
		{"lengths and txa",
			{STMT(BPF_LDX | BPF_W | BPF_LEN, 0), STMT(BPF_MISC | BPF_TXA, 0),
				STMT(BPF_LD | BPF_W | BPF_LEN, 0),
				STMT(BPF_ALU | BPF_ADD | BPF_X, 0), STMT(BPF_RET | BPF_A, 0)},
			5, 2 * sizeof(struct seccomp_data)},
		{"jgt, jge, jset with K",
			{STMT(BPF_LD | BPF_IMM, 8), JUMP(BPF_JMP | BPF_JGT | BPF_K, 8, 4, 0),
				JUMP(BPF_JMP | BPF_JGE | BPF_K, 8, 0, 3),
				JUMP(BPF_JMP | BPF_JSET | BPF_K, 4, 2, 0),
				JUMP(BPF_JMP | BPF_JSET | BPF_K, 8, 0, 1), STMT(BPF_RET | BPF_K, 1),
				STMT(BPF_RET | BPF_K, 0)},
			7, 1},
		{"jgt, jeq, jset with X",
			{STMT(BPF_LDX | BPF_IMM, 3), STMT(BPF_LD | BPF_IMM, 4),
				JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 3),
				JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 2, 0),
				JUMP(BPF_JMP | BPF_JSET | BPF_X, 0, 1, 0), STMT(BPF_RET | BPF_K, 1),
				STMT(BPF_RET | BPF_K, 0)},
			7, 1},
		{"ja skips",
			{STMT(BPF_JMP | BPF_JA, 1), STMT(BPF_RET | BPF_K, 1),
				STMT(BPF_RET | BPF_K, 2)},
			3, 2},
		{"division by X = 0 returns 0",
			{STMT(BPF_LD | BPF_IMM, 9), STMT(BPF_LDX | BPF_IMM, 0),
				STMT(BPF_ALU | BPF_DIV | BPF_X, 0), STMT(BPF_RET | BPF_K, 77)},
			4, 0},
	};
	struct seccomp_data d;
	sample_data(&d);
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		uint32_t verdict = 0xdeadbeef;
		bpf_interp_err_t err =
			bpf_interp_run(samples[i].prog, samples[i].len, &d, sizeof(d), &verdict);
		if (err != BPF_INTERP_OK || verdict != samples[i].expected)
			fail_msg("%s: %s, verdict 0x%x, expected 0x%x", samples[i].what,
				bpf_interp_err_name(err), verdict, samples[i].expected);
	}
}

typedef struct {
	bpf_interp_insn_t insn;
	bpf_interp_err_t expected;
} bad_insn_t;

static void interp_rejects_programs(void **state)
{
	(void)state;
	/* Each is followed by `ret 0`, so only the instruction itself can be at fault. */
	static bad_insn_t const bad[] = {
		{STMT(BPF_LD | BPF_H | BPF_ABS, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_LD | BPF_B | BPF_ABS, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_LD | BPF_W | BPF_IND, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_LDX | BPF_B | BPF_MSH, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_ALU | BPF_MOD | BPF_K, 3), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_ALU | BPF_NEG | BPF_X, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_JMP | 0x60, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_MISC | 0x40, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(0x100 | BPF_RET | BPF_K, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(0x100 | BPF_ALU | BPF_ADD | BPF_K, 0), BPF_INTERP_ERR_OPCODE},
		{STMT(BPF_LD | BPF_W | BPF_ABS, 2), BPF_INTERP_ERR_LOAD},
		{STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)), BPF_INTERP_ERR_LOAD},
		{STMT(BPF_LD | BPF_W | BPF_ABS, 0xfffffffc), BPF_INTERP_ERR_LOAD},
		{STMT(BPF_ST, BPF_INTERP_MEM_WORDS), BPF_INTERP_ERR_MEM},
		{STMT(BPF_STX, BPF_INTERP_MEM_WORDS), BPF_INTERP_ERR_MEM},
		{STMT(BPF_LD | BPF_MEM, BPF_INTERP_MEM_WORDS), BPF_INTERP_ERR_MEM},
		{STMT(BPF_LDX | BPF_MEM, BPF_INTERP_MEM_WORDS), BPF_INTERP_ERR_MEM},
		{STMT(BPF_ALU | BPF_DIV | BPF_K, 0), BPF_INTERP_ERR_CONSTANT},
		{STMT(BPF_ALU | BPF_LSH | BPF_K, 32), BPF_INTERP_ERR_CONSTANT},
		{STMT(BPF_ALU | BPF_RSH | BPF_K, 32), BPF_INTERP_ERR_CONSTANT},
		{JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), BPF_INTERP_ERR_JUMP},
		{JUMP(BPF_JMP | BPF_JGE | BPF_X, 0, 0, 1), BPF_INTERP_ERR_JUMP},
		{STMT(BPF_JMP | BPF_JA, 1), BPF_INTERP_ERR_JUMP},
		{STMT(BPF_JMP | BPF_JA, 0xffffffff), BPF_INTERP_ERR_JUMP},
	};
	size_t const data_size = sizeof(struct seccomp_data);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bpf_interp_insn_t prog[2] = {bad[i].insn, STMT(BPF_RET | BPF_K, 0)};
		uint32_t verdict = 0xdeadbeef;
		bpf_interp_err_t err = bpf_interp_run(prog, 2, prog, data_size, &verdict);
		if (err != bad[i].expected || verdict != 0xdeadbeef)
			fail_msg("instruction %zu (code 0x%x k 0x%x): %s, expected %s", i,
				bad[i].insn.code, bad[i].insn.k, bpf_interp_err_name(err),
				bpf_interp_err_name(bad[i].expected));
	}

	/* The boundaries that must still pass. */
	bpf_interp_insn_t edge[3] = {STMT(BPF_LD | BPF_W | BPF_ABS, data_size - 4),
		JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), STMT(BPF_RET | BPF_K, 0)};
	assert_int_equal(bpf_interp_check(edge, 3, data_size), BPF_INTERP_OK);
	edge[0] = (bpf_interp_insn_t)STMT(BPF_ST, BPF_INTERP_MEM_WORDS - 1);
	assert_int_equal(bpf_interp_check(edge, 3, data_size), BPF_INTERP_OK);
	edge[0] = (bpf_interp_insn_t)STMT(BPF_JMP | BPF_JA, 1);
	assert_int_equal(bpf_interp_check(edge, 3, data_size), BPF_INTERP_OK);
	edge[1] = (bpf_interp_insn_t)JUMP(BPF_JMP | BPF_JSET | BPF_K, 0, 1, 0);
	assert_int_equal(bpf_interp_check(edge, 3, data_size), BPF_INTERP_ERR_JUMP);

	/* Length and the final return. */
	static bpf_interp_insn_t big[BPF_INTERP_MAX_INSNS + 1];
	for (size_t i = 0; i < BPF_INTERP_MAX_INSNS + 1; i++)
		big[i] = (bpf_interp_insn_t)STMT(BPF_RET | BPF_K, 0);
	assert_int_equal(bpf_interp_check(big, 0, data_size), BPF_INTERP_ERR_LENGTH);
	assert_int_equal(bpf_interp_check(big, BPF_INTERP_MAX_INSNS, data_size), BPF_INTERP_OK);
	assert_int_equal(
		bpf_interp_check(big, BPF_INTERP_MAX_INSNS + 1, data_size), BPF_INTERP_ERR_LENGTH);
	bpf_interp_insn_t no_ret[1] = {STMT(BPF_LD | BPF_IMM, 0)};
	assert_int_equal(bpf_interp_check(no_ret, 1, data_size), BPF_INTERP_ERR_NO_RET);

	assert_string_equal(bpf_interp_err_name(BPF_INTERP_ERR_JUMP), "JUMP");
	assert_string_equal(bpf_interp_err_name(BPF_INTERP_ERR_NO_RET), "NO_RET");
	assert_string_equal(bpf_interp_err_name((bpf_interp_err_t)99), "UNKNOWN");
}

#if FILTER_GENERATED

/* ---- the generated program in the interpreter -------------------------------------------------- */

enum {
	X32_BIT = 0x40000000,
	TIMEOUT_MS = 5000,
	LINE_SIZE = 160,
	MAX_DIFFS = 40,
};

#define PTR 0x00007ffd12345000ull /* an address: the high half of unchecked arguments is free */
#define HIGH (1ull << 32)
#define ALL ~0ull
#define THREAD_FLAGS                                                                        \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
		CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define RW (PROT_READ | PROT_WRITE)

typedef struct {
	uint32_t arch;
	uint32_t nr;
	uint64_t args[6];
} call_t;

#define X64(nr, ...)                     \
	{                                \
		AUDIT_ARCH_X86_64, (nr), \
		{                        \
			__VA_ARGS__      \
		}                        \
	}

static void copy_filter(bpf_interp_insn_t prog[GN_SECCOMP_FILTER_LEN])
{
	for (size_t i = 0; i < GN_SECCOMP_FILTER_LEN; i++)
		prog[i] = (bpf_interp_insn_t){gn_seccomp_filter[i].code, gn_seccomp_filter[i].jt,
			gn_seccomp_filter[i].jf, gn_seccomp_filter[i].k};
}

static uint32_t verdict_of(bpf_interp_insn_t const *prog, call_t const *c)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = (int)c->nr;
	d.arch = c->arch;
	memcpy(d.args, c->args, sizeof(d.args));
	uint32_t verdict = 0;
	bpf_interp_err_t err = bpf_interp_run(prog, GN_SECCOMP_FILTER_LEN, &d, sizeof(d), &verdict);
	if (err != BPF_INTERP_OK)
		fail_msg("the generated filter does not run: %s", bpf_interp_err_name(err));
	return verdict;
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

/* `arch nr args[0..5] -> verdict`, the golden table's line for one call. */
static void format_case(call_t const *c, uint32_t verdict, char *buf, size_t size)
{
	char v[24];
	int n = c->arch == AUDIT_ARCH_X86_64 ? snprintf(buf, size, "x86_64")
		: c->arch == AUDIT_ARCH_I386 ? snprintf(buf, size, "i386")
					     : snprintf(buf, size, "arch=0x%08x", c->arch);
	n += snprintf(buf + n, size - (size_t)n, c->nr < 0x10000 ? " %u" : " 0x%x", c->nr);
	for (int i = 0; i < 6; i++)
		n += snprintf(buf + n, size - (size_t)n, " %#llx", (unsigned long long)c->args[i]);
	verdict_name(verdict, v, sizeof(v));
	snprintf(buf + n, size - (size_t)n, " -> %s", v);
}

/* Argument variations of the checked calls: each allowed combination and denied neighbours. */
static call_t const variations[] = {
	/* sendmsg(fd, msg, flags): MSG_NOSIGNAL required, MSG_DONTWAIT optional */
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL),
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL | MSG_DONTWAIT),
	X64(SYS_sendmsg, ALL, ALL, MSG_NOSIGNAL, ALL, ALL, ALL),
	X64(SYS_sendmsg, 3, PTR, 0),
	X64(SYS_sendmsg, 3, PTR, MSG_DONTWAIT),
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL | MSG_OOB),
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL | MSG_DONTWAIT | MSG_MORE),
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL | MSG_CMSG_CLOEXEC),
	X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL | HIGH),
	X64(SYS_sendmsg, 3, PTR, ALL),
	/* mmap(addr, len, prot, flags, fd, off): the allowed grid is added by add_mmap_grid() */
	X64(SYS_mmap, ALL, ALL, RW, MAP_SHARED, ALL, ALL),
	X64(SYS_mmap, PTR, 0x1000, PROT_EXEC, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, PROT_READ | PROT_EXEC, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW | PROT_EXEC, MAP_SHARED | MAP_POPULATE, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, PROT_READ | HIGH, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, HIGH, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, PROT_READ | 0x8, MAP_SHARED, 3, 0), /* PROT_SEM */
	X64(SYS_mmap, PTR, 0x1000, RW | PROT_GROWSDOWN, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW | PROT_GROWSUP, MAP_SHARED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_PRIVATE, 3, 0),
	X64(SYS_mmap, 0, 0x1000, RW, MAP_PRIVATE | MAP_ANONYMOUS, ALL, 0),
	X64(SYS_mmap, 0, 0x1000, RW, MAP_SHARED | MAP_ANONYMOUS, ALL, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_FIXED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_FIXED | MAP_FIXED_NOREPLACE, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED_VALIDATE, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED_VALIDATE | MAP_SYNC, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | HIGH, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_POPULATE | HIGH, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_POPULATE, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, 0, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_NORESERVE, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_LOCKED, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_32BIT, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_GROWSDOWN, 3, 0),
	X64(SYS_mmap, PTR, 0x1000, RW, MAP_SHARED | MAP_HUGETLB, 3, 0),
	/* mprotect(addr, len, prot) */
	X64(SYS_mprotect, PTR, 0x1000, 0),
	X64(SYS_mprotect, PTR, 0x1000, PROT_READ),
	X64(SYS_mprotect, PTR, 0x1000, PROT_WRITE),
	X64(SYS_mprotect, ALL, ALL, RW, ALL, ALL, ALL),
	X64(SYS_mprotect, PTR, 0x1000, PROT_EXEC),
	X64(SYS_mprotect, PTR, 0x1000, PROT_READ | PROT_EXEC),
	X64(SYS_mprotect, PTR, 0x1000, RW | PROT_EXEC),
	X64(SYS_mprotect, PTR, 0x1000, HIGH),
	X64(SYS_mprotect, PTR, 0x1000, PROT_READ | HIGH),
	X64(SYS_mprotect, PTR, 0x1000, RW | PROT_GROWSDOWN),
	X64(SYS_mprotect, PTR, 0x1000, RW | PROT_GROWSUP),
	/* clone(flags, stack, parent_tid, child_tid, tls) */
	X64(SYS_clone, THREAD_FLAGS, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS, ALL, ALL, ALL, ALL, ALL),
	X64(SYS_clone, THREAD_FLAGS | SIGCHLD, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS & ~(uint64_t)CLONE_THREAD, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS & ~(uint64_t)CLONE_VM, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS & ~(uint64_t)CLONE_SETTLS, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_NEWUSER, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_NEWPID, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_PTRACE, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_UNTRACED, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_VFORK, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_PIDFD, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | CLONE_IO, PTR, PTR, PTR, PTR),
	X64(SYS_clone, THREAD_FLAGS | HIGH, PTR, PTR, PTR, PTR), /* CLONE_CLEAR_SIGHAND */
	X64(SYS_clone, THREAD_FLAGS | (ALL << 32), PTR, PTR, PTR, PTR),
	X64(SYS_clone, SIGCHLD, 0, 0, 0, 0),
	X64(SYS_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, PTR, 0, 0, 0),
	X64(SYS_clone, 0, 0, 0, 0, 0),
	/* sched_setaffinity(pid, len, mask): the calling thread only */
	X64(SYS_sched_setaffinity, 0, 128, PTR),
	X64(SYS_sched_setaffinity, 0, ALL, ALL, ALL, ALL, ALL),
	X64(SYS_sched_setaffinity, 1, 128, PTR),
	X64(SYS_sched_setaffinity, 2, 128, PTR),
	X64(SYS_sched_setaffinity, ALL, 128, PTR),
	X64(SYS_sched_setaffinity, HIGH, 128, PTR),
	/* socketpair(domain, type, protocol, sv) */
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, 0, ALL, ALL, ALL),
	X64(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, PTR),
	X64(SYS_socketpair, AF_INET, SOCK_SEQPACKET, 0, PTR),
	X64(SYS_socketpair, AF_NETLINK, SOCK_SEQPACKET, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, 1, PTR),
	X64(SYS_socketpair, AF_UNIX | HIGH, SOCK_SEQPACKET, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | HIGH, 0, PTR),
	X64(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET, HIGH, PTR),
	/* execveat(dirfd, path, argv, envp, flags) */
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD, ALL, ALL, ALL, AT_EMPTY_PATH, ALL),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD - 1, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD + 1, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, 3, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, (uint64_t)(int64_t)AT_FDCWD, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD | HIGH, PTR, PTR, PTR, AT_EMPTY_PATH),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD, PTR, PTR, PTR, 0),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD, PTR, PTR, PTR, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW),
	X64(SYS_execveat, GN_SECCOMP_EXEC_FD, PTR, PTR, PTR, AT_EMPTY_PATH | HIGH),
	/* arch_prctl(code, addr) */
	X64(SYS_arch_prctl, ARCH_SET_FS, PTR),
	X64(SYS_arch_prctl, ARCH_SET_FS, ALL, ALL, ALL, ALL, ALL),
	X64(SYS_arch_prctl, ARCH_GET_FS, PTR),
	X64(SYS_arch_prctl, ARCH_SET_GS, PTR),
	X64(SYS_arch_prctl, ARCH_GET_GS, PTR),
	X64(SYS_arch_prctl, ARCH_SET_CPUID, 0),
	X64(SYS_arch_prctl, ARCH_MAP_VDSO_64, PTR),
	X64(SYS_arch_prctl, ARCH_SET_FS | HIGH, PTR),
	/* futex(addr, op, val, timeout, addr2, val3): wait and wake only */
	X64(SYS_futex, PTR, FUTEX_WAIT, 1, PTR),
	X64(SYS_futex, PTR, FUTEX_WAKE, 1),
	X64(SYS_futex, PTR, FUTEX_WAIT_PRIVATE, 1, PTR),
	X64(SYS_futex, ALL, FUTEX_WAKE_PRIVATE, ALL, ALL, ALL, ALL),
	X64(SYS_futex, PTR, FUTEX_FD, 1),
	X64(SYS_futex, PTR, FUTEX_REQUEUE, 1, 1, PTR),
	X64(SYS_futex, PTR, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, PTR, 0),
	X64(SYS_futex, PTR, FUTEX_WAKE_OP_PRIVATE, 1, 1, PTR, 0),
	X64(SYS_futex, PTR, FUTEX_LOCK_PI_PRIVATE, 0, PTR),
	X64(SYS_futex, PTR, FUTEX_WAIT_BITSET_PRIVATE, 1, PTR, 0, ALL),
	X64(SYS_futex, PTR, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 1, PTR, PTR),
	X64(SYS_futex, PTR, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, PTR),
	X64(SYS_futex, PTR, FUTEX_WAKE_PRIVATE | HIGH, 1),
	/* clone3 fails with ENOSYS whatever its arguments */
	X64(SYS_clone3, PTR, 88),
	X64(SYS_clone3, ALL, ALL, ALL, ALL, ALL, ALL),
	/* unconditional calls ignore their arguments */
	X64(SYS_read, ALL, ALL, ALL, ALL, ALL, ALL),
	X64(SYS_write, ALL, ALL, ALL, ALL, ALL, ALL),
	X64(SYS_recvmsg, 3, PTR, ALL),
	X64(SYS_ppoll, PTR, 2, PTR, PTR, 8),
	/* numbers and architectures at the edges */
	X64(0x3fffffff, 0),
	X64(0x7fffffff, 0),
	X64(0x80000000, 0),
	X64(0xffffffff, 0),
	{AUDIT_ARCH_AARCH64, 63, {3, PTR, 8}}, /* read on arm64 */
	{AUDIT_ARCH_AARCH64, 0, {0}},
	{AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT, 0, {0}},
	{0, 0, {0}},
};

typedef struct {
	char (*lines)[LINE_SIZE];
	unsigned *line_no; /* of each line in its file; 0 for generated lines */
	size_t count, cap;
} lines_t;

static char *push_line(lines_t *l, unsigned line_no)
{
	if (l->count == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->lines = realloc(l->lines, l->cap * sizeof(*l->lines));
		l->line_no = realloc(l->line_no, l->cap * sizeof(*l->line_no));
		assert_non_null(l->lines);
		assert_non_null(l->line_no);
	}
	l->line_no[l->count] = line_no;
	return l->lines[l->count++];
}

static void lines_free(lines_t *l)
{
	free(l->lines);
	free(l->line_no);
}

static void add_line(lines_t *l, bpf_interp_insn_t const *prog, call_t const *c)
{
	format_case(c, verdict_of(prog, c), push_line(l, 0), LINE_SIZE);
}

static void add_mmap_grid(lines_t *l, bpf_interp_insn_t const *prog)
{
	static uint64_t const prots[] = {0, PROT_READ, PROT_WRITE, RW};
	static uint64_t const flags[] = {MAP_SHARED, MAP_SHARED | MAP_POPULATE,
		MAP_SHARED | MAP_FIXED_NOREPLACE, MAP_SHARED | MAP_POPULATE | MAP_FIXED_NOREPLACE};
	for (size_t p = 0; p < 4; p++)
		for (size_t f = 0; f < 4; f++) {
			call_t c = X64(SYS_mmap, PTR, 0x1000, prots[p], flags[f], 3, 0x2000);
			add_line(l, prog, &c);
		}
}

/* Every case of the golden table, in its order. */
static void all_cases(lines_t *l)
{
	bpf_interp_insn_t prog[GN_SECCOMP_FILTER_LEN];
	copy_filter(prog);
	for (uint32_t nr = 0; nr < 1024; nr++)
		add_line(l, prog, &(call_t){AUDIT_ARCH_X86_64, nr, {0}});
	for (uint32_t nr = 0; nr < 1024; nr++)
		add_line(l, prog, &(call_t){AUDIT_ARCH_X86_64, nr | X32_BIT, {0}});
	for (uint32_t nr = 0; nr < 512; nr++)
		add_line(l, prog, &(call_t){AUDIT_ARCH_I386, nr, {0}});
	add_mmap_grid(l, prog);
	for (size_t i = 0; i < sizeof(variations) / sizeof(variations[0]); i++)
		add_line(l, prog, &variations[i]);
}

/* test/unit/seccomp_golden.txt, found next to this source file. */
static void golden_path(char *buf, size_t size)
{
	char const *slash = strrchr(__FILE__, '/');
	int dir = slash ? (int)(slash - __FILE__ + 1) : 0;
	snprintf(buf, size, "%.*sseccomp_golden.txt", dir, __FILE__);
}

static void write_golden(char const *path, lines_t const *l)
{
	FILE *f = fopen(path, "w");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	fprintf(f,
		"# Verdicts of the generated seccomp filter (platform/linux/seccomp/policy.h),\n"
		"# compared case by case by test/unit/test_seccomp.c. After a deliberate policy\n"
		"# change regenerate with `GOLDEN_UPDATE=1 build/host/test/test_seccomp` and\n"
		"# review the diff. Line: arch nr args[0] .. args[5] -> verdict.\n");
	for (size_t i = 0; i < l->count; i++)
		fprintf(f, "%s\n", l->lines[i]);
	assert_int_equal(fclose(f), 0);
	print_message("GOLDEN_UPDATE: wrote %zu cases to %s\n", l->count, path);
}

/* Reads the table's case lines (not comments), remembering each one's line number. */
static void read_golden(char const *path, lines_t *l)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg(
			"cannot read %s (%s): run from the repository root", path, strerror(errno));
	char buf[LINE_SIZE];
	unsigned no = 0;
	while (fgets(buf, sizeof(buf), f)) {
		no++;
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] != '#' && buf[0] != '\0')
			memcpy(push_line(l, no), buf, LINE_SIZE);
	}
	fclose(f);
}

/* A case's key is its line up to the verdict; equal keys order by the whole line. */
static size_t key_len(char const *line)
{
	char const *arrow = strstr(line, " -> ");
	return arrow ? (size_t)(arrow - line) : strlen(line);
}

static int compare_keys(char const *a, char const *b)
{
	size_t la = key_len(a), lb = key_len(b);
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

typedef struct {
	char const *line;
	unsigned line_no;
} entry_t;

static int entry_order(void const *a, void const *b)
{
	char const *la = ((entry_t const *)a)->line, *lb = ((entry_t const *)b)->line;
	int c = compare_keys(la, lb);
	return c ? c : strcmp(la, lb);
}

static entry_t *sorted_entries(lines_t const *l)
{
	entry_t *e = calloc(l->count + 1, sizeof(*e));
	assert_non_null(e);
	for (size_t i = 0; i < l->count; i++)
		e[i] = (entry_t){l->lines[i], l->line_no[i]};
	qsort(e, l->count, sizeof(*e), entry_order);
	return e;
}

/* Prints what differs between the table and the filter, case by case; returns the count. */
static size_t report_diffs(char const *path, lines_t const *want, lines_t const *got)
{
	entry_t *w = sorted_entries(want), *g = sorted_entries(got);
	size_t i = 0, j = 0, diffs = 0;
	while (i < want->count || j < got->count) {
		int c = i == want->count  ? 1
			: j == got->count ? -1
					  : compare_keys(w[i].line, g[j].line);
		if (c == 0 && strcmp(w[i].line, g[j].line) == 0) {
			i++, j++;
			continue;
		}
		if (diffs++ >= MAX_DIFFS)
			;
		else if (c == 0)
			print_error("%s:%u: verdict changed\n  golden: %s\n  filter: %s\n", path,
				w[i].line_no, w[i].line, g[j].line);
		else if (c < 0)
			print_error("%s:%u: case no longer generated\n  golden: %s\n", path,
				w[i].line_no, w[i].line);
		else
			print_error(
				"%s: case missing from the table\n  filter: %s\n", path, g[j].line);
		i += c <= 0;
		j += c >= 0;
	}
	if (diffs > MAX_DIFFS)
		print_error("... and %zu more\n", diffs - MAX_DIFFS);
	free(w);
	free(g);
	return diffs;
}

static void filter_matches_golden_table(void **state)
{
	(void)state;
	char path[512];
	lines_t got = {0}, want = {0};
	golden_path(path, sizeof(path));
	all_cases(&got);
	char const *update = getenv("GOLDEN_UPDATE");
	if (update && strcmp(update, "1") == 0) {
		write_golden(path, &got);
		lines_free(&got);
		return;
	}

	read_golden(path, &want);
	size_t diffs = report_diffs(path, &want, &got);
	bool same_order = diffs == 0;
	for (size_t i = 0; same_order && i < got.count; i++)
		same_order = strcmp(want.lines[i], got.lines[i]) == 0;
	lines_free(&want);
	lines_free(&got);
	if (diffs)
		fail_msg("%zu cases differ from the golden table (GOLDEN_UPDATE=1 regenerates it)",
			diffs);
	if (!same_order)
		fail_msg("the golden table holds the right cases in another order: regenerate it");
}

/* Verdicts that hold whatever the golden table says (a regenerated table cannot bless these). */
static void filter_spot_checks(void **state)
{
	(void)state;
	uint32_t const notif = SECCOMP_RET_USER_NOTIF, killed = SECCOMP_RET_KILL_PROCESS;
	static struct {
		call_t call;
		uint32_t verdict;
	} const checks[] = {
		{X64(SYS_recvmsg, 3, PTR, 0), SECCOMP_RET_ALLOW},
		{X64(SYS_sendmsg, 3, PTR, MSG_NOSIGNAL), SECCOMP_RET_ALLOW},
		{X64(SYS_sendmsg, 3, PTR, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_read, 3, PTR, 8), SECCOMP_RET_ALLOW},
		{X64(SYS_exit_group, 0), SECCOMP_RET_ALLOW},
		{X64(SYS_futex, PTR, FUTEX_WAIT_PRIVATE, 1, 0), SECCOMP_RET_ALLOW},
		{X64(SYS_futex, PTR, FUTEX_LOCK_PI, 0, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_mmap, 0, 4096, RW, MAP_SHARED, 3, 0), SECCOMP_RET_ALLOW},
		{X64(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, 3, 0),
			SECCOMP_RET_USER_NOTIF},
		{X64(SYS_mmap, 0, 4096, RW, MAP_PRIVATE, 3, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_mmap, 0, 4096, RW, MAP_SHARED | MAP_ANONYMOUS, ALL, 0),
			SECCOMP_RET_USER_NOTIF},
		{X64(SYS_mprotect, PTR, 4096, PROT_EXEC), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_clone, THREAD_FLAGS, PTR, PTR, PTR, PTR), SECCOMP_RET_ALLOW},
		{X64(SYS_clone, SIGCHLD), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_clone3, PTR, 88), SECCOMP_RET_ERRNO | ENOSYS},
		{X64(SYS_sched_setaffinity, 0, 128, PTR), SECCOMP_RET_ALLOW},
		{X64(SYS_sched_setaffinity, 1, 128, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_sched_setaffinity, HIGH, 128, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_sched_getaffinity, 0, 128, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_sched_setscheduler, 0, 0, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_socket, AF_UNIX, SOCK_SEQPACKET, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_openat, ALL, PTR, O_RDONLY), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_ioctl, 3, 0x5401, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_ioctl, 3, 0x5411, PTR), SECCOMP_RET_ALLOW}, /* SIOCOUTQ */
		{X64(SYS_ioctl, 3, HIGH | 0x5411, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_rt_sigreturn, 0), SECCOMP_RET_ALLOW},
		{X64(SYS_rt_sigaction, SIGBUS, PTR, 0, 8), SECCOMP_RET_ALLOW},
		{X64(SYS_rt_sigaction, SIGSEGV, PTR, 0, 8), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_rt_sigaction, HIGH | SIGBUS, PTR, 0, 8), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_rt_sigaction, SIGBUS, PTR, 0, 16), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_brk, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_mremap, PTR, 4096, 8192, 1), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_madvise, PTR, 4096, MADV_DONTNEED), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_memfd_create, PTR, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_execve, PTR, PTR, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_fcntl, 3, F_SETFL, O_NONBLOCK), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_dup, 3), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_ptrace, 16, 1), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_seccomp, 1, 0, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_io_uring_setup, 8, PTR), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_process_vm_writev, 1, PTR, 1, PTR, 1, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_pkey_mprotect, PTR, 4096, PROT_EXEC, 0), SECCOMP_RET_USER_NOTIF},
		{X64(SYS_read | X32_BIT, 3, PTR, 8), SECCOMP_RET_KILL_PROCESS},
		{X64(SYS_sendmsg | X32_BIT, 3, PTR, MSG_NOSIGNAL), SECCOMP_RET_KILL_PROCESS},
		{{AUDIT_ARCH_I386, 3, {3, PTR, 8}}, SECCOMP_RET_KILL_PROCESS}, /* read on i386 */
		{{AUDIT_ARCH_I386, 0, {0}}, SECCOMP_RET_KILL_PROCESS},
		{X64(0xffffffff, 0), SECCOMP_RET_KILL_PROCESS},
	};
	bpf_interp_insn_t prog[GN_SECCOMP_FILTER_LEN];
	copy_filter(prog);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		uint32_t v = verdict_of(prog, &checks[i].call);
		if (v != checks[i].verdict) {
			char line[LINE_SIZE];
			format_case(&checks[i].call, v, line, sizeof(line));
			fail_msg("%s, expected 0x%08x", line, checks[i].verdict);
		}
	}

	/* Across all numbers: other architectures and x32 always die, nothing else dies. */
	for (uint32_t nr = 0; nr < 1024; nr++) {
		call_t native = {AUDIT_ARCH_X86_64, nr, {0}}, x32 = native, i386 = native;
		x32.nr |= X32_BIT;
		i386.arch = AUDIT_ARCH_I386;
		assert_int_not_equal(verdict_of(prog, &native), killed);
		assert_int_equal(verdict_of(prog, &x32), killed);
		assert_int_equal(verdict_of(prog, &i386), killed);
		if (nr >= 335 && nr < 424) /* numbers x86_64 never used */
			assert_int_equal(verdict_of(prog, &native), notif);
	}
}

/* The program as seccomp sees it: layout, constants, and what its checker demands. */
static void filter_is_well_formed(void **state)
{
	(void)state;
	assert_int_equal(sizeof(gn_seccomp_insn_t), sizeof(struct sock_filter));
	assert_int_equal(offsetof(gn_seccomp_insn_t, code), offsetof(struct sock_filter, code));
	assert_int_equal(offsetof(gn_seccomp_insn_t, jt), offsetof(struct sock_filter, jt));
	assert_int_equal(offsetof(gn_seccomp_insn_t, jf), offsetof(struct sock_filter, jf));
	assert_int_equal(offsetof(gn_seccomp_insn_t, k), offsetof(struct sock_filter, k));
	assert_int_equal(GN_SECCOMP_NR_SECCOMP, SYS_seccomp);
	assert_int_equal(GN_SECCOMP_SET_MODE_FILTER, SECCOMP_SET_MODE_FILTER);
	assert_int_equal(GN_SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_FILTER_FLAG_NEW_LISTENER);
	assert_int_equal(GN_SECCOMP_IOCTL_NOTIF_RECV, SECCOMP_IOCTL_NOTIF_RECV);
	assert_int_equal(GN_SECCOMP_IOCTL_NOTIF_SEND, SECCOMP_IOCTL_NOTIF_SEND);
	assert_int_equal(GN_SECCOMP_NOTIF_SIZE, sizeof(struct seccomp_notif));
	assert_int_equal(GN_SECCOMP_NOTIF_RESP_SIZE, sizeof(struct seccomp_notif_resp));
	assert_int_equal(GN_PR_SET_NO_NEW_PRIVS, PR_SET_NO_NEW_PRIVS);

	bpf_interp_insn_t prog[GN_SECCOMP_FILTER_LEN];
	copy_filter(prog);
	assert_int_equal(bpf_interp_check(prog, GN_SECCOMP_FILTER_LEN, sizeof(struct seccomp_data)),
		BPF_INTERP_OK);
	/* The architecture is the first thing loaded. */
	assert_int_equal(prog[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(prog[0].k, offsetof(struct seccomp_data, arch));
}

/* ---- the kernel runs the real filter ----------------------------------------------------------- */

enum {
	STAGE_FAILED,
	STAGE_INSTALLED,
	STAGE_RESULTS
};

enum {
	RES_GETPID,
	RES_GETTID,
	RES_YIELD,
	RES_FUTEX,
	RES_CLOCK,
	RES_EVENT_WRITE,
	RES_EVENT_READ,
	RES_EVENT_VALUE,
	RES_MMAP,
	RES_MMAP_DATA,
	RES_MPROTECT,
	RES_MUNMAP,
	RES_SOCKETPAIR,
	RES_CLOSE,
	RES_CLONE3,
	RES_SOCKET,
	RES_MMAP_EXEC,
	RES_COUNT
};

typedef struct {
	int stage;
	int err;
	long result[RES_COUNT];
} report_t;

/* A system call's result as the kernel gave it: the value or -errno. */
static long raw(long r)
{
	return r == -1 ? -errno : r;
}

static _Noreturn void child_exit(int code)
{
	syscall(SYS_exit_group, code);
	__builtin_unreachable();
}

/* Sends a report, with descriptor `fd` unless it is -1; only sendmsg with MSG_NOSIGNAL. */
static void child_send(int sock, report_t const *r, int fd)
{
	struct iovec iov = {(void *)r, sizeof(*r)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (fd >= 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (syscall(SYS_sendmsg, sock, &msg, MSG_NOSIGNAL) != (long)sizeof(*r))
		child_exit(2);
}

static _Noreturn void child_fail(int sock)
{
	report_t r = {STAGE_FAILED, errno, {0}};
	child_send(sock, &r, -1);
	child_exit(1);
}

/* Installs the generated filter the way core does; returns the listener, 0 or -1 with errno. */
static int install_filter(unsigned long flags)
{
	struct sock_fprog prog = {
		GN_SECCOMP_FILTER_LEN, (struct sock_filter *)(uintptr_t)gn_seccomp_filter};
	struct rlimit no_core = {0, 0};
	if (setrlimit(RLIMIT_CORE, &no_core) != 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

/* Under the filter: only raw system calls, no allocation, no libc that might call the kernel. */
static void child_allowed_calls(int memfd, int efd, long *res)
{
	struct timespec ts;
	uint64_t count = 5, got = 0;
	uint32_t word = 0;
	int sv[2];

	res[RES_GETPID] = raw(syscall(SYS_getpid));
	res[RES_GETTID] = raw(syscall(SYS_gettid));
	res[RES_YIELD] = raw(syscall(SYS_sched_yield));
	res[RES_FUTEX] = raw(syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL));
	res[RES_CLOCK] = raw(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));
	res[RES_EVENT_WRITE] = raw(syscall(SYS_write, efd, &count, sizeof(count)));
	res[RES_EVENT_READ] = raw(syscall(SYS_read, efd, &got, sizeof(got)));
	res[RES_EVENT_VALUE] = (long)got;
	long addr = raw(syscall(SYS_mmap, 0, 4096, RW, MAP_SHARED | MAP_POPULATE, memfd, 0));
	res[RES_MMAP] = addr < 0 ? addr : 0;
	if (addr >= 0) {
		char const *p = (char const *)addr;
		res[RES_MMAP_DATA] = p[0] == 'g' && p[5] == 's';
		res[RES_MPROTECT] = raw(syscall(SYS_mprotect, addr, 4096, PROT_READ));
		res[RES_MUNMAP] = raw(syscall(SYS_munmap, addr, 4096));
	}
	res[RES_SOCKETPAIR] =
		raw(syscall(SYS_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	if (res[RES_SOCKETPAIR] == 0)
		res[RES_CLOSE] = raw(syscall(SYS_close, sv[0])) | raw(syscall(SYS_close, sv[1]));
	res[RES_CLONE3] = raw(syscall(SYS_clone3, 0, 0));
}

static _Noreturn void child_main(int sock, int memfd, int efd)
{
	report_t r = {STAGE_INSTALLED, 0, {0}};
	int listener = install_filter(SECCOMP_FILTER_FLAG_NEW_LISTENER);
	if (listener < 0)
		child_fail(sock);
	child_send(sock, &r, listener);
	syscall(SYS_close, listener);

	child_allowed_calls(memfd, efd, r.result);
	r.result[RES_SOCKET] = raw(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0));
	r.result[RES_MMAP_EXEC] =
		raw(syscall(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, memfd, 0));
	r.stage = STAGE_RESULTS;
	child_send(sock, &r, -1);
	syscall(SYS_pause); /* denied: waits in the listener until the parent kills it */
	child_exit(3);
}

typedef struct {
	pid_t pid;
	int sock;
	int listener;
	char err[256];
} session_t;

static bool session_fail(session_t *s, char const *what, long value)
{
	snprintf(s->err, sizeof(s->err), "%s (%ld, errno %d)", what, value, errno);
	return false;
}

static bool wait_readable(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, TIMEOUT_MS) == 1;
}

static bool recv_report(session_t *s, report_t *r, int *fd)
{
	struct iovec iov = {r, sizeof(*r)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	if (!wait_readable(s->sock))
		return session_fail(s, "no report from the child within the timeout", 0);
	ssize_t n = recvmsg(s->sock, &msg, MSG_CMSG_CLOEXEC);
	if (n != (ssize_t)sizeof(*r))
		return session_fail(s, "short report: did the child die?", (long)n);
	if (r->stage == STAGE_FAILED) {
		errno = r->err;
		return session_fail(s, "the child could not install the filter", r->err);
	}
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (fd && c && c->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	return true;
}

static char const *name_of(int nr)
{
#if NAMES_GENERATED
	char const *name = gn_syscall_name((uint32_t)nr);
	return name ? name : "?";
#else
	(void)nr;
	return "?";
#endif
}

/* Waits for the child's next denied call, which must be `nr`; answers with -`error` unless 0. */
static bool expect_notification(session_t *s, int nr, int error, struct seccomp_notif *n)
{
	if (!wait_readable(s->listener))
		return session_fail(s, "no notification within the timeout, expected", nr);
	memset(n, 0, sizeof(*n));
	if (ioctl(s->listener, SECCOMP_IOCTL_NOTIF_RECV, n) != 0)
		return session_fail(s, "SECCOMP_IOCTL_NOTIF_RECV failed", nr);
	if (n->data.nr != nr || n->data.arch != AUDIT_ARCH_X86_64 || n->pid != (uint32_t)s->pid) {
		snprintf(s->err, sizeof(s->err), "notified of %s (%d) by pid %u, expected %s (%d)",
			name_of(n->data.nr), n->data.nr, n->pid, name_of(nr), nr);
		return false;
	}
	struct seccomp_notif_resp resp = {.id = n->id, .val = 0, .error = -error, .flags = 0};
	if (error && ioctl(s->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0)
		return session_fail(s, "SECCOMP_IOCTL_NOTIF_SEND failed", nr);
	return true;
}

static bool check_results(session_t *s, long const *res)
{
	static struct {
		int index;
		long expected;
		char const *what;
	} const expect[] = {
		{RES_YIELD, 0, "sched_yield"},
		{RES_FUTEX, 0, "futex FUTEX_WAKE_PRIVATE (nobody waits)"},
		{RES_CLOCK, 0, "clock_gettime"},
		{RES_EVENT_WRITE, 8, "write to an eventfd"},
		{RES_EVENT_READ, 8, "read from an eventfd"},
		{RES_EVENT_VALUE, 5, "eventfd count"},
		{RES_MMAP, 0, "mmap MAP_SHARED of a memfd"},
		{RES_MMAP_DATA, 1, "the memfd's contents through the mapping"},
		{RES_MPROTECT, 0, "mprotect PROT_READ"},
		{RES_MUNMAP, 0, "munmap"},
		{RES_SOCKETPAIR, 0, "socketpair AF_UNIX SOCK_SEQPACKET"},
		{RES_CLOSE, 0, "close"},
		{RES_CLONE3, -ENOSYS, "clone3"},
		{RES_SOCKET, -EPERM, "socket, answered by the listener"},
		{RES_MMAP_EXEC, -EACCES, "mmap PROT_EXEC, answered by the listener"},
	};
	if (res[RES_GETPID] != s->pid || res[RES_GETTID] != s->pid)
		return session_fail(s, "getpid/gettid in the child", res[RES_GETPID]);
	for (size_t i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
		if (res[expect[i].index] != expect[i].expected) {
			snprintf(s->err, sizeof(s->err), "%s: %ld, expected %ld", expect[i].what,
				res[expect[i].index], expect[i].expected);
			return false;
		}
	return true;
}

/* The parent's side of the conversation; false with s->err set on the first surprise. */
static bool serve_child(session_t *s)
{
	report_t r;
	struct seccomp_notif n;
	if (!recv_report(s, &r, &s->listener))
		return false;
	if (s->listener < 0)
		return session_fail(s, "the child sent no listener", 0);
	if (!expect_notification(s, SYS_socket, EPERM, &n))
		return false;
	if (n.data.args[0] != AF_INET || n.data.args[1] != SOCK_STREAM)
		return session_fail(
			s, "socket's arguments in the notification", (long)n.data.args[0]);
	if (!expect_notification(s, SYS_mmap, EACCES, &n))
		return false;
	if (n.data.args[2] != (PROT_READ | PROT_EXEC))
		return session_fail(s, "mmap's prot in the notification", (long)n.data.args[2]);
	if (!recv_report(s, &r, NULL) || !check_results(s, r.result))
		return false;
	return expect_notification(s, SYS_pause, 0, &n);
}

/* Waits at most TIMEOUT_MS for `pid` to end. */
static bool reap(pid_t pid, int *status)
{
	for (int waited = 0; waited < TIMEOUT_MS; waited++) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return true;
		if (r < 0)
			return false;
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	return false;
}

/* A descriptor whose first bytes are "gneiss". */
static int make_memfd(void)
{
	int fd = memfd_create("test_seccomp", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "gneiss", 6, 0), 6);
	assert_int_equal(ftruncate(fd, 4096), 0);
	return fd;
}

static void kernel_runs_filter_with_listener(void **state)
{
	(void)state;
	int sv[2], memfd = make_memfd(), efd = eventfd(0, EFD_CLOEXEC), status = 0;
	assert_true(efd >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	session_t s = {.sock = sv[0], .listener = -1};
	s.pid = fork();
	assert_true(s.pid >= 0);
	if (s.pid == 0) {
		close(sv[0]);
		child_main(sv[1], memfd, efd);
	}
	close(sv[1]);

	bool ok = serve_child(&s);
	kill(s.pid, SIGKILL);
	bool reaped = reap(s.pid, &status);
	if (s.listener >= 0)
		close(s.listener);
	close(s.sock);
	close(memfd);
	close(efd);
	if (!ok)
		fail_msg("%s", s.err);
	assert_true(reaped);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

/* Without a listener a denied call fails with ENOSYS; an x32 number kills the process. */
static void kernel_kills_x32_and_fails_without_listener(void **state)
{
	(void)state;
	int status = 0;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (install_filter(0) != 0)
			child_exit(10);
		if (raw(syscall(SYS_socket, AF_INET, SOCK_STREAM, 0)) != -ENOSYS)
			child_exit(11);
		if (raw(syscall(SYS_getpid)) <= 0)
			child_exit(12);
		syscall(SYS_getpid | X32_BIT);
		child_exit(13);
	}
	if (!reap(pid, &status)) {
		kill(pid, SIGKILL);
		reap(pid, &status);
		fail_msg("the child neither died nor exited within the timeout");
	}
	if (WIFEXITED(status))
		fail_msg(
			"the child exited with %d instead of dying of SIGSYS", WEXITSTATUS(status));
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

#endif /* FILTER_GENERATED */

#if NAMES_GENERATED
/* ---- the name table ---------------------------------------------------------------------------- */

/* The host's x86_64 system call header, if it sits where Debian or others put it. */
static FILE *open_unistd_64(void)
{
	static char const *const paths[] = {
		"/usr/include/x86_64-linux-gnu/asm/unistd_64.h",
		"/usr/include/asm/unistd_64.h",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		FILE *f = fopen(paths[i], "r");
		if (f)
			return f;
	}
	return NULL;
}

static void names_match_host_header(void **state)
{
	(void)state;
	assert_string_equal(gn_syscall_name(0), "read");
	assert_string_equal(gn_syscall_name(SYS_socket), "socket");
	assert_string_equal(gn_syscall_name(SYS_memfd_create), "memfd_create");
	assert_string_equal(gn_syscall_name(SYS_clone3), "clone3");
	assert_null(gn_syscall_name(335));
	assert_null(gn_syscall_name(423));
	assert_null(gn_syscall_name(GN_SYSCALL_NAMES_LEN));
	assert_null(gn_syscall_name(0xffffffffu));
	assert_non_null(gn_syscall_name(GN_SYSCALL_NAMES_LEN - 1));

	FILE *f = open_unistd_64();
	if (!f) {
		print_message("no <asm/unistd_64.h> at a known path: cross-check skipped\n");
		skip();
	}
	char line[256], name[64];
	unsigned nr, defined = 0, max = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#define __NR_%63s %u", name, &nr) != 2)
			continue;
		defined++;
		max = nr > max ? nr : max;
		char const *ours = gn_syscall_name(nr);
		if (!ours || strcmp(ours, name) != 0) {
			fclose(f);
			fail_msg("header: %u is %s, table: %s", nr, name, ours ? ours : "(none)");
		}
	}
	fclose(f);
	unsigned named = 0;
	for (unsigned i = 0; i < GN_SYSCALL_NAMES_LEN; i++)
		named += gn_syscall_name(i) != NULL;
	assert_int_equal(max + 1, GN_SYSCALL_NAMES_LEN);
	assert_int_equal(named, defined);
}

#endif /* NAMES_GENERATED */

#if !FILTER_GENERATED || !NAMES_GENERATED
static void headers_generated(void **state)
{
	(void)state;
	fail_msg("%s is not generated: the Makefile needs the rule from "
		 "platform/linux/seccomp/README.md",
		FILTER_GENERATED ? "syscall_names.h" : "seccomp_filter.h");
}
#endif

int main(void)
{
	struct CMUnitTest const tests[] = {
		cmocka_unit_test(interp_runs_programs),
		cmocka_unit_test(interp_rejects_programs),
#if FILTER_GENERATED
		cmocka_unit_test(filter_is_well_formed),
		cmocka_unit_test(filter_spot_checks),
		cmocka_unit_test(filter_matches_golden_table),
		cmocka_unit_test(kernel_runs_filter_with_listener),
		cmocka_unit_test(kernel_kills_x32_and_fails_without_listener),
#endif
#if NAMES_GENERATED
		cmocka_unit_test(names_match_host_header),
#endif
#if !FILTER_GENERATED || !NAMES_GENERATED
		cmocka_unit_test(headers_generated),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
