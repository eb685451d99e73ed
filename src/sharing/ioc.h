/*
 * ioc.h — indicator values: classification, normalisation to one canonical text, refanging of
 * defanged notation, and the two matching rules the correlation index and the warninglists
 * share (a domain covers its subdomains; a CIDR block covers the addresses inside it).
 *
 * What it is: pure code (no I/O, no clock, no allocation beyond the caller's verr_list), for
 * values that come from imports (STIX, MISP), advisories and extraction from reports' IoC
 * fields (issue 13 item 3). What it is not: the report validator, which deliberately refuses
 * defanged values in a report (src/schema/schema_format.c, schema_indicator_check): a person
 * filing a report is asked to write values as they are, while imported feeds and advisories
 * arrive defanged and must be accepted. Who may call it: anyone; every function is reentrant.
 *
 * Canonical forms (docs/sharing.md §3 lists them with examples):
 *   ipv4    dotted quad, no leading zeros; a block as "a.b.c.d/n" with n < 32 and the host
 *           bits zero (a block with host bits set is refused, and the message names the block
 *           it probably meant); "/32" is written as the bare address.
 *   ipv6    RFC 5952 §4 (lower-case hex, no leading zeros, "::" for the longest run of two or
 *           more zero fields, the first one on a tie) and §5 (IPv4-mapped ::ffff:0:0/96 in
 *           dotted form); blocks as for ipv4, "/128" written bare; zone ids ("%eth0") refused.
 *   domain  lower-case ASCII, the trailing root dot removed, at least two labels, LDH labels
 *           (plus '_', which real DNS names carry) of 1–63 characters without a leading or
 *           trailing hyphen, at most 253 characters, last label not all digits (RFC 3696 §2);
 *           internationalised names only in A-label form ("xn--", checked to decode as
 *           RFC 3492 Punycode); any other non-ASCII byte is refused (RFC 5891 §4: we do not
 *           map U-labels, so what we store is what DNS resolves).
 *   url     scheme "://" authority [path ...]: the scheme and the host lower-cased, the host
 *           normalised as a domain or an IP address (IPv6 in brackets), an empty port and the
 *           scheme's default port removed (RFC 3986 §6.2.3: http 80, https 443, ftp 21, ws 80,
 *           wss 443), an empty path written "/" for http(s); user information, path, query
 *           and fragment kept byte for byte.
 *   email   local@domain: the local part kept as is (RFC 5321 §2.4: it is case-sensitive),
 *           the domain normalised as a domain.
 *   md5, sha1, sha256   32, 40 or 64 hexadecimal digits, lower-cased.
 *   ssdeep  "blocksize:hash:hash" (blocksize 3·2^k, hashes of base64 characters, at most 64
 *           and 32), kept as is.
 * Before that, leading and trailing white space is removed and defanged notation refanged
 * (the exact forms: IOC_DEFANG_FORMS below and docs/sharing.md §3). Other white space or
 * control characters inside a value are refused.
 */
#ifndef SHARING_IOC_H
#define SHARING_IOC_H

#include "../core/core.h"
#include "../core/verr.h"
#include "sharing.h"

/* The longest input accepted, in bytes (the report format's limit for an indicator value). */
#define IOC_VALUE_MAX 2048
/* The longest canonical text: a URL may gain a "/", and an IPv6 host written "[::ffff:0:0]"
 * grows to "[::ffff:0.0.0.0]"; nothing else grows. */
#define IOC_TEXT_MAX (IOC_VALUE_MAX + 32)
#define IOC_DOMAIN_MAX 253
#define IOC_LABEL_MAX 63
#define IOC_EMAIL_MAX 254
#define IOC_LOCAL_MAX 64

/* Pass as the type to ioc_normalise to have the type detected (ioc_detect). */
#define IOC_ANY IOC_INVALID

/*
 * The defanged notations refanged, for the documentation and the tests (case-insensitive):
 *   anywhere in a value:      [.] {.} [dot] {dot} → "."   [:] → ":"   [://] → "://"
 *                             [/] → "/"   [@] {@} [at] {at} → "@"
 *   except in a URL's path, query and fragment (where parentheses are legal, RFC 3986 §2.2):
 *                             (.) (dot) → "."   (@) (at) → "@"   (:) → ":"
 *   at the start of a value:  hxxp hxxps hxxxp hxxxps hXXp… → http/https, fxp fxps → ftp/ftps
 *                             (followed by "://" or a defanged "://")
 * Brackets and braces never occur unencoded outside an IPv6 literal in a URL (RFC 3986 §3.2.2
 * and §2), so replacing them anywhere cannot change the meaning of a real value.
 */
#define IOC_DEFANG_FORMS                                                                           \
    "[.] {.} [dot] {dot} [:] [://] [/] [@] {@} [at] {at}; (.) (dot) (@) (at) (:) outside a URL "   \
    "path; hxxp hxxps hxxxp fxp fxps"

/* A normalised indicator. */
struct ioc_value {
    enum ioc_type type;
    bool defanged;    /* the input was written in defanged notation */
    uint8_t prefix;   /* ipv4/ipv6: prefix length, 32 or 128 for a single address */
    uint8_t addr[16]; /* ipv4/ipv6: the network address in network byte order (ipv4: 4 bytes) */
    size_t len;
    char text[IOC_TEXT_MAX + 1]; /* the canonical text, NUL-terminated */
};

/*
 * Normalises the n bytes at s as an indicator of the given type (IOC_ANY: detected, see
 * ioc_detect) into *out. Returns 0, or -1 after adding every problem found to errs at pointer
 * (a JSON Pointer naming the value in the caller's document; "" if none) with a stable code:
 *   ioc_empty, ioc_too_long, ioc_control, ioc_type_unknown, ioc_type,
 *   ioc_ipv4, ioc_ipv6, ioc_ipv6_zone, ioc_prefix, ioc_host_bits,
 *   ioc_domain, ioc_domain_length, ioc_label_length, ioc_label_syntax, ioc_domain_single_label,
 *   ioc_domain_numeric, ioc_idna, ioc_punycode,
 *   ioc_url, ioc_url_scheme, ioc_url_host, ioc_url_port,
 *   ioc_email, ioc_email_local,
 *   ioc_hash_length, ioc_hash_hex, ioc_ssdeep.
 * Messages are in English and Japanese and never quote more than 64 bytes of the value.
 * out is always written (on failure its contents are unspecified). errs may be NULL.
 */
int ioc_normalise(enum ioc_type type, const char *s, size_t n, struct ioc_value *out,
                  struct verr_list *errs, const char *pointer);

/* ioc_normalise for a domain suffix on a warninglist: the rules of a domain, except that a
 * single label (a top-level domain such as "test", RFC 6761 §6.2) is allowed. */
int ioc_normalise_suffix(const char *s, size_t n, struct ioc_value *out, struct verr_list *errs,
                         const char *pointer);

/*
 * The type a value most likely is, after trimming and refanging: a hash by its length in hex
 * digits (32, 40, 64), ssdeep by its shape, a URL by "://", an e-mail address by "@", an
 * address or block by its digits and dots or colons, otherwise a domain. IOC_INVALID when the
 * value is empty or longer than IOC_VALUE_MAX. The guess is not a validation: ioc_normalise
 * still checks it.
 */
enum ioc_type ioc_detect(const char *s, size_t n);

/* Whether domain d (canonical) is covered by indicator domain ind (canonical): equal, or d
 * ends with "." followed by ind. "evil.example" covers "a.evil.example", not
 * "notevil.example". */
bool ioc_domain_covers(const char *ind, size_t ind_len, const char *d, size_t d_len);

/* Whether the address or block v lies inside block b (both ipv4 or both ipv6): b's prefix is
 * at most v's and they agree on b's first prefix bits. False for other types. */
bool ioc_ip_covers(const struct ioc_value *b, const struct ioc_value *v);

/* The host of a canonical URL as a normalised value (a domain, ipv4 or ipv6): for matching a
 * URL indicator's host against domain and address indicators and warninglists. Returns 0, or
 * -1 if u is not a URL. */
int ioc_url_host(const struct ioc_value *u, struct ioc_value *host);

/* Parses an address or block of the type as written (no trimming, no refanging) into addr
 * (4 or 16 bytes used, the rest zeroed) and *prefix. Returns 0, or -1 if it is not one or has
 * host bits set. For the index's fast path over canonical text. */
int ioc_ip_parse(enum ioc_type type, const char *s, size_t n, uint8_t addr[16], unsigned *prefix);

/* Formats an address of 4 (ipv4) or 16 (ipv6) bytes and a prefix in canonical text (as
 * above); out needs 50 bytes. Returns the length. */
size_t ioc_format_ip(enum ioc_type type, const uint8_t *addr, unsigned prefix, char *out);

#endif
