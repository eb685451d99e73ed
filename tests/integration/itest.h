/*
 * itest.h — helpers shared by the integration tests (tests/integration/itest_*.c).
 *
 * What it is: starting and stopping the real `ichigen serve` binary ($ICHIGEN_BIN) on
 * 127.0.0.1 with a fresh temporary data directory, running CLI sub-commands against that
 * directory, an HTTP client on libcurl, a few jansson helpers, and a fixture with the
 * organisations, users and tokens most tests need. What it is not: a test framework (cmocka
 * is) or a mock of anything — every request goes to the real process over TCP.
 *
 * Who calls it: the integration test programs only. Functions return 0 / -1 (or a pointer /
 * NULL) and print the reason to stderr on failure; the tests assert on the result.
 *
 * Processes: a server is started with PR_SET_PDEATHSIG, so it dies if the test dies; the
 * signal follows the *thread* that forked, so start servers from the main thread. Servers
 * still running at exit are killed and their directories removed (atexit), so a failed
 * assertion never leaves a process or a temporary directory behind.
 */
#ifndef TESTS_INTEGRATION_ITEST_H
#define TESTS_INTEGRATION_ITEST_H

#include <sys/types.h>

#include <jansson.h>

#include "core/core.h"

#define ITEST_READY_TIMEOUT_MS 30000 /* generous: sanitizer builds start slowly */
#define ITEST_CLI_TIMEOUT_MS 60000
#define ITEST_HTTP_TIMEOUT_S 60
#define ITEST_MAX_SETTINGS 16

/* Sleeps ms milliseconds (polling loops in the tests). */
void itest_sleep_ms(int ms);

/* ---- the server process ---- */

struct itest_server {
    char dir[256];     /* temporary data directory, removed by itest_server_release */
    char ready[320];   /* --ready-file: the port, written once listening */
    char log[320];     /* the server's stdout and stderr, appended across restarts */
    char cli_log[320]; /* stderr of the CLI commands run against dir */
    const char *settings[ITEST_MAX_SETTINGS + 1]; /* "--setting=value", NULL-ended, borrowed */
    pid_t pid;                                    /* 0 when not running */
    int port;
    char base[64]; /* "http://127.0.0.1:PORT" */
    /* With ICHIGEN_ITEST_PG_URL set (a PostgreSQL server's store URL, issue 14): the database
     * made for this server ("it_…", dropped by itest_server_release) and the setting that points
     * the server and every CLI command at it; "" on SQLite (the data directory's file). */
    char pg_db[64];
    char store_arg[700];
};

/* Whether the tests run on PostgreSQL (ICHIGEN_ITEST_PG_URL set): for the few tests that look
 * at the SQLite file itself. */
bool itest_on_pg(void);

/* Creates a fresh temporary data directory (mkdtemp) and remembers settings (NULL-ended
 * "--name=value" strings that must outlive s; NULL for none). Does not start anything.
 * Returns 0 or -1. */
int itest_server_init(struct itest_server *s, const char *const *settings);

/* Issue 14 item 2: another node on first's store — a fresh data directory and settings as
 * itest_server_init, with first's --store-url (its PostgreSQL database, which this server's
 * release leaves alone). PostgreSQL only (itest_on_pg). Returns 0 or -1. */
int itest_server_init_node(struct itest_server *s, const struct itest_server *first,
                           const char *const *settings);

/* Starts `ichigen serve --data-dir DIR --port 0 --ready-file FILE SETTINGS…` and waits for the
 * ready file. Also used to restart on the same directory. Returns 0, or -1 (the process did
 * not come up within ITEST_READY_TIMEOUT_MS; it has been killed). */
int itest_server_start(struct itest_server *s);

/* Sends sig (SIGTERM for a clean stop, SIGKILL for a crash) and reaps the process; escalates
 * to SIGKILL if it has not exited within 30 s. Returns the exit code (0–255), 128 + the signal
 * that ended it, or -1 if nothing was running. */
int itest_server_stop(struct itest_server *s, int sig);

/* True when neither the server's log nor the CLI's stderr holds a sanitizer report
 * (AddressSanitizer, LeakSanitizer, UBSan "runtime error:"); otherwise prints it and returns
 * false. */
bool itest_logs_clean(const struct itest_server *s);

/* Stops with SIGTERM and checks the end of a run: exit code 0 (LeakSanitizer exits non-zero
 * when the server leaks) and clean logs. Returns 0 or -1. */
int itest_server_finish(struct itest_server *s);

/* Kills the server if it runs (SIGKILL) and removes the directory (kept when ITEST_KEEP is set
 * in the environment, for debugging). Safe to call twice. */
void itest_server_release(struct itest_server *s);

/* One SQL statement on s's store behind the service's back, as someone with access to the
 * database itself would run it: the data directory's SQLite file, or s's PostgreSQL database
 * (issue 14), whether the server runs or not. Write SQL both dialects accept; the parameters
 * params[0…n-1] are text bound as $1…$n (SQLite names "$1" like PostgreSQL numbers it, and
 * converts the text where a column has INTEGER affinity, SQLite 3 "Datatypes" §4.2/§4.3;
 * PostgreSQL infers each type, §34.3.1 PQexecParams). Returns the result's rows as a JSON array
 * of arrays — each value a string as the database prints it, bytes (BLOB / BYTEA) as lowercase
 * hex, or null — and in *changes (may be NULL) how many rows an INSERT, UPDATE or DELETE
 * changed; NULL on an error, printed to stderr. The caller json_decref()s. */
json_t *itest_sql(const struct itest_server *s, const char *sql, const char *const *params,
                  size_t n, long long *changes);

/* Reads a whole file (NUL-terminated, caller frees). Returns NULL if it cannot. */
char *itest_read_file(const char *path, size_t *len);

/* Prints the last `tail` bytes of the server's log and of the CLI's stderr to stderr, so a
 * failure seen only on a CI machine leaves its evidence in the test log. */
void itest_dump_logs(const struct itest_server *s, size_t tail);

/* ---- the CLI ---- */

/* Runs $ICHIGEN_BIN with argv (NULL-ended, without the program name). stdin_text (may be NULL)
 * is written to its standard input; when out is non-NULL, *out receives its standard output
 * (NUL-terminated, caller frees). Standard error goes to s->cli_log (the test's own stderr when
 * s is NULL). Returns the exit code, 128 + signal, or -1 if it could not run or timed out. */
int itest_run(const struct itest_server *s, const char *stdin_text, char **out,
              const char *const *argv);

/* itest_cli(s, stdin, &out, "admin", "create-org", …, NULL): itest_run with "--data-dir DIR"
 * appended. At most 30 arguments. */
int itest_cli(const struct itest_server *s, const char *stdin_text, char **out, ...);

/* ---- HTTP ---- */

struct itest_req {
    const char *method;       /* default: POST when body is set, else GET */
    const char *path;         /* e.g. "/api/v1/reports?limit=3" */
    const char *token;        /* bearer token, or NULL for none */
    const char *body;         /* request body, or NULL */
    size_t body_len;          /* 0: strlen(body) */
    const char *content_type; /* default "application/json" when there is a body */
    const char *headers[6];   /* extra "Name: value" lines, NULL-ended */
    bool chunked;             /* send the body with chunked transfer-coding, no Content-Length */
    const char *source_addr;  /* connect from this local address (e.g. "127.0.0.2"), or NULL */
    bool path_as_is;          /* send path exactly (no "/../" squashing by libcurl) */
};

struct itest_resp {
    long status; /* 0 when the request failed at the transport level */
    char *body;  /* NUL-terminated */
    size_t len;
    json_t *json; /* the parsed body when its type is JSON (any "+json" too), else NULL */
    char etag[64];
    char location[256];
    char content_location[256];
    char content_type[128];
    char retry_after[32];
    char www_authenticate[128];
    char allow[128];
    char idempotent_replayed[16];
    char request_id[64];
    char *headers; /* every header line as received ("Name: value\r\n"…), NUL-terminated */
};

/* The value of response header name (the first one; case-insensitive name) copied into out
 * (n bytes, truncated), or NULL when the response has none. */
const char *itest_header(const struct itest_resp *r, const char *name, char *out, size_t n);

/* Performs one request on a new connection. Fills out (release it with itest_resp_release even
 * on failure). Thread-safe (itest_global_init must have run). Returns 0 when a response
 * arrived, -1 on a transport error (connection refused or reset, timeout). */
int itest_http(const struct itest_server *s, const struct itest_req *rq, struct itest_resp *out);
void itest_resp_release(struct itest_resp *r);

/* Shorthands that return the status (0 on transport error). */
long itest_get(const struct itest_server *s, const char *token, const char *path,
               struct itest_resp *out);
long itest_post(const struct itest_server *s, const char *token, const char *path, const char *body,
                struct itest_resp *out);

/* The slug of a problem+json response: "not_found" from "urn:ichigen:problem:not_found".
 * Borrowed from r->json; "" when r is not a problem. */
const char *itest_problem_code(const struct itest_resp *r);

/* Process-wide set-up: libcurl's global state and SIGPIPE ignored. Call once from main before any
 * thread starts; cleanup at the end. */
void itest_global_init(void);
void itest_global_cleanup(void);

/* ---- JSON ---- */

/* A string / integer at an RFC 6901 pointer in doc; NULL / -1 when absent or of another type.
 * The string is borrowed from doc. */
const char *itest_jstr(json_t *doc, const char *ptr);
json_int_t itest_jint(json_t *doc, const char *ptr);

/* Loads a JSON file relative to $ICHIGEN_SOURCE_ROOT (e.g. "docs/examples/full-report.json").
 * New reference, or NULL. */
json_t *itest_load_json(const char *relpath);

/* The early-warning example with description.summary replaced (NULL keeps it). New reference. */
json_t *itest_report_doc(const char *summary);

/* Compact serialisation (caller frees). */
char *itest_dump(const json_t *j);

/* ---- the common fixture ---- */

struct itest_user {
    char username[64];
    char password[64];
    char id[40];
    char org_id[40];
    char token[64]; /* from `ichigen admin create-token` */
    /* two-factor sign-in (issue 12), when on: the base32 secret and the newest time step whose
     * code was used (each is accepted once) */
    char totp[64];
    int64_t totp_step;
};

struct itest_fixture {
    struct itest_server srv;
    char org_a[40], org_b[40]; /* reporting organisations */
    char org_c[40];            /* a receiving authority: home of the recipient and authority */
    struct itest_user admin, rep_a, rep_b, recipient, authority;
};

/* Creates the directory, an admin, organisations A, B (kind company) and C (kind authority),
 * a reporter in A and in B, a recipient and an authority user in C, a token for each (all with
 * the CLI), then starts the server with settings. Returns 0 or -1. */
int itest_fixture_setup(struct itest_fixture *f, const char *const *settings);
void itest_fixture_teardown(struct itest_fixture *f);

/* Creates an organisation with the CLI (kind: "company", "authority" …). Returns 0 or -1. */
int itest_add_org(const struct itest_server *s, const char *name, const char *kind,
                  char org_id[40]);
/* The same with a critical-infrastructure sector and a prefecture ("JP-13"): issue 13's
 * audiences target by them. */
int itest_add_org_in(const struct itest_server *s, const char *name, const char *kind,
                     const char *sector, const char *prefecture, char org_id[40]);
/* Creates a user with the CLI (password "pw-<username>-secret"), then a token for it. */
int itest_add_user(const struct itest_server *s, const char *org_id, const char *username,
                   const char *role, struct itest_user *u);
/* A new API token for username (CLI `admin create-token`). */
int itest_new_token(const struct itest_server *s, const char *username, char token[64]);

/* A session token for u, by signing in over HTTP with u->password (and, when u has
 * two-factor sign-in on, a fresh code: itest_totp_next). Returns 0 or -1. */
int itest_login(const struct itest_server *s, struct itest_user *u, char token[64]);

/* ---- two-factor sign-in (issue 12) ---- */

/* The 6-digit TOTP code (RFC 6238, computed with liboath) of base32 secret b32 at time step
 * step (Unix time / 30). Returns 0 or -1. */
int itest_totp(const char *b32, int64_t step, char code[7]);
/* The code of u's next unused step the server accepts (within one step of now, after
 * u->totp_step), waiting with a bounded poll for the clock when every such step is used;
 * records the step in u. Returns 0 or -1. */
int itest_totp_next(struct itest_user *u, char code[7]);
/* Turns two-factor sign-in on for the owner of token, u (POST /api/v1/me/two-factor, then
 * /confirm with a code): u->totp and u->totp_step are set. Returns 0 or -1. */
int itest_two_factor_on(const struct itest_server *s, const char *token, struct itest_user *u);

/* The organisation's administrator (role org_admin; issue 8.12): created with the CLI while
 * the organisation has none (password "pw-<username>-secret", chosen by the operator, so no
 * change is required), its token by signing in — the CLI mints none for members of an
 * organisation that has an administrator — and its two-factor sign-in turned on (the role
 * requires it, issue 12). The server must be running. Returns 0 or -1. */
int itest_add_org_admin(const struct itest_server *s, const char *org_id, const char *username,
                        struct itest_user *u);

#endif
