// Names for the codes the inbox API gives, from the report format's own schema (sector and
// category labels in both languages) — never a second list typed here.
import { nodeAt, optionLabel } from '../../lib/schema.js';

export function schemaOptions(schema, pointer, lang) {
  const n = schema ? nodeAt(schema, pointer) : null;
  const node = n && n.type === 'array' ? n.items : n;
  if (!node || !node.enum) return [];
  return node.enum.map((v) => ({ value: v, label: optionLabel(node, v, lang) }));
}

export function schemaLabel(schema, pointer, value, lang) {
  const n = schema ? nodeAt(schema, pointer) : null;
  const node = n && n.type === 'array' ? n.items : n;
  return node ? optionLabel(node, value, lang) : String(value);
}

export const SECTOR_PTR = '/entity/ci_sector';
export const CATEGORY_PTR = '/classification/categories';
