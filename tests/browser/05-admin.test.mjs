// The admin console: refused to people without the role, and an administrator (made with the
// real command line) lists the users and registers an application through its form, once
// their own login has a second factor.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { daemun, daemunUrl, launch, newContext, shoot, t } from './lib/env.mjs';
import { setUpApp } from './lib/factors.mjs';
import { assertFlash, assertHeading, follow, logIn } from './lib/steps.mjs';

const lang = 'en';
const admin = { email: 'root@example.com', name: 'Radia Perlman', password: 'spanning tree 1985' };
const member = { email: 'pat@example.com', name: 'Pat Member', password: 'ordinary member 2024' };

let browser;
before(async () => {
  browser = await launch();
  daemun('user', 'add', '--email', admin.email, '--name', admin.name, '--password', admin.password, '--admin');
  daemun('user', 'add', '--email', member.email, '--name', member.name, '--password', member.password);
});
after(async () => { await browser?.close(); });

test('a person without the administrator role is refused the admin console', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/admin`);
  assert.equal(new URL(page.url()).pathname, '/login', 'anonymous visitors are asked to log in');
  await logIn(page, lang, member.email, member.password);
  assert.equal(new URL(page.url()).pathname, '/admin');
  await assertHeading(page, lang, 'error-title-forbidden');
  assert.ok((await page.locator('main').textContent()).includes(t(lang, 'error-body-admin-only')));
  const res = await page.goto(`${daemunUrl}/admin/users`);
  assert.equal(res.status(), 403);
  await shoot(page, 'admin-forbidden-en');
  await context.close();
});

test('an administrator lists the users and registers an application', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await page.goto(`${daemunUrl}/admin`);
  await logIn(page, lang, admin.email, admin.password);
  await assertHeading(page, lang, 'admin-title');
  await shoot(page, 'admin-overview-en');

  await follow(page, page.locator('.admin-nav').getByRole('link', { name: t(lang, 'admin-nav-users') }));
  await assertHeading(page, lang, 'admin-users-title');
  const emails = await page.locator('table.data tbody td:first-child a').allTextContents();
  assert.ok(emails.includes(admin.email) && emails.includes(member.email), `users listed: ${emails}`);
  // The last column is when each account was created.
  await shoot(page, 'admin-users-en', { mobile: true, mask: [page.locator('table.data tbody td:last-child')] });

  await follow(page, page.locator('.admin-nav').getByRole('link', { name: t(lang, 'admin-nav-clients') }));
  await assertHeading(page, lang, 'admin-clients-title');
  await follow(page, page.getByRole('link', { name: t(lang, 'admin-clients-new') }));
  await page.fill('#name', 'Team Wiki');
  await page.fill('#redirect_uris', 'https://wiki.example.com/auth/callback');
  await page.fill('#post_logout_redirect_uris', 'https://wiki.example.com/');
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-client-create'), exact: true }));
  // By default an administrator acts only with two-step login: the console sends them to
  // set up an authenticator app first, and nothing was created.
  assert.equal(new URL(page.url()).pathname, '/account/security');
  await assertFlash(page, lang, 'flash-admin-needs-factor');
  await setUpApp(page, lang, admin, false);
  await page.goto(`${daemunUrl}/admin/clients/new`);
  await page.fill('#name', 'Team Wiki');
  await page.fill('#redirect_uris', 'https://wiki.example.com/auth/callback');
  await page.fill('#post_logout_redirect_uris', 'https://wiki.example.com/');
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-client-create'), exact: true }));
  await assertHeading(page, lang, 'admin-client-created', { name: 'Team Wiki' });
  const clientId = (await page.locator('.details-row', { hasText: 'client_id' }).locator('code').textContent()).trim();
  assert.ok(clientId.length >= 16, 'a client id was issued');
  assert.equal(await page.locator('code.secret').count(), 1, 'the secret is shown once');
  await shoot(page, 'admin-client-created-en', { mask: [page.locator('.details dd')] });

  // The command line sees the same application.
  const shown = JSON.parse(daemun('client', 'show', clientId, '--json'));
  assert.equal(shown.client_name, 'Team Wiki');
  assert.deepEqual(shown.redirect_uris, ['https://wiki.example.com/auth/callback']);

  await follow(page, page.getByRole('link', { name: t(lang, 'admin-client-open') }));
  assert.equal((await page.locator('main h1').textContent()).trim(), 'Team Wiki');
  assert.equal(await page.inputValue('#redirect_uris'), 'https://wiki.example.com/auth/callback');
  // client_id and the created and updated times differ from run to run.
  const varying = ['client_id', t(lang, 'admin-col-created'), t(lang, 'admin-col-updated')]
    .map((label) => page.locator('.details-row', { has: page.getByText(label, { exact: true }) }).locator('dd'));
  await shoot(page, 'admin-client-en', { mobile: true, mask: varying });

  await follow(page, page.locator('.admin-nav').getByRole('link', { name: t(lang, 'admin-nav-clients') }));
  const names = await page.locator('table.data tbody td:first-child').allTextContents();
  assert.ok(names.map((n) => n.trim()).includes('Team Wiki'));
  await shoot(page, 'admin-clients-en', { mask: [page.locator('table.data tbody td:nth-child(2)')] });

  // A group, a member, and the page in both languages.
  await follow(page, page.locator('.admin-nav').getByRole('link', { name: t(lang, 'admin-nav-groups') }));
  await assertHeading(page, lang, 'admin-groups-title');
  await page.fill('#name', 'staff');
  await page.fill('#label', 'All staff');
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-group-create'), exact: true }));
  await assertFlash(page, lang, 'flash-admin-group-added');
  await page.fill('#who', member.email);
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-group-add'), exact: true }));
  await assertFlash(page, lang, 'flash-admin-group-member-added');
  assert.ok((await page.locator('table.data').textContent()).includes(member.email));
  assert.deepEqual(JSON.parse(daemun('group', 'show', 'staff', '--json')).members.map((m) => m.email), [member.email]);
  // Creation and membership times differ from run to run.
  const times = [page.locator('.details-row', { has: page.getByText(t(lang, 'admin-col-created'), { exact: true }) }).locator('dd'),
    page.locator('table.data tbody td:nth-child(2)')];
  await shoot(page, 'admin-group-en', { mobile: true, mask: times });
  await page.goto(`${daemunUrl}/admin/groups/staff?lang=ko`);
  assert.equal((await page.locator('main h1').textContent()).trim(), 'All staff');
  assert.equal(await page.locator('html').getAttribute('lang'), 'ko');
  const timesKo = [page.locator('.details-row', { has: page.getByText(t('ko', 'admin-col-created'), { exact: true }) }).locator('dd'),
    page.locator('table.data tbody td:nth-child(2)')];
  await shoot(page, 'admin-group-ko', { mobile: true, mask: timesKo });

  // Roles of the application: one given to the group in English, one to a person in Korean.
  await page.goto(`${daemunUrl}/admin/clients/${clientId}?lang=en`);
  await follow(page, page.getByRole('link', { name: t(lang, 'admin-roles-manage', { count: 0 }) }));
  await assertHeading(page, lang, 'admin-roles-title', { app: 'Team Wiki' });
  await page.fill('#name', 'editor');
  await page.fill('#label', 'Editor');
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-roles-add'), exact: true }));
  await assertFlash(page, lang, 'flash-admin-roles-added');
  await page.selectOption('#role', 'editor');
  await page.fill('#group', 'staff');
  await follow(page, page.getByRole('button', { name: t(lang, 'admin-roles-grant-button'), exact: true }));
  await assertFlash(page, lang, 'flash-admin-roles-granted');
  await page.goto(`${daemunUrl}/admin/clients/${clientId}/roles?lang=ko`);
  await assertHeading(page, 'ko', 'admin-roles-title', { app: 'Team Wiki' });
  await page.fill('#name', 'billing.admin');
  await page.fill('#label', '결제 관리자');
  await follow(page, page.getByRole('button', { name: t('ko', 'admin-roles-add'), exact: true }));
  await assertFlash(page, 'ko', 'flash-admin-roles-added');
  await page.selectOption('#role', 'billing.admin');
  await page.fill('#who', member.email);
  await follow(page, page.getByRole('button', { name: t('ko', 'admin-roles-grant-button'), exact: true }));
  await assertFlash(page, 'ko', 'flash-admin-roles-granted');
  const grants = (await page.locator('#grants tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
  assert.equal(grants.length, 2, `grants: ${grants}`);
  assert.ok(grants[0].includes('billing.admin') && grants[0].includes(member.email), grants[0]);
  assert.ok(grants[1].includes('editor') && grants[1].includes('staff'), grants[1]);
  const roles = JSON.parse(daemun('client', 'role', 'list', clientId, '--json'));
  assert.deepEqual(roles.map((r) => [r.name, r.label, r.groups, r.people.map((p) => p.email)]),
    [['billing.admin', '결제 관리자', [], [member.email]], ['editor', 'Editor', ['staff'], []]]);
  await shoot(page, 'admin-roles-ko', { mobile: true });
  await page.goto(`${daemunUrl}/admin/clients/${clientId}/roles?lang=en`);
  await shoot(page, 'admin-roles-en', { mobile: true });
  await page.goto(`${daemunUrl}/admin/groups?lang=en`);

  // The other sections open; their rows (key ids, times, addresses) differ from run to run.
  for (const section of ['keys', 'audit', 'outbox']) {
    await follow(page, page.locator('.admin-nav').getByRole('link', { name: t(lang, `admin-nav-${section}`) }));
    await assertHeading(page, lang, `admin-${section}-title`);
    await shoot(page, `admin-${section}-en`, { mask: [page.locator('table.data tbody')] });
  }
  await context.close();
});
