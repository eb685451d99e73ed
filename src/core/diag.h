/*
 * diag.h — diagnostics about data files: one list type that every loader of the service's data
 * files reports into (rule, recipient and calendar files in rules/, questionnaires in assess/,
 * the operator's delivery file in outbox/ via the CLI), and one printed form,
 *
 *     file:line:column: pointer [code] message
 *
 * ("file: pointer [code] message" when no position is known), in English or Japanese. The CLI
 * (`ichigen rules check`, `frameworks check`, `delivery check`) and the server's start-up print
 * through diag_list_print, so an operator reads every broken file the same way.
 *
 * What it is not: validation errors of a request body (core/verr.h, which have no file); a
 * loader turns a verr_list into diagnostics with positions through datafile_diag_verrs
 * (core/datafile.h). Who may call it: anyone.
 */
#ifndef CORE_DIAG_H
#define CORE_DIAG_H

#include <stdio.h>

#include "core.h"

struct diag {
    char file[512];
    int line, column;  /* 1-based; 0 when unknown */
    char pointer[256]; /* RFC 6901 JSON Pointer into the file; "" for the whole file */
    const char *code;  /* stable machine code, a string literal */
    char en[512];
    char ja[512];
};

struct diag_list {
    struct diag *v;
    size_t n, cap;
};

void diag_list_init(struct diag_list *d);
void diag_list_release(struct diag_list *d);

/* Appends a diagnostic (strings copied, cut to their fields; code kept as given, so it must be
 * a literal) and returns it, so the caller may set its position. pointer may be NULL. */
struct diag *diag_add(struct diag_list *d, const char *file, const char *pointer, const char *code,
                      const char *en, const char *ja);

/* Prints every diagnostic, one line each, in the form above. */
void diag_list_print(const struct diag_list *d, FILE *out, bool ja);

#endif
