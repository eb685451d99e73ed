// The one way the pages talk to the server: same-origin fetch with the session cookie, the
// X-CSRF-Token header on every state change (the server refuses a cookie-authenticated POST,
// PUT, PATCH or DELETE without it: 403 csrf_token_invalid), the chosen language in
// Accept-Language, and RFC 9457 problem documents turned into an ApiError that pages show.
import { reactive } from 'vue';

export const auth = reactive({ csrf: null });
let currentLang = 'ja';

export function setApiLang(lang) {
  currentLang = lang;
}

// A problem (RFC 9457) or a network failure, in a form the pages can show: `message` for the
// person (the server wrote title/detail in the language we asked for), `code` (the last part
// of the problem type URN, e.g. two_factor_required), and `fields`, the validation problems by
// JSON Pointer (RFC 6901) so a form can put each next to its field in either language.
export class ApiError extends Error {
  constructor(status, problem, fallback) {
    const p = problem && typeof problem === 'object' ? problem : {};
    super(p.detail || p.title || fallback || `HTTP ${status}`);
    this.status = status;
    this.problem = p;
    this.title = p.title || '';
    this.code = typeof p.type === 'string' ? p.type.replace(/^.*:/, '') : '';
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.fields = fieldErrors(this.errors);
  }
}

// [{pointer, code, message_ja, message_en}] → { pointer: [{code, ja, en}] }
export function fieldErrors(errors) {
  const out = {};
  for (const e of errors || []) {
    const ptr = typeof e.pointer === 'string' ? e.pointer : '';
    (out[ptr] = out[ptr] || []).push({
      code: e.code,
      ja: e.message_ja || e.message || '',
      en: e.message_en || e.message || '',
    });
  }
  return out;
}

export async function request(method, path, { body, headers = {}, ifMatch, query, signal } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': currentLang, ...headers };
  if (method !== 'GET' && method !== 'HEAD' && auth.csrf) h['X-CSRF-Token'] = auth.csrf;
  if (ifMatch) h['If-Match'] = ifMatch;
  let payload;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let url = path;
  if (query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, v);
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  let res;
  try {
    res = await fetch(url, { method, headers: h, body: payload, credentials: 'same-origin', signal });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, currentLang === 'ja'
      ? 'サーバーに接続できませんでした。ネットワークを確認して、もう一度お試しください。'
      : 'Could not reach the server. Check the network and try again.');
  }
  const type = res.headers.get('Content-Type') || '';
  let data = null;
  if (res.status !== 204) {
    if (type.includes('json')) {
      try {
        data = await res.json();
      } catch {
        data = null;
      }
    } else {
      data = await res.text();
    }
  }
  if (!res.ok) throw new ApiError(res.status, data, typeof data === 'string' ? data.slice(0, 200) : '');
  return { status: res.status, data, etag: res.headers.get('ETag'), location: res.headers.get('Location') };
}

export const api = {
  get: (path, opts) => request('GET', path, opts),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  del: (path, body, opts = {}) => request('DELETE', path, { ...opts, body }),
};
