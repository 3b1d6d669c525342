/*
 * x86_64 instructions the kernel needs, as inline functions: port I/O, control registers, model-
 * specific registers, CPUID, TLB invalidation, halting.
 */
#ifndef GNEISS_HW_CPU_H
#define GNEISS_HW_CPU_H

#include <gneiss/types.h>

static inline void hw_outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void hw_outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t hw_inb(uint16_t port)
{
	uint8_t value;

	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void hw_outw(uint16_t port, uint16_t value)
{
	__asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint16_t hw_inw(uint16_t port)
{
	uint16_t value;

	__asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint32_t hw_inl(uint16_t port)
{
	uint32_t value;

	__asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

enum {
	HW_CR0_EM = 1 << 2,  /* x87 instructions raise #NM: no FPU state to switch */
	HW_CR0_WP = 1 << 16, /* read-only pages are read-only for the kernel too */
	HW_CR4_PGE = 1 << 7,
	HW_CR4_UMIP = 1 << 11,
	HW_CR4_SMEP = 1 << 20,
	HW_CR4_SMAP = 1 << 21,
	HW_MSR_APIC_BASE = 0x1b,
	HW_MSR_EFER = 0xc0000080,
	HW_MSR_STAR = 0xc0000081,
	HW_MSR_LSTAR = 0xc0000082,
	HW_MSR_SFMASK = 0xc0000084,
	HW_MSR_FS_BASE = 0xc0000100,
	HW_MSR_GS_BASE = 0xc0000101,
	HW_MSR_KERNEL_GS_BASE = 0xc0000102,
	HW_EFER_SCE = 1 << 0,
	HW_EFER_NXE = 1 << 11,
};

static inline uint64_t hw_rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t)hi << 32 | lo;
}

static inline void hw_wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/* CPUID leaf (subleaf 0): out[0..3] = EAX, EBX, ECX, EDX. */
static inline void hw_cpuid(uint32_t leaf, uint32_t out[4])
{
	__asm__ volatile("cpuid"
			 : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
			 : "a"(leaf), "c"(0));
}

static inline uint64_t hw_read_cr0(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr0, %0" : "=r"(value));
	return value;
}

static inline void hw_write_cr0(uint64_t value)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(value) : "memory");
}

static inline uint64_t hw_read_cr4(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr4, %0" : "=r"(value));
	return value;
}

static inline void hw_write_cr4(uint64_t value)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(value) : "memory");
}

static inline void hw_invlpg(uint64_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

/*
 * Waits for an interrupt with interrupts enabled only while waiting: STI takes effect after HLT
 * has started, so an interrupt cannot slip in between and be slept through.
 */
static inline void hw_wait_for_interrupt(void)
{
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline uint64_t hw_read_cr2(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr2, %0" : "=r"(value));
	return value;
}

static inline uint64_t hw_read_cr3(void)
{
	uint64_t value;

	__asm__ volatile("mov %%cr3, %0" : "=r"(value));
	return value;
}

static inline void hw_write_cr3(uint64_t value)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(value) : "memory");
}

/* Stops this CPU for good: interrupts off, halt, and halt again after an NMI. */
static inline GN_NORETURN void hw_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

#endif
