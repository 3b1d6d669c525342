/*
 * The capability table of a linux component.
 *
 * Invariants: an entry with refs > 0 owns exactly one descriptor, and every kernel object appears
 * at most once, so a capability that comes back to its holder is recognised. Sockets and memfds are
 * told apart by inode; eventfds (signal contexts) all share one anonymous inode, so for them the
 * kernel compares the open files themselves (kcmp KCMP_FILE on our own process). The kind comes from
 * the kernel (fstat), never from a sender's claim. All operations hold the table's mutex; none
 * blocks otherwise.
 */
#include <gneiss/lock.h>
#include <gneiss/string.h>
#include <lx.h>
#include <lx_cap.h>

enum {
	TABLE_SIZE = 1024
};
enum {
	KCMP_FILE = 0,
	S_IFMT = 0170000,
	S_IFSOCK = 0140000,
	S_IFREG = 0100000
};

typedef struct {
	uint32_t refs;
	uint32_t gen;
	int fd;
	uint8_t kind;
	uint64_t ino;
} entry_t;

static entry_t table[TABLE_SIZE];
static gn_mutex_t table_lock = GN_MUTEX_INIT;

static entry_t *entry(gn_cap_t cap)
{
	if (cap == GN_CAP_INVALID || cap >= TABLE_SIZE || table[cap].refs == 0)
		return NULL;
	return &table[cap];
}

static gn_cap_kind_t kind_of(struct lx_stat const *st)
{
	switch (st->mode & S_IFMT) {
	case S_IFSOCK: return GN_CAP_KIND_OBJECT;
	case S_IFREG: return GN_CAP_KIND_DATASPACE;
	default: return GN_CAP_KIND_SIGNAL;
	}
}

static gn_cap_t find_ident(uint64_t ino)
{
	for (gn_cap_t i = 1; i < TABLE_SIZE; i++)
		if (table[i].refs && table[i].ino == ino)
			return i;
	return GN_CAP_INVALID;
}

static gn_cap_t find_signal(int fd)
{
	long const pid = lx_syscall0(__NR_getpid);

	for (gn_cap_t i = 1; i < TABLE_SIZE; i++)
		if (table[i].refs && table[i].kind == GN_CAP_KIND_SIGNAL &&
			lx_syscall5(__NR_kcmp, pid, pid, KCMP_FILE, table[i].fd, fd) == 0)
			return i;
	return GN_CAP_INVALID;
}

gn_err_t lx_cap_insert(int fd, gn_cap_t *out)
{
	struct lx_stat st;
	gn_err_t err = GN_ERR_OUT_OF_CAPS;

	if (lx_fstat(fd, &st) < 0)
		return GN_ERR_INVALID_CAP;

	gn_mutex_lock(&table_lock);
	gn_cap_kind_t kind = kind_of(&st);
	gn_cap_t cap = kind == GN_CAP_KIND_SIGNAL ? find_signal(fd) : find_ident(st.ino);
	if (cap != GN_CAP_INVALID) {
		table[cap].refs++;
		lx_close(fd);
		*out = cap;
		err = GN_OK;
		goto out;
	}
	for (cap = 1; cap < TABLE_SIZE; cap++) {
		if (table[cap].refs)
			continue;
		table[cap] = (entry_t){1, table[cap].gen + 1, fd, (uint8_t)kind,
			kind == GN_CAP_KIND_SIGNAL ? 0 : st.ino};
		*out = cap;
		err = GN_OK;
		goto out;
	}
	lx_close(fd);
out:
	gn_mutex_unlock(&table_lock);
	return err;
}

int lx_cap_fd(gn_cap_t cap)
{
	entry_t const *e = entry(cap);

	return e ? e->fd : -1;
}

uint32_t lx_cap_gen(gn_cap_t cap)
{
	entry_t const *e = entry(cap);

	return e ? e->gen : 0;
}

uint64_t lx_cap_ident(gn_cap_t cap)
{
	entry_t const *e = entry(cap);

	return e ? e->ino : 0;
}

bool gn_cap_valid(gn_cap_t cap)
{
	return entry(cap) != NULL;
}

gn_cap_kind_t gn_cap_kind(gn_cap_t cap)
{
	entry_t const *e = entry(cap);

	return e ? (gn_cap_kind_t)e->kind : GN_CAP_KIND_NONE;
}

gn_cap_t gn_cap_copy(gn_cap_t cap)
{
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	if (e)
		e->refs++;
	gn_mutex_unlock(&table_lock);
	return e ? cap : GN_CAP_INVALID;
}

void gn_cap_drop(gn_cap_t cap)
{
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	if (e && --e->refs == 0) {
		lx_close(e->fd);
		e->fd = -1;
		e->ino = 0;
	}
	gn_mutex_unlock(&table_lock);
}

bool gn_cap_same(gn_cap_t a, gn_cap_t b)
{
	return gn_cap_valid(a) && a == b;
}

unsigned gn_cap_count(void)
{
	unsigned n = 0;

	gn_mutex_lock(&table_lock);
	for (gn_cap_t i = 1; i < TABLE_SIZE; i++)
		n += table[i].refs != 0;
	gn_mutex_unlock(&table_lock);
	return n;
}
