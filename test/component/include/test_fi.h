/*
 * The fault_injection scenario's interfaces and its fault plan, in the style of MINIX 3's driver
 * fault-injection experiments: a server under load injects faults into itself, its parent (init)
 * must detect each one and restart it, and its clients must get through with nothing worse than
 * errors on the calls that were in flight.
 *
 * Fi: the service under test. compute(client, attempt, a, b) answers test_fi_answer(); the server
 * may instead fault (test-fi-server).
 * Tally: the witness that outlives the server: the server reports each incarnation's start and
 * each fault just before injecting it, each client its figures when done. Once every client is
 * done the tally prints the summary and exits.
 *
 * Whether a call faults, and whether with a crash or a hang, is a pure function of the config's
 * seed and (client, attempt), or for a session request of the seed and the session label: so a
 * fault is never repeated on retry (a client's next attempt, a reopened session's new label), yet
 * a seed always plans the same faults. (Which planned faults happen depends on timing: a call
 * that reaches a server killed by another client's fault fails without being served.) The kind of
 * crash or hang rotates with the number injected so far, which the tally keeps: so a run with at
 * least three crashes and two hangs injects every kind.
 */
#ifndef GNEISS_TEST_FI_H
#define GNEISS_TEST_FI_H

#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/rom_session.h>
#include <gneiss/xml.h>

#include "test_check.h"

typedef enum {
	TEST_FI_NONE = 0,
	TEST_FI_NULL_WRITE = 1, /* crash: SIGSEGV, reported by core */
	TEST_FI_SYSCALL = 2,    /* crash: a denied system call, core kills it */
	TEST_FI_EXIT = 3,       /* crash: exit_group(1) without telling the parent */
	TEST_FI_BUSY = 4,       /* hang: spins in the entrypoint */
	TEST_FI_BLOCKED = 5,    /* hang: blocks the entrypoint forever */
	TEST_FI_KINDS = 6,
} test_fi_kind_t;

static inline char const *test_fi_kind_name(uint32_t kind)
{
	static char const *const names[] = {"none", "crash (null write)",
		"crash (denied system call)", "crash (exit without telling init)", "hang (busy)",
		"hang (blocked)"};

	return kind < TEST_FI_KINDS ? names[kind] : "?";
}

static inline bool test_fi_is_hang(uint32_t kind)
{
	return kind == TEST_FI_BUSY || kind == TEST_FI_BLOCKED;
}

/* splitmix64: the PRNG step, also a good 64-bit mixer. */
static inline uint64_t test_fi_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

typedef struct {
	uint32_t incarnation;    /* 0 for the first server */
	uint32_t crashes, hangs; /* injected so far */
} test_tally_up_res_t;

/*
 * The fault planned for the draw r: crash_permille crashes and hang_permille hangs in 1000, of the
 * kind next in turn after the crashes and hangs so far.
 */
static inline test_fi_kind_t test_fi_plan(uint64_t r, uint32_t crash_permille,
	uint32_t hang_permille, test_tally_up_res_t const *so_far)
{
	uint32_t const p = (uint32_t)(r % 1000);

	if (p < crash_permille)
		return (test_fi_kind_t)(TEST_FI_NULL_WRITE + so_far->crashes % 3);
	if (p < crash_permille + hang_permille)
		return (test_fi_kind_t)(TEST_FI_BUSY + so_far->hangs % 2);
	return TEST_FI_NONE;
}

/* The draw for a call. */
static inline uint64_t test_fi_call_draw(uint64_t seed, uint32_t client, uint32_t attempt)
{
	return test_fi_mix(test_fi_mix(seed) ^ ((uint64_t)client << 32 | attempt));
}

/* The draw for a session request with the given label. */
static inline uint64_t test_fi_label_draw(uint64_t seed, char const *label)
{
	uint64_t h = test_fi_mix(seed ^ 0x5e55);

	for (; *label; label++)
		h = test_fi_mix(h ^ (uint8_t)*label);
	return h;
}

/* What compute answers; a client checks every answer against it. */
static inline uint64_t test_fi_answer(uint32_t client, uint32_t attempt, uint64_t a, uint64_t b)
{
	return test_fi_mix(a ^ test_fi_mix(b + client)) + attempt;
}

typedef struct {
	uint32_t client, attempt;
	uint64_t a, b;
} test_fi_compute_args_t;

typedef struct {
	uint64_t value;
} test_fi_compute_res_t;

#define TEST_FI_RPCS(X, P) X(P, compute, 1, test_fi_compute_args_t, test_fi_compute_res_t, 0, 0)

GN_RPC_CLIENT(test_fi, TEST_FI_RPCS)

typedef struct {
	uint32_t kind; /* test_fi_kind_t */
} test_tally_fault_args_t;

typedef struct {
	uint32_t client;
	uint32_t calls;      /* answered correctly */
	uint32_t attempts;   /* calls made */
	uint32_t errors;     /* calls that failed: REVOKED (the server died under it) */
	uint32_t reopens;    /* sessions opened again after an error */
	uint32_t churns;     /* sessions closed and opened again on purpose */
	uint32_t refused;    /* session requests refused while the server restarted */
	uint32_t unexpected; /* calls that failed with anything but REVOKED */
	uint32_t wrong;      /* answers that were not test_fi_answer() */
} test_tally_done_args_t;

/*
 * server_up: a server incarnation is ready to serve (before it announces Fi); returns its number
 * and the faults injected so far. injecting: the server is about to inject a fault of the kind
 * given. client_done: a client's figures.
 */
#define TEST_TALLY_RPCS(X, P)                                            \
	X(P, server_up, 1, gn_rpc_void_t, test_tally_up_res_t, 0, 0)     \
	X(P, injecting, 2, test_tally_fault_args_t, gn_rpc_void_t, 0, 0) \
	X(P, client_done, 3, test_tally_done_args_t, gn_rpc_void_t, 0, 0)

GN_RPC_CLIENT(test_tally, TEST_TALLY_RPCS)

/* The component's config ROM, attached for good. */
static inline gn_xml_node_t test_fi_config(gn_env_t *env)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t config;

	TEST_OK(gn_session(env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom, &id));
	TEST_OK(gn_rom_session_dataspace(rom, &none, &info, NULL, &ds));
	TEST_OK(gn_ds_attach(ds, &addr, &size, &writable));
	TEST_OK(gn_xml_parse(addr, info.size, &config, NULL));
	return config;
}

/* A numeric attribute of the config, def when absent; a malformed one fails the test. */
static inline uint64_t test_fi_attr(gn_xml_node_t const *config, char const *name, uint64_t def)
{
	uint64_t v = def;

	TEST_OK(gn_xml_attr_u64(config, name, def, &v));
	return v;
}

#endif
