// Passkeys in Chromium with its virtual authenticator (DevTools WebAuthn domain, a platform
// authenticator with user verification and resident keys): a person adds a passkey on the
// security page, logs out, logs in with it and no password, then removes it; in English and
// Korean. The login page's passkey button and the security page's list are photographed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemun, daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import { assertFlash, assertHeading, follow, logIn } from './lib/steps.mjs';

const people = {
  en: { email: 'hedy@example.com', name: 'Hedy Lamarr', password: 'frequency hopping 1942', locale: 'en-US' },
  ko: { email: 'min-ho@example.com', name: '이민호', password: '주파수 도약 천구백사십이', locale: 'ko-KR' },
};

let browser;
before(async () => {
  browser = await launch();
  for (const p of Object.values(people)) {
    daemun('user', 'add', '--email', p.email, '--name', p.name, '--password', p.password);
  }
});
after(async () => { await browser?.close(); });

/**
 * A page whose browser has a platform authenticator that verifies its user at once. With
 * `autofill` off the page's script is told the browser has no passkey autofill (a virtual
 * authenticator answers an autofill request by itself, before any button is pressed).
 */
async function pageWithAuthenticator(locale, autofill) {
  const context = await newContext(browser, { locale });
  if (!autofill) {
    await context.addInitScript(() => {
      window.PublicKeyCredential.isConditionalMediationAvailable = async () => false;
    });
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { context, page, cdp, authenticatorId };
}

for (const lang of ['en', 'ko']) {
  test(`${lang}: a passkey is added, logs in without a password, and is removed`, async () => {
    const person = people[lang];
    // English presses the button; Korean takes the passkey the username field offers.
    const autofill = lang === 'ko';
    const { context, page, cdp, authenticatorId } = await pageWithAuthenticator(person.locale, autofill);
    await page.goto(`${daemunUrl}/account`);
    await logIn(page, lang, person.email, person.password);
    await follow(page, page.getByRole('link', { name: t(lang, 'account-security') }));
    await assertHeading(page, lang, 'security-title');

    // Add: name and password, then the browser makes the key; the recovery codes follow.
    await page.fill('#passkey-name', lang === 'en' ? 'Work laptop' : '회사 노트북');
    await page.fill('#passkey_password', person.password);
    await follow(page, page.getByRole('button', { name: t(lang, 'passkey-add') }));
    await assertHeading(page, lang, 'recovery-codes-title');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds one key');
    assert.ok(credentials[0].isResidentCredential, 'a discoverable key');
    await follow(page, page.getByRole('link', { name: t(lang, 'recovery-codes-done') }));
    const listed = (await page.locator('.passkey-name').allTextContents()).map((s) => s.trim());
    assert.deepEqual(listed, [lang === 'en' ? 'Work laptop' : '회사 노트북']);
    await shoot(page, `passkeys-${lang}`, { mobile: true, mask: [page.locator('.passkey-list .muted'), page.locator('#totp p').first()] });

    // Log out, then in with the passkey alone.
    await page.goto(`${daemunUrl}/logout`);
    await follow(page, page.locator('form[action="/logout"] button[type=submit]'));
    if (autofill) {
      // The login page, photographed in a browser without passkeys of its own.
      const other = await newContext(browser, { locale: person.locale });
      const plain = await other.newPage();
      await plain.goto(`${daemunUrl}/login`);
      await plain.getByRole('button', { name: t(lang, 'passkey-login-button') }).waitFor();
      await shoot(plain, `login-passkey-${lang}`, { mobile: true });
      await other.close();
      // Opening the login page offers the key in the username field; choosing it logs in.
      await page.goto(`${daemunUrl}/login`);
      await page.waitForURL(`${daemunUrl}/account`);
    } else {
      await page.goto(`${daemunUrl}/login`);
      await assertHeading(page, lang, 'login-title');
      const button = page.getByRole('button', { name: t(lang, 'passkey-login-button') });
      await button.waitFor({ state: 'visible' });
      await shoot(page, `login-passkey-${lang}`, { mobile: true });
      await follow(page, button);
    }
    assert.equal(new URL(page.url()).pathname, '/account', 'logged in without a password');
    await assertHeading(page, lang, 'account-title');

    // Remove it, with the password.
    await page.goto(`${daemunUrl}/account/security`);
    await page.locator('summary', { hasText: t(lang, 'passkey-remove-summary') }).click();
    await page.locator('input[name=passkey_remove_password]').fill(person.password);
    await follow(page, page.getByRole('button', { name: t(lang, 'passkey-remove') }));
    await assertFlash(page, lang, 'flash-passkey-removed');
    assert.equal(await page.locator('.passkey-name').count(), 0);
    await context.close();
  });
}
