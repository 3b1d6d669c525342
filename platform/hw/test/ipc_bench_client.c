/*
 * hw-ipc-bench-client: the client of the IPC benchmark (DESIGN.md §6). It measures one call plus
 * its reply, with the server already waiting, by reading the time stamp counter right before and
 * after the call: under QEMU's `-icount shift=0` the counter advances by one per guest
 * instruction, so the difference is the instructions from the client's `syscall` to its return,
 * through the kernel, the server's user code and back, plus the two reads, whose cost (measured
 * with nothing between them) is subtracted. SAMPLES single round trips after WARMUP; the median
 * is the figure (a timer interrupt inside a sample makes it an outlier). Without -icount the
 * counter runs in host time and the numbers mean little. The line `bench: ipc_round_trip ...` is
 * what tool/bench/run reads; tests never assert its value.
 */
#include "user.h"

enum {
	WARMUP = 100,
	SAMPLES = 1001,
};

static uint64_t samples[SAMPLES];

static void sort(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* The cost of two back-to-back reads: the smallest of SAMPLES. */
static uint64_t rdtsc_cost(void)
{
	uint64_t best = ~0ULL;

	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rdtsc(), t1 = rdtsc();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

int main(void)
{
	uint64_t overhead = rdtsc_cost();
	int64_t r;

	for (unsigned i = 0; i < WARMUP; i++) {
		if (hw_syscall4(HW_SYS_CALL, HW_CAP_BOOT_EP, 0, 0, 0) != 0)
			return 1;
	}
	for (unsigned i = 0; i < SAMPLES; i++) {
		uint64_t t0 = rdtsc();
		r = hw_syscall4(HW_SYS_CALL, HW_CAP_BOOT_EP, 0, 0, 0);
		uint64_t t1 = rdtsc();
		if (r != 0)
			return 2;
		samples[i] = t1 - t0 - overhead;
	}
	sort(samples, SAMPLES);
	out("ipc round trip: %lu counter ticks, instructions under -icount shift=0 (median of %d; "
	    "min %lu, max %lu; the two rdtsc reads, %lu, subtracted)",
		samples[SAMPLES / 2], SAMPLES, samples[0], samples[SAMPLES - 1], overhead);
	out("bench: ipc_round_trip median=%lu min=%lu p10=%lu p90=%lu n=%d", samples[SAMPLES / 2],
		samples[0], samples[SAMPLES / 10], samples[SAMPLES * 9 / 10], SAMPLES);
	main_utcb->msg[0] = 0;
	r = hw_syscall4(HW_SYS_CALL, HW_CAP_BOOT_EP, HW_MSG_INFO(1, 0), 0, 0);
	out("server stopped: %s", result_name(r));
	return r == -GN_ERR_REVOKED ? 0 : 3;
}
