// Runs the guide's openid-client code (the `<!-- test: openid-client -->` block of
// docs/integrate.md, a module whose path is the first argument) against a real Daemun. This
// file and browser.mjs only play the person and the browser; everything an application does is
// the guide's code.
//
// Environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI,
// OIDC_POST_LOGOUT_REDIRECT_URI (read by the guide's code), RP_TEST_EMAIL, RP_TEST_PASSWORD.
// Prints one JSON line with what was checked; exits 1 with a message on any failure.
import { pathToFileURL } from 'node:url'

import { Browser, fail, report } from './browser.mjs'

const started = performance.now()

const email = process.env.RP_TEST_EMAIL
const password = process.env.RP_TEST_PASSWORD
const guide = process.argv[2]
if (!guide || !email || !password) fail('usage: RP_TEST_EMAIL=… RP_TEST_PASSWORD=… node openid_client.mjs GUIDE_MODULE')

const rp = await import(pathToFileURL(guide).href).catch((e) => fail(`loading the guide's code: ${e.stack}`))
const issuer = new URL(process.env.OIDC_ISSUER)
const redirectUri = process.env.OIDC_REDIRECT_URI
const browser = new Browser(issuer, email, password)

// Follows Daemun until it redirects to the application; returns that Location.
async function signIn(start) {
  const end = await browser.walk(start, { leaves: (target) => target.href.startsWith(redirectUri) })
  if (!end.left) fail(`Daemun did not send the browser back to the application but showed ${end.url}`)
  return end.left
}

// The OAuth error code of a refused refresh, or null if it succeeded.
async function refused(tokens, sub) {
  try {
    await rp.refresh(tokens, sub)
    return null
  } catch (e) {
    return e.error ?? e.code ?? String(e)
  }
}

async function main() {
  const checked = []
  const session = {}
  const url = await rp.loginUrl(session)
  if (url.searchParams.get('code_challenge_method') !== 'S256' || !url.searchParams.get('nonce')) {
    fail(`the authorization URL lacks PKCE or a nonce: ${url}`)
  }
  checked.push('discovery')

  const callbackUrl = await signIn(url)
  checked.push('login_and_consent')
  const { tokens, claims } = await rp.callback(session, callbackUrl)
  checked.push('code_exchange', 'id_token')
  const sub = claims.sub

  const info = await rp.userInfo(tokens, sub)
  if (info.sub !== sub || info.email !== email || info.email_verified !== true) {
    fail(`userinfo does not describe the person who logged in: ${JSON.stringify(info)}`)
  }
  checked.push('userinfo')

  const next = await rp.refresh(tokens, sub)
  if (!next.refresh_token || next.refresh_token === tokens.refresh_token) fail('the refresh token was not rotated')
  checked.push('refresh_rotated')
  let err = await refused(tokens, sub)
  if (err !== 'invalid_grant') fail(`the used refresh token was not refused with invalid_grant (got ${err})`)
  checked.push('old_refresh_refused')
  err = await refused(next, sub)
  if (err !== 'invalid_grant') fail(`reusing a refresh token did not end its family (got ${err})`)
  const stillWorks = await rp.userInfo(next, sub).then(() => true, (e) => {
    if (e.response?.status !== 401) throw e
    return false
  })
  if (stillWorks) fail("the family's access token still works after the refresh token was reused")
  checked.push('family_revoked')

  const bye = await browser.browse(rp.logoutUrl(next, 'bye-state'))
  const expected = `${process.env.OIDC_POST_LOGOUT_REDIRECT_URI}?state=bye-state`
  if (![302, 303].includes(bye.status) || bye.headers.get('location') !== expected) {
    fail(`logout did not come back to ${expected}: ${bye.status} ${bye.headers.get('location')}`)
  }
  const account = await browser.browse(new URL('/account', issuer))
  if (!(account.status >= 300 && account.status < 400) || !account.headers.get('location')?.includes('/login')) {
    fail('the Daemun session is still alive after logout')
  }
  checked.push('logout')

  // A pushed authorization request: the URL carries only client_id and request_uri.
  const pushedSession = {}
  const pushedUrl = await rp.loginUrl(pushedSession, { pushed: true })
  const names = [...pushedUrl.searchParams.keys()].sort().join(' ')
  if (names !== 'client_id request_uri') fail(`the pushed request's URL carries ${names}`)
  const again = await rp.callback(pushedSession, await signIn(pushedUrl))
  if (again.claims.sub !== sub) fail('the pushed login names another person')
  checked.push('pushed_request')

  report({ sub, email: info.email, checked }, started)
}

await main().catch((e) => fail(`${e.name}: ${e.message}${e.error ? ` (${e.error}: ${e.error_description})` : ''}`))
