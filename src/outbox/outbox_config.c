/*
 * outbox_config.c — the routes of every recipient: the shipped delivery (data/recipients)
 * overridden by the operator's delivery file, which alone holds webhook secrets (outbox.h).
 * Also the receiver's receipt, the other small parser of this module.
 */
#include <sodium.h>

#include "outbox.h"
#include "../core/jsonx.h"

#define CONCURRENCY_MAX 64
#define TIMEOUT_MAX 300

struct cctx {
    struct verr_list *errs;
    size_t n;
};

static void problem(struct cctx *c, const char *ptr, const char *code, const char *en,
                    const char *ja)
{
    verr_add(c->errs, ptr, code, en, ja);
    c->n++;
}

static const char *const route_keys[] = {"channel", "endpoint", "secret", "concurrency",
                                         "timeout_s"};

static bool known(const char *k, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(keys[i], k))
            return true;
    return false;
}

static void int_in(struct cctx *c, const json_t *o, const char *key, const char *at, int lo, int hi,
                   int *out)
{
    const json_t *v = json_object_get(o, key);
    char ptr[280], en[120], ja[120];
    if (!v)
        return;
    snprintf(ptr, sizeof(ptr), "%s/%s", at, key);
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(en, sizeof(en), "must be a whole number from %d to %d", lo, hi);
        snprintf(ja, sizeof(ja), "%d以上%d以下の整数にしてください", lo, hi);
        problem(c, ptr, "range", en, ja);
        return;
    }
    *out = (int)json_integer_value(v);
}

/* Endpoint and secret of a webhook (route or sink). */
static void webhook_parts(struct cctx *c, const json_t *o, const char *at,
                          const struct outbox_net_policy *net, struct outbox_route *r)
{
    char ptr[280];
    struct err e;
    const json_t *ep = json_object_get(o, "endpoint"), *sec = json_object_get(o, "secret");
    if (ep) {
        snprintf(ptr, sizeof(ptr), "%s/endpoint", at);
        err_init(&e);
        if (!json_is_string(ep) || outbox_url_check(json_string_value(ep), net, &e))
            problem(c, ptr, "endpoint", json_is_string(ep) ? e.msg : "must be a string",
                    "エンドポイントは https:// のURLにしてください（利用者情報・制御文字は不可）");
        else
            xstrlcpy(r->endpoint, json_string_value(ep), sizeof(r->endpoint));
    }
    if (sec) {
        snprintf(ptr, sizeof(ptr), "%s/secret", at);
        size_t n = json_is_string(sec) ? json_string_length(sec) : 0;
        if (n < OUTBOX_SECRET_MIN || n > OUTBOX_SECRET_MAX) {
            problem(c, ptr, "secret", "must be a string of 32 to 256 bytes (use a random value)",
                    "32〜256バイトの文字列にしてください（乱数で生成した値を使ってください）");
        } else {
            memcpy(r->secret, json_string_value(sec), n);
            r->secret_len = n;
        }
    }
}

static void override_route(struct cctx *c, const json_t *o, const char *at,
                           const struct outbox_net_policy *net, struct outbox_route *r)
{
    const char *k;
    json_t *v;
    char ptr[280];
    if (!json_is_object(o)) {
        problem(c, at, "type", "must be an object", "オブジェクトにしてください");
        return;
    }
    json_object_foreach((json_t *)o, k, v)
    {
        if (known(k, route_keys, ARRAY_SIZE(route_keys)))
            continue;
        snprintf(ptr, sizeof(ptr), "%s/%s", at, k);
        problem(c, ptr, "unknown_field", "is not a setting of a route",
                "経路の設定項目ではありません");
    }
    const json_t *ch = json_object_get(o, "channel");
    if (ch) {
        int cv = rules_channel_parse(json_string_value(ch));
        snprintf(ptr, sizeof(ptr), "%s/channel", at);
        if (cv < 0)
            problem(c, ptr, "enum", "must be webhook, inbox or document",
                    "webhook、inbox、document のいずれかにしてください");
        else
            r->channel = (enum rules_channel)cv;
    }
    webhook_parts(c, o, at, net, r);
    int_in(c, o, "concurrency", at, 1, CONCURRENCY_MAX, &r->concurrency);
    int_in(c, o, "timeout_s", at, 1, TIMEOUT_MAX, &r->timeout_s);
}

/* A webhook route must be able to send: an endpoint and a secret. `given` is the route's object
 * in the file (NULL when the file has none): a value it gave and webhook_parts refused has its
 * problem already, which a second "required" would only repeat (issue 8 item 7). */
static void check_webhook(struct cctx *c, const struct outbox_route *r, const char *at,
                          const json_t *given)
{
    char ptr[280];
    if (r->channel != CHANNEL_WEBHOOK)
        return;
    if (!r->endpoint[0] && !json_object_get(given, "endpoint")) {
        snprintf(ptr, sizeof(ptr), "%s/endpoint", at);
        problem(c, ptr, "required", "a webhook recipient needs an endpoint",
                "webhook で受け取る報告先にはエンドポイントが必要です");
    }
    if (!r->secret_len && !json_object_get(given, "secret")) {
        snprintf(ptr, sizeof(ptr), "%s/secret", at);
        problem(c, ptr, "required", "a webhook recipient needs a signing secret",
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

static void top_level(struct cctx *c, const json_t *doc)
{
    static const char *const keys[] = {"format", "recipients", "exercise_sink"};
    const char *k;
    json_t *v;
    const char *fmt = json_string_value(json_object_get(doc, "format"));
    if (!fmt || strcmp(fmt, "ichigen-delivery/1"))
        problem(c, "/format", "format", "must be \"ichigen-delivery/1\"",
                "\"ichigen-delivery/1\" にしてください");
    json_object_foreach((json_t *)doc, k, v)
    {
        char ptr[280];
        if (known(k, keys, ARRAY_SIZE(keys)))
            continue;
        snprintf(ptr, sizeof(ptr), "/%s", k);
        problem(c, ptr, "unknown_field", "is not a part of a delivery file",
                "配信設定ファイルの項目ではありません");
    }
}

size_t outbox_config_build(const struct ruleset *rs, const json_t *doc,
                           const struct outbox_net_policy *net, int def_concurrency,
                           int def_timeout_s, struct outbox_config *out, struct verr_list *errs)
{
    struct cctx c = {errs, 0};
    char at[200];
    memset(out, 0, sizeof(*out));
    out->net = *net;
    out->nroutes = rules_recipient_count(rs);
    out->routes = xcalloc(out->nroutes + 1, sizeof(*out->routes));
    for (size_t i = 0; i < out->nroutes; i++)
        shipped(rs, i, def_concurrency, def_timeout_s, &out->routes[i]);
    if (doc) {
        const json_t *recips = json_object_get(doc, "recipients"), *sink;
        const char *id;
        json_t *o;
        top_level(&c, doc);
        json_object_foreach((json_t *)recips, id, o)
        {
            snprintf(at, sizeof(at), "/recipients/%s", id);
            struct outbox_route *r = (struct outbox_route *)outbox_route_of(out, id);
            if (!r)
                problem(&c, at, "unknown_recipient", "no recipient in data/recipients has this id",
                        "data/recipients にこのIDの報告先がありません");
            else
                override_route(&c, o, at, net, r);
        }
        if ((sink = json_object_get(doc, "exercise_sink"))) {
            out->has_sink = true;
            xstrlcpy(out->sink.recipient_id, "exercise-sink", sizeof(out->sink.recipient_id));
            out->sink.channel = CHANNEL_WEBHOOK;
            out->sink.concurrency = def_concurrency;
            out->sink.timeout_s = def_timeout_s;
            override_route(&c, sink, "/exercise_sink", net, &out->sink);
            out->sink.channel = CHANNEL_WEBHOOK; /* a sink is always a webhook */
            check_webhook(&c, &out->sink, "/exercise_sink", sink);
        }
    }
    for (size_t i = 0; i < out->nroutes; i++) {
        const json_t *given =
            json_object_get(json_object_get(doc, "recipients"), out->routes[i].recipient_id);
        snprintf(at, sizeof(at), "/recipients/%s", out->routes[i].recipient_id);
        check_webhook(&c, &out->routes[i], at, given);
    }
    return c.n;
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
