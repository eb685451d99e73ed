/*
 * outbox_config.c — the routes of every recipient: the shipped delivery (data/recipients)
 * overridden by the operator's delivery file, which alone holds webhook secrets (outbox.h).
 * The file's structure is a field table on the validation engine (src/schema/), with hooks for
 * the endpoint (the SSRF guard, outbox_net.c) and the secret's length in bytes; the routes take
 * only values the walk found nothing wrong with, and then each webhook route must have both.
 * Also the receiver's receipt, the other small parser of this module.
 */
#include <sodium.h>

#include "outbox.h"
#include "../core/buf.h"
#include "../core/jsonx.h"
#include "../schema/schema.h"

#define CONCURRENCY_MAX 64
#define TIMEOUT_MAX 300

/* ---- the delivery file as a field table (src/schema/) ---- */

/* The endpoint's safety depends on the network policy, which the walk carries as user data. */
static void check_endpoint(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    const struct outbox_net_policy *net = schema_walk_user(w);
    struct err e;
    (void)f;
    err_init(&e);
    if (schema_walk_ok(w) && outbox_url_check(json_string_value(v), net, &e))
        schema_walk_emit(
            w, "endpoint", e.msg,
            "エンドポイントは https:// のURLにしてください（利用者情報・制御文字は不可）");
}

/* Bytes, not characters: the secret is an HMAC key (outbox_sign.c). */
static void check_secret(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    size_t n = json_string_length(v);
    (void)f;
    if (schema_walk_ok(w) && (n < OUTBOX_SECRET_MIN || n > OUTBOX_SECRET_MAX))
        schema_walk_emit(w, "secret", "must be a string of 32 to 256 bytes (use a random value)",
                         "32〜256バイトの文字列にしてください（乱数で生成した値を使ってください）");
}

static const struct rf_enum channel_values[] = {{"webhook", "webhook", "webhook"},
                                                {"inbox", "受信箱", "inbox"},
                                                {"document", "文書", "document"},
                                                {0}};
static const struct rf_msg channel_msg = {"enum", "must be webhook, inbox or document",
                                          "webhook、inbox、document のいずれかにしてください"};
static const struct rf_msg concurrency_msg = {"range", "must be a whole number from 1 to 64",
                                              "1以上64以下の整数にしてください"};
static const struct rf_msg timeout_msg = {"range", "must be a whole number from 1 to 300",
                                          "1以上300以下の整数にしてください"};

static const struct rf_field route_fields[] = {
    {.name = "channel",
     .type = RF_ENUM,
     .values = channel_values,
     .ja = "経路",
     .en = "channel",
     .invalid = &channel_msg},
    {.name = "endpoint",
     .type = RF_STRING,
     .max = 2048,
     .ja = "エンドポイント",
     .en = "endpoint",
     .check = check_endpoint},
    /* any characters; the length in bytes is check_secret's */
    {.name = "secret",
     .type = RF_STRING,
     .flags = RF_OPAQUE,
     .max = 1024,
     .ja = "署名用の秘密鍵",
     .en = "signing secret",
     .check = check_secret},
    {.name = "concurrency",
     .type = RF_INTEGER,
     .min = 1,
     .max = CONCURRENCY_MAX,
     .ja = "同時送信数",
     .en = "concurrency",
     .invalid = &concurrency_msg},
    {.name = "timeout_s",
     .type = RF_INTEGER,
     .min = 1,
     .max = TIMEOUT_MAX,
     .ja = "タイムアウト（秒）",
     .en = "timeout (s)",
     .invalid = &timeout_msg},
    {0}};
static const struct rf_field route = {
    .type = RF_OBJECT, .fields = route_fields, .ja = "経路", .en = "route"};

static const struct rf_enum format_values[] = {
    {"ichigen-delivery/1", "配信設定形式第1版", "delivery format 1"}, {0}};
static const struct rf_msg format_msg = {"format", "must be \"ichigen-delivery/1\"",
                                         "\"ichigen-delivery/1\" にしてください"};

/* The format names the file's kind, so it is required with the format's own code. */
static void check_file(struct schema_walk *w, const struct rf_field *f, const json_t *v)
{
    (void)f;
    if (!json_object_get(v, "format"))
        schema_walk_emit_member(w, "format", format_msg.code, format_msg.en, format_msg.ja);
}

static const struct rf_field file_fields[] = {{.name = "format",
                                               .type = RF_ENUM,
                                               .values = format_values,
                                               .ja = "形式",
                                               .en = "format",
                                               .invalid = &format_msg},
                                              {.name = "recipients",
                                               .type = RF_MAP,
                                               .fields = &route,
                                               .max = 1000,
                                               .ja = "報告先",
                                               .en = "recipients"},
                                              {.name = "exercise_sink",
                                               .type = RF_OBJECT,
                                               .fields = route_fields,
                                               .ja = "演習用の送信先",
                                               .en = "exercise sink"},
                                              {0}};
static const struct rf_field file_root = {.type = RF_OBJECT,
                                          .fields = file_fields,
                                          .ja = "配信設定",
                                          .en = "delivery file",
                                          .check = check_file};

/* ---- routes: the shipped ones, with what the file gives ---- */

/* True when none of errs[from..] is at ptr or below it: that value of the file may be used. */
static bool clean(const struct verr_list *errs, size_t from, const char *ptr)
{
    size_t n = strlen(ptr);
    for (size_t i = from; i < errs->n; i++)
        if (!strncmp(errs->v[i].pointer, ptr, n) &&
            (errs->v[i].pointer[n] == '\0' || errs->v[i].pointer[n] == '/'))
            return false;
    return true;
}

/* The value of o's member key when the walk found nothing wrong with it, else NULL. */
static const json_t *usable(const json_t *o, const char *key, struct buf *at,
                            const struct verr_list *errs, size_t from)
{
    const json_t *v = json_object_get(o, key);
    size_t saved = at->len;
    bool ok;
    if (!v)
        return NULL;
    jsonx_ptr_push(at, key, strlen(key));
    ok = clean(errs, from, buf_cstr(at));
    buf_truncate(at, saved);
    return ok ? v : NULL;
}

static void override_route(const json_t *o, struct buf *at, const struct verr_list *errs,
                           size_t from, struct outbox_route *r)
{
    const json_t *v;
    if ((v = usable(o, "channel", at, errs, from)))
        r->channel = (enum rules_channel)rules_channel_parse(json_string_value(v));
    if ((v = usable(o, "endpoint", at, errs, from)))
        xstrlcpy(r->endpoint, json_string_value(v), sizeof(r->endpoint));
    if ((v = usable(o, "secret", at, errs, from))) {
        memcpy(r->secret, json_string_value(v), json_string_length(v));
        r->secret_len = json_string_length(v);
    }
    if ((v = usable(o, "concurrency", at, errs, from)))
        r->concurrency = (int)json_integer_value(v);
    if ((v = usable(o, "timeout_s", at, errs, from)))
        r->timeout_s = (int)json_integer_value(v);
}

/* A webhook route must be able to send: an endpoint and a secret. `given` is the route's object
 * in the file (NULL when the file has none): a value it gave and the walk refused has its
 * problem already, which a second "required" would only repeat (issue 8 item 7). */
static void check_webhook(struct verr_list *errs, const struct outbox_route *r, const char *at,
                          const json_t *given)
{
    char ptr[1100];
    if (r->channel != CHANNEL_WEBHOOK)
        return;
    if (!r->endpoint[0] && !json_object_get(given, "endpoint")) {
        snprintf(ptr, sizeof(ptr), "%s/endpoint", at);
        schema_emit_path(&file_root, errs, ptr, "required", "a webhook recipient needs an endpoint",
                         "webhook で受け取る報告先にはエンドポイントが必要です");
    }
    if (!r->secret_len && !json_object_get(given, "secret")) {
        snprintf(ptr, sizeof(ptr), "%s/secret", at);
        schema_emit_path(&file_root, errs, ptr, "required",
                         "a webhook recipient needs a signing secret",
                         "webhook で受け取る報告先には署名用の秘密鍵が必要です");
    }
}

static void shipped(const struct ruleset *rs, size_t i, int conc, int timeout,
                    struct outbox_route *r)
{
    struct rules_recipient_view v;
    rules_recipient_at(rs, i, &v);
    memset(r, 0, sizeof(*r));
    xstrlcpy(r->recipient_id, v.id, sizeof(r->recipient_id));
    r->channel = v.delivery->channel;
    if (v.delivery->endpoint)
        xstrlcpy(r->endpoint, v.delivery->endpoint, sizeof(r->endpoint));
    r->concurrency = conc;
    r->timeout_s = timeout;
}

/* "/recipients/<id>" with the id escaped (RFC 6901). */
static void route_pointer(struct buf *at, const char *id)
{
    buf_truncate(at, 0);
    buf_puts(at, "/recipients");
    jsonx_ptr_push(at, id, strlen(id));
}

static void apply_file(const json_t *doc, struct outbox_config *out, int def_concurrency,
                       int def_timeout_s, struct verr_list *errs, size_t from)
{
    const json_t *sink;
    const char *id;
    json_t *o;
    struct buf at;
    buf_init(&at, 4096);
    json_object_foreach(json_object_get(doc, "recipients"), id, o)
    {
        struct outbox_route *r = (struct outbox_route *)outbox_route_of(out, id);
        route_pointer(&at, id);
        if (!r)
            schema_emit_path(&file_root, errs, buf_cstr(&at), "unknown_recipient",
                             "no recipient in data/recipients has this id",
                             "data/recipients にこのIDの報告先がありません");
        else if (json_is_object(o))
            override_route(o, &at, errs, from, r);
    }
    if (json_is_object(sink = json_object_get(doc, "exercise_sink"))) {
        out->has_sink = true;
        xstrlcpy(out->sink.recipient_id, "exercise-sink", sizeof(out->sink.recipient_id));
        out->sink.concurrency = def_concurrency;
        out->sink.timeout_s = def_timeout_s;
        buf_truncate(&at, 0);
        buf_puts(&at, "/exercise_sink");
        override_route(sink, &at, errs, from, &out->sink);
        out->sink.channel = CHANNEL_WEBHOOK; /* a sink is always a webhook */
        check_webhook(errs, &out->sink, "/exercise_sink", sink);
    }
    buf_release(&at);
}

size_t outbox_config_build(const struct ruleset *rs, const json_t *doc,
                           const struct outbox_net_policy *net, int def_concurrency,
                           int def_timeout_s, struct outbox_config *out, struct verr_list *errs)
{
    struct schema_run run = {.root = &file_root, .user = (void *)net};
    size_t before = errs->n + errs->dropped, from = errs->n;
    struct buf at;
    memset(out, 0, sizeof(*out));
    out->net = *net;
    out->nroutes = rules_recipient_count(rs);
    out->routes = xcalloc(out->nroutes + 1, sizeof(*out->routes));
    for (size_t i = 0; i < out->nroutes; i++)
        shipped(rs, i, def_concurrency, def_timeout_s, &out->routes[i]);
    if (doc) {
        schema_run(&run, doc, errs);
        apply_file(doc, out, def_concurrency, def_timeout_s, errs, from);
    }
    buf_init(&at, 4096);
    for (size_t i = 0; i < out->nroutes; i++) {
        const json_t *given =
            json_object_get(json_object_get(doc, "recipients"), out->routes[i].recipient_id);
        route_pointer(&at, out->routes[i].recipient_id);
        check_webhook(errs, &out->routes[i], buf_cstr(&at), given);
    }
    buf_release(&at);
    return errs->n + errs->dropped - before;
}

void outbox_config_release(struct outbox_config *c)
{
    if (c->routes)
        for (size_t i = 0; i < c->nroutes; i++)
            sodium_memzero(c->routes[i].secret, sizeof(c->routes[i].secret));
    sodium_memzero(c->sink.secret, sizeof(c->sink.secret));
    free(c->routes);
    memset(c, 0, sizeof(*c));
}

const struct outbox_route *outbox_route_of(const struct outbox_config *c, const char *recipient)
{
    for (size_t i = 0; recipient && i < c->nroutes; i++)
        if (!strcmp(c->routes[i].recipient_id, recipient))
            return &c->routes[i];
    return NULL;
}

/* ---- receipts ---- */

static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return n > 0;
}

char *outbox_receipt_parse(const char *body, size_t len, char *ref, size_t n)
{
    json_t *doc = NULL;
    char *out = NULL;
    ref[0] = '\0';
    if (!body || len == 0 || len > OUTBOX_RECEIPT_MAX ||
        jsonx_load_object(body, len, 16, &doc, NULL))
        return NULL;
    json_t *rc = json_object_get(doc, "receipt");
    if (!json_is_object(rc))
        rc = doc;
    const json_t *r = json_object_get(rc, "reference");
    size_t rl = json_is_string(r) ? json_string_length(r) : 0;
    if (rl && rl < n && rl <= 128 && printable(json_string_value(r), rl)) {
        memcpy(ref, json_string_value(r), rl);
        ref[rl] = '\0';
        out = json_dumps(rc, JSON_COMPACT | JSON_SORT_KEYS);
    }
    json_decref(doc);
    return out;
}
