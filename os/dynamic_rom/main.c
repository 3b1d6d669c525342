/*
 * A ROM server whose content changes over time, as Genode's dynamic_rom: its config lists, per ROM
 * name, a sequence of <inline> contents and <sleep ms=".."/> pauses. A ROM session's label selects
 * the ROM by its last element. Every change gives each session a fresh dataspace and submits the
 * session's signal; the last content stays.
 */
#include <gneiss/dataspace.h>
#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/log.h>
#include <gneiss/pd_session.h>
#include <gneiss/rom_session.h>
#include <gneiss/service.h>
#include <gneiss/signal.h>
#include <gneiss/string.h>
#include <gneiss/time.h>
#include <gneiss/xml.h>

enum {
	MAX_SESSIONS = 8,
	NAME_MAX = 64
};

typedef struct {
	bool used;
	char rom[NAME_MAX];
	gn_cap_t cap, ds, sigh;
	size_t size;
} session_t;

static gn_env_t *env;
static session_t sessions[MAX_SESSIONS];
static gn_xml_node_t config;
static char current_rom[NAME_MAX];
static gn_xml_node_t current; /* the <inline> node now in force */

GN_RPC_SERVER(gn_rom_session, GN_ROM_RPCS)

/* A fresh dataspace with the content of the current <inline> (its sub-node) for s. */
static gn_err_t fill(session_t *s)
{
	gn_xml_node_t content;
	gn_pd_alloc_ram_res_t alloc;
	gn_rpc_void_t none = {0};
	void *addr;
	size_t mapped;
	bool writable;

	if (s->ds) {
		gn_ignore(gn_pd_session_free_ram(env->pd, &none, &none, &s->ds, NULL));
		gn_cap_drop(s->ds);
		s->ds = GN_CAP_INVALID;
	}
	s->size = 0;
	bool const has =
		gn_strcmp(s->rom, current_rom) == 0 && gn_xml_first_sub(&current, &content);
	gn_err_t err = gn_pd_session_alloc_ram(env->pd,
		&(gn_pd_alloc_ram_args_t){has && content.len ? content.len : 1}, &alloc, NULL,
		&s->ds);
	if (err != GN_OK || !has)
		return err;
	err = gn_ds_attach(s->ds, &addr, &mapped, &writable);
	if (err == GN_OK) {
		gn_memcpy(addr, content.base, content.len);
		gn_ds_detach(addr, mapped);
		s->size = content.len;
	}
	return err;
}

static gn_err_t dataspace(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rom_dataspace_res_t *res)
{
	session_t const *s = obj;

	(void)args;
	req->caps_out[0] = gn_cap_copy(s->ds);
	req->num_caps_out = 1;
	res->size = s->size;
	return GN_OK;
}

static gn_err_t sigh(
	void *obj, gn_rpc_request_t *req, gn_rpc_void_t const *args, gn_rpc_void_t *res)
{
	session_t *s = obj;

	(void)args;
	(void)res;
	if (gn_cap_kind(req->caps_in[0]) != GN_CAP_KIND_SIGNAL)
		return GN_ERR_INVALID_CAP;
	gn_cap_drop(s->sigh);
	s->sigh = gn_cap_copy(req->caps_in[0]);
	return GN_OK;
}

static gn_rom_session_ops_t const rom_ops = {dataspace, sigh};

static gn_err_t create(void *ctx, char const *args, gn_cap_t *cap)
{
	char label[GN_LABEL_MAX];
	size_t last_len;

	(void)ctx;
	if (gn_args_get_label(args, label, sizeof(label)) != GN_OK)
		return GN_ERR_DENIED;
	char const *last = gn_label_last(label, gn_strlen(label), &last_len);
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (s->used)
			continue;
		if (last_len >= sizeof(s->rom))
			return GN_ERR_DENIED;
		*s = (session_t){.used = true};
		gn_memcpy(s->rom, last, last_len);
		gn_err_t err = fill(s);
		if (err == GN_OK)
			err = gn_ep_manage(env->ep, s, &gn_rom_session_iface, &rom_ops, &s->cap);
		if (err != GN_OK) {
			s->used = false;
			return err;
		}
		*cap = gn_cap_copy(s->cap);
		return GN_OK;
	}
	return GN_ERR_DENIED;
}

static void close(void *ctx, gn_cap_t cap)
{
	void *obj = gn_ep_lookup(env->ep, cap, &gn_rom_session_iface);
	gn_rpc_void_t none = {0};

	(void)ctx;
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (!s->used || obj != s)
			continue;
		gn_ep_dissolve(env->ep, s->cap);
		gn_cap_drop(s->cap);
		gn_cap_drop(s->sigh);
		gn_ignore(gn_pd_session_free_ram(env->pd, &none, &none, &s->ds, NULL));
		gn_cap_drop(s->ds);
		s->used = false;
	}
}

static gn_service_ops_t const service_ops = {create, NULL, close};

/* Serves requests for ms milliseconds. */
static void serve_for(uint64_t ms)
{
	uint64_t const deadline = gn_time_now_us() + ms * 1000;

	for (uint64_t now = gn_time_now_us(); now < deadline; now = gn_time_now_us())
		gn_ignore(gn_ep_dispatch(env->ep, (int)((deadline - now + 999) / 1000)));
}

static void change(gn_xml_node_t const *in, unsigned step)
{
	current = *in;
	gn_log("change ROM \"%s\" to step %u", current_rom, step);
	for (unsigned i = 0; i < MAX_SESSIONS; i++) {
		session_t *s = &sessions[i];
		if (!s->used || gn_strcmp(s->rom, current_rom) != 0)
			continue;
		if (fill(s) != GN_OK) {
			gn_warning("ROM \"%s\": no RAM for step %u, the session keeps nothing",
				s->rom, step);
			continue;
		}
		if (s->sigh)
			gn_ignore(gn_signal_submit(s->sigh, 1));
	}
}

/* Fails the component with a message (a config it cannot follow). */
static GN_NORETURN void give_up(char const *why)
{
	gn_error("%s", why);
	gn_exit(env, 1);
}

void gn_component_construct(gn_env_t *e)
{
	gn_rpc_void_t none = {0};
	gn_rom_dataspace_res_t info;
	gn_cap_t rom, ds;
	uint32_t id;
	void *addr;
	size_t size;
	bool writable;
	gn_xml_node_t node, step;
	unsigned steps = 0;

	env = e;
	if (gn_session(env, "ROM", "ram_quota=8K, cap_quota=2, label=\"config\"", &rom, &id) !=
			GN_OK ||
		gn_rom_session_dataspace(rom, &none, &info, NULL, &ds) != GN_OK ||
		gn_ds_attach(ds, &addr, &size, &writable) != GN_OK)
		give_up("no config");
	if (gn_xml_parse(addr, info.size, &config, NULL) != GN_OK ||
		!gn_xml_first_sub_type(&config, "rom", &node) ||
		gn_xml_attr_str(&node, "name", current_rom, sizeof(current_rom)) != GN_OK)
		give_up("config: expected <rom name=\"...\"> with <inline> and <sleep ms=\"...\"/> "
			"steps");
	for (bool more = gn_xml_first_sub(&node, &step); more; more = gn_xml_next(&step, &step)) {
		uint64_t ms = 0;
		if (gn_xml_has_type(&step, "inline")) {
			change(&step, steps++);
			if (steps == 1 && /* clients never see the ROM without content */
				gn_service_announce(env, "ROM", &service_ops, NULL) != GN_OK)
				give_up("cannot announce the ROM service");
		} else if (gn_xml_has_type(&step, "sleep") &&
			   gn_xml_attr_u64(&step, "ms", 0, &ms) == GN_OK)
			serve_for(ms);
	}
	gn_log("all %u steps done", steps);
}
