// What the advisory pages share: the TLP 2.0 labels in order, the advisory format's scales and
// text fields (docs/sharing.md §2, sharing/advisory.h), the reader's language with a fallback
// to the other one, and the request body built from the form (empty answers left out, as the
// format makes every field but five optional).
import { nodeAt, optionLabel } from '../../lib/schema.js';
import { localToRfc3339, rfc3339ToLocal } from '../../lib/format.js';

// FIRST TLP 2.0, least restrictive first (the order of src/sharing/sharing.h enum tlp).
export const TLPS = ['TLP:CLEAR', 'TLP:GREEN', 'TLP:AMBER', 'TLP:AMBER+STRICT', 'TLP:RED'];
export const tlpKey = (label) => String(label || '').replace(/^TLP:/, '').replace('+', '_').toLowerCase();
export const lowerThan = (label) => TLPS.slice(0, Math.max(0, TLPS.indexOf(label)));

export const URGENCY = ['immediate', 'high', 'medium', 'low'];
export const IMPORTANCE = ['critical', 'high', 'medium', 'low'];
export const CONFIDENCE = ['none', 'low', 'moderate', 'high'];
export const IOC_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'ssdeep'];

// The format's texts ({ja, en}) in the order the advisory page and the form show them.
export const TEXTS_BEFORE_SCALES = ['summary', 'purpose', 'background'];
export const TEXTS_AFTER_SCALES = ['expected_damage', 'ripple_effects', 'initial_response', 'mid_long_term_response'];

// A bilingual text in the reader's language, else the other: {text, lang} so the page can mark
// a fallback with its own lang attribute (WCAG 3.1.2).
export function pick(o, lang) {
  if (!o || typeof o !== 'object') return { text: o ? String(o) : '', lang };
  if (o[lang]) return { text: o[lang], lang };
  const other = lang === 'ja' ? 'en' : 'ja';
  return o[other] ? { text: o[other], lang: other } : { text: '', lang };
}

// Labels of the report format's own enumerations (sectors, organisation kinds), never a
// second list typed here.
export const SECTOR_PTR = '/entity/ci_sector';
export const KIND_PTR = '/entity/kind';
export function options(schema, ptr, lang) {
  const node = schema ? nodeAt(schema, ptr) : null;
  return node && node.enum ? node.enum.map((v) => ({ value: v, label: optionLabel(node, v, lang) })) : [];
}
export function label(schema, ptr, value, lang) {
  const node = schema ? nodeAt(schema, ptr) : null;
  return node ? optionLabel(node, value, lang) : String(value);
}

// MITRE ATT&CK's page of a technique id (T1234, T1234.001, ICS T0800).
export function attackUrl(id) {
  const m = /^T(\d{4})(?:\.(\d{3}))?$/.exec(id || '');
  if (!m) return '';
  return `https://attack.mitre.org/techniques/T${m[1]}/${m[2] ? m[2] + '/' : ''}`;
}

// ---- the form's model ⇄ the API's body
const emptyText = () => ({ ja: '', en: '' });
const lines = (s) => String(s || '').split('\n').map((x) => x.trim()).filter(Boolean);

export function emptyModel() {
  return {
    title: emptyText(), summary: emptyText(), purpose: emptyText(), background: emptyText(),
    expected_damage: emptyText(), ripple_effects: emptyText(), initial_response: emptyText(), mid_long_term_response: emptyText(),
    change_summary: emptyText(),
    actor: { name: emptyText(), attribution_confidence: '' },
    urgency: '', importance: '', tlp: 'TLP:AMBER', required_clearance: '',
    affected: { sectors: [], prefectures: [], products: '', cves: '' },
    indicators: [],
    techniques: '', sources: '', valid_from: '', valid_until: '',
    audience: { sectors: [], org_kinds: [], prefectures: [], organizations: '', users: '', clearance_holders: false },
  };
}

const text = (t) => {
  const o = {};
  if (t.ja.trim()) o.ja = t.ja.trim();
  if (t.en.trim()) o.en = t.en.trim();
  return Object.keys(o).length ? o : null;
};
const toText = (o) => ({ ja: (o && o.ja) || '', en: (o && o.en) || '' });

export function toBody(m, zone, { amend = false } = {}) {
  const b = {};
  for (const k of ['title', 'summary', 'purpose', 'background', ...TEXTS_AFTER_SCALES]) {
    const v = text(m[k]);
    if (v || k === 'title' || k === 'summary') b[k] = v || {};
  }
  const actorName = text(m.actor.name);
  if (actorName || m.actor.attribution_confidence) {
    b.actor = { name: actorName || {} };
    if (m.actor.attribution_confidence) b.actor.attribution_confidence = m.actor.attribution_confidence;
  }
  if (m.urgency) b.urgency = m.urgency;
  if (m.importance) b.importance = m.importance;
  const af = {};
  if (m.affected.sectors.length) af.sectors = [...m.affected.sectors];
  if (m.affected.prefectures.length) af.prefectures = [...m.affected.prefectures];
  if (lines(m.affected.products).length) af.products = lines(m.affected.products);
  if (lines(m.affected.cves).length) af.cves = lines(m.affected.cves);
  if (Object.keys(af).length) b.affected = af;
  const iocs = m.indicators.filter((i) => i.value.trim()).map((i) => ({ type: i.type, value: i.value.trim() }));
  if (iocs.length) b.indicators = iocs;
  if (lines(m.techniques).length) b.techniques = lines(m.techniques);
  if (lines(m.sources).length) b.sources = lines(m.sources);
  if (m.valid_from) b.valid_from = localToRfc3339(m.valid_from, zone);
  if (m.valid_until) b.valid_until = localToRfc3339(m.valid_until, zone);
  b.tlp = m.tlp;
  if (m.required_clearance) b.required_clearance = m.required_clearance;
  const au = {};
  for (const k of ['sectors', 'org_kinds', 'prefectures']) if (m.audience[k].length) au[k] = [...m.audience[k]];
  for (const k of ['organizations', 'users']) if (lines(m.audience[k]).length) au[k] = lines(m.audience[k]);
  if (m.audience.clearance_holders) au.clearance_holders = true;
  if (Object.keys(au).length) b.audience = au;
  if (amend) {
    const cs = text(m.change_summary);
    if (cs) b.change_summary = cs;
  }
  return b;
}

// The model of an advisory as its originating organisation reads it (to amend it): sources are
// {ref, incident_id} there, and the incident id is what a new version names.
export function fromAdvisory(a, zone) {
  const m = emptyModel();
  for (const k of ['title', 'summary', 'purpose', 'background', ...TEXTS_AFTER_SCALES]) m[k] = toText(a[k]);
  if (a.actor) m.actor = { name: toText(a.actor.name), attribution_confidence: a.actor.attribution_confidence || '' };
  m.urgency = a.urgency || '';
  m.importance = a.importance || '';
  m.tlp = a.tlp || 'TLP:AMBER';
  m.required_clearance = a.required_clearance || '';
  const af = a.affected || {};
  m.affected = { sectors: [...(af.sectors || [])], prefectures: [...(af.prefectures || [])], products: (af.products || []).join('\n'), cves: (af.cves || []).join('\n') };
  m.indicators = (a.indicators || []).map((i) => ({ type: i.type, value: i.value }));
  m.techniques = (a.techniques || []).join('\n');
  m.sources = (a.sources || []).map((s) => (s && typeof s === 'object' ? s.incident_id || s.ref : s)).filter(Boolean).join('\n');
  m.valid_from = a.valid_from ? rfc3339ToLocal(a.valid_from, zone) : '';
  m.valid_until = a.valid_until ? rfc3339ToLocal(a.valid_until, zone) : '';
  const au = a.audience || {};
  m.audience = {
    sectors: [...(au.sectors || [])], org_kinds: [...(au.org_kinds || [])], prefectures: [...(au.prefectures || [])],
    organizations: (au.organizations || []).join('\n'), users: (au.users || []).join('\n'), clearance_holders: !!au.clearance_holders,
  };
  return m;
}

// The validation problems (an ApiError's `errors`) at a JSON Pointer and below it, in the
// reader's language; a problem of a list item names its line or row (`/affected/cves/2` → 3).
export function problemsUnder(error, ptr, lang, itemWord) {
  if (!error || !error.errors) return [];
  const out = [];
  for (const e of error.errors) {
    const p = typeof e.pointer === 'string' ? e.pointer : '';
    if (p !== ptr && !p.startsWith(ptr + '/')) continue;
    const msg = (lang === 'ja' ? e.message_ja : e.message_en) || e.message || '';
    const rest = p.slice(ptr.length + 1).split('/')[0];
    out.push(/^\d+$/.test(rest) && itemWord ? `${itemWord(Number(rest) + 1)}: ${msg}` : msg);
  }
  return out;
}
