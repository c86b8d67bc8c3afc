// Runs the guide's openid-client code (the `<!-- test: openid-client -->` block of
// docs/integrate.md, a module whose path is the first argument) against a real Daemun. This
// file only plays the person and the browser: `fetch` with a small cookie jar that follows
// Daemun's redirects and submits its login and consent forms. Everything an application does
// is the guide's code.
//
// Environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI,
// OIDC_POST_LOGOUT_REDIRECT_URI (read by the guide's code), RP_TEST_EMAIL, RP_TEST_PASSWORD.
// Prints one JSON line with what was checked; exits 1 with a message on any failure.
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const started = performance.now()
const MAX_HOPS = 10

function fail(message) {
  console.error(`openid_client: ${message}`)
  process.exit(1)
}

const email = process.env.RP_TEST_EMAIL
const password = process.env.RP_TEST_PASSWORD
const guide = process.argv[2]
if (!guide || !email || !password) fail('usage: RP_TEST_EMAIL=… RP_TEST_PASSWORD=… node openid_client.mjs GUIDE_MODULE')

const rp = await import(pathToFileURL(guide).href).catch((e) => fail(`loading the guide's code: ${e.stack}`))
const issuer = new URL(process.env.OIDC_ISSUER)
const redirectUri = process.env.OIDC_REDIRECT_URI

// The browser: one host, so a cookie is its name and value.
const jar = new Map()
async function browse(url, init = {}) {
  const headers = new Headers(init.headers)
  if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '))
  const resp = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
  for (const line of resp.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';')
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq).trim()
    const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
    if (gone) jar.delete(name)
    else jar.set(name, pair.slice(eq + 1).trim())
  }
  return resp
}

function unescapeHtml(s) {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()]
    if (named) return named
    return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
  })
}

function attributes(tag) {
  const out = {}
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)="([^"]*)"/g)) out[m[1].toLowerCase()] = unescapeHtml(m[2])
  return out
}

// Submits the page's first POST form as a browser would from Daemun's own page.
async function submit(pageUrl, html, fields) {
  const form = html.match(/<form\b[^>]*method="post"[^>]*>([\s\S]*?)<\/form>/i)
  if (!form) fail(`no form on ${pageUrl}`)
  const action = attributes(form[0].slice(0, form[0].indexOf('>') + 1)).action ?? ''
  const data = new URLSearchParams()
  for (const m of form[1].matchAll(/<input\b[^>]*>/gi)) {
    const a = attributes(m[0])
    if (a.type === 'hidden' && a.name) data.set(a.name, a.value ?? '')
  }
  if (!data.has('csrf_token')) fail(`no csrf_token in the form on ${pageUrl}`)
  for (const [k, v] of Object.entries(fields)) data.set(k, v)
  return browse(new URL(action, pageUrl), {
    method: 'POST',
    body: data,
    headers: { origin: issuer.origin, 'sec-fetch-site': 'same-origin' },
  })
}

// Follows Daemun until it redirects to the application; returns that Location.
async function signIn(start) {
  let url = new URL(start)
  let resp = await browse(url)
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    if (resp.status >= 300 && resp.status < 400) {
      const target = new URL(resp.headers.get('location'), url)
      if (target.href.startsWith(redirectUri)) return target.href
      url = target
      resp = await browse(url)
    } else if (resp.status === 200 && url.pathname === '/login') {
      resp = await submit(url, await resp.text(), { identifier: email, password })
    } else if (resp.status === 200 && url.pathname === '/consent') {
      resp = await submit(url, await resp.text(), { decision: 'allow' })
    } else {
      fail(`unexpected answer ${resp.status} at ${url}: ${(await resp.text()).slice(0, 300)}`)
    }
  }
  fail(`more than ${MAX_HOPS} steps before coming back to the application`)
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

  const bye = await browse(rp.logoutUrl(next, 'bye-state'))
  const expected = `${process.env.OIDC_POST_LOGOUT_REDIRECT_URI}?state=bye-state`
  if (![302, 303].includes(bye.status) || bye.headers.get('location') !== expected) {
    fail(`logout did not come back to ${expected}: ${bye.status} ${bye.headers.get('location')}`)
  }
  const account = await browse(new URL('/account', issuer))
  if (!(account.status >= 300 && account.status < 400) || !account.headers.get('location')?.includes('/login')) {
    fail('the Daemun session is still alive after logout')
  }
  checked.push('logout')

  const pkg = JSON.parse(readFileSync(new URL('./node_modules/openid-client/package.json', import.meta.url)))
  console.log(JSON.stringify({
    library: 'openid-client',
    version: pkg.version,
    sub,
    email: info.email,
    checked,
    seconds: Math.round(performance.now() - started) / 1000,
  }))
}

await main().catch((e) => fail(`${e.name}: ${e.message}${e.error ? ` (${e.error}: ${e.error_description})` : ''}`))
