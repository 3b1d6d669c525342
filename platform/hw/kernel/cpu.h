/*
 * x86_64 instructions the kernel needs, as inline functions: port I/O, control registers, halting.
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
