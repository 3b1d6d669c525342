/*
 * The capability table of a linux component.
 *
 * Invariants: an entry with refs > 0 owns exactly one descriptor. The kind and identity of an
 * entry come from the kernel (fstat), never from a sender's claim, and are asked for only when
 * first needed, so passing a capability on or dropping it costs no extra system call. One kernel
 * object may have several entries (received twice); gn_cap_same and the entrypoint's lookup compare
 * identities, so a capability that comes back to its holder is still recognised: sockets and memfds
 * by inode, eventfds (signal contexts, which all share one anonymous inode) by their open file
 * (kcmp KCMP_FILE on our own process). All operations hold the table's mutex; none blocks
 * otherwise. A component's table has LX_CAP_TABLE_DEFAULT entries; core, which holds a capability
 * for everything it hands out, moves its table into larger storage at boot.
 */
#include <gneiss/lock.h>
#include <gneiss/string.h>
#include <lx.h>
#include <lx_cap.h>

enum {
	KCMP_FILE = 0,
	S_IFMT = 0170000,
	S_IFSOCK = 0140000,
	S_IFREG = 0100000
};

typedef lx_cap_entry_t entry_t;

static entry_t own_table[LX_CAP_TABLE_DEFAULT];
static entry_t *table = own_table;
static gn_cap_t table_size = LX_CAP_TABLE_DEFAULT; /* core makes it larger at boot */
static gn_cap_t next_free = 1;                     /* where the search for a free entry starts */
static gn_mutex_t table_lock = GN_MUTEX_INIT;

static entry_t *entry(gn_cap_t cap)
{
	if (cap == GN_CAP_INVALID || cap >= table_size || table[cap].refs == 0)
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

/*
 * Learns the kind and identity of e's descriptor from the kernel, once, when first asked: a
 * capability that is only passed on or dropped costs no fstat.
 */
static bool resolve(entry_t *e)
{
	struct lx_stat st;

	if (e->resolved)
		return true;
	if (lx_fstat(e->fd, &st) < 0)
		return false;
	e->kind = (uint8_t)kind_of(&st);
	e->ino = e->kind == GN_CAP_KIND_SIGNAL ? 0 : st.ino;
	e->resolved = true;
	return true;
}

gn_err_t lx_cap_insert(int fd, gn_cap_t *out)
{
	if (fd < 0)
		return GN_ERR_INVALID_CAP;
	gn_mutex_lock(&table_lock);
	for (gn_cap_t cap = next_free; cap < table_size + next_free; cap++) {
		gn_cap_t const c = 1 + (cap - 1) % (table_size - 1);
		if (table[c].refs)
			continue;
		table[c] = (entry_t){.refs = 1, .gen = table[c].gen + 1, .fd = fd};
		next_free = c + 1 < table_size ? c + 1 : 1;
		*out = c;
		gn_mutex_unlock(&table_lock);
		return GN_OK;
	}
	gn_mutex_unlock(&table_lock);
	lx_close(fd);
	return GN_ERR_OUT_OF_CAPS;
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
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	uint64_t const ino = e && resolve(e) ? e->ino : 0;
	gn_mutex_unlock(&table_lock);
	return ino;
}

bool gn_cap_valid(gn_cap_t cap)
{
	return entry(cap) != NULL;
}

gn_cap_kind_t gn_cap_kind(gn_cap_t cap)
{
	gn_mutex_lock(&table_lock);
	entry_t *e = entry(cap);
	gn_cap_kind_t const kind = e && resolve(e) ? (gn_cap_kind_t)e->kind : GN_CAP_KIND_NONE;
	gn_mutex_unlock(&table_lock);
	return kind;
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
	gn_mutex_lock(&table_lock);
	entry_t *ea = entry(a), *eb = entry(b);
	bool same = ea && eb && (a == b || (resolve(ea) && resolve(eb) && ea->kind == eb->kind));
	if (same && a != b) {
		long const pid = lx_syscall0(__NR_getpid);
		same = ea->kind == GN_CAP_KIND_SIGNAL
			       ? lx_syscall5(__NR_kcmp, pid, pid, KCMP_FILE, ea->fd, eb->fd) == 0
			       : ea->ino == eb->ino;
	}
	gn_mutex_unlock(&table_lock);
	return same;
}

unsigned gn_cap_count(void)
{
	unsigned n = 0;

	gn_mutex_lock(&table_lock);
	for (gn_cap_t i = 1; i < table_size; i++)
		n += table[i].refs != 0;
	gn_mutex_unlock(&table_lock);
	return n;
}

gn_err_t lx_cap_table_provide(lx_cap_entry_t *storage, uint32_t count)
{
	gn_mutex_lock(&table_lock);
	if (count <= table_size) {
		gn_mutex_unlock(&table_lock);
		return GN_ERR_INVALID_ARG;
	}
	gn_memset(storage, 0, sizeof(*storage) * count);
	gn_memcpy(storage, table, sizeof(*table) * table_size);
	table = storage;
	table_size = count;
	gn_mutex_unlock(&table_lock);
	return GN_OK;
}
