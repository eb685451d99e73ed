/*
 * config.h — the service's settings, declared once in a table (config.c) that drives parsing,
 * validation, `ichigen config` (the list of settings with defaults) and the README table.
 *
 * Precedence, lowest first: built-in defaults, the file given with --config (lines "key = value",
 * '#' comments), environment variables ICHIGEN_<KEY> (upper-case), command-line --key=value.
 * Every value is range-checked; an error names the setting, where it came from and why.
 * Settings marked secret are never printed or logged; a secret marked "not on the command
 * line" (smtp_password) is refused there, since other users of the host can read argv.
 */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include "../core/core.h"
#include "../core/err.h"
#include "../core/buf.h"

#define CONFIG_PATH_MAX 1024

struct config {
    /* network */
    char listen_addr[64];
    int64_t port;
    int64_t max_connections;
    int64_t connection_timeout_s;
    int64_t request_head_timeout_s;      /* slow-header guard (src/http/conns.c) */
    int64_t max_connections_per_address; /* 0: no limit */
    char public_url[512]; /* "https://host[:port][/path]", no trailing slash; "" = local use */
    /* storage */
    char data_dir[CONFIG_PATH_MAX];
    char db_path[CONFIG_PATH_MAX]; /* empty: <data_dir>/ichigen.db */
    char store_url[CONFIG_PATH_MAX + 8]; /* empty: sqlite:<db_path> (store_open) */
    int64_t commit_batch_max;
    int64_t read_pool_size;
    int64_t store_trace; /* 1: serve wraps its store in store_trace_wrap (store_trace.h) */
    /* input limits (ARCHITECTURE.md: limits everywhere) */
    int64_t max_body_bytes;
    int64_t max_json_depth;
    int64_t max_string_chars;
    int64_t max_array_items;
    int64_t future_skew_s;
    /* API behaviour */
    int64_t page_size_default;
    int64_t page_size_max;
    int64_t idempotency_retention_h;
    /* accounts */
    int64_t session_ttl_s;
    /* browser sessions (issue 12): quiet period, lifetime, the cookie's Secure attribute */
    int64_t session_idle_minutes;
    int64_t session_max_hours;
    char cookie_secure[8]; /* "auto", "on" or "off" */
    /* sign-in throttling (issue 8.13): growing delays, no lockout */
    int64_t login_throttle_free;
    int64_t login_throttle_address_free;
    int64_t login_throttle_name_free;
    int64_t login_throttle_base_ms;
    int64_t login_throttle_max_s;
    int64_t login_throttle_forget_s;
    int64_t password_hash_concurrency;
    int64_t password_hash_ops;
    int64_t password_hash_mem_kib;
    int64_t token_cache_ms;
    /* the web UI (issue 12) */
    char web_dir[CONFIG_PATH_MAX];
    /* obligations */
    char rules_dir[CONFIG_PATH_MAX]; /* empty: <binary's directory>/../data, else ./data */
    int64_t due_soon_h;
    char metrics_token[256];
    /* delivery (issue 5) */
    char delivery_file[CONFIG_PATH_MAX];
    int64_t delivery_enabled;
    int64_t delivery_inflight;
    int64_t delivery_concurrency;
    int64_t delivery_timeout_s;
    int64_t delivery_max_age_h;
    int64_t delivery_backoff_base_ms;
    int64_t delivery_backoff_max_s;
    int64_t delivery_lease_s;
    int64_t delivery_poll_ms;
    int64_t delivery_allow_private;
    int64_t delivery_allow_http_loopback;
    /* e-mail of notifications through the operator's SMTP relay (issue 10 item 8) */
    char smtp_url[1024];
    int64_t smtp_starttls;
    char smtp_user[256];
    char smtp_password[256]; /* secret: config file or environment only */
    char smtp_from[255];
    char smtp_from_name[256];
    char smtp_ca_file[CONFIG_PATH_MAX];
    int64_t smtp_timeout_s;
    /* governance: assessments and risk (issue 4) */
    int64_t peer_min_k;
    int64_t sharing_k_anonymity; /* issue 13: statistics (docs/sharing.md §7), correlation counts */
    int64_t risk_max_years;
    int64_t risk_max_work;
    int64_t risk_threads;
    /* logging */
    char log_level[16];
};

/* Fills c with the built-in defaults. */
void config_defaults(struct config *c);

/* Applies one setting. `source` is for error messages ("--port", "ICHIGEN_PORT", "file:3").
 * Returns 0, or -1 with e set (unknown key, bad number, out of range, too long). */
int config_set(struct config *c, const char *key, const char *value, const char *source,
               struct err *e);

/* Parses "key = value" lines from memory (name is used in messages). Lines are limited to
 * 2047 bytes. Returns 0 or -1 with e naming the line. */
int config_load_text(struct config *c, const char *text, size_t n, const char *name,
                     struct err *e);

/* Reads a "key = value" file (at most 1 MiB). Returns 0 or -1 with e naming the line. */
int config_load_file(struct config *c, const char *path, struct err *e);

/* Applies every ICHIGEN_<KEY> variable present in envp-style environ. */
int config_load_env(struct config *c, char **environ_, struct err *e);

/* Reads every file named by --config FILE / --config=FILE and removes those arguments. */
int config_load_files(struct config *c, int *argc, char **argv, struct err *e);

/* Consumes "--key=value" / "--key value" arguments that name settings, leaving others.
 * argv is compacted in place; *argc updated. Any --config FILE still present is read first
 * (callers wanting the documented precedence call config_load_files before the environment). */
int config_load_args(struct config *c, int *argc, char **argv, struct err *e);

/*
 * Checks the setting public_url: the scheme and authority (and optional path) under which
 * people and other systems reach this service, e.g. "https://ichigen.example.go.jp". Absolute
 * links the service hands out (TAXII 2.1 discovery's api_roots, §4.1; the links of e-mailed
 * notifications) are built on it; a client's Host header names whatever the client chose and,
 * behind a TLS-terminating proxy, neither the scheme nor the public name. Accepted: "" (not
 * set), or http:// or https:// (lower case), a host name, IPv4 address or [IPv6] literal, an
 * optional port 1–65535, an optional path of RFC 3986 path characters; no user information,
 * query, fragment, "." or ".." segments, empty segments or spaces. Every problem is listed in
 * one message that names the setting. Returns 0, or -1 with e set. Pure.
 */
int config_public_url_check(const char *url, struct err *e);

/* Derived values and cross-field checks (e.g. db_path default, page sizes). */
int config_finish(struct config *c, struct err *e);

/* Appends a human-readable list of settings (name, default, range, description) to out;
 * markdown=true gives a Markdown table for the README. Secrets show as "(secret)". */
void config_describe(struct buf *out, bool markdown);

#endif
