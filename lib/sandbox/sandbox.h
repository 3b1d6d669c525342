/*
 * The sandbox library inside (include/gneiss/sandbox.h is its interface): its children and the
 * sessions it brokers between them and its own parent.
 */
#ifndef GNEISS_SANDBOX_INTERNAL_H
#define GNEISS_SANDBOX_INTERNAL_H

#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/parent.h>
#include <gneiss/sandbox.h>
#include <gneiss/session_fsm.h>
#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

enum {
	MAX_CHILDREN = 64,
	/*
	 * Brokered sessions (session.c): records per client, whatever their state (a nested init
	 * needs three per child of its own), of them pending at most MAX_PENDING_PER_CHILD; the
	 * table holds every child's full share plus the records of dead clients whose servers have
	 * not answered <close> yet, so no child can take another's records.
	 */
	MAX_SESSIONS_PER_CHILD = 64,
	/* init's parent as a client of re-exported services (server.c): one more party */
	PARENT_CLIENT = MAX_CHILDREN,
	MAX_PENDING_PER_CHILD = 16,
	MAX_SESSIONS = (MAX_CHILDREN + 1) * MAX_SESSIONS_PER_CHILD + MAX_CHILDREN,
	MAX_LOCAL_PER_CHILD = 2, /* sessions init serves a child itself (its "config" ROM) */
	MAX_PROVIDED = 8,
	NAME_MAX = 64
};

typedef struct child {
	bool used;
	char name[NAME_MAX];
	gn_xml_node_t start; /* in the config in force */
	uint64_t ram, caps;  /* the quota init gave it */
	uint32_t priority;   /* of its CPU sessions, within init's band (gneiss/cpu_session.h) */
	uint32_t cpu_first, cpu_count; /* its CPUs, of init's own affinity space */
	gn_cap_t parent_obj;
	uint32_t env_ids[3]; /* PD, CPU, LOG at init's parent */
	gn_cap_t env_caps[3];
	gn_cap_t ended;              /* signal context core submits when the program ends */
	gn_cap_t heartbeat_sig;      /* the child's: init submits it each heartbeat round */
	bool heartbeat_pending;      /* submitted, not answered yet */
	uint64_t skipped_heartbeats; /* rounds not answered in a row */
	uint64_t requested_ram, requested_caps; /* asked for beyond its quota, not granted */
	gn_cap_t yield_sig;                     /* the child's: init wants quota back */
	uint64_t target_ram, target_caps;       /* the quota the config wants it to have */
	gn_cap_t session_sig;                   /* the child's: answers to its requests */
	char provided[MAX_PROVIDED][GN_SERVICE_NAME_MAX]; /* announced services */
	gn_cap_t requests_sig;               /* the child's: its session_requests changed */
	gn_cap_t requests_ds;                /* init's: the session_requests ROM */
	gn_session_requests_hdr_t *requests; /* attached */
	size_t requests_size;
} child_t;

typedef enum {
	ROUTE_DENIED,
	ROUTE_PARENT,
	ROUTE_CHILD,
	ROUTE_CONFIG /* the child's inline <config>, served by init */
} route_t;

extern gn_env_t *sandbox_env;
extern gn_xml_node_t sandbox_config;
extern child_t sandbox_children[MAX_CHILDREN];

child_t *child_by_name(char const *name, size_t len);
bool child_provides(child_t *c, char const *service);

/*
 * Routing: where child c's request for service with its own label goes, and the label to present
 * there (child_route.c). Logs why a request is denied.
 */
route_t route_resolve(child_t *c, char const *service, char const *label, child_t **server,
	char *routed_label, size_t size);

/* The parent interface the sandbox serves its children (session.c, parent_rpc.c). */
gn_err_t sessions_init(void);
gn_err_t sessions_serve_child(child_t *c);
void sessions_child_gone(child_t *c); /* before its PD closes */
/* True when one of c's sessions would be routed elsewhere (or relabelled) by c's start node now. */
bool sessions_route_changed(child_t *c);
/*
 * Requests of init's parent for re-exported services (server.c), as the client PARENT_CLIENT of
 * the state machine: a new request routed to server, and the machine itself for the rest. Its
 * actions are drained by sessions_settle(), which calls server_answer() when init's parent has
 * answers due.
 */
gn_err_t sessions_parent_request(
	uint32_t id, char const *service, char const *args, child_t *server);
void sessions_settle(void);
/* Writes c's requested (or provided) sessions as <requested>/<provided> nodes. */
void sessions_report(child_t *c, gn_xml_gen_t *g, bool requested, bool with_args);

/* ---- the session machinery (session.c, parent_rpc.c, local_session.c, session_report.c) ---- */

/* What the sandbox keeps beside a record of the machine. */
typedef struct {
	gn_cap_t cap;             /* delivered by the server; dropped at RELEASE */
	bool up_closed;           /* upstream: close no longer answers AGAIN */
	char label[GN_LABEL_MAX]; /* the label as the client chose it, for re-routing */
} side_t;

extern gn_session_fsm_t session_fsm;
extern side_t session_sides[MAX_SESSIONS];

uint16_t child_index(child_t const *c);
gn_cap_t child_pd(child_t const *c);
char const *sessions_party_name(uint16_t who); /* a child's name, or "init's parent" */
gn_err_t sessions_move_quota(gn_cap_t from, gn_cap_t to, uint64_t ram, uint64_t caps);
/* Rewrites server's session_requests ROM from the machine. */
void sessions_write_requests(child_t *server);

/* A session the sandbox serves itself (local_session.c). */
typedef struct {
	bool used;
	child_t *client;
	uint32_t id;
	gn_cap_t cap; /* invalid: refused, session_cap answers refusal once */
	gn_err_t refusal;
	uint64_t ram, caps;             /* the donation, held by the sandbox */
	char label[GN_LABEL_MAX];       /* as the client chose it */
	char args[GN_SESSION_ARGS_MAX]; /* with the label as routing presents it */
} local_t;

enum {
	MAX_LOCAL = MAX_CHILDREN * MAX_LOCAL_PER_CHILD
};
extern local_t session_locals[MAX_LOCAL];

local_t *local_of(child_t const *c, uint32_t id);
/* Ends l; the donation goes back to the client when refund (a dead client's stays). */
void local_free(local_t *l, bool refund);
/* Opens the session: its answer (the ROM or the refusal) is kept for session_cap. */
gn_err_t local_session(child_t *c, uint32_t id, char const *args, char const *label);
void locals_child_gone(child_t *c);

/* Re-exported services (server.c): announces the config's <service> nodes at init's parent. */
void server_configure(void);
void server_answer(void); /* answers init's parent where the machine has news */

/* The state report (state_report.c). */
gn_err_t state_report_init(void);
void state_report_stale(void); /* something it shows changed */
void state_report_exited(child_t const *c, int value, bool ended);
/* Drops the exited record of name, or (all_but_listed) of every child the config no longer has. */
void state_report_forget(char const *name, bool all_but_listed);

/* The ROM of child c's inline <config>, paid from the donation (config_rom.c). */
gn_err_t config_rom_create(child_t *c, uint64_t donated_ram, gn_cap_t *cap);
void config_rom_destroy(gn_cap_t cap);
/* c's inline <config> changed: its config ROMs get the new content and a signal. */
void config_rom_update(child_t *c);

/* Heartbeat monitoring (heartbeat.c): follows the config's <heartbeat rate_ms>. */
void heartbeat_configure(void);
/*
 * Child c asks for more quota (child.c): granted from init's spare quota up to the start node's
 * ram_limit/caps_limit; otherwise recorded for the state report and DENIED.
 */
gn_err_t child_resource_request(child_t *c, gn_parent_resource_args_t const *want);
/* What c is asked to yield now, and c's answer that it did (child.c). */
gn_parent_resource_args_t child_yield_request(child_t *c);
void child_yielded(child_t *c);

/*
 * Restarts child c, logging why (child.c). A limited restart (after a crash or hang) happens at
 * most restart_max times (default 3) within restart_period_ms (default 10000) per child name.
 */
void child_restart(child_t *c, char const *why, bool limited);

/*
 * The priority a CPU session that c requests at init's parent gets: the requested one (within c's
 * own priority levels) mapped into c's band, as Genode's init does.
 */
uint64_t child_cpu_priority(child_t const *c, uint64_t requested);

/*
 * The CPUs (offset and count in init's affinity space) for a CPU session that c requests at
 * init's parent with offset and count in its own space: the part of c's range it asks for.
 */
void child_cpu_range(child_t const *c, uint64_t *offset, uint64_t *count);

/* Called by parent_rpc.c when a child exits (value) or must go (crash handled in child.c). */
void child_exited(child_t *c, int value);

#endif
