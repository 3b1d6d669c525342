/*
 * hw-core-child: a component as core will start it (hw_core): hw-core-root starts it from its boot
 * module, registers itself as its fault handler and answers its calls on slot 2 (lib/core_test.h).
 * In mode CORE_MODE_FULL it checks what a component that is not the root meets: no raw prints
 * (DENIED), at most 32 objects and 32 MiB of memory objects (LIMIT), the size of a dataspace it
 * received (mem_size) and its contents, an unbound signal context from the root bound to a
 * receiver of its own (the root's submits so far arrive at once, later ones too; a second binding
 * is EXISTS), and a badged capability it sends back, which the root recognises (cap_badge), while
 * its own call-only copy of the root's endpoint may not ask (DENIED). Then it exits with 42: the
 * root hears of it through the fault handler before the kernel ends the domain. The other modes
 * exit at once (7), from two threads (9 wins over 5), or while the root destroys its handler (3).
 */
#include "core_test.h"
#include "user.h"

#define DS_VA 0x100000000UL

enum {
	STACK = 4096,
	EP = HW_CAP_BOOT_EP,
	MIB16 = 16 << 20,
};

static unsigned failed;
static uint8_t stack[STACK] __attribute__((aligned(16)));

static void expect(char const *what, int64_t r, int64_t want)
{
	out("%s: %s%s", what, result_name(r), r == want ? "" : " WRONG");
	failed += r != want;
}

/* Calls the root with op (and cap, if any); returns the info of the answer. */
static int64_t call_root(uint64_t op, int64_t cap)
{
	main_utcb->msg[0] = op;
	main_utcb->caps[0] = (uint64_t)cap;
	return sys_call(EP, HW_MSG_INFO(1, cap >= 0 ? 1 : 0), 0);
}

static void limits(void)
{
	int64_t r, first = -1, n = 0, big[3];

	expect("print raw, not being the root", sys_print_flags("x", 1, HW_PRINT_RAW),
		-GN_ERR_DENIED);
	while ((r = sys_ep_create()) >= 0)
		first = first < 0 ? r : first, n++;
	out("created %ld endpoints, then: %s", n, result_name(r));
	failed += n != 32 || r != -GN_ERR_LIMIT;
	for (int64_t i = first; i < first + n; i++)
		sys_cap_drop((uint64_t)i);
	for (unsigned i = 0; i < 3; i++)
		big[i] = sys_mem_create(MIB16);
	out("three memory objects of 16 MiB: %s %s %s", big[0] >= 0 ? "ok" : "NO",
		big[1] >= 0 ? "ok" : "NO", result_name(big[2]));
	failed += big[0] < 0 || big[1] < 0 || big[2] != -GN_ERR_LIMIT;
	for (unsigned i = 0; i < 3; i++)
		sys_cap_drop((uint64_t)big[i]);
}

/* The dataspace the root sent: its size from the kernel, then its first word. */
static void dataspace(uint64_t ds)
{
	int64_t size = sys_mem_size(ds);

	expect("mem_size of the dataspace I received", size, 2 * 4096);
	expect("map it read-only with that size",
		sys_mem_map(ds, HW_CAP_PD, DS_VA, 0, (uint64_t)size, HW_MAP_READ), 0);
	out("its first word is the root's: %s",
		*(uint64_t volatile *)DS_VA == CORE_DS_WORD ? "yes" : "NO");
	failed += *(uint64_t volatile *)DS_VA != CORE_DS_WORD;
	expect("map it writable", sys_mem_map(ds, HW_CAP_PD, DS_VA + 0x10000, 0, 4096, 3),
		-GN_ERR_DENIED);
	expect("unmap it", sys_mem_unmap(HW_CAP_PD, DS_VA), 0);
}

static void signals(uint64_t context)
{
	int64_t receiver = sys_signal_receiver(), r;

	expect("bind the root's context to my receiver",
		sys_signal_bind(context, (uint64_t)receiver, CORE_SIGNAL_BADGE), 0);
	r = sys_signal_wait((uint64_t)receiver, 100000);
	out("wait: %s with badge 0x%lx (the root submitted twice before)", result_name(r),
		main_utcb->badge);
	failed += r != 2 || main_utcb->badge != CORE_SIGNAL_BADGE;
	expect("bind it again", sys_signal_bind(context, (uint64_t)receiver, 1), -GN_ERR_EXISTS);
	call_root(CORE_SUBMIT, -1);
	r = sys_signal_wait((uint64_t)receiver, 100000);
	out("wait after the root's next submit: %s with badge 0x%lx", result_name(r),
		main_utcb->badge);
	failed += r != 1 || main_utcb->badge != CORE_SIGNAL_BADGE;
}

static void second_thread(uint64_t arg, hw_utcb_t *utcb)
{
	(void)arg;
	(void)utcb;
	out("the second thread exits with 5");
	sys_exit(5);
}

int main(void)
{
	uint64_t mode, context, object, ds;
	int64_t r = call_root(CORE_HELLO, -1);

	mode = main_utcb->msg[0];
	if (r < 0)
		return 1;
	if (mode == CORE_MODE_EXIT)
		return 7;
	if (mode == CORE_MODE_ORPHAN)
		return 3;
	if (mode == CORE_MODE_TWO) {
		sys_thread_create(second_thread, 0, stack, STACK, HW_PRIO_MAX - 2);
		return 9;
	}
	if (HW_MSG_CAPS_OF(r) != 3)
		return 1;
	context = main_utcb->caps[0];
	object = main_utcb->caps[1];
	ds = main_utcb->caps[2];
	limits();
	dataspace(ds);
	signals(context);
	r = call_root(CORE_ECHO_CAP, (int64_t)object);
	out("the root recognises the capability I sent back: badge 0x%lx", main_utcb->msg[0]);
	failed += r < 0 || main_utcb->msg[0] != CORE_OBJECT_BADGE;
	expect("cap_badge through my call-only copy of its endpoint", sys_cap_badge(object, EP),
		-GN_ERR_DENIED);
	out("%u checks failed, exiting with 42", failed);
	return failed ? 1 : 42;
}
