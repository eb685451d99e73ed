/*
 * cli_stix.c — `ichigen stix validate FILE [--json] [--lang ja|en]`: reads a STIX 2.1 bundle as
 * the importer does (sharing/stix.h) and prints what it holds and every problem; and
 * `ichigen stix sample`: a bundle with every kind of object ichigen exports, built by the same
 * builders (what a consumer will receive; tests/stix/validate.mjs checks it against the OASIS
 * JSON schemas).
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../core/rtime.h"
#include "../sharing/stix.h"

static bool want_ja(const char *lang)
{
    return lang ? !strcmp(lang, "ja") : (getenv("LANG") && !strncmp(getenv("LANG"), "ja", 2));
}

static json_t *result_json(const char *path, const struct stix_import *r)
{
    json_t *types = json_object(), *tlp = json_object(), *iocs = json_array();
    json_t *tech = json_array(), *errs = json_array();
    for (size_t i = 0; i < r->n_types; i++)
        json_object_set_new(types, r->types[i].type, json_integer((json_int_t)r->types[i].n));
    for (int t = 0; t < TLP__COUNT; t++)
        json_object_set_new(tlp, tlp_label((enum tlp)t), json_integer((json_int_t)r->tlp[t]));
    json_object_set_new(tlp, "none", json_integer((json_int_t)r->unmarked));
    for (size_t i = 0; i < r->n_iocs; i++)
        json_array_append_new(
            iocs, json_pack("{s:s, s:s, s:s, s:s?}", "type", ioc_type_name(r->iocs[i].type),
                            "value", r->iocs[i].value, "indicator", r->iocs[i].indicator_id, "tlp",
                            tlp_label(r->iocs[i].tlp)));
    for (size_t i = 0; i < r->n_techniques; i++)
        json_array_append_new(tech, json_string(r->techniques[i]));
    for (size_t i = 0; i < r->errs.n; i++)
        json_array_append_new(errs, json_pack("{s:s, s:s, s:s, s:s}", "pointer",
                                              r->errs.v[i].pointer, "code", r->errs.v[i].code, "en",
                                              r->errs.v[i].en, "ja", r->errs.v[i].ja));
    return json_pack("{s:s, s:b, s:I, s:o, s:o, s:o, s:I, s:o, s:o, s:I}", "file", path, "valid",
                     !verr_any(&r->errs), "objects", (json_int_t)r->objects, "types", types, "tlp",
                     tlp, "indicators", iocs, "patterns_not_extracted",
                     (json_int_t)r->patterns_not_extracted, "techniques", tech, "problems", errs,
                     "problems_not_shown", (json_int_t)r->errs.dropped);
}

static void print_text(const char *path, const struct stix_import *r, bool ja)
{
    printf("%s: %zu objects\n", path, r->objects);
    for (size_t i = 0; i < r->n_types; i++)
        printf("  %-28s %zu\n", r->types[i].type, r->types[i].n);
    printf("TLP:");
    for (int t = 0; t < TLP__COUNT; t++)
        printf(" %s %zu,", tlp_label((enum tlp)t), r->tlp[t]);
    printf(" none %zu\n", r->unmarked);
    printf("indicators extracted %zu, patterns not extracted %zu, ATT&CK techniques %zu\n",
           r->n_iocs, r->patterns_not_extracted, r->n_techniques);
    for (size_t i = 0; i < r->errs.n; i++)
        printf("%s: %s [%s] %s\n", path, r->errs.v[i].pointer[0] ? r->errs.v[i].pointer : "/",
               r->errs.v[i].code, ja ? r->errs.v[i].ja : r->errs.v[i].en);
    if (r->errs.dropped)
        printf("%s: … and %zu more\n", path, r->errs.dropped);
    if (!verr_any(&r->errs))
        printf("%s: valid\n", path);
}

/* A regular file is mapped rather than read: the parser reads the page cache directly (no
 * copy, no freshly zeroed heap pages), which is a tenth of an import of MITRE's ICS bundle.
 * Standard input and other files are read into memory. *mapped says which to release. */
static char *load(const char *path, size_t *n, bool *mapped)
{
    struct stat st;
    int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    *mapped = false;
    if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (size_t)st.st_size <= stix_default_limits.max_bytes) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (p == MAP_FAILED)
            return NULL;
        *n = (size_t)st.st_size;
        *mapped = true;
        return p;
    }
    if (fd >= 0)
        close(fd);
    return cli_read_file(path, stix_default_limits.max_bytes + 1, n);
}

static int validate(const char *path, bool json, bool ja)
{
    struct stix_import r;
    size_t n = 0;
    bool mapped;
    char *text = load(path, &n, &mapped);
    if (!text) {
        fprintf(stderr, "ichigen stix: cannot read %s: %s\n", path, strerror(errno));
        return errno == EFBIG ? CLI_PROBLEM : CLI_FAILURE;
    }
    stix_import_init(&r, NULL);
    int rc = stix_import_bundle(text, n, &r);
    if (json) {
        json_t *j = result_json(path, &r);
        json_dumpf(j, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(j);
    } else {
        print_text(path, &r, ja);
    }
    stix_import_release(&r);
    if (mapped)
        munmap(text, n);
    else
        free(text);
    return rc ? CLI_PROBLEM : CLI_OK;
}

/* ---- the sample bundle: one of every kind, fixed times and keys ---- */

#define T0 1767225600000LL /* 2026-01-01T00:00:00.000Z */

static void append(json_t *all, json_t *o, struct verr_list *errs)
{
    BUG_ON(!o || verr_any(errs));
    json_array_append_new(all, o);
}

static void sample_indicators(json_t *all, struct stix_indicator_in *ind, size_t n,
                              struct verr_list *errs)
{
    for (size_t i = 0; i < n; i++)
        append(all, stix_indicator(&ind[i], errs), errs);
}

static bool has_id(json_t *all, const char *id)
{
    size_t i;
    json_t *o;
    json_array_foreach(all, i,
                       o) if (!strcmp(json_string_value(json_object_get(o, "id")), id)) return true;
    return false;
}

static json_t *sample(void)
{
    struct stix_meta m = {"sample", T0, T0 + 1000, TLP_AMBER, NULL};
    struct verr_list errs;
    char ind_id[STIX_ID_LEN], org_id[STIX_ID_LEN], inc_id[STIX_ID_LEN];
    json_t *all = json_array();
    struct stix_indicator_in ind[] = {
        {{"i-ipv4", T0, T0, TLP_GREEN, NULL}, IOC_IPV4, "198.51.100.0/24", NULL, NULL, T0, 0, 80},
        {{"i-ipv6", T0, T0, TLP_CLEAR, NULL}, IOC_IPV6, "2001:db8::1", NULL, NULL, T0, 0, -1},
        {{"i-domain", T0, T0, TLP_AMBER_STRICT, NULL},
         IOC_DOMAIN,
         "evil.example",
         "C2",
         "command and control",
         T0,
         T0 + 86400000,
         50},
        {{"i-url", T0, T0, TLP_RED, NULL},
         IOC_URL,
         "https://evil.example/a'b\\c",
         NULL,
         NULL,
         T0,
         0,
         -1},
        {{"i-email", T0, T0, TLP_AMBER, NULL},
         IOC_EMAIL,
         "phish@evil.example",
         NULL,
         NULL,
         T0,
         0,
         -1},
        {{"i-md5", T0, T0, TLP_AMBER, NULL},
         IOC_MD5,
         "d41d8cd98f00b204e9800998ecf8427e",
         NULL,
         NULL,
         T0,
         0,
         -1},
        {{"i-sha1", T0, T0, TLP_AMBER, NULL},
         IOC_SHA1,
         "da39a3ee5e6b4b0d3255bfef95601890afd80709",
         NULL,
         NULL,
         T0,
         0,
         -1},
        {{"i-sha256", T0, T0, TLP_AMBER, NULL},
         IOC_SHA256,
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         NULL,
         NULL,
         T0,
         0,
         -1},
        {{"i-ssdeep", T0, T0, TLP_AMBER, NULL},
         IOC_SSDEEP,
         "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
         NULL,
         NULL,
         T0,
         0,
         -1},
    };
    verr_list_init(&errs, 20);
    BUG_ON(stix_id("indicator", "i-ipv4", ind_id) || stix_id("identity", "org-1", org_id));
    sample_indicators(all, ind, ARRAY_SIZE(ind), &errs);
    struct stix_identity_in who = {{"org-1", T0, T0, TLP_GREEN, NULL},
                                   "Example K.K.",
                                   NULL,
                                   (const char *[]){"manufacturing"},
                                   1,
                                   NULL};
    append(all, stix_identity(&who, true, &errs), &errs);
    const char *where[] = {org_id};
    struct stix_sighting_in s = {
        {"s-1", T0, T0 + 5000, TLP_GREEN, NULL}, ind_id, 3, T0, T0 + 3600000, where, 1, true};
    append(all, stix_sighting(&s, &errs), &errs);
    struct stix_incident_in inc = {{"inc-1", T0, T0, TLP_AMBER, NULL},
                                   "ランサムウェア被害 (製造業)",
                                   "暗号化によるサーバ停止",
                                   "ja",
                                   "ransomware",
                                   "manufacturing"};
    append(all, stix_incident(&inc, &errs), &errs);
    BUG_ON(stix_id("incident", "inc-1", inc_id));
    const char *refs[] = {inc_id, ind_id};
    struct stix_report_in rep = {
        {"rep-1", T0, T0, TLP_AMBER, NULL}, "Incident summary", NULL, "en", T0, refs, 2};
    append(all, stix_report(&rep, &errs), &errs);
    const char *techs[] = {"T0831", "T1566.001"}, *cves[] = {"CVE-2024-3400"};
    struct stix_advisory adv = {m,
                                "注意喚起: 制御システムへの攻撃",
                                "Advisory: attacks on ICS",
                                "日本語の説明",
                                "English description",
                                T0 + 1000,
                                "Example Group",
                                STIX_ACTOR_INTRUSION_SET,
                                70,
                                techs,
                                2,
                                cves,
                                1,
                                ind,
                                1};
    json_t *b = stix_advisory_bundle(&adv, &errs), *o;
    size_t i;
    BUG_ON(!b);
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "type")), "marking-definition") &&
            !has_id(all, json_string_value(json_object_get(o, "id"))))
            json_array_append(all, o);
    }
    json_decref(b);
    verr_list_release(&errs);
    json_t *bundle = stix_bundle("sample", all);
    json_decref(all);
    return bundle;
}

int cli_stix(int argc, char **argv)
{
    struct config cfg; /* like every command: settings accepted (log level), unknown ones refused */
    const char *lang = cli_take(&argc, argv, "--lang");
    bool json = cli_flag(&argc, argv, "--json");
    int rc = cli_config(&cfg, &argc, argv);
    if (rc)
        return rc;
    if (argc == 3 && !strcmp(argv[1], "validate"))
        return validate(argv[2], json, want_ja(lang));
    if (argc == 2 && !strcmp(argv[1], "sample") && !lang && !json) {
        json_t *b = sample();
        json_dumpf(b, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(b);
        return CLI_OK;
    }
    return cli_usage("stix", stderr);
}
