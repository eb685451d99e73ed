#include "config.h"

#include <ctype.h>

enum opt_type { OPT_INT, OPT_STR };

struct opt {
    const char *name;
    enum opt_type type;
    size_t offset;
    size_t size; /* OPT_STR: buffer size */
    const char *def;
    int64_t min, max;
    int secret; /* 0: no; 1: a secret; 2: a secret not accepted on the command line */
    const char *doc;
};

#define OI(n, d, lo, hi, doc)                                                                      \
    {                                                                                              \
#n, OPT_INT, offsetof(struct config, n), 0, d, lo, hi, false, doc                          \
    }
#define OS(n, d, doc)                                                                              \
    {                                                                                              \
#n, OPT_STR, offsetof(struct config, n), sizeof(((struct config *)0)->n), d, 0, 0, false,  \
            doc                                                                                    \
    }
#define OSECRET(n, doc)                                                                            \
    {                                                                                              \
#n, OPT_STR, offsetof(struct config, n), sizeof(((struct config *)0)->n), "", 0, 0, true,  \
            doc                                                                                    \
    }
/* A secret that only the config file or the environment may set (argv is public on a host). */
#define OSECRET_NOARG(n, doc)                                                                      \
    {                                                                                              \
#n, OPT_STR, offsetof(struct config, n), sizeof(((struct config *)0)->n), "", 0, 0, 2, doc \
    }

static const struct opt opts[] = {
    OS(listen_addr, "127.0.0.1", "IPv4 or IPv6 address to listen on"),
    OI(port, "8080", 0, 65535, "TCP port (0 picks a free port; see --ready-file)"),
    OI(max_connections, "1024", 1, 100000, "simultaneous HTTP connections"),
    OI(connection_timeout_s, "30", 1, 3600, "idle connection timeout, seconds"),
    OI(request_head_timeout_s, "10", 1, 3600,
       "a request line and its header fields must arrive within this many seconds of the "
       "connection opening or of the previous response, else the connection is closed"),
    OI(max_connections_per_address, "256", 0, 100000,
       "simultaneous connections from one client address; more are closed at once (0 = no "
       "limit, e.g. behind a reverse proxy)"),
    OS(public_url, "",
       "the address people and other systems reach this service at, scheme and host (and path "
       "when behind a proxy), e.g. https://ichigen.example.go.jp: the base of the absolute links "
       "it hands out (TAXII discovery's api_roots, links in notification e-mails). Empty: for "
       "local use only, TAXII takes http:// and the request's own Host header, and e-mails give "
       "relative links; set it behind a TLS-terminating proxy"),
    OS(data_dir, "var", "directory holding the database and other state"),
    OS(db_path, "", "SQLite database file (default: <data_dir>/ichigen.db)"),
    OS(store_url, "",
       "where the data lives: sqlite:PATH (default: sqlite:<db_path>), or postgresql://… "
       "without a password (PostgreSQL 15, one or several nodes: docs/operations.md)"),
    OI(commit_batch_max, "512", 1, 100000, "most writes one group commit may carry"),
    OI(read_pool_size, "16", 1, 1024, "pooled read-only database connections"),
    OI(store_trace, "0", 0, 1,
       "count and time every store operation; `serve` logs one store.trace line per operation "
       "at shutdown (calls, latency; never arguments)"),
    OI(max_body_bytes, "1048576", 1024, 268435456, "largest request body accepted (413 above)"),
    OI(max_json_depth, "32", 4, 1024, "deepest JSON nesting accepted"),
    OI(max_string_chars, "20000", 16, 10000000, "longest JSON string accepted anywhere"),
    OI(max_array_items, "1000", 1, 1000000, "most items in any JSON array"),
    OI(future_skew_s, "300", 0, 86400, "how far in the future a report time may lie (clock skew)"),
    OI(page_size_default, "50", 1, 10000, "list page size when the client gives none"),
    OI(page_size_max, "200", 1, 10000, "largest list page a client may ask for"),
    OI(idempotency_retention_h, "168", 1, 87600, "how long Idempotency-Key records are kept"),
    OI(session_ttl_s, "43200", 60, 31536000, "lifetime of a token issued by sign-in"),
    OI(session_idle_minutes, "30", 1, 1440,
       "a browser's cookie session (web UI) ends after this many minutes without a request"),
    OI(session_max_hours, "12", 1, 720,
       "a browser's cookie session ends this many hours after sign-in, however busy"),
    OS(cookie_secure, "auto",
       "mark the session cookie Secure (sent over HTTPS only): on, off, or auto (on when the "
       "request came over TLS; ichigen serves plain HTTP itself, so behind a TLS-terminating "
       "proxy set on)"),
    OI(login_throttle_free, "5", 1, 1000,
       "failed sign-ins from one address for one name before each further one delays the next "
       "attempt there (formerly login_max_failures)"),
    OI(login_throttle_address_free, "20", 1, 1000000,
       "failed sign-ins from one address, any names, before delays apply to the address"),
    OI(login_throttle_name_free, "50", 1, 1000000,
       "failed sign-ins for one name, any addresses, before delays apply to the name"),
    OI(login_throttle_base_ms, "1000", 1, 600000,
       "first sign-in delay; doubles with each further failure"),
    OI(login_throttle_max_s, "60", 1, 3600,
       "longest sign-in delay: no lockout lasts longer (formerly login_lockout_s)"),
    OI(login_throttle_forget_s, "3600", 1, 604800,
       "failed sign-ins are forgotten after this quiet period"),
    OI(password_hash_concurrency, "2", 1, 64, "simultaneous argon2id computations (64 MiB each)"),
    OI(password_hash_ops, "2", 1, 16, "argon2id passes for new password hashes"),
    OI(password_hash_mem_kib, "65536", 8, 1048576,
       "argon2id memory per hash, KiB (OWASP's floor is 19456 with 2 passes; lower is for tests)"),
    OS(web_dir, "web/dist",
       "directory of the built web UI (issue 12), read once at start-up: only the files found "
       "there are ever served; without an index.html, / answers 503 saying how to build it "
       "(`make run` builds it and starts from the repository's top directory)"),
    OI(token_cache_ms, "2000", 0, 60000,
       "how long a token lookup is reused (other nodes' revocations empty it at once, this bounds "
       "a missed one; 0 = off)"),
    OSECRET(metrics_token, "bearer token that may read /metrics besides admins"),
    OS(rules_dir, "",
       "directory with calendars/, frameworks/, recipients/ and rules/ (default: ../data next to "
       "the binary, else ./data)"),
    OI(due_soon_h, "24", 0, 8760,
       "an obligation is \"due soon\" this many hours before its deadline"),
    OS(delivery_file, "",
       "operator's delivery file: webhook endpoints and secrets, channel overrides, exercise sink "
       "(docs/delivery.md)"),
    OI(delivery_enabled, "1", 0, 1,
       "run the delivery worker in this process (0: submissions wait in the outbox)"),
    OI(delivery_inflight, "64", 1, 4096,
       "webhook deliveries in flight at once, all recipients together"),
    OI(delivery_concurrency, "4", 1, 64,
       "deliveries in flight to one recipient unless its route says otherwise"),
    OI(delivery_timeout_s, "10", 1, 300,
       "time limit of one delivery attempt unless its route says otherwise"),
    OI(delivery_max_age_h, "72", 1, 8760,
       "a webhook submission not delivered after this many hours is failed and the reporter "
       "alerted"),
    OI(delivery_backoff_base_ms, "1000", 10, 600000, "first retry delay (doubling, with jitter)"),
    OI(delivery_backoff_max_s, "600", 1, 86400, "longest retry delay"),
    OI(delivery_lease_s, "0", 0, 86400,
       "how long a claimed delivery is reserved before another attempt may take it (0: twice the "
       "longest route timeout + 30 s)"),
    OI(delivery_poll_ms, "1000", 10, 60000,
       "how often the worker looks for due retries without being woken"),
    OI(delivery_allow_private, "0", 0, 1,
       "let webhooks reach private, link-local and CGNAT addresses (SSRF guard off; internal "
       "receivers only)"),
    OI(delivery_allow_http_loopback, "0", 0, 1,
       "let webhooks use plain http:// to the loopback address (tests and local receivers)"),
    OS(smtp_url, "",
       "the SMTP relay notifications are mailed through: smtp://host:587 or smtps://host:465 "
       "(empty: no e-mail; the e-mails wait in their outbox)"),
    OI(smtp_starttls, "1", 0, 1,
       "smtp:// must switch to TLS with STARTTLS (RFC 3207) or the e-mail is not sent (0: "
       "plain SMTP, only for a relay on the same host)"),
    OS(smtp_user, "", "user name for SMTP AUTH at the relay (empty: none)"),
    OSECRET_NOARG(smtp_password,
                  "password for SMTP AUTH (secret: config file or ICHIGEN_SMTP_PASSWORD only, "
                  "never on the command line; never logged)"),
    OS(smtp_from, "", "From address of notification e-mails (needed when smtp_url is set)"),
    OS(smtp_from_name, "ichigen", "From display name of notification e-mails"),
    OS(smtp_ca_file, "",
       "CA certificates (PEM) the relay's certificate is checked against (empty: the system's)"),
    OI(smtp_timeout_s, "30", 1, 300, "time limit of one e-mail attempt, connection included"),
    OI(peer_min_k, "5", 1, 1000,
       "fewest other organisations a peer group needs before averages are shown (k-anonymity)"),
    OI(sharing_k_anonymity, "5", 2, 1000,
       "fewest distinct reporting organisations a published count rests on (k-anonymity): "
       "statistics for authorities, and the counts of indicator correlation and sightings "
       "(below it a correlation says only \"seen elsewhere\")"),
    OI(risk_max_years, "10000000", 1000, 10000000,
       "most simulated years a risk simulation may ask for"),
    OI(risk_max_work, "200000000", 1000000, 10000000000LL,
       "most scenario-years (scenarios x years) one simulation may ask for"),
    OI(risk_threads, "0", 0, 256, "threads a risk simulation uses (0 = one per core)"),
    OS(log_level, "info", "debug, info, warn or error"),
};

/* Old names that still load (config files written for an earlier version), each applied to
 * the setting that replaced it. The sign-in lockout became growing delays (issue 8.13): the
 * failures before it are the free allowance, its length the longest delay. */
static const struct {
    const char *old, *now;
} renamed[] = {
    {"login_max_failures", "login_throttle_free"},
    {"login_lockout_s", "login_throttle_max_s"},
};

static const struct opt *find_opt(const char *key, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
        if (strlen(opts[i].name) == n && !memcmp(opts[i].name, key, n))
            return &opts[i];
    for (size_t i = 0; i < ARRAY_SIZE(renamed); i++)
        if (strlen(renamed[i].old) == n && !memcmp(renamed[i].old, key, n))
            return find_opt(renamed[i].now, strlen(renamed[i].now));
    return NULL;
}

static int apply(struct config *c, const struct opt *o, const char *value, const char *source,
                 struct err *e)
{
    char *field = (char *)c + o->offset;
    if (o->type == OPT_STR) {
        if (strlen(value) >= o->size)
            return err_set(e, -1, "%s (%s): longer than %zu bytes", o->name, source, o->size - 1);
        xstrlcpy(field, value, o->size);
        return 0;
    }
    int64_t v;
    if (parse_int64(value, INT64_MIN, INT64_MAX, &v))
        return err_set(e, -1, "%s (%s): \"%s\" is not a whole number", o->name, source,
                       o->secret ? "…" : value);
    if (v < o->min || v > o->max)
        return err_set(e, -1, "%s (%s): %lld is outside %lld..%lld", o->name, source, (long long)v,
                       (long long)o->min, (long long)o->max);
    memcpy(field, &v, sizeof(v));
    return 0;
}

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
        if (apply(c, &opts[i], opts[i].def, "default", NULL))
            BUG("bad default for %s", opts[i].name);
}

int config_set(struct config *c, const char *key, const char *value, const char *source,
               struct err *e)
{
    const struct opt *o = find_opt(key, strlen(key));
    if (!o)
        return err_set(e, -1, "%s: unknown setting \"%s\" (see `ichigen config`)", source, key);
    return apply(c, o, value, source, e);
}

static char *trim(char *s)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

/* One "key = value" line (already without its newline). Blank and '#' lines are skipped. */
static int load_line(struct config *c, char *line, const char *source, struct err *e)
{
    char *s = trim(line), *eq;
    if (*s == '\0' || *s == '#')
        return 0;
    if (!(eq = strchr(s, '=')))
        return err_set(e, -1, "%s: expected \"key = value\"", source);
    *eq = '\0';
    return config_set(c, trim(s), trim(eq + 1), source, e);
}

int config_load_text(struct config *c, const char *text, size_t n, const char *name, struct err *e)
{
    char line[2048], source[CONFIG_PATH_MAX + 32];
    size_t pos = 0;
    int lineno = 0;
    while (pos < n) {
        size_t len = 0;
        while (pos + len < n && text[pos + len] != '\n')
            len++;
        lineno++;
        snprintf(source, sizeof(source), "%s:%d", name, lineno);
        if (len >= sizeof(line))
            return err_set(e, -1, "%s: line too long", source);
        if (memchr(text + pos, '\0', len))
            return err_set(e, -1, "%s: contains a NUL byte", source);
        memcpy(line, text + pos, len);
        line[len] = '\0';
        if (load_line(c, line, source, e))
            return -1;
        pos += len + 1;
    }
    return 0;
}

int config_load_file(struct config *c, const char *path, struct err *e)
{
    FILE *f = fopen(path, "rb");
    char *text;
    size_t n;
    int rc;
    if (!f)
        return err_set(e, -1, "config file %s: %s", path, strerror(errno));
    text = xmalloc(1024 * 1024 + 1);
    n = fread(text, 1, 1024 * 1024 + 1, f);
    fclose(f);
    if (n > 1024 * 1024)
        rc = err_set(e, -1, "config file %s: larger than 1 MiB", path);
    else
        rc = config_load_text(c, text, n, path, e);
    free(text);
    return rc;
}

int config_load_env(struct config *c, char **env, struct err *e)
{
    for (char **p = env; p && *p; p++) {
        char key[64];
        const char *eq = strchr(*p, '=');
        size_t n;
        if (strncmp(*p, "ICHIGEN_", 8) || !eq)
            continue;
        n = (size_t)(eq - (*p + 8));
        if (n == 0 || n >= sizeof(key))
            continue;
        for (size_t i = 0; i < n; i++)
            key[i] = (char)tolower((unsigned char)(*p)[8 + i]);
        key[n] = '\0';
        const struct opt *o = find_opt(key, n);
        if (!o)
            continue; /* other ICHIGEN_* variables (e.g. test knobs) are not settings */
        char source[80];
        snprintf(source, sizeof(source), "ICHIGEN_%.*s", (int)n, *p + 8);
        if (apply(c, o, eq + 1, source, e))
            return -1;
    }
    return 0;
}

/* Recognises --name=value or --name value (names use '-' or '_'). Returns 1 if consumed two
 * arguments, 0 if one, -1 on error, 2 if not a setting. */
static int take_arg(struct config *c, char **argv, int i, int argc, struct err *e)
{
    const char *a = argv[i], *eq, *value;
    char key[64];
    size_t n;
    if (strncmp(a, "--", 2))
        return 2;
    a += 2;
    eq = strchr(a, '=');
    n = eq ? (size_t)(eq - a) : strlen(a);
    if (n >= sizeof(key))
        return 2;
    for (size_t k = 0; k < n; k++)
        key[k] = a[k] == '-' ? '_' : a[k];
    key[n] = '\0';
    const struct opt *o = find_opt(key, n);
    if (!o)
        return 2;
    if (o->secret == 2) {
        char up[64];
        for (size_t k = 0; k <= n; k++)
            up[k] = (char)toupper((unsigned char)key[k]);
        return err_set(e, -1,
                       "--%s: not accepted on the command line (other users can read it); set "
                       "it in the config file or ICHIGEN_%s",
                       key, up);
    }
    if (eq) {
        value = eq + 1;
    } else {
        if (i + 1 >= argc)
            return err_set(e, -1, "--%s: missing value", key);
        value = argv[i + 1];
    }
    char source[80];
    snprintf(source, sizeof(source), "--%s", key);
    if (apply(c, o, value, source, e))
        return -1;
    return eq ? 0 : 1;
}

int config_load_files(struct config *c, int *argc, char **argv, struct err *e)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *path = NULL;
        if (!strcmp(argv[i], "--config")) {
            if (i + 1 >= *argc)
                return err_set(e, -1, "--config: missing file name");
            path = argv[++i];
        } else if (!strncmp(argv[i], "--config=", 9)) {
            path = argv[i] + 9;
        } else {
            argv[out++] = argv[i];
            continue;
        }
        if (config_load_file(c, path, e))
            return -1;
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int config_load_args(struct config *c, int *argc, char **argv, struct err *e)
{
    int out = 1;
    if (config_load_files(c, argc, argv, e))
        return -1;
    for (int i = 1; i < *argc; i++) {
        int r = take_arg(c, argv, i, *argc, e);
        if (r < 0)
            return -1;
        if (r == 2)
            argv[out++] = argv[i];
        else
            i += r;
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

/* ---- public_url (RFC 3986 §3: scheme "://" authority path) ---- */

/* Adds one reason to the list of a URL's problems ("; " between them). */
static void reason(char *out, size_t n, const char *why)
{
    size_t used = strlen(out);
    if (used + 1 < n)
        snprintf(out + used, n - used, "%s%s", used ? "; " : "", why);
}

/* The host of the authority a[0..n): a bracketed IPv6 literal (RFC 3986 §3.2.2), or dot-separated
 * labels of letters, digits and hyphens (a host name, RFC 1123 §2.1, or an IPv4 address). */
static bool host_ok(const char *a, size_t n)
{
    if (n >= 2 && a[0] == '[')
        return a[n - 1] == ']' && n <= 2 + 45 && strspn(a + 1, "0123456789abcdefABCDEF:.") == n - 2;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0, label = 0; i <= n; i++) {
        if (i == n || a[i] == '.') {
            size_t len = i - label;
            if (len == 0 || len > 63 || a[label] == '-' || a[i - 1] == '-')
                return false;
            label = i + 1;
        } else if (!isalnum((unsigned char)a[i]) && a[i] != '-') {
            return false;
        }
    }
    return true;
}

/* The authority a[0..n): host[:port], no user information. */
static void authority_check(const char *a, size_t n, char *why, size_t wn)
{
    const char *close = memchr(a, ']', n);
    const char *colon = NULL;
    for (const char *p = close ? close : a; p < a + n; p++)
        colon = *p == ':' ? p : colon;
    size_t hn = colon ? (size_t)(colon - a) : n;
    if (memchr(a, '@', n)) {
        reason(why, wn, "must not carry user information (user@host)");
        return;
    }
    if (!host_ok(a, hn))
        reason(why, wn, "needs a host name or address after the scheme");
    if (colon) {
        int64_t port;
        char digits[8] = "";
        size_t pn = n - hn - 1;
        if (pn > 0 && pn < sizeof(digits))
            memcpy(digits, colon + 1, pn);
        if (pn == 0 || pn >= sizeof(digits) || strspn(digits, "0123456789") != pn ||
            parse_int64(digits, 1, 65535, &port))
            reason(why, wn, "has a port that is not a number from 1 to 65535");
    }
}

/* The path p[0..n) ("" or "/seg/seg"): RFC 3986 pchar only (unreserved, sub-delims, ':', '@',
 * %XX), no empty, "." or ".." segment; a query or fragment is reported apart. */
static void path_check(const char *p, size_t n, char *why, size_t wn)
{
    bool bad_char = false, bad_seg = false;
    for (size_t i = 0, seg = 0; i <= n; i++) {
        if (i == n || p[i] == '/') {
            size_t len = i - seg;
            if (i > 0 && (len == 0 || (len == 1 && p[seg] == '.') ||
                          (len == 2 && p[seg] == '.' && p[seg + 1] == '.')))
                bad_seg = true;
            seg = i + 1;
            continue;
        }
        unsigned char c = (unsigned char)p[i];
        if (c == '%')
            bad_char |= i + 2 >= n || !isxdigit((unsigned char)p[i + 1]) ||
                        !isxdigit((unsigned char)p[i + 2]);
        else if (!isalnum(c) && !strchr("-._~!$&'()*+,;=:@", c))
            bad_char = true;
    }
    if (bad_seg)
        reason(why, wn, "has an empty, \".\" or \"..\" path segment");
    if (bad_char)
        reason(why, wn,
               "has a character a URL path may not hold (spaces, non-ASCII, quotes, "
               "<>, \\, ^, `, {|}: percent-encode them)");
}

int config_public_url_check(const char *url, struct err *e)
{
    char why[400] = "";
    size_t n = strlen(url), skip;
    if (n == 0)
        return 0;
    if (!strncmp(url, "https://", 8))
        skip = 8;
    else if (!strncmp(url, "http://", 7))
        skip = 7;
    else
        return err_set(e, -1,
                       "public_url: \"%.100s\" must begin with https:// (or http://), e.g. "
                       "https://ichigen.example.go.jp",
                       url);
    const char *a = url + skip, *end = url + n;
    const char *q = strpbrk(a, "?#");
    if (q) {
        reason(why, sizeof(why), "must not have a query (?) or fragment (#)");
        end = q;
    }
    const char *slash = memchr(a, '/', (size_t)(end - a));
    const char *path = slash ? slash : end;
    authority_check(a, (size_t)(path - a), why, sizeof(why));
    path_check(path, (size_t)(end - path), why, sizeof(why));
    if (why[0])
        return err_set(e, -1, "public_url: \"%.100s\" %s (e.g. https://ichigen.example.go.jp)", url,
                       why);
    return 0;
}

int config_finish(struct config *c, struct err *e)
{
    int lvl_ok = !strcmp(c->log_level, "debug") || !strcmp(c->log_level, "info") ||
                 !strcmp(c->log_level, "warn") || !strcmp(c->log_level, "error");
    if (!lvl_ok)
        return err_set(e, -1, "log_level: \"%s\" is not debug, info, warn or error", c->log_level);
    if (strcmp(c->cookie_secure, "auto") && strcmp(c->cookie_secure, "on") &&
        strcmp(c->cookie_secure, "off"))
        return err_set(e, -1, "cookie_secure: \"%s\" is not auto, on or off", c->cookie_secure);
    if (c->page_size_default > c->page_size_max)
        return err_set(e, -1, "page_size_default (%lld) exceeds page_size_max (%lld)",
                       (long long)c->page_size_default, (long long)c->page_size_max);
    if (!c->data_dir[0])
        return err_set(e, -1, "data_dir: must not be empty");
    /* trailing slashes after the host are dropped: links are the base followed by "/taxii2/…" */
    const char *host = strstr(c->public_url, "://");
    size_t keep = host ? (size_t)(host - c->public_url) + 4 : 0;
    for (size_t n = strlen(c->public_url); n > keep && c->public_url[n - 1] == '/'; n--)
        c->public_url[n - 1] = '\0';
    if (config_public_url_check(c->public_url, e))
        return -1;
    if (!c->db_path[0]) {
        int n = snprintf(c->db_path, sizeof(c->db_path), "%s/ichigen.db", c->data_dir);
        if (n < 0 || (size_t)n >= sizeof(c->db_path))
            return err_set(e, -1, "data_dir: too long");
    }
    if (!c->store_url[0]) {
        int n = snprintf(c->store_url, sizeof(c->store_url), "sqlite:%s", c->db_path);
        if (n < 0 || (size_t)n >= sizeof(c->store_url))
            return err_set(e, -1, "db_path: too long");
    }
    return 0;
}

void config_describe(struct buf *out, bool markdown)
{
    if (markdown)
        buf_puts(out, "| setting | default | range | meaning |\n|---|---|---|---|\n");
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        const struct opt *o = &opts[i];
        char range[64] = "text";
        if (o->type == OPT_INT)
            snprintf(range, sizeof(range), "%lld..%lld", (long long)o->min, (long long)o->max);
        const char *def = o->secret ? "(secret, unset)" : (o->def[0] ? o->def : "(empty)");
        if (markdown)
            buf_appendf(out, "| `%s` | `%s` | %s | %s |\n", o->name, def, range, o->doc);
        else
            buf_appendf(out, "%-26s %-12s %-18s %s\n", o->name, def, range, o->doc);
    }
}
