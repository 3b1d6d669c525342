/* Message transfer (see msg.h). */
#include "msg.h"

gn_err_t hw_msg_check(uint64_t info)
{
	if (HW_MSG_WORDS_OF(info) > HW_MSG_WORDS || HW_MSG_CAPS_OF(info) > HW_MSG_CAPS)
		return GN_ERR_BAD_MSG;
	return GN_OK;
}

/* Reads the indices once and checks each; slots[] gets the sender's capabilities. */
static gn_err_t sender_caps(hw_msg_end_t const *from, uint64_t count, hw_cap_slot_t *slots)
{
	for (uint64_t i = 0; i < count; i++) {
		uint64_t idx = ((uint64_t volatile *)from->caps)[i];
		gn_err_t err = hw_cap_get(from->cs, idx, &slots[i]);
		if (err != GN_OK)
			return err;
	}
	return GN_OK;
}

gn_err_t hw_msg_check_caps(hw_msg_end_t const *from, uint64_t info)
{
	hw_cap_slot_t slots[HW_MSG_CAPS];
	gn_err_t err = hw_msg_check(info);

	return err != GN_OK ? err : sender_caps(from, HW_MSG_CAPS_OF(info), slots);
}

gn_err_t hw_msg_transfer(
	hw_msg_end_t const *from, hw_msg_end_t const *to, uint64_t info, uint64_t *delivered)
{
	hw_cap_slot_t slots[HW_MSG_CAPS];
	uint64_t words = HW_MSG_WORDS_OF(info), caps = HW_MSG_CAPS_OF(info), given = 0;
	gn_err_t err = hw_msg_check(info);

	if (err == GN_OK && caps > 0)
		err = sender_caps(from, caps, slots);
	if (err != GN_OK)
		return err;
	for (uint64_t i = 0; i < words; i++)
		to->msg[i] = from->msg[i];
	for (uint64_t i = 0; i < caps; i++) {
		uint64_t idx;
		if (hw_cap_insert_copy(to->cs, &slots[i], hw_cap_transfer_rights(slots[i].rights),
			    &idx) != GN_OK)
			break;
		to->caps[given++] = idx;
	}
	*delivered = HW_MSG_INFO(words, given);
	return GN_OK;
}
