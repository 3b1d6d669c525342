/* The GDT and the TSS of each CPU (see cpu_tables.h), built when the CPU starts. */
#include "cpu_tables.h"

enum {
	IST_STACK_SIZE = 8192,
	IST_STACKS = 3, /* #DF, NMI, #MC */
};

typedef struct __attribute__((packed)) {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} tss_t;

typedef struct __attribute__((packed)) {
	uint16_t limit;
	uint64_t base;
} table_ptr_t;

static uint64_t gdts[HW_CPU_MAX][8];
static tss_t tsss[HW_CPU_MAX];
static uint8_t ist_stacks[HW_CPU_MAX][IST_STACKS][IST_STACK_SIZE] __attribute__((aligned(16)));

/* A code or data descriptor: long mode ignores base and limit except for the flags. */
static uint64_t segment(bool code, unsigned dpl)
{
	uint64_t access = (1ULL << 47) | ((uint64_t)dpl << 45) | (1ULL << 44) | (1ULL << 41);

	if (code)
		return access | (1ULL << 43) | (1ULL << 53); /* executable, long mode */
	return access | 0xffffULL | (0xfULL << 48) | (1ULL << 55) | (1ULL << 54);
}

static void set_tss_descriptor(uint64_t *gdt, tss_t const *tss, unsigned index)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[index] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x9ULL << 40) | (1ULL << 47) |
		     (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[index + 1] = base >> 32;
}

void hw_gdt_init(unsigned cpu, uint64_t kernel_stack_top)
{
	uint64_t *gdt = gdts[cpu];
	tss_t *tss = &tsss[cpu];
	table_ptr_t ptr = {.limit = sizeof(gdts[0]) - 1, .base = (uint64_t)gdt};

	gdt[HW_SEL_KCODE >> 3] = segment(true, 0);
	gdt[HW_SEL_KDATA >> 3] = segment(false, 0);
	gdt[HW_SEL_UDATA >> 3] = segment(false, 3);
	gdt[HW_SEL_UCODE >> 3] = segment(true, 3);
	for (unsigned i = 0; i < IST_STACKS; i++)
		tss->ist[i] = (uint64_t)&ist_stacks[cpu][i][IST_STACK_SIZE];
	tss->rsp[0] = kernel_stack_top;
	tss->iomap_base = sizeof(*tss); /* no I/O permission bitmap: user mode gets no ports */
	set_tss_descriptor(gdt, tss, HW_SEL_TSS >> 3);

	__asm__ volatile("lgdt %0" : : "m"(ptr) : "memory");
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:"
			 :
			 : "i"((uint64_t)HW_SEL_KCODE)
			 : "rax", "memory");
	__asm__ volatile("movw %w0, %%ds\n\t"
			 "movw %w0, %%es\n\t"
			 "movw %w0, %%ss"
			 :
			 : "r"(HW_SEL_KDATA));
	__asm__ volatile("ltr %w0" : : "r"(HW_SEL_TSS));
}
