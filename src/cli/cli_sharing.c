/*
 * cli_sharing.c — what the CLI loads for the sharing side (issue 13): the security clearance
 * levels, data/sharing/clearance.json (sharing/clearance.h), read and validated at start-up so
 * that a broken file stops the server with every problem placed at its line and column.
 */
#include "cli.h"
#include "../core/datafile.h"
#include "../core/diag.h"
#include "../sharing/clearance.h"

int cli_load_clearance(const struct config *cfg, struct clearance_catalog *out)
{
    char data[1024], path[1100];
    struct datafile f;
    struct diag_list d;
    struct verr_list errs;
    const char *lang = getenv("LANG");
    cli_rules_dir(cfg, data, sizeof(data));
    snprintf(path, sizeof(path), "%s/sharing/clearance.json", data);
    diag_list_init(&d);
    verr_list_init(&errs, 64);
    int rc = datafile_load(&f, path, NULL, &d);
    if (!rc && clearance_catalog_parse(f.doc, out, &errs)) {
        datafile_diag_verrs(&f, &d, &errs);
        rc = -1;
    }
    if (rc) {
        fprintf(stderr, "ichigen: the clearance levels in %s have %zu problem(s):\n", path, d.n);
        diag_list_print(&d, stderr, lang && !strncmp(lang, "ja", 2));
    }
    verr_list_release(&errs);
    datafile_release(&f);
    diag_list_release(&d);
    return rc;
}
