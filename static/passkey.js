// Passkeys (WebAuthn) for Daemun's pages. Everything else on the pages works without
// JavaScript; this file only adds what a passkey cannot do without it:
//   <form data-passkey="create|get" data-answer="ID"> posts itself (CSRF token and all) to
//   its action for the options, asks the browser for a new key or an assertion, and submits
//   the hidden form ID with the ceremony token and the browser's answer, an ordinary POST
//   whose redirect the page follows. Elements with data-passkey-ui are shown only where the
//   browser has WebAuthn; the login page also offers passkeys in the identifier's autofill.
'use strict';
(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(b64url) {
    const b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '==='.slice((b64.length + 3) % 4));
    return Uint8Array.from(bin, function (c) { return c.charCodeAt(0); });
  }
  function toB64url(buffer) {
    let bin = '';
    new Uint8Array(buffer).forEach(function (b) { bin += String.fromCharCode(b); });
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // The server's JSON options, with the byte fields as the browser wants them.
  function creationOptions(o) {
    const pk = Object.assign({}, o.publicKey);
    pk.challenge = toBytes(pk.challenge);
    pk.user = Object.assign({}, pk.user, { id: toBytes(pk.user.id) });
    pk.excludeCredentials = (pk.excludeCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return { publicKey: pk };
  }
  function requestOptions(o) {
    const pk = Object.assign({}, o.publicKey);
    pk.challenge = toBytes(pk.challenge);
    pk.allowCredentials = (pk.allowCredentials || []).map(function (c) {
      return Object.assign({}, c, { id: toBytes(c.id) });
    });
    return { publicKey: pk };
  }

  // The browser's answer as JSON (the shape of PublicKeyCredential.toJSON()).
  function answerJson(cred) {
    const r = cred.response;
    const response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      if (r.getTransports) response.transports = r.getTransports();
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) response.userHandle = toB64url(r.userHandle);
    }
    return JSON.stringify({
      id: cred.id,
      rawId: toB64url(cred.rawId),
      type: cred.type,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    });
  }

  function showError(form, message) {
    const box = document.querySelector(form.dataset.error || '[data-passkey-error]');
    if (!box) return;
    box.textContent = message;
    box.setAttribute('role', 'alert');
    box.classList.add('notice-error');
    box.hidden = false;
  }

  // Asks the server for options; resolves to { ceremony, options } or throws its message.
  async function fetchOptions(form) {
    const resp = await fetch(form.action, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
    const body = await resp.json().catch(function () { return {}; });
    if (!resp.ok) throw new Error(body.error || form.dataset.failed || resp.statusText);
    return body;
  }

  function submitAnswer(form, ceremony, cred) {
    const answer = document.getElementById(form.dataset.answer);
    answer.elements.ceremony.value = ceremony;
    answer.elements.credential.value = answerJson(cred);
    if (answer.elements.name && form.elements.name) answer.elements.name.value = form.elements.name.value;
    const remember = document.getElementById('remember');
    if (answer.elements.remember && remember) answer.elements.remember.value = remember.checked ? '1' : '';
    answer.submit();
  }

  let conditional = null;

  async function run(form) {
    if (conditional) conditional.abort();
    let started;
    try {
      started = await fetchOptions(form);
    } catch (e) {
      showError(form, e.message);
      return;
    }
    try {
      const cred = form.dataset.passkey === 'create'
        ? await navigator.credentials.create(creationOptions(started.options))
        : await navigator.credentials.get(requestOptions(started.options));
      if (cred) submitAnswer(form, started.ceremony, cred);
    } catch (e) {
      // Cancelled, timed out, or no matching key: the server says nothing; the page does.
      showError(form, form.dataset.failed || e.message);
    }
  }

  document.querySelectorAll('[data-passkey-ui]').forEach(function (el) { el.hidden = false; });
  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      run(form);
    });
  });

  // Autofill: the identifier field offers this site's passkeys (conditional mediation).
  const auto = document.querySelector('form[data-passkey-autofill]');
  if (auto && PublicKeyCredential.isConditionalMediationAvailable) {
    PublicKeyCredential.isConditionalMediationAvailable().then(async function (ok) {
      if (!ok) return;
      try {
        const started = await fetchOptions(auto);
        conditional = new AbortController();
        const opts = requestOptions(started.options);
        opts.mediation = 'conditional';
        opts.signal = conditional.signal;
        const cred = await navigator.credentials.get(opts);
        if (cred) submitAnswer(auto, started.ceremony, cred);
      } catch (e) {
        // Aborted for the button, or nothing chosen: the page stays as it is.
      }
    });
  }
})();
