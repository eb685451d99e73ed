// The report format's JSON Schema (GET /api/v1/report-format/schema) is the one source of the
// form: which fields exist, their type, enumeration, limits, and their labels in both
// languages (`title` in English, `x-title-ja`, `x-labels-ja`/`x-labels-en` for enumerations,
// `x-multiline`, `x-format`, `x-regimes`). Nothing here lists fields.
import { api } from './api.js';

let cached = null;

export async function loadSchema() {
  if (!cached) {
    cached = api.get('/api/v1/report-format/schema').then((r) => r.data).catch((e) => {
      cached = null;
      throw e;
    });
  }
  return cached;
}

export function title(node, lang) {
  if (!node) return '';
  return (lang === 'ja' ? node['x-title-ja'] : node.title) || node.title || node['x-title-ja'] || '';
}

export function optionLabel(node, value, lang) {
  const labels = node && node[lang === 'ja' ? 'x-labels-ja' : 'x-labels-en'];
  return (labels && labels[value]) || String(value);
}

// An object node's members in the order the report format's field table gives them (the
// schema's x-order; JSON objects have no order and the server sorts keys), then any others.
export function memberKeys(node) {
  const props = (node && node.properties) || {};
  const keys = Object.keys(props);
  const order = Array.isArray(node && node['x-order']) ? node['x-order'].filter((k) => k in props) : [];
  return [...order, ...keys.filter((k) => !order.includes(k))];
}

// The order of the steps: the sections the format requires, in the order the schema lists them
// as required (envelope, entity, contacts, times, …), then the optional ones.
export function sectionOrder(schema) {
  const req = schema.required || [];
  const rest = Object.keys(schema.properties || {}).filter((k) => !req.includes(k));
  return [...req.filter((k) => schema.properties[k]), ...rest];
}

// The regimes of a Japanese organisation's usual reports: fields read only by other
// jurisdictions' regimes (EU, UK, US) are folded away under "other regimes" until needed.
export const HOME_REGIMES = ['all', 'PPC', 'NCO', 'CI_JP', 'ACD', 'POLICE'];

export function isHomeField(node) {
  const r = node && node['x-regimes'];
  if (!r) return true;
  return r.split(/\s+/).some((x) => HOME_REGIMES.includes(x));
}

export function nodeAt(schema, pointer) {
  let n = schema;
  for (const seg of splitPointer(pointer)) {
    if (!n) return null;
    if (n.type === 'array') n = n.items;
    else n = n.properties && n.properties[seg];
  }
  return n || null;
}

// RFC 6901 JSON Pointer
export function splitPointer(p) {
  if (!p) return [];
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function joinPointer(base, key) {
  return `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

export function getAt(root, pointer) {
  let v = root;
  for (const seg of splitPointer(pointer)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = v[seg];
  }
  return v;
}

function empty(v) {
  return v === undefined || v === null || v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
}

// Sets the value at pointer, creating the objects and arrays on the way; an empty value
// removes the member, and objects left empty by that are removed too (an absent answer is
// "not known yet", which the rules read as unknown — never an empty string or object).
export function setAt(root, pointer, value) {
  const segs = splitPointer(pointer);
  if (!segs.length) return;
  const chain = [root];
  let o = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const seg = segs[i];
    if (o[seg] === null || typeof o[seg] !== 'object') {
      if (empty(value)) return;
      o[seg] = /^\d+$/.test(segs[i + 1]) ? [] : {};
    }
    o = o[seg];
    chain.push(o);
  }
  const last = segs[segs.length - 1];
  if (empty(value) && !Array.isArray(o)) delete o[last];
  else o[last] = value;
  for (let i = segs.length - 2; i >= 0; i--) {
    const parent = chain[i];
    const child = parent[segs[i]];
    if (!Array.isArray(child) && empty(child)) delete parent[segs[i]];
    else break;
  }
}

// A draft's starting point from the organisation profile (GET /api/v1/me's organisation): the
// schema decides where each fact goes only if that field exists, so a renamed field is skipped
// rather than written blindly. Single-value enumerations (the format version) are filled too.
export function prefill(schema, org, lang) {
  const r = {};
  const put = (ptr, v) => {
    if (v !== undefined && v !== null && v !== '' && nodeAt(schema, ptr)) setAt(r, ptr, v);
  };
  const fv = nodeAt(schema, '/envelope/format_version');
  if (fv && Array.isArray(fv.enum) && fv.enum.length === 1) put('/envelope/format_version', fv.enum[0]);
  const langNode = nodeAt(schema, '/envelope/language');
  if (langNode && Array.isArray(langNode.enum) && langNode.enum.includes(lang)) put('/envelope/language', lang);
  if (org) {
    put('/entity/name_ja', org.name_ja);
    put('/entity/name_en', org.name_en);
    put('/entity/prefecture', org.prefecture);
    if (org.prefecture) put('/entity/country', 'JP');
    put('/entity/corporate_number', org.corporate_number);
    const sector = nodeAt(schema, '/entity/ci_sector');
    if (sector && Array.isArray(sector.enum) && sector.enum.includes(org.sector)) put('/entity/ci_sector', org.sector);
    const size = nodeAt(schema, '/entity/size_band');
    if (size && Array.isArray(size.enum) && size.enum.includes(org.size_band)) put('/entity/size_band', org.size_band);
    if (org.listed) put('/entity/listed', true);
    const tz = nodeAt(schema, '/times/timezone');
    if (tz && org.time_zone) put('/times/timezone', org.time_zone);
  }
  return r;
}

// "/contacts/0/email" → "連絡先 › 1 › メールアドレス": a JSON Pointer named by the schema's titles.
export function pointerLabel(schema, ptr, lang) {
  if (!schema || typeof ptr !== 'string') return String(ptr);
  const segs = splitPointer(ptr);
  const out = [];
  for (let i = 0; i < segs.length; i++) {
    if (/^\d+$/.test(segs[i])) {
      out.push(String(Number(segs[i]) + 1));
      continue;
    }
    if (segs[i] === '-') continue;
    const n = nodeAt(schema, '/' + segs.slice(0, i + 1).join('/'));
    out.push(n ? title(n, lang) : segs[i]);
  }
  return out.join(' › ');
}
