"""Files of other sources for the import tests, written into the directory given as the first
argument; the second argument is the `htpasswd` program.

- `realm.json`: a Keycloak realm export (`kc.sh export --users realm_file`) whose password
  credentials are built as Keycloak stores them: `secretData` {"value", "salt"} in standard
  base64, `credentialData` {"algorithm", "hashIterations", "additionalParameters"}, with
  pbkdf2-sha256 (27,500 iterations, 512-bit key: Keycloak's old default), pbkdf2-sha512
  (210,000 iterations: the default since Keycloak 24) and argon2 (id, 7168 KiB, 5 passes, one
  lane, 32 bytes: the default since Keycloak 26), computed with Python's hashlib and argon2-cffi.
- `users.jsonl`: the JSON Lines format, with a bcrypt hash made by `htpasswd -B`, an argon2id
  PHC string from argon2-cffi, and lines that must be refused.

Prints one JSON object: `{"people": [{"source", "id", "email", "password"}]}` for the accounts
that must log in.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys

from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw

out, htpasswd = sys.argv[1], sys.argv[2]
people = []


def b64(raw):
    return base64.b64encode(raw).decode()


def credential(algorithm, iterations, salt, value, extra=None):
    return {
        "type": "password",
        "userLabel": "My password",
        "createdDate": 1700000000000,
        "secretData": json.dumps({"value": b64(value), "salt": b64(salt), "additionalParameters": {}}),
        "credentialData": json.dumps(
            {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": extra or {}}
        ),
    }


def pbkdf2(digest, password, iterations):
    salt = os.urandom(16)
    value = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, dklen=64)
    return credential(f"pbkdf2-{digest}", iterations, salt, value)


def argon2(password):
    salt = os.urandom(16)
    value = hash_secret_raw(password.encode(), salt, time_cost=5, memory_cost=7168,
                            parallelism=1, hash_len=32, type=Type.ID)
    extra = {"hashLength": ["32"], "memory": ["7168"], "type": ["id"], "version": ["1.3"],
             "parallelism": ["1"]}
    return credential("argon2", 5, salt, value, extra)


def kc_user(uid, username, email, password, make, **extra):
    user = {
        "id": uid,
        "createdTimestamp": 1700000000000,
        "username": username,
        "enabled": True,
        "emailVerified": True,
        "firstName": "Kim",
        "lastName": username.title(),
        "email": email,
        "credentials": [make(password)] if make else [],
        "realmRoles": ["default-roles-acme"],
    }
    user.update(extra)
    if make and user["enabled"] and user["emailVerified"]:
        people.append({"source": "keycloak", "id": uid, "email": email, "password": password})
    return user


users = [
    kc_user("0b6f-1", "kc256", "kc256@example.com", "Keycloak-256-pass!",
            lambda p: pbkdf2("sha256", p, 27500)),
    kc_user("0b6f-2", "kc512", "kc512@example.com", "Keycloak-512-pass!",
            lambda p: pbkdf2("sha512", p, 210000)),
    kc_user("0b6f-3", "kcargon", "kcargon@example.com", "Keycloak-argon-pass!", argon2),
    kc_user("0b6f-4", "kcnopass", "kcnopass@example.com", None, None),
    kc_user("0b6f-5", "kcunverified", "kcunverified@example.com", "Unverified-pass!",
            lambda p: pbkdf2("sha256", p, 27500), emailVerified=False),
]
with open(os.path.join(out, "realm.json"), "w") as f:
    json.dump({"id": "acme-id", "realm": "acme", "enabled": True, "users": users}, f)

line = subprocess.run([htpasswd, "-nbB", "ana", "Htpasswd-pass-1!"], check=True,
                      capture_output=True, text=True).stdout.strip()
bcrypt_hash = line.split(":", 1)[1]
phc = PasswordHasher().hash("Argon2-cffi-pass-2!")
lines = [
    {"id": "1", "email": "ana@example.com", "password_hash": bcrypt_hash, "username": "ana",
     "given_name": "Ana", "email_verified": True, "created_at": "2024-03-01T09:00:00Z"},
    {"id": 2, "email": "bo@example.com", "password_hash": phc, "email_verified": True},
    "not json at all",
    {"email": "noid@example.com"},
    {"id": "3", "email": "typo@example.com", "pasword_hash": "x"},
    {"id": "1", "email": "again@example.com"},
    {"id": "4", "email": "ANA@example.com"},
    {"id": "5", "email": "md5crypt@example.com", "password_hash": "$1$salt$hash",
     "email_verified": True},
    {"id": "6", "email": "costly@example.com", "email_verified": True,
     "password_hash": "pbkdf2_sha256$99999999$salt$aGFzaA=="},
]
with open(os.path.join(out, "users.jsonl"), "w") as f:
    for l in lines:
        f.write((l if isinstance(l, str) else json.dumps(l)) + "\n")
        if l == "not json at all":
            f.write("\n")
people.append({"source": "jsonl", "id": "1", "email": "ana@example.com", "password": "Htpasswd-pass-1!"})
people.append({"source": "jsonl", "id": "2", "email": "bo@example.com", "password": "Argon2-cffi-pass-2!"})
print(json.dumps({"people": people}))
