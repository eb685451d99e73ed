// Figures for people in the chosen language (no chart library here, so pages that only show
// numbers do not load Chart.js).
// Yen for people: "1.2億円" / "¥120M" for axes and headlines, the exact figure in tables.
export function yenShort(v, lang) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  const s = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { notation: 'compact', maximumSignificantDigits: 3 }).format(v);
  return lang === 'ja' ? `${s}円` : `¥${s}`;
}
export function yen(v, lang) {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency: 'JPY', maximumFractionDigits: 0 }).format(Math.round(v));
}
export function pct(p, lang, digits = 1) {
  if (p === null || p === undefined) return '—';
  return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { style: 'percent', maximumFractionDigits: digits }).format(p);
}
export function num(v, lang, digits = 2) {
  if (v === null || v === undefined) return '—';
  return new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
}
