// What scripts/test-browser tells the tests, the browser, the command line and translations.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the browser tests through scripts/test-browser`);
  }
  return value;
}

export const daemunUrl = required('BROWSER_DAEMUN_URL');
export const daemunBin = required('BROWSER_DAEMUN_BIN');
export const mailDir = required('BROWSER_MAIL_DIR');
export const screenshotDir = required('BROWSER_SCREENSHOT_DIR');
export const docsDir = required('BROWSER_DOCS_DIR');
export const repoRoot = required('BROWSER_REPO_ROOT');
/** When scripts/test-browser started the run (unix milliseconds). */
export const runStartedMs = Number(required('BROWSER_RUN_STARTED_MS'));
/** The example application (examples/articles), registered as the client "Articles". */
export const articlesUrl = required('BROWSER_ARTICLES_URL');
/** node-oidc-provider, Daemun's upstream provider "Corp", and the one person it knows. */
export const peerUrl = required('BROWSER_PEER_URL');
export const peerEmail = required('BROWSER_PEER_EMAIL');
export const peerPassword = required('BROWSER_PEER_PASSWORD');

const CHROMIUM = '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };

/** Debian's Chromium, headless; never a browser downloaded by Playwright. */
export async function launch(extraArgs = []) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: scripts/ensure-browser installs Debian's chromium`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed: scripts/ensure-browser runs npm ci (${e.message})`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Nothing outside 127.0.0.1 is reachable: keep Chromium from trying.
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-gpu', '--font-render-hinting=none', ...extraArgs],
  });
}

/** A fresh browser profile (its own cookies) at desktop width, asking for English by default. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    viewport: DESKTOP,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    reducedMotion: 'reduce',
    ...options,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context;
}

/**
 * Saves `<name>-desktop.png` and, with `mobile`, `<name>-mobile.png` (390 px wide) of the whole
 * page. `mask` lists locators whose contents change from run to run (dates, ports, ids); they are
 * painted over so screenshots of one build of the pages stay comparable.
 */
export async function shoot(page, name, { mobile = false, mask = [] } = {}) {
  mkdirSync(screenshotDir, { recursive: true });
  const opts = { fullPage: true, animations: 'disabled', caret: 'hide', mask, maskColor: '#c0c0c0' };
  await page.screenshot({ ...opts, path: path.join(screenshotDir, `${name}-desktop.png`) });
  if (mobile) {
    const before = page.viewportSize();
    await page.setViewportSize(MOBILE);
    await page.screenshot({ ...opts, path: path.join(screenshotDir, `${name}-mobile.png`) });
    await page.setViewportSize(before);
  }
}

/** Runs the real `daemun` command line against the same database (same DAEMUN_* variables). */
export function daemun(...args) {
  const r = spawnSync(daemunBin, args, { encoding: 'utf8', env: process.env, timeout: 30_000 });
  if (r.status !== 0) {
    throw new Error(`daemun ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  }
  return r.stdout;
}

/** PKCE S256 pair (RFC 7636 §4.1–4.2). */
export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

const messages = new Map();

/** A translated message from locales/<lang>/*.ftl, with `{ $var }` filled in from `args`. */
export function t(lang, key, args = {}) {
  if (!messages.has(lang)) {
    const table = new Map();
    const dir = path.join(repoRoot, 'locales', lang);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ftl'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const m = /^([a-z][a-z0-9-]*)\s*=\s*(.+)$/.exec(line);
        if (m) table.set(m[1], m[2].trim());
      }
    }
    messages.set(lang, table);
  }
  const text = messages.get(lang).get(key);
  if (text === undefined) throw new Error(`no message ${key} in locales/${lang}`);
  // `{ $product }` is the product's name: the built-in one unless the test names another.
  const all = { product: messages.get(lang).get('brand'), ...args };
  return text.replace(/\{\s*\$([a-z_]+)\s*\}/g, (_, v) => String(all[v] ?? ''));
}
