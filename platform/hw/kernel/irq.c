/* IRQ objects (see irq.h). */
#include "irq.h"
#include "apic.h"
#include "cpu_tables.h"
#include "ioapic.h"
#include "signal.h"
#include "syscall.h"

enum {
	LINE_CASCADE = 2,
	LINE_COM1 = 4,
};

typedef struct {
	hw_obj_t obj;
	hw_pd_t *owner;
	hw_obj_t *context; /* NULL: not bound */
	uint64_t context_gen;
	uint64_t interrupts;
} irq_t;

static irq_t irqs[HW_IRQ_LINES]; /* the object of line i is irqs[i] */
static hw_obj_t factory;

void hw_irq_boot(hw_pd_t *root)
{
	hw_obj_init(&factory, HW_OBJ_IRQ_FACTORY);
	hw_cap_set(&root->caps, HW_CAP_IRQ_FACTORY, &factory, HW_RIGHT_CREATE);
}

static unsigned line_of(irq_t const *irq)
{
	return (unsigned)(irq - irqs);
}

bool hw_irq_interrupt(unsigned line)
{
	irq_t *irq = &irqs[line];

	if (!hw_ioapic_routed(line))
		return false; /* the I/O APIC sends nothing for it: not an IRQ */
	hw_ioapic_mask(line);
	if (hw_apic_in_service(HW_VECTOR_IRQ + line))
		hw_apic_eoi(); /* an `int` of the kernel's own is in no service register */
	if (irq->obj.type != HW_OBJ_IRQ || !irq->context)
		return true; /* masked until someone binds it */
	irq->interrupts++;
	if (!hw_signal_submit_ref(irq->context, irq->context_gen))
		irq->context = NULL; /* the context went away: masked until the next bind */
	return true;
}

void hw_irq_destroy(hw_obj_t *obj)
{
	irq_t *irq = GN_CONTAINER_OF(obj, irq_t, obj);

	hw_ioapic_mask(line_of(irq));
	irq->context = NULL;
	irq->owner->objects--;
	hw_obj_destroy(&irq->obj);
}

void hw_irq_pd_ended(hw_pd_t *pd)
{
	for (unsigned i = 0; i < HW_IRQ_LINES; i++) {
		if (irqs[i].obj.type == HW_OBJ_IRQ && irqs[i].owner == pd)
			hw_irq_destroy(&irqs[i].obj);
	}
}

int64_t hw_call_irq_create(hw_thread_t *t, uint64_t const arg[4])
{
	uint64_t line = arg[1], idx;
	hw_obj_t *obj;
	irq_t *irq;
	gn_err_t err =
		hw_cap_lookup(&t->pd->caps, arg[0], HW_OBJ_IRQ_FACTORY, HW_RIGHT_CREATE, &obj);

	if (err == GN_OK && line >= HW_IRQ_LINES)
		err = GN_ERR_INVALID_ARG;
	if (err == GN_OK && (line == LINE_CASCADE || line == LINE_COM1))
		err = GN_ERR_DENIED; /* the kernel keeps these */
	if (err == GN_OK && !hw_ioapic_present())
		err = GN_ERR_NOT_FOUND; /* no I/O APIC at all */
	if (err == GN_OK && !hw_ioapic_routed((unsigned)line))
		err = GN_ERR_DENIED; /* no route for it */
	if (err == GN_OK && irqs[line].obj.type == HW_OBJ_IRQ)
		err = GN_ERR_EXISTS; /* one holder per line */
	if (err == GN_OK)
		err = hw_object_room(t->pd);
	if (err != GN_OK)
		return hw_error(err);
	irq = &irqs[line];
	hw_obj_init(&irq->obj, HW_OBJ_IRQ);
	irq->owner = t->pd;
	irq->context = NULL;
	irq->interrupts = 0;
	t->pd->objects++;
	if (hw_cap_insert(&t->pd->caps, &irq->obj, HW_RIGHT_RECV | HW_RIGHT_OWNER, &idx) != GN_OK)
		return hw_error(GN_ERR_OUT_OF_CAPS); /* cannot happen after hw_object_room */
	return (int64_t)idx;
}

static gn_err_t lookup(hw_thread_t *t, uint64_t idx, irq_t **irq)
{
	hw_obj_t *obj;
	gn_err_t err = hw_cap_lookup(&t->pd->caps, idx, HW_OBJ_IRQ, HW_RIGHT_RECV, &obj);

	if (err == GN_OK)
		*irq = GN_CONTAINER_OF(obj, irq_t, obj);
	return err;
}

int64_t hw_call_irq_bind(hw_thread_t *t, uint64_t const arg[4])
{
	hw_obj_t *context;
	irq_t *irq;
	gn_err_t err = lookup(t, arg[0], &irq);

	if (err == GN_OK)
		err = hw_cap_lookup(
			&t->pd->caps, arg[1], HW_OBJ_SIGNAL_CONTEXT, HW_RIGHT_SUBMIT, &context);
	if (err != GN_OK)
		return hw_error(err);
	irq->context = context;
	irq->context_gen = context->gen;
	hw_ioapic_unmask(line_of(irq));
	return 0;
}

int64_t hw_call_irq_ack(hw_thread_t *t, uint64_t const arg[4])
{
	irq_t *irq;
	gn_err_t err = lookup(t, arg[0], &irq);

	if (err == GN_OK && !irq->context)
		err = GN_ERR_NOT_FOUND; /* not bound: nothing could arrive */
	if (err != GN_OK)
		return hw_error(err);
	hw_ioapic_unmask(line_of(irq));
	return 0;
}
