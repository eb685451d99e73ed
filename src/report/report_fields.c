/*
 * report_fields.c — the unified incident report format, version 1, as one table.
 *
 * Sections follow reference/reporting-regimes.md §7: A envelope & confidentiality, B entity &
 * contacts, C time anchors, D classification, E description, F impact, G personal data,
 * H threat & technical, I ransom, J product (CRA), K response. The "regimes" column records
 * which regime needs each field (PPC APPI/個人情報保護委員会, NCO 共通様式, ACD 能動的サイバー防御法,
 * N2 NIS2, DO DORA, CRA, GD GDPR, UK, CI CIRCIA, SEC 8-K, HI HIPAA); it is documentation here
 * and becomes rule data in src/rules/.
 *
 * Changing this table changes the format: add fields freely (they are optional), but never
 * rename or retype one within format version 1; regenerate schema/ and docs/ (`make test`
 * tells you when they are stale).
 */
#include "report.h"

#define F_OBJ(n, fl, kids, ja, en, reg) {n, RF_OBJECT, fl, kids, NULL, RFMT_NONE, 0, 0, ja, en, reg}
#define F_ARR(n, fl, item, mn, mx, ja, en, reg) {n, RF_ARRAY, fl, item, NULL, RFMT_NONE, mn, mx, ja, en, reg}
#define F_STR(n, fl, mx, ja, en, reg) {n, RF_STRING, fl, NULL, NULL, RFMT_NONE, 0, mx, ja, en, reg}
#define F_FMT(n, fl, fmt, mx, ja, en, reg) {n, RF_STRING, fl, NULL, NULL, fmt, 0, mx, ja, en, reg}
#define F_TXT(n, fl, mx, ja, en, reg) {n, RF_TEXT, fl, NULL, NULL, RFMT_NONE, 0, mx, ja, en, reg}
#define F_INT(n, fl, mn, mx, ja, en, reg) {n, RF_INTEGER, fl, NULL, NULL, RFMT_NONE, mn, mx, ja, en, reg}
#define F_NUM(n, fl, mn, mx, ja, en, reg) {n, RF_NUMBER, fl, NULL, NULL, RFMT_NONE, mn, mx, ja, en, reg}
#define F_BOOL(n, fl, ja, en, reg) {n, RF_BOOL, fl, NULL, NULL, RFMT_NONE, 0, 0, ja, en, reg}
#define F_TRI(n, fl, ja, en, reg) {n, RF_TRI, fl, NULL, report_tri_values, RFMT_NONE, 0, 0, ja, en, reg}
#define F_ENUM(n, fl, vals, ja, en, reg) {n, RF_ENUM, fl, NULL, vals, RFMT_NONE, 0, 0, ja, en, reg}
#define F_TIME(n, fl, ja, en, reg) {n, RF_TIME, fl, NULL, NULL, RFMT_NONE, 0, 0, ja, en, reg}
#define F_END {0}

#define NAME 200   /* names of people, organisations, systems */
#define SHORT 500  /* one-line descriptions */
#define LONG 20000 /* narratives */
#define MONEY 1000000000000000LL /* 10^15 in the currency's units */
#define PEOPLE 10000000000LL     /* 10^10 individuals or records */

/* ---- shared value lists ---- */

const struct rf_enum report_tri_values[] = {
    {"yes", "はい", "yes"}, {"no", "いいえ", "no"}, {"unknown", "不明", "unknown"}, {0}};

static const struct rf_enum format_version_values[] = {
    {REPORT_FORMAT_VERSION, "第1版", "version 1"}, {0}};

static const struct rf_enum phase_values[] = {
    {"early_warning", "速報（第一報）", "early warning / first report"},
    {"update", "続報", "update"},
    {"final", "確報（最終報告）", "final report"},
    {0}};

static const struct rf_enum language_values[] = {
    {"ja", "日本語", "Japanese"}, {"en", "英語", "English"}, {0}};

static const struct rf_enum submitter_relationship_values[] = {
    {"self", "当事者本人", "the reporting entity itself"},
    {"group_company", "グループ会社", "group company"},
    {"outsourcer", "委託元", "outsourcer (委託元)"},
    {"outsourcee", "委託先", "outsourcee / service provider (委託先)"},
    {"law_firm", "法律事務所", "law firm"},
    {"ir_provider", "インシデント対応事業者", "incident-response provider"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum org_kind_values[] = {REPORT_ORG_KINDS, {"other", "その他", "other"}, {0}};

/* The 15 critical-infrastructure sectors of the 2024 action plan
 * (reference/jp-critical-infrastructure.md), plus "none". */
const struct rf_enum report_ci_sector_values[] = {
    {"info_comm", "情報通信", "information and communications"},
    {"finance", "金融", "finance"},
    {"aviation", "航空", "aviation"},
    {"airports", "空港", "airports"},
    {"railways", "鉄道", "railways"},
    {"electricity", "電力", "electricity"},
    {"gas", "ガス", "gas"},
    {"government", "政府・行政サービス（地方公共団体を含む）",
     "government and administrative services (incl. local governments)"},
    {"medical", "医療", "medical"},
    {"water", "水道", "water"},
    {"logistics", "物流", "logistics"},
    {"chemicals", "化学", "chemicals"},
    {"credit", "クレジット", "credit cards"},
    {"petroleum", "石油", "petroleum"},
    {"ports", "港湾", "ports"},
    {"none", "該当なし", "none"},
    {0}};

static const struct rf_enum nis2_entity_values[] = {
    {"essential", "不可欠エンティティ", "essential entity"},
    {"important", "重要エンティティ", "important entity"},
    {"not_in_scope", "対象外", "not in scope"},
    {"unknown", "不明", "unknown"},
    {0}};

/* DORA's financial entities, Regulation (EU) 2022/2554 Art. 2(1)(a)–(t) (issue 11 item 2): the
 * major-incident reports of Art. 19 bind these; an ICT third-party service provider (Art.
 * 2(1)(u)) or any other organisation is "not_a_financial_entity". */
static const struct rf_enum dora_financial_entity_values[] = {
    {"credit_institution", "信用機関（銀行）", "credit institution"},
    {"payment_institution", "決済機関", "payment institution"},
    {"account_information_service_provider", "口座情報サービス提供者",
     "account information service provider"},
    {"electronic_money_institution", "電子マネー機関", "electronic money institution"},
    {"investment_firm", "投資会社", "investment firm"},
    {"crypto_asset_service_provider", "暗号資産サービス提供者・資産参照トークン発行者",
     "crypto-asset service provider or issuer of asset-referenced tokens"},
    {"central_securities_depository", "中央証券預託機関", "central securities depository"},
    {"central_counterparty", "中央清算機関", "central counterparty"},
    {"trading_venue", "取引所等（取引の場）", "trading venue"},
    {"trade_repository", "取引情報蓄積機関", "trade repository"},
    {"aif_manager", "オルタナティブ投資ファンド運用者", "manager of alternative investment funds"},
    {"ucits_management_company", "UCITS管理会社", "UCITS management company"},
    {"data_reporting_service_provider", "データ報告サービス提供者", "data reporting service provider"},
    {"insurance_undertaking", "保険・再保険会社", "insurance or reinsurance undertaking"},
    {"insurance_intermediary", "保険仲介業者", "insurance, reinsurance or ancillary insurance intermediary"},
    {"occupational_retirement_institution", "企業年金機関（IORP）",
     "institution for occupational retirement provision"},
    {"credit_rating_agency", "信用格付機関", "credit rating agency"},
    {"critical_benchmark_administrator", "重要ベンチマークの運営者", "administrator of critical benchmarks"},
    {"crowdfunding_service_provider", "クラウドファンディング・サービス提供者", "crowdfunding service provider"},
    {"securitisation_repository", "証券化取引情報蓄積機関", "securitisation repository"},
    {"not_a_financial_entity", "金融機関に該当しない（ICT第三者サービス提供者を含む）",
     "not a financial entity (ICT third-party service providers included)"},
    {0}};

/* The 16 critical-infrastructure sectors of Presidential Policy Directive 21 (2013), which CIRCIA
 * (6 U.S.C. 681(5)) and the proposed rule's covered-entity definition (NPRM §226.2) refer to;
 * CISA's report asks which sector the covered entity is in (issue 11 item 2). */
static const struct rf_enum circia_sector_values[] = {
    {"chemical", "化学", "chemical"},
    {"commercial_facilities", "商業施設", "commercial facilities"},
    {"communications", "通信", "communications"},
    {"critical_manufacturing", "重要製造業", "critical manufacturing"},
    {"dams", "ダム", "dams"},
    {"defense_industrial_base", "防衛産業基盤", "defense industrial base"},
    {"emergency_services", "緊急サービス", "emergency services"},
    {"energy", "エネルギー", "energy"},
    {"financial_services", "金融サービス", "financial services"},
    {"food_and_agriculture", "食料・農業", "food and agriculture"},
    {"government_facilities", "政府施設", "government facilities"},
    {"healthcare_and_public_health", "医療・公衆衛生", "healthcare and public health"},
    {"information_technology", "情報技術", "information technology"},
    {"nuclear", "原子炉・核物質・核廃棄物", "nuclear reactors, materials, and waste"},
    {"transportation_systems", "交通システム", "transportation systems"},
    {"water_and_wastewater", "上下水道", "water and wastewater systems"},
    {0}};

static const struct rf_enum hipaa_role_values[] = {
    {"covered_entity", "対象事業者", "covered entity"},
    {"business_associate", "業務提携者", "business associate"},
    {"not_applicable", "該当なし", "not applicable"},
    {0}};

static const struct rf_enum size_band_values[] = {
    {"micro", "小規模（10人未満）", "micro (fewer than 10 staff)"},
    {"small", "小企業（50人未満）", "small (fewer than 50 staff)"},
    {"medium", "中企業（250人未満）", "medium (fewer than 250 staff)"},
    {"large", "大企業（250人以上）", "large (250 staff or more)"},
    {0}};

static const struct rf_enum contact_role_values[] = {
    {"primary", "主担当", "primary contact"},
    {"poc_24x7", "24時間連絡窓口", "24/7 point of contact"},
    {"dpo", "個人情報保護責任者（DPO）", "data protection officer"},
    {"technical", "技術担当", "technical contact"},
    {"legal", "法務担当", "legal contact"},
    {"executive", "経営層", "executive"},
    {"public_relations", "広報担当", "public relations"},
    {0}};

/* Incident categories: the issue's list plus common PPC causes (誤送付, 紛失). */
const struct rf_enum report_category_values[] = {
    {"ransomware", "ランサムウェア", "ransomware"},
    {"ddos", "DDoS攻撃", "DDoS attack"},
    {"unauthorized_access", "不正アクセス", "unauthorised access"},
    {"malware", "マルウェア感染", "malware infection"},
    {"data_leak", "情報漏えい", "data leak"},
    {"phishing", "フィッシング", "phishing"},
    {"bec", "ビジネスメール詐欺（BEC）", "business e-mail compromise"},
    {"insider", "内部不正", "insider misuse"},
    {"system_failure", "システム障害", "system failure"},
    {"supply_chain", "サプライチェーン攻撃", "supply-chain attack"},
    {"outsourcee", "委託先における事案", "incident at an outsourcee (委託先)"},
    {"web_defacement", "Webサイト改ざん", "website defacement"},
    {"vulnerability_exploitation", "脆弱性の悪用", "vulnerability exploitation"},
    {"account_compromise", "アカウントの乗っ取り", "account compromise"},
    {"lost_or_stolen_device", "機器・媒体の紛失・盗難", "lost or stolen device or media"},
    {"misdelivery", "誤送付・誤送信", "misdelivery (wrong recipient)"},
    {"misconfiguration", "設定不備による公開", "exposure through misconfiguration"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum severity_values[] = {
    {"low", "低", "low"}, {"medium", "中", "medium"}, {"high", "高", "high"},
    {"critical", "重大", "critical"}, {0}};

static const struct rf_enum dora_criteria_values[] = {
    {"clients", "顧客・取引相手への影響", "clients, counterparts and transactions"},
    {"reputational", "評判への影響", "reputational impact"},
    {"duration", "継続時間・サービス停止時間", "duration and service downtime"},
    {"geographic", "地理的範囲", "geographical spread"},
    {"data_losses", "データの損失", "data losses"},
    {"critical_services", "重要サービスへの影響", "critical services affected"},
    {"economic", "経済的影響", "economic impact"},
    {0}};

static const struct rf_enum how_discovered_values[] = {
    {"internal_monitoring", "自社の監視", "internal monitoring"},
    {"security_product", "セキュリティ製品の検知", "security product alert"},
    {"employee_report", "従業員からの報告", "employee report"},
    {"customer_report", "顧客・利用者からの連絡", "customer or user report"},
    {"provider_notice", "委託先・事業者からの連絡", "notice from a provider or outsourcee"},
    {"external_notice", "外部機関からの通報", "notice from an external organisation"},
    {"law_enforcement", "警察からの連絡", "law enforcement"},
    {"attacker_contact", "攻撃者からの連絡（脅迫等）", "contact by the attacker"},
    {"media_or_public", "報道・公開情報", "media or public sources"},
    {"audit", "監査", "audit"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum status_values[] = {
    {"ongoing", "対応中", "ongoing"},
    {"contained", "封じ込め済み", "contained"},
    {"recovered", "復旧済み", "recovered"},
    {"resolved", "解決済み", "resolved"},
    {"closed", "終結", "closed"},
    {0}};

static const struct rf_enum hosting_values[] = {
    {"on_premises", "オンプレミス", "on premises"},
    {"iaas", "クラウド（IaaS）", "cloud IaaS"},
    {"paas", "クラウド（PaaS）", "cloud PaaS"},
    {"saas", "クラウド（SaaS）", "cloud SaaS"},
    {"outsourced", "委託先で運用", "run by an outsourcee"},
    {"ot", "制御システム（OT）", "operational technology"},
    {"endpoint", "端末", "endpoint"},
    {"unknown", "不明", "unknown"},
    {0}};

static const struct rf_enum service_status_values[] = {
    {"degraded", "一部停止・低下", "degraded"},
    {"unavailable", "停止", "unavailable"},
    {"restored", "復旧", "restored"},
    {0}};

static const struct rf_enum count_basis_values[] = {
    {"exact", "確定値", "exact"},
    {"estimate", "推定値", "estimate"},
    {"upper_bound", "最大値（以下）", "upper bound"},
    {0}};

static const struct rf_enum data_subject_values[] = {
    {"customers", "顧客", "customers"},
    {"employees", "従業員", "employees"},
    {"patients", "患者", "patients"},
    {"residents", "住民", "residents"},
    {"students", "児童・生徒・学生", "students"},
    {"business_contacts", "取引先担当者", "business contacts"},
    {"applicants", "応募者", "applicants"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum data_item_values[] = {
    {"name", "氏名", "name"},
    {"address", "住所", "postal address"},
    {"phone", "電話番号", "telephone number"},
    {"email", "メールアドレス", "e-mail address"},
    {"birth_date", "生年月日", "date of birth"},
    {"gender", "性別", "gender"},
    {"account_id", "ID・アカウント名", "account identifier"},
    {"password", "パスワード", "password"},
    {"credit_card", "クレジットカード番号", "payment card number"},
    {"bank_account", "口座情報", "bank account"},
    {"my_number", "個人番号（マイナンバー）", "My Number (individual number)"},
    {"government_id", "公的身分証明書の番号", "government identification number"},
    {"health", "病歴・健康情報", "health information"},
    {"criminal_record", "犯罪の経歴", "criminal record"},
    {"race_creed", "人種・信条", "race or creed"},
    {"employment", "人事・雇用情報", "employment information"},
    {"financial_other", "その他の財産に関する情報", "other financial information"},
    {"location", "位置情報", "location data"},
    {"image", "顔画像・写真", "facial image or photo"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum encryption_values[] = {
    {"none", "暗号化なし", "not encrypted"},
    {"partial", "一部のみ暗号化", "partly encrypted"},
    {"strong", "高度な暗号化等の措置あり", "protected by strong encryption"},
    {"unknown", "不明", "unknown"},
    {0}};

static const struct rf_enum gdpr_risk_values[] = {
    {"unlikely", "リスクは低い", "unlikely to result in a risk"},
    {"risk", "リスクあり", "risk"},
    {"high_risk", "高いリスク", "high risk"},
    {"unknown", "不明", "unknown"},
    {0}};

static const struct rf_enum handling_role_values[] = {
    {"controller", "取扱事業者（委託元）", "controller / outsourcer"},
    {"processor", "委託先", "processor / outsourcee"},
    {"joint", "共同", "joint"},
    {0}};

static const struct rf_enum notification_status_values[] = {
    {"not_started", "未実施", "not started"},
    {"planned", "実施予定", "planned"},
    {"in_progress", "実施中", "in progress"},
    {"completed", "完了", "completed"},
    {"not_required", "不要", "not required"},
    {"substitute", "代替措置（公表等）", "substitute notice (e.g. publication)"},
    {0}};

static const struct rf_enum publication_status_values[] = {
    {"not_published", "未公表", "not published"},
    {"planned", "公表予定", "planned"},
    {"published", "公表済み", "published"},
    {"not_planned", "公表しない", "will not be published"},
    {0}};

static const struct rf_enum regime_values[] = {
    {"PPC", "個人情報保護法（個人情報保護委員会）", "APPI (PPC)"},
    {"NCO", "国家サイバー統括室 共通様式", "NCO common forms"},
    {"ACD", "サイバー対処能力強化法", "Active Cyber Defense law"},
    {"CI_JP", "重要インフラ所管省庁", "Japanese critical-infrastructure ministry"},
    {"POLICE", "警察", "police"},
    {"N2", "NIS2", "NIS2"},
    {"DO", "DORA", "DORA"},
    {"CRA", "サイバーレジリエンス法", "Cyber Resilience Act"},
    {"GD", "GDPR", "GDPR"},
    {"UK", "英国 NIS/サイバーセキュリティ・レジリエンス法", "UK NIS / CS&R"},
    {"CI", "CIRCIA", "CIRCIA"},
    {"SEC", "米国SEC Form 8-K", "SEC Form 8-K"},
    {"HI", "HIPAA", "HIPAA"},
    {0}};

static const struct rf_enum attack_vector_values[] = {
    {"vulnerability_exploitation", "脆弱性の悪用", "vulnerability exploitation"},
    {"vpn_device", "VPN機器経由", "VPN device"},
    {"remote_desktop", "リモートデスクトップ経由", "remote desktop"},
    {"phishing_email", "フィッシングメール・不審メール", "phishing e-mail"},
    {"credential_stuffing", "リスト型攻撃", "credential stuffing"},
    {"stolen_credentials", "窃取された認証情報", "stolen credentials"},
    {"brute_force", "総当たり攻撃", "brute force"},
    {"supply_chain", "サプライチェーン・委託先経由", "supply chain or outsourcee"},
    {"insider", "内部者", "insider"},
    {"physical", "物理的侵入", "physical access"},
    {"misconfiguration", "設定不備", "misconfiguration"},
    {"web_application", "Webアプリケーション", "web application"},
    {"removable_media", "外部記録媒体", "removable media"},
    {"drive_by", "改ざんサイト閲覧", "drive-by compromise"},
    {"unknown", "不明", "unknown"},
    {"other", "その他", "other"},
    {0}};

const struct rf_enum report_indicator_type_values[] = {
    {"ipv4", "IPv4アドレス", "IPv4 address"},
    {"ipv6", "IPv6アドレス", "IPv6 address"},
    {"domain", "ドメイン名", "domain name"},
    {"url", "URL", "URL"},
    {"email", "メールアドレス", "e-mail address"},
    {"md5", "MD5ハッシュ", "MD5 hash"},
    {"sha1", "SHA-1ハッシュ", "SHA-1 hash"},
    {"sha256", "SHA-256ハッシュ", "SHA-256 hash"},
    {"file_name", "ファイル名", "file name"},
    {"crypto_wallet", "暗号資産アドレス", "crypto-asset wallet"},
    {"asn", "AS番号", "autonomous system number"},
    {"user_agent", "ユーザーエージェント", "user agent"},
    {0}};

static const struct rf_enum indicator_role_values[] = {
    {"attack_source", "攻撃元", "attack source"},
    {"c2", "C2サーバ", "command and control"},
    {"delivery", "配布元", "payload delivery"},
    {"exfiltration", "情報の持ち出し先", "exfiltration destination"},
    {"malware", "マルウェア", "malware"},
    {"phishing_site", "フィッシングサイト", "phishing site"},
    {"sender", "送信元", "sender"},
    {"other", "その他", "other"},
    {0}};

/* Ransomware 類型 as the NCO common form distinguishes them (reference §2.3). */
static const struct rf_enum ransomware_type_values[] = {
    {"encryption", "データの暗号化", "encryption"},
    {"leak_site", "リークサイトでの暴露・脅迫", "leak-site extortion"},
    {"sns_extortion", "SNS等での暴露・脅迫", "extortion via social media"},
    {"demand_only", "暗号化を伴わない金銭要求", "demand without encryption"},
    {0}};

/* DDoS classes as the NCO DDoS form follows them (MITRE ATT&CK T1498 / T1499). */
static const struct rf_enum ddos_technique_values[] = {
    {"T1498", "ネットワークサービス妨害", "network denial of service"},
    {"T1498.001", "直接型ネットワークフラッド", "direct network flood"},
    {"T1498.002", "リフレクション（反射）型", "reflection amplification"},
    {"T1499", "エンドポイントサービス妨害", "endpoint denial of service"},
    {"T1499.001", "OSリソース枯渇", "OS exhaustion flood"},
    {"T1499.002", "サービスリソース枯渇", "service exhaustion flood"},
    {"T1499.003", "アプリケーション枯渇", "application exhaustion flood"},
    {"T1499.004", "アプリケーション・システムの悪用", "application or system exploitation"},
    /* the form's last class, for an attack not (yet) classified */
    {"other", "その他", "other"},
    {"unknown", "不明（判定中）", "unknown (not yet determined)"},
    {0}};

static const struct rf_enum motive_values[] = {
    {"financial", "金銭目的", "financial"},
    {"espionage", "諜報", "espionage"},
    {"hacktivism", "主義主張", "hacktivism"},
    {"sabotage", "破壊・妨害", "sabotage"},
    {"grudge", "恨み", "grudge"},
    {"fun", "愉快犯", "fun"},
    {"unknown", "不明", "unknown"},
    {"other", "その他", "other"},
    {0}};

static const struct rf_enum confidence_values[] = {
    {"low", "低", "low"}, {"medium", "中", "medium"}, {"high", "高", "high"}, {0}};

static const struct rf_enum ransom_outcome_values[] = {
    {"data_restored", "データ復旧", "data restored"},
    {"decryptor_failed", "復号ツールが機能せず", "decryptor failed"},
    {"data_published_anyway", "支払後もデータ公開", "data published anyway"},
    {"no_further_contact", "その後連絡なし", "no further contact"},
    {"unknown", "不明", "unknown"},
    {0}};

static const struct rf_enum manufacturer_role_values[] = {
    {"manufacturer", "製造者", "manufacturer"},
    {"importer", "輸入者", "importer"},
    {"distributor", "販売者", "distributor"},
    {"open_source_steward", "オープンソース管理者", "open-source software steward"},
    {0}};

static const struct rf_enum exploitation_values[] = {
    {"actively_exploited", "悪用が確認されている", "actively exploited"},
    {"poc_public", "実証コードが公開", "proof of concept public"},
    {"not_exploited", "悪用は未確認", "no known exploitation"},
    {"unknown", "不明", "unknown"},
    {0}};

static const struct rf_enum sensitivity_values[] = {
    {"normal", "通常", "normal"},
    {"sensitive", "機微（配布制限が必要）", "sensitive (dissemination restricted)"},
    {0}};

/* Traffic Light Protocol 2.0 labels, as FIRST writes them. */
const struct rf_enum report_tlp_values[] = {
    {"TLP:CLEAR", "TLP:CLEAR（制限なし）", "TLP:CLEAR (no restriction)"},
    {"TLP:GREEN", "TLP:GREEN（コミュニティ内）", "TLP:GREEN (community)"},
    {"TLP:AMBER", "TLP:AMBER（組織と顧客内）", "TLP:AMBER (organisation and clients)"},
    {"TLP:AMBER+STRICT", "TLP:AMBER+STRICT（組織内のみ）", "TLP:AMBER+STRICT (organisation only)"},
    {"TLP:RED", "TLP:RED（受領者本人のみ）", "TLP:RED (named recipients only)"},
    {0}};

/* ---- A. envelope ---- */

static const struct rf_field submitter_fields[] = {
    F_STR("name", 0, NAME, "提出者名", "submitter name", "DO CI"),
    F_STR("organisation", 0, NAME, "提出者の所属組織", "submitter organisation", "DO CI"),
    F_ENUM("relationship", 0, submitter_relationship_values, "報告主体との関係",
           "relationship to the reporting entity", "DO CI"),
    F_END};

static const struct rf_field envelope_fields[] = {
    F_ENUM("format_version", RF_REQUIRED, format_version_values, "様式の版", "format version", "all"),
    F_ENUM("phase", 0, phase_values, "報告の段階", "reporting phase", "PPC N2 DO CI"),
    F_ENUM("language", 0, language_values, "記載言語", "language of the free text", ""),
    F_BOOL("drill", 0, "訓練（演習）", "drill / exercise", "all"),
    F_STR("reporter_reference", 0, 100, "報告者側の管理番号", "reporter's own reference", "DO"),
    F_TXT("change_summary", 0, 2000, "変更内容の要約", "summary of changes in this version", "all"),
    F_OBJ("submitter", 0, submitter_fields, "代理提出者", "third-party submitter", "DO CI"),
    F_TXT("reason_for_delay", 0, 5000, "報告が遅れた理由", "reason for delay", "GD DO"),
    F_END};

/* ---- B. entity and contacts ---- */

static const struct rf_field other_id_fields[] = {
    F_STR("scheme", RF_REQUIRED, 40, "番号の種類", "identifier scheme", "CI"),
    F_STR("value", RF_REQUIRED, 100, "番号", "identifier", "CI"),
    F_END};
static const struct rf_field other_id_item =
    F_OBJ("", 0, other_id_fields, "その他の識別番号", "other identifier", "");

static const struct rf_field group_parent_fields[] = {
    F_STR("name", 0, NAME, "親会社名", "parent name", "DO"),
    F_FMT("lei", 0, RFMT_LEI, 20, "親会社のLEI", "parent LEI", "DO"),
    F_END};

/* The organisation's representative (代表者) as a filing names it: the NCO common forms and
 * the PPC report are filed by the organisation, under its representative's name. */
static const struct rf_field representative_fields[] = {
    F_STR("name", RF_REQUIRED, NAME, "代表者氏名", "name", "PPC NCO"),
    F_STR("title", 0, NAME, "代表者の役職", "title", "PPC NCO"),
    F_END};

static const struct rf_field entity_fields[] = {
    F_STR("name_ja", 0, NAME, "名称（日本語）", "name (Japanese)", "all"),
    F_STR("name_en", 0, NAME, "名称（英語）", "name (English)", "all"),
    F_FMT("corporate_number", 0, RFMT_CORPORATE_NUMBER, 13, "法人番号", "corporate number", "PPC"),
    F_FMT("lei", 0, RFMT_LEI, 20, "LEI（取引主体識別子）", "legal entity identifier", "DO"),
    F_ARR("other_ids", 0, &other_id_item, 0, 20, "その他の識別番号", "other identifiers", "CI"),
    F_ENUM("kind", 0, org_kind_values, "組織の種別", "kind of organisation", "PPC"),
    F_BOOL("public_body", 0, "行政機関等に該当", "public body under APPI (行政機関等)", "PPC"),
    F_BOOL("listed", 0, "上場企業", "listed company", "SEC"),
    /* issue 11 item 2: applicability facts the rules read, not inferred from a listing or a flag */
    F_TRI("sec_registrant", 0, "SEC登録企業（取引所法上の報告会社）",
          "SEC registrant (Exchange Act reporting company)", "SEC"),
    F_TRI("circia_covered", 0, "CIRCIAの対象事業体（規則案の定義）",
          "CIRCIA covered entity (as the proposed rule defines it)", "CI"),
    F_ENUM("circia_sector", 0, circia_sector_values, "CIRCIAの重要インフラ分野（PPD-21）",
           "CIRCIA critical-infrastructure sector (PPD-21)", "CI"),
    F_FMT("securities_code", 0, RFMT_SECURITIES_CODE, 4, "証券コード", "securities code", ""),
    F_ENUM("ci_sector", 0, report_ci_sector_values, "重要インフラ分野", "critical-infrastructure sector (Japan)",
           "CI_JP NCO"),
    F_STR("sector_detail", 0, NAME, "業種・事業内容", "sector or line of business", "N2 CI"),
    F_BOOL("designated_operator", 0, "特定社会基盤事業者（基幹インフラ）",
           "designated critical-infrastructure operator (基幹インフラ)", "ACD"),
    F_STR("delegated_ministry", 0, NAME, "権限委任先の事業所管大臣", "ministry holding delegated PPC powers",
          "PPC"),
    F_ENUM("nis2_entity", 0, nis2_entity_values, "NIS2上の区分", "NIS2 entity class", "N2"),
    F_STR("dora_entity_type", 0, NAME, "DORA上の金融機関種別", "DORA financial-entity type", "DO"),
    F_ENUM("dora_financial_entity", 0, dora_financial_entity_values, "DORA上の金融機関（第2条第1項）",
           "DORA financial entity (Art. 2(1))", "DO"),
    F_ENUM("hipaa_role", 0, hipaa_role_values, "HIPAA上の立場", "HIPAA role", "HI"),
    F_FMT("country", 0, RFMT_COUNTRY, 2, "本拠国", "country of the entity", "all"),
    F_FMT("main_establishment", 0, RFMT_COUNTRY, 2, "EU内の主たる事業所の国", "EU Member State of main establishment",
          "N2 CRA"),
    F_FMT("prefecture", 0, RFMT_PREFECTURE, 5, "都道府県", "prefecture", "PPC"),
    F_OBJ("group_parent", 0, group_parent_fields, "親会社", "group parent", "DO"),
    F_ENUM("size_band", 0, size_band_values, "規模", "size band", "N2"),
    F_INT("employees", 0, 0, 100000000, "従業員数", "number of employees", "N2 CI"),
    F_OBJ("representative", 0, representative_fields, "代表者", "representative", "PPC NCO"),
    F_FMT("reporting_currency", 0, RFMT_CURRENCY, 3, "報告通貨", "reporting currency", "DO"),
    F_END};

static const struct rf_field contact_fields[] = {
    F_ENUM("role", RF_REQUIRED, contact_role_values, "役割", "role", "DO UK CI"),
    F_STR("name", RF_REQUIRED, NAME, "氏名", "name", "all"),
    F_STR("department", 0, NAME, "部署", "department", "PPC"),
    F_STR("title", 0, NAME, "役職", "title", ""),
    F_FMT("email", 0, RFMT_EMAIL, 254, "メールアドレス", "e-mail", "all"),
    F_BOOL("email_uncompromised", 0, "侵害されていない系統のメールアドレス",
           "e-mail is on an uncompromised system", "UK"),
    F_FMT("phone", 0, RFMT_PHONE, 40, "電話番号", "telephone", "all"),
    F_END};
static const struct rf_field contact_item = F_OBJ("", 0, contact_fields, "連絡先", "contact", "");

/* ---- C. time anchors ---- */

static const struct rf_field regime_awareness_fields[] = {
    F_ENUM("regime", RF_REQUIRED, regime_values, "制度", "regime", ""),
    F_TIME("aware_at", RF_REQUIRED, "その制度上「知った」日時", "time of awareness under that regime", "PPC N2 GD CI HI"),
    F_TXT("basis", 0, 2000, "判断の根拠", "basis for that time", ""),
    F_END};
static const struct rf_field regime_awareness_item =
    F_OBJ("", 0, regime_awareness_fields, "制度別の認知日時", "awareness per regime", "");

static const struct rf_field times_fields[] = {
    F_FMT("timezone", 0, RFMT_TZ, 64, "表示用タイムゾーン", "time zone for display", ""),
    F_TIME("occurred_at", 0, "発生日時（推定を含む）", "time of occurrence (may be estimated)", "PPC DO CI"),
    F_TIME("occurred_until", 0, "発生期間の終了日時", "end of the occurrence period", "CI"),
    F_TIME("detected_at", 0, "検知日時", "time of detection", "DO CI"),
    F_TIME("aware_at", RF_REQUIRED, "認知日時（いずれかの部署が知った日時）",
           "time of awareness (any department knew)", "PPC N2 GD DO CRA HI UK"),
    F_ARR("regime_awareness", 0, &regime_awareness_item, 0, 20, "制度別の認知日時",
          "awareness per regime", "PPC GD CI"),
    F_TIME("personal_data_aware_at", 0, "個人データの漏えい等を知った日時",
           "time the personal-data aspect became known", "PPC GD HI"),
    F_TIME("classified_major_at", 0, "重大インシデントと分類した日時", "time classified as major", "DO"),
    F_TIME("materiality_determined_at", 0, "重要性を判断した日時", "time of materiality determination", "SEC"),
    F_TIME("sec_information_determined_at", 0, "8-Kで未確定とした情報が判明した日時",
           "time the information the 8-K lacked was determined or became available", "SEC"),
    F_TIME("significance_assessed_at", 0, "重大性を評価した日時", "time significance was assessed", "N2"),
    F_TIME("contained_at", 0, "封じ込め日時", "time contained", ""),
    F_TIME("recovered_at", 0, "通常業務の回復日時", "time regular activities recovered", "DO"),
    F_TIME("resolved_at", 0, "解決日時", "time resolved", "DO"),
    F_TIME("root_cause_addressed_at", 0, "根本原因への対処日時", "time the root cause was addressed", "DO"),
    F_TIME("closed_at", 0, "終結日時", "time closed", "CI N2"),
    F_TIME("corrective_measure_available_at", 0, "是正措置の提供開始日時", "time a corrective measure became available",
           "CRA"),
    F_END};

/* ---- D. classification ---- */

static const struct rf_field category_item = F_ENUM("", 0, report_category_values, "事案の種別", "category", "");
static const struct rf_field country_item = F_FMT("", 0, RFMT_COUNTRY, 2, "国", "country", "");
static const struct rf_field dora_criterion_item =
    F_ENUM("", 0, dora_criteria_values, "DORA分類基準", "DORA criterion", "");

static const struct rf_field regime_flags_fields[] = {
    F_TRI("nis2_significant", 0, "NIS2の重大インシデントに該当", "NIS2 significant incident", "N2"),
    F_TXT("nis2_criteria", 0, 2000, "NIS2の該当基準", "NIS2 criteria met", "N2"),
    F_TRI("dora_major", 0, "DORAの重大ICTインシデントに該当", "DORA major ICT-related incident", "DO"),
    F_ARR("dora_criteria", RF_UNIQUE, &dora_criterion_item, 0, 7, "DORAの該当分類基準", "DORA criteria met", "DO"),
    F_TRI("dora_reclassified", 0, "重大から非重大への再分類", "reclassified from major to non-major", "DO"),
    F_TRI("sec_material", 0, "重要性あり（SEC）", "material (SEC)", "SEC"),
    F_TRI("sec_information_pending", 0, "8-Kで未確定・入手不能と記載した情報がある",
          "the 8-K said required information was not determined or not available", "SEC"),
    F_TRI("circia_substantial", 0, "CIRCIAの重大インシデントに該当", "CIRCIA substantial cyber incident", "CI"),
    F_TRI("uk_significant", 0, "英国法上の重大インシデントに該当", "UK significant incident", "UK"),
    F_TRI("acd_specified_event", 0, "特定侵害事象に該当", "specified intrusion event (ACD law)", "ACD"),
    F_END};

static const struct rf_field classification_fields[] = {
    {"categories", RF_ARRAY, RF_REQUIRED | RF_UNIQUE, &category_item, NULL, RFMT_NONE, 1, 18,
     "事案の種別", "incident categories", "NCO DO CI"},
    F_STR("category_other", 0, SHORT, "その他の種別の内容", "other category, described", ""),
    F_TRI("suspected_malicious", RF_REQUIRED, "不正・悪意ある行為の疑い", "suspected unlawful or malicious act",
          "N2 CRA"),
    F_TRI("cross_border", RF_REQUIRED, "国境を越える影響", "cross-border impact", "N2 DO CRA"),
    F_ARR("affected_countries", RF_UNIQUE, &country_item, 0, 250, "影響を受けた国", "countries affected", "N2 DO CRA"),
    F_ENUM("severity", 0, severity_values, "深刻度", "severity", "N2 CI"),
    F_TRI("recurring", 0, "再発事案", "recurring incident", "DO"),
    F_OBJ("regime_flags", 0, regime_flags_fields, "制度別の該当判断", "regime-specific determinations", ""),
    F_END};

/* ---- E. description ---- */

static const struct rf_field system_fields[] = {
    F_STR("name", RF_REQUIRED, NAME, "システム名", "system name", "CI"),
    F_STR("function", 0, SHORT, "機能・用途", "function", "CI DO"),
    F_ENUM("hosting", 0, hosting_values, "稼働環境", "hosting", ""),
    F_STR("product", 0, NAME, "製品・OS", "product or operating system", ""),
    F_TXT("security_measures", 0, 5000, "導入済みのセキュリティ対策", "security defences in place", "CI"),
    F_END};
static const struct rf_field system_item = F_OBJ("", 0, system_fields, "影響を受けたシステム", "affected system", "");

static const struct rf_field description_fields[] = {
    F_STR("summary", RF_REQUIRED, SHORT, "概要（一行）", "one-line summary", "all"),
    F_TXT("details", 0, LONG, "詳細", "detailed description", "PPC N2 DO CI UK"),
    F_ENUM("how_discovered", 0, how_discovered_values, "発覚の経緯", "how discovered", "DO"),
    F_TXT("discovery_details", 0, 5000, "発覚の経緯（詳細）", "discovery details", "DO"),
    F_TXT("origin", 0, 2000, "発生源（第三者経由等）", "origin of the incident", "DO"),
    F_ENUM("status", 0, status_values, "現在の状況", "current status", "N2 UK"),
    F_TRI("bcp_activated", 0, "事業継続計画の発動", "business continuity plan activated", "DO"),
    F_ARR("affected_systems", 0, &system_item, 0, 200, "影響を受けたシステム", "affected systems", "CI"),
    F_END};

/* ---- F. impact ---- */

static const struct rf_field service_fields[] = {
    F_STR("name", RF_REQUIRED, NAME, "サービス名", "service name", "DO N2"),
    F_ENUM("status", 0, service_status_values, "状態", "status", ""),
    F_INT("users_affected", 0, 0, PEOPLE, "影響利用者数", "users affected", "N2 CI"),
    F_TXT("description", 0, 2000, "影響内容", "impact", ""),
    F_END};
static const struct rf_field service_item = F_OBJ("", 0, service_fields, "影響を受けたサービス", "affected service", "");
static const struct rf_field text_item = F_STR("", 0, SHORT, "項目", "item", "");
static const struct rf_field prefecture_item = F_FMT("", 0, RFMT_PREFECTURE, 5, "都道府県", "prefecture", "");

static const struct rf_field financial_fields[] = {
    F_FMT("currency", 0, RFMT_CURRENCY, 3, "通貨", "currency", "DO SEC"),
    F_NUM("direct_costs", 0, 0, MONEY, "直接費用", "direct costs", "DO"),
    F_NUM("indirect_costs", 0, 0, MONEY, "間接費用", "indirect costs", "DO"),
    F_NUM("losses", 0, 0, MONEY, "損失額", "losses", "DO SEC"),
    F_NUM("recoveries", 0, 0, MONEY, "回収額", "financial recoveries", "DO"),
    F_BOOL("estimated", 0, "見積りである", "amounts are estimates", ""),
    F_END};

static const struct rf_field impact_fields[] = {
    F_TRI("services_affected", RF_REQUIRED, "サービスへの影響", "services affected", "N2 DO UK"),
    F_ARR("services", 0, &service_item, 0, 100, "影響を受けたサービス", "affected services", "N2 DO UK"),
    F_ARR("business_functions", 0, &text_item, 0, 100, "影響を受けた業務", "business functions affected", "DO"),
    F_ARR("infrastructure_components", 0, &text_item, 0, 100, "影響を受けた基盤", "infrastructure components affected", "DO"),
    F_INT("outage_minutes", 0, 0, 5256000, "サービス停止時間（分）", "outage duration in minutes", "N2 DO"),
    F_INT("users_affected", 0, 0, PEOPLE, "影響利用者数", "users or clients affected", "N2 CI"),
    F_ARR("countries", RF_UNIQUE, &country_item, 0, 250, "影響の及んだ国", "countries affected", "CI"),
    F_ARR("prefectures", RF_UNIQUE, &prefecture_item, 0, 47, "影響の及んだ都道府県", "prefectures affected", ""),
    F_TRI("ci_service_level_deviation", 0, "重要インフラサービス維持レベルからの逸脱",
          "critical-infrastructure service level deviated from", "NCO CI_JP"),
    F_TXT("client_financial_impact", 0, 5000, "顧客の金銭的利益への影響", "impact on clients' financial interests", "DO"),
    F_TXT("ripple_effects", 0, 5000, "他組織への波及", "impact on other entities (ripple effects)", "N2"),
    F_OBJ("financial", 0, financial_fields, "金銭的影響", "financial impact", "DO SEC"),
    F_END};

/* ---- G. personal data ---- */

static const struct rf_field data_subject_item = F_ENUM("", 0, data_subject_values, "本人の区分", "data subjects", "");
static const struct rf_field data_item_item = F_ENUM("", 0, data_item_values, "項目", "data item", "");

static const struct rf_field residence_fields[] = {
    F_FMT("country", RF_REQUIRED, RFMT_COUNTRY, 2, "国", "country", "GD"),
    F_STR("subdivision", 0, 10, "州・地域（ISO 3166-2）", "subdivision (ISO 3166-2)", "GD"),
    F_INT("count", RF_REQUIRED, 0, PEOPLE, "人数", "individuals", "GD"),
    F_END};
static const struct rf_field residence_item = F_OBJ("", 0, residence_fields, "居住地別の人数", "residence breakdown", "");

static const struct rf_field secondary_damage_fields[] = {
    F_TRI("occurred", 0, "二次被害又はそのおそれ", "secondary damage or risk of it", "PPC"),
    F_TXT("description", 0, 5000, "二次被害の内容", "secondary damage", "PPC GD"),
    F_END};

static const struct rf_field individual_notification_fields[] = {
    F_ENUM("status", 0, notification_status_values, "本人への通知の状況", "status", "PPC GD HI"),
    F_TIME("started_at", 0, "通知開始日時", "started", "PPC HI"),
    F_TIME("completed_at", 0, "通知完了日時", "completed", "PPC HI"),
    F_STR("method", 0, SHORT, "通知方法", "method", "PPC"),
    F_INT("notified_count", 0, 0, PEOPLE, "通知済みの人数", "individuals notified", ""),
    F_TXT("content", 0, 5000, "通知内容", "content of the notice", "PPC HI"),
    F_END};

static const struct rf_field publication_fields[] = {
    F_ENUM("status", 0, publication_status_values, "公表の状況", "status", "PPC"),
    F_TIME("published_at", 0, "公表日時", "published", "PPC"),
    F_FMT("url", 0, RFMT_URL, 2048, "公表URL", "URL", "PPC"),
    F_END};

static const struct rf_field personal_data_fields[] = {
    F_TRI("involved", RF_REQUIRED, "個人データの漏えい等（おそれを含む）", "personal data involved (incl. suspected)",
          "PPC GD HI"),
    F_ENUM("handling_role", 0, handling_role_values, "取扱いの立場", "handling role", "PPC GD"),
    F_TIME("controller_notified_at", 0, "委託元へ通知した日時", "time the controller was notified", "PPC GD"),
    F_INT("individuals_count", 0, 0, PEOPLE, "本人の数", "number of individuals", "PPC GD HI"),
    /* HIPAA's media notice is per State: more than 500 residents of one State (45 CFR 164.406) */
    F_INT("us_state_max_residents", 0, 0, PEOPLE, "最も多い米国の一州の居住者数",
          "largest number of residents of one US State", "HI"),
    F_ENUM("individuals_count_basis", 0, count_basis_values, "人数の確度", "basis of the count", "PPC GD"),
    F_INT("records_count", 0, 0, PEOPLE, "件数（レコード数）", "number of records", "GD"),
    F_ARR("data_subjects", RF_UNIQUE, &data_subject_item, 0, 8, "本人の区分", "kinds of data subjects", "GD"),
    F_ARR("data_items", RF_UNIQUE, &data_item_item, 0, 20, "漏えい等が発生した個人データの項目", "data items affected",
          "PPC GD HI"),
    F_TXT("data_items_detail", 0, 5000, "項目の詳細", "data items, described", "PPC"),
    F_TRI("sensitive", 0, "要配慮個人情報を含む（規則7条1号）", "sensitive data (APPI rule 7(1))", "PPC GD"),
    F_TRI("financial_harm_risk", 0, "財産的被害のおそれ（規則7条2号）", "risk of financial harm (APPI rule 7(2))",
          "PPC"),
    F_TRI("unlawful_purpose", 0, "不正の目的によるおそれ（規則7条3号）", "possibly for an unlawful purpose (APPI rule 7(3))",
          "PPC"),
    F_TRI("being_acquired", 0, "取得しようとしている個人情報（規則7条3号）",
          "information being acquired (APPI rule 7(3), 2024)", "PPC"),
    F_ENUM("encryption", 0, encryption_values, "暗号化等の状況", "encryption", "PPC GD HI"),
    F_TRI("my_number", 0, "個人番号（マイナンバー）を含む", "includes My Number", "PPC"),
    F_TRI("phi_unsecured", 0, "保護されていない医療情報（PHI）", "unsecured protected health information", "HI"),
    F_ENUM("gdpr_risk", 0, gdpr_risk_values, "GDPR上のリスク評価", "GDPR risk assessment", "GD"),
    F_ARR("residence", 0, &residence_item, 0, 300, "居住地別の人数", "individuals by residence", "GD"),
    F_OBJ("secondary_damage", 0, secondary_damage_fields, "二次被害", "secondary damage", "PPC GD"),
    F_TXT("likely_consequences", 0, 5000, "想定される影響", "likely consequences", "GD"),
    F_OBJ("individual_notification", 0, individual_notification_fields, "本人への対応",
          "notification of individuals", "PPC GD HI"),
    F_OBJ("publication", 0, publication_fields, "公表", "publication", "PPC"),
    F_TRI("media_notice", 0, "報道機関への通知", "notice to media", "HI"),
    F_END};

/* ---- H. threat and technical ---- */

static const struct rf_field attack_vector_item = F_ENUM("", 0, attack_vector_values, "侵入経路", "attack vector", "");
static const struct rf_field cve_item = F_FMT("", 0, RFMT_CVE, 30, "CVE番号", "CVE id", "");
static const struct rf_field attack_id_item = F_FMT("", 0, RFMT_ATTACK_ID, 9, "ATT&CK技術ID", "ATT&CK technique", "");
static const struct rf_field family_item = F_STR("", 0, 100, "マルウェア名", "malware family", "");

static const struct rf_field indicator_fields[] = {
    F_ENUM("type", RF_REQUIRED, report_indicator_type_values, "種類", "type", "N2 DO NCO CI"),
    F_STR("value", RF_REQUIRED, 2048, "値", "value", "N2 DO NCO CI"),
    F_ENUM("role", 0, indicator_role_values, "役割", "role", ""),
    F_TIME("first_seen", 0, "初観測日時", "first seen", ""),
    F_TIME("last_seen", 0, "最終観測日時", "last seen", ""),
    F_STR("note", 0, SHORT, "備考", "note", ""),
    F_END};
static const struct rf_field indicator_item = F_OBJ("", 0, indicator_fields, "侵害指標（IoC）", "indicator", "");

static const struct rf_field ransomware_type_item = F_ENUM("", 0, ransomware_type_values, "類型", "type", "");
static const struct rf_field ransomware_fields[] = {
    F_STR("family", 0, 100, "ランサムウェアの名称", "ransomware family", "NCO CI"),
    F_ARR("types", RF_UNIQUE, &ransomware_type_item, 0, 4, "ランサムウェアの類型", "ransomware types", "NCO"),
    F_TXT("note_text", 0, LONG, "脅迫文（ランサムノート）", "ransom note text", "NCO"),
    F_FMT("encrypted_extension", 0, RFMT_FILE_EXT, 64, "暗号化ファイルの拡張子", "extension of encrypted files", "NCO"),
    F_FMT("leak_site_url", 0, RFMT_URL, 2048, "リークサイトのURL", "leak-site URL", "NCO"),
    F_TRI("data_published", 0, "データの公開", "data published by the attacker", "NCO"),
    F_END};

static const struct rf_field ddos_technique_item = F_ENUM("", 0, ddos_technique_values, "攻撃手法", "technique", "");
static const struct rf_field ddos_fields[] = {
    F_ARR("techniques", RF_UNIQUE, &ddos_technique_item, 0, 8, "攻撃の分類", "attack classes", "NCO"),
    F_NUM("peak_gbps", 0, 0, 1000000, "最大通信量（Gbps）", "peak traffic (Gbps)", "NCO"),
    F_NUM("peak_pps", 0, 0, 1000000000000LL, "最大パケット数（pps）", "peak packets per second", "NCO"),
    F_NUM("peak_rps", 0, 0, 1000000000000LL, "最大リクエスト数（rps）", "peak requests per second", "NCO"),
    F_INT("duration_minutes", 0, 0, 5256000, "攻撃継続時間（分）", "duration in minutes", "NCO"),
    F_TIME("started_at", 0, "攻撃開始日時", "attack started", "NCO"),
    F_TIME("ended_at", 0, "攻撃終了日時", "attack ended", "NCO"),
    F_ARR("targets", 0, &text_item, 0, 100, "攻撃対象", "targets", "NCO"),
    F_TXT("mitigation", 0, 5000, "緩和策", "mitigation", "NCO"),
    F_END};

static const struct rf_field threat_actor_fields[] = {
    F_STR("name", 0, NAME, "攻撃者・グループ名", "actor or group name", "CI CRA"),
    F_ENUM("motive", 0, motive_values, "動機", "motive", "CI"),
    F_ENUM("attribution_confidence", 0, confidence_values, "帰属の確度", "attribution confidence", ""),
    F_TXT("contact", 0, 5000, "攻撃者からの連絡手段・内容", "contact by the actor", "CI"),
    F_END};

static const struct rf_field threat_fields[] = {
    F_ARR("attack_vectors", RF_UNIQUE, &attack_vector_item, 0, 16, "侵入経路", "attack vectors", "NCO CI"),
    F_TXT("vector_details", 0, 5000, "侵入経路の詳細", "attack vector details", "NCO CI"),
    F_ARR("cves", RF_UNIQUE, &cve_item, 0, 200, "悪用された脆弱性（CVE）", "vulnerabilities exploited (CVE)", "CI CRA"),
    F_TXT("vulnerability_details", 0, 5000, "脆弱性の詳細", "vulnerability details", "CI CRA"),
    F_ARR("attack_techniques", RF_UNIQUE, &attack_id_item, 0, 200, "攻撃手法（MITRE ATT&CK）",
          "techniques (MITRE ATT&CK)", "DO CI"),
    F_ARR("malware_families", RF_UNIQUE, &family_item, 0, 50, "マルウェア名", "malware families", "CI"),
    F_ARR("indicators", 0, &indicator_item, 0, 1000, "侵害指標（IoC）", "indicators of compromise", "N2 DO NCO CI"),
    F_OBJ("ransomware", 0, ransomware_fields, "ランサムウェア", "ransomware", "NCO"),
    F_OBJ("ddos", 0, ddos_fields, "DDoS攻撃", "DDoS attack", "NCO"),
    F_OBJ("threat_actor", 0, threat_actor_fields, "攻撃者", "threat actor", "CI"),
    F_TXT("technical_analysis", 0, LONG, "技術的分析", "technical analysis", "UK"),
    F_END};

/* ---- I. ransom ---- */

static const struct rf_field wallet_item = F_STR("", 0, 200, "送金先アドレス", "wallet", "");
static const struct rf_field demand_fields[] = {
    F_NUM("amount", 0, 0, MONEY, "要求額", "amount demanded", "CI NCO"),
    F_FMT("asset", 0, RFMT_ASSET, 10, "通貨・暗号資産", "currency or crypto-asset", "CI"),
    F_ARR("wallets", RF_UNIQUE, &wallet_item, 0, 50, "送金先", "wallets", "CI"),
    F_TXT("payment_instructions", 0, 5000, "支払指示", "payment instructions", "CI"),
    F_TIME("demanded_at", 0, "要求を受けた日時", "time of the demand", "CI"),
    F_TIME("deadline", RF_FUTURE, "支払期限", "payment deadline", ""),
    F_END};

static const struct rf_field facilitator_item = F_STR("", 0, NAME, "支払仲介者", "facilitator", "");
static const struct rf_field payment_fields[] = {
    F_TIME("paid_at", 0, "支払日時", "time of payment", "CI"),
    F_NUM("amount", 0, 0, MONEY, "支払額", "amount paid", "CI"),
    F_FMT("asset", 0, RFMT_ASSET, 10, "通貨・暗号資産", "currency or crypto-asset", "CI"),
    F_ARR("facilitators", 0, &facilitator_item, 0, 20, "支払仲介者", "facilitators", "CI"),
    F_ENUM("outcome", 0, ransom_outcome_values, "支払後の結果", "outcome", "CI"),
    F_END};

static const struct rf_field ransom_fields[] = {
    F_TRI("demanded", RF_REQUIRED, "身代金の要求", "ransom demanded", "CI NCO"),
    F_OBJ("demand", 0, demand_fields, "要求の内容", "demand", "CI NCO"),
    F_TRI("paid", 0, "身代金の支払", "ransom paid", "CI"),
    F_OBJ("payment", 0, payment_fields, "支払の内容", "payment", "CI"),
    F_END};

/* ---- J. product (EU Cyber Resilience Act Art. 14) ---- */

static const struct rf_field security_update_fields[] = {
    F_TRI("available", 0, "セキュリティ更新の提供", "security update available", "CRA"),
    F_TIME("available_at", 0, "提供開始日時", "available since", "CRA"),
    F_STR("version", 0, 100, "更新後の版", "fixed version", "CRA"),
    F_FMT("url", 0, RFMT_URL, 2048, "更新情報のURL", "advisory URL", "CRA"),
    F_END};

static const struct rf_field product_fields[] = {
    F_STR("name", 0, NAME, "製品名", "product name", "CRA"),
    F_STR("version", 0, 100, "版", "version", "CRA"),
    F_STR("identifier", 0, SHORT, "製品識別子（CPE, PURL等）", "product identifier (CPE, PURL …)", "CRA"),
    F_ENUM("manufacturer_role", 0, manufacturer_role_values, "事業者の立場", "economic operator role", "CRA"),
    F_ARR("member_states_available", RF_UNIQUE, &country_item, 0, 250, "販売されている国", "Member States where available",
          "CRA"),
    F_TRI("actively_exploited_vulnerability", 0, "悪用されている脆弱性", "actively exploited vulnerability", "CRA"),
    F_TRI("severe_incident", 0, "製品のセキュリティに影響する重大インシデント", "severe incident affecting product security",
          "CRA"),
    F_ENUM("exploitation_status", 0, exploitation_values, "悪用の状況", "exploitation status", "CRA"),
    F_TXT("corrective_measures", 0, 5000, "是正・緩和措置", "corrective or mitigating measures", "CRA"),
    F_TXT("user_actions", 0, 5000, "利用者が取るべき措置", "actions for users", "CRA"),
    F_OBJ("security_update", 0, security_update_fields, "セキュリティ更新", "security update", "CRA"),
    F_ENUM("information_sensitivity", 0, sensitivity_values, "情報の機微性", "sensitivity of the information", "CRA"),
    F_END};

/* ---- K. response ---- */

static const struct rf_field provider_item = F_STR("", 0, NAME, "支援事業者", "provider", "");
static const struct rf_field assistance_fields[] = {
    F_TRI("engaged", 0, "外部支援の利用", "third-party assistance engaged", "CI UK"),
    F_ARR("providers", 0, &provider_item, 0, 20, "支援事業者", "providers", "CI UK"),
    F_END};

static const struct rf_field law_enforcement_fields[] = {
    F_TRI("contacted", 0, "警察への相談・届出", "law enforcement contacted", "CI"),
    F_STR("agency", 0, NAME, "相談先", "agency", "CI"),
    F_STR("reference", 0, 100, "受理番号等", "reference", ""),
    F_TIME("contacted_at", 0, "相談日時", "time contacted", ""),
    F_END};

static const struct rf_field authority_informed_fields[] = {
    F_STR("authority", RF_REQUIRED, NAME, "報告先", "authority", "DO UK CI"),
    F_TIME("informed_at", 0, "報告日時", "time informed", "DO"),
    F_STR("reference", 0, 100, "受付番号", "reference", "DO"),
    F_END};
static const struct rf_field authority_informed_item =
    F_OBJ("", 0, authority_informed_fields, "報告済みの機関", "authority informed", "");

static const struct rf_field response_fields[] = {
    F_TXT("containment", 0, 5000, "封じ込め・応急措置", "containment and temporary measures", "DO UK"),
    F_TXT("mitigation_applied", 0, 5000, "実施済みの緩和策", "mitigation applied", "N2 GD"),
    F_TXT("mitigation_ongoing", 0, 5000, "実施中の緩和策", "mitigation ongoing", "N2"),
    F_TXT("root_cause", 0, 5000, "原因", "root cause", "PPC N2 DO"),
    F_TXT("recurrence_prevention", 0, 5000, "再発防止策", "measures to prevent recurrence", "PPC"),
    F_TXT("next_steps", 0, 5000, "今後の対応予定", "planned next steps", "UK"),
    F_OBJ("third_party_assistance", 0, assistance_fields, "外部支援", "third-party assistance", "CI UK"),
    F_OBJ("law_enforcement", 0, law_enforcement_fields, "警察への相談", "law enforcement", "CI POLICE"),
    F_ARR("authorities_informed", 0, &authority_informed_item, 0, 50, "報告済みの機関", "other authorities informed",
          "DO UK CI"),
    F_TXT("resolution_authority_info", 0, 5000, "破綻処理当局向け情報", "information for resolution authorities", "DO"),
    F_TXT("lessons_learned", 0, 5000, "教訓", "lessons learned", ""),
    F_TXT("other", 0, 5000, "その他参考となる事項", "other relevant information", "PPC"),
    F_END};

/* ---- A. confidentiality and consent ---- */

static const struct rf_field section_tlp_fields[] = {
    F_ENUM("entity", 0, report_tlp_values, "報告主体", "entity", ""),
    F_ENUM("contacts", 0, report_tlp_values, "連絡先", "contacts", ""),
    F_ENUM("times", 0, report_tlp_values, "日時", "times", ""),
    F_ENUM("classification", 0, report_tlp_values, "分類", "classification", ""),
    F_ENUM("description", 0, report_tlp_values, "事案の内容", "description", ""),
    F_ENUM("impact", 0, report_tlp_values, "影響", "impact", ""),
    F_ENUM("personal_data", 0, report_tlp_values, "個人データ", "personal data", ""),
    F_ENUM("threat", 0, report_tlp_values, "脅威・技術情報", "threat", ""),
    F_ENUM("ransom", 0, report_tlp_values, "身代金", "ransom", ""),
    F_ENUM("product", 0, report_tlp_values, "製品", "product", ""),
    F_ENUM("response", 0, report_tlp_values, "対応", "response", ""),
    F_END};

static const struct rf_field recipient_item = F_FMT("", 0, RFMT_IDENT, 64, "共有先", "recipient id", "");

/* The sections a report can withhold from a recipient (every top-level section except the
 * envelope and the confidentiality block, which every recipient needs to read the rest). */
const struct rf_enum report_section_values[] = {
    {"entity", "報告主体", "entity"},
    {"contacts", "連絡先", "contacts"},
    {"times", "日時", "times"},
    {"classification", "分類", "classification"},
    {"description", "事案の内容", "description"},
    {"impact", "影響", "impact"},
    {"personal_data", "個人データ", "personal data"},
    {"threat", "脅威・技術情報", "threat"},
    {"ransom", "身代金", "ransom"},
    {"product", "製品", "product"},
    {"response", "対応", "response"},
    {0}};
static const struct rf_field section_item = F_ENUM("", 0, report_section_values, "項目", "section", "");
static const struct rf_field withhold_fields[] = {
    F_FMT("recipient", RF_REQUIRED, RFMT_IDENT, 64, "提供しない相手", "recipient", ""),
    F_ARR("sections", RF_REQUIRED | RF_UNIQUE, &section_item, 1, 11, "提供しない項目", "sections withheld", ""),
    F_END};
static const struct rf_field withhold_item = F_OBJ("", 0, withhold_fields, "提供の制限", "withholding", "");

static const struct rf_field consent_fields[] = {
    F_TRI("onward_sharing", 0, "受領機関から他機関（NCO等）への共有への同意",
          "consent to onward sharing between authorities (e.g. NCO)", "NCO"),
    F_ARR("share_with", RF_UNIQUE, &recipient_item, 0, 100, "共有に同意する機関", "recipients consented to", "NCO"),
    F_BOOL("anonymised_statistics", 0, "匿名化した事例・統計への利用", "use in anonymised case studies and statistics", ""),
    F_BOOL("share_indicators", 0, "組織を特定しない形での技術情報の共有", "share technical indicators without identifying us",
           ""),
    /* Sections the reporter does not consent to give a recipient: delivery leaves them out of
     * what that recipient receives (its inbox, webhook and renderings alike). */
    F_ARR("withhold", RF_UNIQUE, &withhold_item, 0, 100, "受領機関ごとに提供しない項目",
          "sections withheld from a recipient", ""),
    F_END};

static const struct rf_field confidentiality_fields[] = {
    F_ENUM("tlp", RF_REQUIRED, report_tlp_values, "取扱区分（TLP）", "traffic light protocol label", "all"),
    F_OBJ("section_tlp", 0, section_tlp_fields, "項目別の取扱区分", "TLP per section", ""),
    F_OBJ("consent", 0, consent_fields, "共有への同意", "consent to sharing", "NCO"),
    F_END};

/* ---- the report ---- */

static const struct rf_field report_fields[] = {
    F_OBJ("envelope", RF_REQUIRED, envelope_fields, "報告の基本情報", "envelope", ""),
    F_OBJ("entity", RF_REQUIRED, entity_fields, "報告主体", "reporting entity", ""),
    {"contacts", RF_ARRAY, RF_REQUIRED, &contact_item, NULL, RFMT_NONE, 1, 20, "連絡先", "contacts", "all"},
    F_OBJ("times", RF_REQUIRED, times_fields, "日時", "time anchors", ""),
    F_OBJ("classification", RF_REQUIRED, classification_fields, "分類", "classification", ""),
    F_OBJ("description", RF_REQUIRED, description_fields, "事案の内容", "description", ""),
    F_OBJ("impact", RF_REQUIRED, impact_fields, "影響", "operational and financial impact", ""),
    F_OBJ("personal_data", RF_REQUIRED, personal_data_fields, "個人データ", "personal data", ""),
    F_OBJ("threat", 0, threat_fields, "脅威・技術情報", "threat and technical details", ""),
    F_OBJ("ransom", RF_REQUIRED, ransom_fields, "身代金", "ransom", ""),
    F_OBJ("product", 0, product_fields, "製品（CRA）", "product (CRA)", "CRA"),
    F_OBJ("response", 0, response_fields, "対応", "response", ""),
    F_OBJ("confidentiality", RF_REQUIRED, confidentiality_fields, "取扱区分と同意", "confidentiality and consent", ""),
    F_END};

const struct rf_field report_root =
    F_OBJ("", 0, report_fields, "インシデント報告", "incident report", "");
