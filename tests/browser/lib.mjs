// Helpers for the browser tests: the real `ichigen` binary on a temp database (created with the
// `ichigen admin` CLI, as an operator would), Chromium driven by playwright-core, axe-core,
// TOTP codes (RFC 6238) and TAP output.
import { createRequire } from 'node:module';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const webRequire = createRequire(join(ROOT, 'web', 'package.json'));
export const { chromium } = webRequire('playwright-core');
export const AXE_SOURCE = readFileSync(webRequire.resolve('axe-core/axe.min.js'), 'utf8');

// ---- TAP
let n = 0;
export const counts = { passed: 0, failed: 0, skipped: 0 };
export const lines = [];
function out(s) {
  lines.push(s);
  console.log(s);
}
export function note(s) {
  for (const l of String(s).split('\n')) out(`# ${l}`);
}
// The page a failing test leaves behind is saved as FAILED-<n>.png beside the screenshots.
export const current = { page: null };
export async function test(name, fn, { skip } = {}) {
  n += 1;
  if (skip) {
    counts.skipped += 1;
    out(`ok ${n} - ${name} # SKIP ${skip}`);
    return false;
  }
  try {
    await fn();
    counts.passed += 1;
    out(`ok ${n} - ${name}`);
    return true;
  } catch (e) {
    counts.failed += 1;
    out(`not ok ${n} - ${name}`);
    if (current.page) await shot(current.page, `FAILED-${n}`).catch(() => {});
    note(e && e.stack ? e.stack.split('\n').slice(0, 6).join('\n') : String(e));
    return false;
  }
}
export function plan() {
  out(`1..${n}`);
}
export function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

// ---- the server
// ICHIGEN_BROWSER_PG_URL set to a PostgreSQL store URL (scripts/pg.sh prints one; issue 14): the
// server and every CLI command use a fresh database made on that server for this run ("br_" and
// the temp directory's name, dropped again by stop()) instead of the data directory's SQLite
// file, so the same tests run once per store.
export const PG_URL = process.env.ICHIGEN_BROWSER_PG_URL || '';
function psql(url, sql) {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql ${sql} failed (${r.status}): ${r.stderr || r.error}`);
}

export class Server {
  constructor(bin) {
    this.bin = bin;
    this.dir = mkdtempSync(join(tmpdir(), 'ichigen-browser-'));
    this.proc = null;
    this.port = 0;
    // where the store is, for the server and the CLI alike
    this.storeArgs = [`--data-dir=${this.dir}`];
    this.pgDb = '';
    if (PG_URL) {
      this.pgDb = `br_${basename(this.dir).toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
      psql(PG_URL, `CREATE DATABASE ${this.pgDb}`);
      // libpq takes dbname= as a query parameter of the URI (PostgreSQL 15 §34.1.1.2)
      this.storeArgs.push(`--store-url=${PG_URL}${PG_URL.includes('?') ? '&' : '?'}dbname=${this.pgDb}`);
    }
  }
  cli(args, input) {
    const r = spawnSync(this.bin, [...args, ...this.storeArgs], { input: input || '', encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ichigen ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  }
  migrate() {
    this.cli(['migrate']);
  }
  createOrg(nameJa, nameEn, kind, extra = []) {
    return this.cli(['admin', 'create-org', '--name-ja', nameJa, '--name-en', nameEn, '--kind', kind, ...extra]).split('\n')[0].trim();
  }
  createUser(orgId, username, displayName, role, password) {
    const out = this.cli(['admin', 'create-user', '--org-id', orgId, '--username', username, '--display-name', displayName, '--role', role, '--password-stdin'], `${password}\n`);
    const m = /\(([^)]+)\)/.exec(out);
    return m ? m[1] : '';
  }
  // extra: more settings (e.g. a delivery file), as `--name=value`
  async start(webDir, extra = []) {
    const ready = join(this.dir, 'ready');
    this.proc = spawn(this.bin, ['serve', ...this.storeArgs, '--port=0', '--listen-addr=127.0.0.1', `--ready-file=${ready}`, `--web-dir=${webDir}`, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => {
      if (this.stderr.length < 100000) this.stderr += d;
    });
    // bounded poll for the ready file (the port the kernel chose)
    for (let i = 0; i < 300; i++) {
      if (existsSync(ready)) {
        const p = readFileSync(ready, 'utf8').trim();
        if (p) {
          this.port = Number(p);
          return;
        }
      }
      if (this.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`ichigen serve did not become ready: ${this.stderr.slice(-2000)}`);
  }
  get base() {
    return `http://127.0.0.1:${this.port}`;
  }
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const done = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await Promise.race([done, new Promise((r) => setTimeout(r, 10000))]);
      if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (this.pgDb) psql(PG_URL, `DROP DATABASE IF EXISTS ${this.pgDb} WITH (FORCE)`);
  }
}

// ---- RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret, for two-factor sign-in
export function totp(secretB32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secretB32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const h = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const code = ((h.readUInt32BE(o) & 0x7fffffff) % 1000000).toString().padStart(6, '0');
  return code;
}

// ---- the browser
export async function launch() {
  return chromium.launch({
    executablePath: process.env.ICHIGEN_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Collects what the page would hide from a person: CSP violations and uncaught errors.
export function watch(page) {
  const issues = [];
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(t)) issues.push(`CSP: ${t}`);
  });
  page.on('pageerror', (e) => issues.push(`page error: ${e.message}`));
  return issues;
}

// axe-core, injected through the DevTools protocol (CSP governs the page's own scripts, not
// this): fails on serious or critical violations (WCAG 2.1 A/AA rules).
export async function axe(page, label) {
  await page.evaluate(AXE_SOURCE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((x) => x.target.join(' ')) }));
  });
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = res.filter((v) => !bad.includes(v));
  if (minor.length) note(`axe (${label}), not serious: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  if (bad.length) throw new Error(`axe (${label}): ${JSON.stringify(bad)}`);
}

export const SHOTS = join(ROOT, 'build', PG_URL ? 'browser-screenshots-pg' : 'browser-screenshots');
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
