// Logging in with another provider: Daemun's login page offers "Log in with Corp", where Corp is
// node-oidc-provider (started by scripts/test-browser). The person logs in on Corp's own form,
// allows access on its consent page and comes back logged in to Daemun; the first time makes
// the account, the next finds it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemunUrl, launch, newContext, peerEmail, peerPassword, peerUrl, shoot, t } from './lib/env.mjs';
import { accountMasks, assertHeading, follow } from './lib/steps.mjs';

const label = 'Corp';
const name = 'Mina Corp';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** From Daemun's login page already open: Corp's form, its consent page, back to Daemun. */
async function logInWithCorp(page, lang) {
  const button = page.locator('main').getByRole('link', { name: t(lang, 'upstream-login-button', { label }) });
  await follow(page, button);
  assert.equal(new URL(page.url()).origin, peerUrl, 'the button leads to the provider');
  assert.equal(await page.locator('h1').textContent(), 'Sign in', "the provider's own login form");
  await page.fill('input[name=email]', peerEmail);
  await page.fill('input[name=password]', peerPassword);
  await follow(page, page.getByRole('button', { name: 'Sign in' }));
  assert.equal(new URL(page.url()).origin, peerUrl);
  assert.equal(await page.locator('h1').textContent(), 'Allow access', "the provider's consent page");
  const asked = await page.locator('main li').allTextContents();
  assert.deepEqual(asked, ['openid', 'email', 'profile'], 'Daemun asks for the address and the name');
  await follow(page, page.getByRole('button', { name: 'Allow' }));
}

test('a first login with Corp creates the account and lands on the account page', async () => {
  const lang = 'en';
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/login`);
  await assertHeading(page, lang, 'login-title');
  await shoot(page, 'login-upstream-en', { mobile: true });

  await logInWithCorp(page, lang);
  const url = new URL(page.url());
  assert.equal(url.origin, daemunUrl, 'back at Daemun');
  assert.equal(url.pathname, '/account');
  await assertHeading(page, lang, 'account-title');
  const main = await page.locator('main').textContent();
  assert.ok(main.includes(peerEmail) && main.includes(name), 'the account has the provider\'s address and name');
  assert.ok(main.includes(t(lang, 'account-email-verified')), 'the provider vouched for the address');
  await shoot(page, 'account-upstream-en', { mask: accountMasks(page, lang) });
  await context.close();
});

test('in Korean, a new browser logs in with Corp again and reaches the same account', async () => {
  const lang = 'ko';
  const context = await newContext(browser, { locale: 'ko-KR' });
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/login`);
  await assertHeading(page, lang, 'login-title');
  await shoot(page, 'login-upstream-ko', { mobile: true });

  await logInWithCorp(page, lang);
  assert.equal(new URL(page.url()).pathname, '/account');
  await assertHeading(page, lang, 'account-title');
  const main = await page.locator('main').textContent();
  assert.ok(main.includes(peerEmail) && main.includes(name), 'the same account');
  await context.close();
});
