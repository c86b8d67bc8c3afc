"""A real Django 5.2 site whose users the import tests bring into Daemun.

Creates a fresh SQLite database in the directory given as the first argument, runs Django's
own migrations, creates users with `create_user` and `make_password` under every password
hasher Django ships, and writes `dumpdata auth.user` to `users.json` there. Prints one JSON
object: `{"users": [{"pk", "username", "email", "password", "hasher"}], "version": "5.2.x"}`
(the plain passwords the test logs in with).

With `--link SCRIPT`, runs SCRIPT (the guide's `link_daemun.py`) in the existing site instead,
in that directory (where `daemun-import.json` is), as `manage.py shell < SCRIPT` would, and
prints `{"linked": [[django_id, sub], …]}` from allauth's SocialAccount table.

Run with the venv of scripts/ensure-rp-clients (Django, argon2-cffi and bcrypt pinned in
tests/rp/requirements.txt).
"""

import json
import os
import sys

import django
from django.conf import settings

HASHERS = {
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "pbkdf2_sha1": "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "bcrypt_sha256": "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "bcrypt": "django.contrib.auth.hashers.BCryptPasswordHasher",
    "scrypt": "django.contrib.auth.hashers.ScryptPasswordHasher",
    "md5": "django.contrib.auth.hashers.MD5PasswordHasher",
}

out = sys.argv[1]
settings.configure(
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sites",
        "allauth",
        "allauth.account",
        "allauth.socialaccount",
        "allauth.socialaccount.providers.openid_connect",
    ],
    MIDDLEWARE=["allauth.account.middleware.AccountMiddleware"],
    SITE_ID=1,
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(out, "site.sqlite3"),
        }
    },
    PASSWORD_HASHERS=list(HASHERS.values()),
    USE_TZ=True,
)
django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402

if len(sys.argv) == 4 and sys.argv[2] == "--link":
    from allauth.socialaccount.models import SocialAccount

    with open(sys.argv[3]) as f:
        code = f.read()
    os.chdir(out)
    exec(compile(code, sys.argv[3], "exec"), {"__name__": "__main__"})
    rows = SocialAccount.objects.filter(provider="daemun").order_by("user_id")
    print(json.dumps({"linked": [[a.user_id, a.uid] for a in rows]}))
    sys.exit(0)

call_command("migrate", verbosity=0)

made = []


def user(username, email, password, hasher=None, **extra):
    u = User.objects.create_user(username, email, None, **extra)
    if password is not None:
        # make_password with a named hasher: the site's own code path for each algorithm.
        u.password = make_password(password, hasher=hasher)
        u.save()
    made.append(
        {"pk": u.pk, "username": username, "email": email, "password": password, "hasher": hasher}
    )


# One person per hasher Django ships; the password is different each time.
for i, name in enumerate(HASHERS):
    user(f"user_{name}", f"{name}@example.com", f"Correct-horse-{name}-{i}!", name,
         first_name="Ana", last_name=f"{name.title()}")
# An administrator, with the default hasher.
user("boss", "boss@example.com", "Boss-password-42!", "pbkdf2_sha256", is_superuser=True,
     is_staff=True)
# No usable password (set_unusable_password: a "!" hash).
user("nopass", "nopass@example.com", None)
# Usernames Daemun cannot take: `@` and `+`, and too long. The accounts still come in.
user("ana+news@example.com", "ana.news@example.com", "Username-breaks-rule-1!", "bcrypt")
user("x" * 40, "long@example.com", "Long-username-2!", "md5")
# Skipped: a blank address, and a second user with an address taken by an earlier one.
user("noemail", "", "No-email-3!", "pbkdf2_sha256")
user("twin", "PBKDF2_SHA256@example.com", "Twin-4!", "pbkdf2_sha256")
# Disabled on the site: imported, and still disabled.
user("gone", "gone@example.com", "Gone-5!", "pbkdf2_sha256", is_active=False)

call_command("dumpdata", "auth.user", output=os.path.join(out, "users.json"), verbosity=0)
print(json.dumps({"users": made, "version": django.get_version()}))
