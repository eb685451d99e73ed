// The recipients (authorities) by id, from GET /api/v1/recipients: their names in both
// languages, time zone and the document formats each accepts.
import { api } from './api.js';

let cached = null;
export function loadRecipients() {
  if (!cached) {
    cached = api.get('/api/v1/recipients').then((r) => {
      const m = {};
      for (const it of (r.data && r.data.items) || []) m[it.id] = it;
      return m;
    }).catch((e) => {
      cached = null;
      throw e;
    });
  }
  return cached;
}
