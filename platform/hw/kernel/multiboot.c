/*
 * Multiboot v1 boot information parser (see multiboot.h for what it accepts).
 *
 * Fields are read byte by byte in little-endian order from the reader's pointers, so nothing
 * depends on the alignment the loader chose. All arithmetic on loader values is done in 64 bits
 * on 32-bit inputs, or checked before it could wrap. The order is: the structure, the memory map
 * (needed to judge every other range), the strings, the modules, and last the cross-checks of
 * modules against everything reserved for the boot information.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>
#include <gneiss/string.h>

#include "multiboot.h"

enum {
	INFO_SIZE = 68, /* through boot_loader_name */
	OFF_FLAGS = 0,
	OFF_CMDLINE = 16,
	OFF_MODS_COUNT = 20,
	OFF_MODS_ADDR = 24,
	OFF_MMAP_LENGTH = 44,
	OFF_MMAP_ADDR = 48,
	OFF_LOADER_NAME = 64,
	FLAG_CMDLINE = 1 << 2,
	FLAG_MODS = 1 << 3,
	FLAG_MMAP = 1 << 6,
	FLAG_LOADER_NAME = 1 << 9,
	MAP_ENTRY_MIN = 20, /* base, length, type: the size field does not count itself */
	MODULE_ENTRY = 16,
	LOW_MEMORY = 0x100000,
};

typedef struct {
	hw_phys_reader_t reader;
	hw_range_t kernel;
	hw_boot_info_t *out;
	char *why;
	size_t why_size;
} parse_t;

static GN_PRINTF(3, 4) gn_err_t fail(parse_t *p, gn_err_t err, char const *fmt, ...)
{
	gn_fmt_buf_t b;
	va_list ap;

	gn_fmt_buf_init(&b, p->why, p->why_size);
	va_start(ap, fmt);
	gn_fmt_buf_vappend(&b, fmt, ap);
	va_end(ap);
	return err;
}

static uint32_t le32(uint8_t const *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static uint64_t le64(uint8_t const *b)
{
	return (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32;
}

static uint8_t const *read_phys(parse_t *p, uint64_t phys, uint64_t size)
{
	return (uint8_t const *)p->reader.read(p->reader.ctx, phys, size);
}

bool hw_range_overlaps(hw_range_t a, hw_range_t b)
{
	return a.size > 0 && b.size > 0 && a.base < b.base + b.size && b.base < a.base + a.size;
}

static gn_err_t reserve(parse_t *p, uint64_t base, uint64_t size, hw_reserved_kind_t kind)
{
	hw_boot_info_t *out = p->out;

	if (size == 0)
		return GN_OK;
	if (out->reserved_count == HW_MB_RESERVED_MAX)
		return fail(p, GN_ERR_LIMIT, "more than %d reserved ranges", HW_MB_RESERVED_MAX);
	out->reserved[out->reserved_count++] =
		(hw_reserved_t){.range = {.base = base, .size = size}, .kind = kind};
	return GN_OK;
}

/* True when every byte of r lies in available regions (which may adjoin or overlap). */
static bool in_available(hw_boot_info_t const *out, hw_range_t r)
{
	uint64_t pos = r.base, end = r.base + r.size;

	while (pos < end) {
		uint64_t next = pos;
		for (size_t i = 0; i < out->region_count; i++) {
			hw_mem_region_t const *m = &out->regions[i];
			if (m->type == HW_MEM_AVAILABLE && m->base <= pos &&
				pos - m->base < m->size && m->base + m->size > next)
				next = m->base + m->size;
		}
		if (next == pos)
			return false;
		pos = next;
	}
	return true;
}

/* Reads the NUL-terminated string at phys into *s and reserves its bytes. */
static gn_err_t read_string(parse_t *p, uint64_t phys, char const *what, char const **s)
{
	for (uint64_t len = 0; len < HW_MB_STRING_MAX; len++) {
		uint8_t const *c = read_phys(p, phys + len, 1);
		if (!c)
			return fail(p, GN_ERR_INVALID_ARG, "the %s at 0x%lx is not readable", what,
				phys);
		if (*c != 0)
			continue;
		*s = (char const *)read_phys(p, phys, len + 1);
		if (!*s)
			return fail(p, GN_ERR_INVALID_ARG, "the %s at 0x%lx is not readable", what,
				phys);
		return reserve(p, phys, len + 1, HW_RESERVED_INFO);
	}
	return fail(p, GN_ERR_INVALID_ARG, "the %s at 0x%lx is not NUL-terminated within %d bytes",
		what, phys, HW_MB_STRING_MAX);
}

static gn_err_t add_region(parse_t *p, uint8_t const *entry, uint32_t offset)
{
	hw_boot_info_t *out = p->out;
	uint64_t base = le64(entry + 4), size = le64(entry + 12);
	uint32_t type = le32(entry + 20);

	if (size == 0)
		return GN_OK;
	if (base > UINT64_MAX - size)
		return fail(p, GN_ERR_INVALID_ARG,
			"memory map entry at offset %u (0x%lx, 0x%lx bytes) wraps past 2^64",
			offset, base, size);
	if (out->region_count == HW_MB_REGIONS_MAX)
		return fail(p, GN_ERR_LIMIT, "the memory map has more than %d regions",
			HW_MB_REGIONS_MAX);
	out->regions[out->region_count++] =
		(hw_mem_region_t){.base = base, .size = size, .type = type};
	return GN_OK;
}

static gn_err_t parse_map(parse_t *p, uint8_t const *info)
{
	uint32_t length = le32(info + OFF_MMAP_LENGTH), addr = le32(info + OFF_MMAP_ADDR);
	uint8_t const *map;
	bool available = false;

	if (length == 0 || length > HW_MB_MAP_BYTES)
		return fail(p, GN_ERR_INVALID_ARG, "the memory map has %u bytes (1 to %d allowed)",
			length, HW_MB_MAP_BYTES);
	map = read_phys(p, addr, length);
	if (!map)
		return fail(p, GN_ERR_INVALID_ARG,
			"the memory map at 0x%x (%u bytes) is not readable", addr, length);
	for (uint32_t off = 0; off < length;) {
		uint32_t size = length - off >= 4 ? le32(map + off) : 0;
		gn_err_t err;

		if (size < MAP_ENTRY_MIN || size > length - off - 4)
			return fail(p, GN_ERR_INVALID_ARG,
				"memory map entry at offset %u has size %u, which does not fit "
				"%u..%u",
				off, size, MAP_ENTRY_MIN, length - off >= 4 ? length - off - 4 : 0);
		err = add_region(p, map + off, off);
		if (err != GN_OK)
			return err;
		off += 4 + size;
	}
	for (size_t i = 0; i < p->out->region_count; i++)
		available = available || p->out->regions[i].type == HW_MEM_AVAILABLE;
	if (!available)
		return fail(p, GN_ERR_INVALID_ARG, "the memory map has no available memory");
	return reserve(p, addr, length, HW_RESERVED_INFO);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '+' || c == '-';
}

/* Takes the module's name (last path element of the first word) and arguments from cmdline. */
static gn_err_t name_module(parse_t *p, unsigned index, char const *cmdline)
{
	hw_module_t *m = &p->out->modules[index];
	size_t word = 0, start = 0, len;

	while (cmdline[word] != '\0' && cmdline[word] != ' ')
		word++;
	for (size_t i = 0; i < word; i++)
		start = cmdline[i] == '/' ? i + 1 : start;
	len = word - start;
	if (len == 0 || len > HW_MB_NAME_MAX)
		return fail(p, GN_ERR_INVALID_ARG,
			"module %u: its command line gives a name of %zu characters (1 to %d)",
			index, len, HW_MB_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		if (!name_char(cmdline[start + i]))
			return fail(p, GN_ERR_INVALID_ARG,
				"module %u: its name has the byte 0x%x, only [A-Za-z0-9._+-] are "
				"allowed",
				index, (unsigned)(unsigned char)cmdline[start + i]);
		m->name[i] = cmdline[start + i];
	}
	m->name[len] = '\0';
	while (cmdline[word] == ' ')
		word++;
	m->args = cmdline + word;
	for (unsigned j = 0; j < index; j++) {
		if (gn_strcmp(p->out->modules[j].name, m->name) == 0)
			return fail(p, GN_ERR_INVALID_ARG, "modules %u and %u are both named '%s'",
				j, index, m->name);
	}
	return GN_OK;
}

static gn_err_t check_module(parse_t *p, unsigned index, uint32_t start, uint32_t end)
{
	hw_range_t r = {.base = start, .size = (uint64_t)end - start};
	hw_range_t k = p->kernel;

	if (end < start)
		return fail(p, GN_ERR_INVALID_ARG, "module %u ends (0x%x) before it starts (0x%x)",
			index, end, start);
	if (!in_available(p->out, r))
		return fail(p, GN_ERR_INVALID_ARG,
			"module %u (0x%x-0x%x) lies outside available memory", index, start, end);
	if (hw_range_overlaps(r, k))
		return fail(p, GN_ERR_INVALID_ARG,
			"module %u (0x%x-0x%x) overlaps the kernel image (0x%lx-0x%lx)", index,
			start, end, k.base, k.base + k.size);
	for (unsigned j = 0; j < index; j++) {
		if (hw_range_overlaps(r, p->out->modules[j].range))
			return fail(p, GN_ERR_INVALID_ARG,
				"module %u (0x%x-0x%x) overlaps module %u", index, start, end, j);
	}
	if (r.size > 0 && !read_phys(p, r.base, r.size))
		return fail(p, GN_ERR_INVALID_ARG, "module %u (0x%x-0x%x) is not readable", index,
			start, end);
	p->out->modules[index].range = r;
	return GN_OK;
}

static gn_err_t parse_module(parse_t *p, unsigned index, uint8_t const *entry)
{
	uint32_t start = le32(entry), end = le32(entry + 4), string = le32(entry + 8);
	char const *cmdline;
	gn_err_t err = check_module(p, index, start, end);

	if (err != GN_OK)
		return err;
	if (string == 0)
		return fail(
			p, GN_ERR_INVALID_ARG, "module %u has no command line, so no name", index);
	err = read_string(p, string, "module command line", &cmdline);
	if (err == GN_OK)
		err = name_module(p, index, cmdline);
	if (err == GN_OK)
		err = reserve(p, start, (uint64_t)end - start, HW_RESERVED_MODULE);
	return err;
}

static gn_err_t parse_modules(parse_t *p, uint8_t const *info)
{
	uint32_t count = le32(info + OFF_MODS_COUNT), addr = le32(info + OFF_MODS_ADDR);
	uint8_t const *list;
	gn_err_t err;

	if (count > HW_MB_MODULES_MAX)
		return fail(p, GN_ERR_LIMIT, "the loader gave %u modules, at most %d are supported",
			count, HW_MB_MODULES_MAX);
	if (count == 0)
		return GN_OK;
	list = read_phys(p, addr, (uint64_t)count * MODULE_ENTRY);
	if (!list)
		return fail(p, GN_ERR_INVALID_ARG,
			"the module list at 0x%x (%u entries) is not readable", addr, count);
	err = reserve(p, addr, (uint64_t)count * MODULE_ENTRY, HW_RESERVED_INFO);
	for (unsigned i = 0; err == GN_OK && i < count; i++) {
		err = parse_module(p, i, list + i * MODULE_ENTRY);
		p->out->module_count = err == GN_OK ? i + 1 : i;
	}
	return err;
}

/* No module may share a byte with the boot information, whose ranges are all known by now. */
static gn_err_t check_modules_against_info(parse_t *p)
{
	hw_boot_info_t const *out = p->out;

	for (size_t i = 0; i < out->module_count; i++) {
		for (size_t j = 0; j < out->reserved_count; j++) {
			hw_range_t r = out->reserved[j].range;
			if (out->reserved[j].kind == HW_RESERVED_INFO &&
				hw_range_overlaps(out->modules[i].range, r))
				return fail(p, GN_ERR_INVALID_ARG,
					"module %zu (0x%lx-0x%lx) overlaps the boot information at "
					"0x%lx-0x%lx",
					i, out->modules[i].range.base,
					out->modules[i].range.base + out->modules[i].range.size,
					r.base, r.base + r.size);
		}
	}
	return GN_OK;
}

gn_err_t hw_multiboot_parse(hw_phys_reader_t reader, uint64_t info_phys, hw_range_t kernel,
	hw_boot_info_t *out, char *why, size_t why_size)
{
	parse_t p = {
		.reader = reader, .kernel = kernel, .out = out, .why = why, .why_size = why_size};
	uint8_t const *info = read_phys(&p, info_phys, INFO_SIZE);
	gn_err_t err;

	*out = (hw_boot_info_t){0};
	if (!info)
		return fail(&p, GN_ERR_INVALID_ARG, "the boot information at 0x%lx is not readable",
			info_phys);
	out->flags = le32(info + OFF_FLAGS);
	if (!(out->flags & FLAG_MMAP))
		return fail(&p, GN_ERR_INVALID_ARG,
			"the boot loader gave no memory map (flags 0x%x)", out->flags);
	err = parse_map(&p, info);
	if (err == GN_OK)
		err = reserve(&p, 0, LOW_MEMORY, HW_RESERVED_LOW);
	if (err == GN_OK)
		err = reserve(&p, kernel.base, kernel.size, HW_RESERVED_KERNEL);
	if (err == GN_OK)
		err = reserve(&p, info_phys, INFO_SIZE, HW_RESERVED_INFO);
	if (err == GN_OK && (out->flags & FLAG_CMDLINE))
		err = read_string(&p, le32(info + OFF_CMDLINE), "command line", &out->cmdline);
	if (err == GN_OK && (out->flags & FLAG_LOADER_NAME))
		err = read_string(&p, le32(info + OFF_LOADER_NAME), "loader name", &out->loader);
	if (err == GN_OK && (out->flags & FLAG_MODS))
		err = parse_modules(&p, info);
	if (err == GN_OK)
		err = check_modules_against_info(&p);
	return err;
}
