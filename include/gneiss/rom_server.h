/*
 * Serving ROM sessions whose content a server decides (report_rom, rom_filter): the session
 * records, their dataspaces and signals, as a service's create/upgrade/close callbacks.
 *
 * Each session has a dataspace of its own, paid from its donation, into which every `dataspace`
 * call of its client copies the content the server has now for the session's key, followed by a
 * NUL; between two such calls nothing changes it, so a client never sees a half-written version
 * and no client can change what another reads. A larger content needs a larger dataspace (the old
 * one is freed first: the client must no longer use it); when the donation cannot pay for that,
 * the call fails with OUT_OF_RAM and the session keeps its dataspace until the client upgrades.
 * A session costs GN_ROM_SESSION_CAPS capabilities and at least the pages of the content it would
 * read now.
 */
#ifndef GNEISS_ROM_SERVER_H
#define GNEISS_ROM_SERVER_H

#include <gneiss/env.h>
#include <gneiss/label.h>

enum {
	GN_ROM_SERVER_SESSIONS = 32,
	GN_ROM_SESSION_CAPS = 2, /* the session object and its dataspace */
};

/* The content a session with key reads now: valid until the server changes it. */
typedef void (*gn_rom_content_fn_t)(void *ctx, char const *key, char const **data, size_t *len);

struct gn_rom_server;

/* A session. Treat the fields as private. */
typedef struct {
	bool used;
	struct gn_rom_server *server;
	gn_cap_t cap;
	gn_cap_t sigh; /* the client's, or GN_CAP_INVALID */
	char label[GN_LABEL_MAX];
	char key[GN_LABEL_MAX]; /* what it reads */
	gn_cap_t ds;            /* GN_CAP_INVALID: none */
	char *addr;
	size_t size;  /* of ds, page-rounded: what the PD was charged */
	size_t shown; /* content bytes now in ds */
	uint64_t ram; /* the donation, upgrades included */
} gn_rom_served_t;

typedef struct gn_rom_server {
	gn_env_t *env;
	gn_rom_content_fn_t content;
	void *ctx;
	bool verbose; /* log upgrades and refusals for want of RAM */
	gn_rom_served_t sessions[GN_ROM_SERVER_SESSIONS];
} gn_rom_server_t;

void gn_rom_server_init(
	gn_rom_server_t *s, gn_env_t *env, gn_rom_content_fn_t content, void *ctx, bool verbose);

/*
 * A new session labelled label that reads key, with the donation ram and caps; *cap gets the
 * reference the service library hands to the client. Errors: INSUFFICIENT_CAPS/_RAM (the donation
 * does not cover the session now), DENIED (GN_ROM_SERVER_SESSIONS are open), those of allocating.
 */
gn_err_t gn_rom_server_open(gn_rom_server_t *s, char const *label, char const *key, uint64_t ram,
	uint64_t caps, gn_cap_t *cap) GN_MUST_CHECK;

/* More donation for the session of cap. */
void gn_rom_server_upgrade(gn_rom_server_t *s, gn_cap_t cap, uint64_t ram);

/* Ends the session of cap: its dataspace is freed, its object dissolved. */
void gn_rom_server_close(gn_rom_server_t *s, gn_cap_t cap);

/* The content of key changed (NULL: of every key): signals the sessions reading it. */
void gn_rom_server_notify(gn_rom_server_t *s, char const *key);

#endif
