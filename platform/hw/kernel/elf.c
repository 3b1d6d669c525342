/*
 * ELF64 checks (see elf.h). Fields are read byte by byte, little-endian, so neither the file's
 * alignment nor the host's byte order matters. Every sum of two file values is checked against
 * wrapping before it is formed. The order: identification, the file header, each program header,
 * then the relations between segments and the entry point.
 */
#include <stdarg.h>

#include <gneiss/fmt.h>

#include "elf.h"

enum {
	EHDR_SIZE = 64,
	PHDR_SIZE = 56,
	PAGE = 4096,
	ET_EXEC = 2,
	EM_X86_64 = 62,
	PT_LOAD = 1,
	PT_DYNAMIC = 2,
	PT_INTERP = 3,
	PT_TLS = 7,
	PT_GNU_STACK = 0x6474e551,
	PF_X = 1,
	PF_W = 2,
	PF_R = 4,
};

typedef struct {
	uint8_t const *data;
	size_t size;
	hw_elf_limits_t limits;
	hw_elf_image_t *out;
	char *why;
	size_t why_size;
} check_t;

static GN_PRINTF(3, 4) gn_err_t fail(check_t *c, gn_err_t err, char const *fmt, ...)
{
	gn_fmt_buf_t b;
	va_list ap;

	gn_fmt_buf_init(&b, c->why, c->why_size);
	va_start(ap, fmt);
	gn_fmt_buf_vappend(&b, fmt, ap);
	va_end(ap);
	return err;
}

static uint64_t le(uint8_t const *b, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i > 0; i--)
		v = v << 8 | b[i - 1];
	return v;
}

static uint64_t page_down(uint64_t x)
{
	return x - x % PAGE;
}

/* The first page boundary at or above x; x lies below limits.end, so this cannot wrap. */
static uint64_t page_up(uint64_t x)
{
	return x % PAGE == 0 ? x : page_down(x) + PAGE;
}

static gn_err_t check_header(check_t *c, uint64_t *phoff, unsigned *phnum)
{
	static uint8_t const ident[] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1};
	uint8_t const *h = c->data;
	uint64_t n;

	if (c->size < EHDR_SIZE)
		return fail(
			c, GN_ERR_INVALID_ARG, "%zu bytes are too few for an ELF header", c->size);
	for (size_t i = 0; i < sizeof(ident); i++) {
		if (h[i] != ident[i])
			return fail(c, GN_ERR_INVALID_ARG,
				"not a little-endian ELF64 file of version 1 (byte %zu of e_ident "
				"is 0x%x)",
				i, (unsigned)h[i]);
	}
	if (le(h + 16, 2) != ET_EXEC || le(h + 18, 2) != EM_X86_64 || le(h + 20, 4) != 1)
		return fail(c, GN_ERR_INVALID_ARG,
			"not a static x86_64 executable (type %lu, machine %lu, version %lu)",
			le(h + 16, 2), le(h + 18, 2), le(h + 20, 4));
	*phoff = le(h + 32, 8);
	n = le(h + 56, 2);
	if (le(h + 54, 2) != PHDR_SIZE)
		return fail(c, GN_ERR_INVALID_ARG, "program headers of %lu bytes (not %d)",
			le(h + 54, 2), PHDR_SIZE);
	if (n == 0 || n > HW_ELF_PHDRS_MAX)
		return fail(c, n == 0 ? GN_ERR_INVALID_ARG : GN_ERR_LIMIT,
			"%lu program headers (1 to %d allowed)", n, HW_ELF_PHDRS_MAX);
	if (*phoff > c->size || n * PHDR_SIZE > c->size - *phoff)
		return fail(c, GN_ERR_INVALID_ARG,
			"the program headers (offset 0x%lx, %lu of them) end past the file's %zu "
			"bytes",
			*phoff, n, c->size);
	*phnum = (unsigned)n;
	c->out->entry = le(h + 24, 8);
	return GN_OK;
}

static gn_err_t add_load(check_t *c, unsigned index, uint8_t const *ph)
{
	uint64_t flags = le(ph + 4, 4), offset = le(ph + 8, 8), vaddr = le(ph + 16, 8);
	uint64_t filesz = le(ph + 32, 8), memsz = le(ph + 40, 8);
	hw_elf_limits_t const *lim = &c->limits;

	if (memsz == 0 && filesz == 0)
		return GN_OK;
	if (filesz > memsz)
		return fail(c, GN_ERR_INVALID_ARG,
			"segment %u takes 0x%lx bytes from the file but has 0x%lx in memory", index,
			filesz, memsz);
	if (offset > c->size || filesz > c->size - offset)
		return fail(c, GN_ERR_INVALID_ARG,
			"segment %u (file offset 0x%lx, 0x%lx bytes) ends past the file's %zu "
			"bytes",
			index, offset, filesz, c->size);
	if (vaddr < lim->base || vaddr >= lim->end || memsz > lim->end - vaddr)
		return fail(c, GN_ERR_INVALID_ARG,
			"segment %u (0x%lx, 0x%lx bytes) lies outside the user range 0x%lx-0x%lx",
			index, vaddr, memsz, lim->base, lim->end);
	if ((flags & PF_W) && (flags & PF_X))
		return fail(c, GN_ERR_INVALID_ARG, "segment %u is writable and executable (W^X)",
			index);
	if (c->out->count == HW_ELF_SEGMENTS_MAX)
		return fail(c, GN_ERR_LIMIT, "more than %d loadable segments", HW_ELF_SEGMENTS_MAX);
	c->out->segments[c->out->count++] = (hw_elf_segment_t){
		.vaddr = vaddr,
		.memsz = memsz,
		.offset = offset,
		.filesz = filesz,
		.rights = ((flags & PF_R) ? HW_ELF_READ : 0) | ((flags & PF_W) ? HW_ELF_WRITE : 0) |
			  ((flags & PF_X) ? HW_ELF_EXEC : 0),
	};
	return GN_OK;
}

static gn_err_t check_phdr(check_t *c, unsigned index, uint8_t const *ph)
{
	uint64_t type = le(ph, 4);

	switch (type) {
	case PT_LOAD: return add_load(c, index, ph);
	case PT_DYNAMIC:
	case PT_INTERP:
		return fail(c, GN_ERR_INVALID_ARG,
			"program header %u asks for dynamic linking (type %lu)", index, type);
	case PT_TLS:
		return fail(c, GN_ERR_INVALID_ARG,
			"program header %u asks for thread-local storage", index);
	case PT_GNU_STACK:
		if (le(ph + 4, 4) & PF_X)
			return fail(c, GN_ERR_INVALID_ARG,
				"program header %u asks for an "
				"executable stack",
				index);
		return GN_OK;
	default: return GN_OK;
	}
}

/* No two segments share a page; the pages are counted against the limit; the entry is in code. */
static gn_err_t check_segments(check_t *c)
{
	hw_elf_image_t *out = c->out;
	bool entry_ok = false;

	if (out->count == 0)
		return fail(c, GN_ERR_INVALID_ARG, "no loadable segment");
	for (size_t i = 0; i < out->count; i++) {
		hw_elf_segment_t const *s = &out->segments[i];
		uint64_t first = page_down(s->vaddr), end = page_up(s->vaddr + s->memsz);

		for (size_t j = 0; j < i; j++) {
			hw_elf_segment_t const *t = &out->segments[j];
			if (first < page_up(t->vaddr + t->memsz) && page_down(t->vaddr) < end)
				return fail(c, GN_ERR_INVALID_ARG,
					"loadable segments %zu (0x%lx-0x%lx) and %zu (0x%lx-0x%lx) "
					"share a page",
					j, t->vaddr, t->vaddr + t->memsz, i, s->vaddr,
					s->vaddr + s->memsz);
		}
		out->pages += (end - first) / PAGE;
		if (out->pages > c->limits.max_pages)
			return fail(c, GN_ERR_LIMIT, "the segments need more than %lu pages",
				c->limits.max_pages);
		entry_ok = entry_ok || ((s->rights & HW_ELF_EXEC) && out->entry >= s->vaddr &&
					       out->entry - s->vaddr < s->memsz);
	}
	if (!entry_ok)
		return fail(c, GN_ERR_INVALID_ARG,
			"the entry point 0x%lx is in no executable "
			"segment",
			out->entry);
	return GN_OK;
}

gn_err_t hw_elf_check(void const *data, size_t size, hw_elf_limits_t limits, hw_elf_image_t *out,
	char *why, size_t why_size)
{
	check_t c = {.data = data,
		.size = size,
		.limits = limits,
		.out = out,
		.why = why,
		.why_size = why_size};
	uint64_t phoff = 0;
	unsigned phnum = 0;
	gn_err_t err;

	*out = (hw_elf_image_t){0};
	err = check_header(&c, &phoff, &phnum);
	for (unsigned i = 0; err == GN_OK && i < phnum; i++)
		err = check_phdr(&c, i, c.data + phoff + (uint64_t)i * PHDR_SIZE);
	return err == GN_OK ? check_segments(&c) : err;
}
