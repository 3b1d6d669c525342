/* Kernel test hooks (see test_hooks.h). */
#include <gneiss/string.h>

#include "cpu.h"
#include "exit.h"
#include "layout.h"
#include "log.h"
#include "paging.h"
#include "test_hooks.h"

enum {
	COMMAND_MAX = 64,
};

static GN_NORETURN void triple_fault(void)
{
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} empty = {0, 0};

	/* with no IDT, the breakpoint cannot be delivered, nor the #GP, nor the #DF: reset */
	__asm__ volatile("lidt %0\n\tint3" : : "m"(empty));
	hw_halt_forever();
}

/*
 * Recurses far deeper than the 16 KiB kernel stack allows (the volatile array defeats tail calls),
 * so it runs into the guard page below long before the bound.
 */
static unsigned overflow(unsigned depth)
{
	uint8_t volatile frame[256];

	frame[0] = (uint8_t)depth;
	if (depth == 1u << 20)
		return frame[0];
	return overflow(depth + 1) + frame[0];
}

static void fault(char const *which)
{
	static uint8_t data[16] = {0xc3}; /* ret, in .data, which is not executable */

	if (gn_strcmp(which, "ud2") == 0) {
		__asm__ volatile("ud2");
	} else if (gn_strcmp(which, "page") == 0) {
		/* the lower half is unmapped once the identity map is gone */
		(void)*(uint64_t volatile *)0x1000;
	} else if (gn_strcmp(which, "gp") == 0) {
		(void)*(uint64_t volatile *)0x8000000000000000UL; /* not canonical */
	} else if (gn_strcmp(which, "write-text") == 0) {
		*(uint8_t volatile *)(uintptr_t)hw_test_hooks_run = 0xc3; /* text is read-only */
	} else if (gn_strcmp(which, "exec-data") == 0) {
		((void (*)(void))(uintptr_t)data)();
	} else if (gn_strcmp(which, "stack-overflow") == 0) {
		hw_log("hw-test: %u", overflow(0));
	} else if (gn_strcmp(which, "divide") == 0) {
		/* in assembly: the compiler may turn 1 / x into a comparison that cannot trap */
		uint64_t a = 1, d = 0, zero = 0;
		__asm__ volatile("divq %2" : "+a"(a), "+d"(d) : "r"(zero));
	}
	hw_panic("hw-test: unknown fault '%s' (ud2, page, gp, divide, write-text, exec-data, "
		 "stack-overflow)",
		which);
}

/* Parses a decimal exit value of 1..3 digits; returns -1 when malformed. */
static int exit_value(char const *s)
{
	int v = 0;
	size_t n = 0;

	for (; s[n] >= '0' && s[n] <= '9' && n < 3; n++)
		v = v * 10 + (s[n] - '0');
	return n == 0 || s[n] != '\0' || v > HW_EXIT_MAX ? -1 : v;
}

/*
 * Raises, with `int` in kernel mode, a vector nothing uses, the APIC's spurious vector and the
 * PICs' spurious IRQs 7 and 15: the kernel reports the first, ignores the others, and goes on.
 */
static void interrupts(void)
{
	__asm__ volatile("int $0x61\n\tint $0xff\n\tint $0x27\n\tint $0x2f" : : : "memory");
	hw_log("hw-test: the kernel went on after 4 interrupts");
}

static void run(char *cmd)
{
	int v;

	if (gn_strcmp(cmd, "interrupts") == 0) {
		interrupts();
		return;
	}
	if (gn_strcmp(cmd, "triple-fault") == 0)
		triple_fault();
	if (gn_str_starts_with(cmd, "fault "))
		fault(cmd + 6);
	if (gn_str_starts_with(cmd, "exit ") && (v = exit_value(cmd + 5)) >= 0)
		hw_exit((unsigned)v);
	hw_panic("hw-test: unknown command '%s'", cmd);
}

void hw_test_hooks_run(hw_boot_info_t const *info)
{
	char cmd[COMMAND_MAX];

	for (size_t i = 0; i < info->module_count; i++) {
		hw_module_t const *m = &info->modules[i];
		char const *text = hw_phys_to_virt(m->range.base);
		size_t len = m->range.size;

		if (gn_strcmp(m->name, "hw-test") != 0)
			continue;
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
			len--;
		hw_log_escape(text, len, cmd, sizeof(cmd));
		if (len == 0 || len >= sizeof(cmd) || gn_strlen(cmd) != len)
			hw_panic("hw-test: the command '%s' is empty, too long or not printable",
				cmd);
		hw_log("hw-test: %s", cmd);
		run(cmd);
	}
}
