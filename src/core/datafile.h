/*
 * datafile.h — the one loader of the service's data files (rule, recipient and calendar files,
 * questionnaires, the operator's delivery file): list a directory's *.json files in a stable
 * order, read a file within a size limit, parse it as a JSON object with a nesting limit and
 * duplicate keys refused (jsonx_load_object), and place problems at file:line:column by their
 * JSON Pointer (jsonx_locate, since jansson keeps no positions) in a diag_list (core/diag.h).
 *
 * What it is not: validation. A loader checks the parsed document against its field table
 * (src/schema/) and its own references, then reports the verr_list here. Who may call it: the
 * loaders (rules/rules_load.c, assess/assess_load.c) and the CLI. Reading files is this file's
 * only I/O.
 */
#ifndef CORE_DATAFILE_H
#define CORE_DATAFILE_H

#include <jansson.h>

#include "core.h"
#include "diag.h"
#include "verr.h"

#define DATAFILE_MAX_BYTES_DEFAULT (4 * 1024 * 1024)
#define DATAFILE_MAX_DEPTH_DEFAULT 64

struct datafile_limits {
    size_t max_bytes; /* a larger file is a "too_large" diagnostic; 0: the default, 4 MiB */
    int max_depth;    /* JSON nesting; 0: the default, 64 */
};

/* A file as read. path is borrowed from the caller and must outlive the struct. */
struct datafile {
    const char *path;
    char *text; /* NUL-terminated; NULL when unread */
    size_t n;
    json_t *doc; /* new reference when parsed, else NULL */
};

/*
 * Reads path and parses it. Problems — the file cannot be opened ("io"), is larger than the
 * limit ("too_large"), or is not a JSON object ("json_syntax", at the line and column of the
 * fault) — are added to d. Returns 0 when f->doc holds the object, -1 otherwise. f is filled in
 * either case and released with datafile_release.
 */
int datafile_load(struct datafile *f, const char *path, const struct datafile_limits *lim,
                  struct diag_list *d);

/* The same from bytes already in memory (copied): for fuzzing and for callers that read
 * elsewhere. */
int datafile_parse(struct datafile *f, const char *path, const char *text, size_t n,
                   const struct datafile_limits *lim, struct diag_list *d);

void datafile_release(struct datafile *f);

/*
 * The position of the value at pointer in f: 0 when it is there; 1 when it is not (a missing
 * member) and the position is that of its nearest ancestor that is, so a "required" problem is
 * shown at the object that lacks the member; -1 when f has no text or pointer is NULL.
 */
int datafile_locate(const struct datafile *f, const char *pointer, int *line, int *column);

/* Adds a diagnostic about f at pointer (NULL: the whole file), placed by datafile_locate.
 * Returns it (the caller may refine the position). */
struct diag *datafile_diag(const struct datafile *f, struct diag_list *d, const char *pointer,
                           const char *code, const char *en, const char *ja);

/* Adds every problem of l as a diagnostic about f, and one "more" line counting those l
 * dropped beyond its bound. */
void datafile_diag_verrs(const struct datafile *f, struct diag_list *d, const struct verr_list *l);

/* The regular *.json files of dir (names not starting with '.'), sorted by path, at most
 * max_files, as a NULL-ended list of new strings; with deep, sub-directories too (those that
 * cannot be read are skipped). NULL, with errno set, when dir itself cannot be opened. Free
 * with datafile_list_free. */
char **datafile_list(const char *dir, bool deep, size_t max_files);
void datafile_list_free(char **list);

#endif
