// The texts of the authority, executive and operator pages live in their own locale files
// (locales/<area>.<lang>.json, each under its own top-level keys) so that the shared ja.json and
// en.json stay the foundation's; they are merged into the messages here, one file per area and
// language.
const files = import.meta.glob('../locales/*.*.json', { eager: true, import: 'default' });

export function withAreas(messages) {
  for (const [path, texts] of Object.entries(files)) {
    const m = /\/[a-z-]+\.(ja|en)\.json$/.exec(path);
    if (m && messages[m[1]]) Object.assign(messages[m[1]], texts);
  }
  return messages;
}
