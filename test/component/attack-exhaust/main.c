/*
 * Attacks by exhaustion (test/attack/exhaust). Every resource a component uses comes out of its
 * own quota or is bounded per component: RAM and capabilities from its PD, the donations of its
 * sessions, threads (core's record, the stack dataspace, and RLIMIT_NPROC for threads it clones
 * itself), descriptors (RLIMIT_NOFILE), session records at init (per child), CPU time (shared by
 * the kernel's scheduler). Each attack takes one of them until it is refused, or asks for more
 * than there is at once, or storms init with requests, and must get one exact answer: a quota or
 * limit error (attack.h, attack_call_t), never a crash of core or init and never an answer taken
 * from another component's share. The victim beside them (test-rpc-server with test-rpc-client)
 * keeps answering.
 *
 * Two entries are no attacks of their own: "cpu-hog" spins on every CPU and never returns, and
 * "mute" provides a service it never announces (pending-loop asks it for sessions).
 */
#include <linux/sched.h>

#include <gneiss/cpu_session.h>
#include <gneiss/thread.h>
#include <lx.h>

#include "attack.h"
#include "../../../platform/linux/seccomp/policy.h"

enum {
	PAGE = 4096,
	RAW_STACK = 2048,
	RAW_THREADS_MAX = 128,
	CPUS_MAX = 64,
	STORM = 200,
	CHURN = 1000,
	HEARTBEATS = 10000,
	POLL_MS = 10,
};

static gn_env_t *env;

long lx_clone(void (*fn)(void *), void *stack, unsigned long flags, void *arg, int *parent_tid,
	void *tls, int *child_tid);

static GN_NORETURN void prep_failed(char const *what, gn_err_t err)
{
	gn_error("attack: %s: %s", what, gn_err_name(err));
	gn_exit(env, 1);
}

static gn_pd_quota_res_t quota(void)
{
	gn_rpc_void_t none = {0};
	gn_pd_quota_res_t q;
	gn_err_t const err = gn_pd_session_quota(env->pd, &none, &q, NULL, NULL);

	if (err != GN_OK)
		prep_failed("no quota", err);
	return q;
}

static void sleep_ms(unsigned ms)
{
	struct lx_timespec const ts = {0, (int64_t)ms * 1000000};

	lx_nanosleep(&ts);
}

static GN_NORETURN void sleep_forever(void)
{
	for (;;)
		sleep_ms(1000);
}

/* A session request at the parent, without the library's retries: the parent's answer. */
static gn_err_t open_raw(char const *service, char const *args, uint32_t id)
{
	gn_parent_session_args_t req = {.id = id};
	gn_rpc_void_t res;
	gn_cap_t cap;

	gn_ignore(gn_strlcpy(req.service, service, sizeof(req.service)));
	gn_ignore(gn_strlcpy(req.args, args, sizeof(req.args)));
	gn_err_t err = gn_parent_session(env->parent, &req, &res, NULL, NULL);
	gn_parent_id_args_t const which = {id};
	while (err == GN_OK && (err = gn_parent_session_cap(
					env->parent, &which, &res, NULL, &cap)) == GN_ERR_AGAIN)
		sleep_ms(POLL_MS);
	return err;
}

/* ---- RAM and capabilities of the PD ---------------------------------------------------------- */

static long ram_beyond(gn_env_t *e)
{
	gn_pd_quota_res_t const q = quota();
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;

	return gn_pd_session_alloc_ram(
		e->pd, &(gn_pd_alloc_ram_args_t){q.ram_quota - q.ram_used + PAGE}, &res, NULL, &ds);
}

static long ram_overflow(gn_env_t *e)
{
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;

	return gn_pd_session_alloc_ram(
		e->pd, &(gn_pd_alloc_ram_args_t){UINT64_MAX}, &res, NULL, &ds);
}

/*
 * A refusal for want of quota that came while the PD still had the quota: a table that all PDs
 * share was full (LIMIT then), which would refuse every other PD too.
 */
static gn_err_t own_quota(gn_err_t err)
{
	gn_pd_quota_res_t const q = quota();

	if ((err == GN_ERR_OUT_OF_RAM && q.ram_quota - q.ram_used >= PAGE) ||
		(err == GN_ERR_OUT_OF_CAPS && q.cap_used < q.cap_quota)) {
		gn_error("refused with %llu bytes and %llu caps of its quota left",
			(unsigned long long)(q.ram_quota - q.ram_used),
			(unsigned long long)(q.cap_quota - q.cap_used));
		return GN_ERR_LIMIT;
	}
	return err;
}

/* Takes one of a PD's resources until refused (dropping what it got); returns the refusal. */
static long until_refused(bool ram, char const *what)
{
	gn_rpc_void_t none = {0};
	gn_pd_alloc_ram_res_t res;
	gn_cap_t cap;
	unsigned n = 0;
	gn_err_t err;

	for (;; n++) {
		err = ram ? gn_pd_session_alloc_ram(
				    env->pd, &(gn_pd_alloc_ram_args_t){PAGE}, &res, NULL, &cap)
			  : gn_pd_session_alloc_signal(env->pd, &none, &none, NULL, &cap);
		if (err != GN_OK)
			break;
		gn_cap_drop(cap); /* core keeps its own reference and the charge */
	}
	gn_log("%u %s, then refused", n, what);
	return own_quota(err);
}

static long ram_loop(gn_env_t *e)
{
	(void)e;
	return until_refused(true, "dataspaces of 4K");
}

static long signal_loop(gn_env_t *e)
{
	(void)e;
	return until_refused(false, "signal contexts");
}

static long thread_records(gn_env_t *e)
{
	gn_cpu_create_thread_args_t const args = {"record", GN_CPU_ANY};
	gn_cpu_create_thread_res_t res;
	unsigned n = 0;
	gn_err_t err;

	while ((err = gn_cpu_session_create_thread(e->cpu, &args, &res, NULL, NULL)) == GN_OK)
		n++;
	gn_log("%u thread records at core, then refused", n);
	return own_quota(err);
}

/*
 * Thread records in CPU sessions of its own at core, opened without a donation: whatever they
 * cost must come out of the donation (nothing), not out of another account.
 */
static long cpu_session_records(gn_env_t *e)
{
	gn_cpu_create_thread_args_t const args = {"record", GN_CPU_ANY};
	gn_cpu_create_thread_res_t res;
	unsigned n = 0, sessions = 0;
	gn_err_t err = GN_OK;

	while (err == GN_OK && sessions < 8) {
		gn_cap_t cpu;
		uint32_t id;
		err = gn_session(e, "CPU", "ram_quota=0, cap_quota=0, label=\"extra\"", &cpu, &id);
		if (err != GN_OK)
			prep_failed("no CPU session", err);
		sessions++;
		while ((err = gn_cpu_session_create_thread(cpu, &args, &res, NULL, NULL)) == GN_OK)
			n++;
		if (err == GN_ERR_LIMIT)
			err = GN_OK; /* the session's own limit: on to the next session */
	}
	gn_log("%u thread records in %u CPU sessions donated nothing", n, sessions);
	return n ? GN_ERR_LIMIT : err;
}

/* ---- donations --------------------------------------------------------------------------------- */

static long session_beyond(gn_env_t *e)
{
	char args[GN_SESSION_ARGS_MAX];

	(void)e;
	gn_ignore(gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu, label=\"beyond\"",
		(unsigned long long)(quota().ram_quota + PAGE)));
	return open_raw("LOG", args, GN_PARENT_FIRST_ID + 1000);
}

static long session_caps_beyond(gn_env_t *e)
{
	char args[GN_SESSION_ARGS_MAX];

	(void)e;
	gn_ignore(gn_fmt(args, sizeof(args), NULL, "cap_quota=%llu, label=\"beyond\"",
		(unsigned long long)(quota().cap_quota + 1)));
	return open_raw("LOG", args, GN_PARENT_FIRST_ID + 1000);
}

static long donation_overflow(gn_env_t *e)
{
	(void)e;
	return open_raw("LOG", "ram_quota=18446744073709551616, label=\"overflow\"",
		GN_PARENT_FIRST_ID + 1000);
}

/* A LOG session at core donating 4K: what the upgrades below try to inflate. */
static uint32_t donated_session(void)
{
	gn_cap_t log;
	uint32_t id;
	gn_err_t const err =
		gn_session(env, "LOG", "ram_quota=4K, cap_quota=0, label=\"upgraded\"", &log, &id);

	if (err != GN_OK)
		prep_failed("no LOG session", err);
	return id;
}

static gn_err_t upgrade_raw(uint32_t id, char const *args)
{
	gn_parent_upgrade_args_t req = {.id = id};
	gn_rpc_void_t res;

	gn_ignore(gn_strlcpy(req.args, args, sizeof(req.args)));
	return gn_parent_upgrade(env->parent, &req, &res, NULL, NULL);
}

static long upgrade_beyond(gn_env_t *e)
{
	uint32_t const id = donated_session();
	char args[GN_SESSION_ARGS_MAX];

	(void)e;
	gn_ignore(gn_fmt(args, sizeof(args), NULL, "ram_quota=%llu",
		(unsigned long long)(quota().ram_quota + PAGE)));
	return upgrade_raw(id, args);
}

static long upgrade_wrap(gn_env_t *e)
{
	(void)e;
	return upgrade_raw(donated_session(), "ram_quota=18446744073709551615");
}

/* ---- threads ---------------------------------------------------------------------------------- */

static void block_forever(void *arg)
{
	(void)arg;
	sleep_forever();
}

static long thread_stack(gn_env_t *e)
{
	static gn_thread_t t;
	gn_pd_quota_res_t const before = quota();
	gn_err_t const err =
		gn_thread_create(e, "big", GN_THREAD_STACK_MAX, block_forever, NULL, &t);
	gn_pd_quota_res_t const after = quota();

	if (after.ram_used != before.ram_used || after.cap_used != before.cap_used) {
		gn_error("a refused thread kept %lld bytes and %lld caps",
			(long long)(after.ram_used - before.ram_used),
			(long long)(after.cap_used - before.cap_used));
		return GN_ERR_IO;
	}
	return err;
}

static long thread_bomb(gn_env_t *e)
{
	static gn_thread_t threads[RAW_THREADS_MAX];
	unsigned n = 0;
	gn_err_t err = GN_OK;

	while (n < RAW_THREADS_MAX && (err = gn_thread_create(e, "bomb", GN_THREAD_STACK_MIN,
					       block_forever, NULL, &threads[n])) == GN_OK)
		n++;
	gn_log("%u threads, then refused", n);
	return err;
}

static uint32_t raw_word; /* the raw threads sleep on it */

static GN_NORETURN void raw_thread(void *arg)
{
	(void)arg;
	for (;;)
		(void)lx_futex(&raw_word, LX_FUTEX_WAIT, 0, NULL);
}

/*
 * Threads cloned directly, with no record at core and stacks carved out of one dataspace of its
 * own: nothing of core's is used, so only the kernel's per-uid task limit stops them.
 */
static long thread_bomb_raw(gn_env_t *e)
{
	static struct {
		int tid;
	} ids[RAW_THREADS_MAX];
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;
	void *base = NULL;
	size_t size;
	bool writable;

	gn_err_t err = gn_pd_session_alloc_ram(
		e->pd, &(gn_pd_alloc_ram_args_t){RAW_THREADS_MAX * RAW_STACK}, &res, NULL, &ds);
	if (err == GN_OK)
		err = gn_ds_attach(ds, &base, &size, &writable);
	if (err != GN_OK)
		prep_failed("no stack dataspace", err);
	long ret = 0;
	unsigned n = 0;
	for (; n < RAW_THREADS_MAX; n++) {
		char *const top = (char *)((uintptr_t)base + (n + 1) * RAW_STACK);
		/* the thread uses no thread-local data: its "TLS" is a word on its own stack */
		ret = lx_clone(raw_thread, top - 64, GN_SECCOMP_THREAD_CLONE_FLAGS, NULL,
			&ids[n].tid, top - 32, &ids[n].tid);
		if (ret < 0)
			break;
	}
	gn_log("%u raw threads, then refused", n);
	return ret;
}

/* ---- descriptors --------------------------------------------------------------------------- */

static long fd_signals(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	gn_cap_t cap;
	unsigned n = 0;
	gn_err_t err;

	/* kept: each is a descriptor, until the kernel can install no more of them */
	while ((err = gn_pd_session_alloc_signal(e->pd, &none, &none, NULL, &cap)) == GN_OK)
		n++;
	gn_log("%u signal contexts kept, then refused", n);
	return err;
}

static long fd_socketpairs(gn_env_t *e)
{
	int sv[2];
	unsigned n = 0;
	long ret;

	(void)e;
	while ((ret = lx_socketpair_seqpacket(sv)) == 0)
		n++;
	gn_log("%u socket pairs, then refused", n);
	return ret;
}

/* ---- CPU time ------------------------------------------------------------------------------ */

static void spin(void *arg)
{
	(void)arg;
	for (volatile uint64_t i = 0;; i++)
		;
}

static long cpu_hog(gn_env_t *e)
{
	static gn_thread_t threads[CPUS_MAX];
	uint32_t cpus = 1;

	gn_ignore(gn_thread_affinity_space(e, &cpus));
	for (uint32_t i = 1; i < cpus && i < CPUS_MAX; i++)
		if (gn_thread_create_on(e, "hog", 0, i, spin, NULL, &threads[i]) != GN_OK)
			prep_failed("no thread", GN_ERR_LIMIT);
	gn_log("spinning on %u CPUs", (unsigned)cpus);
	spin(NULL);
	return GN_ERR_IO;
}

/* ---- storms at init ------------------------------------------------------------------------ */

static long resource_storm(gn_env_t *e)
{
	gn_pd_quota_res_t const q = quota();
	gn_parent_resource_args_t const want = {.ram = 1ull << 40,
		.caps = 1000000,
		.ram_quota = q.ram_quota,
		.cap_quota = q.cap_quota};
	gn_rpc_void_t res;

	for (unsigned i = 0; i < STORM; i++) {
		gn_err_t const err = gn_parent_resource_request(e->parent, &want, &res, NULL, NULL);
		if (err != GN_ERR_DENIED)
			return err;
	}
	gn_log("%u requests for more quota than init has, each refused", (unsigned)STORM);
	return GN_ERR_DENIED;
}

static long session_churn(gn_env_t *e)
{
	gn_pd_quota_res_t const before = quota();
	gn_cap_t log;
	uint32_t id;

	for (unsigned i = 0; i < CHURN; i++) {
		gn_err_t const err = gn_session(
			e, "LOG", "ram_quota=8K, cap_quota=1, label=\"churn\"", &log, &id);
		if (err != GN_OK)
			return err;
		gn_session_close(e, id, log);
	}
	gn_pd_quota_res_t const after = quota();
	if (after.ram_quota != before.ram_quota || after.cap_quota != before.cap_quota ||
		after.ram_used != before.ram_used || after.cap_used != before.cap_used) {
		gn_error("the donations did not come back exactly");
		return GN_ERR_IO;
	}
	gn_log("%u sessions opened and closed, every donation back", (unsigned)CHURN);
	return GN_OK;
}

static long parent_storm(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	gn_parent_resource_args_t want;
	gn_err_t err = GN_OK;

	for (unsigned i = 0; i < HEARTBEATS && err == GN_OK; i++) {
		err = gn_parent_heartbeat_response(e->parent, &none, &none, NULL, NULL);
		if (err == GN_OK)
			err = gn_parent_yield_request(e->parent, &none, &want, NULL, NULL);
		if (err == GN_OK)
			err = gn_parent_yield_response(e->parent, &none, &none, NULL, NULL);
	}
	return err;
}

static long pending_loop(gn_env_t *e)
{
	unsigned n = 0;
	gn_parent_session_args_t req = {.service = "Mute", .args = "label=\"pending\""};
	gn_rpc_void_t res;
	gn_err_t err;

	for (;; n++) {
		req.id = GN_PARENT_FIRST_ID + 1000 + n;
		err = gn_parent_session(e->parent, &req, &res, NULL, NULL);
		if (err != GN_OK)
			break;
	}
	gn_log("%u requests pending, then refused", n);
	return err;
}

static long mute(gn_env_t *e)
{
	(void)e;
	sleep_forever();
}

static attack_call_t const attacks[] = {
	{"ram-beyond", "alloc_ram", "one dataspace bigger than what is left of its quota",
		ram_beyond, GN_ERR_OUT_OF_RAM},
	{"ram-overflow", "alloc_ram", "a size that wraps around when rounded to pages",
		ram_overflow, GN_ERR_INVALID_ARG},
	{"ram-loop", "alloc_ram", "dataspaces of 4K until refused", ram_loop, GN_ERR_OUT_OF_RAM},
	{"signal-loop", "alloc_signal",
		"signal contexts until refused, with more caps than core once had room for",
		signal_loop, GN_ERR_OUT_OF_CAPS},
	{"thread-records", "create_thread", "thread records at core until its quota refuses",
		thread_records, GN_ERR_OUT_OF_CAPS},
	{"cpu-session-records", "create_thread",
		"thread records in CPU sessions of its own, opened without a donation",
		cpu_session_records, GN_ERR_OUT_OF_CAPS},
	{"session-beyond", "session", "a donation of more RAM than its quota", session_beyond,
		GN_ERR_INSUFFICIENT_RAM},
	{"session-caps-beyond", "session", "a donation of more caps than its quota",
		session_caps_beyond, GN_ERR_INSUFFICIENT_CAPS},
	{"donation-overflow", "session", "a donation of 2^64 bytes", donation_overflow,
		GN_ERR_INVALID_ARG},
	{"upgrade-beyond", "upgrade", "an upgrade by more RAM than its quota", upgrade_beyond,
		GN_ERR_INSUFFICIENT_RAM},
	{"upgrade-wrap", "upgrade", "an upgrade that wraps the session's donation around",
		upgrade_wrap, GN_ERR_INVALID_ARG},
	{"thread-stack", "create_thread", "a thread with an 8 MiB stack in a 1 MiB quota",
		thread_stack, GN_ERR_OUT_OF_RAM},
	{"thread-bomb", "create_thread", "threads until refused", thread_bomb, GN_ERR_LIMIT},
	{"thread-bomb-raw", "clone", "threads cloned without core's record until refused",
		thread_bomb_raw, -LX_EAGAIN},
	{"fd-signals", "alloc_signal", "signal contexts kept until no descriptor fits", fd_signals,
		GN_ERR_BAD_MSG},
	{"fd-socketpairs", "socketpair", "socket pairs until no descriptor fits", fd_socketpairs,
		-LX_EMFILE},
	{"cpu-hog", "loop", "busy loops on every CPU, forever", cpu_hog, GN_OK},
	{"resource-storm", "resource_request", "200 requests for more quota than init has",
		resource_storm, GN_ERR_DENIED},
	{"session-churn", "session", "1000 LOG sessions opened and closed in a row", session_churn,
		GN_OK},
	{"parent-storm", "heartbeat_response", "10000 heartbeat and yield answers nobody asked for",
		parent_storm, GN_OK},
	{"pending-loop", "session", "requests for a service never announced, until refused",
		pending_loop, GN_ERR_LIMIT},
	{"mute", "nothing", "a service it provides but never announces", mute, GN_OK},
};

void gn_component_construct(gn_env_t *e)
{
	env = e;
	attack_call_run(e, attacks, GN_ARRAY_SIZE(attacks));
}
