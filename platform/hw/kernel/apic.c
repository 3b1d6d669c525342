/*
 * PICs, local APIC and its timer (see apic.h).
 *
 * The PIC is initialised the classic way (ICW1..ICW4) only to move its vectors off the exceptions:
 * a spurious IRQ 7 would otherwise arrive as #DF's vector 8 + 7 = 15 at the old base. The APIC's
 * registers are reached through the direct map, whose 2 MiB page around them holds no RAM and is
 * therefore mapped uncached (paging.c). Calibration: PIT channel 2 counts 10 ms down in mode 0
 * (its output, readable at port 0x61 bit 5, rises at the end) while the APIC timer counts down
 * from 0xffffffff; the difference is the APIC's ticks per 10 ms. The wait is bounded, so a machine
 * without a working PIT gets a panic, not a hang.
 */
#include "apic.h"
#include "cpu.h"
#include "cpu_tables.h"
#include "log.h"
#include "paging.h"

enum {
	PIC1_CMD = 0x20,
	PIC1_DATA = 0x21,
	PIC2_CMD = 0xa0,
	PIC2_DATA = 0xa1,
	PIC_EOI = 0x20,
	PIT_CH2 = 0x42,
	PIT_MODE = 0x43,
	PIT_GATE = 0x61,
	PIT_HZ = 1193182,
	CALIBRATE_MS = 10,
	SPIN_MAX = 50 * 1000 * 1000,
	APIC_ID = 0x20,
	APIC_SVR = 0xf0,
	APIC_TPR = 0x80,
	APIC_EOI = 0xb0,
	APIC_ISR = 0x100,
	APIC_LVT_TIMER = 0x320,
	APIC_LVT_LINT0 = 0x350,
	APIC_LVT_ERROR = 0x370,
	APIC_TIMER_INIT = 0x380,
	APIC_TIMER_CURRENT = 0x390,
	APIC_TIMER_DIVIDE = 0x3e0,
	APIC_ICR_LOW = 0x300,
	APIC_ICR_HIGH = 0x310,
	ICR_INIT = 0x500,
	ICR_STARTUP = 0x600,
	ICR_ASSERT = 1 << 14,
	ICR_PENDING = 1 << 12,
	APIC_ENABLE = 1 << 8,
	APIC_MASKED = 1 << 16,
	APIC_PERIODIC = 1 << 17,
	APIC_DIVIDE_16 = 0x3,
	CPUID_APIC = 1 << 9,
	MSR_APIC_ENABLE = 1 << 11,
};

static uint32_t volatile *apic;
static uint64_t apic_phys;   /* its page's physical address (0: before hw_apic_init) */
static uint32_t timer_count; /* the periodic timer's initial count, for every CPU */

static uint32_t apic_read(unsigned reg)
{
	return apic[reg / 4];
}

static void apic_write(unsigned reg, uint32_t value)
{
	apic[reg / 4] = value;
}

void hw_pic_disable(void)
{
	hw_outb(PIC1_CMD, 0x11); /* ICW1: initialise, ICW4 follows */
	hw_outb(PIC2_CMD, 0x11);
	hw_outb(PIC1_DATA, HW_VECTOR_PIC);
	hw_outb(PIC2_DATA, HW_VECTOR_PIC + 8);
	hw_outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ 2 */
	hw_outb(PIC2_DATA, 0x02);
	hw_outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
	hw_outb(PIC2_DATA, 0x01);
	hw_outb(PIC1_DATA, 0xff);
	hw_outb(PIC2_DATA, 0xff);
}

void hw_pic_spurious(unsigned irq)
{
	if (irq == 15)
		hw_outb(PIC1_CMD, PIC_EOI);
}

/* APIC timer ticks (divided by 16) in CALIBRATE_MS milliseconds of the PIT. */
static uint32_t calibrate(void)
{
	uint32_t latch = PIT_HZ / (1000 / CALIBRATE_MS);
	unsigned spins = 0;

	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_16);
	apic_write(APIC_LVT_TIMER, APIC_MASKED);
	hw_outb(PIT_GATE, (uint8_t)((hw_inb(PIT_GATE) & ~0x02) | 0x01)); /* gate on, speaker off */
	hw_outb(PIT_MODE, 0xb0); /* channel 2, low then high byte, mode 0, binary */
	hw_outb(PIT_CH2, (uint8_t)latch);
	hw_outb(PIT_CH2, (uint8_t)(latch >> 8));
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	while (!(hw_inb(PIT_GATE) & 0x20) && spins < SPIN_MAX)
		spins++;
	if (spins == SPIN_MAX)
		hw_panic("timer: the PIT's channel 2 did not count down");
	return 0xffffffff - apic_read(APIC_TIMER_CURRENT);
}

void hw_apic_init(unsigned tick_us)
{
	uint32_t id[4], per_10ms, per_tick;
	uint64_t base;

	hw_cpuid(1, id);
	if (!(id[3] & CPUID_APIC))
		hw_panic("timer: the CPU has no local APIC");
	base = hw_rdmsr(HW_MSR_APIC_BASE);
	hw_wrmsr(HW_MSR_APIC_BASE, base | MSR_APIC_ENABLE);
	base &= 0x000ffffffffff000ULL;
	if (base >= HW_DIRECT_MAP_SIZE)
		hw_panic("timer: the local APIC at 0x%lx lies outside the direct map", base);
	apic = hw_phys_to_virt(base);
	apic_phys = base;
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_MASKED);
	apic_write(APIC_SVR, APIC_ENABLE | HW_VECTOR_SPURIOUS);
	per_10ms = calibrate();
	per_tick = (uint32_t)((uint64_t)per_10ms * tick_us / (CALIBRATE_MS * 1000));
	if (per_tick == 0)
		hw_panic("timer: the APIC timer did not count (%u in %d ms)", per_10ms,
			CALIBRATE_MS);
	hw_log("timer: local APIC at 0x%lx, %u ticks per ms (divided by 16), a tick every %u us",
		base, per_10ms / CALIBRATE_MS, tick_us);
	timer_count = per_tick;
	apic_write(APIC_LVT_TIMER, APIC_PERIODIC | HW_VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, per_tick);
}

void hw_apic_init_ap(void)
{
	hw_wrmsr(HW_MSR_APIC_BASE, hw_rdmsr(HW_MSR_APIC_BASE) | MSR_APIC_ENABLE);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_MASKED);
	apic_write(APIC_SVR, APIC_ENABLE | HW_VECTOR_SPURIOUS);
}

void hw_apic_timer_start_ap(void)
{
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_16);
	apic_write(APIC_LVT_TIMER, APIC_PERIODIC | HW_VECTOR_TIMER);
	apic_write(APIC_TIMER_INIT, timer_count);
}

static void send(uint32_t apic_id, uint32_t low)
{
	unsigned spins = 0;

	apic_write(APIC_ICR_HIGH, apic_id << 24);
	apic_write(APIC_ICR_LOW, low);
	while ((apic_read(APIC_ICR_LOW) & ICR_PENDING) && spins++ < SPIN_MAX)
		__asm__ volatile("pause");
}

void hw_apic_ipi(uint32_t apic_id, unsigned vector)
{
	send(apic_id, vector | ICR_ASSERT);
}

void hw_apic_start_ap(uint32_t apic_id, uint32_t trampoline)
{
	send(apic_id, ICR_INIT | ICR_ASSERT);
	hw_apic_delay_us(10000);
	for (unsigned i = 0; i < 2; i++) {
		send(apic_id, ICR_STARTUP | ICR_ASSERT | (trampoline >> 12));
		hw_apic_delay_us(200);
	}
}

void hw_apic_delay_us(unsigned us)
{
	uint32_t start = apic_read(APIC_TIMER_CURRENT), count = timer_count;
	uint64_t left = (uint64_t)timer_count * us / 1000, passed = 0;

	/* the periodic timer counts down from count to 0 again and again: 1 ms per round */
	while (passed < left) {
		uint32_t now = apic_read(APIC_TIMER_CURRENT);
		passed += now <= start ? start - now : start + count - now;
		start = now;
		__asm__ volatile("pause");
	}
}

void hw_apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

bool hw_apic_in_service(unsigned vector)
{
	if (!apic || vector >= HW_VECTORS) /* not enabled yet: nothing can be in service */
		return false;
	return (apic_read(APIC_ISR + (vector / 32) * 0x10) >> (vector % 32)) & 1;
}

uint32_t hw_apic_id(void)
{
	return apic ? apic_read(APIC_ID) >> 24 : 0;
}

uint64_t hw_apic_phys(void)
{
	return apic_phys;
}
