// Runs the guide's device-flow code (the `<!-- test: openid-client-device -->` block of
// docs/integrate.md, a module whose path is the first argument) against a real Daemun: the
// tool asks for a user code, the person opens the verification URI in a browser (browser.mjs:
// logs in, allows), and the tool's polling gets tokens; then a second request the person
// denies ends in `access_denied`. Everything a tool does is the guide's code.
//
// Environment: OIDC_ISSUER, OIDC_CLIENT_ID (read by the guide's code), RP_TEST_EMAIL,
// RP_TEST_PASSWORD. Prints one JSON line with what was checked; exits 1 on any failure.
import { pathToFileURL } from 'node:url'

import { Browser, fail, report } from './browser.mjs'

const started = performance.now()

const email = process.env.RP_TEST_EMAIL
const password = process.env.RP_TEST_PASSWORD
const guide = process.argv[2]
if (!guide || !email || !password) fail('usage: RP_TEST_EMAIL=… RP_TEST_PASSWORD=… node openid_client_device.mjs GUIDE_MODULE')

const rp = await import(pathToFileURL(guide).href).catch((e) => fail(`loading the guide's code: ${e.stack}`))
const issuer = new URL(process.env.OIDC_ISSUER)
const browser = new Browser(issuer, email, password)

// The codes a tool shows, as RFC 8628 §3.2 describes them.
function checkCodes(codes) {
  if (codes.verification_uri !== new URL('/device', issuer).href) fail(`verification_uri is ${codes.verification_uri}`)
  if (!/^[A-Z]{4}-[A-Z]{4}$/.test(codes.user_code)) fail(`the user code ${codes.user_code} is not two groups of four letters`)
  const complete = new URL(codes.verification_uri_complete)
  if (complete.searchParams.get('user_code') !== codes.user_code) fail(`verification_uri_complete lacks the code: ${complete}`)
  if (!(codes.expires_in > 0) || !(codes.interval > 0)) fail(`no expires_in or interval: ${JSON.stringify(codes)}`)
  return complete
}

// The person answers on their "phone"; the page that ends it must not offer another form.
async function answer(codes, decision, expected) {
  const end = await browser.walk(checkCodes(codes), { decision })
  if (!end.html || !end.url.includes('/device')) fail(`the person did not end on the device page: ${JSON.stringify(end)}`)
  if (!end.html.includes(expected)) fail(`the device page does not say "${expected}": ${end.html.slice(0, 500)}`)
}

async function main() {
  const checked = ['discovery']

  // Allowed: the tool polls while the person answers.
  const codes = await rp.start()
  checked.push('device_codes')
  const finishing = rp.finish(codes)
  await answer(codes, 'allow', 'The device is connected')
  checked.push('approved')
  const { tokens, claims } = await finishing
  if (!tokens.access_token || !tokens.refresh_token) fail(`no access or refresh token: ${JSON.stringify(tokens)}`)
  if (claims?.email !== email) fail(`the ID token does not name the person: ${JSON.stringify(claims)}`)
  checked.push('tokens', 'id_token')
  const next = await rp.refresh(tokens)
  if (!next.refresh_token || next.refresh_token === tokens.refresh_token) fail('the refresh token was not rotated')
  checked.push('refresh_rotated')

  // Denied: the tool learns there will be no tokens.
  const second = await rp.start()
  const refusal = rp.finish(second).then(() => null, (e) => e.error ?? e.code ?? String(e))
  await answer(second, 'deny', 'The device was not connected')
  const err = await refusal
  if (err !== 'access_denied') fail(`a denied request ended with ${err}, not access_denied`)
  checked.push('denied')

  report({ sub: claims.sub, email: claims.email, checked }, started)
}

await main().catch((e) => fail(`${e.name}: ${e.message}${e.error ? ` (${e.error}: ${e.error_description})` : ''}`))
