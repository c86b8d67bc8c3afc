# Shared strings: brand, navigation, language switcher, flash messages,
# generic form text and the public landing page.

brand = Daemun

## Navigation

nav-label = Main
nav-skip-to-content = Skip to content
nav-login = Log in
nav-signup = Sign up
nav-logout = Log out

## Language switcher

lang-switch-label = Language

## Flash messages (set by the server after a redirect)

flash-verified = Your email address is verified. You can log in now.
flash-logged-out = You have been logged out.
flash-login-required = Please log in to see this page.
flash-welcome = Welcome back, { $name }.
flash-welcome-first = Welcome, { $name }.

## Generic form text

form-optional = (optional)
form-errors-summary = There is a problem. Check the fields marked below.

## Password rules, shown as a hint under new-password fields

password-rules-intro = Your password:
password-rule-length = must contain at least { $min } characters
password-rule-similar = can't be too similar to your other personal information
password-rule-common = can't be a commonly used password
password-rule-numeric = can't be entirely numeric

## Landing page

home-title = Welcome
home-heading = One account for your organisation's apps
home-intro = { $product } is the sign-in service your organisation's apps use. Create your account here once, then use it to log in wherever you see “Log in with { $product }”.
home-signed-in-as = You are logged in as
home-go-to-account = Go to your account
home-how-heading = How it works
home-point-one-title = One password
home-point-one-body = Log in to every connected app with the same account, instead of keeping a separate password for each.
home-point-two-title = Your password stays here
home-point-two-body = Apps send you here to log in. They receive a confirmation of who you are, never your password.
home-point-three-title = You stay in control
home-point-three-body = Review your profile and your active sessions, and change your email or password, from your account page.
