/* I/O port capabilities (see ioport.h). */
#include "ioport.h"
#include "cpu.h"
#include "port_range.h"
#include "syscall.h"

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	uint64_t base, count;
} ports_t;

static ports_t ports[HW_IO_PORT_OBJECTS];
static hw_obj_t factory;

void hw_ioport_boot(hw_pd_t *root)
{
	hw_obj_init(&factory, HW_OBJ_IO_PORT_FACTORY);
	hw_cap_set(&root->caps, HW_CAP_IO_PORT_FACTORY, &factory, HW_RIGHT_CREATE);
}

void hw_ioport_destroy(hw_obj_t *obj)
{
	ports_t *p = GN_CONTAINER_OF(obj, ports_t, obj);

	p->owner->objects--;
	hw_obj_destroy(&p->obj);
}

void hw_ioport_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_IO_PORT_OBJECTS; i++) {
		if (ports[i].obj.type == HW_OBJ_IO_PORTS && ports[i].owner == pd)
			hw_ioport_destroy(&ports[i].obj);
	}
}

int64_t hw_call_io_port_create(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t base = arg[1], count = arg[2], idx;
	ports_t *p = NULL;
	hw_obj_t *obj;
	gn_err_t err =
		hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_IO_PORT_FACTORY, HW_RIGHT_CREATE, &obj);

	if (err == GN_OK && !hw_port_range_valid(base, count))
		err = GN_ERR_INVALID_ARG;
	if (err == GN_OK && hw_port_range_reserved(base, count))
		err = GN_ERR_DENIED; /* the kernel keeps these */
	if (err == GN_OK)
		err = hw_object_room(t->pd);
	for (unsigned i = 0; err == GN_OK && i < HW_IO_PORT_OBJECTS && !p; i++)
		p = ports[i].obj.type == HW_OBJ_NONE ? &ports[i] : NULL;
	if (err == GN_OK && !p)
		err = GN_ERR_LIMIT;
	if (err != GN_OK)
		return hw_error(err);
	hw_obj_init(&p->obj, HW_OBJ_IO_PORTS);
	p->owner = t->pd;
	p->base = base;
	p->count = count;
	t->pd->objects++;
	if (hw_cap_insert(&t->pd->caps, &p->obj, HW_RIGHT_READ | HW_RIGHT_WRITE | HW_RIGHT_OWNER,
		    &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

/* The ports of t's capability idx with right, checked for an access of width at port. */
static gn_err_t lookup(hw_thread_t *t, uint64_t idx, uint16_t right, uint64_t port, uint64_t width)
{
	hw_obj_t *obj;
	ports_t *p;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, idx, HW_OBJ_IO_PORTS, right, &obj);

	if (err != GN_OK)
		return err;
	if (!hw_port_width_valid(width))
		return GN_ERR_INVALID_ARG;
	p = GN_CONTAINER_OF(obj, ports_t, obj);
	return hw_port_access_inside(p->base, p->count, port, width) ? GN_OK : GN_ERR_DENIED;
}

int64_t hw_call_port_in(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t port = arg[1], width = arg[2];
	gn_err_t err = lookup(t, arg[0], HW_RIGHT_READ, port, width);

	if (err != GN_OK)
		return hw_error(err);
	if (width == 1)
		return hw_inb((uint16_t)port);
	return width == 2 ? hw_inw((uint16_t)port) : hw_inl((uint16_t)port);
}

int64_t hw_call_port_out(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t port = arg[1], width = arg[2], value = arg[3];
	gn_err_t err = lookup(t, arg[0], HW_RIGHT_WRITE, port, width);

	if (err == GN_OK && (width < 4 ? value >> (8 * width) : value >> 32) != 0)
		err = GN_ERR_INVALID_ARG;
	if (err != GN_OK)
		return hw_error(err);
	if (width == 1)
		hw_outb((uint16_t)port, (uint8_t)value);
	else if (width == 2)
		hw_outw((uint16_t)port, (uint16_t)value);
	else
		hw_outl((uint16_t)port, (uint32_t)value);
	return 0;
}
