// The pages work without JavaScript: sign-up, verification, login, the portal and logout with
// scripts turned off in the browser.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import {
  accountMasks, assertFlash, assertHeading, assertLoggedOut, follow, logIn, signUp, verifyByMail,
} from './lib/steps.mjs';

const lang = 'en';
const alan = {
  email: 'alan@example.com',
  username: 'alan',
  name: 'Alan Turing',
  password: 'bombe enigma 1940',
};

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('sign-up, verification, login and logout without JavaScript', async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  // Proof that scripts are really off in this browser: a page's script does not run.
  await page.setContent('<title>before</title><script>document.title = "ran"</script>');
  assert.equal(await page.title(), 'before');
  await page.goto(`${daemunUrl}/signup`);
  await shoot(page, 'signup-nojs-en');
  await signUp(page, lang, alan, 'signup-done-nojs-en');
  await verifyByMail(page, lang, alan, 'verify-confirm-nojs-en');
  await shoot(page, 'verified-nojs-en');
  await logIn(page, lang, alan.username, alan.password);
  await assertHeading(page, lang, 'account-title');
  await shoot(page, 'account-nojs-en', { mask: accountMasks(page, lang) });

  await page.goto(`${daemunUrl}/logout`);
  await shoot(page, 'logout-nojs-en');
  await follow(page, page.getByRole('button', { name: t(lang, 'logout-submit') }));
  await assertFlash(page, lang, 'flash-logged-out');
  await assertLoggedOut(page, lang);
  await context.close();
});
