// An application registered with the real command line sends a person to /authorize
// (authorization code with PKCE): login, the consent page, and back to the application.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { after, before, test } from 'node:test';

import { daemun, daemunUrl, launch, newContext, pkce, shoot, t } from './lib/env.mjs';
import { assertHeading, follow, logIn } from './lib/steps.mjs';

const lang = 'en';
// The application's address is shown on the consent page, whose screenshot is in the docs, so
// it stays the same from run to run: the browser maps localhost:3000 to the test's own
// callback server on a free port.
const redirectUri = 'http://localhost:3000/callback';
const grace = { email: 'grace@example.com', name: 'Grace Hopper', password: 'compiler cobol 1959' };

let browser;
let client;
let server;
const callbacks = [];
before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, redirectUri);
    // The browser also asks for /favicon.ico.
    if (url.pathname === '/callback') callbacks.push(url);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('application callback');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  browser = await launch([`--host-resolver-rules=MAP localhost:3000 127.0.0.1:${port}`]);
  client = JSON.parse(daemun('client', 'add', '--name', 'Photo Album', '--redirect-uri', redirectUri,
    '--home-uri', 'https://photos.example/', '--json'));
  assert.ok(client.client_id && client.client_secret, 'the CLI printed the new client');
  daemun('user', 'add', '--email', grace.email, '--name', grace.name, '--password', grace.password);
});
after(async () => {
  await browser?.close();
  server?.close();
});

function authorizeUrl(state, nonce, challenge) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${daemunUrl}/authorize?${q}`;
}

test('authorize → login → consent → the application gets a code it can redeem', async () => {
  const context = await newContext(browser);
  const page = await context.newPage();

  const { verifier, challenge } = pkce();
  const state = randomBytes(12).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  await page.goto(authorizeUrl(state, nonce, challenge));
  const login = new URL(page.url());
  assert.equal(login.pathname, '/login');
  assert.match(login.searchParams.get('next'), /^\/authorize\/resume\//);
  await shoot(page, 'login-for-app-en');
  await logIn(page, lang, grace.email, grace.password);

  const app = 'Photo Album';
  await assertHeading(page, lang, 'consent-heading', { app });
  const scopes = (await page.locator('.scope-list li').allTextContents()).map((s) => s.trim());
  assert.deepEqual(scopes, ['openid', 'profile', 'email'].map((s) => t(lang, `consent-scope-${s}`)));
  await shoot(page, 'consent-en', { mobile: true });

  await follow(page, page.getByRole('button', { name: t(lang, 'consent-allow'), exact: true }));
  assert.equal(callbacks.length, 1, 'the browser was sent back to the application once');
  assert.equal(await page.textContent('body'), 'application callback');
  const back = callbacks[0];
  assert.equal(back.searchParams.get('state'), state);
  assert.equal(back.searchParams.get('iss'), daemunUrl, 'RFC 9207 issuer identification');
  const code = back.searchParams.get('code');
  assert.ok(code, 'an authorization code');

  // The application's side: redeem the code with the PKCE verifier (RFC 7636 §4.5).
  const res = await fetch(`${daemunUrl}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier,
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const tokens = await res.json();
  const claims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
  assert.equal(claims.iss, daemunUrl);
  assert.ok([].concat(claims.aud).includes(client.client_id));
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.email, grace.email);

  // The consent is remembered: a second request goes straight back to the application.
  const again = pkce();
  await page.goto(authorizeUrl('second', 'second', again.challenge));
  assert.equal(callbacks.length, 2, 'no consent page the second time');
  assert.equal(callbacks[1].searchParams.get('state'), 'second');

  // And the portal lists the application.
  await page.goto(`${daemunUrl}/account/apps`);
  assert.ok((await page.locator('main').textContent()).includes(app));
  await shoot(page, 'apps-en', { mask: [page.locator('.session > p')] });
  await context.close();
});
