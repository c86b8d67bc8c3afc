"""Runs the guide's Authlib code (the `<!-- test: authlib -->` block of docs/integrate.md, a
module whose path is the first argument) against a real Daemun. This file only plays the
person and the browser: a cookie-keeping session that follows Daemun's redirects and submits
its login and consent forms. Everything an application does is the guide's code.

With a second argument, the guide's `<!-- test: authlib-access -->` module: the person's groups
and roles read through it must be RP_TEST_GROUPS and RP_TEST_ROLES (JSON lists), and UserInfo
must say the same.

Environment: OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI,
OIDC_POST_LOGOUT_REDIRECT_URI, OIDC_SCOPE (read by the guide's code), RP_TEST_EMAIL,
RP_TEST_PASSWORD.
Prints one JSON line with what was checked; exits 1 with a message on any failure.
"""

import importlib.util
import json
import os
import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import authlib
import requests
from authlib.integrations.base_client import OAuthError

MAX_HOPS = 10


def fail(message):
    print(f"authlib_client: {message}", file=sys.stderr)
    sys.exit(1)


def load_guide(path, name="daemun_login"):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


started = time.monotonic()
if len(sys.argv) not in (2, 3):
    fail("usage: RP_TEST_EMAIL=… RP_TEST_PASSWORD=… authlib_client.py GUIDE_MODULE [ACCESS_MODULE]")
EMAIL = os.environ["RP_TEST_EMAIL"]
PASSWORD = os.environ["RP_TEST_PASSWORD"]
try:
    rp = load_guide(sys.argv[1])
    access = load_guide(sys.argv[2], "daemun_access") if len(sys.argv) == 3 else None
except Exception as e:
    fail(f"loading the guide's code: {type(e).__name__}: {e}")


class FormParser(HTMLParser):
    """The first POST form of a page: its action and its hidden fields."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and self.action is None and a.get("method", "").lower() == "post":
            self.action, self.in_form = a.get("action", ""), True
        elif tag == "input" and self.in_form and a.get("type") == "hidden":
            self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


browser = requests.Session()
origin = "{0.scheme}://{0.netloc}".format(urlsplit(rp.ISSUER))


def submit(page, fields):
    """Submits the page's form as a browser would from Daemun's own page."""
    form = FormParser()
    form.feed(page.text)
    if form.action is None or "csrf_token" not in form.fields:
        fail(f"no form with a csrf_token on {page.url}")
    data = {**form.fields, **fields}
    headers = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
    return browser.post(urljoin(page.url, form.action), data=data, headers=headers,
                        allow_redirects=False, timeout=10)


def sign_in(url):
    """Follows Daemun until it redirects to the application; returns that Location."""
    resp = browser.get(url, allow_redirects=False, timeout=10)
    for _ in range(MAX_HOPS):
        if resp.is_redirect:
            target = urljoin(resp.url, resp.headers["Location"])
            if target.startswith(rp.REDIRECT_URI):
                return target
            resp = browser.get(target, allow_redirects=False, timeout=10)
        elif resp.status_code == 200 and urlsplit(resp.url).path == "/login":
            resp = submit(resp, {"identifier": EMAIL, "password": PASSWORD})
        elif resp.status_code == 200 and urlsplit(resp.url).path == "/consent":
            resp = submit(resp, {"decision": "allow"})
        else:
            fail(f"unexpected answer {resp.status_code} at {resp.url}: {resp.text[:300]}")
    fail(f"more than {MAX_HOPS} steps before coming back to the application")


def refused(token, sub):
    """The error code Daemun gives for this refresh, or None if it succeeded."""
    try:
        rp.refresh(token, sub)
    except OAuthError as e:
        return e.error
    return None


def main():
    checked = []
    session = {}
    url = rp.login_url(session)
    query = parse_qs(urlsplit(url).query)
    if query.get("code_challenge_method") != ["S256"] or not query.get("nonce"):
        fail(f"the authorization URL lacks PKCE or a nonce: {url}")
    checked.append("discovery")

    callback_url = sign_in(url)
    checked.append("login_and_consent")
    token, claims = rp.callback(session, callback_url)
    checked += ["code_exchange", "id_token"]
    sub = claims["sub"]

    info = rp.userinfo(token)
    if info.get("sub") != sub or info.get("email") != EMAIL or info.get("email_verified") is not True:
        fail(f"userinfo does not describe the person who logged in: {info}")
    checked.append("userinfo")

    if access is not None:
        seen = access.Access(claims)
        groups = json.loads(os.environ["RP_TEST_GROUPS"])
        roles = json.loads(os.environ["RP_TEST_ROLES"])
        if seen.groups != frozenset(groups) or seen.roles != frozenset(roles):
            fail(f"the ID token gives groups {sorted(seen.groups)} and roles {sorted(seen.roles)}")
        if not all(seen.may(r) for r in roles) or seen.may("not-granted"):
            fail("Access.may() does not follow the roles claim")
        if info.get("groups") != groups or info.get("roles") != roles:
            fail(f"userinfo gives groups {info.get('groups')} and roles {info.get('roles')}")
        checked.append("groups_and_roles")

    new = rp.refresh(token, sub)
    if not new.get("refresh_token") or new["refresh_token"] == token["refresh_token"]:
        fail("the refresh token was not rotated")
    checked.append("refresh_rotated")
    if (err := refused(token, sub)) != "invalid_grant":
        fail(f"the used refresh token was not refused with invalid_grant (got {err})")
    checked.append("old_refresh_refused")
    if (err := refused(new, sub)) != "invalid_grant":
        fail(f"reusing a refresh token did not end its family (got {err})")
    try:
        rp.userinfo(new)
        fail("the family's access token still works after the refresh token was reused")
    except requests.HTTPError as e:
        if e.response.status_code != 401:
            raise
    checked.append("family_revoked")

    resp = browser.get(rp.logout_url(new, "bye-state"), allow_redirects=False, timeout=10)
    expected = f"{rp.POST_LOGOUT_REDIRECT_URI}?state=bye-state"
    if resp.status_code not in (302, 303) or resp.headers.get("Location") != expected:
        fail(f"logout did not come back to {expected}: {resp.status_code} {resp.headers.get('Location')}")
    account = browser.get(urljoin(rp.ISSUER, "/account"), allow_redirects=False, timeout=10)
    if not account.is_redirect or "/login" not in account.headers.get("Location", ""):
        fail("the Daemun session is still alive after logout")
    checked.append("logout")

    print(json.dumps({
        "library": "authlib",
        "version": authlib.__version__,
        "sub": sub,
        "email": info["email"],
        "checked": checked,
        "seconds": round(time.monotonic() - started, 3),
    }))


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as e:  # any library refusal is a failure with its message
        fail(f"{type(e).__name__}: {e}")
