/*
 * Frame allocator (see frame.h). Init works in three passes over frame numbers: mark the frames
 * inside available regions usable, unmark the frames touching anything else, then enter every
 * unusable frame as taken in the allocation bitmap. Afterwards `usable` never changes, which is
 * what lets free tell a reserved frame from an allocated one.
 */
#include "frame.h"

static uint64_t round_up(uint64_t x)
{
	return x > UINT64_MAX - (HW_FRAME_SIZE - 1) ? UINT64_MAX / HW_FRAME_SIZE
						    : (x + HW_FRAME_SIZE - 1) / HW_FRAME_SIZE;
}

static void set_usable(hw_frames_t *fa, uint64_t first, uint64_t end, bool usable)
{
	if (end > fa->frames)
		end = fa->frames;
	for (uint64_t f = first; f < end; f++) {
		if (usable)
			fa->usable[f / 64] |= 1ULL << (f % 64);
		else
			fa->usable[f / 64] &= ~(1ULL << (f % 64));
	}
}

static bool is_usable(hw_frames_t const *fa, uint64_t f)
{
	return f < fa->frames && (fa->usable[f / 64] >> (f % 64)) & 1;
}

/* Sizes the allocator: the end of available memory, clipped to limit and capacity. */
static void measure(hw_frames_t *fa, hw_boot_info_t const *info, uint64_t top)
{
	uint64_t end = 0;

	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		uint64_t last = m->base + m->size;
		if (m->type != HW_MEM_AVAILABLE)
			continue;
		fa->available += m->base >= top ? 0 : (last > top ? top : last) - m->base;
		fa->ignored += last <= top ? 0 : last - (m->base > top ? m->base : top);
		end = last > end ? last : end;
	}
	fa->frames = (end > top ? top : end) / HW_FRAME_SIZE;
}

gn_err_t hw_frames_init(hw_frames_t *fa, uint64_t *used_words, uint64_t *usable_words,
	size_t nwords, hw_boot_info_t const *info, uint64_t limit)
{
	uint64_t capacity = (uint64_t)nwords * 64 * HW_FRAME_SIZE;
	uint64_t top = limit < capacity ? limit : capacity;

	*fa = (hw_frames_t){.usable = usable_words};
	measure(fa, info, top);
	if (fa->frames == 0 || gn_bitmap_init(&fa->used, used_words, nwords, fa->frames) != GN_OK)
		return GN_ERR_INVALID_ARG;
	for (size_t i = 0; i < nwords; i++)
		usable_words[i] = 0;
	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		if (m->type == HW_MEM_AVAILABLE)
			set_usable(
				fa, round_up(m->base), (m->base + m->size) / HW_FRAME_SIZE, true);
	}
	for (size_t i = 0; i < info->region_count; i++) {
		hw_mem_region_t const *m = &info->regions[i];
		if (m->type != HW_MEM_AVAILABLE)
			set_usable(fa, m->base / HW_FRAME_SIZE, round_up(m->base + m->size), false);
	}
	for (size_t i = 0; i < info->reserved_count; i++) {
		hw_range_t r = info->reserved[i].range;
		set_usable(fa, r.base / HW_FRAME_SIZE, round_up(r.base + r.size), false);
	}
	for (uint64_t f = 0; f < fa->frames; f++) {
		if (is_usable(fa, f))
			fa->usable_count++;
		else if (gn_bitmap_alloc_at(&fa->used, f) != GN_OK)
			return GN_ERR_INVALID_ARG;
	}
	return fa->usable_count > 0 ? GN_OK : GN_ERR_OUT_OF_RAM;
}

gn_err_t hw_frames_alloc(hw_frames_t *fa, uint64_t *phys)
{
	size_t f;

	if (gn_bitmap_alloc(&fa->used, &f) != GN_OK)
		return GN_ERR_OUT_OF_RAM;
	*phys = (uint64_t)f * HW_FRAME_SIZE;
	return GN_OK;
}

gn_err_t hw_frames_alloc_run(hw_frames_t *fa, size_t count, uint64_t *phys)
{
	size_t run = 0;

	if (count == 0)
		return GN_ERR_INVALID_ARG;
	for (size_t f = 0; f < fa->frames; f++) {
		run = gn_bitmap_is_set(&fa->used, f) ? 0 : run + 1;
		if (run < count)
			continue;
		for (size_t i = f + 1 - count; i <= f; i++) {
			if (gn_bitmap_alloc_at(&fa->used, i) != GN_OK)
				return GN_ERR_OUT_OF_RAM; /* cannot happen: free above */
		}
		*phys = (uint64_t)(f + 1 - count) * HW_FRAME_SIZE;
		return GN_OK;
	}
	return GN_ERR_OUT_OF_RAM;
}

gn_err_t hw_frames_free(hw_frames_t *fa, uint64_t phys)
{
	if (phys % HW_FRAME_SIZE != 0 || !is_usable(fa, phys / HW_FRAME_SIZE))
		return GN_ERR_INVALID_ARG;
	return gn_bitmap_free(&fa->used, phys / HW_FRAME_SIZE) == GN_OK ? GN_OK : GN_ERR_NOT_FOUND;
}

size_t hw_frames_free_count(hw_frames_t const *fa)
{
	return fa->frames - gn_bitmap_count(&fa->used);
}

bool hw_frames_usable(hw_frames_t const *fa, uint64_t phys)
{
	return phys % HW_FRAME_SIZE == 0 && is_usable(fa, phys / HW_FRAME_SIZE);
}
