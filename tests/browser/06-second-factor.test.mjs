// Two-step login in a real browser, in English and Korean: the person sets up an authenticator
// app at /account/security (the code computed here from the key on the page, as a phone would),
// keeps the recovery codes, logs out, and logs in again with password and code; a recovery
// code works once. No JavaScript is needed on any of these pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemun, daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import { assertHeading, follow, logIn } from './lib/steps.mjs';
import { setUpApp } from './lib/factors.mjs';
import { totp } from './lib/totp.mjs';

const people = {
  en: { email: 'ji-woo@example.com', name: 'Ji-woo Han', password: 'paper lantern 2031', locale: 'en-US' },
  ko: { email: 'seo-yeon@example.com', name: '김서연', password: '종이 등불 이천삼십일', locale: 'ko-KR' },
};

let browser;
before(async () => {
  browser = await launch();
  for (const p of Object.values(people)) {
    daemun('user', 'add', '--email', p.email, '--name', p.name, '--password', p.password);
  }
});
after(async () => { await browser?.close(); });

async function logOut(page, lang) {
  await page.goto(`${daemunUrl}/logout`);
  await follow(page, page.locator('form[action="/logout"] button[type=submit]'));
  await page.goto(`${daemunUrl}/account`);
  await assertHeading(page, lang, 'login-title');
}

/** Waits until the app shows a code of a later step than `used` (codes count once). */
async function freshCode(key, used) {
  for (;;) {
    const code = totp(key);
    if (code !== used) return code;
    await new Promise((r) => setTimeout(r, 500));
  }
}

for (const lang of ['en', 'ko']) {
  test(`${lang}: an authenticator app is set up and asked for at the next login`, async () => {
    const person = people[lang];
    const context = await newContext(browser, { locale: person.locale, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${daemunUrl}/account`);
    await logIn(page, lang, person.email, person.password);
    await follow(page, page.getByRole('link', { name: t(lang, 'account-security') }));
    const { key, codes } = await setUpApp(page, lang, person, true);
    const enrolledWith = totp(key);

    await logOut(page, lang);
    await logIn(page, lang, person.email, person.password);
    assert.equal(new URL(page.url()).pathname, '/login/second-factor');
    await assertHeading(page, lang, 'second-factor-title');
    await shoot(page, `second-factor-${lang}`, { mobile: true });
    // Reaching a protected page mid-login sends back to the code.
    await page.goto(`${daemunUrl}/account/profile`);
    assert.equal(new URL(page.url()).pathname, '/login/second-factor');
    await page.fill('#code', await freshCode(key, enrolledWith));
    await follow(page, page.getByRole('button', { name: t(lang, 'second-factor-submit') }));
    assert.equal(new URL(page.url()).pathname, '/account');
    await assertHeading(page, lang, 'account-title');

    // A recovery code instead of the app, once.
    await logOut(page, lang);
    await logIn(page, lang, person.email, person.password);
    await page.locator('summary', { hasText: t(lang, 'second-factor-recovery-summary') }).click();
    await page.fill('#recovery-code', codes[0]);
    await follow(page, page.getByRole('button', { name: t(lang, 'second-factor-recovery-submit') }));
    assert.equal(new URL(page.url()).pathname, '/account');
    await logOut(page, lang);
    await logIn(page, lang, person.email, person.password);
    await page.locator('summary', { hasText: t(lang, 'second-factor-recovery-summary') }).click();
    await page.fill('#recovery-code', codes[0]);
    await follow(page, page.getByRole('button', { name: t(lang, 'second-factor-recovery-submit') }));
    assert.equal(new URL(page.url()).pathname, '/login/second-factor', 'a used code is refused');
    assert.ok((await page.locator('[role=alert]').textContent()).includes(t(lang, 'second-factor-error-recovery')));
    await context.close();
  });
}
