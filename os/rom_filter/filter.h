/*
 * rom_filter's evaluation: the config language as pure functions over parsed XML. Nothing here
 * does I/O, allocates or keeps state between calls; the input ROMs' content reaches it through a
 * lookup function, so host unit tests (test/unit/test_rom_filter.c) drive it with documents of
 * their own.
 *
 * Every node handed in must stay valid (its buffer unchanged) for the duration of a call. The
 * config and the input ROMs are untrusted: a value that does not fit its buffer counts as missing,
 * never as a shorter value.
 */
#ifndef ROM_FILTER_FILTER_H
#define ROM_FILTER_FILTER_H

#include <gneiss/xml.h>
#include <gneiss/xml_gen.h>

enum {
	RF_NAME_MAX = 128,  /* input, ROM, node and attribute names, NUL included */
	RF_VALUE_MAX = 256, /* input and attribute values, NUL included */
	RF_WHY_MAX = 160,   /* an error message */
};

/* Where the content of the input ROMs comes from. */
typedef struct {
	/*
	 * Sets *top to the top-level node of the ROM called rom and returns true; false (and the
	 * invalid node) while that ROM is missing, empty or malformed.
	 */
	bool (*rom)(void *ctx, char const *rom, gn_xml_node_t *top);
	/* Optional: hears of every input the output wanted but could not get (for verbose logs). */
	void (*missing)(void *ctx, char const *input);
	void *ctx;
} rf_inputs_t;

/*
 * The name of the ROM an <input> node reads: its `rom` attribute, else its `name`, copied into rom
 * of the given size. Errors: INVALID_ARG when it is empty, TRUNCATED when it does not fit.
 */
gn_err_t rf_input_rom(gn_xml_node_t const *input, char *rom, size_t size) GN_MUST_CHECK;

/*
 * The value of the config's <input name="name">: the top-level node of its ROM must have the type
 * of the input's `node` attribute (else its `name`), and the input's first sub-node is the path
 * to the value: <attribute name=".."/> takes an attribute of the current node, <node type=".."
 * [attribute=".." value=".."]> moves to the first sub-node of that type (whose attribute has that
 * value) and continues with its own first sub-node. When the path leads nowhere the input's
 * `default` attribute is the value. Copies it into value of the given size.
 * Errors: NOT_FOUND when there is no such input or no value (value is then empty).
 */
gn_err_t rf_query(gn_xml_node_t const *config, rf_inputs_t const *in, char const *name, char *value,
	size_t size) GN_MUST_CHECK;

/*
 * Generates the output document that the config's <output node=".."> describes, into the size
 * bytes at buf (NUL-terminated; *len its length), using the generator state g. The result is
 * checked to be a document gn_xml_parse() accepts. On an error why (RF_WHY_MAX bytes) says what
 * went wrong, with the config line where there is one, and buf holds no document.
 * Errors: NOT_FOUND (no <output>), INVALID_ARG (a node or attribute the config describes cannot
 * be written, e.g. no name), EXISTS (an attribute written twice), LIMIT (nested too deeply, too
 * many attributes), TRUNCATED (the output does not fit size bytes).
 */
gn_err_t rf_generate(gn_xml_node_t const *config, rf_inputs_t const *in, gn_xml_gen_t *g, char *buf,
	size_t size, size_t *len, char *why) GN_MUST_CHECK;

#endif
