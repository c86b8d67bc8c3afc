// node-oidc-provider as a plain OpenID provider on a loopback port: one confidential client, one
// account with a password, a login form of its own, and consent granted to that client (at login,
// or on a consent page of its own). Every setting comes from the environment (README.md); all
// state is kept in memory and lost on exit.
import { createHash, generateKeyPairSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { promisify } from 'node:util';

import Provider from 'oidc-provider';

function setting(name, fallback) {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  console.error(`oidc-provider peer: ${name} is not set (see README.md)`);
  process.exit(2);
}

const PORT = Number(setting('PEER_PORT', '8090'));
const ISSUER = `http://127.0.0.1:${PORT}`;
const CLIENT_ID = setting('PEER_CLIENT_ID');
const CLIENT_SECRET = setting('PEER_CLIENT_SECRET');
const REDIRECT_URIS = setting('PEER_REDIRECT_URIS', 'http://127.0.0.1:9/cb').split(',');
const EMAIL = setting('PEER_EMAIL');
const PASSWORD = setting('PEER_PASSWORD');
// Optional: the account's `name` (scope `profile`); unset, the account has no profile claims.
const NAME = setting('PEER_NAME', '');
// `auto`: consent is granted at login; `page`: the person allows or denies it on a page.
const CONSENT = setting('PEER_CONSENT', 'auto');
if (!['auto', 'page'].includes(CONSENT)) {
  console.error(`oidc-provider peer: PEER_CONSENT is ${CONSENT}, not auto or page (see README.md)`);
  process.exit(2);
}
// Whether the ID token carries the claims of the granted scopes (email, name) in the code flow
// too; by default node-oidc-provider keeps them for UserInfo, as OpenID Connect Core §5.4 says.
const CLAIMS_IN_ID_TOKEN = ['1', 'true'].includes(setting('PEER_CLAIMS_IN_ID_TOKEN', '0'));
// A stable subject for the one account, derived from its address.
const ACCOUNT_ID = createHash('sha256').update(EMAIL.toLowerCase()).digest('hex').slice(0, 32);

// The password is kept only as an scrypt hash, and every login attempt derives a key again, so
// a login costs a memory-hard KDF as it does with argon2id. N = 2^14, r = 8, p = 1 are Node's
// own defaults (16 MiB per derivation). The derivation runs on libuv's thread pool.
const KDF = { N: 2 ** 14, r: 8, p: 1 };
const derive = promisify(scrypt);
const SALT = randomBytes(16);
const started = process.hrtime.bigint();
const STORED = await derive(PASSWORD, SALT, 32, KDF);
const kdfMs = Number(process.hrtime.bigint() - started) / 1e6;

async function passwordMatches(email, password) {
  // The KDF runs for an unknown address too, so the answer takes as long either way.
  const derived = await derive(String(password), SALT, 32, KDF);
  const same = timingSafeEqual(derived, STORED);
  return same && String(email).trim().toLowerCase() === EMAIL.toLowerCase();
}

// ID tokens are signed RS256 with a 2048-bit key made at start.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };

const provider = new Provider(ISSUER, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: REDIRECT_URIS,
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      id_token_signed_response_alg: 'RS256',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    ...(NAME ? { profile: ['name'] } : {}),
  },
  conformIdTokenClaims: !CLAIMS_IN_ID_TOKEN,
  async findAccount(_ctx, id) {
    if (id !== ACCOUNT_ID) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: EMAIL, email_verified: true, ...(NAME ? { name: NAME } : {}) };
      },
    };
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    userinfo: { enabled: true },
  },
  interactions: {
    url(_ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },
  // A refresh token with every code of a client allowed the refresh_token grant, without
  // asking for offline_access (which node-oidc-provider honours only with prompt=consent); it
  // ends with the login session, like the session-bound ones. Each use rotates it.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  rotateRefreshToken: true,
  // Lifetimes in seconds, as Daemun's defaults (the session: 12 hours absolute).
  ttl: {
    AuthorizationCode: 60,
    AccessToken: 600,
    ClientCredentials: 600,
    IdToken: 600,
    RefreshToken: 30 * 24 * 3600,
    Grant: 30 * 24 * 3600,
    Session: 12 * 3600,
    Interaction: 3600,
  },
  // PKCE: the default requires it from public clients only, so this confidential client may
  // go without.
});
provider.proxy = false;
// Errors only; nothing is logged per request.
provider.on('server_error', (_ctx, err) => console.error('oidc-provider peer: server_error', err));

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, email, failed) {
  const error = failed ? '<p role="alert">Wrong email address or password.</p>' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>
<body><main><h1>Sign in</h1>${error}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email <input type="email" name="email" autocomplete="username" required value="${escapeHtml(email)}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

function consentPage(uid, clientId, scopes) {
  const items = scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  const action = `/interaction/${escapeHtml(uid)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Allow access</title></head>
<body><main><h1>Allow access</h1>
<p><strong>${escapeHtml(clientId)}</strong> asks for:</p><ul>${items}</ul>
<form method="post" action="${action}/confirm"><button type="submit">Allow</button></form>
<form method="post" action="${action}/abort"><button type="submit">Deny</button></form>
</main></body></html>`;
}

function send(res, status, html) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 16 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

// Consent for the configured client: a grant of what it asked for. With PEER_CONSENT=auto it is
// made when the person logs in (or is already logged in), so no consent page is ever shown.
async function grantFor(details, accountId) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(String(details.params.scope ?? 'openid'));
  return grant.save();
}

async function finishWithConsent(req, res, details, accountId, login) {
  const grantId = await grantFor(details, accountId);
  const result = login ? { login: { accountId }, consent: { grantId } } : { consent: { grantId } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

// GET /interaction/:uid shows the login form (or, for a logged-in person, finishes at once);
// POST /interaction/:uid/login checks the password. With PEER_CONSENT=page, a login finishes
// only the login prompt; node-oidc-provider then asks for consent, which GET /interaction/:uid
// shows as a page whose buttons post to /interaction/:uid/confirm or /abort (access_denied
// goes back to the client). The interaction is bound to its cookie.
async function interaction(req, res) {
  const { pathname } = new URL(req.url, ISSUER);
  const [, , uid, action] = pathname.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'interaction mismatch');
  if (req.method === 'GET' && action === undefined) {
    if (details.prompt.name === 'login' || !details.session?.accountId) {
      return send(res, 200, loginPage(uid, '', false));
    }
    if (CONSENT === 'page') {
      // The scopes the grant lacks, as node-oidc-provider knows them (unknown ones are dropped).
      const scopes = details.prompt.details.missingOIDCScope ?? ['openid'];
      return send(res, 200, consentPage(uid, details.params.client_id, scopes));
    }
    return finishWithConsent(req, res, details, details.session.accountId, false);
  }
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const email = form.get('email') ?? '';
    if (!(await passwordMatches(email, form.get('password') ?? ''))) {
      return send(res, 400, loginPage(uid, email, true));
    }
    if (CONSENT === 'page') {
      const result = { login: { accountId: ACCOUNT_ID } };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    return finishWithConsent(req, res, details, ACCOUNT_ID, true);
  }
  const consenting = CONSENT === 'page' && details.prompt.name === 'consent';
  if (req.method === 'POST' && action === 'confirm' && consenting) {
    return finishWithConsent(req, res, details, details.session.accountId, false);
  }
  if (req.method === 'POST' && action === 'abort' && consenting) {
    const result = { error: 'access_denied', error_description: 'the person denied access' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  return send(res, 404, 'not found');
}

const handleProvider = provider.callback();
const server = createServer((req, res) => {
  if (!req.url.startsWith('/interaction/')) return handleProvider(req, res);
  return interaction(req, res).catch((err) => {
    // An expired or unknown interaction (no cookie) is the visitor's problem, not the server's.
    const status = err.name === 'SessionNotFound' ? 400 : 500;
    if (status === 500) console.error('oidc-provider peer: interaction', err);
    if (!res.headersSent) send(res, status, escapeHtml(err.message));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => {
  console.error(
    `oidc-provider peer: ${ISSUER} (client ${CLIENT_ID}; scrypt N=${KDF.N} r=${KDF.r} p=${KDF.p}, one derivation ${kdfMs.toFixed(1)} ms)`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
