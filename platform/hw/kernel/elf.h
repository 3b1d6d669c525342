/*
 * Static ELF64 programs for user protection domains, read as untrusted input.
 *
 * A boot module is only a sequence of bytes: hw_elf_check accepts it only when every header field
 * the loader will use is consistent, and returns the segments in a form the loader can use without
 * further checks. It reads nothing outside [data, data + size) and keeps no state, so it runs
 * unchanged in the kernel, in unit tests and in the fuzz target.
 *
 * What is accepted: ELFCLASS64, little-endian, version 1, ET_EXEC (static, not position
 * independent) for x86_64; program headers of 56 bytes, 1..HW_ELF_PHDRS_MAX of them, inside the
 * file. PT_LOAD segments (1..HW_ELF_SEGMENTS_MAX; empty ones are dropped): the file part inside the
 * file and no larger than the memory part, the memory part inside [limits.base, limits.end), never
 * writable and executable at once (W^X), no two segments sharing a page (their permissions could
 * not both hold), all together at most limits.max_pages pages. The entry point lies in an
 * executable segment. PT_INTERP, PT_DYNAMIC and PT_TLS are refused (there is no dynamic linker and
 * no thread-local storage), so is an executable stack (PT_GNU_STACK with PF_X); other program
 * header types are ignored, and so are section headers.
 */
#ifndef GNEISS_HW_ELF_H
#define GNEISS_HW_ELF_H

#include <gneiss/error.h>
#include <gneiss/types.h>

enum {
	HW_ELF_PHDRS_MAX = 16,
	HW_ELF_SEGMENTS_MAX = 8,
	HW_ELF_READ = 1 << 0,
	HW_ELF_WRITE = 1 << 1,
	HW_ELF_EXEC = 1 << 2,
};

typedef struct {
	uint64_t vaddr;  /* first byte in memory */
	uint64_t memsz;  /* bytes in memory, > 0 */
	uint64_t offset; /* first byte in the file */
	uint64_t filesz; /* bytes taken from the file, <= memsz; the rest is zero */
	unsigned rights; /* HW_ELF_READ | HW_ELF_WRITE | HW_ELF_EXEC */
} hw_elf_segment_t;

typedef struct {
	uint64_t entry;
	hw_elf_segment_t segments[HW_ELF_SEGMENTS_MAX];
	size_t count;
	uint64_t pages; /* 4 KiB pages the segments cover together */
} hw_elf_image_t;

typedef struct {
	uint64_t base;      /* lowest address a segment may use */
	uint64_t end;       /* first address above what segments may use */
	uint64_t max_pages; /* pages all segments may cover together */
} hw_elf_limits_t;

/*
 * Checks the ELF file at data (size bytes) against limits and fills *out. On failure why holds one
 * line naming the field and what is wrong, and *out is unspecified. Errors: GN_ERR_INVALID_ARG
 * (malformed or unsupported), GN_ERR_LIMIT (more headers, segments or pages than allowed).
 */
gn_err_t hw_elf_check(void const *data, size_t size, hw_elf_limits_t limits, hw_elf_image_t *out,
	char *why, size_t why_size) GN_MUST_CHECK;

#endif
