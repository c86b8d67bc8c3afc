// The same sign-up in Korean: the language is switched on the page, and the pages and the mail
// follow it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import { accountMasks, assertHeading, follow, logIn, signUp, verifyByMail } from './lib/steps.mjs';

const lang = 'ko';
const minji = {
  email: 'minji@example.com',
  username: 'minji',
  name: '김민지',
  password: 'namsan tower 1971',
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the language link switches an English page to Korean and the choice is remembered', async () => {
  // The browser asks for English; only the link makes the pages Korean.
  const context = await newContext(browser, { locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/login`);
  await assertHeading(page, 'en', 'login-title');

  await follow(page, page.locator('.lang-switch a[hreflang="ko"]'));
  await assertHeading(page, lang, 'login-title');
  assert.equal(await page.locator('.lang-switch a[aria-current="true"]').getAttribute('hreflang'), 'ko');
  await shoot(page, 'login-ko', { mobile: true });

  await follow(page, page.locator('main').getByRole('link', { name: t(lang, 'login-create-account') }));
  assert.equal(new URL(page.url()).pathname, '/signup');
  await assertHeading(page, lang, 'signup-title');
  await shoot(page, 'signup-ko', { mobile: true });
  await signUp(page, lang, minji, 'signup-done-ko');

  const mail = await verifyByMail(page, lang, minji, 'verify-confirm-ko');
  assert.ok(mail.text.includes(t(lang, 'mail-verify-intro')), 'the mail body is Korean');
  assert.ok(mail.html.includes(t(lang, 'mail-verify-button')), 'the HTML part too');

  await logIn(page, lang, minji.email, minji.password);
  assert.equal(new URL(page.url()).pathname, '/account');
  await assertHeading(page, lang, 'account-title');
  assert.ok((await page.locator('main').textContent()).includes(minji.name));
  await shoot(page, 'account-ko', { mobile: true, mask: accountMasks(page, lang) });
  await context.close();
});

test('?lang=ko on any page chooses Korean for the following pages', async () => {
  const context = await newContext(browser, { locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/signup?lang=ko`);
  await assertHeading(page, lang, 'signup-title');
  await page.goto(`${daemunUrl}/password/reset`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  await shoot(page, 'password-reset-ko');
  await page.goto(`${daemunUrl}/login?lang=en`);
  await assertHeading(page, 'en', 'login-title');
  await page.goto(`${daemunUrl}/signup`);
  await assertHeading(page, 'en', 'signup-title');
  await context.close();
});
