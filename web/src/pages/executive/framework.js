// The questionnaires (GET /api/v1/frameworks/{id}), kept once loaded: the CSF functions,
// categories and questions with the wording of every level in both languages.
import { api } from '../../lib/api.js';

const cache = new Map();
export function loadFramework(id) {
  if (!cache.has(id)) {
    cache.set(id, api.get(`/api/v1/frameworks/${encodeURIComponent(id)}`).then((r) => r.data).catch((e) => {
      cache.delete(id);
      throw e;
    }));
  }
  return cache.get(id);
}

// category id → {name, function}
export function categoryIndex(fw) {
  const m = {};
  for (const f of (fw && fw.functions) || []) for (const c of f.categories || []) m[c.id] = { name: c.name, fn: f };
  return m;
}

export function ratingPdfHref(lang, assessment) {
  const q = new URLSearchParams({ lang });
  if (assessment) q.set('assessment', assessment);
  return `/api/v1/rating.pdf?${q}`;
}
