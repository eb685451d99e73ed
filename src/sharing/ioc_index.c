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

/* One label's step of a domain's hash, folded from the right (the top-level label first), so
 * that a query hashes each byte of a name once and still has the hash of every suffix: the
 * label's length goes into the last word's top byte, so "ab.c" and "a.bc" differ. room: bytes
 * of the text before p that may be read: a short last word is then one load of the 8 bytes
 * ending at the label's end, shifted (on little-endian machines, where that gives the same
 * value as copying the bytes alone, which the same label elsewhere in a name may need). */
static inline uint64_t label_step(uint64_t h, const uint8_t *p, size_t n, size_t room)
{
    uint64_t w;
    for (; n >= 8; p += 8, n -= 8, room += 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
        h ^= h >> 29;
    }
    w = 0;
    if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && n &&
        room >= 8 - n) { /* the 8 bytes ending at the label's end are in the text */
        memcpy(&w, p + n - 8, 8);
        w >>= 8 * (8 - n);
    } else
        memcpy(&w, p, n);
    w |= (uint64_t)n << 56;
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ h >> 29;
}

/* ---- memory ---- */

#define HUGE_SIZE ((size_t)2 << 20)

/*
 * Blocks of 2 MiB or more (slot tables, key chunks) are 2 MiB-aligned and offered to the kernel
 * as transparent huge pages (madvise; ignored where THP is off): a lookup makes a few random
 * accesses into gigabytes, and with 4 KiB pages each would also miss the TLB and walk the page
 * table. zero: clear the block (calloc).
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

/* ---- posting lists ---- */

/*
 * An indicator's postings: n of them, and one word w that is the posting itself when n == 1
 * and otherwise points to a heap list whose word 0 is its capacity and words 1..n the postings,
 * ascending. The same pair lives in a text entry and in a fixed-size slot.
 */
static const uint64_t *posts(const uint32_t *n, const uint64_t *w)
{
    return *n == 1 ? w : (const uint64_t *)(uintptr_t)*w + 1;
}

static uint64_t *list_of(const uint64_t *w)
{
    return (uint64_t *)(uintptr_t)*w;
}

/* Index of the first posting >= p. */
static size_t post_find(const uint64_t *v, size_t n, uint64_t p)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int post_add(struct ioc_index *ix, uint32_t *n, uint64_t *w, uint64_t p);
static bool post_del(struct ioc_index *ix, uint32_t *n, uint64_t *w, uint64_t p);

static void post_free(uint32_t n, uint64_t w)
{
    if (n > 1)
        free((void *)(uintptr_t)w);
}

/* ---- text kinds: entries in an arena, a table of their numbers ---- */

#define SLOT_TOMB 0xffffffffu
#define CHUNK_BITS 21
#define CHUNK_SIZE ((size_t)1 << CHUNK_BITS)

struct ixt {
    uint64_t *slot; /* tag << 32 | (entry + 1); 0 empty; low half SLOT_TOMB: removed */
    size_t mask, live, tomb;
};

/*
 * A domain, URL, e-mail address or ssdeep value is an entry in the key arena, its text (and a
 * NUL) right after it, so that a hit reads one or two adjacent cache lines after its slot. Its
 * number is its offset in 8-byte units (chunk << (CHUNK_BITS - 3) | unit): 32 bits address
 * 32 GiB of arena. A removed entry stays as garbage (npost 0) until a rebuild.
 */
struct ix_entry {
    uint64_t post;  /* posts() */
    uint32_t npost; /* 0: removed */
    uint32_t size;  /* bytes of the entry with its key, a multiple of 8 */
    uint16_t key_len;
    uint8_t type, pad[5];
};

#define UNIT_BITS (CHUNK_BITS - 3)
#define MAX_CHUNKS (((size_t)1 << (32 - UNIT_BITS)) - 1) /* keeps entry + 1 below SLOT_TOMB */

/* ---- fixed-size kinds: the key and the postings in the slot ---- */

/*
 * Hashes (one table per type) and addresses (one per prefix length) have keys of a fixed size,
 * kept whole in the slot with the posting count and the first posting (or the list's address):
 * a lookup decides a hit or a miss, and counts it, from the slot alone — one main-memory read
 * where an entry elsewhere would be a second, dependent one (bench/README.md). A slot is the
 * key (klen bytes: 4 for IPv4 as a host-order word, 16 for IPv6 and MD5, 20 SHA-1, 32 SHA-256),
 * the count (uint32, 0: empty) right after it, and the word of posts() in the last 8 bytes:
 * 16, 32, 32 and 48 bytes. Linear probing from the key's hash, no tombstones (a removal shifts
 * the slots after it back), so a miss stops at the first empty slot.
 */
struct fxt {
    uint8_t *slot;
    size_t mask, live;
    uint32_t size, klen;
    uint64_t seed;
};

/*
 * For "inside" queries (the stored addresses and blocks in a query block), which a hash table
 * cannot answer: every address is also listed in the bucket of its first 16 bits, sorted by
 * address then prefix, so a query block of /16 or longer is one binary search in one bucket,
 * and a shorter one reads the 2^(16-p) buckets it spans. An element is the rest of the address
 * and the prefix as big-endian integers (IPv4 one word: low 16 bits << 8 | prefix; IPv6 two:
 * bytes 2–9, then bytes 10–15 << 8 | prefix), so a bucket is searched and sorted as integers;
 * a match is then looked up in its prefix length's table. Buckets stay small (65,536 of them),
 * so an insert's memmove is short. A bulk build appends and sorts each bucket once at the end.
 */
#define BUCKETS 65536
struct bucket {
    uint64_t *e; /* n elements of 1 (IPv4) or 2 (IPv6) words */
    uint32_t n, cap;
};

/* Probes of one query at most: a domain's 200 labels (ioc_key_parse), IPv6's 129 lengths. */
#define MAX_PROBES 201

struct ioc_index {
    pthread_rwlock_t lock;
    uint64_t seed;
    struct ixt str;                 /* domains, URLs, e-mail addresses, ssdeep */
    struct fxt hash[3];             /* MD5, SHA-1, SHA-256 */
    struct fxt ip4[33], ip6[129];   /* by prefix length */
    uint64_t ip4_used, ip6_used[3]; /* the prefix lengths holding an address */
    struct bucket *b4, *b6;         /* BUCKETS each, by the first 16 bits; NULL until used */
    uint64_t *f4[33], *f6[129];     /* per prefix length: which leading bits occur (filter) */
    uint32_t ip4_n[33], ip6_n[129], depth_n[MAX_PROBES]; /* per prefix length / depth */
    bool bulk; /* ioc_index_build: buckets unsorted until it ends */
    char **chunk;
    size_t *chunk_fill; /* bytes used in each chunk */
    size_t nchunk;
    uint64_t indicators, postings, by_type[IOC__COUNT], list_bytes, garbage;
};

static void fxt_init(struct fxt *t, uint32_t klen, uint64_t seed)
{
    t->klen = klen;
    t->size = (uint32_t)(((klen + 4 + 7) & ~7u) + 8);
    t->seed = mix(seed);
}

struct ioc_index *ioc_index_new(uint64_t seed)
{
    struct ioc_index *ix = xcalloc(1, sizeof(*ix));
    pthread_rwlockattr_t a;
    pthread_rwlockattr_init(&a);
    pthread_rwlockattr_setkind_np(&a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    BUG_ON(pthread_rwlock_init(&ix->lock, &a));
    pthread_rwlockattr_destroy(&a);
    ix->seed = mix(seed ^ 0x6a09e667f3bcc908ULL);
    fxt_init(&ix->hash[0], 16, ix->seed + IOC_MD5);
    fxt_init(&ix->hash[1], 20, ix->seed + IOC_SHA1);
    fxt_init(&ix->hash[2], 32, ix->seed + IOC_SHA256);
    for (unsigned i = 0; i < 33; i++)
        fxt_init(&ix->ip4[i], 4, ix->seed ^ (0x100u + i));
    for (unsigned i = 0; i < 129; i++)
        fxt_init(&ix->ip6[i], 16, ix->seed ^ (0x200u + i));
    return ix;
}

static inline uint8_t *fx_at(const struct fxt *t, size_t i)
{
    return t->slot + i * t->size;
}

static inline uint32_t *fx_n(const struct fxt *t, const uint8_t *s)
{
    return (uint32_t *)(uintptr_t)(s + t->klen);
}

static inline uint64_t *fx_w(const struct fxt *t, const uint8_t *s)
{
    return (uint64_t *)(uintptr_t)(s + t->size - 8);
}

static void fxt_free(struct fxt *t)
{
    for (size_t i = 0; t->slot && i <= t->mask; i++)
        post_free(*fx_n(t, fx_at(t, i)), *fx_w(t, fx_at(t, i)));
    free(t->slot);
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
        if (i < 33)
            fxt_free(&ix->ip4[i]);
        fxt_free(&ix->ip6[i]);
    }
    for (size_t i = 0; i < 3; i++)
        fxt_free(&ix->hash[i]);
    for (size_t i = 0; i < ix->nchunk; i++) {
        for (size_t off = 0; off < ix->chunk_fill[i];) {
            struct ix_entry *e = (struct ix_entry *)(ix->chunk[i] + off);
            post_free(e->npost, e->post);
            off += e->size;
        }
        free(ix->chunk[i]);
    }
    free(ix->chunk);
    free(ix->chunk_fill);
    pthread_rwlock_destroy(&ix->lock);
    free(ix);
}

/* ---- the fixed-size tables ---- */

static inline uint64_t fx_hash(const struct fxt *t, const uint8_t *key)
{
    if (t->klen == 4) {
        uint32_t a;
        memcpy(&a, key, 4);
        return mix(a ^ t->seed);
    }
    return hash_bytes(t->seed, key, t->klen);
}

static inline bool fx_eq(const uint8_t *a, const uint8_t *b, uint32_t klen)
{
    switch (klen) { /* constant sizes: compared inline, without a call */
    case 4:
        return !memcmp(a, b, 4);
    case 16:
        return !memcmp(a, b, 16);
    case 20:
        return !memcmp(a, b, 20);
    default:
        return !memcmp(a, b, 32);
    }
}

/* The slot holding key (hash h), or NULL. */
static inline uint8_t *fx_find(const struct fxt *t, uint64_t h, const uint8_t *key)
{
    if (!t->slot)
        return NULL;
    for (size_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint8_t *s = fx_at(t, i);
        if (!*fx_n(t, s))
            return NULL;
        if (fx_eq(s, key, t->klen))
            return s;
    }
}

/*
 * Every function that only prefetches is always inlined: GCC (12, -O2) counts
 * __builtin_prefetch as free of side effects, so its interprocedural pure-const analysis finds
 * such a function "const" and deletes every call to it — the prefetches of the slots were
 * silently gone from the binary until this was found (bench/README.md, "Fourth pass";
 * tests/unit/prefetch_kept.sh checks the object code keeps them).
 */
#define PREFETCHER static inline __attribute__((always_inline))

PREFETCHER void fx_prefetch(const struct fxt *t, uint64_t h)
{
    if (t->slot) {
        const uint8_t *s = fx_at(t, h & t->mask);
        __builtin_prefetch(s);
        __builtin_prefetch(s + t->size - 1); /* a 48-byte slot may cross a line */
    }
}

/* The first empty slot of h's chain (there is one: the table is never full). */
static uint8_t *fx_free_slot(const struct fxt *t, uint64_t h)
{
    size_t i = h & t->mask;
    while (*fx_n(t, fx_at(t, i)))
        i = (i + 1) & t->mask;
    return fx_at(t, i);
}

/* At most half full after a resize; grown at 70 % (as the text table). */
static void fx_resize(struct fxt *t, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap *= 2;
    struct fxt old = *t;
    t->slot = big_alloc(cap * t->size, true);
    t->mask = cap - 1;
    for (size_t i = 0; old.slot && i <= old.mask; i++) {
        const uint8_t *s = fx_at(&old, i);
        if (*fx_n(&old, s))
            memcpy(fx_free_slot(t, fx_hash(t, s)), s, t->size);
    }
    free(old.slot);
}

static void fx_reserve(struct fxt *t, size_t more)
{
    if (!t->slot || (t->live + more) * 10 > (t->mask + 1) * 7)
        fx_resize(t, t->live + more);
}

/* Empties slot s and moves back the slots after it that its removal would cut off from their
 * home (backward-shift deletion, which keeps every chain without holes). */
static void fx_delete(struct fxt *t, uint8_t *s)
{
    size_t i = (size_t)(s - t->slot) / t->size;
    for (size_t j = (i + 1) & t->mask; *fx_n(t, fx_at(t, j)); j = (j + 1) & t->mask) {
        size_t home = fx_hash(t, fx_at(t, j)) & t->mask;
        /* the slot at j may move to i unless its home lies cyclically in (i, j] */
        bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            memcpy(fx_at(t, i), fx_at(t, j), t->size);
            i = j;
        }
    }
    memset(fx_at(t, i), 0, t->size);
    t->live--;
}

static uint64_t fx_bytes(const struct fxt *t)
{
    return t->slot ? (t->mask + 1) * t->size : 0;
}

/* ---- the text table ---- */

static inline struct ix_entry *ENT(const struct ioc_index *ix, uint32_t id)
{
    return (struct ix_entry *)(ix->chunk[id >> UNIT_BITS] +
                               ((size_t)(id & ((1u << UNIT_BITS) - 1)) << 3));
}

static const uint8_t *entry_key(const struct ix_entry *e)
{
    return (const uint8_t *)(e + 1);
}

/* Places a new entry with its key (NUL-terminated for the callbacks) in the arena. Returns its
 * number, or -1 when the arena is at its limit. */
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

/* The hash of a text key: a domain's folded label by label from the right (label_step), so a
 * query gets every suffix's from one pass; the other kinds' over their bytes. */
static uint64_t text_hash(const struct ioc_index *ix, enum ioc_type t, const uint8_t *p, size_t n)
{
    if (t != IOC_DOMAIN)
        return hash_bytes(ix->seed + (uint64_t)t, p, n);
    uint64_t h = ix->seed + IOC_DOMAIN;
    size_t end = n;
    for (size_t i = n; i-- > 0;)
        if (p[i] == '.') {
            h = label_step(h, p + i + 1, end - i - 1, i + 1);
            end = i;
        }
    return mix(label_step(h, p, end, 0));
}

static bool entry_is(const struct ix_entry *e, enum ioc_type t, const uint8_t *p, size_t n)
{
    return e->type == t && e->key_len == n && !memcmp(entry_key(e), p, n);
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
        if ((uint32_t)(s >> 32) == tag && id != SLOT_TOMB && entry_is(ENT(ix, id - 1), t, p, n))
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

static int post_add(struct ioc_index *ix, uint32_t *n, uint64_t *w, uint64_t p)
{
    const uint64_t *v = posts(n, w);
    size_t at = post_find(v, *n, p);
    if (at < *n && v[at] == p)
        return IOC_INDEX_EXISTS;
    uint64_t *l;
    if (*n == 1) {
        l = xmalloc(5 * sizeof(uint64_t));
        l[0] = 4;
        l[1] = *w;
        ix->list_bytes += 5 * sizeof(uint64_t);
    } else if ((l = list_of(w))[0] == *n) {
        ix->list_bytes += l[0] * sizeof(uint64_t);
        l = xrealloc(l, (2 * l[0] + 1) * sizeof(uint64_t));
        l[0] *= 2;
    }
    memmove(l + 1 + at + 1, l + 1 + at, (*n - at) * sizeof(uint64_t));
    l[1 + at] = p;
    *w = (uint64_t)(uintptr_t)l;
    (*n)++;
    ix->postings++;
    return IOC_INDEX_OK;
}

/* Removes p; returns whether it was there. Leaves *n == 0 when it was the last. */
static bool post_del(struct ioc_index *ix, uint32_t *n, uint64_t *w, uint64_t p)
{
    const uint64_t *v = posts(n, w);
    size_t at = post_find(v, *n, p);
    if (at >= *n || v[at] != p)
        return false;
    ix->postings--;
    if (*n == 1) {
        *n = 0;
        return true;
    }
    uint64_t *l = list_of(w);
    memmove(l + 1 + at, l + 1 + at + 1, (*n - at - 1) * sizeof(uint64_t));
    if (--*n == 1) {
        ix->list_bytes -= (l[0] + 1) * sizeof(uint64_t);
        *w = l[1];
        free(l);
    }
    return true;
}

/* ---- address buckets ---- */

static uint32_t be32(const uint8_t *a)
{
    return (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
}

static uint64_t be64(const uint8_t *a)
{
    return (uint64_t)be32(a) << 32 | be32(a + 4);
}

static void put_be32(uint8_t *a, uint32_t x)
{
    a[0] = (uint8_t)(x >> 24);
    a[1] = (uint8_t)(x >> 16);
    a[2] = (uint8_t)(x >> 8);
    a[3] = (uint8_t)x;
}

static void put_be64(uint8_t *a, uint64_t x)
{
    put_be32(a, (uint32_t)(x >> 32));
    put_be32(a + 4, (uint32_t)x);
}

/* The bucket element of an address (bytes, network order) and prefix (words: 1 or 2). */
static void elem_of(enum ioc_type t, const uint8_t *a, unsigned prefix, uint64_t *x)
{
    if (t == IOC_IPV4) {
        x[0] = (uint64_t)(a[2] << 8 | a[3]) << 8 | prefix;
        return;
    }
    x[0] = be64(a + 2);
    x[1] = (be64(a + 8) & 0xffffffffffffULL) << 8 | prefix;
}

/* The address (bucket number b) and prefix of element x. */
static unsigned elem_addr(enum ioc_type t, size_t b, const uint64_t *x, uint8_t *a)
{
    a[0] = (uint8_t)(b >> 8);
    a[1] = (uint8_t)b;
    if (t == IOC_IPV4) {
        a[2] = (uint8_t)(x[0] >> 16);
        a[3] = (uint8_t)(x[0] >> 8);
        return (unsigned)(x[0] & 0xff);
    }
    put_be64(a + 2, x[0]);
    for (int i = 0; i < 6; i++)
        a[10 + i] = (uint8_t)(x[1] >> (8 * (6 - i)));
    return (unsigned)(x[1] & 0xff);
}

static int elem_cmp(const uint64_t *x, const uint64_t *y, size_t w)
{
    for (size_t i = 0; i < w; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* The first position in b not before element x. */
static uint32_t bucket_lower(const struct bucket *b, size_t w, const uint64_t *x)
{
    uint32_t lo = 0, hi = b->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (elem_cmp(b->e + mid * w, x, w) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_e1(const void *a, const void *b)
{
    return elem_cmp(a, b, 1);
}

static int cmp_e2(const void *a, const void *b)
{
    return elem_cmp(a, b, 2);
}

/* After a bulk build: every bucket in order. */
static void buckets_sort(struct ioc_index *ix)
{
    for (size_t i = 0; ix->b4 && i < BUCKETS; i++)
        if (ix->b4[i].n > 1) /* an empty bucket has no array: qsort wants one */
            qsort(ix->b4[i].e, ix->b4[i].n, sizeof(uint64_t), cmp_e1);
    for (size_t i = 0; ix->b6 && i < BUCKETS; i++)
        if (ix->b6[i].n > 1)
            qsort(ix->b6[i].e, ix->b6[i].n, 2 * sizeof(uint64_t), cmp_e2);
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
 * starts clean. /0 has no bitmap. top24: the address's first 24 bits.
 */
static unsigned filter_bits(unsigned len)
{
    return len >= 20 ? 20 : len;
}

static uint64_t **filter_of(const struct ioc_index *ix, enum ioc_type t, unsigned len)
{
    return (uint64_t **)(uintptr_t)(t == IOC_IPV4 ? &ix->f4[len] : &ix->f6[len]);
}

static void filter_set(struct ioc_index *ix, const struct ioc_key *k)
{
    uint64_t **f = filter_of(ix, k->type, k->prefix);
    unsigned bits = filter_bits(k->prefix), top = (be32(k->bin) >> 8) >> (24 - bits);
    if (k->prefix == 0)
        return;
    if (!*f) {
        *f = xcalloc(((size_t)1 << bits) / 64 + 1, sizeof(uint64_t));
        ix->list_bytes += (((size_t)1 << bits) / 64 + 1) * 8;
    }
    (*f)[top / 64] |= 1ULL << (top % 64);
}

static inline bool filter_may(const uint64_t *f, unsigned len, uint32_t top24)
{
    if (len == 0 || !f)
        return true;
    unsigned top = top24 >> (24 - filter_bits(len));
    return f[top / 64] >> (top % 64) & 1;
}

static void bucket_insert(struct ioc_index *ix, const struct ioc_key *k)
{
    struct bucket *b = bucket_of(ix, k);
    size_t w = k->type == IOC_IPV4 ? 1 : 2;
    uint64_t x[2];
    elem_of(k->type, k->bin, k->prefix, x);
    filter_set(ix, k);
    uint32_t at = ix->bulk ? b->n : bucket_lower(b, w, x);
    if (b->n == b->cap) {
        ix->list_bytes += (b->cap ? b->cap : 4) * w * sizeof(uint64_t);
        b->cap = b->cap ? b->cap * 2 : 4;
        b->e = xrealloc(b->e, b->cap * w * sizeof(uint64_t));
    }
    memmove(b->e + (at + 1) * w, b->e + at * w, (b->n - at) * w * sizeof(uint64_t));
    memcpy(b->e + at * w, x, w * sizeof(uint64_t));
    b->n++;
}

static void bucket_remove(struct ioc_index *ix, const struct ioc_key *k)
{
    struct bucket *b = bucket_of(ix, k);
    size_t w = k->type == IOC_IPV4 ? 1 : 2;
    uint64_t x[2];
    elem_of(k->type, k->bin, k->prefix, x);
    uint32_t at = bucket_lower(b, w, x);
    BUG_ON(at >= b->n || elem_cmp(b->e + at * w, x, w));
    memmove(b->e + at * w, b->e + (at + 1) * w, (b->n - at - 1) * w * sizeof(uint64_t));
    b->n--;
}

/* ---- adding and removing ---- */

static bool addr_type(enum ioc_type t)
{
    return t == IOC_IPV4 || t == IOC_IPV6;
}

static bool fixed_type(enum ioc_type t)
{
    return addr_type(t) || t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256;
}

/* The fixed-size table of k (a fixed type), and its key as the slot holds it in kb. */
static struct fxt *fixed_of(const struct ioc_index *ix, const struct ioc_key *k, uint8_t *kb)
{
    const struct fxt *t;
    if (k->type == IOC_IPV4) {
        uint32_t a = be32(k->bin);
        memcpy(kb, &a, 4);
        return (struct fxt *)(uintptr_t)&ix->ip4[k->prefix];
    }
    memcpy(kb, k->bin, k->len);
    if (k->type == IOC_IPV6)
        t = &ix->ip6[k->prefix];
    else
        t = &ix->hash[k->type == IOC_MD5 ? 0 : k->type == IOC_SHA1 ? 1 : 2];
    return (struct fxt *)(uintptr_t)t;
}

static void used_set(struct ioc_index *ix, const struct ioc_key *k, bool on)
{
    uint64_t *m = k->type == IOC_IPV4 ? &ix->ip4_used : &ix->ip6_used[k->prefix / 64];
    uint64_t bit = 1ULL << (k->prefix % 64);
    *m = on ? *m | bit : *m & ~bit;
}

static void counted(struct ioc_index *ix, const struct ioc_key *k, int d)
{
    if (addr_type(k->type)) {
        uint32_t *c = k->type == IOC_IPV4 ? &ix->ip4_n[k->prefix] : &ix->ip6_n[k->prefix];
        *c += (uint32_t)d;
        used_set(ix, k, *c != 0);
    } else if (k->type == IOC_DOMAIN)
        ix->depth_n[k->labels] += (uint32_t)d;
    ix->indicators += (uint64_t)(int64_t)d;
    ix->by_type[k->type] += (uint64_t)(int64_t)d;
}

static int add_fixed(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    uint8_t kb[32];
    struct fxt *t = fixed_of(ix, k, kb);
    uint64_t h = fx_hash(t, kb);
    uint8_t *s = fx_find(t, h, kb);
    if (s)
        return post_add(ix, fx_n(t, s), fx_w(t, s), p);
    fx_reserve(t, 1);
    s = fx_free_slot(t, h);
    memcpy(s, kb, t->klen);
    *fx_n(t, s) = 1;
    *fx_w(t, s) = p;
    t->live++;
    if (addr_type(k->type))
        bucket_insert(ix, k);
    return IOC_INDEX_OK;
}

static int add_text(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    struct ixt *tb = &ix->str;
    const uint8_t *kb = (const uint8_t *)k->text;
    uint64_t h = text_hash(ix, k->type, kb, k->len);
    int64_t id = ixt_find(ix, tb, h, k->type, kb, k->len);
    if (id >= 0) {
        struct ix_entry *e = ENT(ix, (uint32_t)id);
        return post_add(ix, &e->npost, &e->post, p);
    }
    if (!tb->slot || (tb->live + tb->tomb + 1) * 10 > (tb->mask + 1) * 7)
        ixt_resize(tb, tb->live + 1);
    if ((id = arena_put(ix, kb, k->len)) < 0)
        return IOC_INDEX_EFULL;
    struct ix_entry *e = ENT(ix, (uint32_t)id);
    e->post = p;
    e->npost = 1;
    e->key_len = (uint16_t)k->len;
    e->type = (uint8_t)k->type;
    ixt_place(tb, h, (uint32_t)id);
    return IOC_INDEX_OK;
}

static int add_locked(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    uint64_t before = ix->postings;
    int r = fixed_type(k->type) ? add_fixed(ix, k, p) : add_text(ix, k, p);
    if (r == IOC_INDEX_OK && ix->postings == before) { /* a new indicator */
        ix->postings++;
        counted(ix, k, 1);
    }
    return r;
}

static int remove_fixed(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    uint8_t kb[32];
    struct fxt *t = fixed_of(ix, k, kb);
    uint8_t *s = fx_find(t, fx_hash(t, kb), kb);
    if (!s || !post_del(ix, fx_n(t, s), fx_w(t, s), p))
        return IOC_INDEX_NOTFOUND;
    if (*fx_n(t, s))
        return IOC_INDEX_OK;
    fx_delete(t, s);
    if (addr_type(k->type))
        bucket_remove(ix, k);
    counted(ix, k, -1);
    return IOC_INDEX_OK;
}

static int remove_text(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    struct ixt *tb = &ix->str;
    const uint8_t *kb = (const uint8_t *)k->text;
    uint64_t h = text_hash(ix, k->type, kb, k->len);
    int64_t id = ixt_find(ix, tb, h, k->type, kb, k->len);
    struct ix_entry *e = id >= 0 ? ENT(ix, (uint32_t)id) : NULL;
    if (!e || !post_del(ix, &e->npost, &e->post, p))
        return IOC_INDEX_NOTFOUND;
    if (e->npost)
        return IOC_INDEX_OK;
    for (size_t i = (h >> 32) & tb->mask;; i = (i + 1) & tb->mask)
        if ((uint32_t)tb->slot[i] == (uint32_t)id + 1) {
            tb->slot[i] = SLOT_TOMB;
            break;
        }
    tb->live--;
    tb->tomb++;
    ix->garbage += e->size;
    counted(ix, k, -1);
    return IOC_INDEX_OK;
}

static int remove_locked(struct ioc_index *ix, const struct ioc_key *k, uint64_t p)
{
    return fixed_type(k->type) ? remove_fixed(ix, k, p) : remove_text(ix, k, p);
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
    size_t text = 0, bad = 0, hashes[3] = {0};
    int r = IOC_INDEX_OK;
    for (size_t i = 0; i < n; i++) {
        enum ioc_type t = items[i].type;
        if (t == IOC_MD5 || t == IOC_SHA1 || t == IOC_SHA256)
            hashes[t == IOC_MD5 ? 0 : t == IOC_SHA1 ? 1 : 2]++;
        else
            text += !addr_type(t);
    }
    pthread_rwlock_wrlock(&ix->lock);
    if (ix->str.live + text > (ix->str.mask + 1) * 7 / 10)
        ixt_resize(&ix->str, ix->str.live + text);
    for (size_t i = 0; i < 3; i++)
        if (hashes[i])
            fx_reserve(&ix->hash[i], hashes[i]);
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
    ioc_match_fn fn;
    void *arg;
    struct ioc_count cnt;
    bool stop;
};

/* Reports a match: type, kind, its key (binary for the fixed kinds, text otherwise) and
 * prefix, its postings. */
static void visit(struct visit *v, enum ioc_type t, enum ioc_match_kind kind, const uint8_t *kb,
                  size_t klen, unsigned prefix, const uint32_t *n, const uint64_t *w)
{
    v->cnt.indicators++;
    v->cnt.postings += *n;
    if (!v->fn || v->stop)
        return;
    char buf[IOC_TEXT_MAX + 1];
    struct ioc_match m = {.type = t, .kind = kind, .postings = posts(n, w), .npostings = *n};
    if (t == IOC_IPV4) {
        uint32_t a;
        uint8_t b[4];
        memcpy(&a, kb, 4);
        put_be32(b, a);
        m.len = ioc_format_ip(t, b, prefix, buf);
        m.text = buf;
    } else if (t == IOC_IPV6) {
        m.len = ioc_format_ip(t, kb, prefix, buf);
        m.text = buf;
    } else if (fixed_type(t)) {
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < klen; i++) {
            buf[2 * i] = hex[kb[i] >> 4];
            buf[2 * i + 1] = hex[kb[i] & 15];
        }
        buf[2 * klen] = '\0';
        m.len = 2 * klen;
        m.text = buf;
    } else {
        m.text = (const char *)kb;
        m.len = klen;
    }
    v->stop = v->fn(&m, v->arg) != 0;
}

static void visit_entry(struct visit *v, const struct ix_entry *e, enum ioc_match_kind kind)
{
    visit(v, (enum ioc_type)e->type, kind, entry_key(e), e->key_len, 0, &e->npost, &e->post);
}

static void visit_slot(struct visit *v, enum ioc_type t, const struct fxt *tb, const uint8_t *s,
                       unsigned prefix, enum ioc_match_kind kind)
{
    visit(v, t, kind, s, tb->klen, prefix, fx_n(tb, s), fx_w(tb, s));
}

/* Probes of one query, collected first so that their slots are fetched in parallel. */
struct probe {
    const void *tb; /* struct fxt (fixed) or struct ixt */
    uint64_t h;
    const uint8_t *p; /* the key: text, or as a fixed slot holds it */
    uint32_t n;
    uint8_t kind, fixed, prefix;
    uint8_t bin[16]; /* an address probe's masked key */
};

PREFETCHER void prefetch_slots(const struct probe *pr, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        if (pr[i].fixed)
            fx_prefetch(pr[i].tb, pr[i].h);
        else if (((const struct ixt *)pr[i].tb)->slot) {
            const struct ixt *tb = pr[i].tb;
            __builtin_prefetch(&tb->slot[(pr[i].h >> 32) & tb->mask]);
        }
    }
}

static void run_probes(const struct ioc_index *ix, struct visit *v, enum ioc_type t,
                       const struct probe *pr, size_t np)
{
    for (size_t i = 0; i < np && !v->stop; i++) {
        if (pr[i].fixed) {
            const uint8_t *s = fx_find(pr[i].tb, pr[i].h, pr[i].p);
            if (s)
                visit_slot(v, t, pr[i].tb, s, pr[i].prefix, (enum ioc_match_kind)pr[i].kind);
            continue;
        }
        int64_t id = ixt_find(ix, pr[i].tb, pr[i].h, t, pr[i].p, pr[i].n);
        if (id >= 0)
            visit_entry(v, ENT(ix, (uint32_t)id), (enum ioc_match_kind)pr[i].kind);
    }
}

static void mask_addr(const uint8_t *a, size_t bytes, unsigned prefix, uint8_t *out)
{
    for (size_t i = 0; i < bytes; i++) {
        unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
        out[i] = a[i] & (uint8_t)(keep ? 0xff << (8 - keep) : 0);
    }
}

/* Visits the stored address a/prefix, which its bucket lists, as inside the query. */
static void visit_listed(const struct ioc_index *ix, struct visit *v, enum ioc_type t,
                         const uint8_t *a, unsigned prefix)
{
    uint8_t kb[16];
    const struct fxt *tb;
    if (t == IOC_IPV4) {
        uint32_t x = be32(a);
        memcpy(kb, &x, 4);
        tb = &ix->ip4[prefix];
    } else {
        memcpy(kb, a, 16);
        tb = &ix->ip6[prefix];
    }
    const uint8_t *s = fx_find(tb, fx_hash(tb, kb), kb);
    BUG_ON(!s); /* the bucket and the table hold the same addresses */
    visit_slot(v, t, tb, s, prefix, IOC_MATCH_INSIDE);
}

/* Stored addresses and blocks inside the query block k (longer prefixes), from the buckets. */
static void query_inside(const struct ioc_index *ix, struct visit *v, const struct ioc_key *k)
{
    const struct bucket *bs = k->type == IOC_IPV4 ? ix->b4 : ix->b6;
    size_t first = (size_t)(k->bin[0] << 8 | k->bin[1]), w = k->type == IOC_IPV4 ? 1 : 2;
    uint8_t a[16], m[16];
    if (!bs)
        return;
    if (k->prefix < 16) { /* every entry of every bucket spanned, except the covering ones */
        for (size_t b = first; b < first + ((size_t)1 << (16 - k->prefix)) && !v->stop; b++)
            for (uint32_t i = 0; i < bs[b].n && !v->stop; i++) {
                unsigned p = elem_addr(k->type, b, bs[b].e + i * w, a);
                if (p > k->prefix)
                    visit_listed(ix, v, k->type, a, p);
            }
        return;
    }
    const struct bucket *b = &bs[first];
    uint64_t x[2];
    elem_of(k->type, k->bin, k->prefix, x);
    for (uint32_t i = bucket_lower(b, w, x); i < b->n && !v->stop; i++) {
        unsigned p = elem_addr(k->type, first, b->e + i * w, a);
        mask_addr(a, k->len, k->prefix, m);
        if (memcmp(m, k->bin, k->len))
            break;
        if (p > k->prefix)
            visit_listed(ix, v, k->type, a, p);
    }
}

/* The probes of an IPv4 query: its own prefix length and every shorter one in use, longest
 * first, on the address as a host-order word. */
static size_t collect_ip4(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    uint32_t a = be32(k->bin);
    uint64_t used = ix->ip4_used & ((2ULL << k->prefix) - 1);
    size_t np = 0;
    while (used) {
        unsigned len = 63u - (unsigned)__builtin_clzll(used);
        used &= ~(1ULL << len);
        if (!filter_may(ix->f4[len], len, a >> 8))
            continue;
        uint32_t x = len ? a & ~0u << (32 - len) : 0;
        struct probe *p = &pr[np++];
        p->tb = &ix->ip4[len];
        p->fixed = 1;
        p->prefix = (uint8_t)len;
        memcpy(p->bin, &x, 4);
        p->p = p->bin;
        p->h = mix(x ^ ix->ip4[len].seed); /* fx_hash, without the call */
        p->kind = len == k->prefix ? IOC_MATCH_EXACT : IOC_MATCH_COVERS;
    }
    return np;
}

static size_t collect_ip6(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    uint64_t hi = be64(k->bin), lo = be64(k->bin + 8);
    uint32_t top24 = be32(k->bin) >> 8;
    size_t np = 0;
    for (int word = k->prefix / 64; word >= 0; word--) {
        uint64_t used = ix->ip6_used[word];
        if (word == k->prefix / 64)
            used &= k->prefix % 64 == 63 ? ~0ULL : (2ULL << (k->prefix % 64)) - 1;
        while (used) {
            unsigned bit = 63u - (unsigned)__builtin_clzll(used), len = (unsigned)word * 64 + bit;
            used &= ~(1ULL << bit);
            if (!filter_may(ix->f6[len], len, top24))
                continue;
            uint64_t mh = len >= 64 ? hi : len ? hi & ~0ULL << (64 - len) : 0;
            uint64_t ml = len >= 128 ? lo : len > 64 ? lo & ~0ULL << (128 - len) : 0;
            struct probe *p = &pr[np++];
            p->tb = &ix->ip6[len];
            p->fixed = 1;
            p->prefix = (uint8_t)len;
            put_be64(p->bin, mh);
            put_be64(p->bin + 8, ml);
            p->p = p->bin;
            p->h = hash_bytes(ix->ip6[len].seed, p->bin, 16);
            p->kind = len == k->prefix ? IOC_MATCH_EXACT : IOC_MATCH_COVERS;
        }
    }
    return np;
}

/* The probes of a domain query: itself and each parent at a depth in use, most specific
 * first; every suffix's hash from one pass from the right (text_hash). */
static size_t collect_domain(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    const uint8_t *t = (const uint8_t *)k->text;
    uint64_t h = ix->seed + IOC_DOMAIN;
    size_t end = k->len, np = 0;
    unsigned depth = 0;
    /* right to left, the shallowest suffix first: placed from the back of the probes */
    size_t used = 0;
    for (unsigned d = 1; d <= k->labels; d++)
        used += ix->depth_n[d] != 0;
    np = used;
    for (size_t i = k->len + 1; i-- > 0;) {
        if (i > 0 && t[i - 1] != '.')
            continue;
        h = label_step(h, t + i, end - i, i);
        end = i ? i - 1 : 0;
        depth++;
        if (!ix->depth_n[depth])
            continue;
        struct probe *p = &pr[--used];
        p->tb = &ix->str;
        p->fixed = 0;
        p->p = t + i;
        p->n = k->len - (uint32_t)i;
        p->h = mix(h);
        p->kind = depth == k->labels ? IOC_MATCH_EXACT : IOC_MATCH_COVERS;
    }
    return np;
}

static size_t collect(const struct ioc_index *ix, const struct ioc_key *k, struct probe *pr)
{
    if (k->type == IOC_IPV4)
        return collect_ip4(ix, k, pr);
    if (k->type == IOC_IPV6)
        return collect_ip6(ix, k, pr);
    if (k->type == IOC_DOMAIN)
        return collect_domain(ix, k, pr);
    pr->kind = IOC_MATCH_EXACT;
    if (fixed_type(k->type)) {
        const struct fxt *tb = &ix->hash[k->type == IOC_MD5 ? 0 : k->type == IOC_SHA1 ? 1 : 2];
        pr->tb = tb;
        pr->fixed = 1;
        pr->p = k->bin;
        pr->h = fx_hash(tb, k->bin);
        return 1;
    }
    pr->tb = &ix->str;
    pr->fixed = 0;
    pr->p = (const uint8_t *)k->text;
    pr->n = k->len;
    pr->h = text_hash(ix, k->type, pr->p, pr->n);
    return 1;
}

static bool is_block(const struct ioc_key *k)
{
    return (k->type == IOC_IPV4 && k->prefix < 32) || (k->type == IOC_IPV6 && k->prefix < 128);
}

static bool key_ok(const struct ioc_key *k)
{
    return (unsigned)k->type < IOC__COUNT && k->labels < MAX_PROBES &&
           (k->type != IOC_IPV4 || k->prefix <= 32) && (k->type != IOC_IPV6 || k->prefix <= 128);
}

int64_t ioc_index_query_key(const struct ioc_index *ix, const struct ioc_key *k, ioc_match_fn fn,
                            void *arg, struct ioc_count *count)
{
    struct visit v = {.fn = fn, .arg = arg};
    struct probe pr[MAX_PROBES];
    if (!key_ok(k))
        return IOC_INDEX_EINVAL;
    pthread_rwlock_rdlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
    size_t np = collect(ix, k, pr);
    prefetch_slots(pr, np);
    run_probes(ix, &v, k->type, pr, np);
    if (is_block(k))
        query_inside(ix, &v, k);
    pthread_rwlock_unlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
    if (count)
        *count = v.cnt;
    return (int64_t)v.cnt.indicators;
}

/* The first entry whose tag matches in a text probe's chain (read from the slots only), or -1. */
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

/*
 * Many queries as a software pipeline (ioc_index_query_many): query i + LEAD has its probes
 * collected and its slots prefetched, query i + LEAD / 2 its candidate text entries prefetched,
 * while query i is answered from what is by then in cache. A steady window of queries keeps
 * about LEAD main-memory reads in flight at every moment, where groups in lock-step (the first
 * version: 8 queries, three stages) left the memory idle while each group was computed and
 * waited for the slowest read of each stage (bench/README.md, "Fourth pass").
 */
#define LEAD 12
#define RING (LEAD + 1)
#define FILTER_LEAD 4 /* the bitmaps' words a few queries before collect reads them */

struct many {
    struct probe (*pr)[MAX_PROBES];
    size_t np[RING];
    ioc_many_fn fn;
    void *arg;
    size_t q; /* the query being answered, for the callback */
};

static int many_visit(const struct ioc_match *m, void *arg)
{
    struct many *mn = arg;
    return mn->fn(mn->q, m, mn->arg);
}

PREFETCHER void prefetch_candidates(const struct ioc_index *ix, const struct probe *pr,
                                    size_t np)
{
    for (size_t i = 0; i < np; i++) {
        int64_t id = pr[i].fixed ? -1 : first_candidate(&pr[i]);
        if (id >= 0) { /* the entry and its key: two cache lines at most for most keys */
            __builtin_prefetch(ENT(ix, (uint32_t)id));
            __builtin_prefetch((const char *)ENT(ix, (uint32_t)id) + 64);
        }
    }
}

/* An IPv4 query's words of the prefix-length bitmaps that collect_ip4 will read (those of 2^15
 * bits or more, which do not stay in the first-level caches), fetched ahead of it. */
PREFETCHER void prefetch_filters(const struct ioc_index *ix, const struct ioc_key *k)
{
    if (k->type != IOC_IPV4 || k->prefix > 32)
        return;
    uint32_t top24 = be32(k->bin) >> 8;
    uint64_t used = ix->ip4_used & ((2ULL << k->prefix) - 1) & ~((1ULL << 15) - 1);
    while (used) {
        unsigned len = (unsigned)__builtin_ctzll(used);
        used &= used - 1;
        if (ix->f4[len])
            __builtin_prefetch(&ix->f4[len][(top24 >> (24 - filter_bits(len))) / 64]);
    }
}

/* Answers query q (its probes collected LEAD steps earlier); returns its count. */
static struct ioc_count many_answer(const struct ioc_index *ix, const struct ioc_key *k,
                                    struct many *mn, size_t q)
{
    struct visit v = {.fn = mn->fn ? many_visit : NULL, .arg = mn};
    mn->q = q;
    run_probes(ix, &v, k->type, mn->pr[q % RING], mn->np[q % RING]);
    if (key_ok(k) && is_block(k)) /* as ioc_index_query_key: even when no shorter length probed */
        query_inside(ix, &v, k);
    return v.cnt;
}

int64_t ioc_index_query_many(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                             ioc_many_fn fn, void *arg, struct ioc_count *counts)
{
    struct many mn = {.fn = fn, .arg = arg};
    int64_t total = 0;
    mn.pr = xmalloc(RING * sizeof(*mn.pr));
    pthread_rwlock_rdlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
    for (size_t i = 0; i < n + LEAD; i++) {
        if (i + FILTER_LEAD < n)
            prefetch_filters(ix, &keys[i + FILTER_LEAD]);
        if (i < n) {
            struct probe *pr = mn.pr[i % RING];
            mn.np[i % RING] = key_ok(&keys[i]) ? collect(ix, &keys[i], pr) : 0;
            prefetch_slots(pr, mn.np[i % RING]);
        }
        size_t c = i - LEAD / 2, q = i - LEAD;
        if (i >= LEAD / 2 && c < n)
            prefetch_candidates(ix, mn.pr[c % RING], mn.np[c % RING]);
        if (i >= LEAD) {
            struct ioc_count one = many_answer(ix, &keys[q], &mn, q);
            total += (int64_t)one.indicators;
            if (counts)
                counts[q] = one;
        }
    }
    pthread_rwlock_unlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
    free(mn.pr);
    return total;
}

int64_t ioc_index_count_many(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                             struct ioc_count *counts)
{
    return ioc_index_query_many(ix, keys, n, NULL, NULL, counts);
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
    pthread_rwlock_rdlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
    memset(st, 0, sizeof(*st));
    st->indicators = ix->indicators;
    st->postings = ix->postings;
    memcpy(st->by_type, ix->by_type, sizeof(st->by_type));
    st->bytes = ixt_bytes(&ix->str) + ix->nchunk * CHUNK_SIZE + ix->list_bytes;
    for (size_t i = 0; i < 3; i++)
        st->bytes += fx_bytes(&ix->hash[i]);
    for (size_t i = 0; i < 33; i++)
        st->bytes += fx_bytes(&ix->ip4[i]);
    for (size_t i = 0; i < 129; i++)
        st->bytes += fx_bytes(&ix->ip6[i]);
    st->garbage_bytes = ix->garbage;
    pthread_rwlock_unlock((pthread_rwlock_t *)(uintptr_t)&ix->lock);
}
