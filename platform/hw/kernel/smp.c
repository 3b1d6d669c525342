/* The kernel lock, kicks and the start of the application processors (see smp.h). */
#include "apic.h"
#include "cpu.h"
#include "cpu_setup.h"
#include "acpi.h"
#include "ioapic.h"
#include "log.h"
#include "paging.h"
#include "smp.h"
#include "smp_layout.h"
#include "thread.h"

enum {
	AP_STACK_SIZE = 16384,
	AP_WAIT_MS = 500, /* for each AP to run */
};

GN_NORETURN void hw_ap_main(void);
GN_NORETURN void hw_user_resume(hw_frame_t const *frame);

extern char const hw_ap_trampoline[], hw_ap_trampoline_end[];
extern uint64_t const hw_ap_efer_offset;

hw_cpu_t hw_cpus[HW_CPU_MAX];
unsigned hw_cpu_count = 1;
uint64_t hw_ap_stack; /* the next AP's stack top, read by ap_boot.S */

uint32_t volatile hw_kernel_lock;
static unsigned volatile ap_started; /* the AP in the making has run hw_ap_main */
static uint8_t ap_stacks[HW_CPU_MAX][AP_STACK_SIZE] __attribute__((aligned(16)));

/* Answers a kick: this CPU runs no user code now, so a TLB flush and an acknowledgement do. */
static void answer_kick(hw_cpu_t *cpu)
{
	uint64_t req = __atomic_load_n(&cpu->kick_req, __ATOMIC_ACQUIRE);

	if (req == cpu->kick_ack)
		return;
	if (cpu->drop_root) {
		cpu->loaded_root = hw_paging_kernel_root();
		cpu->drop_root = false;
	}
	hw_write_cr3(cpu->loaded_root); /* flushes every user (non-global) entry */
	__atomic_store_n(&cpu->kick_ack, req, __ATOMIC_RELEASE);
}

void hw_lock_spin(void)
{
	hw_cpu_t *cpu = hw_cpu_self();

	/*
	 * No PAUSE here: QEMU's round-robin TCG (-icount) switches CPUs at every PAUSE, and with it
	 * the AP, switched out whenever it looked, never found the lock free.
	 */
	do {
		do
			answer_kick(cpu);
		while (__atomic_load_n(&hw_kernel_lock, __ATOMIC_RELAXED));
	} while (__atomic_exchange_n(&hw_kernel_lock, 1, __ATOMIC_ACQUIRE));
}

void hw_smp_kick_wait(hw_cpu_t *cpu, bool drop_root)
{
	uint64_t req;

	if (cpu == hw_cpu_self())
		return;
	if (drop_root)
		cpu->drop_root = true;
	req = __atomic_add_fetch(&cpu->kick_req, 1, __ATOMIC_ACQ_REL);
	hw_apic_ipi(cpu->apic_id, HW_VECTOR_KICK);
	while (__atomic_load_n(&cpu->kick_ack, __ATOMIC_ACQUIRE) < req)
		__asm__ volatile("pause");
}

void hw_smp_shootdown(uint64_t root, bool drop)
{
	hw_cpu_t *self;

	if (hw_cpu_count == 1)
		return;
	self = hw_cpu_self();
	for (unsigned i = 0; i < hw_cpu_count; i++) {
		if (&hw_cpus[i] != self && hw_cpus[i].loaded_root == root)
			hw_smp_kick_wait(&hw_cpus[i], drop);
	}
}

void hw_smp_wake(hw_cpu_t *cpu)
{
	if (cpu != hw_cpu_self())
		hw_apic_ipi(cpu->apic_id, HW_VECTOR_KICK);
}

static hw_cpu_features_t ap_features;

void hw_ap_main(void)
{
	unsigned index = hw_cpu_count;
	hw_cpu_t *cpu = &hw_cpus[index];

	hw_write_cr3(hw_paging_kernel_root());
	hw_cpu_setup(&ap_features);
	cpu->kernel_rsp = hw_ap_stack;
	hw_gdt_init(index, cpu->kernel_rsp);
	hw_idt_load();
	hw_cpu_syscall_init(cpu);
	hw_apic_init_ap();
	cpu->apic_id = hw_apic_id();
	hw_threads_init_cpu(cpu); /* its CR3 known before the first kick can come */
	hw_apic_timer_start_ap();
	__atomic_store_n(&ap_started, 1, __ATOMIC_RELEASE);
	hw_lock_take();
	hw_log("cpu %u (APIC id %u) runs", index, cpu->apic_id);
	hw_frame_t *first = hw_thread_schedule();
	hw_lock_release();
	hw_user_resume(first);
}

void hw_smp_start(hw_boot_info_t const *info)
{
	hw_range_t page = {.base = HW_AP_TRAMPOLINE, .size = 0x1000};
	size_t size = (size_t)((uint64_t)hw_ap_trampoline_end - (uint64_t)hw_ap_trampoline);
	uint8_t const *apic_ids;
	unsigned listed = hw_acpi_cpus(&apic_ids);
	uint8_t *dst = hw_phys_to_virt(HW_AP_TRAMPOLINE);
	uint32_t self = hw_apic_id(), efer = 0x100;

	if (listed <= 1)
		return;
	for (size_t i = 0; i < info->reserved_count; i++) {
		/* the first MiB is never handed out (HW_RESERVED_LOW): only what it holds counts */
		if (info->reserved[i].kind != HW_RESERVED_LOW &&
			hw_range_overlaps(page, info->reserved[i].range)) {
			hw_log("smp: the trampoline page 0x%x holds boot information "
			       "(0x%lx+0x%lx): "
			       "one CPU only",
				HW_AP_TRAMPOLINE, info->reserved[i].range.base,
				info->reserved[i].range.size);
			return;
		}
	}
	for (size_t i = 0; i < size; i++)
		dst[i] = (uint8_t)hw_ap_trampoline[i];
	if (hw_rdmsr(HW_MSR_EFER) & HW_EFER_NXE)
		efer |= HW_EFER_NXE;
	*(uint32_t volatile *)(dst + hw_ap_efer_offset) = efer;
	for (unsigned i = 0; i < listed && i < HW_ACPI_CPUS_MAX; i++) {
		unsigned waited = 0;
		if (apic_ids[i] == self)
			continue;
		if (hw_cpu_count == HW_CPU_MAX) {
			hw_log("smp: %u CPUs listed, running on %d", listed, HW_CPU_MAX);
			break;
		}
		hw_cpus[hw_cpu_count].index = hw_cpu_count;
		hw_cpus[hw_cpu_count].self = &hw_cpus[hw_cpu_count];
		hw_ap_stack = (uint64_t)&ap_stacks[hw_cpu_count][AP_STACK_SIZE];
		ap_started = 0;
		hw_apic_start_ap(apic_ids[i], HW_AP_TRAMPOLINE);
		while (!__atomic_load_n(&ap_started, __ATOMIC_ACQUIRE) && waited < AP_WAIT_MS) {
			hw_apic_delay_us(1000);
			waited++;
		}
		if (!ap_started) {
			hw_log("smp: the CPU with APIC id %u did not start", apic_ids[i]);
			continue;
		}
		hw_cpu_count++;
	}
	hw_log("smp: %u CPUs run the kernel (the MADT lists %u)", hw_cpu_count, listed);
}
