/* The CPU's protection features and syscall MSRs (see cpu_setup.h). */
#include "cpu.h"
#include "cpu_setup.h"
#include "log.h"

enum {
	EXT_LEAF = 0x80000001,
	ADDR_LEAF = 0x80000008,
	PHYS_BITS_DEFAULT = 36, /* what a CPU without the address-size leaf has */
	EXT_EDX_SYSCALL = 1 << 11,
	EXT_EDX_NX = 1 << 20,
	LEAF1_EDX_PGE = 1 << 13,
	LEAF7_EBX_SMEP = 1 << 7,
	LEAF7_EBX_SMAP = 1 << 20,
	LEAF7_ECX_UMIP = 1 << 2,
	/* cleared on syscall: TF, IF, DF, IOPL, NT, AC */
	SFMASK = 0x100 | 0x200 | 0x400 | 0x3000 | 0x4000 | 0x40000,
};

extern char hw_syscall_entry[];

uint8_t hw_cpu_smap;

void hw_cpu_setup(hw_cpu_features_t *out)
{
	uint32_t r[4], max;
	uint64_t cr4;

	*out = (hw_cpu_features_t){0};
	hw_cpuid(0, r);
	max = r[0];
	hw_cpuid(EXT_LEAF, r);
	if (!(r[3] & EXT_EDX_SYSCALL))
		hw_panic("the CPU has no syscall/sysret");
	out->nx = r[3] & EXT_EDX_NX;
	hw_cpuid(0x80000000, r);
	out->phys_bits = PHYS_BITS_DEFAULT;
	if (r[0] >= ADDR_LEAF) {
		hw_cpuid(ADDR_LEAF, r);
		out->phys_bits = r[0] & 0xff;
	}
	hw_cpuid(1, r);
	out->global_pages = r[3] & LEAF1_EDX_PGE;
	if (max >= 7) {
		hw_cpuid(7, r);
		out->smep = r[1] & LEAF7_EBX_SMEP;
		out->smap = r[1] & LEAF7_EBX_SMAP;
		out->umip = r[2] & LEAF7_ECX_UMIP;
	}
	if (out->nx)
		hw_wrmsr(HW_MSR_EFER, hw_rdmsr(HW_MSR_EFER) | HW_EFER_NXE);
	hw_write_cr0(hw_read_cr0() | HW_CR0_WP | HW_CR0_EM);
	cr4 = hw_read_cr4();
	cr4 |= out->global_pages ? HW_CR4_PGE : 0;
	cr4 |= out->smep ? HW_CR4_SMEP : 0;
	cr4 |= out->smap ? HW_CR4_SMAP : 0;
	hw_cpu_smap = out->smap ? 1 : 0;
	cr4 |= out->umip ? HW_CR4_UMIP : 0;
	hw_write_cr4(cr4);
}

void hw_cpu_syscall_init(hw_cpu_t *cpu)
{
	hw_wrmsr(HW_MSR_EFER, hw_rdmsr(HW_MSR_EFER) | HW_EFER_SCE);
	hw_wrmsr(HW_MSR_STAR, (uint64_t)HW_SEL_STAR_USER << 48 | (uint64_t)HW_SEL_KCODE << 32);
	hw_wrmsr(HW_MSR_LSTAR, (uint64_t)hw_syscall_entry);
	hw_wrmsr(HW_MSR_SFMASK, SFMASK);
	hw_wrmsr(HW_MSR_GS_BASE, (uint64_t)cpu);
	hw_wrmsr(HW_MSR_KERNEL_GS_BASE, 0);
}
