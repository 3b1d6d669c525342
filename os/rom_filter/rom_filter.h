/*
 * rom_filter's parts: main.c (config, output, shared helpers), input.c (the input ROMs it reads),
 * rom.c (the ROM service handing the output out) and filter.c (the config language, pure).
 */
#ifndef ROM_FILTER_H
#define ROM_FILTER_H

#include <gneiss/env.h>
#include <gneiss/service.h>
#include <gneiss/xml.h>

enum {
	PAGE = 4096,
	MAX_INPUTS = 16,        /* input ROMs read at once */
	ROM_MAX = 4 * GN_MIB,   /* largest config or input ROM taken */
	BUFFER_DEFAULT = 4096,  /* output limit without <config buffer=".."> (Genode's default) */
	BUFFER_MAX = 4 * GN_MIB /* largest output limit a config may ask for */
};

extern gn_env_t *rf_env;
extern bool rf_verbose;
extern gn_service_ops_t const rom_service_ops;

/* A dataspace of rom_filter's own PD, attached writable here for as long as it lives. */
typedef struct {
	gn_cap_t cap; /* GN_CAP_INVALID: none */
	char *addr;
	size_t size; /* page-rounded: what the PD was charged */
} buffer_t;

/* ---- main.c ------------------------------------------------------------------------------------ */

/* size rounded up to whole pages; 0 when that overflows. */
size_t page_round(size_t size);

/* Allocates size bytes (a multiple of PAGE) from rom_filter's PD and attaches them to b. */
gn_err_t buffer_alloc(buffer_t *b, size_t size) GN_MUST_CHECK;

/* Detaches and frees b (nothing when it holds none); b then holds none. */
void buffer_free(buffer_t *b);

/*
 * Copies the current content of the ROM session rom into copy (grown as needed, a NUL after the
 * content) and sets *len to its length. The copy is private, so a server that keeps writing its
 * dataspace cannot change a document after it was parsed. Errors: those of the `dataspace` call
 * and of attaching, BAD_MSG (a size beyond the dataspace), LIMIT (more than ROM_MAX bytes),
 * OUT_OF_RAM; copy then holds nothing valid and *len is 0.
 */
gn_err_t rom_fetch(gn_cap_t rom, buffer_t *copy, size_t *len) GN_MUST_CHECK;

/* The output now in force: *len bytes at *data (NUL-terminated), 0 before the first. */
void output_content(char const **data, size_t *len);

/* Generates the output anew; when it changed, signals every ROM session. */
void output_update(void);

/* ---- input.c ----------------------------------------------------------------------------------- */

/*
 * Opens a ROM session at the parent for each input ROM config names that has none yet (this waits
 * for the parent, dispatching signals meanwhile); a refusal is logged and leaves that input
 * missing until the next config.
 */
void inputs_open(gn_xml_node_t const *config);

/* Closes the sessions of the input ROMs config no longer names. */
void inputs_close_unused(gn_xml_node_t const *config);

/* The top-level node of input ROM rom (rf_inputs_t.rom); false while missing or malformed. */
bool inputs_top(void *ctx, char const *rom, gn_xml_node_t *top);

/* ---- rom.c ------------------------------------------------------------------------------------- */

/* Signals every ROM session that the output changed. */
void roms_notify(void);

#endif
