"""Runs the guide's API-side Authlib code (the `<!-- test: authlib-api -->` block of
docs/integrate.md, a module whose path is the first argument) on tokens a real Daemun issued.
This file only hands the tokens over and says what the guide's `check` must decide.

Environment: OIDC_ISSUER, API_RESOURCE (read by the guide's code) and API_TOKENS, a JSON object:
`valid` (a JWT access token for API_RESOURCE with its first scope), `scope` (that scope),
`other_scope` (one the token lacks), `other_api` (a JWT access token for another API),
`untyped` (a JWT signed by Daemun for API_RESOURCE whose `typ` is not at+jwt) and `opaque`.
Prints one JSON line with what was checked; exits 1 with a message on any failure.
"""

import importlib.util
import json
import os
import sys

import authlib
from authlib.oauth2.rfc6750 import InsufficientScopeError, InvalidTokenError


def fail(message):
    print(f"authlib_api: {message}", file=sys.stderr)
    sys.exit(1)


def load(path):
    spec = importlib.util.spec_from_file_location("api_tokens", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refused(api, token, scope, expected):
    try:
        api.check(token, scope)
    except expected:
        return True
    except Exception as e:  # noqa: BLE001 - any other failure is the wrong answer
        fail(f"expected {expected.__name__}, got {type(e).__name__}: {e}")
    return False


def main():
    if len(sys.argv) != 2:
        fail("usage: authlib_api.py GUIDE_MODULE")
    api = load(sys.argv[1])
    tokens = json.loads(os.environ["API_TOKENS"])
    checked = []

    claims = api.check(tokens["valid"], tokens["scope"])
    if claims["aud"] != os.environ["API_RESOURCE"] or tokens["scope"] not in claims["scope"].split():
        fail(f"the valid token's claims are wrong: {dict(claims)}")
    checked.append("valid")
    for name, token, scope, expected in [
        ("scope_missing", tokens["valid"], tokens["other_scope"], InsufficientScopeError),
        ("other_api", tokens["other_api"], tokens["scope"], InvalidTokenError),
        ("typ_checked", tokens["untyped"], tokens["scope"], InvalidTokenError),
        ("opaque", tokens["opaque"], tokens["scope"], InvalidTokenError),
        ("tampered", tokens["valid"][:-4] + "AAAA", tokens["scope"], InvalidTokenError),
    ]:
        if not refused(api, token, scope, expected):
            fail(f"{name}: the guide's check accepted it")
        checked.append(name)
    print(json.dumps({
        "library": "authlib",
        "version": authlib.__version__,
        "sub": claims["sub"],
        "client_id": claims["client_id"],
        "checked": checked,
    }))


main()
