/*
 * test_ioc.c — indicators (src/sharing/ioc*.c): the normalisation table (valid, defanged,
 * invalid with their codes, gather-all), RFC 5952 forms, type detection, the correlation index
 * (CIDR containment at /0, /32, /128 and overlapping blocks, domain suffixes, counting and
 * stopping, incremental add/remove against a brute-force scan and a rebuild), warninglists
 * (the shipped lists, matching, and loading errors).
 */
#include <pthread.h>

#include "unit.h"
#include "sharing/ioc.h"
#include "sharing/ioc_index.h"
#include "sharing/ioc_warn.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* ---- normalisation ---- */

struct ncase {
    enum ioc_type type;
    const char *in;
    const char *out;  /* canonical text, or NULL when refused */
    const char *code; /* the (first) problem's code when refused */
    bool defanged;
};

static const struct ncase cases[] = {
    /* IPv4 */
    {IOC_IPV4, "203.0.113.45", "203.0.113.45", NULL, false},
    {IOC_IPV4, " 203.0.113.45\n", "203.0.113.45", NULL, false},
    {IOC_IPV4, "203.0.113[.]45", "203.0.113.45", NULL, true},
    {IOC_IPV4, "203(.)0(.)113(.)45", "203.0.113.45", NULL, true},
    {IOC_IPV4, "203{.}0[dot]113[DOT]45", "203.0.113.45", NULL, true},
    {IOC_IPV4, "10.0.0.0/8", "10.0.0.0/8", NULL, false},
    {IOC_IPV4, "10.1.2.3/32", "10.1.2.3", NULL, false},
    {IOC_IPV4, "0.0.0.0/0", "0.0.0.0/0", NULL, false},
    {IOC_IPV4, "255.255.255.255", "255.255.255.255", NULL, false},
    {IOC_IPV4, "100.10.9.0/24", "100.10.9.0/24", NULL, false},
    {IOC_IPV4, "10.0.0.0/8", "10.0.0.0/8", NULL, false},
    {IOC_IPV4, "10.1.0.0/8", NULL, "ioc_host_bits", false},
    {IOC_IPV4, "10.0.0.0/33", NULL, "ioc_prefix", false},
    {IOC_IPV4, "10.0.0.0/08", NULL, "ioc_prefix", false},
    {IOC_IPV4, "010.0.0.1", NULL, "ioc_ipv4", false},
    {IOC_IPV4, "256.0.0.1", NULL, "ioc_ipv4", false},
    {IOC_IPV4, "1.2.3", NULL, "ioc_ipv4", false},
    {IOC_IPV4, "1.2.3.4.5", NULL, "ioc_ipv4", false},
    {IOC_IPV4, "1.2. 3.4", NULL, "ioc_control", false},
    {IOC_IPV4, "", NULL, "ioc_empty", false},
    {IOC_IPV4, "  ", NULL, "ioc_empty", false},
    /* IPv6 */
    {IOC_IPV6, "2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1", NULL, false},
    {IOC_IPV6, "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", NULL, false},
    {IOC_IPV6, "2001:db8::/32", "2001:db8::/32", NULL, false},
    {IOC_IPV6, "2001:db8::1/128", "2001:db8::1", NULL, false},
    {IOC_IPV6, "2001:db8::1/64", NULL, "ioc_host_bits", false},
    {IOC_IPV6, "2001:db8[:]:1", "2001:db8::1", NULL, true},
    {IOC_IPV6, "fe80::1%eth0", NULL, "ioc_ipv6_zone", false},
    {IOC_IPV6, "2001:db8:::1", NULL, "ioc_ipv6", false},
    {IOC_IPV6, "::/0", "::/0", NULL, false},
    /* domains */
    {IOC_DOMAIN, "Evil.Example.", "evil.example", NULL, false},
    {IOC_DOMAIN, "evil[.]example", "evil.example", NULL, true},
    {IOC_DOMAIN, "evil(dot)example", "evil.example", NULL, true},
    {IOC_DOMAIN, "_dmarc.example.jp", "_dmarc.example.jp", NULL, false},
    {IOC_DOMAIN, "xn--r8jz45g.jp", "xn--r8jz45g.jp", NULL, false},
    {IOC_DOMAIN, "XN--R8JZ45G.JP", "xn--r8jz45g.jp", NULL, false},
    {IOC_DOMAIN, "xn--zz.jp", NULL, "ioc_punycode", false},
    {IOC_DOMAIN, "例え.jp", NULL, "ioc_idna", false},
    {IOC_DOMAIN, "example", NULL, "ioc_domain_single_label", false},
    {IOC_DOMAIN, "1.2.3.4", NULL, "ioc_domain_numeric", false},
    {IOC_DOMAIN, "-bad.example", NULL, "ioc_label_syntax", false},
    {IOC_DOMAIN, "a..example", NULL, "ioc_label_length", false},
    {IOC_DOMAIN, "bad!.example", NULL, "ioc_label_syntax", false},
    /* URLs */
    {IOC_URL, "HTTP://Evil.Example:80/A?B=C#D", "http://evil.example/A?B=C#D", NULL, false},
    {IOC_URL, "hxxps://evil[.]example:443", "https://evil.example/", NULL, true},
    {IOC_URL, "hXXp[://]evil.example/a(.)php", "http://evil.example/a(.)php", NULL, true},
    {IOC_URL, "hxxp[:]//evil(.)example/x", "http://evil.example/x", NULL, true},
    {IOC_URL, "fxp://files.example:21/x", "ftp://files.example/x", NULL, true},
    {IOC_URL, "https://evil.example:8443/", "https://evil.example:8443/", NULL, false},
    {IOC_URL, "http://evil.example:/", "http://evil.example/", NULL, false},
    {IOC_URL, "http://User:Pw@Evil.Example/", "http://User:Pw@evil.example/", NULL, false},
    {IOC_URL, "http://[2001:DB8::0:1]:8080/x", "http://[2001:db8::1]:8080/x", NULL, false},
    {IOC_URL, "http://203.0.113.5/x", "http://203.0.113.5/x", NULL, false},
    {IOC_URL, "evil.example/path", NULL, "ioc_url", false},
    {IOC_URL, "http://evil.example:99999/", NULL, "ioc_url_port", false},
    {IOC_URL, "http:///x", NULL, "ioc_url_host", false},
    {IOC_URL, "1http://evil.example/", NULL, "ioc_url_scheme", false},
    {IOC_URL, "http://例え.jp/", NULL, "ioc_idna", false},
    /* e-mail */
    {IOC_EMAIL, "Phish@Evil.Example", "Phish@evil.example", NULL, false},
    {IOC_EMAIL, "phish[@]evil[.]example", "phish@evil.example", NULL, true},
    {IOC_EMAIL, "phish[at]evil[dot]example", "phish@evil.example", NULL, true},
    {IOC_EMAIL, "phish(at)evil(dot)example", "phish@evil.example", NULL, true},
    {IOC_EMAIL, "@evil.example", NULL, "ioc_email", false},
    {IOC_EMAIL, "phish@evil", NULL, "ioc_domain_single_label", false},
    /* hashes */
    {IOC_MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e", NULL, false},
    {IOC_MD5, "d41d8cd98f00b204e9800998ecf8427", NULL, "ioc_hash_length", false},
    {IOC_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709",
     "da39a3ee5e6b4b0d3255bfef95601890afd80709", NULL, false},
    {IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g", NULL,
     "ioc_hash_hex", false},
    {IOC_SSDEEP, "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
     "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", NULL, false},
    {IOC_SSDEEP, "5:abc:def", NULL, "ioc_ssdeep", false},
    {IOC_SSDEEP, "3:ab!:def", NULL, "ioc_ssdeep", false},
    /* detection */
    {IOC_ANY, "hxxp://evil[.]example", "http://evil.example/", NULL, true},
    {IOC_ANY, "evil[.]example", "evil.example", NULL, true},
    {IOC_ANY, "198.51.100.0/24", "198.51.100.0/24", NULL, false},
    {IOC_ANY, "2001:db8::1", "2001:db8::1", NULL, false},
    {IOC_ANY, "a@evil.example", "a@evil.example", NULL, false},
    {IOC_ANY, "   ", NULL, "ioc_empty", false},
};

static void test_normalise_table(void **state)
{
    UNUSED(state);
    struct ioc_value *v = xmalloc(sizeof(*v));
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct ncase *c = &cases[i];
        struct verr_list errs;
        verr_list_init(&errs, 20);
        int r = ioc_normalise(c->type, c->in, strlen(c->in), v, &errs, "/v");
        if (c->out) {
            if (r)
                fail_msg("case %zu (%s): refused: %s %s", i, c->in, errs.v[0].code, errs.v[0].en);
            assert_string_equal(v->text, c->out);
            assert_int_equal(v->len, strlen(c->out));
            if (v->defanged != c->defanged)
                fail_msg("case %zu (%s): defanged %d", i, c->in, v->defanged);
        } else {
            if (!r)
                fail_msg("case %zu (%s): accepted as %s", i, c->in, v->text);
            assert_true(errs.n >= 1);
            if (strcmp(errs.v[0].code, c->code))
                fail_msg("case %zu (%s): code %s, want %s", i, c->in, errs.v[0].code, c->code);
            assert_string_equal(errs.v[0].pointer, "/v");
            assert_true(errs.v[0].ja[0] && errs.v[0].en[0]);
        }
        verr_list_release(&errs);
    }
    free(v);
}

static void test_normalise_gathers_all(void **state)
{
    UNUSED(state);
    struct ioc_value *v = xmalloc(sizeof(*v));
    struct verr_list errs;
    char long_value[IOC_VALUE_MAX + 2];
    verr_list_init(&errs, 20);
    /* a bad scheme, a bad host and a bad port: three problems at once */
    assert_int_equal(ioc_normalise(IOC_URL, "1x://bad!host:0/", 16, v, &errs, "/u"), -1);
    assert_int_equal(errs.n, 3);
    assert_string_equal(errs.v[0].code, "ioc_url_scheme");
    assert_string_equal(errs.v[1].code, "ioc_url_host");
    assert_string_equal(errs.v[2].code, "ioc_url_port");
    verr_list_release(&errs);
    /* a hash both too short and not hex */
    assert_int_equal(ioc_normalise(IOC_SHA1, "xyz", 3, v, &errs, ""), -1);
    assert_int_equal(errs.n, 2);
    verr_list_release(&errs);
    /* the host-bits message names the block meant */
    assert_int_equal(ioc_normalise(IOC_IPV4, "192.0.2.77/24", 13, v, &errs, ""), -1);
    assert_non_null(strstr(errs.v[0].en, "192.0.2.0/24"));
    verr_list_release(&errs);
    memset(long_value, 'a', sizeof(long_value));
    assert_int_equal(ioc_normalise(IOC_DOMAIN, long_value, IOC_VALUE_MAX + 1, v, &errs, ""), -1);
    assert_string_equal(errs.v[0].code, "ioc_too_long");
    verr_list_release(&errs);
    /* NULL errs is allowed */
    assert_int_equal(ioc_normalise(IOC_DOMAIN, "x", 1, v, NULL, NULL), -1);
    free(v);
}

/* RFC 5952 §4 and §5 (the examples of the RFC's sections). */
static void test_ipv6_canonical(void **state)
{
    UNUSED(state);
    static const char *const pairs[][2] = {
        {"2001:db8:0:0:0:0:2:1", "2001:db8::2:1"},           /* §4.2.1 */
        {"2001:db8:0000:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"}, /* §4.2.2: one field not "::" */
        {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},             /* §4.2.3: the longest run */
        {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},       /* §4.2.3: the first on a tie */
        {"2001:DB8::AbCd", "2001:db8::abcd"},                /* §4.3: lower case */
        {"0:0:0:0:0:ffff:c000:0280", "::ffff:192.0.2.128"},  /* §5: IPv4-mapped */
        {"::1", "::1"},
        {"0::0", "::"},
        {"1:0:0:0:0:0:0:0", "1::"},
        {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
        {"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8"},
    };
    struct ioc_value v;
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        assert_int_equal(ioc_normalise(IOC_IPV6, pairs[i][0], strlen(pairs[i][0]), &v, NULL, NULL),
                         0);
        assert_string_equal(v.text, pairs[i][1]);
    }
}

static void test_detect_and_helpers(void **state)
{
    UNUSED(state);
    struct ioc_value u, h, b, a;
    assert_int_equal(ioc_detect("d41d8cd98f00b204e9800998ecf8427e", 32), IOC_MD5);
    assert_int_equal(ioc_detect("3:abc:def", 9), IOC_SSDEEP);
    assert_int_equal(ioc_detect("hxxp://x[.]y", 12), IOC_URL);
    assert_int_equal(ioc_detect("a[at]b.c", 8), IOC_EMAIL);
    assert_int_equal(ioc_detect("fe80::1", 7), IOC_IPV6);
    assert_int_equal(ioc_detect("10.0.0.0/8", 10), IOC_IPV4);
    assert_int_equal(ioc_detect("deadbeef.example", 16), IOC_DOMAIN);
    assert_int_equal(ioc_detect("", 0), IOC_INVALID);
    assert_true(ioc_domain_covers("evil.example", 12, "a.evil.example", 14));
    assert_true(ioc_domain_covers("evil.example", 12, "evil.example", 12));
    assert_false(ioc_domain_covers("evil.example", 12, "notevil.example", 15));
    assert_false(ioc_domain_covers("a.evil.example", 14, "evil.example", 12));
    assert_int_equal(ioc_normalise(IOC_URL, "http://u@[2001:db8::1]:81/x", 27, &u, NULL, NULL), 0);
    assert_int_equal(ioc_url_host(&u, &h), 0);
    assert_int_equal(h.type, IOC_IPV6);
    assert_string_equal(h.text, "2001:db8::1");
    assert_int_equal(ioc_normalise(IOC_URL, "https://Sub.Evil.Example/", 25, &u, NULL, NULL), 0);
    assert_int_equal(ioc_url_host(&u, &h), 0);
    assert_string_equal(h.text, "sub.evil.example");
    assert_int_equal(ioc_url_host(&h, &u), -1);
    assert_int_equal(ioc_normalise(IOC_IPV4, "10.0.0.0/8", 10, &b, NULL, NULL), 0);
    assert_int_equal(ioc_normalise(IOC_IPV4, "10.255.0.1", 10, &a, NULL, NULL), 0);
    assert_true(ioc_ip_covers(&b, &a));
    assert_false(ioc_ip_covers(&a, &b));
    assert_int_equal(ioc_normalise_suffix("TEST.", 5, &a, NULL, NULL), 0);
    assert_string_equal(a.text, "test");
}

/* ---- the index ---- */

struct collect {
    char text[16][IOC_TEXT_MAX + 1];
    enum ioc_match_kind kind[16];
    size_t n, stop_after;
};

static int collect_fn(const struct ioc_match *m, void *arg)
{
    struct collect *c = arg;
    if (c->n < 16) {
        memcpy(c->text[c->n], m->text, m->len + 1);
        c->kind[c->n] = m->kind;
    }
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static bool found(const struct collect *c, const char *text, enum ioc_match_kind kind)
{
    for (size_t i = 0; i < c->n && i < 16; i++)
        if (!strcmp(c->text[i], text) && c->kind[i] == kind)
            return true;
    return false;
}

static int64_t q(struct ioc_index *ix, enum ioc_type t, const char *v, struct collect *c)
{
    memset(c, 0, sizeof(*c));
    return ioc_index_query(ix, t, v, strlen(v), collect_fn, c, NULL);
}

static void add(struct ioc_index *ix, enum ioc_type t, const char *v, uint64_t p)
{
    assert_int_equal(ioc_index_add(ix, t, v, strlen(v), p), IOC_INDEX_OK);
}

static void test_index_cidr(void **state)
{
    UNUSED(state);
    struct ioc_index *ix = ioc_index_new(7);
    struct collect *c = xmalloc(sizeof(*c));
    add(ix, IOC_IPV4, "0.0.0.0/0", 1);
    add(ix, IOC_IPV4, "10.0.0.0/8", 2);
    add(ix, IOC_IPV4, "10.1.0.0/16", 3);
    add(ix, IOC_IPV4, "10.1.2.3", 4);
    add(ix, IOC_IPV4, "10.1.2.0/24", 5);
    add(ix, IOC_IPV4, "192.0.2.1", 6);
    add(ix, IOC_IPV6, "::/0", 7);
    add(ix, IOC_IPV6, "2001:db8::/32", 8);
    add(ix, IOC_IPV6, "2001:db8::1", 9);
    /* an address finds itself and every block containing it, /0 included */
    assert_int_equal(q(ix, IOC_IPV4, "10.1.2.3", c), 5);
    assert_true(found(c, "10.1.2.3", IOC_MATCH_EXACT));
    assert_true(found(c, "10.1.2.0/24", IOC_MATCH_COVERS));
    assert_true(found(c, "10.1.0.0/16", IOC_MATCH_COVERS));
    assert_true(found(c, "10.0.0.0/8", IOC_MATCH_COVERS));
    assert_true(found(c, "0.0.0.0/0", IOC_MATCH_COVERS));
    assert_string_equal(c->text[0], "10.1.2.3"); /* exact first, then most specific */
    assert_string_equal(c->text[1], "10.1.2.0/24");
    assert_int_equal(q(ix, IOC_IPV4, "10.1.2.4", c), 4);
    assert_int_equal(q(ix, IOC_IPV4, "11.0.0.1", c), 1);
    /* a block finds the blocks around it and everything inside it */
    assert_int_equal(q(ix, IOC_IPV4, "10.1.0.0/16", c), 5);
    assert_true(found(c, "10.1.0.0/16", IOC_MATCH_EXACT));
    assert_true(found(c, "10.1.2.3", IOC_MATCH_INSIDE));
    assert_true(found(c, "10.1.2.0/24", IOC_MATCH_INSIDE));
    assert_int_equal(q(ix, IOC_IPV4, "0.0.0.0/0", c), 6);
    /* IPv6: /128 and /0 */
    assert_int_equal(q(ix, IOC_IPV6, "2001:db8::1", c), 3);
    assert_int_equal(q(ix, IOC_IPV6, "2001:db9::1", c), 1);
    assert_int_equal(q(ix, IOC_IPV6, "::/0", c), 3);
    /* IPv4 and IPv6 never meet */
    assert_int_equal(q(ix, IOC_IPV6, "::ffff:10.1.2.3", c), 1);
    /* counting without a callback, and stopping early */
    struct ioc_count cnt;
    assert_int_equal(ioc_index_query(ix, IOC_IPV4, "10.1.2.3", 8, NULL, NULL, &cnt), 5);
    assert_int_equal(cnt.indicators, 5);
    assert_int_equal(cnt.postings, 5);
    memset(c, 0, sizeof(*c));
    c->stop_after = 2;
    ioc_index_query(ix, IOC_IPV4, "10.1.2.3", 8, collect_fn, c, NULL);
    assert_int_equal(c->n, 2);
    /* a block with host bits is not a key */
    assert_int_equal(ioc_index_add(ix, IOC_IPV4, "10.1.2.3/8", 10, 1), IOC_INDEX_EINVAL);
    assert_int_equal(ioc_index_query(ix, IOC_IPV4, "10.1.2.3/8", 10, NULL, NULL, NULL),
                     IOC_INDEX_EINVAL);
    free(c);
    ioc_index_free(ix);
}

static void test_index_domains_and_exact(void **state)
{
    UNUSED(state);
    struct ioc_index *ix = ioc_index_new(7);
    struct collect *c = xmalloc(sizeof(*c));
    add(ix, IOC_DOMAIN, "evil.example", 1);
    add(ix, IOC_DOMAIN, "b.evil.example", 2);
    add(ix, IOC_DOMAIN, "other.example", 3);
    add(ix, IOC_URL, "http://evil.example/", 4);
    add(ix, IOC_SHA256, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", 5);
    assert_int_equal(q(ix, IOC_DOMAIN, "a.b.evil.example", c), 2);
    assert_true(found(c, "b.evil.example", IOC_MATCH_COVERS));
    assert_true(found(c, "evil.example", IOC_MATCH_COVERS));
    assert_int_equal(q(ix, IOC_DOMAIN, "evil.example", c), 1);
    assert_true(found(c, "evil.example", IOC_MATCH_EXACT));
    assert_int_equal(q(ix, IOC_DOMAIN, "notevil.example", c), 0);
    assert_int_equal(q(ix, IOC_DOMAIN, "example", c), 0);
    /* a URL and a domain with the same text are different indicators */
    assert_int_equal(q(ix, IOC_URL, "http://evil.example/", c), 1);
    assert_int_equal(q(ix, IOC_URL, "http://evil.example/x", c), 0);
    assert_int_equal(
        q(ix, IOC_SHA256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", c),
        1);
    assert_string_equal(c->text[0],
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(ioc_index_add(ix, IOC_SHA256, "abc", 3, 1), IOC_INDEX_EINVAL);
    /* postings: sorted, no duplicates, removed one by one */
    add(ix, IOC_DOMAIN, "evil.example", 9);
    add(ix, IOC_DOMAIN, "evil.example", 5);
    assert_int_equal(ioc_index_add(ix, IOC_DOMAIN, "evil.example", 12, 5), IOC_INDEX_EXISTS);
    struct ioc_count cnt;
    ioc_index_query(ix, IOC_DOMAIN, "evil.example", 12, NULL, NULL, &cnt);
    assert_int_equal(cnt.postings, 3);
    assert_int_equal(ioc_index_remove(ix, IOC_DOMAIN, "evil.example", 12, 1), IOC_INDEX_OK);
    assert_int_equal(ioc_index_remove(ix, IOC_DOMAIN, "evil.example", 12, 1), IOC_INDEX_NOTFOUND);
    assert_int_equal(ioc_index_remove(ix, IOC_DOMAIN, "evil.example", 12, 5), IOC_INDEX_OK);
    assert_int_equal(ioc_index_remove(ix, IOC_DOMAIN, "evil.example", 12, 9), IOC_INDEX_OK);
    assert_int_equal(q(ix, IOC_DOMAIN, "a.b.evil.example", c), 1);
    struct ioc_index_stats st;
    ioc_index_stats(ix, &st);
    assert_int_equal(st.indicators, 4);
    assert_int_equal(st.by_type[IOC_DOMAIN], 2);
    assert_true(st.bytes > 0 && st.garbage_bytes > strlen("evil.example"));
    free(c);
    ioc_index_free(ix);
}

/* ---- randomised cross-check against a brute-force scan ---- */

#define UNIVERSE 400

struct model {
    struct ioc_value *v; /* the universe of distinct values */
    size_t n;
    bool *has; /* [value * POSTS + posting] */
};

#define POSTS 5

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A small universe where containment and suffixes happen often. */
static void make_value(struct ioc_value *v, size_t i)
{
    char s[128];
    static const char *const words[] = {"a", "b", "evil", "notevil", "x"};
    switch (i % 5) {
    case 0:
        snprintf(s, sizeof(s), "10.%u.%u.%u/%u", (unsigned)(rnd() % 2), (unsigned)(rnd() % 3),
                 (unsigned)(rnd() % 4), (unsigned)(rnd() % 33));
        break;
    case 1:
        snprintf(s, sizeof(s), "2001:db8:%x::%x/%u", (unsigned)(rnd() % 2), (unsigned)(rnd() % 3),
                 (unsigned)(rnd() % 129));
        break;
    case 2:
        snprintf(s, sizeof(s), "%s.%s.example", words[rnd() % 5], words[rnd() % 5]);
        if (rnd() % 2)
            snprintf(s, sizeof(s), "%s.example", words[rnd() % 5]);
        break;
    case 3:
        snprintf(s, sizeof(s), "http://%s.example/%u", words[rnd() % 5], (unsigned)(rnd() % 3));
        break;
    default:
        snprintf(s, sizeof(s), "%032x", (unsigned)(rnd() % 7));
        break;
    }
    /* mask host bits the way an author would have to */
    enum ioc_type t = i % 5 == 0   ? IOC_IPV4
                      : i % 5 == 1 ? IOC_IPV6
                      : i % 5 == 2 ? IOC_DOMAIN
                      : i % 5 == 3 ? IOC_URL
                                   : IOC_MD5;
    if (ioc_normalise(t, s, strlen(s), v, NULL, NULL)) {
        struct ioc_value raw;
        char *slash = strchr(s, '/');
        if (t == IOC_URL || !slash)
            BUG("unexpected refusal of %s", s);
        *slash = '\0';
        BUG_ON(ioc_normalise(t, s, strlen(s), &raw, NULL, NULL));
        unsigned prefix = (unsigned)strtoul(slash + 1, NULL, 10);
        char net[64];
        uint8_t a[16];
        memcpy(a, raw.addr, 16);
        for (unsigned b = prefix; b < (t == IOC_IPV4 ? 32u : 128u); b++)
            a[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
        ioc_format_ip(t, a, prefix, net);
        BUG_ON(ioc_normalise(t, net, strlen(net), v, NULL, NULL));
    }
}

/* Whether stored value s matches query value qv, by the rules of ioc_index.h. */
static bool brute_match(const struct ioc_value *s, const struct ioc_value *qv)
{
    if (s->type != qv->type)
        return false;
    if (s->type == IOC_IPV4 || s->type == IOC_IPV6)
        return ioc_ip_covers(s, qv) || ioc_ip_covers(qv, s);
    if (s->type == IOC_DOMAIN)
        return ioc_domain_covers(s->text, s->len, qv->text, qv->len);
    return s->len == qv->len && !memcmp(s->text, qv->text, s->len);
}

static void brute_count(const struct model *m, const struct ioc_value *qv, struct ioc_count *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < m->n; i++) {
        size_t n = 0;
        for (size_t p = 0; p < POSTS; p++)
            n += m->has[i * POSTS + p];
        if (!n || !brute_match(&m->v[i], qv))
            continue;
        c->indicators++;
        c->postings += n;
    }
}

static void test_index_random_crosscheck(void **state)
{
    UNUSED(state);
    struct model m = {.v = xcalloc(UNIVERSE, sizeof(struct ioc_value)),
                      .has = xcalloc(UNIVERSE * POSTS, sizeof(bool))};
    struct ioc_index *ix = ioc_index_new(42);
    for (size_t i = 0; i < UNIVERSE; i++) { /* distinct values only */
        bool dup = false;
        make_value(&m.v[m.n], i);
        for (size_t j = 0; j < m.n && !dup; j++)
            dup = m.v[j].type == m.v[m.n].type && !strcmp(m.v[j].text, m.v[m.n].text);
        m.n += !dup;
    }
    assert_true(m.n > 150);
    for (int round = 0; round < 6000; round++) {
        size_t i = rnd() % m.n, p = rnd() % POSTS;
        struct ioc_value *v = &m.v[i];
        bool present = m.has[i * POSTS + p];
        if (rnd() % 3) {
            assert_int_equal(ioc_index_add(ix, v->type, v->text, v->len, p),
                             present ? IOC_INDEX_EXISTS : IOC_INDEX_OK);
            m.has[i * POSTS + p] = true;
        } else {
            assert_int_equal(ioc_index_remove(ix, v->type, v->text, v->len, p),
                             present ? IOC_INDEX_OK : IOC_INDEX_NOTFOUND);
            m.has[i * POSTS + p] = false;
        }
        if (round % 50)
            continue;
        /* every value of the universe as a query: the index agrees with the scan */
        for (size_t k = 0; k < m.n; k++) {
            struct ioc_count want, got;
            brute_count(&m, &m.v[k], &want);
            ioc_index_query(ix, m.v[k].type, m.v[k].text, m.v[k].len, NULL, NULL, &got);
            if (want.indicators != got.indicators || want.postings != got.postings)
                fail_msg("round %d, query %s: index %llu/%llu, scan %llu/%llu", round, m.v[k].text,
                         (unsigned long long)got.indicators, (unsigned long long)got.postings,
                         (unsigned long long)want.indicators, (unsigned long long)want.postings);
        }
    }
    /* a bulk build of what remains agrees with the incrementally maintained index */
    struct ioc_index_item *items = xcalloc(UNIVERSE * POSTS, sizeof(*items));
    size_t n = 0, rejected = 9;
    for (size_t i = 0; i < m.n; i++)
        for (size_t p = 0; p < POSTS; p++)
            if (m.has[i * POSTS + p])
                items[n++] = (struct ioc_index_item){m.v[i].type, m.v[i].text, m.v[i].len, p};
    struct ioc_index *rb = ioc_index_new(43);
    assert_int_equal(ioc_index_build(rb, items, n, &rejected), IOC_INDEX_OK);
    assert_int_equal(rejected, 0);
    struct ioc_index_stats s1, s2;
    ioc_index_stats(ix, &s1);
    ioc_index_stats(rb, &s2);
    assert_int_equal(s1.indicators, s2.indicators);
    assert_int_equal(s1.postings, s2.postings);
    for (size_t k = 0; k < m.n; k++) {
        struct ioc_count a, b;
        ioc_index_query(ix, m.v[k].type, m.v[k].text, m.v[k].len, NULL, NULL, &a);
        ioc_index_query(rb, m.v[k].type, m.v[k].text, m.v[k].len, NULL, NULL, &b);
        assert_int_equal(a.indicators, b.indicators);
        assert_int_equal(a.postings, b.postings);
    }
    /* the batched count agrees with the single queries */
    struct ioc_key *keys = xcalloc(m.n, sizeof(*keys));
    struct ioc_count *counts = xcalloc(m.n, sizeof(*counts));
    int64_t total = 0;
    for (size_t k = 0; k < m.n; k++)
        assert_int_equal(ioc_key_from_value(&keys[k], &m.v[k]), 0);
    int64_t sum = ioc_index_count_many(rb, keys, m.n, counts);
    for (size_t k = 0; k < m.n; k++) {
        struct ioc_count one;
        total += ioc_index_query_key(rb, &keys[k], NULL, NULL, &one);
        assert_int_equal(counts[k].indicators, one.indicators);
        assert_int_equal(counts[k].postings, one.postings);
    }
    assert_int_equal(sum, total);
    assert_true(total > 0);
    free(keys);
    free(counts);
    free(items);
    ioc_index_free(rb);
    ioc_index_free(ix);
    free(m.v);
    free(m.has);
}

/* ---- no key lost through adds, removals, table growth and a bulk build ----
 * What a lookup filter must never do (a false negative): the prefix bitmaps today, and any
 * filter in front of the tables that is rebuilt as the index grows (bench/README.md, "Second
 * pass", tried one: this test fails against it when its rebuild forgets a table). */

#define FAMILY 6000

/* Value i of a family with no containment between members: IPv4 hosts, IPv4 /24 and IPv6 /48
 * blocks, domains, SHA-1 hashes, URLs. sub receives a query that only a covering match finds
 * (an address in the block, a subdomain), or "" for the exact kinds. */
static enum ioc_type family(size_t i, char *s, char *sub)
{
    sub[0] = '\0';
    switch (i % 6) {
    case 0:
        snprintf(s, 64, "10.%zu.%zu.%zu", i >> 16 & 255, i >> 8 & 255, i & 255);
        return IOC_IPV4;
    case 1:
        snprintf(s, 64, "172.%zu.%zu.0/24", i >> 8 & 255, i & 255);
        snprintf(sub, 64, "172.%zu.%zu.9", i >> 8 & 255, i & 255);
        return IOC_IPV4;
    case 2:
        snprintf(s, 64, "2001:db8:%zx::/48", i);
        snprintf(sub, 64, "2001:db8:%zx:1::1", i);
        return IOC_IPV6;
    case 3:
        snprintf(s, 64, "d%zu.example", i);
        snprintf(sub, 64, "www.d%zu.example", i);
        return IOC_DOMAIN;
    case 4:
        snprintf(s, 64, "%040zx", i);
        return IOC_SHA1;
    default:
        snprintf(s, 64, "http://u%zu.example/x", i);
        return IOC_URL;
    }
}

/* Every member lo..hi-1 is found (exactly, and as the cover of its sub-query) when live(i), and
 * not otherwise; one at a time and batched. */
static void family_check(struct ioc_index *ix, size_t lo, size_t hi, bool (*live)(size_t))
{
    struct ioc_key *keys = xcalloc(2 * (hi - lo), sizeof(*keys));
    struct ioc_count *counts = xcalloc(2 * (hi - lo), sizeof(*counts));
    char(*text)[64] = xcalloc(2 * (hi - lo), 64);
    size_t nk = 0;
    for (size_t i = lo; i < hi; i++) {
        char *s = text[nk], *sub = text[nk + 1];
        enum ioc_type t = family(i, s, sub);
        int64_t want = live(i);
        if (ioc_index_query(ix, t, s, strlen(s), NULL, NULL, NULL) != want)
            fail_msg("%s: found %lld times, want %lld", s,
                     (long long)ioc_index_query(ix, t, s, strlen(s), NULL, NULL, NULL),
                     (long long)want);
        assert_int_equal(ioc_key_parse(&keys[nk++], t, s, strlen(s)), 0);
        if (!sub[0])
            continue;
        if (ioc_index_query(ix, t, sub, strlen(sub), NULL, NULL, NULL) != want)
            fail_msg("%s (covered by %s): count is not %lld", sub, s, (long long)want);
        assert_int_equal(ioc_key_parse(&keys[nk++], t, sub, strlen(sub)), 0);
    }
    ioc_index_count_many(ix, keys, nk, counts);
    for (size_t k = 0; k < nk; k++)
        assert_int_equal(counts[k].indicators, ioc_index_query_key(ix, &keys[k], NULL, NULL, NULL));
    free(keys);
    free(counts);
    free(text);
}

static bool all_live(size_t i)
{
    UNUSED(i);
    return true;
}

static bool not_third(size_t i) /* of the first FAMILY, removed below */
{
    return i >= FAMILY || i % 3 != 0;
}

static void family_add(struct ioc_index *ix, size_t i, uint64_t posting)
{
    char s[64], sub[64];
    enum ioc_type t = family(i, s, sub);
    assert_int_equal(ioc_index_add(ix, t, s, strlen(s), posting), IOC_INDEX_OK);
}

/* ---- ioc_index_query_many answers as one query at a time does ---- */

/* Each query's matches in order, folded into a hash (kind, text, postings of each match). */
struct trace {
    uint64_t *h;
    size_t stop_after; /* a non-zero return after this many matches of an odd query (0: never) */
    size_t *seen;
};

static uint64_t fold(uint64_t h, const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ ((const uint8_t *)p)[i]) * 0x100000001b3ULL; /* FNV-1a */
    return h;
}

static uint64_t trace_put(uint64_t h, const struct ioc_match *m)
{
    h = fold(h, &m->kind, sizeof(m->kind));
    h = fold(h, m->text, m->len + 1);
    return fold(h, m->postings, m->npostings * sizeof(*m->postings));
}

static int trace_nth(size_t q, const struct ioc_match *m, void *arg)
{
    struct trace *t = arg;
    t->h[q] = trace_put(t->h[q], m);
    return t->stop_after && q % 2 && ++t->seen[q] >= t->stop_after;
}

struct trace_one {
    uint64_t h;
    size_t stop_after, seen;
};

static int trace_one(const struct ioc_match *m, void *arg)
{
    struct trace_one *t = arg;
    t->h = trace_put(t->h, m);
    return t->stop_after && ++t->seen >= t->stop_after;
}

/* Queries of keys through ioc_index_query_many agree, match by match and in order, with
 * ioc_index_query_key (stopping after stop_after matches of odd queries when non-zero). */
static void many_check(const struct ioc_index *ix, const struct ioc_key *keys, size_t n,
                       size_t stop_after)
{
    struct trace t = {.h = xcalloc(n + 1, sizeof(uint64_t)),
                      .stop_after = stop_after,
                      .seen = xcalloc(n + 1, sizeof(size_t))};
    struct ioc_count *counts = xcalloc(n + 1, sizeof(*counts));
    int64_t total = ioc_index_query_many(ix, keys, n, trace_nth, &t, counts), want_total = 0;
    for (size_t q = 0; q < n; q++) {
        struct trace_one o = {.stop_after = q % 2 ? stop_after : 0};
        struct ioc_count c = {0};
        int64_t r = ioc_index_query_key(ix, &keys[q], trace_one, &o, &c);
        want_total += r > 0 ? r : 0; /* an invalid key: EINVAL one at a time, nothing in many */
        if (o.h != t.h[q])
            fail_msg("query %zu of %zu: the matches differ from one at a time", q, n);
        assert_int_equal(counts[q].indicators, c.indicators);
        assert_int_equal(counts[q].postings, c.postings);
    }
    assert_int_equal(total, want_total);
    free(t.h);
    free(t.seen);
    free(counts);
}

static void test_index_query_many(void **state)
{
    UNUSED(state);
    struct ioc_index *ix = ioc_index_new(7);
    char s[64], sub[64];
    size_t nk = 0, fam = 600;
    struct ioc_key *keys = xcalloc(2 * fam + 2, sizeof(*keys));
    char(*text)[64] = xcalloc(2 * fam + 2, 64);
    for (size_t i = 0; i < fam; i++) { /* each member under two postings, half also under a third */
        enum ioc_type t = family(i, s, sub);
        assert_int_equal(ioc_index_add(ix, t, s, strlen(s), i), IOC_INDEX_OK);
        assert_int_equal(ioc_index_add(ix, t, s, strlen(s), 100000 + i), IOC_INDEX_OK);
        if (i % 2)
            assert_int_equal(ioc_index_add(ix, t, s, strlen(s), 200000 + i), IOC_INDEX_OK);
    }
    /* covering blocks and parent domains, so that queries have several matches */
    assert_int_equal(ioc_index_add(ix, IOC_IPV4, "172.0.0.0/8", 11, 7), IOC_INDEX_OK);
    assert_int_equal(ioc_index_add(ix, IOC_IPV4, "10.0.0.0/8", 10, 8), IOC_INDEX_OK);
    assert_int_equal(ioc_index_add(ix, IOC_DOMAIN, "example", 7, 9), IOC_INDEX_OK);
    assert_int_equal(ioc_index_add(ix, IOC_IPV6, "2001:db8::/32", 13, 10), IOC_INDEX_OK);
    for (size_t i = 0; i < fam + 40; i++) { /* 40 members never added: misses */
        enum ioc_type t = family(i, text[nk], text[nk + 1]);
        assert_int_equal(ioc_key_parse(&keys[nk], t, text[nk], strlen(text[nk])), 0);
        nk++;
        if (text[nk][0] && nk < 2 * fam) {
            assert_int_equal(ioc_key_parse(&keys[nk], t, text[nk], strlen(text[nk])), 0);
            nk++;
        }
        if (nk >= 2 * fam)
            break;
    }
    keys[3] = (struct ioc_key){.type = IOC__COUNT}; /* a key that matches nothing */
    assert_int_equal(ioc_key_parse(&keys[5], IOC_IPV4, "172.0.0.0/8", 11), 0); /* inside */
    size_t sizes[] = {0, 1, 2, 11, 12, 13, 14, 25, 64, nk};
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
        for (size_t start = 0; start + sizes[i] <= nk; start += sizes[i] ? sizes[i] * 7 : nk + 1) {
            many_check(ix, keys + start, sizes[i], 0);
            many_check(ix, keys + start, sizes[i], 1); /* odd queries stop after one match */
        }
    free(keys);
    free(text);
    ioc_index_free(ix);

    /* hosts only: a block query probes no shorter length, yet finds the hosts inside it */
    struct ioc_index *hosts = ioc_index_new(8);
    struct ioc_key blocks[2];
    assert_int_equal(ioc_index_add(hosts, IOC_IPV4, "198.51.100.7", 12, 1), IOC_INDEX_OK);
    assert_int_equal(ioc_index_add(hosts, IOC_IPV4, "198.51.100.9", 12, 2), IOC_INDEX_OK);
    assert_int_equal(ioc_key_parse(&blocks[0], IOC_IPV4, "198.51.100.0/24", 15), 0);
    assert_int_equal(ioc_key_parse(&blocks[1], IOC_IPV4, "198.51.0.0/16", 13), 0);
    assert_int_equal(ioc_index_query_key(hosts, &blocks[0], NULL, NULL, NULL), 2);
    many_check(hosts, blocks, 2, 0);
    ioc_index_free(hosts);
}

static void test_index_filter_no_false_negative(void **state)
{
    UNUSED(state);
    char s[64], sub[64];
    struct ioc_index *ix = ioc_index_new(11);
    /* one at a time: tables (and a filter) start small and grow several times */
    for (size_t i = 0; i < FAMILY; i++) {
        family_add(ix, i, i);
        if (i % 1500 == 1499)
            family_check(ix, 0, i + 1, all_live);
    }
    /* removals leave their bits; what stays must still be found */
    for (size_t i = 0; i < FAMILY; i += 3) {
        enum ioc_type t = family(i, s, sub);
        assert_int_equal(ioc_index_remove(ix, t, s, strlen(s), i), IOC_INDEX_OK);
    }
    family_check(ix, 0, FAMILY, not_third);
    /* more keys (a filter rebuilt without the removed ones), then the removed ones back */
    for (size_t i = FAMILY; i < 2 * FAMILY; i++)
        family_add(ix, i, i);
    family_check(ix, 0, 2 * FAMILY, not_third);
    for (size_t i = 0; i < FAMILY; i += 3)
        family_add(ix, i, 7);
    family_check(ix, 0, 2 * FAMILY, all_live);
    ioc_index_free(ix);

    /* a bulk build sizes everything once; adds beyond it grow it again */
    struct ioc_index_item *items = xcalloc(FAMILY, sizeof(*items));
    char(*text)[64] = xcalloc(FAMILY, 64);
    for (size_t i = 0; i < FAMILY; i++) {
        enum ioc_type t = family(i, text[i], sub);
        items[i] = (struct ioc_index_item){t, text[i], strlen(text[i]), i};
    }
    ix = ioc_index_new(12);
    assert_int_equal(ioc_index_build(ix, items, FAMILY, NULL), IOC_INDEX_OK);
    family_check(ix, 0, FAMILY, all_live);
    for (size_t i = FAMILY; i < 2 * FAMILY; i++)
        family_add(ix, i, i);
    family_check(ix, 0, 2 * FAMILY, all_live);
    ioc_index_free(ix);
    free(items);
    free(text);
}

/* ---- the slots of the fixed-size kinds against a reference ----
 * Hashes and addresses keep their key and postings in the slot (docs/sharing.md §3): every
 * match, with its text, kind and postings, must equal a brute-force scan through growth, removals
 * (which shift later slots back), a bulk build and emptying the index. */

#define SLOT_UNIVERSE 2400
#define SLOT_POSTS 3

/* A random masked address of type t under base (IPv4 10.0.0.0/14, IPv6 2001:db8::/46), in
 * canonical text: blocks and hosts that often contain each other. */
static void slot_addr(enum ioc_type t, char *s)
{
    uint8_t a[16] = {0};
    unsigned bits = t == IOC_IPV4 ? 32 : 128, prefix;
    if (t == IOC_IPV4) {
        a[0] = 10;
        a[2] = (uint8_t)(rnd() % 4);
        a[3] = (uint8_t)rnd();
        prefix = rnd() % 3 ? 32 : 8 + (unsigned)(rnd() % 25);
    } else {
        a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
        a[5] = (uint8_t)(rnd() % 4);
        a[15] = (uint8_t)rnd();
        a[7] = (uint8_t)rnd();
        prefix = rnd() % 3 ? 128 : 32 + (unsigned)(rnd() % 97);
    }
    for (unsigned b = prefix; b < bits; b++)
        a[b / 8] &= (uint8_t) ~(0x80 >> (b % 8));
    ioc_format_ip(t, a, prefix, s);
}

static enum ioc_type slot_value(size_t i, char *s)
{
    switch (i % 5) {
    case 0:
        slot_addr(IOC_IPV4, s);
        return IOC_IPV4;
    case 1:
        slot_addr(IOC_IPV6, s);
        return IOC_IPV6;
    case 2:
        snprintf(s, 128, "%016llx%016llx", (unsigned long long)rnd(), (unsigned long long)rnd());
        return IOC_MD5;
    case 3: /* the first 16 bytes shared: only the whole key tells them apart */
        snprintf(s, 128, "0123456789abcdef0123456789abcdef%08x", (unsigned)(rnd() % 4096));
        return IOC_SHA1;
    default:
        snprintf(s, 128, "%s%04x", "fedcba9876543210fedcba9876543210fedcba9876543210fedcba987654",
                 (unsigned)(rnd() % 4096));
        return IOC_SHA256;
    }
}

static uint64_t fnv(const char *s, size_t n, uint64_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
    return h;
}

/* A digest of one match: type, text, kind and postings in order; summed over a query's. */
static uint64_t match_digest(enum ioc_type t, const char *text, size_t len,
                             enum ioc_match_kind kind, const uint64_t *p, size_t np)
{
    uint64_t h = fnv(text, len, 0xcbf29ce484222325ULL ^ (uint64_t)t << 8 ^ (uint64_t)kind);
    for (size_t i = 0; i < np; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h ^ h >> 31;
}

struct digest {
    uint64_t sum, n;
};

static int digest_fn(const struct ioc_match *m, void *arg)
{
    struct digest *d = arg;
    assert_int_equal(strlen(m->text), m->len);
    for (size_t i = 1; i < m->npostings; i++)
        assert_true(m->postings[i - 1] < m->postings[i]);
    d->sum += match_digest(m->type, m->text, m->len, m->kind, m->postings, m->npostings);
    d->n++;
    return 0;
}

static struct digest slot_brute(const struct model *m, const struct ioc_value *q)
{
    struct digest d = {0};
    for (size_t i = 0; i < m->n; i++) {
        const struct ioc_value *s = &m->v[i];
        uint64_t p[SLOT_POSTS];
        size_t np = 0;
        for (size_t k = 0; k < SLOT_POSTS; k++)
            if (m->has[i * SLOT_POSTS + k])
                p[np++] = k;
        if (!np || !brute_match(s, q))
            continue;
        enum ioc_match_kind kind =
            !strcmp(s->text, q->text) ? IOC_MATCH_EXACT
            : (s->type == IOC_IPV4 || s->type == IOC_IPV6) && ioc_ip_covers(s, q)
                ? IOC_MATCH_COVERS
                : IOC_MATCH_INSIDE;
        d.sum += match_digest(s->type, s->text, s->len, kind, p, np);
        d.n++;
    }
    return d;
}

static void slot_check(struct ioc_index *ix, const struct model *m, const char *when)
{
    for (size_t k = 0; k < m->n; k++) {
        struct digest want = slot_brute(m, &m->v[k]), got = {0};
        int64_t n =
            ioc_index_query(ix, m->v[k].type, m->v[k].text, m->v[k].len, digest_fn, &got, NULL);
        if (n != (int64_t)want.n || got.n != want.n || got.sum != want.sum)
            fail_msg("%s, query %s: %lld matches (digest %llx), the scan %llu (%llx)", when,
                     m->v[k].text, (long long)n, (unsigned long long)got.sum,
                     (unsigned long long)want.n, (unsigned long long)want.sum);
    }
}

static void test_index_slots_match_reference(void **state)
{
    UNUSED(state);
    struct model m = {.v = xcalloc(SLOT_UNIVERSE, sizeof(struct ioc_value)),
                      .has = xcalloc(SLOT_UNIVERSE * SLOT_POSTS, sizeof(bool))};
    char s[128], when[64];
    for (size_t i = 0; i < SLOT_UNIVERSE; i++) {
        enum ioc_type t = slot_value(i, s);
        bool dup = false;
        if (ioc_normalise(t, s, strlen(s), &m.v[m.n], NULL, NULL))
            fail_msg("%s is not canonical", s);
        for (size_t j = 0; j < m.n && !dup; j++)
            dup = m.v[j].type == t && !strcmp(m.v[j].text, m.v[m.n].text);
        m.n += !dup;
    }
    assert_true(m.n > 2000);
    struct ioc_index *ix = ioc_index_new(99);
    /* adds from empty grow every table several times; a third of the operations remove */
    for (int round = 1; round <= 24000; round++) {
        size_t i = rnd() % m.n, p = rnd() % SLOT_POSTS;
        struct ioc_value *v = &m.v[i];
        bool present = m.has[i * SLOT_POSTS + p], add = rnd() % 3 != 0;
        int r = add ? ioc_index_add(ix, v->type, v->text, v->len, p)
                    : ioc_index_remove(ix, v->type, v->text, v->len, p);
        assert_int_equal(r, add ? (present ? IOC_INDEX_EXISTS : IOC_INDEX_OK)
                                : (present ? IOC_INDEX_OK : IOC_INDEX_NOTFOUND));
        m.has[i * SLOT_POSTS + p] = add;
        if (round % 6000 == 0) {
            snprintf(when, sizeof(when), "after %d adds and removals", round);
            slot_check(ix, &m, when);
        }
    }
    /* a bulk build of what is left gives the same answers */
    struct ioc_index_item *items = xcalloc(SLOT_UNIVERSE * SLOT_POSTS, sizeof(*items));
    size_t n = 0;
    for (size_t i = 0; i < m.n; i++)
        for (size_t p = 0; p < SLOT_POSTS; p++)
            if (m.has[i * SLOT_POSTS + p])
                items[n++] = (struct ioc_index_item){m.v[i].type, m.v[i].text, m.v[i].len, p};
    struct ioc_index *rb = ioc_index_new(100);
    assert_int_equal(ioc_index_build(rb, items, n, NULL), IOC_INDEX_OK);
    slot_check(rb, &m, "bulk build");
    /* emptied one posting at a time: nothing is left to find */
    for (size_t i = 0; i < m.n; i++)
        for (size_t p = 0; p < SLOT_POSTS; p++)
            if (m.has[i * SLOT_POSTS + p]) {
                assert_int_equal(ioc_index_remove(ix, m.v[i].type, m.v[i].text, m.v[i].len, p),
                                 IOC_INDEX_OK);
                m.has[i * SLOT_POSTS + p] = false;
            }
    struct ioc_index_stats st;
    ioc_index_stats(ix, &st);
    assert_int_equal(st.indicators, 0);
    assert_int_equal(st.postings, 0);
    slot_check(ix, &m, "emptied");
    free(items);
    ioc_index_free(rb);
    ioc_index_free(ix);
    free(m.v);
    free(m.has);
}

/* A domain of 200 labels (the most ioc_key_parse takes) with a stored indicator at every depth:
 * 200 probes for one query, all of them matches. */
static void test_index_deepest_domain(void **state)
{
    UNUSED(state);
    char name[512];
    size_t len = 0;
    struct ioc_index *ix = ioc_index_new(5);
    for (int depth = 1; depth <= 200; depth++) { /* "a", "a.a", …: each a parent of the next */
        len += (size_t)snprintf(name + len, sizeof(name) - len, depth == 1 ? "a" : ".a");
        assert_int_equal(ioc_index_add(ix, IOC_DOMAIN, name, len, (uint64_t)depth), IOC_INDEX_OK);
    }
    struct ioc_count c;
    assert_int_equal(ioc_index_query(ix, IOC_DOMAIN, name, len, NULL, NULL, &c), 200);
    assert_int_equal(c.postings, 200);
    len += (size_t)snprintf(name + len, sizeof(name) - len, ".a");
    assert_int_equal(ioc_index_add(ix, IOC_DOMAIN, name, len, 1), IOC_INDEX_EINVAL);
    ioc_index_free(ix);
}

/* ---- one writer, several readers ---- */

struct shared {
    struct ioc_index *ix;
    int failures;
};

/* A reader: the stable indicators are always found, whatever the writer is doing (resizes,
 * removals, bucket moves). */
static void *reader(void *arg)
{
    struct shared *sh = arg;
    for (int round = 0; round < 3000; round++) {
        struct ioc_count c;
        if (ioc_index_query(sh->ix, IOC_IPV4, "198.51.100.7", 12, NULL, NULL, &c) != 2 ||
            ioc_index_query(sh->ix, IOC_DOMAIN, "a.stable.example", 16, NULL, NULL, NULL) != 1 ||
            ioc_index_query(sh->ix, IOC_IPV4, "198.51.0.0/16", 13, NULL, NULL, NULL) < 2)
            __atomic_add_fetch(&sh->failures, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_index_concurrent(void **state)
{
    UNUSED(state);
    struct shared sh = {.ix = ioc_index_new(3)};
    pthread_t th[3];
    char v[64];
    add(sh.ix, IOC_IPV4, "198.51.100.7", 1);
    add(sh.ix, IOC_IPV4, "198.51.100.0/24", 2);
    add(sh.ix, IOC_DOMAIN, "stable.example", 3);
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &sh), 0);
    for (unsigned i = 0; i < 20000; i++) { /* the writer: grows and shrinks every table */
        snprintf(v, sizeof(v), "198.51.%u.%u", (i / 256) % 256, i % 256);
        if (strcmp(v, "198.51.100.7"))
            ioc_index_add(sh.ix, IOC_IPV4, v, strlen(v), 100 + i);
        snprintf(v, sizeof(v), "h%u.churn.example", i);
        ioc_index_add(sh.ix, IOC_DOMAIN, v, strlen(v), i);
        if (i >= 1000) {
            snprintf(v, sizeof(v), "h%u.churn.example", i - 1000);
            assert_int_equal(ioc_index_remove(sh.ix, IOC_DOMAIN, v, strlen(v), i - 1000),
                             IOC_INDEX_OK);
        }
    }
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(sh.failures, 0);
    ioc_index_free(sh.ix);
}

/* ---- warninglists ---- */

static const char *warn_dir(char *buf, size_t n)
{
    snprintf(buf, n, "%s/data/sharing/warninglists", unit_source_root());
    return buf;
}

static size_t on_lists(const struct ioc_warnlists *w, enum ioc_type t, const char *s,
                       const char **first)
{
    struct ioc_value v;
    const struct ioc_warnlist *hits[4];
    BUG_ON(ioc_normalise(t, s, strlen(s), &v, NULL, NULL));
    size_t n = ioc_warnlists_match(w, &v, hits, 4);
    *first = n ? hits[0]->id : NULL;
    return n;
}

static void test_warnlists_shipped(void **state)
{
    UNUSED(state);
    char dir[512];
    struct diag_list d;
    struct ioc_warnlists *w = ioc_warnlists_new();
    const char *id;
    diag_list_init(&d);
    int n = ioc_warnlists_load_dir(w, warn_dir(dir, sizeof(dir)), &d);
    if (n < 0)
        diag_list_print(&d, stderr, false);
    assert_true(n >= 6);
    assert_int_equal(d.n, 0);
    assert_int_equal(on_lists(w, IOC_IPV4, "10.20.30.40", &id), 1);
    assert_string_equal(id, "private-addresses");
    assert_int_equal(on_lists(w, IOC_IPV4, "10.20.0.0/16", &id), 1); /* a block inside */
    assert_int_equal(on_lists(w, IOC_IPV4, "8.0.0.0/8", &id), 0);    /* a block around */
    assert_int_equal(on_lists(w, IOC_IPV4, "8.8.8.8", &id), 1);
    assert_string_equal(id, "public-dns-resolvers");
    assert_int_equal(on_lists(w, IOC_IPV4, "8.8.8.9", &id), 0);
    assert_int_equal(on_lists(w, IOC_IPV6, "2001:db8:1::5", &id), 1);
    assert_string_equal(id, "documentation-addresses");
    assert_int_equal(on_lists(w, IOC_DOMAIN, "www.example.com", &id), 1);
    assert_string_equal(id, "reserved-domains");
    assert_int_equal(on_lists(w, IOC_DOMAIN, "foo.test", &id), 1);
    assert_int_equal(on_lists(w, IOC_DOMAIN, "notexample.com", &id), 0);
    assert_int_equal(on_lists(w, IOC_DOMAIN, "amazonaws.com", &id), 1);
    assert_string_equal(id, "cloud-service-apex-domains");
    assert_int_equal(on_lists(w, IOC_DOMAIN, "evil.s3.amazonaws.com", &id), 0); /* exact only */
    assert_int_equal(on_lists(w, IOC_URL, "hxxp://192.168.1.1/admin", &id), 1); /* by its host */
    assert_int_equal(on_lists(w, IOC_URL, "https://evil.example/", &id),
                     1); /* .example: RFC 2606 */
    assert_int_equal(on_lists(w, IOC_URL, "https://203.0.114.1/", &id), 0);
    assert_int_equal(on_lists(w, IOC_EMAIL, "a@example.com", &id), 0); /* e-mail: exact only */
    diag_list_release(&d);
    ioc_warnlists_free(w);
}

static size_t add_text(struct ioc_warnlists *w, const char *text, struct verr_list *errs)
{
    json_error_t je;
    json_t *doc = json_loads(text, 0, &je);
    BUG_ON(!doc);
    verr_list_release(errs);
    ioc_warnlists_add_json(w, doc, errs);
    json_decref(doc);
    return errs->n;
}

static bool has_code(const struct verr_list *l, const char *ptr, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].pointer, ptr) && !strcmp(l->v[i].code, code))
            return true;
    return false;
}

#define WL(type, values)                                                                           \
    "{\"format\":\"ichigen-warninglist/1\",\"id\":\"t\",\"name\":{\"ja\":\"t\",\"en\":\"t\"},"     \
    "\"description\":{\"ja\":\"d\",\"en\":\"d\"},\"type\":\"" type "\","                           \
    "\"sources\":[\"https://www.rfc-editor.org/rfc/rfc5737\"],\"values\":[" values "]}"

static void test_warnlists_errors(void **state)
{
    UNUSED(state);
    struct ioc_warnlists *w = ioc_warnlists_new();
    struct verr_list errs;
    verr_list_init(&errs, 50);
    /* every bad value reported, each at its pointer */
    assert_int_equal(
        add_text(w, WL("cidr", "\"10.1.0.0/8\",\"300.1.1.1\",\"192.0.2.0/24\",\"192.0.2.0/24\""),
                 &errs),
        3);
    assert_true(has_code(&errs, "/values/0", "ioc_host_bits"));
    assert_true(has_code(&errs, "/values/1", "ioc_ipv4"));
    assert_true(has_code(&errs, "/values/3", "duplicate_value"));
    assert_int_equal(ioc_warnlists_count(w), 0);
    assert_true(add_text(w, WL("hostname", "\"ex ample\""), &errs) >= 1);
    assert_true(has_code(&errs, "/values/0", "ioc_control"));
    /* structure: the schema engine's codes */
    assert_true(
        add_text(w, "{\"format\":\"x\",\"type\":\"regex\",\"values\":[],\"extra\":1}", &errs) >= 5);
    assert_true(has_code(&errs, "/format", "enum"));
    assert_true(has_code(&errs, "/extra", "unknown_field"));
    /* a good list, then the same id again */
    assert_int_equal(add_text(w, WL("string", "\"Evil[.]Example\",\"8.8.8.8\""), &errs), 0);
    assert_int_equal(ioc_warnlists_count(w), 1);
    assert_int_equal(add_text(w, WL("string", "\"x.example\""), &errs), 1);
    assert_true(has_code(&errs, "/id", "duplicate_id"));
    assert_int_equal(ioc_warnlists_count(w), 1);
    verr_list_release(&errs);
    ioc_warnlists_free(w);
}

static void test_warnlists_load_dir_errors(void **state)
{
    UNUSED(state);
    char dir[64], path[128];
    struct diag_list d;
    struct ioc_warnlists *w = ioc_warnlists_new();
    const char good[] = WL("cidr", "\"192.0.2.0/24\"");
    const char bad[] = "{\"format\": \"ichigen-warninglist/1\",\n \"id\": 5}";
    assert_int_equal(unit_tmpdir(dir, "warn"), 0);
    snprintf(path, sizeof(path), "%s/a.json", dir);
    assert_int_equal(unit_write_file(path, good, strlen(good)), 0);
    snprintf(path, sizeof(path), "%s/b.json", dir);
    assert_int_equal(unit_write_file(path, bad, strlen(bad)), 0);
    snprintf(path, sizeof(path), "%s/c.json", dir);
    assert_int_equal(unit_write_file(path, "{", 1), 0);
    diag_list_init(&d);
    assert_int_equal(ioc_warnlists_load_dir(w, dir, &d), -1);
    assert_int_equal(ioc_warnlists_count(w), 1); /* the good file is loaded */
    bool at_line2 = false, syntax = false;
    for (size_t i = 0; i < d.n; i++) {
        at_line2 |=
            strstr(d.v[i].file, "b.json") && d.v[i].line == 2 && !strcmp(d.v[i].pointer, "/id");
        syntax |= strstr(d.v[i].file, "c.json") && !strcmp(d.v[i].code, "json_syntax");
    }
    assert_true(at_line2);
    assert_true(syntax);
    diag_list_release(&d);
    diag_list_init(&d);
    assert_int_equal(ioc_warnlists_load_dir(w, "/nonexistent/warninglists", &d), -1);
    assert_int_equal(d.n, 1);
    diag_list_release(&d);
    unit_rmtree(dir);
    ioc_warnlists_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalise_table),
        cmocka_unit_test(test_normalise_gathers_all),
        cmocka_unit_test(test_ipv6_canonical),
        cmocka_unit_test(test_detect_and_helpers),
        cmocka_unit_test(test_index_cidr),
        cmocka_unit_test(test_index_domains_and_exact),
        cmocka_unit_test(test_index_random_crosscheck),
        cmocka_unit_test(test_index_filter_no_false_negative),
        cmocka_unit_test(test_index_query_many),
        cmocka_unit_test(test_index_slots_match_reference),
        cmocka_unit_test(test_index_deepest_domain),
        cmocka_unit_test(test_index_concurrent),
        cmocka_unit_test(test_warnlists_shipped),
        cmocka_unit_test(test_warnlists_errors),
        cmocka_unit_test(test_warnlists_load_dir_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
