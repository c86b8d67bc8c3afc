import { readFileSync } from 'node:fs'

// The person and their browser for the relying-party runners: `fetch` with a small cookie jar
// that follows Daemun's redirects and submits its login, consent and device forms the way a
// browser would from Daemun's own pages. Nothing here is an application's code.

const MAX_HOPS = 10

export function fail(message) {
  console.error(`${process.argv[1]?.split('/').pop() ?? 'runner'}: ${message}`)
  process.exit(1)
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

export class Browser {
  /** `issuer` is Daemun's URL; `email` and `password` are the person's. */
  constructor(issuer, email, password) {
    this.issuer = new URL(issuer)
    this.email = email
    this.password = password
    // One host, so a cookie is its name and value.
    this.jar = new Map()
  }

  async browse(url, init = {}) {
    const headers = new Headers(init.headers)
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '))
    const resp = await fetch(url, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) })
    for (const line of resp.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a))
      if (gone) this.jar.delete(name)
      else this.jar.set(name, pair.slice(eq + 1).trim())
    }
    return resp
  }

  // Submits the page's first POST form, with `fields` on top of its hidden inputs.
  async submit(pageUrl, html, fields) {
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
    return this.browse(new URL(action, pageUrl), {
      method: 'POST',
      body: data,
      headers: { origin: this.issuer.origin, 'sec-fetch-site': 'same-origin' },
    })
  }

  // Opens `start` and answers Daemun's pages: the login form with the person's password, the
  // consent and device pages with `decision`. Returns the first redirect for which
  // `leaves(url)` holds (the application's redirect URI), or the final page's URL and body
  // when a page answered with nothing further to do.
  async walk(start, { leaves = () => false, decision = 'allow' } = {}) {
    let url = new URL(start)
    let resp = await this.browse(url)
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      if (resp.status >= 300 && resp.status < 400) {
        const target = new URL(resp.headers.get('location'), url)
        if (leaves(target)) return { left: target.href }
        url = target
        resp = await this.browse(url)
      } else if (resp.status === 200 && url.pathname === '/login') {
        resp = await this.submit(url, await resp.text(), { identifier: this.email, password: this.password })
      } else if (resp.status === 200 && url.pathname === '/consent') {
        resp = await this.submit(url, await resp.text(), { decision })
      } else if (resp.status === 200 && url.pathname === '/device') {
        const html = await resp.text()
        if (!/<form\b[^>]*method="post"/i.test(html)) return { url: url.href, html }
        resp = await this.submit(url, html, { decision })
      } else if (resp.status === 200) {
        return { url: url.href, html: await resp.text() }
      } else {
        fail(`unexpected answer ${resp.status} at ${url}: ${(await resp.text()).slice(0, 300)}`)
      }
    }
    fail(`more than ${MAX_HOPS} steps through Daemun's pages`)
  }
}

// Prints the runner's one JSON line: openid-client's version, `fields`, and the seconds since
// `started` (a performance.now() value).
export function report(fields, started) {
  const pkg = JSON.parse(readFileSync(new URL('./node_modules/openid-client/package.json', import.meta.url)))
  console.log(JSON.stringify({
    library: 'openid-client',
    version: pkg.version,
    ...fields,
    seconds: Math.round(performance.now() - started) / 1000,
  }))
}
