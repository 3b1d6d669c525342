/*
 * libFuzzer target for gn_init_config.
 *
 * Checks the input with the default options and with tight quotas (so the quota sums are
 * exercised), as a buffer and, when it parses, as a parsed root node. The checks beyond "no
 * crash": the count returned equals the number of reports, and a NULL callback counts the same;
 * every report has a position inside the document (line and column from 1, the line at most the
 * document's number of lines) and a non-empty, printable message shorter than
 * GN_INIT_CONFIG_MSG_MAX; a malformed document gets exactly one report; the buffer and node entry
 * points agree; and checking twice gives the same reports in the same order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gneiss/init_config.h>
#include <gneiss/xml.h>

#define CHECK(cond) ((cond) ? (void)0 : abort())

enum {
	MAX_RECORDED = 64,
};

typedef struct {
	unsigned calls, lines;
	uint64_t hash; /* of every report, in order */
	unsigned line[MAX_RECORDED], column[MAX_RECORDED];
} seen_t;

static void on_report(void *ctx, unsigned line, unsigned column, char const *message)
{
	seen_t *s = ctx;
	size_t len = strlen(message);

	CHECK(line >= 1 && line <= s->lines && column >= 1);
	CHECK(len > 0 && len < GN_INIT_CONFIG_MSG_MAX);
	for (size_t i = 0; i < len; i++)
		CHECK((unsigned char)message[i] >= 0x20 && message[i] != 0x7f);
	s->hash = s->hash * 1099511628211ull + line * 31u + column;
	for (size_t i = 0; i < len; i++)
		s->hash = (s->hash ^ (unsigned char)message[i]) * 1099511628211ull;
	if (s->calls < MAX_RECORDED) {
		s->line[s->calls] = line;
		s->column[s->calls] = column;
	}
	s->calls++;
}

static unsigned count_lines(uint8_t const *data, size_t size)
{
	unsigned n = 1;

	for (size_t i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

static void check_with(uint8_t const *data, size_t size, gn_init_config_opts_t const *opts)
{
	char const *buf = (char const *)data;
	seen_t a = {0}, b = {0}, c = {0};
	gn_xml_node_t root;
	unsigned n;

	a.lines = b.lines = c.lines = count_lines(data, size);
	n = gn_init_config_check_opts(buf, size, opts, on_report, &a);
	CHECK(n == a.calls);
	CHECK(gn_init_config_check_opts(buf, size, opts, NULL, NULL) == n);
	CHECK(gn_init_config_check_opts(buf, size, opts, on_report, &b) == n && b.hash == a.hash);

	if (gn_xml_parse(buf, size, &root, NULL) != GN_OK) {
		CHECK(n == 1);
		return;
	}
	CHECK(gn_init_config_check_node(&root, opts, on_report, &c) == n);
	CHECK(c.hash == a.hash);
	CHECK(memcmp(c.line, a.line, sizeof(a.line)) == 0);
	CHECK(memcmp(c.column, a.column, sizeof(a.column)) == 0);
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size);

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
	gn_init_config_opts_t opts;

	check_with(data, size, NULL);

	gn_init_config_opts_default(&opts);
	opts.avail_ram = 4 * 1024 * 1024;
	opts.avail_caps = 300;
	opts.reserve_ram = 0;
	opts.runtime_quota = true;
	check_with(data, size, &opts);
	return 0;
}
