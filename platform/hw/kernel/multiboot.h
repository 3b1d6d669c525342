/*
 * The multiboot v1 boot information, read as untrusted input.
 *
 * The loader hands the kernel a physical address; everything behind it (flags, the memory map, the
 * module list, command lines) may be malformed, truncated, overlapping or pointing anywhere. The
 * parser reads physical memory only through a caller-given reader that refuses what is not
 * readable, checks every field before it is used, and either fills a hw_boot_info_t whose every
 * range and string is valid or fails with a message that names the field and what is wrong. It
 * keeps no state and writes nothing but its output, so it runs unchanged in the kernel (reader: the
 * direct map) and in host unit tests and the fuzz target (reader: a buffer posing as memory).
 *
 * What is accepted:
 * - the info structure readable; flag bit 6 (memory map) set: the kernel does not guess its memory;
 * - the memory map: at most HW_MB_MAP_BYTES bytes, entries of size >= 20 that lie inside it, at
 *   most HW_MB_REGIONS_MAX regions; regions of length 0 are dropped, ones that would wrap past 2^64
 *   are refused;
 * - command line (bit 2) and loader name (bit 9): NUL-terminated within HW_MB_STRING_MAX bytes;
 * - modules (bit 3): at most HW_MB_MODULES_MAX, each with start <= end, entirely inside available
 *   memory, overlapping neither the kernel image, nor another module, nor the boot information,
 *   and with a command line whose first word's last path element is its name: 1..HW_MB_NAME_MAX
 *   characters of [A-Za-z0-9._+-], unique. The rest of the command line is the module's arguments.
 */
#ifndef GNEISS_HW_MULTIBOOT_H
#define GNEISS_HW_MULTIBOOT_H

#include <gneiss/error.h>
#include <gneiss/types.h>

#define HW_MULTIBOOT_MAGIC 0x2badb002u

enum {
	HW_MB_REGIONS_MAX = 64,
	HW_MB_MODULES_MAX = 32,
	HW_MB_NAME_MAX = 63,
	HW_MB_STRING_MAX = 1024, /* bytes of a command line or loader name, NUL included */
	HW_MB_MAP_BYTES = 4096,  /* largest memory map buffer */
	HW_MB_RESERVED_MAX = 8 + 2 * HW_MB_MODULES_MAX,
	HW_MEM_AVAILABLE = 1, /* multiboot memory type of usable RAM; every other type is not */
};

/* A half-open physical range [base, base + size). */
typedef struct {
	uint64_t base;
	uint64_t size;
} hw_range_t;

typedef struct {
	uint64_t base;
	uint64_t size;
	uint32_t type; /* HW_MEM_AVAILABLE, or any other multiboot type */
} hw_mem_region_t;

typedef struct {
	hw_range_t range;
	char name[HW_MB_NAME_MAX + 1];
	char const *args; /* NUL-terminated, possibly empty; points into the loader's string */
} hw_module_t;

/* What a reserved range holds, for the log. */
typedef enum {
	HW_RESERVED_LOW,    /* the first MiB: BIOS data, EBDA, video memory */
	HW_RESERVED_KERNEL, /* the kernel image */
	HW_RESERVED_INFO,   /* the boot information: structure, map, module list, strings */
	HW_RESERVED_MODULE, /* a module's contents */
} hw_reserved_kind_t;

typedef struct {
	hw_range_t range;
	hw_reserved_kind_t kind;
} hw_reserved_t;

typedef struct {
	uint32_t flags;
	char const *cmdline; /* NULL when the loader gave none */
	char const *loader;  /* NULL when the loader gave none */
	hw_mem_region_t regions[HW_MB_REGIONS_MAX];
	size_t region_count;
	hw_module_t modules[HW_MB_MODULES_MAX];
	size_t module_count;
	hw_reserved_t
		reserved[HW_MB_RESERVED_MAX]; /* what the frame allocator must never hand out */
	size_t reserved_count;
} hw_boot_info_t;

/*
 * Returns a pointer through which [phys, phys + size) can be read, or NULL when any byte of it
 * cannot (outside memory, or size makes it wrap). size is at least 1.
 */
typedef void const *(*hw_phys_read_fn)(void *ctx, uint64_t phys, uint64_t size);

typedef struct {
	hw_phys_read_fn read;
	void *ctx;
} hw_phys_reader_t;

/*
 * Parses the boot information at info_phys into *out, for a kernel image occupying kernel. On
 * failure, why holds one line saying which field is wrong and *out is unspecified. Errors:
 * GN_ERR_INVALID_ARG (malformed, inconsistent or unreadable information), GN_ERR_LIMIT (more
 * regions or modules than this kernel takes).
 */
gn_err_t hw_multiboot_parse(hw_phys_reader_t reader, uint64_t info_phys, hw_range_t kernel,
	hw_boot_info_t *out, char *why, size_t why_size) GN_MUST_CHECK;

/* True when the two ranges share a byte (empty ranges share none). */
bool hw_range_overlaps(hw_range_t a, hw_range_t b);

#endif
