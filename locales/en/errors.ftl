# Form validation messages and error pages.

## Field validation

error-required = This field is required.
error-email-invalid = Enter a valid email address.
error-username-invalid = Usernames are 3–30 characters: letters, digits, and . _ - only.
error-username-taken = That username is taken. Choose another.
error-name-too-long = Name is too long (at most { $max } characters).
error-password-too-short = This password is too short. It must contain at least { $min } characters.
error-password-too-long = This password is too long (at most { $max } characters).
error-password-too-similar = The password is too similar to your personal information.
error-password-too-common = This password is too common.
error-password-entirely-numeric = This password is entirely numeric.
error-password-mismatch = The two password fields didn't match.

## Login

login-error-generic = Please enter a correct email or username and password. Both fields may be case-sensitive.
login-error-unverified = Your email address is not verified yet. Check your inbox for the verification link.

## Error pages

error-status = Error { $status }
error-go-home = Go to the home page
error-title-bad-request = Bad request
error-body-bad-request = The request could not be understood. Go back and try again.
error-title-forbidden = Access denied
error-body-csrf = This form has expired or was sent from another site. Reload the page and try again.
error-body-admin-only = This page is for administrators. Log in with an administrator account, or ask one to give your account the role.
error-title-not-found = Page not found
error-body-not-found = There is no page at this address. Check that it is typed correctly, or start again from the home page.
error-title-gone = Link no longer valid
error-body-link-invalid = This link is invalid or has expired.
error-title-too-many = Too many attempts
error-body-too-many = Too many attempts. Wait a while and try again.
error-title-server = Something went wrong
error-body-server = Something went wrong on our side. Try again in a moment.
error-title-unavailable = Service unavailable
error-body-unavailable = { $product } is temporarily unavailable, possibly for maintenance. Try again in a few minutes.
error-body-unknown-host = This address is not served here.
error-title-payload-too-large = Request too large
error-body-payload-too-large = The data you sent is too large to be processed.
login-error-locked = Too many failed attempts. Please wait { $minutes ->
    [one] a minute
   *[other] { $minutes } minutes
} before trying again, or reset your password.
error-title-busy = Busy right now
error-body-busy = Many people are logging in at this moment. Wait a few seconds and try again.

## Logins through upstream providers
upstream-error-title = Login not completed
upstream-error-state = This login link has expired or was already used, or it was started in another browser. Please start again from the login page.
upstream-error-unreachable = The other service cannot be reached right now, or its answer could not be verified. Please try again later or log in with your password.
upstream-error-email-taken = An account with this email address already exists, and it is not linked to this login. If it is yours, log in to it another way (with its password or a passkey) and link this service under Linked logins in your account. Accounts are never joined by email address alone.
upstream-error-linked-elsewhere = This login at the other service is already linked to another account. Unlink it there first.
upstream-error-last-way-in = This is the only way left to log in to your account. Set a password or add a passkey before you unlink it.
upstream-error-stale = The other service did not confirm a fresh login as the application asked. Please log in again.
upstream-error-no-account = There is no account for this login, and this service does not create accounts by itself. Ask an administrator for an account.
upstream-error-unverified = The other service has not verified your email address, so no account can be created with it. Verify the address there and try again.
upstream-error-domain = Accounts cannot be created for email addresses of this domain.
upstream-error-no-email = The other service did not share an email address, so no account can be created.
upstream-error-disabled = This account is disabled.

signup-closed-title = Sign-up is closed
signup-closed-body = New accounts cannot be created here. Ask an administrator for an account, or log in with a service offered on the login page.
