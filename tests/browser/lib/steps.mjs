// Steps shared by the journeys: each asserts the page it lands on, in the language it expects.
import assert from 'node:assert/strict';

import { daemunUrl, shoot, t } from './env.mjs';
import { linkIn, waitForMail } from './mail.mjs';

/** Clicks `locator` and waits for the page it leads to (a form POST and its redirects). */
export async function follow(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
}

export async function heading(page) {
  return (await page.locator('main h1').first().textContent()).trim();
}

export async function assertHeading(page, lang, key, args) {
  assert.equal(await heading(page), t(lang, key, args), `heading of ${page.url()}`);
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `lang of ${page.url()}`);
}

/** The flash messages shown at the top of the page. */
export async function flashes(page) {
  return (await page.locator('.flashes .notice').allTextContents()).map((s) => s.trim());
}

export async function assertFlash(page, lang, key, args) {
  assert.ok((await flashes(page)).includes(t(lang, key, args)),
    `flash "${t(lang, key, args)}" on ${page.url()}; got ${JSON.stringify(await flashes(page))}`);
}

/** The dates on the account overview change with every run; masked in screenshots. */
export function accountMasks(page, lang) {
  return ['account-member-since', 'account-last-login'].map((key) =>
    page.locator('.details-row', { hasText: t(lang, key) }).locator('dd'));
}

/** Fills and sends the sign-up form of the page already open. */
export async function signUp(page, lang, person, shotName) {
  await assertHeading(page, lang, 'signup-title');
  await page.fill('#email', person.email);
  await page.fill('#username', person.username);
  await page.fill('#name', person.name);
  await page.fill('#password', person.password);
  await page.fill('#password_confirm', person.password);
  await follow(page, page.locator('form[action="/signup"] button[type=submit]'));
  await assertHeading(page, lang, 'page-check-email-title');
  assert.match(await page.locator('main').textContent(), new RegExp(person.email.replace('.', '\\.')));
  if (shotName) await shoot(page, shotName);
}

/**
 * Opens the verification link from the newest mail to `person` and confirms it with the
 * password; returns the mail so the caller can check more of it.
 */
export async function verifyByMail(page, lang, person, shotName) {
  const mail = await waitForMail(person.email);
  assert.equal(mail.subject, t(lang, 'mail-verify-subject'));
  // The address is not verified yet, so the mail greets neutrally and carries no name typed
  // at sign-up (it could be a stranger's words to the address's owner).
  assert.ok(mail.text.includes(t(lang, 'mail-greeting-neutral')),
    `neutral greeting in the mail's text: ${mail.text}`);
  assert.ok(!mail.text.includes(person.name) && !mail.html.includes(person.name),
    'no name typed at sign-up in the mail');
  const link = linkIn(mail, `${daemunUrl}/verify/`);
  const token = link.split('/').pop();
  assert.ok(mail.html.includes(token), 'the HTML part carries the same link');
  await page.goto(link);
  await assertHeading(page, lang, 'verify-confirm-title');
  if (shotName) await shoot(page, shotName);
  await page.fill('#password', person.password);
  await follow(page, page.locator('form.form button[type=submit]'));
  assert.equal(new URL(page.url()).pathname, '/login');
  await assertFlash(page, lang, 'flash-verified');
  return mail;
}

/** Logs in on the login page already open; lands on `/account` unless `next` says otherwise. */
export async function logIn(page, lang, identifier, password) {
  await assertHeading(page, lang, 'login-title');
  await page.fill('#identifier', identifier);
  await page.fill('#password', password);
  await follow(page, page.locator('form[action="/login"] button[type=submit]'));
}

/** Asserts that `page`'s browser has no session: the portal sends it to the login page. */
export async function assertLoggedOut(page, lang) {
  await page.goto(`${daemunUrl}/account`);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/login', 'the portal asks for a login');
  assert.equal(url.searchParams.get('next'), '/account', 'and comes back after it');
  await assertHeading(page, lang, 'login-title');
}
