/*
 * schema_format.c — the string formats a field table can name (enum rf_format): corporate
 * numbers, LEIs, ISO country and currency codes, CVE and ATT&CK ids, e-mail addresses, URLs,
 * identifiers, time-zone names …, and the value syntax of typed indicators of compromise.
 * They live with the engine because the walker checks them (a format is part of the table
 * language, like a JSON Schema "format"). Pure functions; no locale, no I/O.
 */
#include <arpa/inet.h>

#include "schema.h"

/* ISO 3166-1 alpha-2, officially assigned codes (249). */
static const char countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW";

/* ISO 4217 alphabetic codes, current ones plus a few withdrawn since 2020 (HRK, CUC, SLL, ZWL)
 * because a report may describe losses booked before the change. */
static const char currencies[] =
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD "
    "BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP "
    "DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG HUF IDR ILS "
    "INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD "
    "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR "
    "PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS "
    "SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW "
    "UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS "
    "XUA XXX YER ZAR ZMW ZWG ZWL";

static bool in_code_list(const char *list, const char *s, size_t n)
{
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && !memcmp(p, s, n))
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

static bool all_of(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return false;
    return true;
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define HEX "0123456789abcdefABCDEF"

/* 法人番号: the first digit is a check digit over the other twelve (国税庁, 法人番号の指定等に
 * 関する省令 第1条): 9 - (Σ Pn×Qn mod 9), Pn the n-th digit counted from the right of the 12-digit
 * base, Qn = 1 for odd n and 2 for even n. */
static enum fmt_result corporate_number(const char *s, size_t n)
{
    int sum = 0;
    if (n != 13 || !all_of(s, n, DIGITS))
        return FMT_BAD;
    for (int k = 1; k <= 12; k++)
        sum += (s[13 - k] - '0') * (k % 2 ? 1 : 2);
    return (9 - sum % 9) == s[0] - '0' ? FMT_OK : FMT_CHECK_DIGIT;
}

/* LEI (ISO 17442): 18 alphanumerics + 2 check digits, ISO 7064 MOD 97-10 over the whole
 * code with letters as 10..35 must leave 1. */
static enum fmt_result lei(const char *s, size_t n)
{
    unsigned rem = 0;
    if (n != 20 || !all_of(s, 18, DIGITS UPPER) || !all_of(s + 18, 2, DIGITS))
        return FMT_BAD;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            rem = (rem * 10 + (unsigned)(s[i] - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(s[i] - 'A' + 10)) % 97;
    }
    return rem == 1 ? FMT_OK : FMT_CHECK_DIGIT;
}

static bool email(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (!at || at == s || n > 254)
        return false;
    size_t local = (size_t)(at - s), dom = n - local - 1;
    if (local > 64 || dom < 3 || memchr(at + 1, '@', dom))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '<' || s[i] == '>' || s[i] == ',')
            return false;
    const char *dot = memchr(at + 1, '.', dom);
    return dot && dot != at + 1 && s[n - 1] != '.';
}

static bool phone(const char *s, size_t n)
{
    size_t digits = 0;
    if (n < 6 || n > 40)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (!(s[i] == '+' && i == 0) && !strchr(" -()", s[i]))
            return false;
    }
    return digits >= 6 && digits <= 20;
}

static bool url(const char *s, size_t n)
{
    size_t i = 0;
    if (n < 4 || !strchr(LOWER UPPER, s[0]))
        return false;
    while (i < n && strchr(LOWER UPPER DIGITS "+.-", s[i]) && s[i])
        i++;
    if (i + 3 >= n || memcmp(s + i, "://", 3))
        return false;
    for (size_t k = i + 3; k < n; k++)
        if ((unsigned char)s[k] <= ' ' || s[k] == 0x7f)
            return false;
    return true;
}

static bool domain(const char *s, size_t n)
{
    size_t label = 0, labels = 1;
    if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.' || s[0] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0, labels++;
            continue;
        }
        if (!(c >= 0x80 || (c && strchr(LOWER UPPER DIGITS "-_", (char)c))))
            return false;
        if (++label > 63 || (label == 1 && c == '-'))
            return false;
    }
    return labels >= 2;
}

static bool ip(int af, const char *s, size_t n)
{
    char tmp[64];
    unsigned char out[16];
    if (n == 0 || n >= sizeof(tmp))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    return inet_pton(af, tmp, out) == 1;
}

static bool file_ext(const char *s, size_t n)
{
    size_t start = s[0] == '.' ? 1 : 0;
    if (n <= start || n > 64)
        return false;
    for (size_t i = start; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '/' || s[i] == '\\')
            return false;
    return true;
}

static bool ident(const char *s, size_t n)
{
    return n >= 1 && n <= 64 && strchr(LOWER DIGITS, s[0]) && all_of(s, n, LOWER DIGITS "._-");
}

static bool tz_name(const char *s, size_t n)
{
    if (n == 0 || n > 64 || s[0] == '/' || s[n - 1] == '/')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '/' ? s[i + 1] == '/' : !strchr(LOWER UPPER DIGITS "_+-", s[i]) || !s[i])
            return false;
    return !strstr(s, "..");
}

/* CVE-YYYY-NNNN with 4 or more sequence digits (CVE ID syntax since 2014). */
static bool cve(const char *s, size_t n)
{
    return n >= 13 && n <= 30 && !memcmp(s, "CVE-", 4) && all_of(s + 4, 4, DIGITS) &&
           s[8] == '-' && all_of(s + 9, n - 9, DIGITS);
}

static bool attack_id(const char *s, size_t n)
{
    if (n != 5 && n != 9)
        return false;
    if (s[0] != 'T' || !all_of(s + 1, 4, DIGITS))
        return false;
    return n == 5 || (s[5] == '.' && all_of(s + 6, 3, DIGITS));
}

static bool prefecture(const char *s, size_t n)
{
    if (n != 5 || memcmp(s, "JP-", 3) || !all_of(s + 3, 2, DIGITS))
        return false;
    int code = (s[3] - '0') * 10 + (s[4] - '0');
    return code >= 1 && code <= 47;
}

enum fmt_result schema_format_check(enum rf_format f, const char *s, size_t n)
{
    bool ok = true;
    switch (f) {
    case RFMT_NONE: break;
    case RFMT_CORPORATE_NUMBER: return corporate_number(s, n);
    case RFMT_LEI: return lei(s, n);
    case RFMT_EMAIL: ok = email(s, n); break;
    case RFMT_PHONE: ok = phone(s, n); break;
    case RFMT_URL: ok = url(s, n); break;
    case RFMT_COUNTRY: ok = n == 2 && in_code_list(countries, s, n); break;
    case RFMT_CURRENCY: ok = n == 3 && in_code_list(currencies, s, n); break;
    case RFMT_ASSET:
        ok = (n == 3 && in_code_list(currencies, s, n)) ||
             (n >= 2 && n <= 10 && all_of(s, n, UPPER DIGITS));
        break;
    case RFMT_CVE: ok = cve(s, n); break;
    case RFMT_ATTACK_ID: ok = attack_id(s, n); break;
    case RFMT_PREFECTURE: ok = prefecture(s, n); break;
    case RFMT_IDENT: ok = ident(s, n); break;
    case RFMT_TZ: ok = tz_name(s, n); break;
    case RFMT_FILE_EXT: ok = file_ext(s, n); break;
    case RFMT_SECURITIES_CODE: ok = n == 4 && all_of(s, n, DIGITS UPPER); break;
    }
    return ok ? FMT_OK : FMT_BAD;
}

/* Defanged notation (hxxp://, example[.]com, user[@]example.com) is for e-mails and
 * tickets; indicators in a report must be machine-usable, so it is refused. */
static bool defanged(const char *s, size_t n)
{
    static const char *const marks[] = {"[.]", "(.)", "[:]", "[@]", "[at]", "[dot]"};
    char low[8];
    for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
        size_t m = strlen(marks[i]);
        for (size_t k = 0; k + m <= n; k++)
            if (!strncasecmp(s + k, marks[i], m))
                return true;
    }
    for (size_t i = 0; i < 5 && i < n; i++)
        low[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    return n >= 5 && (!memcmp(low, "hxxp", 4) || !memcmp(low, "fxp:", 4));
}

enum fmt_result schema_indicator_check(const char *type, const char *s, size_t n)
{
    bool ok;
    if (strcmp(type, "file_name") && strcmp(type, "user_agent") && defanged(s, n))
        return FMT_DEFANGED;
    if (!strcmp(type, "ipv4"))
        ok = ip(AF_INET, s, n);
    else if (!strcmp(type, "ipv6"))
        ok = ip(AF_INET6, s, n);
    else if (!strcmp(type, "domain"))
        ok = domain(s, n);
    else if (!strcmp(type, "url"))
        ok = url(s, n);
    else if (!strcmp(type, "email"))
        ok = email(s, n);
    else if (!strcmp(type, "md5"))
        ok = n == 32 && all_of(s, n, HEX);
    else if (!strcmp(type, "sha1"))
        ok = n == 40 && all_of(s, n, HEX);
    else if (!strcmp(type, "sha256"))
        ok = n == 64 && all_of(s, n, HEX);
    else if (!strcmp(type, "file_name"))
        ok = n <= 255 && !memchr(s, '/', n);
    else if (!strcmp(type, "crypto_wallet"))
        ok = n >= 20 && n <= 120 && all_of(s, n, LOWER UPPER DIGITS);
    else if (!strcmp(type, "asn")) {
        int64_t v;
        char tmp[16];
        size_t off = (n > 2 && !memcmp(s, "AS", 2)) ? 2 : 0;
        ok = n - off > 0 && n - off < 11 && all_of(s + off, n - off, DIGITS);
        if (ok) {
            memcpy(tmp, s + off, n - off);
            tmp[n - off] = '\0';
            ok = !parse_int64(tmp, 0, 4294967295LL, &v);
        }
    } else
        ok = true; /* user_agent and future types: any single line */
    return ok ? FMT_OK : FMT_BAD;
}

const char *schema_format_name(enum rf_format f, bool ja)
{
    static const char *const names[][2] = {
        [RFMT_NONE] = {"text", "文字列"},
        [RFMT_EMAIL] = {"e-mail address", "メールアドレス"},
        [RFMT_PHONE] = {"telephone number (digits, spaces, - ( ) and a leading +)",
                        "電話番号（数字、空白、-、()、先頭の+）"},
        [RFMT_URL] = {"absolute URL such as https://example.jp/", "https://example.jp/ のような絶対URL"},
        [RFMT_CORPORATE_NUMBER] = {"13-digit corporate number (法人番号)", "13桁の法人番号"},
        [RFMT_LEI] = {"20-character LEI (ISO 17442)", "20桁のLEI（ISO 17442）"},
        [RFMT_COUNTRY] = {"ISO 3166-1 alpha-2 country code such as JP",
                          "JP のようなISO 3166-1の2文字の国コード"},
        [RFMT_CURRENCY] = {"ISO 4217 currency code such as JPY", "JPY のようなISO 4217の通貨コード"},
        [RFMT_ASSET] = {"ISO 4217 currency code or crypto-asset ticker such as BTC",
                        "ISO 4217の通貨コード又は BTC のような暗号資産の略号"},
        [RFMT_CVE] = {"CVE id such as CVE-2024-3400", "CVE-2024-3400 のようなCVE番号"},
        [RFMT_ATTACK_ID] = {"ATT&CK technique id such as T1486 or T1566.001",
                            "T1486 や T1566.001 のようなATT&CKの技術ID"},
        [RFMT_PREFECTURE] = {"ISO 3166-2:JP prefecture code JP-01 to JP-47",
                             "JP-01〜JP-47 の都道府県コード（ISO 3166-2:JP）"},
        [RFMT_IDENT] = {"identifier of lower-case letters, digits, '.', '_' and '-'",
                        "英小文字・数字・「.」「_」「-」からなる識別子"},
        [RFMT_TZ] = {"IANA time-zone name such as Asia/Tokyo", "Asia/Tokyo のようなIANAタイムゾーン名"},
        [RFMT_FILE_EXT] = {"file-name extension such as .lockbit", ".lockbit のような拡張子"},
        [RFMT_SECURITIES_CODE] = {"4-character securities code such as 7203",
                                  "7203 のような4文字の証券コード"},
    };
    return names[f][ja ? 1 : 0];
}

const char *schema_format_pattern(enum rf_format f)
{
    switch (f) {
    case RFMT_CORPORATE_NUMBER: return "^[0-9]{13}$";
    case RFMT_LEI: return "^[0-9A-Z]{18}[0-9]{2}$";
    case RFMT_COUNTRY: return "^[A-Z]{2}$";
    case RFMT_CURRENCY: return "^[A-Z]{3}$";
    case RFMT_ASSET: return "^[A-Z0-9]{2,10}$";
    case RFMT_CVE: return "^CVE-[0-9]{4}-[0-9]{4,}$";
    case RFMT_ATTACK_ID: return "^T[0-9]{4}(\\.[0-9]{3})?$";
    case RFMT_PREFECTURE: return "^JP-(0[1-9]|[1-3][0-9]|4[0-7])$";
    case RFMT_IDENT: return "^[a-z0-9][a-z0-9._-]{0,63}$";
    case RFMT_PHONE: return "^\\+?[0-9 ()-]{6,40}$";
    case RFMT_SECURITIES_CODE: return "^[0-9A-Z]{4}$";
    default: return "";
    }
}
