/* I/O port ranges (see port_range.h). */
#include "port_range.h"

typedef struct {
	uint16_t first, last;
} kept_t;

static kept_t const kept[] = {
	{0x20, 0x21},   /* PIC 1 */
	{0x42, 0x42},   /* PIT channel 2 (calibration) */
	{0x61, 0x61},   /* PIT channel 2 gate, speaker */
	{0xa0, 0xa1},   /* PIC 2 */
	{0xf4, 0xf7},   /* isa-debug-exit */
	{0x3f8, 0x3ff}, /* COM1 */
};

bool hw_port_range_valid(uint64_t base, uint64_t count)
{
	return count >= 1 && base < HW_IO_PORTS && count <= HW_IO_PORTS - base;
}

bool hw_port_range_reserved(uint64_t base, uint64_t count)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (base <= kept[i].last && kept[i].first < base + count)
			return true;
	}
	return false;
}

bool hw_port_width_valid(uint64_t width)
{
	return width == 1 || width == 2 || width == 4;
}

bool hw_port_access_inside(uint64_t base, uint64_t count, uint64_t port, uint64_t width)
{
	return port >= base && width <= count && port - base <= count - width;
}
