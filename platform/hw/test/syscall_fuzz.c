/*
 * hw-syscall-fuzz: makes CALLS kernel calls with random numbers and arguments. Three in four
 * numbers are valid or just past the last; the arguments are drawn from values that probe the
 * kernel's checks: anything at all, small numbers (lengths, indices, timeouts), values near 2^64,
 * addresses in the kernel's image and direct map, around the end of the user half (the stack and
 * past it) and the canonical hole, and around the program's own buffer (partly valid, partly
 * not), and capability indices (mostly the few slots in use, some anywhere). Before a call its
 * UTCB's capability words get random indices now and then, so messages carry random capabilities.
 * The new calls of domain management, memory objects, badges and deferred replies get the same
 * treatment (with random fifth and sixth arguments in R8 and R9); an empty domain it creates ends
 * with it. Device access too: before the first call the program makes itself a capability for the
 * harmless port 0x80 (POST codes) in its top slot, out of reach of the random drops (it fills
 * every free slot below for a moment), and drops the I/O port factory, so that no random call can
 * create a capability for a port that resets or reconfigures the machine (0x64, 0x92, 0xcf9);
 * port_in and port_out then hit 0x80 and its neighbours with random widths and values, and IRQ
 * objects of random lines are created, bound to random contexts and acknowledged (an interrupt
 * only submits a signal). The calls for core (milestone 5) as well: prints with flags (raw ones
 * are the root's, and this is the root), mem_size, cap_badge, cap_same, unbound contexts and
 * signal_bind. Every result must be a success or one of the documented refusals; anything else
 * ends the program with 1. Calls that would end the program or block it for long (exit, thread exit, thread
 * creation, whose random thread would fault, and a sleep, wait, call, reply_wait or signal wait
 * longer than 2 ms or for ever) are skipped: they are tested where their effects can be observed
 * (hw_threads, hw_ipc, hw_caps). The program is the root (the first module), so its boot endpoint
 * may receive, and a drop of its slot 2 destroys it. At the end the program checks that the kernel
 * still serves it, reports the tally and exits with 0.
 */
#include "user.h"

#define SCRATCH 0x100000000UL /* free user memory for the fuzzed mappings */

enum {
	CALLS = 50000,
	BUFFER = 64,
	BLOCK_MAX_US = 2000,
	WITNESS_US = 150000, /* hw-witness's lines take 100 ms: let it finish before the end */
};

static uint64_t state = 0x9e3779b97f4a7c15ULL;
static char buffer[BUFFER];

static uint64_t next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dULL;
}

static uint64_t value(void)
{
	switch (next() % 12) {
	case 8:
	case 9: return next() % 12;                   /* a capability index, likely in use */
	case 10: return SCRATCH + next() % 64 * 4096; /* a page where mem_map may succeed */
	case 11: return next() % 8 * 4096;            /* a size or offset of whole pages */
	case 0: return next();
	case 1: return next() % 320;
	case 2: return ~0ULL - next() % 16;
	case 3: return 0xffffffff80000000ULL + next() % 0x1000000;
	case 4: return 0xffff800000000000ULL + next() % 0x100000000ULL;
	case 5: return HW_USER_END - 0x20000 + next() % 0x40000;
	case 6: return (uint64_t)buffer - BUFFER + next() % (3 * BUFFER);
	default: return 0x0000800000000000ULL - 0x8000 + next() % 0x10000;
	}
}

/*
 * For half of the calls of memory objects and domain management: arguments that may well be
 * valid (capability indices in use, free pages, small page-aligned sizes, the domain factory, a
 * name in its buffer), so that these calls succeed, overlap and fail on each other's state too.
 */
/* what the last successful mem_create and pd_create gave, where the last mem_map mapped */
static uint64_t last_mem, last_pd, last_va;
/* the capability of port 0x80, the last IRQ capability irq_create gave */
static uint64_t port80, last_irq;
/* the last receiver and context the signal calls gave */
static uint64_t last_receiver, last_context;

static void shape(uint64_t number, uint64_t arg[6])
{
	uint64_t page = SCRATCH + next() % 8 * 4096, cap = next() % 12, other = next() % 12;

	switch (number) {
	case HW_SYS_MEM_CREATE: arg[0] = (1 + next() % 8) * 4096; break;
	case HW_SYS_MEM_MAP:
		arg[0] = next() % 4 ? last_mem : cap;
		arg[1] = next() % 2 ? HW_CAP_PD : next() % 2 ? last_pd : other;
		arg[2] = page;
		arg[3] = next() % 2 * 4096;
		arg[4] = (1 + next() % 4) * 4096;
		arg[5] = next() % 8;
		break;
	case HW_SYS_MEM_UNMAP:
		arg[0] = next() % 2 ? HW_CAP_PD : next() % 2 ? last_pd : other;
		arg[1] = next() % 2 ? last_va : page;
		break;
	case HW_SYS_PD_CREATE:
		arg[0] = next() % 2 ? HW_CAP_FACTORY : cap;
		arg[1] = (uint64_t)buffer + next() % BUFFER;
		arg[2] = 1 + next() % 8;
		break;
	case HW_SYS_CAP_GIVE:
		arg[0] = cap;
		arg[1] = other;
		arg[2] = next() % HW_CAP_SLOTS;
		arg[3] = next() % (HW_RIGHTS_ALL + 1);
		break;
	case HW_SYS_IO_PORT_CREATE:
		arg[0] = next() % 2 ? HW_CAP_IO_PORT_FACTORY : cap;
		arg[1] = 0x7f + next() % 3;
		arg[2] = next() % 3;
		break;
	case HW_SYS_PORT_IN:
	case HW_SYS_PORT_OUT:
		arg[0] = next() % 4 ? port80 : cap;
		arg[1] = next() % 2 ? 0x80 : 0x7f + next() % 3;
		arg[2] = next() % 2 ? 1 : next() % 6;
		arg[3] = next() % 2 ? next() % 256 : next();
		break;
	case HW_SYS_IRQ_CREATE:
		arg[0] = next() % 2 ? HW_CAP_IRQ_FACTORY : cap;
		arg[1] = next() % 18;
		break;
	case HW_SYS_IRQ_BIND:
	case HW_SYS_IRQ_ACK:
		arg[0] = next() % 4 ? last_irq : cap;
		arg[1] = other;
		break;
	case HW_SYS_PRINT:
		arg[0] = next() % 2 ? (uint64_t)buffer + next() % BUFFER : value();
		arg[1] = next() % 16;
		arg[2] = next() % 4; /* 0, HW_PRINT_RAW (the root may) or unknown bits */
		break;
	case HW_SYS_MEM_SIZE: arg[0] = next() % 2 ? last_mem : cap; break;
	case HW_SYS_CAP_BADGE:
		arg[0] = cap;
		arg[1] = next() % 2 ? HW_CAP_BOOT_EP : other;
		break;
	case HW_SYS_CAP_SAME:
		arg[0] = cap;
		arg[1] = next() % 2 ? other : next() % (HW_CAP_SLOTS + 2);
		break;
	case HW_SYS_SIGNAL_CONTEXT:
		arg[0] = next() % 2 ? HW_SIGNAL_UNBOUND : last_receiver;
		arg[1] = next() % 4 ? 0 : next();
		break;
	case HW_SYS_SIGNAL_BIND:
		arg[0] = next() % 4 ? last_context : cap;
		arg[1] = next() % 4 ? last_receiver : other;
		arg[2] = next();
		break;
	case HW_SYS_FAULT_HANDLER:
		arg[0] = next() % 2 ? HW_CAP_PD : next() % 2 ? last_pd : cap;
		arg[1] = next() % 2 ? HW_CAP_BOOT_EP : other;
		break;
	case HW_SYS_CAP_MINT:
	case HW_SYS_EP_REVOKE_BADGE:
		arg[0] = cap;
		arg[1] = next() % (HW_RIGHTS_ALL + 1);
		arg[2] = next() % 4;
		break;
	default: break;
	}
}

/* The argument that is the timeout of a blocking call, or -1 for calls that do not block. */
static int timeout_arg(uint64_t number)
{
	switch (number) {
	case HW_SYS_SLEEP:
	case HW_SYS_WAIT: return 0;
	case HW_SYS_SIGNAL_WAIT: return 1;
	case HW_SYS_CALL:
	case HW_SYS_REPLY_WAIT: return 2;
	default: return -1;
	}
}

static bool skipped(uint64_t number, uint64_t const arg[4])
{
	int t = timeout_arg(number);

	return number == HW_SYS_EXIT || number == HW_SYS_THREAD_EXIT ||
	       number == HW_SYS_THREAD_CREATE || number == HW_SYS_THREAD_START ||
	       (t >= 0 && arg[t] <= HW_SLEEP_MAX_US && (arg[t] > BLOCK_MAX_US || arg[t] == 0));
}

/* Whether a refusal err of call number is one that it documents. */
static bool documented(uint64_t number, int64_t r)
{
	bool caps = number >= HW_SYS_WAKE && number != HW_SYS_TIME && number != HW_SYS_FS_BASE &&
		    number != HW_SYS_REPLY_CAP && number != HW_SYS_MEM_CREATE;
	bool creates = number == HW_SYS_EP_CREATE || number == HW_SYS_SIGNAL_RECEIVER ||
		       number == HW_SYS_SIGNAL_CONTEXT || number == HW_SYS_CAP_MINT ||
		       number == HW_SYS_REPLY_CAP || number == HW_SYS_MEM_CREATE ||
		       number == HW_SYS_PD_CREATE || number == HW_SYS_IO_PORT_CREATE ||
		       number == HW_SYS_IRQ_CREATE;

	switch (-r) {
	case GN_ERR_BAD_MSG:
	case GN_ERR_INVALID_ARG:
	case GN_ERR_DENIED: return true;
	case GN_ERR_TIMEOUT: return timeout_arg(number) >= 0;
	case GN_ERR_INVALID_CAP:
	case GN_ERR_REVOKED: return caps;
	case GN_ERR_OUT_OF_CAPS: return creates;
	case GN_ERR_LIMIT: return creates || number == HW_SYS_MEM_MAP;
	case GN_ERR_NOT_FOUND:
		return number == HW_SYS_REPLY_CAP || number == HW_SYS_REPLY ||
		       number == HW_SYS_CAP_BADGE || number == HW_SYS_REPLY_WAIT ||
		       number == HW_SYS_MEM_UNMAP || number == HW_SYS_IRQ_CREATE ||
		       number == HW_SYS_IRQ_ACK;
	case GN_ERR_EXISTS:
		return number == HW_SYS_MEM_MAP || number == HW_SYS_CAP_GIVE ||
		       number == HW_SYS_IRQ_CREATE || number == HW_SYS_SIGNAL_BIND;
	case GN_ERR_OUT_OF_RAM:
		return number == HW_SYS_MEM_CREATE || number == HW_SYS_MEM_MAP ||
		       number == HW_SYS_PD_CREATE;
	default: return false;
	}
}

int main(void)
{
	unsigned long ok = 0, bad_msg = 0, invalid = 0, denied = 0, timeouts = 0, skips = 0;
	unsigned long cap_refusals = 0, limits = 0, raw = 0, accepted[HW_SYS_COUNT] = {0};
	static bool filled[HW_CAP_SLOTS];
	int64_t r0;

	for (unsigned i = 0; i < BUFFER; i++)
		buffer[i] = 'x';
	for (uint64_t slot = HW_CAP_FIRST_FREE; slot < HW_CAP_SLOTS - 1; slot++)
		filled[slot] = sys_cap_give(HW_CAP_PD, HW_CAP_PD, slot, 0) == 0;
	r0 = sys_io_port_create(HW_CAP_IO_PORT_FACTORY, 0x80, 1);
	for (uint64_t slot = HW_CAP_FIRST_FREE; slot < HW_CAP_SLOTS - 1; slot++) {
		if (filled[slot])
			sys_cap_drop(slot);
	}
	if (r0 != HW_CAP_SLOTS - 1 || sys_cap_drop(HW_CAP_IO_PORT_FACTORY) != 0)
		return 1;
	port80 = (uint64_t)r0;
	for (unsigned i = 0; i < CALLS; i++) {
		uint64_t number = next() % 4 ? next() % (HW_SYS_COUNT + 2) : value();
		uint64_t arg[6] = {value(), value(), value(), value(), value(), value()};
		int64_t r;

		if (skipped(number, arg)) {
			skips++;
			continue;
		}
		if (next() % 8 == 0)
			main_utcb->caps[next() % HW_MSG_CAPS] = value();
		if (next() % 2)
			shape(number, arg);
		r = hw_syscall6(number, arg[0], arg[1], arg[2], arg[3], arg[4], arg[5]);
		if (r >= 0) {
			ok++;
			accepted[number < HW_SYS_COUNT ? number : 0]++;
			last_mem = number == HW_SYS_MEM_CREATE ? (uint64_t)r : last_mem;
			last_pd = number == HW_SYS_PD_CREATE ? (uint64_t)r : last_pd;
			last_va = number == HW_SYS_MEM_MAP ? arg[2] : last_va;
			last_irq = number == HW_SYS_IRQ_CREATE ? (uint64_t)r : last_irq;
			last_receiver =
				number == HW_SYS_SIGNAL_RECEIVER ? (uint64_t)r : last_receiver;
			last_context = number == HW_SYS_SIGNAL_CONTEXT ? (uint64_t)r : last_context;
			raw += number == HW_SYS_PRINT && arg[2] == HW_PRINT_RAW;
		} else if (!documented(number, r)) {
			out("call %u: number 0x%lx (0x%lx, 0x%lx, 0x%lx, 0x%lx) gave %ld", i,
				number, arg[0], arg[1], arg[2], arg[3], r);
			return 1;
		} else if (r == -GN_ERR_BAD_MSG)
			bad_msg++;
		else if (r == -GN_ERR_INVALID_ARG)
			invalid++;
		else if (r == -GN_ERR_DENIED)
			denied++;
		else if (r == -GN_ERR_TIMEOUT)
			timeouts++;
		else if (r == -GN_ERR_INVALID_CAP || r == -GN_ERR_REVOKED)
			cap_refusals++;
		else
			limits++;
	}
	out("%u calls: %lu accepted, %lu unknown numbers or bad messages, %lu invalid arguments, "
	    "%lu denied, %lu capability refusals, %lu limits, %lu timeouts, %lu skipped",
		CALLS, ok, bad_msg, invalid, denied, cap_refusals, limits, timeouts, skips);
	out("accepted: fs_base %lu, cap_mint %lu, ep_revoke_badge %lu, mem_create %lu, mem_map "
	    "%lu, "
	    "mem_unmap %lu, pd_create %lu, cap_give %lu, fault_handler %lu",
		accepted[HW_SYS_FS_BASE], accepted[HW_SYS_CAP_MINT],
		accepted[HW_SYS_EP_REVOKE_BADGE], accepted[HW_SYS_MEM_CREATE],
		accepted[HW_SYS_MEM_MAP], accepted[HW_SYS_MEM_UNMAP], accepted[HW_SYS_PD_CREATE],
		accepted[HW_SYS_CAP_GIVE], accepted[HW_SYS_FAULT_HANDLER]);
	out("accepted: port_in %lu, port_out %lu, irq_create %lu, irq_bind %lu, irq_ack %lu",
		accepted[HW_SYS_PORT_IN], accepted[HW_SYS_PORT_OUT], accepted[HW_SYS_IRQ_CREATE],
		accepted[HW_SYS_IRQ_BIND], accepted[HW_SYS_IRQ_ACK]);
	out("accepted: mem_size %lu, cap_badge %lu, cap_same %lu, signal_context %lu, signal_bind "
	    "%lu, raw prints %lu",
		accepted[HW_SYS_MEM_SIZE], accepted[HW_SYS_CAP_BADGE], accepted[HW_SYS_CAP_SAME],
		accepted[HW_SYS_SIGNAL_CONTEXT], accepted[HW_SYS_SIGNAL_BIND], raw);
	if (sys_print("still served", 12) != 0 || sys_sleep(WITNESS_US) != 0)
		return 1;
	return 0;
}
