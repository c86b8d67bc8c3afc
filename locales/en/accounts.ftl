# Account pages: sign-up, email verification, login, logout, account overview.

## Sign-up

signup-title = Create your account
signup-intro = Fill in your details to create a { $product } account. We will send you an email to confirm your address.
signup-email-label = Email address
signup-username-label = Username
signup-username-hint = 3 to 30 characters: letters, digits, and . _ - only. You can use it instead of your email to log in.
signup-name-label = Name
signup-name-hint = How you want to be addressed. Apps you log in to will see this name.
signup-password-label = Password
signup-password-confirm-label = Confirm password
signup-submit = Create account
signup-have-account = Already have an account?
signup-login-link = Log in

## After sign-up

page-check-email-title = Check your email
signup-done-body = A link to activate your account has been emailed to the address provided.
signup-done-sent-to = Address entered:
signup-done-next = Open the email and follow the link to finish creating your account.
signup-done-help = If it doesn't arrive in a few minutes, check your spam folder or request a new one.
signup-done-login-link = Back to login

## Email verification

verify-confirm-title = Confirm your email address
verify-confirm-body = Enter the password you chose at sign-up to confirm this is your email address and activate your account.
verify-confirm-password-label = Password
verify-confirm-submit = Verify my email
verify-confirm-wrong-password = That is not the password of this account. Enter the one chosen at sign-up.
verify-confirm-note = If you did not sign up for { $product }, someone else may have used your address: close this page, or make the account yours by setting a new password.
verify-confirm-reset = Set a new password
verify-failed-title = This link is invalid or has expired
verify-failed-body = Verification links work only once and only for a limited time. You can ask for a new one.
verify-failed-already = If you have already verified your address, you can simply log in.
verify-resend-link = Send a new verification email
verify-resend-title = Resend the verification email
verify-resend-intro = Enter the email address you signed up with, and we will send you a new verification link.
verify-resend-email-label = Email address
verify-resend-submit = Send link
verify-resend-sent = If an account with that address needs verification, we have sent a new link. Check your inbox.
verify-resend-sent-help = The email can take a few minutes to arrive. If you can't find it, check your spam folder.
verify-resend-back-to-login = Back to login

## Login

login-title = Log in
login-reauth-notice = Please confirm it's you by entering your password again.
login-identifier-label = Email or username
login-password-label = Password
login-forgot-password = Forgot your password?
login-remember-me = Remember me
login-submit = Log in
login-no-account = New here?
login-create-account = Create an account

## Logout

logout-title = Log out?
logout-signed-in-as = You are logged in as
logout-body = You will be logged out of { $product } in this browser. Apps you logged in to with { $product } may keep you logged in until you log out of them too.
logout-submit = Log out
logout-cancel = Cancel

## Account overview

account-title = Your account
account-profile-heading = Profile
account-name = Name
account-email = Email address
account-email-verified = Verified
account-email-unverified = Not verified
account-username = Username
account-given-name = Given name
account-family-name = Family name
account-member-since = Member since
account-last-login = Last login
account-groups = Groups
account-manage-heading = Manage your account
account-edit-profile = Edit profile
account-change-email = Change email address
account-change-password = Change password
account-sessions = Sessions

## Logins through upstream providers
upstream-login-or = or
upstream-login-button = Log in with { $label }
account-linked = Linked logins

## /account/linked
linked-title = Linked logins
linked-intro = You can log in to your { $product } account through these services too. Each is tied to your account at that service, never to an email address.
linked-since = Linked on { $date }
linked-last-used = last used { $date }
linked-unlink = Unlink
linked-none = No login through another service is linked to your account.
linked-add-heading = Link another login
linked-add-intro = You log in at the other service, and it is linked to this account. If your login here is more than ten minutes old, you are asked to log in here again first.
linked-link = Link { $label }
flash-upstream-linked = Linked. You can now log in with it.
flash-upstream-already-linked = That login was already linked to your account.
flash-upstream-unlinked = Unlinked. It can no longer log you in.
mail-factor-upstream-linked-subject = A login through another service was linked to your { $product } account
mail-factor-upstream-linked-intro = A login through another service was just linked to your { $product } account. It can log you in from now on.
mail-factor-upstream-unlinked-subject = A login through another service was unlinked from your { $product } account
mail-factor-upstream-unlinked-intro = A login through another service was just unlinked from your { $product } account. It can no longer log you in.
flash-upstream-denied = The login was cancelled or refused at the other service. You can try again or log in another way.
upstream-in-use-title = This address already has an account
upstream-in-use-intro = { $label } vouches for { $email }, and an account here already uses that address. It is not joined to your { $label } login by the address alone.
upstream-in-use-how = If the account is yours, log in to it with its password or a passkey; you are then asked to link { $label }, and can log in with it from then on.
upstream-in-use-login = Log in to link
upstream-in-use-cancel = Back to the login page
linked-confirm-title = Link { $label }?
linked-confirm-intro = Your { $label } login ({ $email }) will log you in to this account ({ $account }) from now on. You can unlink it under Linked logins.
flash-upstream-link-expired = That login is no longer waiting to be linked. Link it from here instead.
