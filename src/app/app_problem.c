/*
 * app_problem.c — the table of problems (app_problem.h) and the outcome helpers.
 *
 * Texts: titles say what went wrong in a few words; details say what to do about it. A row
 * without a detail here gets one from the caller (it names a value of the request: a limit,
 * a version, a header) or has none (the errors array says everything).
 */
#include "app_problem.h"
#include "../store/store.h"

#define ROW(id, code, status, ten, tja, den, dja, when)                                            \
    [APP_PROB_##id] = {#id, code, status, ten, tja, den, dja, when}

static const struct app_problem_def rows[APP_PROB__COUNT] = {
    /* ---- the request and its authorisation ---- */
    ROW(NOT_FOUND, "not_found", 404, "Not found", "見つかりません",
        "There is no such resource, or it is not visible to you.",
        "該当するリソースがないか、閲覧する権限がありません。",
        "no such path or object, or another organisation's object (never told apart)"),
    ROW(FORBIDDEN, "forbidden", 403, "Forbidden", "権限がありません",
        "Your role does not allow this operation.", "このロールではこの操作はできません。",
        "the caller's role may never perform the route's action (permission matrix)"),
    ROW(INVALID_TOKEN, "invalid_token", 401, "Unauthorized", "認証が必要です",
        "The bearer token is unknown, expired or revoked.",
        "トークンが無効です（不明、期限切れ又は失効済み）。",
        "a bearer token that is unknown, expired or revoked, or whose user is disabled"),
    ROW(UNAUTHORIZED, "unauthorized", 401, "Unauthorized", "認証が必要です",
        "Send a bearer token: Authorization: Bearer <token> (POST /api/v1/auth/login "
        "issues one).",
        "Authorization: Bearer <token> ヘッダでトークンを送ってください（POST "
        "/api/v1/auth/login で発行できます）。",
        "no bearer token, or credentials of another scheme"),
    ROW(INVALID_AUTHORIZATION, "invalid_authorization", 400, "Malformed Authorization header",
        "Authorization ヘッダの形式が正しくありません",
        "The Authorization header field must be exactly \"Bearer <token>\": one token, "
        "nothing after it (RFC 6750 §2.1).",
        "Authorization ヘッダフィールドは \"Bearer <token>\" の形で、トークン1つだけを送って"
        "ください（RFC 6750 §2.1）。",
        "an Authorization field that is not exactly Bearer and one token (RFC 6750 §3.1)"),
    ROW(PASSWORD_CHANGE_REQUIRED, "password_change_required", 403, "Password change required",
        "パスワードの変更が必要です",
        "This account's password was set by someone else: choose your "
        "own with POST /api/v1/me/password before anything else.",
        "このアカウントのパスワードは他の人が設定したものです。まず POST "
        "/api/v1/me/password で自分のパスワードに変更してください。",
        "a setup token (password set by someone else) used for anything but the change"),
    ROW(UNAVAILABLE, "unavailable", 503, "Service unavailable", "一時的に利用できません",
        "Storage is unavailable; nothing was saved. Retry shortly.",
        "保存先が一時的に利用できないため、何も保存されていません。しばらくして再試行してください"
        "。",
        "the store failed; sent with Retry-After: 1"),
    ROW(METHOD_NOT_ALLOWED, "method_not_allowed", 405, "Method not allowed",
        "このメソッドは使用できません", "See the Allow header.", "Allow ヘッダを参照してください。",
        "the path exists with other methods (listed in Allow)"),
    ROW(PAYLOAD_TOO_LARGE, "payload_too_large", 413, "Payload too large", "データが大きすぎます",
        NULL, NULL, "a body above max_body_bytes (the detail names the limit)"),
    ROW(UNSUPPORTED_CHARSET, "unsupported_media_type", 415, "Unsupported media type",
        "サポートされていないメディアタイプです",
        "JSON bodies are read as UTF-8 only (RFC 8259 §8.1): send "
        "Content-Type: application/json, or with charset=utf-8.",
        "JSON の本文は UTF-8 のみ受け付けます（RFC 8259 §8.1）。Content-Type: "
        "application/json（charset を付けるなら charset=utf-8）で送ってください。",
        "application/json with a charset other than utf-8"),
    ROW(UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415, "Unsupported media type",
        "サポートされていないメディアタイプです",
        "Send the body as Content-Type: application/json.",
        "本文は Content-Type: application/json で送ってください。",
        "a body whose Content-Type is not application/json"),
    ROW(NOT_ACCEPTABLE, "not_acceptable", 406, "Not acceptable", "応答できる形式がありません", NULL,
        NULL, "an Accept header that admits none of the media types the resource has (TAXII)"),
    ROW(MALFORMED_JSON, "malformed_json", 400, "Malformed JSON", "JSONの形式が正しくありません",
        NULL, NULL, "a body that is not one JSON object (the detail gives line and column)"),
    ROW(BAD_QUERY, "bad_query", 400, "Bad query parameter", "クエリパラメータが不正です", NULL,
        NULL, "an unknown, repeated or invalid query parameter (the detail names it)"),
    ROW(URI_TOO_LONG, "uri_too_long", 414, "URI too long", "URIが長すぎます", NULL, NULL,
        "a request-target above 8192 bytes; the connection is closed"),
    ROW(BAD_TARGET, "bad_target", 400, "Bad request target", "リクエストURIが不正です", NULL, NULL,
        "a request-target with a forbidden byte or escape; the connection is closed"),
    ROW(HEADERS_TOO_LARGE, "headers_too_large", 431, "Request header fields too large",
        "リクエストヘッダが大きすぎます", NULL, NULL,
        "a request head above 16384 bytes; the connection is closed"),
    ROW(BAD_HEADER, "bad_header", 400, "Bad header field", "ヘッダフィールドが不正です", NULL, NULL,
        "a header field name that is not a token or a value with a control character"),
    ROW(BAD_HOST, "bad_header", 400, "Bad header field", "ヘッダフィールドが不正です",
        "The Host header field is not a host name or address with an optional port "
        "(RFC 9112 §3.2).",
        "Host ヘッダフィールドが、ホスト名又はアドレス（ポート番号は任意）になっていません"
        "（RFC 9112 §3.2）。",
        "a Host field that is not a host with an optional port; the connection is closed"),
    ROW(DUPLICATE_HEADER, "duplicate_header", 400, "Repeated header field",
        "ヘッダフィールドが重複しています", NULL, NULL,
        "a field read as one value sent more than once; the connection is closed"),
    ROW(MISSING_HOST, "missing_host", 400, "Host header field required",
        "Host ヘッダフィールドが必要です",
        "An HTTP/1.1 request needs a Host header field (RFC 9112 §3.2).",
        "HTTP/1.1 のリクエストには Host ヘッダフィールドが必要です（RFC 9112 §3.2）。",
        "an HTTP/1.1 request without Host; the connection is closed"),
    ROW(BAD_FRAMING, "bad_framing", 400, "Ambiguous message framing",
        "メッセージの区切りが曖昧です",
        "Send either Content-Length or Transfer-Encoding, not both (RFC 9112 §6.1).",
        "Content-Length と Transfer-Encoding はどちらか一方だけを送ってください"
        "（RFC 9112 §6.1）。",
        "Content-Length together with Transfer-Encoding; the connection is closed"),
    ROW(UNSUPPORTED_TRANSFER_CODING, "unsupported_transfer_coding", 501,
        "Transfer coding not supported", "転送コーディングに対応していません",
        "Transfer-Encoding may only be chunked (RFC 9112 §6.1).",
        "Transfer-Encoding は chunked のみ使用できます（RFC 9112 §6.1）。",
        "a transfer coding other than chunked; the connection is closed"),
    ROW(BAD_BYTE, "bad_byte", 400, "NUL byte in the request", "リクエストにNULバイトがあります",
        "The request holds a NUL byte (0x00), which HTTP allows in no request line or field "
        "and JSON in no body.",
        "リクエストにNULバイト（0x00）が含まれています。HTTPのリクエスト行・ヘッダ、JSONの"
        "本文のいずれにも使用できません。",
        "a NUL byte anywhere in the request; the connection is closed"),

    /* ---- input and storage ---- */
    ROW(VALIDATION, "validation", 422, "The request has invalid fields", "入力内容に誤りがあります",
        "See errors: every problem is listed.", "errors に問題点をすべて示しています。",
        "a body that does not fit its field table; every problem in errors"),
    ROW(INVALID_FIELDS, "validation", 422, "The request has invalid fields",
        "入力内容に誤りがあります", NULL, NULL,
        "an account request (users, passwords) with invalid fields; every problem in errors"),
    ROW(VALIDATION_UNSAVED, "validation", 422, "The request has invalid fields",
        "入力内容に誤りがあります", "See errors: every problem is listed; nothing was saved.",
        "errors に問題点をすべて示しています。保存はされていません。",
        "an asset, loss scenario or simulation request with problems; every one in errors"),
    ROW(CONFLICT_UNIQUE, "conflict", 409, "Conflict", "競合しています",
        "A unique value (such as a username or corporate number) is already taken.",
        "一意であるべき値（ユーザー名、法人番号など）が既に使われています。",
        "a unique value (username, corporate number …) is taken"),
    ROW(INVALID_REFERENCE, "invalid_reference", 422, "Invalid reference", "参照先が存在しません",
        "The request refers to something that does not exist.", "存在しないものを参照しています。",
        "the request names an object that does not exist"),
    ROW(PRECONDITION_REQUIRED, "precondition_required", 428, "Precondition required",
        "前提条件の指定が必要です", NULL, NULL,
        "a change of a versioned object without If-Match (or with \"*\")"),
    ROW(PRECONDITION_FAILED, "precondition_failed", 412, "Precondition failed",
        "前提条件が満たされていません", NULL, NULL,
        "If-Match names an older version; the answer's ETag is the current one"),

    /* ---- accounts ---- */
    ROW(THROTTLED, "throttled", 429, "Too many failed sign-ins", "サインインの失敗が多すぎます",
        "Wait the number of seconds in Retry-After, then try again; the wait grows "
        "with further failures but stays short, and no account is locked.",
        "Retry-After の秒数だけ待ってから再度お試しください。失敗が続くと待ち時間は"
        "延びますが短時間に限られ、アカウントがロックされることはありません。",
        "a sign-in (or password change) during a delay after failures; sent with Retry-After"),
    ROW(LOGIN_FAILED, "login_failed", 401, "Sign-in failed", "サインインできませんでした",
        "The username or password is wrong.", "ユーザー名又はパスワードが違います。",
        "an unknown name, a wrong password or a disabled user (never told apart)"),
    ROW(ORG_HAS_ADMIN, "forbidden", 403, "Forbidden", "権限がありません",
        "This organisation has its own administrator: only they create and change its users.",
        "この組織には組織管理者がいます。ユーザーの作成・変更は組織管理者だけが行えます。",
        "the platform administrator acting on users of an organisation with an administrator"),
    ROW(ONBOARDING_ONLY, "forbidden", 403, "Forbidden", "権限がありません",
        "For another organisation the platform administrator may only give it its first "
        "administrator: create a user with role org_admin while it has no users, or make an "
        "existing member org_admin while it has no administrator.",
        "他の組織に対してプラットフォーム管理者ができるのは最初の組織管理者を置くことだけです"
        "（ユーザーがいない組織に role org_admin "
        "のユーザーを作成する、又は組織管理者がいない組織"
        "の既存のユーザーを org_admin にする）。",
        "the platform administrator doing more than appointing a first administrator"),
    ROW(LAST_ADMINISTRATOR, "last_administrator", 409, "Conflict", "競合しています",
        "This would leave the organisation without an enabled administrator; "
        "appoint another first.",
        "組織に有効な管理者がいなくなります。先に別の管理者を置いてください。",
        "disabling or demoting the organisation's last enabled administrator"),
    ROW(ADMINS_CHANGED, "conflict", 409, "Conflict", "競合しています",
        "The organisation's administrators changed meanwhile; reload and retry.",
        "組織の管理者がその間に変更されました。再読み込みして再試行してください。",
        "the organisation's administrators changed between the check and the write"),

    ROW(UNKNOWN_ORGANIZATION, "validation", 422, "The request has invalid fields",
        "入力内容に誤りがあります", NULL, NULL,
        "a new user for an organisation that does not exist (errors: /org_id)"),
    ROW(ROLE_REFUSED, "validation", 422, "The request has invalid fields",
        "入力内容に誤りがあります", NULL, NULL,
        "role admin outside the platform operator's organisation (errors: /role)"),

    /* ---- governance ---- */
    ROW(ANSWERS_INVALID, "validation", 422, "The answers have problems", "回答に問題があります",
        "Every problem is listed in errors; nothing was saved.",
        "問題点をすべて errors に示しています。保存はされていません。",
        "an assessment whose framework or answers do not fit the questionnaire"),
    ROW(ASSESSMENT_SUBMITTED, "assessment_submitted", 409, "The assessment is submitted",
        "この自己評価は提出済みです",
        "A submitted assessment cannot change; create a new assessment for the next "
        "period.",
        "提出済みの自己評価は変更できません。次の期間の自己評価を新たに作成してください。",
        "saving or submitting an assessment that is already submitted"),
    ROW(FRAMEWORK_UNAVAILABLE, "framework_unavailable", 409, "Framework version no longer offered",
        "このフレームワークの版は提供されていません",
        "The framework version of this assessment is not loaded on this server; "
        "create a new assessment.",
        "この自己評価のフレームワークの版はこのサーバーに読み込まれていません。"
        "新しい自己評価を作成してください。",
        "an assessment whose questionnaire version is no longer loaded"),
    ROW(INCOMPLETE, "incomplete", 422, "The assessment is incomplete", "自己評価が未完了です",
        "Every function needs at least one answered question before submission.",
        "提出前に、すべての機能で少なくとも1問に回答してください。",
        "submitting an assessment with a function without answers; each one in errors"),
    ROW(NO_SUBMITTED_ASSESSMENT, "no_submitted_assessment", 409, "No submitted assessment",
        "提出済みの自己評価がありません",
        "A rating report needs a submitted self-assessment: create one, answer it and "
        "submit it (POST /api/v1/assessments).",
        "格付けレポートには提出済みの自己評価が必要です。自己評価を作成・回答して提出してください"
        "（POST /api/v1/assessments）。",
        "a rating report for an organisation without a submitted assessment"),
    ROW(RATING_INCONSISTENT, "rating_inconsistent", 500, "The rating report could not be assembled",
        "格付けレポートを作成できませんでした",
        "The stored figures failed the report's consistency checks (listed in "
        "errors). This is a fault of the service; please report it.",
        "保存されている数値が整合性検査に通りませんでした（errors "
        "を参照）。サービスの不具合です。",
        "stored figures that fail the rating document's checks (a fault of the service)"),
    ROW(PDF_FAILED, "pdf_failed", 500, "The PDF could not be produced", "PDFを作成できませんでした",
        NULL, NULL, "drawing the rating PDF failed (fonts, cairo); the detail says why"),
    ROW(SIMULATION_REFUSED, "simulation_refused", 422, "The simulation cannot run",
        "シミュレーションを実行できません", NULL, NULL,
        "a simulation the risk module refuses to run (a bound); the detail says which"),

    /* ---- reports and submissions ---- */
    ROW(REPORT_INVALID, "validation", 422, "The report has problems", "報告内容に問題があります",
        "Every problem is listed in errors; nothing was saved.",
        "問題点をすべて errors に示しています。保存はされていません。",
        "a report that fails the format or its cross-field rules; every problem in errors"),
    ROW(BAD_IDEMPOTENCY_KEY, "bad_idempotency_key", 400, "Bad Idempotency-Key",
        "Idempotency-Key が不正です",
        "Idempotency-Key must be 1 to 200 printable ASCII characters.",
        "Idempotency-Key は1〜200文字の表示可能なASCII文字にしてください。",
        "an Idempotency-Key that is empty, too long or not printable ASCII"),
    ROW(IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused", 422, "Idempotency-Key reused",
        "Idempotency-Key が再利用されています",
        "This Idempotency-Key was already used with a different report body.",
        "この Idempotency-Key は別の内容の報告で使用済みです。",
        "an Idempotency-Key already used with another body"),
    ROW(AMEND_PRECONDITION_REQUIRED, "precondition_required", 428, "Precondition required",
        "前提条件の指定が必要です",
        "Amendments need If-Match with the ETag of the version you changed, e.g. "
        "If-Match: \"v1\" (\"*\" is not accepted).",
        "訂正・追記には、変更元の版の ETag を If-Match で指定してください（例: If-Match: "
        "\"v1\"。\"*\" は使用できません）。",
        "an amendment without If-Match (or with \"*\")"),
    ROW(RENDERING_FAILED, "rendering_failed", 500, "The document could not be produced",
        "文書を作成できませんでした", NULL, NULL,
        "drawing a submission's document failed; the detail says why"),
    ROW(SUBMISSION_STATE, "submission_state", 409, "Not in this state", "この状態ではできません",
        NULL, NULL,
        "a filing or receipt the submission's state does not allow; the detail says why"),
    ROW(INCIDENT_WITHDRAWN, "incident_withdrawn", 409, "Incident withdrawn",
        "取り下げられた事案です",
        "The reporter withdrew this incident: it cannot be amended, submitted or withdrawn again.",
        "報告者がこの事案を取り下げました。訂正、提出、再度の取下げはできません。",
        "an amend, submit or withdrawal of an incident already withdrawn (issue 10 item 4)"),

    /* ---- the web UI (issue 12) ---- */
    ROW(SESSION_INVALID, "session_invalid", 401, "Not signed in", "サインインしていません",
        "Your session has ended (signed out, unused for too long, or too old): sign in again "
        "(POST /api/v1/auth/session).",
        "セッションが終了しています（サインアウト、一定時間の無操作、又は有効期間の経過）。"
        "もう一度サインインしてください（POST /api/v1/auth/session）。",
        "no session cookie, or one whose session is unknown, revoked, idle too long or too old"),
    ROW(CSRF_TOKEN_INVALID, "csrf_token_invalid", 403, "Missing or wrong CSRF token",
        "CSRF トークンがないか、正しくありません",
        "A change made with the session cookie must carry the header X-CSRF-Token with the "
        "csrf_token of GET /api/v1/auth/session; reload the page and retry.",
        "セッション Cookie による変更には、GET /api/v1/auth/session の csrf_token を "
        "X-CSRF-Token ヘッダで送る必要があります。ページを再読み込みしてやり直してください。",
        "a request authenticated by the session cookie, other than GET or HEAD, without the "
        "session's X-CSRF-Token"),
    ROW(TWO_FACTOR_REQUIRED, "two_factor_required", 401, "Two-factor code required",
        "2段階認証のコードが必要です",
        "This account signs in with a second factor: send totp_code (the 6 digits of your "
        "authenticator app) or one of your recovery_code values with the password.",
        "このアカウントは2段階認証を使っています。パスワードと一緒に totp_code（認証アプリの"
        "6桁）又は recovery_code（リカバリーコード）を送ってください。",
        "a correct password for an account with two-factor sign-in, without a valid code "
        "(the body also has \"two_factor\": true)"),
    ROW(TWO_FACTOR_SETUP_REQUIRED, "two_factor_setup_required", 403, "Two-factor setup required",
        "2段階認証の設定が必要です",
        "Your role requires two-factor sign-in: set it up first (POST /api/v1/me/two-factor, "
        "then POST /api/v1/me/two-factor/confirm).",
        "このロールでは2段階認証が必須です。先に設定してください（POST /api/v1/me/two-factor、"
        "続いて POST /api/v1/me/two-factor/confirm）。",
        "a session of an authority, org_admin or admin user without two-factor sign-in, used "
        "for anything but the session, /me, the password and the two-factor routes"),
    ROW(TWO_FACTOR_REQUIRED_FOR_ROLE, "two_factor_required_for_role", 409,
        "Two-factor sign-in is required for this role", "このロールでは2段階認証が必須です",
        "Authority users, organisation administrators and platform administrators cannot "
        "turn two-factor sign-in off.",
        "当局ユーザー、組織管理者及びプラットフォーム管理者は2段階認証を無効にできません。",
        "turning two-factor sign-in off for a role that requires it"),
    ROW(TWO_FACTOR_STATE, "two_factor_state", 409, "Conflict", "競合しています", NULL, NULL,
        "a two-factor step that does not fit the account's state (confirming without an "
        "enrolment, enrolling when already enabled; the detail says which)"),

    /* ---- advisories (issue 13) ---- */
    ROW(ADVISORY_WITHDRAWN, "advisory_withdrawn", 409, "Advisory withdrawn",
        "取り下げられた注意喚起です",
        "This advisory was withdrawn: it cannot be amended or withdrawn again.",
        "この注意喚起は取り下げられています。改訂や再度の取下げはできません。",
        "an amendment, TLP downgrade or withdrawal of an advisory already withdrawn"),
};

const struct app_problem_def *app_problem_def(enum app_problem p)
{
    if (p <= APP_OK || p >= APP_PROB__COUNT || !rows[p].code)
        BUG("no problem row %d", (int)p);
    return &rows[p];
}

/* A table cell: '|' would end the cell, a newline the row. */
static void cell(struct buf *out, const char *s)
{
    if (!s) {
        buf_puts(out, "(depends on the request)");
        return;
    }
    for (; *s; s++) {
        if (*s == '|')
            buf_puts(out, "\\|");
        else
            buf_putc(out, *s == '\n' ? ' ' : *s);
    }
}

void app_problems_markdown(struct buf *out)
{
    buf_puts(out, "| code | status | title (en / ja) | detail (en / ja) | answered when |\n"
                  "|---|---|---|---|---|\n");
    for (int p = APP_OK + 1; p < APP_PROB__COUNT; p++) {
        const struct app_problem_def *d = app_problem_def((enum app_problem)p);
        buf_appendf(out, "| `%s` | %d | ", d->code, d->status);
        cell(out, d->title_en);
        buf_puts(out, " / ");
        cell(out, d->title_ja);
        buf_puts(out, " | ");
        if (d->detail_en) {
            cell(out, d->detail_en);
            buf_puts(out, " / ");
            cell(out, d->detail_ja);
        } else {
            cell(out, NULL);
        }
        buf_puts(out, " | ");
        cell(out, d->when);
        buf_puts(out, " |\n");
    }
}

void app_result_init(struct app_result *res, size_t max_errors)
{
    memset(res, 0, sizeof(*res));
    verr_list_init(&res->errs, max_errors);
}

void app_result_release(struct app_result *res)
{
    verr_list_release(&res->errs);
}

enum app_problem app_fail(struct app_result *res, enum app_problem p)
{
    res->problem = p;
    return p;
}

enum app_problem app_fail_detail(struct app_result *res, enum app_problem p, const char *en,
                                 const char *ja)
{
    xstrlcpy(res->detail_en, en, sizeof(res->detail_en));
    xstrlcpy(res->detail_ja, ja, sizeof(res->detail_ja));
    return app_fail(res, p);
}

enum app_problem app_fail_unavailable(struct app_result *res)
{
    size_t max = res->errs.max;
    verr_list_release(&res->errs);
    verr_list_init(&res->errs, max);
    return app_fail(res, APP_PROB_UNAVAILABLE);
}

enum app_problem app_fail_if_errors(struct app_result *res, enum app_problem p)
{
    return verr_any(&res->errs) ? app_fail(res, p) : APP_OK;
}

enum app_problem app_fail_param(struct app_result *res, const char *name, const char *why_en,
                                const char *why_ja)
{
    char ptr[80], en[300], ja[300];
    snprintf(ptr, sizeof(ptr), "?%s", name);
    snprintf(en, sizeof(en), "query parameter %s: %s", name, why_en);
    snprintf(ja, sizeof(ja), "クエリパラメータ %s: %s", name, why_ja);
    verr_add(&res->errs, ptr, "bad_query", en, ja);
    return app_fail_detail(res, APP_PROB_BAD_QUERY, en, ja);
}

enum app_problem app_fail_store(struct app_result *res, int store_result)
{
    res->store = store_result;
    return app_fail(res, app_store_problem(store_result));
}

enum app_problem app_store_problem(int store_result)
{
    switch (store_result) {
    case STORE_OK:
        return APP_OK;
    case STORE_NOT_FOUND:
        return APP_PROB_NOT_FOUND;
    case STORE_EXISTS:
        return APP_PROB_CONFLICT_UNIQUE;
    case STORE_INVALID:
        return APP_PROB_INVALID_REFERENCE;
    default:
        return APP_PROB_UNAVAILABLE;
    }
}
