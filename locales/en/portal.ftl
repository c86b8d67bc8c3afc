# Account portal: profile, email, password, reset, sessions, export, deletion; and their mails.

## Navigation

portal-nav-label = Account pages
portal-nav-overview = Overview
portal-back = Back to your account
account-export-data = Download your data
account-delete-account = Delete account

## Profile

profile-title = Edit profile
profile-intro = This is how you appear to apps you log in to with { $product }.
profile-display-name-label = Display name
profile-given-name-label = Given name
profile-family-name-label = Family name
profile-username-label = Username
profile-locale-label = Preferred language
profile-locale-hint = Pages and emails use this language.
profile-locale-auto = Same as my browser
profile-submit = Save changes

## Email change

email-title = Change your email address
email-intro = We will send a confirmation link to the new address. Your current address stays in use until you follow that link.
email-current-label = Current address
email-new-label = New email address
email-password-label = Current password
email-password-hint = To protect your account, enter your password.
email-submit = Send confirmation link
email-sent-title = Check your new inbox
email-sent-body = If { $email } can be used, we have sent a confirmation link to it. Your email address changes only when you follow that link.
email-sent-note = Until then, keep using your current address to log in.
email-confirm-title = Confirm your new email address
email-confirm-body = Select the button below to move your account to this new address.
email-confirm-submit = Use this address
email-failed-title = This link is invalid or has expired
email-failed-body = Links to change an email address work only once, only for a limited time, and only the newest one. Nothing was changed.
email-failed-taken = This address now belongs to another account, so your email address was not changed.
email-failed-again = You can ask for a new link on your account page.

## Password change

password-title = Change your password
password-intro = After the change you stay logged in here, and every other session is logged out.
password-current-label = Current password
password-new-label = New password
password-confirm-label = Confirm new password
password-submit = Change password

## Password reset

reset-title = Reset your password
reset-intro = Enter the email address of your account. We will send you a link to choose a new password.
reset-email-label = Email address
reset-submit = Send reset link
reset-sent = If that email address is in our database, we will send you an email with a link to reset your password.
reset-sent-help = The email can take a few minutes to arrive. If you can't find it, check your spam folder.
reset-back-to-login = Back to login
reset-form-title = Choose a new password
reset-form-intro = After the change, every session of your account is logged out, and you can log in with the new password.
reset-form-submit = Set new password
reset-failed-title = This link is invalid or has expired
reset-failed-body = Reset links work only once, only for a limited time, and only the newest one you asked for. Nothing was changed.
reset-failed-again = Ask for a new link

## Sessions

sessions-title = Your sessions
sessions-intro = These are the browsers and devices where you are logged in to { $product }. If you don't recognise one, log it out and change your password.
sessions-this-device = This device
sessions-unknown-device = Unknown device
sessions-device = { $browser } on { $system }
sessions-ip = IP address
sessions-created = Logged in
sessions-last-seen = Last active
sessions-end = Log out this session
sessions-end-others = Log out all other sessions
sessions-none-others = You are not logged in anywhere else.

## Account deletion

delete-title = Delete your account
delete-intro = This deletes your { $product } account for good. It cannot be undone.
delete-what-heading = What happens
delete-what-profile = Your profile, email address and password are removed.
delete-what-sessions = You are logged out everywhere, and links we emailed you stop working.
delete-what-apps = Apps where you logged in with { $product } can no longer log you in. Data those apps keep themselves is not deleted.
delete-what-mail = We send a last email to confirm the deletion. A new account, even with the same address, is a different person to apps.
delete-password-label = Your password
delete-submit = Delete my account

## Data export

export-title = Download your data
export-intro = Get a copy of what { $product } keeps about you: your profile, your sessions and the security events of your account, as a JSON file.
export-submit = Download my data

## Messages after a change

flash-profile-saved = Your profile has been saved.
flash-email-changed = Your email address has been changed.
flash-password-changed = Your password has been changed. Every other session was logged out.
flash-password-reset = Your password has been reset. You can now log in with the new password.
flash-session-ended = The session has been logged out.
flash-sessions-ended = All other sessions have been logged out.
flash-account-deleted = Your account has been deleted. Goodbye!

## Form errors

error-email-same = This is already your email address.
error-password-wrong = The password is not correct.
error-locale-invalid = Choose one of the listed languages.

## Mail: password reset

mail-reset-subject = Reset your { $product } password
mail-reset-preheader = Use this link to choose a new password.
mail-reset-intro = We received a request to reset the password of your { $product } account.
mail-reset-open-link = Open this link to choose a new password:
mail-reset-button = Choose a new password
mail-reset-expiry =
    { $minutes ->
        [one] This link expires in { $minutes } minute and can be used only once.
       *[other] This link expires in { $minutes } minutes and can be used only once.
    }
mail-reset-ignore = If you did not ask for this, you can ignore this email. Your password stays as it is.

## Mail: confirm a new address

mail-email-change-subject = Confirm your new email address for { $product }
mail-email-change-preheader = Your account moves to this address once you confirm.
mail-email-change-intro = You asked to change the email address of your { $product } account to { $email }. Confirm that this address is yours.
mail-email-change-open-link = Open this link to confirm your new address:
mail-email-change-button = Confirm my new address
mail-email-change-expiry =
    { $hours ->
        [one] This link expires in { $hours } hour and can be used only once.
       *[other] This link expires in { $hours } hours and can be used only once.
    }
mail-email-change-ignore = If you did not ask for this, you can ignore this email. Nothing will change.

## Mail: notices

mail-not-you = If you did not do this, someone else may be using your account. Reset your password now:
mail-reset-my-password = Reset my password
mail-email-changed-subject = The email address of your { $product } account was changed
mail-email-changed-preheader = Your account now uses a new email address.
mail-email-changed-intro = The email address of your { $product } account was changed to { $email }.
mail-email-changed-login = From now on, log in with the new address. We will no longer send messages to this address.
mail-password-changed-subject = Your { $product } password was changed
mail-password-changed-preheader = Your account has a new password.
mail-password-changed-intro = The password of your { $product } account was just changed.
mail-password-changed-sessions = For your safety, the other sessions of your account were logged out.
mail-factors-removed-subject = The second factors of your { $product } account were removed
mail-factors-removed-preheader = Your password alone now logs you in.
mail-factors-removed-intro = An administrator removed the second factors of your { $product } account (authenticator app, passkeys and recovery codes), for example because you lost them.
mail-factors-removed-next = Until you set up a second factor again, your password alone logs you in.
mail-account-deleted-subject = Your { $product } account has been deleted
mail-account-deleted-preheader = This is the last email we send to you.
mail-account-deleted-intro = Your { $product } account has been deleted, as you asked. Your profile, sessions and pending links were removed.
mail-account-deleted-apps = Apps can no longer log you in with this account.
mail-account-deleted-come-back = If you want to come back, you can create a new account at any time:
mail-account-deleted-signup-button = Create an account
mail-account-deleted-not-you = If you did not ask for this, please contact the operator of this service.
mail-username-changed-subject = The username of your { $product } account was changed
mail-username-changed-preheader = Your account's login name changed.
mail-username-changed-intro = The username of your { $product } account is now { $username }. You can log in with it or with your email address.
mail-username-removed-intro = The username of your { $product } account was removed. Log in with your email address from now on.

## Mail: login lock-out

mail-login-lockout-subject = Several failed attempts to log in to your { $product } account
mail-login-lockout-preheader = Logging in to your account is paused for a while.
mail-login-lockout-intro = Someone entered a wrong password for your { $product } account several times in a row. To protect the account, further attempts must wait a little longer each time.
mail-login-lockout-you = If this was you, wait a few minutes and try again, or set a new password with the button below; that also ends the wait.
mail-login-lockout-not-you = If this was not you, your password was not revealed and nobody logged in. To be safe, choose a new password that you use nowhere else:

password-set-title = Set a password
password-set-intro = Your account has no password yet: you log in through another service. With a password you can also log in here directly.
password-set-submit = Set password
flash-password-set = Your password has been set. You can now log in with it too.
account-set-password = Set a password
security-no-password = Your account has no password yet: you log in through another service. Adding an authenticator app or a passkey asks for your password, so set one first.
