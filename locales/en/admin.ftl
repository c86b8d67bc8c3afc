# Admin console: users, clients, signing keys, audit trail, mail outbox.

nav-admin = Admin
admin-title = Administration
admin-intro = Manage accounts, applications, signing keys and mail. Every action here is recorded in the audit trail.
admin-nav-label = Administration sections
admin-nav-overview = Overview
admin-nav-users = Users
admin-nav-clients = Applications
admin-nav-keys = Signing keys
admin-nav-audit = Audit trail
admin-nav-outbox = Mail outbox
admin-overview-users = { $count ->
    [one] 1 account
   *[other] { $count } accounts
}
admin-overview-clients = { $count ->
    [one] 1 application
   *[other] { $count } applications
}
admin-overview-outbox = Mail outbox: { $waiting } waiting, { $failed } failed
admin-search = Search
admin-pager-label = Pages
admin-pager-prev = Previous
admin-pager-next = Next
admin-pager-newer = Newer
admin-pager-older = Older
admin-pager-position = Page { $page } of { $pages }
admin-pager-page = Page { $page }
admin-col-email = Email
admin-col-name = Name
admin-col-status = Status
admin-col-created = Created
admin-col-updated = Changed
admin-col-last-login = Last login
admin-col-sessions = Active sessions
admin-col-factors = Second factors
admin-factors-none = None
admin-factors-app = Authenticator app
admin-factors-codes = { $count ->
    [one] one recovery code left
   *[other] { $count } recovery codes left
}
admin-col-kind = Type
admin-col-redirects = Redirect URIs
admin-badge-active = Active
admin-badge-disabled = Disabled
admin-badge-unverified = Not verified
admin-badge-admin = Administrator
admin-back-users = Back to users
admin-back-clients = Back to applications

## Users

admin-users-title = Users
admin-users-search-label = Email, username or name
admin-users-count = { $count ->
    [one] 1 account
   *[other] { $count } accounts
}
admin-users-none = No account matches.
admin-user-actions = Actions
admin-user-disable = Disable account
admin-user-enable = Enable account
admin-user-verify = Mark email as verified
admin-user-resend = Resend verification mail
admin-user-send-reset = Send password reset mail
admin-user-end-sessions = End all sessions
admin-user-remove-factors = Remove second factors
admin-user-grant-admin = Make administrator
admin-user-revoke-admin = Remove administrator role
admin-user-disable-hint = Disabling an account ends its sessions and revokes every token its applications hold. Ending sessions logs the person out everywhere and revokes the tokens issued in those sessions.
admin-user-events = Recent events
admin-user-all-events = All events of this account
admin-user-delete = Delete account
admin-user-delete-confirm-label = Type the email address to confirm
admin-user-delete-hint = The account { $email } is deleted for good: its sessions, tokens and consents go, and its sub is never issued again. The audit trail stays.

## Applications

admin-clients-title = Applications
admin-clients-new = Register an application
admin-clients-none = No application is registered yet.
admin-client-public = Public (no secret, PKCE)
admin-client-confidential = Confidential (with secret)
admin-client-first-party = first-party
admin-client-name = Name
admin-client-redirect-uris = Redirect URIs
admin-client-redirect-uris-hint = One per line, compared exactly. https, or http only for localhost, 127.0.0.1 and [::1].
admin-client-logout-uris = Post-logout redirect URIs (one per line)
admin-client-public-label = Public client: a single-page or native app that cannot keep a secret (PKCE is then required)
admin-client-first-party-label = First-party: our own application, no consent page
admin-client-require-mfa-label = Two-step login required: people log in with a password and a code for this application
admin-client-self-registered = registered by itself
admin-client-require-par-label = Pushed requests only: the application sends its authorization requests to /par first
admin-client-pkce-label = Require PKCE (recommended)
admin-client-grants = Grant types
admin-client-scopes = Scopes it may ask for
admin-client-auth-method = Client authentication at the token endpoint
admin-client-auth-both = client_secret_basic or client_secret_post
admin-client-alg = ID token signature
admin-client-logo = Logo URL (https, optional)
admin-client-home = Home page URL (https, optional)
admin-client-backchannel = Back-channel logout URL (optional)
admin-client-backchannel-hint = Daemun posts a signed logout token here when a session the application took part in ends (OpenID Connect Back-Channel Logout).
admin-client-backchannel-sid-label = The application needs the session id (sid) in logout tokens
admin-client-save = Save changes
admin-client-create = Register
admin-client-secret = Client secret
admin-client-rotate-hint = A new secret replaces the current one at once: the application stops working until it is given the new secret.
admin-client-rotate = Make a new secret
admin-client-delete = Delete application
admin-client-delete-confirm-label = Type the application's name to confirm
admin-client-delete-hint = { $name } is removed with every token, code and consent it was given; people using it are logged out of it.
admin-client-created = { $name } is registered
admin-client-rotated = New secret for { $name }
admin-client-secret-once = Copy the secret now: it is shown only once. Daemun keeps only a hash of it.
admin-client-no-secret = A public client has no secret; it uses PKCE.
admin-client-open = Open the application's settings
admin-client-error-uri = { $uri }: { $reason }
admin-client-error-name = Give the application a name of 1 to 100 characters.
admin-client-error-no-redirect = The authorization code grant needs at least one redirect URI.
admin-client-error-grants = Choose at least one grant type.
admin-client-error-public-credentials = A public client has no secret, so it cannot use client_credentials.
admin-client-error-scopes = Choose at least one scope.
admin-client-error-auth-method = This authentication method does not fit the client.
admin-client-error-alg = Choose RS256 or ES256.
admin-client-error-https = This must be an https URL.
admin-uri-not-absolute = not an absolute URI
admin-uri-fragment = a redirect URI cannot have a #fragment
admin-uri-dangerous = this scheme can run code or read local data
admin-uri-plain-http = http is allowed only for localhost, 127.0.0.1 and [::1]; use https
admin-uri-wildcard = wildcards are not allowed; register every URI exactly
admin-uri-userinfo = a URI cannot contain user information (user@)
admin-uri-too-long = longer than 2000 characters

## Signing keys

admin-keys-title = Signing keys
admin-keys-intro = ID tokens are signed with these keys and the published ones are in the JWKS. A rotation publishes new keys at once; they start signing after { $delay } seconds, and the old ones stay published until the tokens they signed have expired.
admin-keys-rotate = Rotate keys now
admin-keys-retire = Retire
admin-keys-retire-hint = Retiring takes a key out of the JWKS at once, so tokens it signed can no longer be verified: do it for a compromised key. The last key of an algorithm cannot be retired; rotate first.
admin-keys-signs-from = Signs from
admin-keys-published-until = Published until
admin-key-signing = Signing
admin-key-published = Published, signs later
admin-key-verifying = Verifying only
admin-key-retired = Retired

## Audit trail

admin-audit-title = Audit trail
admin-audit-user = Person (email, username or sub)
admin-audit-event = Event
admin-audit-event-hint = An event name such as login.failure, or a prefix such as login.
admin-audit-since = From (UTC)
admin-audit-until = To (UTC, inclusive)
admin-audit-bad-date = Give a date (YYYY-MM-DD) or an RFC 3339 time; this filter was ignored.
admin-audit-at = Time (UTC)
admin-audit-detail = Detail
admin-audit-none = No events.

## Mail outbox

admin-outbox-title = Mail outbox
admin-outbox-intro = Mail is queued here and sent in the background, with retries while the mail server is unreachable. Mail that failed every attempt waits here until it is retried.
admin-outbox-failed = { $count ->
    [one] 1 failed mail
   *[other] { $count } failed mails
}
admin-outbox-waiting = { $count ->
    [one] 1 mail waiting
   *[other] { $count } mails waiting
}
admin-outbox-none = None.
admin-outbox-to = To
admin-outbox-subject = Subject
admin-outbox-attempts = Attempts
admin-outbox-next = Next attempt
admin-outbox-failed-at = Given up
admin-outbox-error = Last error
admin-outbox-retry = Retry now

## Flash messages

flash-admin-reauth = Confirm your password to continue: administrator actions need a recent login. Then repeat the action.
flash-admin-not-yourself = You cannot do this to your own account here. Use the command line (daemun user …) if you really mean it.
flash-admin-user-disabled = The account is disabled; its sessions have ended and its tokens are revoked.
flash-admin-user-enabled = The account is enabled.
flash-admin-user-verified = The email address is marked as verified.
flash-admin-already-verified = The email address is already verified.
flash-admin-verification-sent = A new verification mail is on its way.
flash-admin-reset-sent = A password reset mail is on its way.
flash-admin-sessions-ended = Every session of the account has ended.
flash-admin-factors-removed = The account's second factors are removed: the person logs in with the password alone until they set one up again.
flash-admin-role-granted = The account is now an administrator.
flash-admin-role-revoked = The account is no longer an administrator.
flash-admin-delete-confirm = The account was not deleted: type its email address exactly to confirm.
flash-admin-user-deleted = The account is deleted.
flash-admin-client-saved = The application's settings are saved.
flash-admin-client-public = A public client has no secret to rotate.
flash-admin-client-confirm = The application was not deleted: type its name exactly to confirm.
flash-admin-client-deleted = The application is deleted, with every token it was given.
flash-admin-keys-rotated = New signing keys are published.
flash-admin-key-retired = The key is retired and no longer published.
flash-admin-key-refused = That key cannot be retired: it is unknown, already retired, or the last key of its algorithm.
flash-admin-mail-retried = The mail is queued to be sent again.
flash-admin-mail-not-retried = That mail was not retried: it has been sent, is being sent, or no longer exists.
admin-deliveries-title = Back-channel logout deliveries
admin-deliveries-intro = Logout tokens for applications registered with a back-channel logout URL. Delivered ones are not listed; one that fails is tried again with growing pauses and given up after outbound.give_up_hours.
admin-deliveries-failed = Given up
admin-deliveries-waiting = Waiting or being retried
admin-deliveries-target = Sent to
flash-admin-delivery-retried = The delivery is queued again and goes out within moments.

admin-clients-registration = Applications that register themselves
admin-registration-title = Applications that register themselves
admin-registration-mode-off = Self-registration is off (registration.mode = "off"): applications are registered here or with daemun client add. Tokens made now work once the mode is "initial_token".
admin-registration-mode-initial_token = Applications with an initial access token from this page (or daemun registration-token create) may register themselves (registration.mode = "initial_token").
admin-registration-mode-open = Anyone may register a public application, without a secret and with https or loopback redirect URIs (registration.mode = "open"). An initial access token also lets an application register with a secret.
admin-registration-mode-hint = The mode is set in the configuration file. Every application that registered itself asks people for consent, must use PKCE and is marked "registered by itself" in the list of applications.
admin-registration-endpoint = Registration endpoint:
admin-registration-tokens = Initial access tokens
admin-registration-none = No token has been made yet.
admin-registration-id = Token ID
admin-registration-label = Label
admin-registration-label-hint = Who or what receives the token, e.g. a team or a tool. Shown in this list only.
admin-registration-label-invalid = Enter a label of 1 to 100 characters.
admin-registration-active = Active
admin-registration-revoked = Revoked { $at }
admin-registration-revoke = Revoke
admin-registration-revoke-hint = A revoked token registers nothing from then on; the applications it registered stay until you delete them.
admin-registration-new = Make a token
admin-registration-create = Make token
admin-registration-made = Token for { $label }
admin-registration-token = Initial access token
admin-registration-token-once = Copy the token now and give it to the application: it is not shown again. The application sends it as a Bearer token to the registration endpoint.
flash-admin-registration-token-revoked = The token is revoked.
flash-admin-registration-token-gone = That token was already revoked.
admin-client-resources = APIs (resource identifiers)
admin-client-resources-hint = One resource identifier per line, as registered with daemun resource add. The application may ask access tokens for these APIs, with their scopes.
admin-client-error-resource = A resource is not registered. Register it first with daemun resource add.
admin-nav-resources = APIs
admin-resources-title = APIs
admin-resources-intro = APIs (resource servers) that get access tokens of their own: each token names one API as its audience and carries only that API's scopes. Give an API to an application in the application's settings.
admin-resources-none = No API is registered yet.
admin-resource-identifier = Identifier
admin-resource-identifier-hint = An absolute URI without a fragment, e.g. https://api.example.com. Applications send it as resource; the API checks it as the token's audience.
admin-resource-name-hint = Shown to people on the consent page.
admin-resource-scopes = Scopes
admin-resource-scopes-hint = The API's own scopes, separated by spaces, e.g. invoices:read invoices:write.
admin-resource-tokens = Access tokens
admin-resource-alg = Signing algorithm of its JWT access tokens
admin-resource-opaque-label = Opaque access tokens instead of JWTs (the API asks /introspect)
admin-resource-opaque-short = opaque
admin-resource-add = Register API
admin-resource-new = Register an API
admin-resource-remove = Remove
admin-resource-remove-hint = An API can be removed once no application has it.
admin-resource-error-identifier = Enter an absolute URI without a fragment, such as https://api.example.com.
admin-resource-error-name = Enter a name of 1 to 100 characters.
admin-resource-error-scopes = Scopes are words without spaces, quotes or backslashes, and not one of openid, profile, email or offline_access.
admin-resource-error-alg = Choose RS256 or ES256.
admin-resource-error-taken = An API with this identifier is already registered.
flash-admin-resource-added = The API is registered.
flash-admin-resource-removed = The API is removed.
flash-admin-resource-gone = That API was already removed.
flash-admin-resource-in-use = An application still has this API; take it from the application first.
admin-client-allowed-groups = Who may use it (group names)
admin-client-allowed-groups-hint = One group name per line. Empty: everyone with an account. Otherwise only members of these groups may log in to the application; others are told so and the application gets access_denied.
admin-client-error-group = A group does not exist. Create it first with daemun group add.
admin-nav-groups = Groups
admin-groups-title = Groups
admin-groups-intro = Groups of people. An application can be limited to the members of some groups, and applications that ask for the groups scope learn the names of a person's groups. A group's name never changes; its label is what people read.
admin-groups-none = No group exists yet.
admin-group-name = Name
admin-group-name-hint = What applications see: 1 to 64 of a–z, 0–9, dot, underscore and hyphen, e.g. staff or ops.oncall. It cannot be changed later.
admin-group-label = Label
admin-group-label-hint = What people read, e.g. All staff. Empty: the name.
admin-group-members = Members
admin-group-new = Create a group
admin-group-create = Create group
admin-group-apps = Applications limited to it
admin-group-apps-none = none
admin-group-added = Added
admin-group-no-members = No one is in this group yet.
admin-group-add-member = Add a member
admin-group-who-hint = Their email address, username or sub.
admin-group-add = Add
admin-group-remove-member = Remove
admin-group-rename = Label
admin-group-rename-hint = Changing the label does not change the name applications see.
admin-group-save-label = Save label
admin-group-delete = Delete group
admin-group-delete-hint = Deleting a group takes everyone out of it. A group an application is limited to cannot be deleted; change the application first.
admin-back-groups = Back to groups
admin-group-error-name = Enter a name of 1 to 64 lower-case letters, digits, dots, underscores or hyphens, starting with a letter or digit.
admin-group-error-label = Enter a label of 1 to 100 characters.
admin-group-error-taken = A group with this name exists already.
flash-admin-group-added = The group is created.
flash-admin-group-renamed = The label is saved.
flash-admin-group-bad-label = Enter a label of 1 to 100 characters.
flash-admin-group-no-account = No account matches that address, username or sub.
flash-admin-group-member-added = The person is added to the group.
flash-admin-group-already-member = That person is in the group already.
flash-admin-group-member-removed = The person is taken out of the group.
flash-admin-group-not-member = That person was not in the group.
flash-admin-group-in-use = An application is limited to this group; change the application first.
flash-admin-group-removed = The group is deleted.
admin-group-delete-confirm = Type the group's name, { $name }, to confirm
flash-admin-group-confirm = Type the group's name exactly to delete it.
admin-roles-section = Roles
admin-roles-section-intro = Names this application defines for itself, such as editor, given to groups or to people. The application reads them from the roles claim.
admin-roles-manage = Manage roles ({ $count })
admin-roles-title = Roles of { $app }
admin-roles-intro = Roles are names this application defines for itself, such as editor or billing.admin. Give a role to a group (every member holds it) or to one person. The application reads the roles of the person who logs in from the roles claim of its ID tokens and UserInfo; no other application sees them.
admin-roles-none = This application defines no roles yet.
admin-roles-name = Name
admin-roles-name-hint = What the application sees: 1 to 64 of a–z, 0–9, dot, underscore and hyphen, e.g. editor or billing.admin. It cannot be changed later.
admin-roles-label = Label
admin-roles-label-hint = What people read, e.g. Editor. Empty: the name.
admin-roles-groups = Groups
admin-roles-people = People
admin-roles-nobody = none
admin-roles-remove = Remove role
admin-roles-remove-hint = Removing a role takes it back from every group and person that holds it.
admin-roles-grants = Who holds them
admin-roles-role = Role
admin-roles-holder = Held by
admin-roles-holder-group = Group
admin-roles-revoke = Revoke
admin-roles-no-grants = No group or person holds a role yet.
admin-roles-grant = Grant a role
admin-roles-grant-hint = Fill in either a group name or a person, not both. Every member of a group holds the role, including people who join later.
admin-roles-group = Group name
admin-roles-person = Person (email, username or sub)
admin-roles-grant-button = Grant
admin-roles-new = Add a role
admin-roles-add = Add role
admin-roles-back = Back to { $app }
admin-roles-error-name = Enter a name of 1 to 64 lower-case letters, digits, dots, underscores or hyphens, starting with a letter or digit.
admin-roles-error-label = Enter a label of 1 to 100 characters.
admin-roles-error-taken = This application has a role with this name already.
flash-admin-roles-added = The role is added.
flash-admin-roles-removed = The role is removed, and taken back from everyone who held it.
flash-admin-roles-gone = That role was already removed.
flash-admin-roles-no-role = This application has no such role.
flash-admin-roles-no-group = No group has that name.
flash-admin-roles-no-account = No account matches that address, username or sub.
flash-admin-roles-one-grantee = Fill in either a group name or a person, not both.
flash-admin-roles-granted = The role is granted.
flash-admin-roles-already-granted = That group or person holds the role already.
flash-admin-roles-revoked = The role is taken back.
flash-admin-roles-not-granted = That group or person did not hold the role.

## /admin/upstream
admin-nav-upstream = Providers
admin-upstream-title = Upstream providers
admin-upstream-intro = The services people can log in with, as configured in daemun.toml or the environment ([upstream.<name>]). Register the callback URL at each provider.
admin-upstream-issuer = Issuer
admin-upstream-callback = Callback URL
admin-upstream-accounts = New accounts
admin-upstream-linked = Linked
admin-upstream-creates = creates accounts
admin-upstream-no-create = links only
admin-upstream-trust-mfa = trusts the provider's second factor
admin-upstream-none = No upstream provider is configured. See docs/upstream-providers.md.
