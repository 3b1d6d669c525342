/*
 * Memory figures.
 *
 * dataspace: ds_attach_SIZE, creating and mapping shared memory as a Gneiss dataspace is created
 * and attached: memfd_create + ftruncate + mmap(MAP_SHARED | MAP_POPULATE), timed together; the
 * unmap and close after each sample are not timed; ds_alloc_SIZE (memfd_create + ftruncate) and
 * ds_map_SIZE (the mmap) are the two steps alone. The sizes and sample counts are BENCH_DS_SIZES.
 *
 * copy: copy_SIZE, the ns one memcpy (libc's) of SIZE bytes takes into private memory, from
 * private memory, both touched before; copy_shm_SIZE the same into a populated memfd mapping (what
 * an attached dataspace is), to tell the effect of shared memory from that of the copy routine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "baseline.h"

/* Creates a memfd of size bytes. */
static int create_memfd(size_t size)
{
	int const fd = memfd_create("bench", MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, (off_t)size) != 0)
		die("memfd");
	return fd;
}

/* Maps fd (size bytes) shared and populated. */
static void *map_populated(int fd, size_t size)
{
	void *const p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/* ds_attach_NAME, and ds_alloc_NAME / ds_map_NAME: its two steps alone, in the same samples */
static void attach_figure(char const *size_name, size_t size, unsigned n)
{
	uint64_t *total = calloc(n, sizeof(uint64_t)), *alloc = calloc(n, sizeof(uint64_t)),
		 *map = calloc(n, sizeof(uint64_t));
	char name[64];

	if (!total || !alloc || !map)
		die("calloc");
	for (unsigned i = 0; i < n + 1; i++) { /* the first one warms up */
		uint64_t const t0 = now_ns();
		int const fd = create_memfd(size);
		uint64_t const t1 = now_ns();
		void *const p = map_populated(fd, size);
		uint64_t const t2 = now_ns();
		munmap(p, size);
		close(fd);
		if (i > 0) {
			total[i - 1] = t2 - t0;
			alloc[i - 1] = t1 - t0;
			map[i - 1] = t2 - t1;
		}
	}
	snprintf(name, sizeof(name), "ds_attach_%s", size_name);
	report(name, total, n, 1);
	snprintf(name, sizeof(name), "ds_alloc_%s", size_name);
	report(name, alloc, n, 1);
	snprintf(name, sizeof(name), "ds_map_%s", size_name);
	report(name, map, n, 1);
	free(total);
	free(alloc);
	free(map);
}

void bench_dataspace(options_t const *o)
{
	(void)o;
#define ATTACH(NAME, SIZE, N) attach_figure(#NAME, SIZE, N);
	DS_SIZES(ATTACH)
#undef ATTACH
}

static void copy_figure(char const *name, void *dst, void const *src, size_t size, unsigned n)
{
	uint64_t *samples = calloc(n, sizeof(uint64_t));

	if (!samples)
		die("calloc");
	memcpy(dst, src, size); /* warm-up */
	for (unsigned i = 0; i < n; i++) {
		uint64_t const t0 = now_ns();
		memcpy(dst, src, size);
		samples[i] = now_ns() - t0;
		__asm__ volatile("" ::"r"(dst) : "memory"); /* the copy must happen */
	}
	report(name, samples, n, 1);
	free(samples);
}

static void copy_size(char const *suffix, size_t size, unsigned n)
{
	char name[64];
	char *const src = malloc(size), *const dst = malloc(size);
	int const fd = create_memfd(size);
	void *const shm = map_populated(fd, size);

	if (!src || !dst)
		die("malloc");
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	strcpy(name, "copy_");
	strcat(name, suffix);
	copy_figure(name, dst, src, size, n);
	strcpy(name, "copy_shm_");
	strcat(name, suffix);
	copy_figure(name, shm, src, size, n);
	munmap(shm, size);
	close(fd);
	free(src);
	free(dst);
}

void bench_copy(options_t const *o)
{
	(void)o;
#define COPY(NAME, SIZE, N) copy_size(#NAME, SIZE, N);
	COPY_SIZES(COPY)
#undef COPY
}
