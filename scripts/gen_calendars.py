#!/usr/bin/env python3
"""gen_calendars.py — writes the working-day calendars in data/calendars/ (format
"ichigen-calendar/1", docs/rules-format-spec.md "Calendars").

Holidays are legal data: every rule below names its source, and the output is committed and
reviewed as data (src/calendar/ only reads it; it never computes a holiday). Run it again after
changing a rule or when an official source publishes new dates, bump VERSION, and commit both:

    python3 scripts/gen_calendars.py            # writes data/calendars/*.json
    python3 scripts/gen_calendars.py --check    # exits 1 if the committed files differ

Python 3 standard library only; the output is deterministic (no clock is read).
"""

import datetime as dt
import json
import pathlib
import sys

VERSION = "2026-11-22"  # the date these files were last reviewed against their sources
YEARS = range(2020, 2031)  # coverage: 2020–2030 inclusive; dates outside are an error, not a guess
OUT_DIR = pathlib.Path(__file__).resolve().parent.parent / "data" / "calendars"

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)  # Python's date.weekday()


def nth_weekday(year, month, weekday, n):
    """The n-th `weekday` of a month (n = -1: the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def holiday(date, ja, en, provisional=False):
    return {"date": date.isoformat(), "name": {"ja": ja, "en": en}, "provisional": provisional}


# ---------------------------------------------------------------------------------------------
# Japan: 国民の祝日に関する法律 (昭和23年法律第178号, "祝日法")
# ---------------------------------------------------------------------------------------------

# 祝日法 第2条: fixed dates. 建国記念の日 is "政令で定める日" = 2月11日 (昭和41年政令第376号).
# 天皇誕生日 is 2月23日 from 2020 (祝日法 as amended by the 附則 of 天皇の退位等に関する皇室典範
# 特例法, 平成29年法律第63号; 2019 had no 天皇誕生日).
JP_FIXED = [
    (1, 1, "元日", "New Year's Day"),
    (2, 11, "建国記念の日", "National Foundation Day"),
    (2, 23, "天皇誕生日", "The Emperor's Birthday"),
    (4, 29, "昭和の日", "Showa Day"),
    (5, 3, "憲法記念日", "Constitution Memorial Day"),
    (5, 4, "みどりの日", "Greenery Day"),
    (5, 5, "こどもの日", "Children's Day"),
    (8, 11, "山の日", "Mountain Day"),
    (11, 3, "文化の日", "Culture Day"),
    (11, 23, "勤労感謝の日", "Labour Thanksgiving Day"),
]

# 祝日法 第2条: "Happy Monday" holidays — (month, which Monday). スポーツの日 was 体育の日
# until 2019 (平成30年法律第57号).
JP_MONDAYS = [
    (1, 2, "成人の日", "Coming of Age Day"),
    (7, 3, "海の日", "Marine Day"),
    (9, 3, "敬老の日", "Respect for the Aged Day"),
    (10, 2, "スポーツの日", "Sports Day"),
]

# 春分の日 = 春分日, 秋分の日 = 秋分日 (祝日法 第2条). The days are fixed by the 暦要項 of the
# National Astronomical Observatory of Japan, published in the 官報 on the first business day of
# February of the preceding year. As of VERSION, 2027 has been published (February 2026).
JP_EQUINOX_PUBLISHED = {  # year: (March day of 春分日, September day of 秋分日)
    2020: (20, 22), 2021: (20, 23), 2022: (21, 23), 2023: (21, 23),
    2024: (20, 22), 2025: (20, 23), 2026: (20, 23), 2027: (21, 23),
}


def jp_equinox_estimate(year):
    """The standard approximation (valid 1980–2099) of the equinox days in JST:
    春分日 = int(20.8431 + 0.242194 (Y - 1980) - int((Y - 1980) / 4)),
    秋分日 = int(23.2488 + 0.242194 (Y - 1980) - int((Y - 1980) / 4)).
    Used only for years the 官報 has not fixed yet; those holidays are marked provisional."""
    k = year - 1980
    return (int(20.8431 + 0.242194 * k - k // 4), int(23.2488 + 0.242194 * k - k // 4))


# 2020/2021: the Tokyo Olympics special-measures law (平成27年法律第33号 第32条; for 2020 as
# amended by 平成30年法律第55号, for 2021 by 令和2年法律第68号) moved three holidays for one year
# each. The moved date replaces the usual one.
JP_OLYMPIC_MOVES = {
    2020: {"海の日": (7, 23), "スポーツの日": (7, 24), "山の日": (8, 10)},
    2021: {"海の日": (7, 22), "スポーツの日": (7, 23), "山の日": (8, 8)},
}


def jp_shukujitsu(year):
    """The 国民の祝日 of a year: {date: (ja, en, provisional)}."""
    days = {}
    moves = JP_OLYMPIC_MOVES.get(year, {})
    for month, day, ja, en in JP_FIXED:
        month, day = moves.get(ja, (month, day))
        days[dt.date(year, month, day)] = (ja, en, False)
    for month, n, ja, en in JP_MONDAYS:
        date = dt.date(year, *moves[ja]) if ja in moves else nth_weekday(year, month, MON, n)
        days[date] = (ja, en, False)
    provisional = year not in JP_EQUINOX_PUBLISHED
    spring, autumn = JP_EQUINOX_PUBLISHED.get(year) or jp_equinox_estimate(year)
    days[dt.date(year, 3, spring)] = ("春分の日", "Vernal Equinox Day", provisional)
    days[dt.date(year, 9, autumn)] = ("秋分の日", "Autumnal Equinox Day", provisional)
    return days


def jp_holidays(year):
    """Every 休日 of 祝日法 第3条 in a year, as calendar entries sorted by date."""
    # 第3条第1項: a 国民の祝日 is a 休日. Neighbouring years are included so that the rules below
    # see across the year boundary.
    sj = {}
    for y in (year - 1, year, year + 1):
        sj.update(jp_shukujitsu(y))
    days = dict(sj)
    # 第3条第2項 (振替休日): a 国民の祝日 falling on a Sunday makes the nearest following day that
    # is not a 国民の祝日 a 休日. It is provisional when the Sunday holiday is.
    for date in sorted(sj):
        if date.weekday() == SUN:
            sub = date + dt.timedelta(days=1)
            while sub in sj:
                sub += dt.timedelta(days=1)
            days.setdefault(sub, ("振替休日", "Substitute holiday", sj[date][2]))
    # 第3条第3項 (国民の休日): a day (not itself a 国民の祝日) whose previous and next days are
    # both 国民の祝日 is a 休日 — e.g. 2026-09-22 between 敬老の日 and 秋分の日.
    for date in sorted(sj):
        mid, nxt = date + dt.timedelta(days=1), date + dt.timedelta(days=2)
        if nxt in sj and mid not in sj:
            provisional = sj[date][2] or sj[nxt][2]
            days.setdefault(mid, ("国民の休日", "Citizens' holiday", provisional))
    return [holiday(d, *days[d]) for d in sorted(days) if d.year == year]


JP_SOURCES = [
    {"title": "国民の祝日に関する法律（昭和23年法律第178号）第2条・第3条",
     "url": "https://laws.e-gov.go.jp/law/323AC1000000178"},
    {"title": "内閣府「国民の祝日について」",
     "url": "https://www8.cao.go.jp/chosei/shukujitsu/gaiyou.html",
     "note": "The Cabinet Office list (syukujitsu.csv) the generated dates are checked against."},
    {"title": "国立天文台 暦計算室「暦要項」（春分日・秋分日、官報掲載）",
     "url": "https://eco.mtk.nao.ac.jp/koyomi/yoko/",
     "note": "Equinox days are fixed in the 官報 each February for the next year; 2020–2027 are "
             "published dates, 2028–2030 the standard approximation (provisional)."},
    {"title": "平成三十二年東京オリンピック競技大会・東京パラリンピック競技大会特別措置法"
              "（平成27年法律第33号）第32条（平成30年法律第55号・令和2年法律第68号による改正）",
     "url": "https://laws.e-gov.go.jp/law/427AC0000000033",
     "note": "2020: 海の日 7/23, スポーツの日 7/24, 山の日 8/10; 2021: 海の日 7/22, "
             "スポーツの日 7/23, 山の日 8/8 (振替休日 8/9)."},
]

JP_NOTES = {
    "ja": "祝日法第2条の国民の祝日、第3条第2項の振替休日及び第3項の国民の休日。春分の日・秋分の日は"
          "2027年まで官報（暦要項）掲載日、2028年以降は近似式による推定日で provisional とした"
          "（翌年分が毎年2月に官報で確定したら更新すること）。生成: scripts/gen_calendars.py",
    "en": "National holidays (祝日法 Art. 2), substitute holidays (Art. 3(2)) and citizens' "
          "holidays (Art. 3(3)). Equinox days are the 官報 dates up to 2027 and the standard "
          "astronomical approximation from 2028, marked provisional (update when each year is "
          "published in February of the year before). Generated by scripts/gen_calendars.py.",
}


def jp_national():
    return {
        "id": "jp-national",
        "title": {"ja": "日本の国民の祝日・休日（土日を除く営業日）",
                  "en": "Japan: national holidays (business days exclude weekends and holidays)"},
        "timezone": "Asia/Tokyo",
        "holidays": [h for y in YEARS for h in jp_holidays(y)],
        "closures": [],
        "sources": JP_SOURCES,
        "notes": JP_NOTES,
    }


def jp_gov():
    cal = jp_national()
    cal["id"] = "jp-gov"
    cal["title"] = {"ja": "日本の行政機関の休日（土日・祝日・12月29日〜1月3日）",
                    "en": "Japan: closing days of national administrative agencies "
                          "(weekends, holidays, 29 December – 3 January)"}
    # 行政機関の休日に関する法律 第1条第1項: 一 日曜日及び土曜日; 二 祝日法に規定する休日;
    # 三 十二月二十九日から翌年の一月三日までの日.
    cal["closures"] = [{"from": "12-29", "to": "01-03",
                        "name": {"ja": "年末年始（行政機関の休日）",
                                 "en": "Year-end and New Year closure of administrative agencies"}}]
    cal["sources"] = [{"title": "行政機関の休日に関する法律（昭和63年法律第91号）第1条",
                       "url": "https://laws.e-gov.go.jp/law/363AC0000000091",
                       "note": "Art. 2: a deadline for a filing with a national agency that "
                               "falls on such a day moves to the next day (unless a law says "
                               "otherwise)."}] + JP_SOURCES
    return cal


# ---------------------------------------------------------------------------------------------
# United States: legal public holidays, 5 U.S.C. 6103(a)
# ---------------------------------------------------------------------------------------------

# (rule, ja, en). Juneteenth from 2021 (Pub. L. 117-17, signed 17 June 2021; first observed
# Friday 18 June 2021). Inauguration Day (5 U.S.C. 6103(c)) is a holiday only for employees in
# the District of Columbia area and is left out (see the verification note in the output).
US_HOLIDAYS = [
    (lambda y: dt.date(y, 1, 1), "元日", "New Year's Day"),
    (lambda y: nth_weekday(y, 1, MON, 3), "キング牧師誕生日", "Birthday of Martin Luther King, Jr."),
    (lambda y: nth_weekday(y, 2, MON, 3), "ワシントン誕生日", "Washington's Birthday"),
    (lambda y: nth_weekday(y, 5, MON, -1), "戦没将兵追悼記念日", "Memorial Day"),
    (lambda y: dt.date(y, 6, 19) if y >= 2021 else None, "ジューンティーンス独立記念日",
     "Juneteenth National Independence Day"),
    (lambda y: dt.date(y, 7, 4), "独立記念日", "Independence Day"),
    (lambda y: nth_weekday(y, 9, MON, 1), "レイバー・デー", "Labor Day"),
    (lambda y: nth_weekday(y, 10, MON, 2), "コロンブス・デー", "Columbus Day"),
    (lambda y: dt.date(y, 11, 11), "退役軍人の日", "Veterans Day"),
    (lambda y: nth_weekday(y, 11, THU, 4), "感謝祭", "Thanksgiving Day"),
    (lambda y: dt.date(y, 12, 25), "クリスマス", "Christmas Day"),
]


def us_observed(date):
    """5 U.S.C. 6103(b) and Executive Order 11582: a holiday on a Saturday is observed on the
    Friday before, one on a Sunday on the Monday after (so 1 January on a Saturday is observed
    on 31 December of the previous year, e.g. 2021-12-31)."""
    if date.weekday() == SAT:
        return date - dt.timedelta(days=1), True
    if date.weekday() == SUN:
        return date + dt.timedelta(days=1), True
    return date, False


# Days on which the President closed executive departments and agencies by executive order.
# Only closures with a citable order are listed; others are left out (see verification).
US_CLOSURES = [
    (dt.date(2020, 12, 24), "Executive Order of December 11, 2020", "2020年12月11日の大統領令"),
    (dt.date(2024, 12, 24), "Executive Order 14129", "大統領令第14129号"),
    (dt.date(2025, 1, 9), "Executive Order 14133, National Day of Mourning for President Carter",
     "大統領令第14133号・カーター元大統領の国民服喪の日"),
    (dt.date(2025, 12, 24), "Executive Order of December 18, 2025", "2025年12月18日の大統領令"),
    (dt.date(2025, 12, 26), "Executive Order of December 18, 2025", "2025年12月18日の大統領令"),
]


def us_holidays():
    days = {}
    for y in range(YEARS.start, YEARS.stop + 1):  # + the next year: its 1 January may move back
        for rule, ja, en in US_HOLIDAYS:
            date = rule(y)
            if date is None:
                continue
            obs, moved = us_observed(date)
            days[obs] = (ja + "（振替）", en + " (observed)") if moved else (ja, en)
    for date, en, ja in US_CLOSURES:
        assert date not in days, date
        days[date] = ("連邦行政機関の閉庁日（" + ja + "）",
                      "Executive departments closed (" + en + ")")
    return [holiday(d, *days[d]) for d in sorted(days) if d.year in YEARS]


def us_federal():
    return {
        "id": "us-federal",
        "title": {"ja": "米国連邦の祝日（SEC の営業日：土日・連邦祝日・大統領令による閉庁日を除く）",
                  "en": "US federal holidays — the SEC business-day calendar (weekends, federal "
                        "holidays and executive-order closures excluded)"},
        "timezone": "America/New_York",
        "holidays": us_holidays(),
        "closures": [],
        "sources": [
            {"title": "5 U.S.C. 6103 — Holidays",
             "url": "https://www.law.cornell.edu/uscode/text/5/6103"},
            {"title": "OPM — Federal Holidays (observed dates)",
             "url": "https://www.opm.gov/policy-data-oversight/pay-leave/federal-holidays/"},
            {"title": "Juneteenth National Independence Day Act, Pub. L. 117-17 (2021)",
             "url": "https://www.congress.gov/bill/117th-congress/senate-bill/475"},
            {"title": "Form 8-K, General Instruction B.1 (business days; events on a non-business "
                      "day start the count on the next business day)",
             "url": "https://www.sec.gov/files/form8-k.pdf"},
            {"title": "Executive Order 14129, Closing of Executive Departments and Agencies on "
                      "December 24, 2024 (89 FR 104857)",
             "url": "https://www.federalregister.gov/d/2024-31143"},
            {"title": "Executive Order 14133, Closing of Executive Departments and Agencies on "
                      "January 9, 2025 (90 FR 187)",
             "url": "https://www.federalregister.gov/d/2024-31766"},
            {"title": "Executive orders of President Trump, 2020 (closing on December 24, 2020, "
                      "signed December 11, 2020)",
             "url": "https://www.federalregister.gov/presidential-documents/executive-orders/"
                    "donald-trump/2020"},
            {"title": "Executive orders of President Trump, 2025 (closing on December 24 and 26, "
                      "2025, signed December 18, 2025)",
             "url": "https://www.federalregister.gov/presidential-documents/executive-orders/"
                    "donald-trump/2025"},
        ],
        "notes": {
            "ja": "5 U.S.C. 6103(a) の連邦祝日の振替日（土曜→前日の金曜、日曜→翌月曜）と、大統領令で"
                  "行政機関が閉庁した日。SEC は閉庁日に営業しないため、Form 8-K の営業日計算に使う。"
                  "就任式の日（6103(c)）はワシントンDC周辺のみの休日のため含めない。",
            "en": "Observed dates of the 5 U.S.C. 6103(a) holidays (Saturday -> Friday before, "
                  "Sunday -> Monday after) and days executive departments were closed by executive "
                  "order; the Commission is closed on them, so this is the Form 8-K business-day "
                  "calendar. Inauguration Day (6103(c)) is a holiday only in the Washington, DC "
                  "area and is left out.",
        },
        "verification": [
            {"marker": "VERIFY", "note": {
                "ja": "大統領令による閉庁日（2020-12-24、2024-12-24、2025-01-09、2025-12-24、"
                      "2025-12-26）に SEC（独立行政機関）と EDGAR が実際に閉庁したか、SEC の告知で"
                      "確認すること。2020年と2025年12月の大統領令の番号・官報掲載箇所は未確認"
                      "（2025年分は二次資料で第14371号）。",
                "en": "Confirm from SEC announcements that the Commission (an independent agency) "
                      "and EDGAR were closed on each executive-order closure day (2020-12-24, "
                      "2024-12-24, 2025-01-09, 2025-12-24, 2025-12-26). The numbers and Federal "
                      "Register citations of the December 2020 and December 2025 orders are not "
                      "confirmed (a secondary source gives 14371 for 2025)."}},
            {"marker": "VERIFY", "note": {
                "ja": "就任式の日（2021-01-20、2029-01-20）に SEC 本部（ワシントンDC）が閉庁し "
                      "EDGAR の受付日から除かれたかは未確認のため、営業日として扱っている。",
                "en": "Whether the SEC headquarters (Washington, DC) and EDGAR treated Inauguration "
                      "Day (2021-01-20, 2029-01-20) as a non-business day is not confirmed; it is "
                      "treated as a business day."}},
            {"marker": "VERIFY", "note": {
                "ja": "今後の大統領令による臨時閉庁日は発表ごとに追加すること。",
                "en": "Future executive-order closures must be added as they are announced."}},
        ],
    }


# ---------------------------------------------------------------------------------------------
# Weekends only (EU placeholder)
# ---------------------------------------------------------------------------------------------

def weekends():
    return {
        "id": "weekends",
        "title": {"ja": "土曜日・日曜日のみ（EU加盟国の祝日を収録するまでの簡略版）",
                  "en": "Saturdays and Sundays only — a simplification for EU Member State "
                        "calendars until per-State public holidays are added"},
        "timezone": "Europe/Brussels",
        "holidays": [],
        "closures": [],
        "sources": [
            {"title": "Regulation (EEC, Euratom) No 1182/71, Art. 2(2) (working days: all days "
                      "other than public holidays, Sundays and Saturdays) and Art. 3(4)",
             "url": "https://eur-lex.europa.eu/eli/reg/1971/1182/oj"},
        ],
        "notes": {
            "ja": "加盟国の祝日を含まないため、祝日をまたぐ営業日の期限は実際より早くなる（安全側）。"
                  "タイムゾーンは代表値で、期限計算には受領機関のタイムゾーンを使う。",
            "en": "Member State public holidays are not included, so a business-day deadline "
                  "across one comes out earlier than the true one (the safe side). The time zone "
                  "is nominal; deadlines use the recipient's time zone.",
        },
        "verification": [
            {"marker": "VERIFY", "note": {
                "ja": "加盟国ごとの祝日カレンダー（ACER REMIT Q&A III.3.27 参照）に置き換えること。",
                "en": "To be replaced by per-Member-State public-holiday calendars (cf. ACER "
                      "REMIT Q&A III.3.27)."}},
        ],
    }


# ---------------------------------------------------------------------------------------------
# Self-checks against dates published by the sources, then output
# ---------------------------------------------------------------------------------------------

def dates_of(cal):
    return {h["date"]: h for h in cal["holidays"]}


def self_check(jp, us):
    for y, published in JP_EQUINOX_PUBLISHED.items():  # the approximation reproduces the 官報
        assert jp_equinox_estimate(y) == published, (y, jp_equinox_estimate(y), published)
    j = dates_of(jp)
    expect_jp = {
        "2026-09-22": "国民の休日", "2025-05-06": "振替休日", "2024-02-12": "振替休日",
        "2026-05-06": "振替休日", "2020-07-23": "海の日", "2020-07-24": "スポーツの日",
        "2020-08-10": "山の日", "2021-07-22": "海の日", "2021-07-23": "スポーツの日",
        "2021-08-08": "山の日", "2021-08-09": "振替休日", "2020-02-24": "振替休日",
        "2027-03-22": "振替休日", "2029-09-24": "振替休日",
    }
    for date, name in expect_jp.items():
        assert j[date]["name"]["ja"] == name, (date, j.get(date))
    for date in ("2020-07-20", "2020-10-12", "2020-08-11", "2021-07-19", "2021-10-11",
                 "2021-08-11"):
        assert date not in j, date  # the usual dates of the moved holidays
    assert j["2029-09-24"]["provisional"] and j["2028-03-20"]["provisional"]
    assert not j["2027-03-21"]["provisional"]
    u = dates_of(us)
    for date in ("2026-07-03", "2022-06-20", "2026-11-26", "2021-12-31", "2021-06-18",
                 "2027-12-31", "2023-01-02", "2020-12-24"):
        assert date in u, date
    for date in ("2026-07-04", "2020-06-19", "2022-01-01"):
        assert date not in u, date


def document(cal):
    doc = {"format": "ichigen-calendar/1", "id": cal["id"], "version": VERSION,
           "title": cal["title"], "timezone": cal["timezone"], "weekend": [6, 7],
           "years": {"from": YEARS.start, "to": YEARS.stop - 1}}
    for key in ("holidays", "closures", "sources", "notes", "verification"):
        if key in cal:
            doc[key] = cal[key]
    return doc


def render(doc):
    """JSON with one holiday per line, so a change to the data is a readable one-line diff."""
    def dump(v):
        return json.dumps(v, ensure_ascii=False)
    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i + 1 < len(items) else ""
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"  {dump(key)}: [")
            lines += [f"    {dump(x)}" + ("," if k + 1 < len(value) else "")
                      for k, x in enumerate(value)]
            lines.append("  ]" + comma)
        else:
            lines.append(f"  {dump(key)}: {dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv):
    check = "--check" in argv[1:]
    jp, us = jp_national(), us_federal()
    self_check(jp, us)
    stale = []
    for cal in (jp, jp_gov(), us, weekends()):
        path = OUT_DIR / (cal["id"] + ".json")
        text = render(document(cal))
        assert json.loads(text) == document(cal)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path))
            continue
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        per_year = {y: sum(h["date"].startswith(str(y)) for h in cal["holidays"]) for y in YEARS}
        print(f"{path.name}: {len(cal['holidays'])} holidays " +
              " ".join(f"{y}:{n}" for y, n in per_year.items()))
    if stale:
        print("out of date (run scripts/gen_calendars.py):", *stale, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
