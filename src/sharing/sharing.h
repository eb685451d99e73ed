/*
 * sharing.h — the vocabulary of the give-and-take side (issue 13): TLP 2.0 labels and the kinds
 * of indicator. Pure data: no I/O, no allocation.
 *
 * TLP 2.0 is FIRST's Traffic Light Protocol, version 2.0 (August 2022,
 * https://www.first.org/tlp/). Its labels are ordered from least to most restrictive:
 *   CLEAR         disclosure is not limited;
 *   GREEN         the recipient's community (here: every signed-in member of the platform);
 *   AMBER         the recipient's organisation and its clients, on a need-to-know basis;
 *   AMBER+STRICT  the recipient's organisation only;
 *   RED           the individual recipients only, no further.
 * Who may read which object is decided in one place above this (the read policy); this header
 * only names the labels and orders them.
 */
#ifndef SHARING_SHARING_H
#define SHARING_SHARING_H

#include <stdbool.h>
#include <stddef.h>

enum tlp {
    TLP_CLEAR = 0,
    TLP_GREEN,
    TLP_AMBER,
    TLP_AMBER_STRICT,
    TLP_RED,
    TLP__COUNT,
    TLP_INVALID = -1
};

/* "TLP:CLEAR" … "TLP:RED", the label FIRST prescribes (upper case, no spaces). */
const char *tlp_label(enum tlp t);
/* The short lower-case name used in URLs and settings: clear, green, amber, amber+strict, red. */
const char *tlp_name(enum tlp t);
/* Accepts "TLP:AMBER+STRICT" (any case) and the short name "amber+strict"; also the TLP 1.0
 * label TLP:WHITE, which TLP 2.0 §"TLP:CLEAR" replaced, as CLEAR. TLP_INVALID otherwise. */
enum tlp tlp_parse(const char *s);
/* Whether b is at least as restrictive as a (a downgrade is going from b back to a). */
static inline bool tlp_at_least(enum tlp b, enum tlp a)
{
    return (int)b >= (int)a;
}
/* The standard STIX 2.1 marking-definition id for the TLP 2.0 label (the ids OASIS published
 * with the TLP 2.0 marking definitions, also used by CACAO), e.g.
 * "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487" for CLEAR. NULL if invalid. */
const char *tlp_stix_marking_id(enum tlp t);
/* The label of a STIX marking-definition id from tlp_stix_marking_id, or TLP_INVALID. */
enum tlp tlp_from_stix_marking_id(const char *id);

/* The kinds of indicator ichigen extracts, normalises and correlates (issue 13 item 3). The
 * names are the report format's threat.indicators[].type values where they exist. */
enum ioc_type {
    IOC_IPV4 = 0, /* a host address or a CIDR block */
    IOC_IPV6,     /* the same */
    IOC_DOMAIN,   /* matches itself and its subdomains */
    IOC_URL,
    IOC_EMAIL,
    IOC_MD5,
    IOC_SHA1,
    IOC_SHA256,
    IOC_SSDEEP,
    IOC__COUNT,
    IOC_INVALID = -1
};

/* "ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "ssdeep". */
const char *ioc_type_name(enum ioc_type t);
enum ioc_type ioc_type_parse(const char *s);

#endif
