/*
 * hw-fault-int: raises the timer's interrupt vector with `int`: every gate has DPL 0, so user mode
 * cannot fake an interrupt and gets a general-protection fault instead, whose error code names
 * the IDT entry (vector * 8 + 2 on hardware; QEMU's TCG reports vector * 16 + 2).
 */
#include "user.h"

int main(void)
{
	out("raising vector 0x30 with int");
	__asm__ volatile("int $0x30");
	return 1;
}
