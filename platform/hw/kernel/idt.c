/* The IDT: an interrupt gate for each of the 256 vectors of isr.S (see cpu_tables.h). */
#include "cpu_tables.h"

typedef struct __attribute__((packed)) {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} gate_t;

typedef struct __attribute__((packed)) {
	uint16_t limit;
	uint64_t base;
} table_ptr_t;

enum {
	GATE_INTERRUPT = 0x8e, /* present, DPL 0, 64-bit interrupt gate: IF is cleared on entry */
};

extern uint64_t const hw_isr_table[HW_VECTORS];

static gate_t idt[HW_VECTORS];

static unsigned ist_of(unsigned vector)
{
	switch (vector) {
	case HW_VECTOR_DF: return 1;
	case HW_VECTOR_NMI: return 2;
	case HW_VECTOR_MC: return 3;
	default: return 0;
	}
}

void hw_idt_init(void)
{
	table_ptr_t ptr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};

	for (unsigned v = 0; v < HW_VECTORS; v++) {
		uint64_t entry = hw_isr_table[v];
		idt[v] = (gate_t){
			.offset_low = (uint16_t)entry,
			.selector = HW_SEL_KCODE,
			.ist = (uint8_t)ist_of(v),
			.type_attr = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(entry >> 16),
			.offset_high = (uint32_t)(entry >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

void hw_idt_load(void)
{
	table_ptr_t ptr = {.limit = sizeof(idt) - 1, .base = (uint64_t)idt};

	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}
