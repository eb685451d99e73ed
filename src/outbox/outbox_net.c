/*
 * outbox_net.c — where a webhook may go (outbox.h). An endpoint is configuration, but a
 * mistaken or malicious one must not turn the delivery worker into a way to reach the
 * operator's internal network (server-side request forgery): the worker checks every address
 * it is about to connect to — after DNS resolution, so a name that resolves to 10.0.0.1 or
 * 169.254.169.254 (cloud metadata) is refused too — and never follows redirects.
 * Ranges: RFC 6890 special-purpose registries (IPv4 and IPv6).
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "outbox.h"

static bool in4(uint32_t a, uint32_t net, int bits)
{
    uint32_t mask = bits ? ~0u << (32 - bits) : 0;
    return (a & mask) == (net & mask);
}

static bool v4_allowed(uint32_t a, const struct outbox_net_policy *p)
{
    if (in4(a, 0x7f000000, 8)) /* 127/8 loopback */
        return p->allow_http_loopback;
    bool private_ = in4(a, 0x0a000000, 8) || in4(a, 0xac100000, 12) || /* 10/8, 172.16/12 */
                    in4(a, 0xc0a80000, 16) ||                          /* 192.168/16 */
                    in4(a, 0x64400000, 10) ||                          /* 100.64/10 CGNAT */
                    in4(a, 0xa9fe0000, 16);                            /* 169.254/16 link-local */
    if (private_)
        return p->allow_private;
    return !(in4(a, 0, 8) ||           /* 0/8 "this network" */
             in4(a, 0xc0000000, 24) || /* 192.0.0/24 IETF protocol assignments */
             in4(a, 0xc0000200, 24) || in4(a, 0xc6336400, 24) ||
             in4(a, 0xcb007100, 24) || /* documentation ranges */
             in4(a, 0xc6120000, 15) || /* 198.18/15 benchmarking */
             in4(a, 0xe0000000, 4) ||  /* 224/4 multicast */
             in4(a, 0xf0000000, 4));   /* 240/4 reserved, broadcast */
}

static bool v6_allowed(const unsigned char *b, const struct outbox_net_policy *p)
{
    static const unsigned char loop[16] = {[15] = 1}, any[16] = {0};
    static const unsigned char mapped[12] = {[10] = 0xff, [11] = 0xff};
    if (!memcmp(b, mapped, 12)) /* ::ffff:a.b.c.d — judge the IPv4 address */
        return v4_allowed((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                              b[15],
                          p);
    if (!memcmp(b, loop, 16))
        return p->allow_http_loopback;
    if (!memcmp(b, any, 16) || b[0] == 0xff) /* unspecified, multicast */
        return false;
    if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)) /* fc00::/7, fe80::/10 */
        return p->allow_private;
    return !(b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8); /* 2001:db8::/32 */
}

bool outbox_addr_allowed(const struct sockaddr *sa, const struct outbox_net_policy *p)
{
    if (sa->sa_family == AF_INET)
        return v4_allowed(ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr), p);
    if (sa->sa_family == AF_INET6)
        return v6_allowed(((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr, p);
    return false;
}

static bool loopback_host(const char *h, size_t n)
{
    return (n == 9 && !memcmp(h, "localhost", 9)) || (n == 9 && !memcmp(h, "127.0.0.1", 9)) ||
           (n == 5 && !memcmp(h, "[::1]", 5));
}

int outbox_url_check(const char *url, const struct outbox_net_policy *p, struct err *e)
{
    size_t len = strlen(url);
    const char *host;
    if (len > 2048)
        return err_set(e, -1, "the endpoint is longer than 2048 characters");
    if (!strncmp(url, "https://", 8))
        host = url + 8;
    else if (!strncmp(url, "http://", 7))
        host = url + 7;
    else
        return err_set(e, -1, "the endpoint must be an https:// URL");
    size_t hl = strcspn(host, "/?#");
    if (memchr(host, '@', hl))
        return err_set(e, -1, "the endpoint must not carry user information (user@host)");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)url[i] <= 0x20 || url[i] == 0x7f)
            return err_set(e, -1, "the endpoint has spaces or control characters");
    const char *port = NULL;
    size_t name_len = hl;
    if (host[0] == '[') {
        const char *close = memchr(host, ']', hl);
        if (!close)
            return err_set(e, -1, "the endpoint's IPv6 address is not closed with ]");
        name_len = (size_t)(close - host) + 1;
    } else if ((port = memchr(host, ':', hl))) {
        name_len = (size_t)(port - host);
    }
    if (name_len == 0)
        return err_set(e, -1, "the endpoint has no host");
    if (url[4] == ':' && !(p->allow_http_loopback && loopback_host(host, name_len)))
        return err_set(e, -1, "plain http:// is allowed only to the loopback address, and only "
                             "when delivery_allow_http_loopback is set (tests)");
    return 0;
}
