/*
 * report_rom's parts: main.c (config, policies, what both services share), report.c (the Report
 * service, which owns the reports) and rom.c (the ROM service, which hands copies of them out).
 */
#ifndef REPORT_ROM_H
#define REPORT_ROM_H

#include <gneiss/env.h>
#include <gneiss/label.h>
#include <gneiss/service.h>

enum {
	MAX_REPORTS = 16, /* Report sessions served at once */
	MAX_POLICIES = 32,
	PAGE = 4096,
};

extern gn_env_t *rr_env;
extern bool rr_verbose;
extern gn_service_ops_t const report_service_ops;
extern gn_service_ops_t const rom_service_ops;

/* What every session request carries. */
typedef struct {
	char label[GN_LABEL_MAX];
	uint64_t ram, caps; /* the donation, now in report_rom's PD */
} session_args_t;

/* A dataspace of report_rom's PD, attached writable here for as long as it lives. */
typedef struct {
	gn_cap_t cap; /* GN_CAP_INVALID: none */
	char *addr;
	uint64_t size; /* page-rounded: what the PD was charged */
} buffer_t;

/* ---- main.c ------------------------------------------------------------------------------------ */

/* Reads label, ram_quota and cap_quota (absent: 0). Errors: DENIED for a malformed request. */
gn_err_t session_args(char const *args, session_args_t *out) GN_MUST_CHECK;

/*
 * The name of the report whose content a ROM session labelled `label` gets (its policy's `report`
 * attribute), copied into report of GN_LABEL_MAX bytes. Errors: DENIED when no policy matches.
 */
gn_err_t policy_report(char const *label, char *report) GN_MUST_CHECK;

/* size rounded up to whole pages; 0 when that overflows. */
uint64_t page_round(uint64_t size);

/* Allocates size bytes (a multiple of PAGE) from report_rom's PD and attaches them. */
gn_err_t buffer_alloc(buffer_t *b, uint64_t size) GN_MUST_CHECK;

/* Detaches and frees b (nothing when it holds none); b then holds none. */
void buffer_free(buffer_t *b);

/* Logs `what` and a printable excerpt of the len bytes at data (verbose mode). */
void log_report(char const *what, char const *label, char const *data, uint64_t len);

/* ---- report.c ---------------------------------------------------------------------------------- */

/*
 * The last report published under name: *data points to report_rom's private copy, valid until
 * the next submit or close of a Report session; *len is 0 (and *data NULL) when there is none.
 */
void reports_content(char const *name, char const **data, uint64_t *len);

/* ---- rom.c ------------------------------------------------------------------------------------- */

/* Signals every ROM session that reads the report called name (gneiss/rom_server.h). */
void roms_notify(char const *name);

#endif
