# Emails. Links are inserted by the templates, not by these messages.

mail-greeting = Hello { $name },
# For mail to an address not proven yet, which must not carry a name someone typed.
mail-greeting-neutral = Hello,
mail-link-fallback = If the button doesn't work, copy this link into your browser:
mail-footer-automated = This is an automated message from { $product }. Replies to this address are not read.

## Email verification

mail-verify-subject = Verify your email address for { $product }
mail-verify-preheader = Confirm your address to finish creating your { $product } account.
mail-verify-intro = Thanks for signing up for { $product }. To finish creating your account, confirm that this is your email address.
mail-verify-open-link = Open this link to verify your email address:
mail-verify-button = Verify my email address
mail-verify-expiry =
    { $hours ->
        [one] This link expires in { $hours } hour and can be used only once.
       *[other] This link expires in { $hours } hours and can be used only once.
    }
mail-verify-ignore = If you did not sign up, you can ignore this email.

## Sign-up attempt on an address that already has an account

mail-signup-attempt-subject = Someone tried to sign up to { $product } with your email address
mail-signup-attempt-preheader = Your account is unchanged. No new account was created.
mail-signup-attempt-intro = Someone tried to create a new { $product } account with this email address. You already have an account with this address, so no new account was created.
mail-signup-attempt-if-you-login = If this was you, you can log in with your existing account:
mail-signup-attempt-login-button = Log in
mail-signup-attempt-if-you-reset = If you have forgotten your password, you can reset it here:
mail-signup-attempt-if-not = If this wasn't you, you can ignore this message. Your account is unchanged.
