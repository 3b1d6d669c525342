/*
 * Messages in the UTCB. gn_ipc_buf_t has a 16-byte header, the UTCB only payload words and an info
 * value the kernel checks (word and capability counts), so the header travels as the first word:
 * bits 0..31 the opcode or status, 32..47 the payload length in bytes, 48..55 the capability count
 * the sender claims, 56..63 zero. The payload follows in whole words, the last one padded.
 *
 * Nothing a sender writes is trusted: the receiver turns what the kernel delivered (info) into a
 * gn_ipc_delivery_t and lets lib/base's gn_ipc_msg_check compare it with the header, as the linux
 * transport does: the length must need exactly the words that arrived, the claimed capability
 * count must be the count the kernel transferred, the reserved bits must be zero. A message that
 * fails loses the capabilities it brought (their slots are emptied) and is BAD_MSG.
 */
#include <gneiss/string.h>

#include "hw_lib.h"

enum {
	LEN_SHIFT = 32,
	CAPS_SHIFT = 48,
	RESERVED_SHIFT = 56,
};

gn_err_t hw_msg_put(gn_ipc_buf_t const *buf, hw_utcb_t *utcb, uint64_t *info)
{
	gn_ipc_header_t const hdr = buf->hdr;

	if (hdr.len > HW_RT_PAYLOAD || hdr.num_caps > GN_IPC_CAPS)
		return GN_ERR_INVALID_ARG;
	for (unsigned i = 0; i < hdr.num_caps; i++)
		if (!gn_cap_valid(buf->caps[i]))
			return GN_ERR_INVALID_CAP;
	size_t const words = (hdr.len + 7) / 8;
	if (words)
		utcb->msg[words] = 0; /* the padding of the last word leaks nothing */
	gn_memcpy(&utcb->msg[1], buf->payload, hdr.len);
	utcb->msg[0] =
		hdr.word | (uint64_t)hdr.len << LEN_SHIFT | (uint64_t)hdr.num_caps << CAPS_SHIFT;
	for (unsigned i = 0; i < hdr.num_caps; i++)
		utcb->caps[i] = buf->caps[i];
	*info = HW_MSG_INFO(1 + words, hdr.num_caps);
	return GN_OK;
}

void hw_msg_drop_received(uint64_t info, hw_utcb_t const *utcb)
{
	uint64_t const n = HW_MSG_CAPS_OF(info);

	for (uint64_t i = 0; i < n && i < HW_MSG_CAPS; i++)
		(void)hw_syscall4(HW_SYS_CAP_DROP, utcb->caps[i], 0, 0, 0);
}

/* What arrived, in the terms of gn_ipc_msg_check. */
static gn_ipc_delivery_t delivery(uint64_t info, uint64_t head, gn_ipc_header_t *hdr)
{
	uint64_t const words = HW_MSG_WORDS_OF(info), caps = HW_MSG_CAPS_OF(info);
	gn_ipc_delivery_t got = {0, (unsigned)caps, caps > HW_MSG_CAPS || words > HW_MSG_WORDS};

	*hdr = (gn_ipc_header_t){
		(uint32_t)head, (uint16_t)(head >> LEN_SHIFT), (uint8_t)(head >> CAPS_SHIFT), 0};
	if (got.truncated || words == 0 || head >> RESERVED_SHIFT) {
		got.truncated = true;
		return got;
	}
	/* a length that needs exactly the words received counts as delivered; padding does not */
	size_t const room = (words - 1) * 8;
	got.bytes = sizeof(*hdr) + ((hdr->len + 7) / 8 * 8 == room ? hdr->len : room);
	return got;
}

gn_err_t hw_msg_get(uint64_t info, hw_utcb_t const *utcb, gn_ipc_buf_t *buf)
{
	gn_ipc_header_t hdr;
	gn_ipc_delivery_t const got =
		delivery(info, HW_MSG_WORDS_OF(info) ? utcb->msg[0] : 0, &hdr);

	if (gn_ipc_msg_check(&hdr, &got) != GN_OK) {
		hw_msg_drop_received(info, utcb);
		return GN_ERR_BAD_MSG;
	}
	buf->hdr = hdr;
	gn_memcpy(buf->payload, &utcb->msg[1], hdr.len);
	for (unsigned i = 0; i < hdr.num_caps; i++) {
		if (hw_cap_enter(utcb->caps[i], &buf->caps[i]) != GN_OK) {
			for (unsigned j = 0; j < i; j++)
				gn_cap_drop(buf->caps[j]);
			for (unsigned j = i; j < hdr.num_caps; j++)
				(void)hw_syscall4(HW_SYS_CAP_DROP, utcb->caps[j], 0, 0, 0);
			return GN_ERR_BAD_MSG; /* not a slot the kernel just filled */
		}
	}
	return GN_OK;
}
