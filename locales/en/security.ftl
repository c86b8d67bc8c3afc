## Second factors: the login's second step, /account/security, recovery codes, their mails.

account-security = Two-step login

second-factor-title = Two-step login
second-factor-totp-intro = Open your authenticator app and enter the 6-digit code it shows for this account.
second-factor-totp-label = Code from your authenticator app
second-factor-submit = Continue
second-factor-recovery-summary = Use a recovery code instead
second-factor-recovery-intro = Lost your phone? Enter one of the recovery codes you saved. Each code works once.
second-factor-recovery-label = Recovery code
second-factor-recovery-submit = Log in with a recovery code
second-factor-error-totp = That code is not right, or was already used. Wait for the next code and try again.
second-factor-error-recovery = That recovery code is not right or was already used.
second-factor-lost = Lost every way to prove it's you? Your administrator can remove your second factors.
second-factor-start-over = Start again
flash-login-start-over = Your login took too long or was finished elsewhere. Please log in again.
flash-recovery-code-used = You logged in with a recovery code. { $count ->
    [0] You have no recovery codes left: make new ones under Two-step login now.
    [one] You have one recovery code left: make new ones under Two-step login soon.
   *[other] You have { $count } recovery codes left.
}

security-title = Two-step login
security-intro = With two-step login, your password alone is not enough: logging in also needs a code from an app on your phone. Someone who learns your password still cannot get in.

totp-heading = Authenticator app
totp-badge-on = On
totp-off-intro = Use an authenticator app such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis. Enter your password to begin.
totp-start = Set up an authenticator app
totp-setup-scan = Scan this QR code with your authenticator app.
totp-qr-alt = QR code for setting up your authenticator app
totp-setup-open-app = On this phone? Open the key in your authenticator app
totp-setup-type = Can't scan it? Type this key into the app instead:
totp-setup-code = Enter the 6-digit code the app now shows
totp-confirm = Turn on two-step login
totp-cancel = Cancel set-up
totp-error-code = That code is not right. Check that the app shows this account and that your phone's clock is correct, then enter the newest code.
totp-on-since = Your authenticator app has been protecting your logins since { $date }.
totp-remove-summary = Turn off two-step login
totp-remove-warning = This removes the authenticator app and your recovery codes. Your password alone will then log you in.
totp-remove = Turn off two-step login
flash-totp-on = Two-step login is on. From now on, logging in asks for a code from your app.
flash-totp-already-on = An authenticator app is already set up for your account.
flash-totp-start-again = Please start the set-up again.
flash-totp-cancelled = Set-up cancelled. Nothing was changed.
flash-totp-off = Two-step login is off.
flash-totp-removed = Two-step login is off: the authenticator app and the recovery codes were removed.

recovery-heading = Recovery codes
recovery-left = { $count ->
    [one] One of your { $total } recovery codes is unused.
   *[other] { $count } of your { $total } recovery codes are unused.
}
recovery-running-low = You are running out of recovery codes. Make new ones and keep them somewhere safe.
recovery-renew = Make new recovery codes
recovery-codes-title = Your recovery codes
recovery-codes-intro = If you lose your phone, each of these codes lets you log in once instead of a code from the app. Keep them somewhere safe, away from your phone: print them, or store them in your password manager.
recovery-codes-once = These codes are shown only now. Making new codes later makes these stop working.
recovery-codes-download = Download as a text file
recovery-codes-done = I have saved my codes
recovery-download-heading = Recovery codes for your { $product } account. Each works once.
flash-recovery-renewed = New recovery codes are ready; the old ones no longer work.
flash-recovery-needs-factor = Recovery codes come with an authenticator app: set one up first.

mail-factor-manage = You can see and change how your account is protected on its security page:
mail-factor-totp-added-subject = Two-step login is on for your { $product } account
mail-factor-totp-added-intro = An authenticator app was just set up for your { $product } account. From now on, logging in needs a code from it as well as your password.
mail-factor-totp-removed-subject = Two-step login was turned off for your { $product } account
mail-factor-totp-removed-intro = The authenticator app of your { $product } account was just removed. Unless you have a passkey, your password alone now logs you in (and the recovery codes went with the app).
mail-factor-recovery-renewed-subject = New recovery codes for your { $product } account
mail-factor-recovery-renewed-intro = New recovery codes were just made for your { $product } account. The old ones no longer work.
mail-factor-recovery-used-subject = A recovery code was used to log in to your { $product } account
mail-factor-recovery-used-intro = Someone just logged in to your { $product } account with a recovery code. { $count ->
    [0] No recovery codes are left: make new ones soon.
    [one] One recovery code is left.
   *[other] { $count } recovery codes are left.
}
mail-factor-code-lockout-subject = Someone knows your { $product } password
mail-factor-code-lockout-intro = Someone entered the right password for your { $product } account, then several wrong codes for the second step. Your two-step login stopped them, but your password is known to someone else: choose a new one that you use nowhere else.
flash-admin-needs-factor = Administrators must protect their login with two-step login before changing anything. Set up an authenticator app, then go back to the admin console.
flash-factor-required = Two-step login is required here. Set up an authenticator app to continue.
