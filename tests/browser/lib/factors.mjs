// Second factors as a person sets them up: shared by the two-step login journey and the admin
// console (whose actions wait until the administrator has an app).
import assert from 'node:assert/strict';

import { shoot, t } from './env.mjs';
import { assertHeading, follow } from './steps.mjs';
import { totp } from './totp.mjs';

/** Sets up the app on the security page already open; returns its key and the recovery codes. */
export async function setUpApp(page, lang, person, shots) {
  await assertHeading(page, lang, 'security-title');
  if (shots) await shoot(page, `security-off-${lang}`, { mobile: true });
  await page.fill('#current_password', person.password);
  await follow(page, page.getByRole('button', { name: t(lang, 'totp-start') }));
  const key = (await page.locator('.secret-key').textContent()).trim();
  assert.match(key, /^[A-Z2-7 ]{32,}$/, 'the key as text');
  assert.ok(await page.locator('img.qr').isVisible(), 'the QR code');
  if (shots) {
    await shoot(page, `security-setup-${lang}`, {
      mobile: true,
      mask: [page.locator('img.qr'), page.locator('.secret-key')],
    });
  }
  const wrong = totp(key) === '000000' ? '111111' : '000000';
  await page.fill('#code', wrong);
  await follow(page, page.getByRole('button', { name: t(lang, 'totp-confirm') }));
  assert.ok((await page.locator('.field-errors').textContent()).includes(t(lang, 'totp-error-code')));
  await page.fill('#code', totp(key));
  await follow(page, page.getByRole('button', { name: t(lang, 'totp-confirm') }));
  await assertHeading(page, lang, 'recovery-codes-title');
  const codes = (await page.locator('.recovery-codes code').allTextContents()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  const download = await page.getByRole('link', { name: t(lang, 'recovery-codes-download') }).getAttribute('href');
  assert.ok(decodeURIComponent(download).includes(codes[0]), 'the download holds the codes');
  if (shots) await shoot(page, `recovery-codes-${lang}`, { mobile: true, mask: [page.locator('.recovery-codes')] });
  await follow(page, page.getByRole('link', { name: t(lang, 'recovery-codes-done') }));
  await assertHeading(page, lang, 'security-title');
  if (shots) {
    await shoot(page, `security-on-${lang}`, {
      mobile: true,
      mask: [page.locator('#totp p').first()],
    });
  }
  return { key, codes };
}
