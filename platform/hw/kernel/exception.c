/*
 * Exception reports. An exception in kernel mode is a kernel bug (or a broken machine) and fatal:
 * the report names the vector, the error code, RIP and CR2 in one line that tests match, dumps the
 * registers, and exits with HW_EXIT_PANIC. An exception while reporting one gets a fixed message
 * through the serial port alone and exits at once, so a broken log path cannot recurse until the
 * stack runs out. Exceptions in user mode end the thread's protection domain instead (trap.c); they
 * share the report line.
 */
#include "cpu.h"
#include "cpu_tables.h"
#include "exit.h"
#include "layout.h"
#include "log.h"
#include "serial.h"

static char const *const names[HW_EXCEPTIONS] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound range",
	"#UD invalid opcode",
	"#NM device not available",
	"#DF double fault",
	"coprocessor segment overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved",
	"#MF x87 floating point",
	"#AC alignment check",
	"#MC machine check",
	"#XM SIMD floating point",
	"#VE virtualization",
	"#CP control protection",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"reserved",
	"#HV hypervisor injection",
	"#VC VMM communication",
	"#SX security",
	"reserved",
};

enum {
	PF_PRESENT = 1 << 0,
	PF_WRITE = 1 << 1,
	PF_USER = 1 << 2,
	PF_FETCH = 1 << 4,
};

static void dump_registers(hw_frame_t const *f)
{
	hw_log("  rax %016lx rbx %016lx rcx %016lx rdx %016lx", f->rax, f->rbx, f->rcx, f->rdx);
	hw_log("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx", f->rsi, f->rdi, f->rbp, f->rsp);
	hw_log("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx", f->r8, f->r9, f->r10, f->r11);
	hw_log("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx", f->r12, f->r13, f->r14, f->r15);
	hw_log("  cs %lx ss %lx rflags %lx", f->cs, f->ss, f->rflags);
}

char const *hw_exception_name(uint64_t v)
{
	return v < HW_EXCEPTIONS ? names[v] : "unknown";
}

void hw_exception_report(char const *who, hw_frame_t const *f, uint64_t cr2)
{
	char const *mode = (f->cs & 3) ? "user" : "kernel";

	if (f->vector != HW_VECTOR_PF) {
		hw_log("%sexception %lu (%s) in %s mode: error 0x%lx, rip 0x%lx", who, f->vector,
			hw_exception_name(f->vector), mode, f->error, f->rip);
		return;
	}
	hw_log("%sexception %lu (%s) in %s mode: error 0x%lx, rip 0x%lx, cr2 0x%lx", who, f->vector,
		hw_exception_name(f->vector), mode, f->error, f->rip, cr2);
	hw_log("  page fault: %s %s of 0x%lx in %s mode",
		(f->error & PF_PRESENT) ? "protection violation on" : "not-present page on",
		(f->error & PF_FETCH)   ? "instruction fetch"
		: (f->error & PF_WRITE) ? "write"
					: "read",
		cr2, (f->error & PF_USER) ? "user" : "kernel");
}

void hw_exception(hw_frame_t *f)
{
	static char const nested[] = "[kernel] panic: exception while reporting an exception\n";
	static unsigned depth;
	uint64_t cr2 = hw_read_cr2();

	if (depth++ > 0) {
		hw_serial_write(nested, sizeof(nested) - 1);
		hw_exit(HW_EXIT_PANIC);
	}
	hw_exception_report("", f, cr2);
	dump_registers(f);
	hw_panic("unhandled exception %lu (%s) at rip 0x%lx", f->vector,
		hw_exception_name(f->vector), f->rip);
}
