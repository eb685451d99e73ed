// validate.mjs — checks the STIX 2.1 that ichigen exports against the OASIS STIX 2.1 JSON
// schemas (tests/data/stix2.1-schemas, draft 2020-12) with Ajv (issue 13 item 4).
//
//   node tests/stix/validate.mjs ICHIGEN_BIN [BUNDLE.json]
//
// Runs `ICHIGEN_BIN stix sample` (or reads BUNDLE.json), then validates the bundle against
// common/bundle.json and every object against the schema of its own type.
// bundle.json lists 36 object types; any other object (incident, grouping, note, a custom
// object) falls to its "custom object" branch, whose oneOf [core.json, cyber-observable-core.json]
// can never hold for an SDO-shaped object, since every object valid against core.json is also
// valid against cyber-observable-core.json (which requires only type and id). So the bundle
// check runs over the objects of the listed types, and every object, listed or not, is checked
// against its own type's schema (incident against sdos/incident.json).
// Two negative controls first prove the validator is not vacuous: a copy of the bundle with
// a timestamp lacking milliseconds, and one with a UUIDv7 id, must both be refused.
// Prints TAP. Ajv comes from web/node_modules (web/package.json devDependencies, installed by
// scripts/web.sh); without it the test is skipped with a message.
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCHEMAS = join(ROOT, 'tests', 'data', 'stix2.1-schemas', 'schemas');
const BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';

let Ajv2020, addFormats;
try {
  const req = createRequire(join(ROOT, 'web', 'package.json'));
  Ajv2020 = req('ajv/dist/2020').default;
  addFormats = req('ajv-formats').default;
} catch (e) {
  console.log('1..0 # SKIP ajv is not installed in web/node_modules (run scripts/web.sh)');
  process.exit(0);
}

// Every schema, by its $id; refs like "../common/core.json" resolve against those ids.
const ajv = new Ajv2020({
  allErrors: true,
  strict: false, // the OASIS files carry keywords Ajv's strict mode does not know ("definitions" titles …)
  unicodeRegExp: false, // their patterns use "\-", which a /u regular expression refuses
});
addFormats(ajv);
// JSON Schema's idn-hostname, which ajv-formats lacks: a host name whose labels may hold
// non-ASCII letters (only domain-name SCOs use it; ichigen exports none).
ajv.addFormat('idn-hostname', /^[^\s./:@]+(\.[^\s./:@]+)*\.?$/u);
const types = {};
for (const dir of readdirSync(SCHEMAS)) {
  for (const f of readdirSync(join(SCHEMAS, dir))) {
    const s = JSON.parse(readFileSync(join(SCHEMAS, dir, f), 'utf8'));
    ajv.addSchema(s);
    types[f.replace(/\.json$/, '')] = s.$id;
  }
}

const bundleText = process.argv[3]
  ? readFileSync(process.argv[3], 'utf8')
  : execFileSync(process.argv[2], ['stix', 'sample'], { encoding: 'utf8' });
const bundle = JSON.parse(bundleText);

const lines = [];
let failed = 0;
let n = 0;
function check(name, ok, detail) {
  lines.push(`${ok ? 'ok' : 'not ok'} ${++n} - ${name}`);
  if (!ok) {
    failed++;
    for (const l of detail) lines.push(`# ${l}`);
  }
}
function errorsOf(schemaId, value) {
  const v = ajv.getSchema(schemaId);
  if (v(value)) return [];
  return v.errors.slice(0, 12).map((e) => `${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
}
const bundleSchema = JSON.parse(readFileSync(join(SCHEMAS, 'common', 'bundle.json'), 'utf8'));
const listed = new Set(bundleSchema.properties.objects.items.anyOf[0].oneOf
  .map((r) => r.$ref.replace(/^.*\//, '').replace(/\.json$/, '')));
function validateAll(b) {
  const envelope = { ...b, objects: b.objects.filter((o) => listed.has(o.type)) };
  const out = [['bundle', errorsOf(BASE + 'common/bundle.json', envelope)]];
  for (const o of b.objects) {
    const id = types[o.type];
    out.push([`${o.type} ${o.id}`, id ? errorsOf(id, o) : [`no OASIS schema for type ${o.type}`]]);
  }
  return out;
}

// The negative controls.
const noMillis = structuredClone(bundle);
noMillis.objects[0].created = noMillis.objects[0].created.replace(/\.\d+Z$/, 'Z');
check('control: a created without milliseconds is refused',
  validateAll(noMillis).some(([, e]) => e.length), ['the validator accepted it']);
const v7 = structuredClone(bundle);
v7.objects[0].id = v7.objects[0].id.replace(/--(.{14})./, '--$17');
check('control: a UUIDv7 id is refused', validateAll(v7).some(([, e]) => e.length),
  ['the validator accepted it']);

// The export itself.
const seen = new Set();
for (const [name, errs] of validateAll(bundle)) {
  seen.add(name.split(' ')[0]);
  check(`${name} is valid against the OASIS schema`, errs.length === 0, errs);
}
// Only the sample must hold every kind; a bundle given as a file (an export a test fetched over
// HTTP, such as itest_share_export's sightings) holds what its export holds.
for (const t of process.argv[3] ? [] : ['indicator', 'sighting', 'incident', 'report', 'identity',
  'marking-definition', 'attack-pattern', 'vulnerability', 'intrusion-set', 'relationship',
  'language-content']) {
  check(`the sample holds a ${t}`, seen.has(t), ['`ichigen stix sample` lost a kind of object']);
}
console.log(`1..${n}`);
console.log(lines.join('\n'));
process.exit(failed ? 1 : 0);
