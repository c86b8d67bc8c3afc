// One person's life in English: sign up, verify by mail, log in, the account portal, logging in
// to the example application and writing an article there, a password change, logging out
// every session.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { articlesUrl, daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import {
  accountMasks, assertFlash, assertHeading, assertLoggedOut, follow, heading, logIn, signUp,
  verifyByMail,
} from './lib/steps.mjs';
import { waitForMail } from './lib/mail.mjs';

const lang = 'en';
const ada = {
  email: 'ada@example.com',
  username: 'ada',
  name: 'Ada Lovelace',
  password: 'analytical engine 1843',
};
const newPassword = 'difference engine 1822';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a person signs up, verifies the address from the mail, and logs in', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  await page.goto(`${daemunUrl}/login`);
  await assertHeading(page, lang, 'login-title');
  await shoot(page, 'login-en', { mobile: true });

  await follow(page, page.locator('main').getByRole('link', { name: t(lang, 'login-create-account') }));
  assert.equal(new URL(page.url()).pathname, '/signup');
  await shoot(page, 'signup-en', { mobile: true });
  await signUp(page, lang, ada, 'signup-done-en');

  // Not verified yet: the login is refused.
  await page.goto(`${daemunUrl}/login`);
  await logIn(page, lang, ada.email, ada.password);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.locator('main .notice-error').count(), 1, 'an error tells why');
  await shoot(page, 'login-unverified-en');

  await verifyByMail(page, lang, ada, 'verify-confirm-en');
  await shoot(page, 'verified-en');

  await logIn(page, lang, ada.username, ada.password);
  assert.equal(new URL(page.url()).pathname, '/account');
  await assertHeading(page, lang, 'account-title');
  const main = await page.locator('main').textContent();
  assert.ok(main.includes(ada.email) && main.includes(ada.name), 'the portal shows who is logged in');
  assert.ok(main.includes(t(lang, 'account-email-verified')));
  await shoot(page, 'account-en', { mobile: true, mask: accountMasks(page, lang) });
  await context.close();
});

test('with the Daemun account, the person logs in to the example application and writes an article', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  // Writing needs a login: the application sends the browser to its login page.
  await page.goto(`${articlesUrl}/articles/new`);
  assert.equal(new URL(page.url()).pathname, '/login');
  await shoot(page, 'articles-login-en');
  await follow(page, page.getByRole('button', { name: 'Log in with Daemun' }));

  // At Daemun: login, then consent for the application.
  assert.equal(new URL(page.url()).origin, daemunUrl);
  await logIn(page, lang, ada.email, ada.password);
  await assertHeading(page, lang, 'consent-heading', { app: 'Articles' });
  await shoot(page, 'consent-articles-en', { mobile: true });
  await follow(page, page.getByRole('button', { name: t(lang, 'consent-allow'), exact: true }));

  // Back at the application, logged in, on the page asked for first.
  assert.equal(page.url(), `${articlesUrl}/articles/new`);
  assert.equal((await page.locator('header .who').textContent()).trim(), ada.name);
  await shoot(page, 'articles-new-en');
  await page.fill('#title', 'Notes on the Analytical Engine');
  await page.fill('#body', 'It might act upon other things besides number.');
  await follow(page, page.getByRole('button', { name: 'Publish' }));
  assert.match(new URL(page.url()).pathname, /^\/articles\/[^/]+$/);
  assert.equal(await heading(page), 'Notes on the Analytical Engine');
  assert.equal((await page.locator('.author').textContent()).trim(), ada.name);
  await shoot(page, 'articles-article-en', { mask: [page.locator('.meta')] });
  await context.close();
});

test('a password change in the portal, then logging out everywhere', async () => {
  const first = await newContext(browser);
  const page = await first.newPage();
  await page.goto(`${daemunUrl}/login`);
  await logIn(page, lang, ada.email, ada.password);
  await assertHeading(page, lang, 'account-title');

  await follow(page, page.getByRole('link', { name: t(lang, 'account-change-password') }));
  await assertHeading(page, lang, 'password-title');
  await shoot(page, 'password-en', { mobile: true });
  await page.fill('#current_password', ada.password);
  await page.fill('#password', newPassword);
  await page.fill('#password_confirm', newPassword);
  await follow(page, page.locator('form[action="/account/password"] button[type=submit]'));
  await assertHeading(page, lang, 'account-title');
  await assertFlash(page, lang, 'flash-password-changed');
  await waitForMail(ada.email, { subject: t(lang, 'mail-password-changed-subject') });

  // A second browser: the old password no longer works, the new one does.
  const second = await newContext(browser);
  const other = await second.newPage();
  await other.goto(`${daemunUrl}/login`);
  await logIn(other, lang, ada.email, ada.password);
  assert.equal(new URL(other.url()).pathname, '/login', 'the old password is refused');
  await logIn(other, lang, ada.email, newPassword);
  await assertHeading(other, lang, 'account-title');

  // The first browser sees both sessions and ends the other one.
  await page.goto(`${daemunUrl}/account/sessions`);
  await assertHeading(page, lang, 'sessions-title');
  assert.equal(await page.locator('.session').count(), 2);
  await shoot(page, 'sessions-en', { mask: [page.locator('.session .details'), page.locator('.session-device')] });
  await follow(page, page.getByRole('button', { name: t(lang, 'sessions-end-others') }));
  await assertFlash(page, lang, 'flash-sessions-ended');
  assert.equal(await page.locator('.session').count(), 1);
  await assertLoggedOut(other, lang);

  // And logs itself out.
  await page.goto(`${daemunUrl}/logout`);
  await assertHeading(page, lang, 'logout-title');
  await shoot(page, 'logout-en');
  await follow(page, page.getByRole('button', { name: t(lang, 'logout-submit') }));
  await assertFlash(page, lang, 'flash-logged-out');
  await shoot(page, 'logged-out-en');
  await assertLoggedOut(page, lang);
  await first.close();
  await second.close();
});
