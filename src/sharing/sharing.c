/* sharing.c — TLP 2.0 labels and indicator kinds (sharing.h). */
#include "sharing.h"

#include <string.h>
#include <strings.h>

static const struct {
    const char *label, *name, *stix;
} tlps[TLP__COUNT] = {
    [TLP_CLEAR] = {"TLP:CLEAR", "clear",
                   "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
    [TLP_GREEN] = {"TLP:GREEN", "green",
                   "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
    [TLP_AMBER] = {"TLP:AMBER", "amber",
                   "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
    [TLP_AMBER_STRICT] = {"TLP:AMBER+STRICT", "amber+strict",
                          "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
    [TLP_RED] = {"TLP:RED", "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

static bool valid(enum tlp t)
{
    return (int)t >= 0 && t < TLP__COUNT;
}

const char *tlp_label(enum tlp t)
{
    return valid(t) ? tlps[t].label : NULL;
}

const char *tlp_name(enum tlp t)
{
    return valid(t) ? tlps[t].name : NULL;
}

enum tlp tlp_parse(const char *s)
{
    if (!s)
        return TLP_INVALID;
    if (!strcasecmp(s, "TLP:WHITE") || !strcasecmp(s, "white"))
        return TLP_CLEAR;
    for (int t = 0; t < TLP__COUNT; t++)
        if (!strcasecmp(s, tlps[t].label) || !strcasecmp(s, tlps[t].name))
            return (enum tlp)t;
    return TLP_INVALID;
}

const char *tlp_stix_marking_id(enum tlp t)
{
    return valid(t) ? tlps[t].stix : NULL;
}

enum tlp tlp_from_stix_marking_id(const char *id)
{
    for (int t = 0; id && t < TLP__COUNT; t++)
        if (!strcmp(id, tlps[t].stix))
            return (enum tlp)t;
    return TLP_INVALID;
}

static const char *const ioc_names[IOC__COUNT] = {
    [IOC_IPV4] = "ipv4", [IOC_IPV6] = "ipv6",     [IOC_DOMAIN] = "domain",
    [IOC_URL] = "url",   [IOC_EMAIL] = "email",   [IOC_MD5] = "md5",
    [IOC_SHA1] = "sha1", [IOC_SHA256] = "sha256", [IOC_SSDEEP] = "ssdeep",
};

const char *ioc_type_name(enum ioc_type t)
{
    return (int)t >= 0 && t < IOC__COUNT ? ioc_names[t] : NULL;
}

enum ioc_type ioc_type_parse(const char *s)
{
    for (int t = 0; s && t < IOC__COUNT; t++)
        if (!strcmp(s, ioc_names[t]))
            return (enum ioc_type)t;
    return IOC_INVALID;
}
