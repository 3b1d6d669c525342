/*
 * Hostile system calls for the sandbox and attack scenarios. An attacker component makes exactly
 * one hostile call, with the raw instruction, as a hostile binary would, bypassing the library.
 * (The capability and exhaustion families make allowed calls instead: attack_call_t, below.)
 * The expected outcome is one of two:
 * - killed: core names the call in its log and kills the component (or, where no call can be
 *   named, the kernel kills it with a signal and core reports the signal). The attacker's own
 *   lines prove nothing; the scenario takes its verdict from core's line and init's "ended
 *   without exiting".
 * - refused: the kernel answers the call with one exact -errno. The attacker logs
 *   "<call> returned <value>" and exits with 0 when the value is the expected one; anything else
 *   is "attack was not stopped", which every scenario rejects, and init's "exited with exit value
 *   0" shows that it went no further.
 *
 * The attack components of test/attack/ hold a table of attacks, one component per family (files,
 * sockets, ...), and run the one their <config attack="NAME"/> selects, so each <start> of a
 * scenario is one attacker with its own label in core's log.
 */
#ifndef TEST_ATTACK_H
#define TEST_ATTACK_H

#include <asm/unistd.h>
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/fmt.h>
#include <gneiss/log.h>
#include <gneiss/parent.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/string.h>
#include <gneiss/xml.h>
#include <lx_cap.h>
#include <lx_syscall.h>

static inline GN_NORETURN void attack_done(gn_env_t *env, long ret)
{
	/* reached only if the sandbox let the call through: a test failure the log makes visible */
	gn_error("attack was not stopped (returned %ld)", ret);
	gn_exit(env, 1);
}

/* A fresh RAM dataspace of one page from the PD session, for attacks on memory. */
static inline gn_cap_t attack_ram(gn_env_t *env)
{
	gn_pd_alloc_ram_res_t res;
	gn_cap_t ds;

	if (gn_pd_session_alloc_ram(env->pd, &(gn_pd_alloc_ram_args_t){4096}, &res, NULL, &ds) !=
		GN_OK) {
		gn_error("attack: no RAM dataspace");
		gn_exit(env, 1);
	}
	return ds;
}

/* The descriptor of a fresh RAM dataspace: a memfd from core, still owned by the cap table. */
static inline long attack_ram_fd(gn_env_t *env)
{
	return lx_cap_fd(attack_ram(env));
}

/* The address of a fresh RAM dataspace, attached as the library does. */
static inline long attack_ram_attached(gn_env_t *env)
{
	void *addr;
	size_t size;
	bool writable;

	if (gn_ds_attach(attack_ram(env), &addr, &size, &writable) != GN_OK) {
		gn_error("attack: attaching a RAM dataspace failed");
		gn_exit(env, 1);
	}
	return (long)addr;
}

/*
 * The expected outcome of an attack that must never return: core kills it naming the call, or (for
 * the ABI and code-execution attacks) the kernel kills it with a signal core reports.
 */
#define ATTACK_KILLED 0

typedef struct {
	/* what <config attack="..."/> says, by convention also the start name */
	char const *name;
	/* the call made, as core names it, and what the attack tries, for the log */
	char const *syscall;
	char const *what;
	/* preparation with allowed calls only, then the one hostile call, whose value it returns */
	long (*attack)(gn_env_t *env);
	/* ATTACK_KILLED, or the -errno the kernel must answer */
	long expect;
} attack_t;

/* Reads the attack its config names into name; false (logged) if there is none. */
static inline bool attack_config(gn_env_t *env, char *name, size_t size)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t mapped;
	bool writable;
	gn_xml_node_t config;

	if (gn_session(env, "ROM", "ram_quota=4K, cap_quota=2, label=\"config\"", &rom, &id) !=
			GN_OK ||
		gn_rom_session_dataspace(rom, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &mapped, &writable) != GN_OK) {
		gn_error("attack: no config");
		return false;
	}
	if (gn_xml_parse(addr, info.size, &config, NULL) != GN_OK ||
		gn_xml_attr_str(&config, "attack", name, size) != GN_OK) {
		gn_error("attack: config names no attack");
		return false;
	}
	gn_ds_detach(addr, mapped);
	gn_cap_drop(ds);
	gn_session_close(env, id, rom);
	return true;
}

/* The attack its config names; NULL (logged) if there is none. */
static inline attack_t const *attack_select(gn_env_t *env, attack_t const *table, unsigned n)
{
	char name[64];

	if (!attack_config(env, name, sizeof(name)))
		return NULL;
	for (unsigned i = 0; i < n; i++)
		if (gn_strcmp(table[i].name, name) == 0)
			return &table[i];
	gn_error("attack: unknown attack \"%s\"", name);
	return NULL;
}

/* Runs the attack the config selects and judges what came back; never returns. */
static inline GN_NORETURN void attack_run(gn_env_t *env, attack_t const *table, unsigned n)
{
	attack_t const *a = attack_select(env, table, n);

	if (a) {
		gn_log("attempting %s: %s", a->syscall, a->what);
		long const ret = a->attack(env);
		if (a->expect == ATTACK_KILLED || ret != a->expect)
			attack_done(env, ret);
		gn_log("%s returned %ld", a->syscall, ret);
	}
	gn_exit(env, a ? 0 : 1);
}

/*
 * Attacks that make allowed calls only (the caps and exhaust families): a capability it was never
 * granted or that was revoked, a message a server must refuse, more of a resource than its quota
 * pays for. Nothing kills such an attacker; its outcome is the one answer core, init, a server or
 * the kernel must give: a gn_err_t (>= 0) that an RPC returned, or the -errno of a raw system
 * call. The attacker logs "<call> returned <answer>" (a status by name) and exits with 0 when it
 * is the expected one, and "attack was not stopped" otherwise. Where core, init or the server
 * under attack prints a line of its own (a denial, an escaped log line, the label it saw), the
 * scenario judges by that line too.
 */
typedef struct {
	char const *name;
	char const *call;
	char const *what;
	long (*attack)(gn_env_t *env);
	long expect;
} attack_call_t;

/* The name of an answer: a status of any interface the attackers call, or the -errno. */
static inline char const *attack_answer(long ret, char *buf, size_t size)
{
	switch (ret) {
	case GN_ERR_INSUFFICIENT_RAM: return "INSUFFICIENT_RAM";
	case GN_ERR_INSUFFICIENT_CAPS: return "INSUFFICIENT_CAPS";
	case GN_ERR_UNROUTABLE: return "UNROUTABLE";
	}
	if (ret >= 0)
		return gn_err_name((gn_err_t)ret);
	gn_ignore(gn_fmt(buf, size, NULL, "%ld", ret));
	return buf;
}

/* Runs the attack the config selects and judges its answer; never returns. */
static inline GN_NORETURN void attack_call_run(
	gn_env_t *env, attack_call_t const *table, unsigned n)
{
	attack_call_t const *a = NULL;
	char name[64], answer[24];
	bool stopped = false;

	if (attack_config(env, name, sizeof(name))) {
		for (unsigned i = 0; i < n && !a; i++)
			if (gn_strcmp(table[i].name, name) == 0)
				a = &table[i];
		if (!a)
			gn_error("attack: unknown attack \"%s\"", name);
	}
	if (a) {
		gn_log("attempting %s: %s", a->call, a->what);
		long const ret = a->attack(env);
		stopped = ret == a->expect;
		if (stopped)
			gn_log("%s returned %s", a->call,
				attack_answer(ret, answer, sizeof(answer)));
		else
			gn_error("attack was not stopped (returned %s)",
				attack_answer(ret, answer, sizeof(answer)));
	}
	gn_exit(env, stopped ? 0 : 1);
}

#endif
