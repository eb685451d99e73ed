/* ioc_index.c — the in-memory correlation index (ioc_index.h). */
#include <pthread.h>
#include <sys/mman.h>

#include "ioc_index.h"

/* ---- keys ---- */

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

static bool binary_type(enum ioc_type t)
{
    return t == IOC_IPV4 || t == IOC_IPV6 || t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256;
}

static const uint8_t *key_bytes(const struct ioc_key *k)
{
    return binary_type(k->type) ? k->bin : (const uint8_t *)k->text;
}

static int parse_hex(struct ioc_key *k, const char *v, size_t n, size_t bytes)
{
    if (n != bytes * 2)
        return IOC_INDEX_EINVAL;
    for (size_t i = 0; i < bytes; i++) {
        int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return IOC_INDEX_EINVAL;
        k->bin[i] = (uint8_t)(hi << 4 | lo);
    }
    k->len = (uint32_t)bytes;
    return 0;
}

static int parse_ip(struct ioc_key *k, enum ioc_type t, const char *v, size_t n)
{
    unsigned prefix;
    if (ioc_ip_parse(t, v, n, k->bin, &prefix))
        return IOC_INDEX_EINVAL;
    k->prefix = (uint8_t)prefix;
    k->len = t == IOC_IPV4 ? 4 : 16;
    return 0;
}

int ioc_key_parse(struct ioc_key *k, enum ioc_type type, const char *value, size_t len)
{
    memset(k, 0, sizeof(*k));
    k->type = type;
    if (len == 0 || len > IOC_TEXT_MAX)
        return IOC_INDEX_EINVAL;
    switch (type) {
    case IOC_IPV4:
    case IOC_IPV6:
        return parse_ip(k, type, value, len);
    case IOC_MD5:
        return parse_hex(k, value, len, 16);
    case IOC_SHA1:
        return parse_hex(k, value, len, 20);
    case IOC_SHA256:
        return parse_hex(k, value, len, 32);
    case IOC_DOMAIN: {
        unsigned labels = 1;
        for (size_t i = 0; i < len; i++)
            labels += value[i] == '.';
        if (labels > 200)
            return IOC_INDEX_EINVAL;
        k->labels = (uint8_t)labels;
    } /* fall through */
    case IOC_URL:
    case IOC_EMAIL:
    case IOC_SSDEEP:
        k->text = value;
        k->len = (uint32_t)len;
        return 0;
    default:
        return IOC_INDEX_EINVAL;
    }
}

int ioc_key_from_value(struct ioc_key *k, const struct ioc_value *v)
{
    if (v->type == IOC_IPV4 || v->type == IOC_IPV6) {
        memset(k, 0, sizeof(*k));
        k->type = v->type;
        k->prefix = v->prefix;
        k->len = v->type == IOC_IPV4 ? 4 : 16;
        memcpy(k->bin, v->addr, k->len);
        return 0;
    }
    return ioc_key_parse(k, v->type, v->text, v->len);
}

/* ---- hashing ---- */

static inline uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(uint64_t seed, const uint8_t *p, size_t n)
{
    uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL), w;
    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    w = 0;
    memcpy(&w, p, n);
    return mix(h ^ w);
}

/* ---- memory ---- */

#define HUGE_SIZE ((size_t)2 << 20)

/*
 * Blocks of 2 MiB or more (slot tables, the entry array, key chunks) are 2 MiB-aligned and
 * offered to the kernel as transparent huge pages (madvise; ignored where THP is off): a lookup
 * makes a few random accesses into gigabytes, and with 4 KiB pages each would also miss the
 * TLB and walk the page table. zero: clear the block (calloc).
 */
static void *big_alloc(size_t n, bool zero)
{
    void *p = NULL;
    if (n < HUGE_SIZE)
        return zero ? xcalloc(1, n) : xmalloc(n);
    size_t sz = (n + HUGE_SIZE - 1) & ~(HUGE_SIZE - 1);
    if (posix_memalign(&p, HUGE_SIZE, sz))
        BUG("out of memory (%zu bytes)", sz);
    (void)madvise(p, sz, MADV_HUGEPAGE);
    if (zero)
        memset(p, 0, n);
    return p;
}

/* ---- the structure ---- */

#define SLOT_TOMB 0xffffffffu
#define CHUNK_BITS 21
#define CHUNK_SIZE ((size_t)1 << CHUNK_BITS)

struct ixt {
    uint64_t *slot; /* tag << 32 | (entry + 1); 0 empty; low half SLOT_TOMB: removed */
    size_t mask, live, tomb;
};

/*
 * An entry lives in the key arena, its key bytes (and a NUL) right after it, so that a hit reads
 * one or two adjacent cache lines after its slot instead of an entry and then a key elsewhere.
 * Its number is its offset in 8-byte units (chunk << (CHUNK_BITS - 3) | unit): 32 bits address
 * 32 GiB of arena. A removed entry stays as garbage (npost 0) until a rebuild.
 */
struct ix_entry {
    union {
        uint64_t one; /* npost == 1 */
        uint64_t *v;  /* npost > 1 */
    } post;
    uint32_t npost; /* 0: removed */
    uint32_t cap;   /* capacity of post.v */
    uint16_t key_len;
    uint8_t type, prefix;
    uint32_t size; /* bytes of the entry with its key, a multiple of 8 */
};

#define UNIT_BITS (CHUNK_BITS - 3)
#define MAX_CHUNKS (((size_t)1 << (32 - UNIT_BITS)) - 1) /* keeps entry + 1 below SLOT_TOMB */

/*
 * For "inside" queries (the stored addresses and blocks in a query block), which a hash table
 * cannot answer: every address entry is also listed in the bucket of its first 16 bits, sorted
 * by address then prefix, so a query block of /16 or longer is one binary search in one bucket,
 * and a shorter one reads the 2^(16-p) buckets it spans. Buckets stay small (IPv4: 65,536 of
 * them), so an insert's memmove is short. An IPv4 element carries its sort key (the address's
 * last 16 bits, the prefix, the entry: (low16 << 6 | prefix) << 32 | entry), so IPv4 buckets are
 * searched and sorted without reading entries; an IPv6 element is the entry number, compared
 * through the key arena. A bulk build appends and sorts each bucket once at the end.
 */
#define BUCKETS 65536
struct bucket {
    uint64_t *e;
    uint32_t n, cap;
};

struct ioc_index {
    pthread_rwlock_t lock;
    uint64_t seed;
    struct ixt str, ip4[33], ip6[129];
    struct bucket *b4, *b6;     /* BUCKETS each, by the address's first 16 bits; NULL until used */
    uint64_t *f4[33], *f6[129]; /* per prefix length >= 16: which first 16 bits occur (filter) */
    uint32_t ip4_n[33], ip6_n[129], depth_n[256]; /* indicators per prefix length / depth */
    bool bulk; /* ioc_index_build: buckets unsorted until it ends */
    char **chunk;
    size_t *chunk_fill; /* bytes used in each chunk */
    size_t nchunk;
    uint64_t indicators, postings, by_type[IOC__COUNT], list_bytes, garbage;
};

struct ioc_index *ioc_index_new(uint64_t seed)
{
    struct ioc_index *ix = xcalloc(1, sizeof(*ix));
    pthread_rwlockattr_t a;
    pthread_rwlockattr_init(&a);
    pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    BUG_ON(pthread_rwlock_init(&ix->lock, &a));
    pthread_rwlockattr_destroy(&a);
    ix->seed = mix(seed ^ 0x6a09e667f3bcc908ULL);
    return ix;
}

void ioc_index_free(struct ioc_index *ix)
{
    if (!ix)
        return;
    free(ix->str.slot);
    for (size_t i = 0; i < BUCKETS && ix->b4; i++)
        free(ix->b4[i].e);
    for (size_t i = 0; i < BUCKETS && ix->b6; i++)
        free(ix->b6[i].e);
    free(ix->b4);
    free(ix->b6);
    for (size_t i = 0; i < 129; i++) {
        free(i < 33 ? ix->f4[i] : NULL);
        free(ix->f6[i]);
    }
    for (size_t i = 0; i < 33; i++)
        free(ix->ip4[i].slot);
    for (size_t i = 0; i < 129; i++)
        free(ix->ip6[i].slot);
    for (size_t i = 0; i < ix->nchunk; i++) {
        for (size_t off = 0; off < ix->chunk_fill[i];) {
            struct ix_entry *e = (struct ix_entry *)(ix->chunk[i] + off);
            if (e->npost > 1)
                free(e->post.v);
            off += e->size;
        }
        free(ix->chunk[i]);
    }
    free(ix->chunk);
    free(ix->chunk_fill);
    pthread_rwlock_destroy(&ix->lock);
    free(ix);
}

static inline struct ix_entry *ENT(const struct ioc_index *ix, uint32_t id)
{
    return (struct ix_entry *)(ix->chunk[id >> UNIT_BITS] +
                               ((size_t)(id & ((1u << UNIT_BITS) - 1)) << 3));
}

static const uint8_t *entry_key(const struct ioc_index *ix, const struct ix_entry *e)
{
    UNUSED(ix);
    return (const uint8_t *)(e + 1);
}

/* Places a new entry with its key (NUL-terminated for the text kinds' callbacks) in the
 * arena. Returns its number, or -1 when the arena is at its limit. */
static int64_t arena_put(struct ioc_index *ix, const uint8_t *p, size_t n)
{
    size_t size = (sizeof(struct ix_entry) + n + 1 + 7) & ~(size_t)7;
    if (!ix->nchunk || ix->chunk_fill[ix->nchunk - 1] + size > CHUNK_SIZE) {
        if (ix->nchunk >= MAX_CHUNKS)
            return -1;
        ix->chunk = xrealloc(ix->chunk, (ix->nchunk + 1) * sizeof(*ix->chunk));
        ix->chunk_fill = xrealloc(ix->chunk_fill, (ix->nchunk + 1) * sizeof(*ix->chunk_fill));
        ix->chunk[ix->nchunk] = ix->nchunk ? big_alloc(CHUNK_SIZE, false) : xmalloc(CHUNK_SIZE);
        ix->chunk_fill[ix->nchunk++] = 0;
    }
    size_t c = ix->nchunk - 1, off = ix->chunk_fill[c];
    struct ix_entry *e = (struct ix_entry *)(ix->chunk[c] + off);
    memset(e, 0, sizeof(*e));
    e->size = (uint32_t)size;
    memcpy(e + 1, p, n);
    ((char *)(e + 1))[n] = '\0';
    ix->chunk_fill[c] += size;
    return (int64_t)(c << UNIT_BITS | off >> 3);
}

/* The table a key belongs in, and the hash of its key there. */
static struct ixt *table_of(const struct ioc_index *ix, const struct ioc_key *k)
{
    if (k->type == IOC_IPV4)
        return (struct ixt *)&ix->ip4[k->prefix];
    if (k->type == IOC_IPV6)
        return (struct ixt *)&ix->ip6[k->prefix];
    return (struct ixt *)&ix->str;
}

static uint64_t key_hash(const struct ioc_index *ix, enum ioc_type t, const uint8_t *p, size_t n)
{
    return hash_bytes(ix->seed + (uint64_t)t, p, n);
}

static bool entry_is(const struct ioc_index *ix, const struct ix_entry *e, enum ioc_type t,
                     const uint8_t *p, size_t n)
{
    return e->type == t && e->key_len == n && !memcmp(entry_key(ix, e), p, n);
}

/* The entry of the key (type t, bytes p/n) in table tb, or -1. */
static int64_t ixt_find(const struct ioc_index *ix, const struct ixt *tb, uint64_t h,
                        enum ioc_type t, const uint8_t *p, size_t n)
{
    if (!tb->slot)
        return -1;
    uint32_t tag = (uint32_t)(h >> 32);
    for (size_t i = tag & tb->mask;; i = (i + 1) & tb->mask) {
        uint64_t s = tb->slot[i];
        if (!s)
            return -1;
        uint32_t id = (uint32_t)s;
        if ((uint32_t)(s >> 32) == tag && id != SLOT_TOMB && entry_is(ix, ENT(ix, id - 1), t, p, n))
            return (int64_t)id - 1;
    }
}

/* A key's home slot is its tag (the hash's high half) modulo the size, so a resize moves slots
 * without reading a key; the tag's bits above the size still tell most keys apart. */
static void ixt_place(struct ixt *tb, uint64_t h, uint32_t id)
{
    size_t i = (h >> 32) & tb->mask;
    while (tb->slot[i] && (uint32_t)tb->slot[i] != SLOT_TOMB)
        i = (i + 1) & tb->mask;
    if (tb->slot[i])
        tb->tomb--;
    tb->slot[i] = (h & 0xffffffff00000000ULL) | (id + 1);
    tb->live++;
}

static void ixt_resize(struct ixt *tb, size_t want)
{
    size_t cap = 16;
    while (cap * 5 < want * 10) /* at most half full after a resize */
        cap *= 2;
    struct ixt old = *tb;
    tb->slot = big_alloc(cap * sizeof(*tb->slot), true);
    tb->mask = cap - 1;
    tb->live = tb->tomb = 0;
    for (size_t i = 0; old.slot && i <= old.mask; i++) {
        uint32_t id = (uint32_t)old.slot[i];
        if (old.slot[i] && id != SLOT_TOMB)
            ixt_place(tb, old.slot[i], id - 1);
    }
    free(old.slot);
}

static uint64_t ixt_bytes(const struct ixt *tb)
{
    return tb->slot ? (tb->mask + 1) * sizeof(uint64_t) : 0;
}

/* ---- postings ---- */

static const uint64_t *posts(const struct ix_entry *e)
{
    return e->npost == 1 ? &e->post.one : e->post.v;
}

/* Index of the first posting >= p. */
static size_t post_find(const struct ix_entry *e, uint64_t p)
{
    const uint64_t *v = posts(e);
    size_t lo = 0, hi = e->npost;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int post_add(struct ioc_index *ix, struct ix_entry *e, uint64_t p)
{
    size_t at = post_find(e, p);
    if (at < e->npost && posts(e)[at] == p)
        return IOC_INDEX_EXISTS;
    if (e->npost == 1) {
        uint64_t one = e->post.one;
        e->cap = 4;
        e->post.v = xmalloc(e->cap * sizeof(uint64_t));
        e->post.v[0] = one;
        ix->list_bytes += e->cap * sizeof(uint64_t);
    } else if (e->npost == e->cap) {
        ix->list_bytes += e->cap * sizeof(uint64_t);
        e->cap *= 2;
        e->post.v = xrealloc(e->post.v, e->cap * sizeof(uint64_t));
    }
    memmove(e->post.v + at + 1, e->post.v + at, (e->npost - at) * sizeof(uint64_t));
    e->post.v[at] = p;
    e->npost++;
    ix->postings++;
    return IOC_INDEX_OK;
}

/* Removes p; returns whether it was there. */
static bool post_del(struct ioc_index *ix, struct ix_entry *e, uint64_t p)
{
    size_t at = post_find(e, p);
    if (at >= e->npost || posts(e)[at] != p)
        return false;
    ix->postings--;
    if (e->npost == 1) {
        e->npost = 0;
        return true;
    }
    memmove(e->post.v + at, e->post.v + at + 1, (e->npost - at - 1) * sizeof(uint64_t));
    if (--e->npost == 1) {
        uint64_t one = e->post.v[0];
        ix->list_bytes -= e->cap * sizeof(uint64_t);
        free(e->post.v);
        e->post.one = one;
        e->cap = 0;
    }
    return true;
}

/* ---- address buckets ---- */

static uint64_t v4_elem(const uint8_t *a, unsigned prefix, uint32_t id)
{
    return (uint64_t)((unsigned)(a[2] << 8 | a[3]) << 6 | prefix) << 32 | id;
}

/* Order of IPv6 entry id against (addr, prefix): address, then prefix. */
static int v6_cmp(const struct ioc_index *ix, uint32_t id, const uint8_t *addr, unsigned prefix)
{
    const struct ix_entry *e = ENT(ix, id);
    int c = memcmp(entry_key(ix, e), addr, 16);
    return c ? c : (int)e->prefix - (int)prefix;
}

/* The first position in b not before (addr, prefix). */
static uint32_t bucket_lower(const struct ioc_index *ix, const struct bucket *b, enum ioc_type t,
                             const uint8_t *addr, unsigned prefix)
{
    uint32_t lo = 0, hi = b->n;
    uint64_t key = t == IOC_IPV4 ? v4_elem(addr, prefix, 0) : 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        bool before =
            t == IOC_IPV4 ? b->e[mid] < key : v6_cmp(ix, (uint32_t)b->e[mid], addr, prefix) < 0;
        if (before)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_v6(const void *a, const void *b, void *arg)
{
    const struct ioc_index *ix = arg;
    const struct ix_entry *e = ENT(ix, (uint32_t) * (const uint64_t *)b);
    return v6_cmp(ix, (uint32_t) * (const uint64_t *)a, entry_key(ix, e), e->prefix);
}

/* After a bulk build: every bucket in order. */
static void buckets_sort(struct ioc_index *ix)
{
    for (size_t i = 0; ix->b4 && i < BUCKETS; i++)
        if (ix->b4[i].n > 1) /* an empty bucket has no array: qsort wants one */
            qsort(ix->b4[i].e, ix->b4[i].n, sizeof(uint64_t), cmp_u64);
    for (size_t i = 0; ix->b6 && i < BUCKETS; i++)
        if (ix->b6[i].n > 1)
            qsort_r(ix->b6[i].e, ix->b6[i].n, sizeof(uint64_t), cmp_v6, ix);
}

static struct bucket *bucket_of(struct ioc_index *ix, const struct ioc_key *k)
{
    struct bucket **bs = k->type == IOC_IPV4 ? &ix->b4 : &ix->b6;
    if (!*bs) {
        *bs = xcalloc(BUCKETS, sizeof(**bs));
        ix->list_bytes += BUCKETS * sizeof(**bs);
    }
    return &(*bs)[k->bin[0] << 8 | k->bin[1]];
}

/*
 * A query address probes every prefix length in use; a bitmap per length of the leading bits
 * that occur at it (all the prefix's bits up to /20, then the first 20: at most 128 KiB, within
 * the caches) skips most probes of the lengths that are not dense, without hashing or touching
 * the table. Bits are set on insert and never cleared (a stale bit costs one probe); a rebuild
 * starts clean. /0 has no bitmap.
 */
static unsigned filter_bits(unsigned len)
{
    return len >= 20 ? 20 : len;
}

static unsigned filter_top(const uint8_t *a, unsigned bits)
{
    return (unsigned)(a[0] << 16 | a[1] << 8 | a[2]) >> (24 - bits);
}

static uint64_t **filter_of(const struct ioc_index *ix, enum ioc_type t, unsigned len)
{
    return (uint64_t **)(t == IOC_IPV4 ? &ix->f4[len] : &ix->f6[len]);
}

static void filter_set(struct ioc_index *ix, const struct ioc_key *k)
{
    uint64_t **f = filter_of(ix, k->type, k->prefix);
    unsigned bits = filter_bits(k->prefix), top = filter_top(k->bin, bits);
    if (k->prefix == 0)
        return;
    if (!*f) {
        *f = xcalloc(((size_t)1 << bits) / 64 + 1, sizeof(uint64_t));
        ix->list_bytes += (((size_t)1 << bits) / 64 + 1) * 8;
    }
    (*f)[top / 64] |= 1ULL << (top % 64);
}

static bool filter_may(const struct ioc_index *ix, enum ioc_type t, unsigned len, const uint8_t *a)
{
    const uint64_t *f = *filter_of(ix, t, len);
    if (len == 0 || !f)
        return true;
    unsigned top = filter_top(a, filter_bits(len));
    return f[top / 64] >> (top % 64) & 1;
}

static void bucket_insert(struct ioc_index *ix, const struct ioc_key *k, uint32_t id)
{
    struct bucket *b = bucket_of(ix, k);
    filter_set(ix, k);
    uint32_t at = ix->bulk ? b->n : bucket_lower(ix, b, k->type, k->bin, k->prefix);
    if (b->n == b->cap) {
        ix->list_bytes += (b->cap ? b->cap : 4) * sizeof(uint64_t);
        b->cap = b->cap ? b->cap * 2 : 4;
        b->e = xrealloc(b->e, b->cap * sizeof(uint64_t));
    }
    memmove(b->e + at + 1, b->e + at, (b->n - at) * sizeof(uint64_t));
    b->e[at] = k->type == IOC_IPV4 ? v4_elem(k->bin, k->prefix, id) : id;
    b->n++;
}

static void bucket_remove(struct ioc_index *ix, const struct ioc_key *k, uint32_t id)
{
    struct bucket *b = bucket_of(ix, k);
    uint32_t at = bucket_lower(ix, b, k->type, k->bin, k->prefix);
    BUG_ON(at >= b->n || (uint32_t)b->e[at] != id);
    memmove(b->e + at, b->e + at + 1, (b->n - at - 1) * sizeof(uint64_t));
    b->n--;
}

/* ---- adding and removing ---- */

static uint32_t *count_of(struct ioc_index *ix, const struct ioc_key *k)
{
    if (k->type == IOC_IPV4)
        return &ix->ip4_n[k->prefix];
    if (k->type == IOC_IPV6)
        return &ix->ip6_n[k->prefix];
    return k->type == IOC_DOMAIN ? &ix->depth_n[k->labels] : NULL;
}

static int64_t new_entry(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    int64_t id = arena_put(ix, key_bytes(k), k->len);
    if (id < 0)
        return IOC_INDEX_EFULL;
    struct ix_entry *e = ENT(ix, (uint32_t)id);
    e->post.one = p;
    e->npost = 1;
    e->key_len = (uint16_t)k->len;
    e->type = (uint8_t)k->type;
    e->prefix = k->prefix;
    return id;
}

static int add_locked(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    struct ixt *tb = table_of(ix, k);
    const uint8_t *kb = key_bytes(k);
    uint64_t h = key_hash(ix, k->type, kb, k->len);
    int64_t id = ixt_find(ix, tb, h, k->type, kb, k->len);
    uint32_t *cnt;
    if (id >= 0)
        return post_add(ix, ENT(ix, (uint32_t)id), p);
    if (!tb->slot || (tb->live + tb->tomb + 1) * 10 > (tb->mask + 1) * 7)
        ixt_resize(tb, tb->live + 1);
    if ((id = new_entry(ix, k, p)) < 0)
        return (int)id;
    ixt_place(tb, h, (uint32_t)id);
    if (k->type == IOC_IPV4 || k->type == IOC_IPV6)
        bucket_insert(ix, k, (uint32_t)id);
    if ((cnt = count_of(ix, k)))
        (*cnt)++;
    ix->indicators++;
    ix->postings++;
    ix->by_type[k->type]++;
    return IOC_INDEX_OK;
}

static int remove_locked(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    struct ixt *tb = table_of(ix, k);
    const uint8_t *kb = key_bytes(k);
    uint64_t h = key_hash(ix, k->type, kb, k->len);
    int64_t id = ixt_find(ix, tb, h, k->type, kb, k->len);
    uint32_t *cnt;
    if (id < 0 || !post_del(ix, ENT(ix, (uint32_t)id), p))
        return IOC_INDEX_NOTFOUND;
    if (ENT(ix, (uint32_t)id)->npost)
        return IOC_INDEX_OK;
    for (size_t i = (h >> 32) & tb->mask;; i = (i + 1) & tb->mask)
        if ((uint32_t)tb->slot[i] == (uint32_t)id + 1) {
            tb->slot[i] = SLOT_TOMB;
            break;
        }
    tb->live--;
    tb->tomb++;
    if (k->type == IOC_IPV4 || k->type == IOC_IPV6)
        bucket_remove(ix, k, (uint32_t)id);
    ix->garbage += ENT(ix, (uint32_t)id)->size;
    if ((cnt = count_of(ix, k)))
        (*cnt)--;
    ix->indicators--;
    ix->by_type[k->type]--;
    return IOC_INDEX_OK;
}

int ioc_index_add_key(struct ioc_index *ix, const struct ioc_key *k, uint64_t posting)
{
    pthread_rwlock_wrlock(&ix->lock);
    int r = add_locked(ix, k, posting);
    pthread_rwlock_unlock(&ix->lock);
    return r;
}

int ioc_index_add(struct ioc_index *ix, enum ioc_type type, const char *value, size_t len,
                  uint64_t posting)
{
    struct ioc_key k;
    if (ioc_key_parse(&k, type, value, len))
        return IOC_INDEX_EINVAL;
    return ioc_index_add_key(ix, &k, posting);
}

int ioc_index_remove_key(struct ioc_index *ix, const struct ioc_key *k, uint64_t posting)
{
    pthread_rwlock_wrlock(&ix->lock);
    int r = remove_locked(ix, k, posting);
    pthread_rwlock_unlock(&ix->lock);
    return r;
}

int ioc_index_remove(struct ioc_index *ix, enum ioc_type type, const char *value, size_t len,
                     uint64_t posting)
{
    struct ioc_key k;
    if (ioc_key_parse(&k, type, value, len))
        return IOC_INDEX_EINVAL;
    return ioc_index_remove_key(ix, &k, posting);
}

int ioc_index_build(struct ioc_index *ix, const struct ioc_index_item *items, size_t n,
                    size_t *rejected)
{
    size_t text = 0, bad = 0;
    int r = IOC_INDEX_OK;
    for (size_t i = 0; i < n; i++)
        text += items[i].type != IOC_IPV4 && items[i].type != IOC_IPV6;
    pthread_rwlock_wrlock(&ix->lock);
    if (ix->str.live + text > (ix->str.mask + 1) * 7 / 10)
        ixt_resize(&ix->str, ix->str.live + text);
    ix->bulk = true;
    for (size_t i = 0; i < n; i++) {
        struct ioc_key k;
        if (ioc_key_parse(&k, items[i].type, items[i].value, items[i].len)) {
            bad++;
            continue;
        }
        if ((r = add_locked(ix, &k, items[i].posting)) < 0)
            break;
        r = IOC_INDEX_OK;
    }
    buckets_sort(ix);
    ix->bulk = false;
    pthread_rwlock_unlock(&ix->lock);
    if (rejected)
        *rejected = bad;
    return r;
}

/* ---- queries ---- */

struct visit {
    const struct ioc_index *ix;
    ioc_match_fn fn;
    void *arg;
    struct ioc_count cnt;
    bool stop;
};

/* Reports entry id as a match of the given kind. */
static void visit(struct visit *v, uint32_t id, enum ioc_match_kind kind)
{
    const struct ix_entry *e = ENT(v->ix, id);
    v->cnt.indicators++;
    v->cnt.postings += e->npost;
    if (!v->fn || v->stop)
        return;
    char buf[IOC_TEXT_MAX + 1];
    const uint8_t *kb = entry_key(v->ix, e);
    struct ioc_match m = {
        .type = (enum ioc_type)e->type, .kind = kind, .postings = posts(e), .npostings = e->npost};
    if (e->type == IOC_IPV4 || e->type == IOC_IPV6) {
        m.len = ioc_format_ip((enum ioc_type)e->type, kb, e->prefix, buf);
        m.text = buf;
    } else if (binary_type((enum ioc_type)e->type)) {
        for (size_t i = 0; i < e->key_len; i++)
            xsnprintf(buf + 2 * i, 3, "%02x", kb[i]);
        m.len = 2u * e->key_len;
        m.text = buf;
    } else {
        m.text = (const char *)kb;
        m.len = e->key_len;
    }
    v->stop = v->fn(&m, v->arg) != 0;
}

/* Probes of one query, collected first so that their slots are fetched in parallel. */
struct probe {
    const struct ixt *tb;
    uint64_t h;
    const uint8_t *p;
    uint32_t n;
    uint8_t kind;
    uint8_t bin[16];
};

#define MAX_PROBES 160

static void prefetch_slots(const struct probe *pr, size_t np)
{
    for (size_t i = 0; i < np; i++)
        if (pr[i].tb->slot)
            __builtin_prefetch(&pr[i].tb->slot[(pr[i].h >> 32) & pr[i].tb->mask]);
}

static void run_probes(struct visit *v, enum ioc_type t, const struct probe *pr, size_t np)
{
    for (size_t i = 0; i < np && !v->stop; i++) {
        int64_t id = ixt_find(v->ix, pr[i].tb, pr[i].h, t, pr[i].p, pr[i].n);
        if (id >= 0)
            visit(v, (uint32_t)id, (enum ioc_match_kind)pr[i].kind);
    }
}

static void mask_addr(const uint8_t *a, size_t bytes, unsigned prefix, uint8_t *out)
{
    for (size_t i = 0; i < bytes; i++) {
        unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
        out[i] = a[i] & (uint8_t)(keep ? 0xff << (8 - keep) : 0);
    }
}

/* The prefix and the first 16 address bits after the bucket's of element x of a bucket. */
static unsigned elem_prefix(const struct ioc_index *ix, enum ioc_type t, uint64_t x)
{
    return t == IOC_IPV4 ? (unsigned)(x >> 32) & 63 : ENT(ix, (uint32_t)x)->prefix;
}

/* Stored addresses and blocks inside the query block k (longer prefixes), from the buckets. */
static void query_inside(struct visit *v, const struct ioc_key *k)
{
    const struct bucket *bs = k->type == IOC_IPV4 ? v->ix->b4 : v->ix->b6;
    size_t first = (size_t)(k->bin[0] << 8 | k->bin[1]);
    if (!bs)
        return;
    if (k->prefix < 16) { /* every entry of every bucket spanned, except the covering ones */
        for (size_t b = first; b < first + ((size_t)1 << (16 - k->prefix)) && !v->stop; b++)
            for (uint32_t i = 0; i < bs[b].n && !v->stop; i++)
                if (elem_prefix(v->ix, k->type, bs[b].e[i]) > k->prefix)
                    visit(v, (uint32_t)bs[b].e[i], IOC_MATCH_INSIDE);
        return;
    }
    const struct bucket *b = &bs[first];
    for (uint32_t i = bucket_lower(v->ix, b, k->type, k->bin, k->prefix); i < b->n && !v->stop;
         i++) {
        uint32_t id = (uint32_t)b->e[i];
        uint8_t m[16];
        if (k->type == IOC_IPV4) {
            unsigned low = (unsigned)(b->e[i] >> 38);
            uint8_t a[4] = {k->bin[0], k->bin[1], (uint8_t)(low >> 8), (uint8_t)low};
            mask_addr(a, 4, k->prefix, m);
        } else
            mask_addr(entry_key(v->ix, ENT(v->ix, id)), 16, k->prefix, m);
        if (memcmp(m, k->bin, k->len))
            break;
        if (elem_prefix(v->ix, k->type, b->e[i]) > k->prefix)
            visit(v, id, IOC_MATCH_INSIDE);
    }
}

/* The probes of an address query: its own prefix length and every shorter one in use. */
static size_t collect_ip(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    size_t np = 0, bytes = k->type == IOC_IPV4 ? 4 : 16;
    const uint32_t *cnt = k->type == IOC_IPV4 ? ix->ip4_n : ix->ip6_n;
    for (int len = k->prefix; len >= 0; len--) {
        if (!cnt[len] || !filter_may(ix, k->type, (unsigned)len, k->bin))
            continue;
        struct probe *p = &pr[np++];
        p->tb = k->type == IOC_IPV4 ? &ix->ip4[len] : &ix->ip6[len];
        mask_addr(k->bin, bytes, (unsigned)len, p->bin);
        p->p = p->bin;
        p->n = (uint32_t)bytes;
        p->h = key_hash(ix, k->type, p->bin, bytes);
        p->kind = len == k->prefix ? IOC_MATCH_EXACT : IOC_MATCH_COVERS;
    }
    return np;
}

/* The probes of a domain query: itself and each parent at a depth in use. */
static size_t collect_domain(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    size_t np = 0, off = 0;
    for (unsigned labels = k->labels; labels >= 1; labels--) {
        if (ix->depth_n[labels]) {
            struct probe *p = &pr[np++];
            p->tb = &ix->str;
            p->p = (const uint8_t *)k->text + off;
            p->n = k->len - (uint32_t)off;
            p->h = key_hash(ix, IOC_DOMAIN, p->p, p->n);
            p->kind = labels == k->labels ? IOC_MATCH_EXACT : IOC_MATCH_COVERS;
        }
        const char *dot = memchr(k->text + off, '.', k->len - off);
        if (!dot)
            break;
        off = (size_t)(dot - k->text) + 1;
    }
    return np;
}

static size_t collect(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    if (k->type == IOC_IPV4 || k->type == IOC_IPV6)
        return collect_ip(ix, k, pr);
    if (k->type == IOC_DOMAIN)
        return collect_domain(ix, k, pr);
    pr->tb = &ix->str;
    pr->p = key_bytes(k);
    pr->n = k->len;
    pr->h = key_hash(ix, k->type, pr->p, pr->n);
    pr->kind = IOC_MATCH_EXACT;
    return 1;
}

static bool is_block(const struct ioc_key *k)
{
    return (k->type == IOC_IPV4 && k->prefix < 32) || (k->type == IOC_IPV6 && k->prefix < 128);
}

int64_t ioc_index_query_key(const struct ioc_index *ix, const struct ioc_key *k, ioc_match_fn fn,
                            void *arg, struct ioc_count *count)
{
    struct visit v = {.ix = ix, .fn = fn, .arg = arg};
    struct probe pr[MAX_PROBES];
    pthread_rwlock_rdlock((pthread_rwlock_t *)&ix->lock);
    size_t np = collect(ix, k, pr);
    prefetch_slots(pr, np);
    run_probes(&v, k->type, pr, np);
    if (is_block(k))
        query_inside(&v, k);
    pthread_rwlock_unlock((pthread_rwlock_t *)&ix->lock);
    if (count)
        *count = v.cnt;
    return (int64_t)v.cnt.indicators;
}

/* The first entry whose tag matches in a probe's chain (read from the slots only), or -1. */
static int64_t first_candidate(const struct probe *p)
{
    const struct ixt *tb = p->tb;
    uint32_t tag = (uint32_t)(p->h >> 32);
    if (!tb->slot)
        return -1;
    for (size_t i = tag & tb->mask;; i = (i + 1) & tb->mask) {
        uint64_t s = tb->slot[i];
        if (!s)
            return -1;
        if ((uint32_t)(s >> 32) == tag && (uint32_t)s != SLOT_TOMB)
            return (int64_t)(uint32_t)s - 1;
    }
}

#define BATCH 8

/* One group of at most BATCH queries, in stages so that their cache misses overlap: every
 * probe's slot, then every candidate entry with its key, then the matching itself (which finds
 * everything in cache). */
static void count_group(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                        struct ioc_count *counts, struct probe *pr, size_t *np)
{
    for (size_t q = 0; q < n; q++) {
        np[q] = collect(ix, &keys[q], pr + q * MAX_PROBES);
        prefetch_slots(pr + q * MAX_PROBES, np[q]);
    }
    for (size_t q = 0; q < n; q++)
        for (size_t i = 0; i < np[q]; i++) {
            int64_t id = first_candidate(&pr[q * MAX_PROBES + i]);
            if (id >= 0) { /* the entry and its key: two cache lines at most for most keys */
                __builtin_prefetch(ENT(ix, (uint32_t)id));
                __builtin_prefetch((const char *)ENT(ix, (uint32_t)id) + 64);
            }
        }
    for (size_t q = 0; q < n; q++) {
        struct visit v = {.ix = ix};
        run_probes(&v, keys[q].type, pr + q * MAX_PROBES, np[q]);
        if (is_block(&keys[q]))
            query_inside(&v, &keys[q]);
        counts[q] = v.cnt;
    }
}

int64_t ioc_index_count_many(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                             struct ioc_count *counts)
{
    struct probe *pr = xmalloc(BATCH * MAX_PROBES * sizeof(*pr));
    size_t np[BATCH];
    int64_t total = 0;
    pthread_rwlock_rdlock((pthread_rwlock_t *)&ix->lock);
    for (size_t i = 0; i < n; i += BATCH)
        count_group(ix, keys + i, MIN(BATCH, n - i), counts + i, pr, np);
    pthread_rwlock_unlock((pthread_rwlock_t *)&ix->lock);
    for (size_t i = 0; i < n; i++)
        total += (int64_t)counts[i].indicators;
    free(pr);
    return total;
}

int64_t ioc_index_query(const struct ioc_index *ix, enum ioc_type type, const char *value,
                        size_t len, ioc_match_fn fn, void *arg, struct ioc_count *count)
{
    struct ioc_key k;
    if (ioc_key_parse(&k, type, value, len))
        return IOC_INDEX_EINVAL;
    return ioc_index_query_key(ix, &k, fn, arg, count);
}

void ioc_index_stats(const struct ioc_index *ix, struct ioc_index_stats *st)
{
    pthread_rwlock_rdlock((pthread_rwlock_t *)&ix->lock);
    memset(st, 0, sizeof(*st));
    st->indicators = ix->indicators;
    st->postings = ix->postings;
    memcpy(st->by_type, ix->by_type, sizeof(st->by_type));
    st->bytes = ixt_bytes(&ix->str) + ix->nchunk * CHUNK_SIZE + ix->list_bytes;
    for (size_t i = 0; i < 33; i++)
        st->bytes += ixt_bytes(&ix->ip4[i]);
    for (size_t i = 0; i < 129; i++)
        st->bytes += ixt_bytes(&ix->ip6[i]);
    st->garbage_bytes = ix->garbage;
    pthread_rwlock_unlock((pthread_rwlock_t *)&ix->lock);
}
