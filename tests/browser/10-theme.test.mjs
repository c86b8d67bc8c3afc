// Branding: a second Daemun started with the example theme (examples/theme, the one
// docs/theming.md describes), its product name and logo. The login page shows the theme's
// footer, style sheet and logo, loads nothing from other origins, and is photographed for the docs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { daemunBin, launch, newContext, repoRoot, shoot, t } from './lib/env.mjs';

const product = 'Dawn ID';
let browser;
let server;
let dataDir;
let url;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(readyUrl) {
  for (let i = 0; i < 120; i++) {
    if (server.exitCode !== null) throw new Error(`the themed daemun exited (${server.exitCode})`);
    try {
      if ((await fetch(readyUrl)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the themed daemun did not answer ${readyUrl} within 30 s`);
}

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'daemun-theme-'));
  const port = await freePort();
  url = `http://localhost:${port}`;
  server = spawn(daemunBin, ['serve'], {
    env: {
      ...process.env,
      DAEMUN_SERVER__BIND: `127.0.0.1:${port}`,
      DAEMUN_SERVER__ISSUER: url,
      DAEMUN_DATABASE__URL: `sqlite://${dataDir}/daemun.db`,
      DAEMUN_MAIL__FILE_DIR: path.join(dataDir, 'mail'),
      DAEMUN_KEYS__DIR: path.join(dataDir, 'keys'),
      DAEMUN_BRANDING__THEME_DIR: path.join(repoRoot, 'examples', 'theme'),
      DAEMUN_BRANDING__PRODUCT_NAME: product,
      DAEMUN_BRANDING__LOGO: 'logo.svg',
    },
    stdio: 'ignore',
  });
  await waitReady(`${url}/readyz`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

for (const lang of ['en', 'ko']) {
  test(`the themed login page (${lang}) carries the product's name, logo, footer and colours`, async () => {
    const context = await newContext(browser, { locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    const page = await context.newPage();
    const origins = new Set();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.goto(`${url}/login`);

    assert.equal(await page.title(), `${t(lang, 'login-title')} · ${product}`);
    const brand = page.locator('header a.brand');
    assert.equal((await brand.innerText()).trim(), product);
    const logo = brand.locator('img.brand-logo');
    await logo.waitFor();
    assert.ok(await logo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the logo loads');
    // The overridden template: the theme's footer line, in the page's language.
    const help = page.locator('.site-footer .dawn-help');
    assert.match(await help.innerText(), lang === 'ko' ? /메일을 보내 주세요/ : /Need help\?/);
    // The overridden style sheet: the theme's accent colour on the login button.
    const button = page.getByRole('button', { name: t(lang, 'login-submit'), exact: true });
    assert.equal(await button.evaluate((b) => getComputedStyle(b).backgroundColor), 'rgb(180, 70, 27)');
    // Everything the page loaded came from Daemun itself.
    assert.deepEqual([...origins], [url]);

    if (lang === 'en') await shoot(page, 'login-themed-en', { mobile: true });
    await context.close();
  });
}
