/*
 * Attacks through sockets (test/attack/sockets): a socket of every family that reaches beyond the
 * component (the network, the host's routing and devices, the hypervisor, the kernel's crypto, an
 * abstract AF_UNIX name shared with everyone in the network namespace), socket pairs of any kind
 * but the one the library uses, and the calls that would give a granted capability socket a name
 * or a peer. Only socketpair(AF_UNIX, SOCK_SEQPACKET[|SOCK_CLOEXEC], 0) is allowed: every attempt
 * here must be killed by core naming the call.
 */
#include "attack.h"

enum {
	AF_UNIX = 1,
	AF_INET = 2,
	AF_INET6 = 10,
	AF_NETLINK = 16,
	AF_PACKET = 17,
	AF_ALG = 38,
	AF_VSOCK = 40,
	SOCK_STREAM = 1,
	SOCK_DGRAM = 2,
	SOCK_RAW = 3,
	SOCK_SEQPACKET = 5,
	SOCK_NONBLOCK = 04000,
	NETLINK_ROUTE = 0,
	ETH_P_ALL_BE = 0x0300, /* htons(ETH_P_ALL) */
	SOL_SOCKET = 1,
	SO_PASSCRED = 16,
	SO_PEERCRED = 17,
};

/* An abstract AF_UNIX address: visible to every process of the (shared) network namespace. */
static struct {
	uint16_t family;
	char path[16];
} const abstract = {AF_UNIX, "\0gneiss-attack"};

static int sv[2];
static uint8_t buf[64];

static long inet(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_INET, SOCK_STREAM, 0);
}

static long inet6(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_INET6, SOCK_DGRAM, 0);
}

static long netlink(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
}

static long packet(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_PACKET, SOCK_RAW, ETH_P_ALL_BE);
}

static long vsock(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_VSOCK, SOCK_STREAM, 0);
}

static long alg(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_socket, AF_ALG, SOCK_SEQPACKET, 0);
}

static long unix_stream(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(
		__NR_socket, AF_UNIX, SOCK_STREAM, 0); /* to connect to an abstract name */
}

static long unix_seqpacket(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(
		__NR_socket, AF_UNIX, SOCK_SEQPACKET, 0); /* the allowed type, unpaired */
}

static long pair_inet(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_socketpair, AF_INET, SOCK_STREAM, 0, sv);
}

static long pair_stream(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
}

static long pair_dgram(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv);
}

static long pair_nonblock(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_socketpair, AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv);
}

static long pair_protocol(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_socketpair, AF_UNIX, SOCK_SEQPACKET, 1, sv);
}

static long bind_abstract(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_bind, 0, &abstract, sizeof(abstract));
}

static long connect_abstract(gn_env_t *env)
{
	(void)env;
	return lx_syscall3(__NR_connect, 0, &abstract, sizeof(abstract));
}

static long listen_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_listen, 0, 1);
}

static long accept_parent(gn_env_t *env)
{
	(void)env;
	return lx_syscall4(__NR_accept4, 0, 0, 0, 0);
}

static long sendto_abstract(gn_env_t *env)
{
	(void)env;
	return lx_syscall6(__NR_sendto, 3, (long)"x", 1, 0x4000, (long)&abstract, sizeof(abstract));
}

static long passcred(gn_env_t *env)
{
	static int one = 1;

	(void)env;
	return lx_syscall5(__NR_setsockopt, 0, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
}

static long peercred(gn_env_t *env)
{
	static uint32_t len = sizeof(buf);

	(void)env;
	return lx_syscall5(__NR_getsockopt, 0, SOL_SOCKET, SO_PEERCRED, buf, &len);
}

static long peername(gn_env_t *env)
{
	static uint32_t len = sizeof(buf);

	(void)env;
	return lx_syscall3(__NR_getpeername, 0, buf, &len);
}

static long shutdown_log(gn_env_t *env)
{
	(void)env;
	return lx_syscall2(__NR_shutdown, 3, 2);
}

static attack_t const attacks[] = {
	{"socket-inet", "socket", "a TCP socket", inet, ATTACK_KILLED},
	{"socket-inet6", "socket", "a UDP socket over IPv6", inet6, ATTACK_KILLED},
	{"socket-netlink", "socket", "a routing netlink socket", netlink, ATTACK_KILLED},
	{"socket-packet", "socket", "a raw packet socket", packet, ATTACK_KILLED},
	{"socket-vsock", "socket", "a socket to the hypervisor", vsock, ATTACK_KILLED},
	{"socket-alg", "socket", "a kernel crypto socket", alg, ATTACK_KILLED},
	{"socket-unix", "socket", "an AF_UNIX stream socket for an abstract name", unix_stream,
		ATTACK_KILLED},
	{"socket-seqpacket", "socket", "an AF_UNIX seqpacket socket outside a pair", unix_seqpacket,
		ATTACK_KILLED},
	{"socketpair-inet", "socketpair", "an AF_INET pair", pair_inet, ATTACK_KILLED},
	{"socketpair-stream", "socketpair", "an AF_UNIX stream pair", pair_stream, ATTACK_KILLED},
	{"socketpair-dgram", "socketpair", "an AF_UNIX datagram pair", pair_dgram, ATTACK_KILLED},
	{"socketpair-nonblock", "socketpair", "a seqpacket pair with SOCK_NONBLOCK", pair_nonblock,
		ATTACK_KILLED},
	{"socketpair-protocol", "socketpair", "a seqpacket pair with protocol 1", pair_protocol,
		ATTACK_KILLED},
	{"bind-abstract", "bind", "give the parent capability an abstract name", bind_abstract,
		ATTACK_KILLED},
	{"connect-abstract", "connect", "connect the parent capability to an abstract name",
		connect_abstract, ATTACK_KILLED},
	{"listen", "listen", "listen on the parent capability", listen_parent, ATTACK_KILLED},
	{"accept", "accept4", "accept on the parent capability", accept_parent, ATTACK_KILLED},
	{"sendto-abstract", "sendto", "send to an abstract name", sendto_abstract, ATTACK_KILLED},
	{"setsockopt-passcred", "setsockopt", "receive the peers' credentials", passcred,
		ATTACK_KILLED},
	{"getsockopt-peercred", "getsockopt", "learn core's pid and uid", peercred, ATTACK_KILLED},
	{"getpeername", "getpeername", "learn the parent's address", peername, ATTACK_KILLED},
	{"shutdown-log", "shutdown", "shut the LOG capability down", shutdown_log, ATTACK_KILLED},
};

void gn_component_construct(gn_env_t *env)
{
	attack_run(env, attacks, GN_ARRAY_SIZE(attacks));
}
