// Runs the guide's self-registering agent (the `<!-- test: openid-client-register -->` block
// of docs/integrate.md, a module whose path is the first argument) against a real Daemun whose
// registration.mode is "initial_token". This file and browser.mjs only play the operator (who
// hands over the token), the person and the browser; everything the agent does is the guide's
// code.
//
// Environment: OIDC_ISSUER, OIDC_INITIAL_ACCESS_TOKEN, OIDC_REDIRECT_URI (a loopback URL),
// RP_TEST_EMAIL, RP_TEST_PASSWORD, RP_TEST_GROUPS (the person's groups as JSON). Prints one JSON line with what was checked; exits 1 with a
// message on any failure.
import { pathToFileURL } from 'node:url'

import { Browser, fail, report } from './browser.mjs'

const started = performance.now()

const { OIDC_ISSUER, OIDC_INITIAL_ACCESS_TOKEN, OIDC_REDIRECT_URI, RP_TEST_EMAIL, RP_TEST_PASSWORD } = process.env
const guide = process.argv[2]
if (!guide || !OIDC_INITIAL_ACCESS_TOKEN || !OIDC_REDIRECT_URI || !RP_TEST_EMAIL || !RP_TEST_PASSWORD) {
  fail('usage: OIDC_ISSUER=… OIDC_INITIAL_ACCESS_TOKEN=… OIDC_REDIRECT_URI=… RP_TEST_EMAIL=… RP_TEST_PASSWORD=… node openid_client_register.mjs GUIDE_MODULE')
}

const agent = await import(pathToFileURL(guide).href).catch((e) => fail(`loading the guide's code: ${e.stack}`))
const browser = new Browser(OIDC_ISSUER, RP_TEST_EMAIL, RP_TEST_PASSWORD)

async function main() {
  const checked = []
  const refused = await agent.register(OIDC_REDIRECT_URI, 'not-the-operators-token').then(
    () => fail('a made-up initial access token registered a client'),
    (e) => e.error ?? e.cause?.error ?? e.code,
  )
  if (refused !== 'invalid_token') fail(`a made-up token was refused with ${refused}, not invalid_token`)
  checked.push('bad_token_refused')

  const config = await agent.register(OIDC_REDIRECT_URI, OIDC_INITIAL_ACCESS_TOKEN)
  const meta = config.clientMetadata()
  if (!meta.client_id || meta.client_secret !== undefined || meta.token_endpoint_auth_method !== 'none') {
    fail(`the registration is not a public client: ${JSON.stringify(meta)}`)
  }
  if (!meta.registration_access_token || !meta.registration_client_uri?.endsWith(`/register/${meta.client_id}`)) {
    fail(`the registration lacks its management details (RFC 7592 §3): ${JSON.stringify(meta)}`)
  }
  checked.push('registered')

  const session = {}
  const url = await agent.loginUrl(config, session, OIDC_REDIRECT_URI)
  const names = [...url.searchParams.keys()].sort().join(' ')
  if (names !== 'client_id request_uri') fail(`the pushed request's URL carries ${names}`)
  checked.push('pushed_request')
  const end = await browser.walk(url, { leaves: (target) => target.href.startsWith(OIDC_REDIRECT_URI) })
  if (!end.left) fail(`Daemun did not send the browser back to the agent but showed ${end.url}`)
  checked.push('login_and_consent')
  const { tokens, claims } = await agent.callback(config, session, end.left)
  if (!tokens.refresh_token) fail('no refresh token for the agent')
  checked.push('code_exchange', 'id_token')
  const groups = JSON.stringify(claims.groups)
  if (groups !== process.env.RP_TEST_GROUPS) fail(`the ID token's groups are ${groups}, not ${process.env.RP_TEST_GROUPS}`)
  checked.push('groups')

  const read = await agent.readRegistration(config)
  if (read.client_id !== meta.client_id || read.client_name !== 'Research agent' || read.registration_access_token !== undefined && read.registration_access_token !== meta.registration_access_token) {
    fail(`reading the registration gave ${JSON.stringify(read)}`)
  }
  checked.push('registration_read')

  await agent.unregister(config)
  const after = await agent.readRegistration(config).then(() => 'still there', (e) => e.message)
  if (!/: 401 /.test(after)) fail(`the deleted registration still answers: ${after}`)
  checked.push('registration_deleted')

  report({ sub: claims.sub, email: claims.email, client_id: meta.client_id, checked }, started)
}

await main().catch((e) => fail(`${e.name}: ${e.message}${e.error ? ` (${e.error}: ${e.error_description})` : ''}`))
