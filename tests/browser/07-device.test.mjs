// A device without a browser (RFC 8628): a command-line tool registered with the real command
// line asks for a user code; the person opens /device on their computer or phone, types the
// code, logs in, compares the code and allows (English) or denies (Korean); the tool's poll
// gets tokens or access_denied.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemun, daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import { assertHeading, follow, logIn } from './lib/steps.mjs';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
const ada = { email: 'ada.device@example.com', name: 'Ada Lovelace', password: 'analytical engine 1843' };
const app = 'Board CLI';

let browser;
let client;
before(async () => {
  browser = await launch();
  client = JSON.parse(daemun('client', 'add', '--name', app, '--public',
    '--grant-type', DEVICE_CODE, '--grant-type', 'refresh_token', '--json'));
  assert.ok(client.client_id && !client.client_secret, 'a public client without a secret');
  daemun('user', 'add', '--email', ada.email, '--name', ada.name, '--password', ada.password);
});
after(async () => {
  await browser?.close();
});

/** What the tool does first: ask for codes. */
async function startDevice() {
  const resp = await fetch(`${daemunUrl}/device_authorization`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: client.client_id, scope: 'openid profile' }),
  });
  assert.equal(resp.status, 200);
  return resp.json();
}

/** One poll of the token endpoint, as the tool makes it. */
async function poll(deviceCode) {
  const resp = await fetch(`${daemunUrl}/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: DEVICE_CODE, client_id: client.client_id, device_code: deviceCode }),
  });
  return { status: resp.status, body: await resp.json() };
}

/** The code is different on every run: painted over in screenshots. */
const codeMask = (page) => [page.locator('.device-code code')];

test('a person types the code a tool shows, logs in, compares it and allows', async () => {
  const lang = 'en';
  const codes = await startDevice();
  assert.equal(codes.verification_uri, `${daemunUrl}/device`);
  assert.equal((await poll(codes.device_code)).body.error, 'authorization_pending');

  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(codes.verification_uri);
  await assertHeading(page, lang, 'device-title');
  await shoot(page, 'device-entry-en', { mobile: true });

  // Typed the way people type: lower case, without the dash.
  await page.fill('#user_code', codes.user_code.toLowerCase().replace('-', ''));
  await follow(page, page.getByRole('button', { name: t(lang, 'device-continue'), exact: true }));
  assert.equal(new URL(page.url()).pathname, '/login', 'a login comes first');
  await logIn(page, lang, ada.email, ada.password);

  assert.equal(new URL(page.url()).pathname, '/device', 'and leads back to the code');
  await assertHeading(page, lang, 'device-title');
  assert.equal((await page.locator('.device-code code').textContent()).trim(), codes.user_code);
  assert.equal((await page.locator('main p.lead').textContent()).trim(), t(lang, 'device-confirm-intro', { app }));
  await shoot(page, 'device-confirm-en', { mobile: true, mask: codeMask(page) });

  await follow(page, page.getByRole('button', { name: t(lang, 'device-allow'), exact: true }));
  assert.equal((await page.locator('main .notice').textContent()).trim(), t(lang, 'device-approved'));
  const { status, body } = await poll(codes.device_code);
  assert.equal(status, 200, JSON.stringify(body));
  assert.ok(body.access_token && body.refresh_token && body.id_token, 'the tool has its tokens');
  await context.close();
});

test('in Korean, from the link with the code filled in, the person denies', async () => {
  const lang = 'ko';
  const codes = await startDevice();
  const context = await newContext(browser, { locale: 'ko-KR' });
  const page = await context.newPage();
  await page.goto(codes.verification_uri_complete);
  await logIn(page, lang, ada.email, ada.password);

  await assertHeading(page, lang, 'device-title');
  assert.equal((await page.locator('main p.lead').textContent()).trim(), t(lang, 'device-confirm-intro', { app }));
  await shoot(page, 'device-confirm-ko', { mobile: true, mask: codeMask(page) });
  await follow(page, page.getByRole('button', { name: t(lang, 'device-deny'), exact: true }));
  assert.equal((await page.locator('main .notice').textContent()).trim(), t(lang, 'device-denied'));
  assert.equal((await poll(codes.device_code)).body.error, 'access_denied');

  // A code that is not (or no longer) one to answer: said in Korean, the code kept to fix.
  await page.goto(`${daemunUrl}/device?user_code=${encodeURIComponent(codes.user_code)}`);
  assert.equal((await page.locator('main .notice-error').textContent()).trim(), t(lang, 'device-error-code'));
  assert.equal(await page.inputValue('#user_code'), codes.user_code);
  await context.close();
});
