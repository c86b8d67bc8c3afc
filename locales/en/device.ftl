## The device authorization grant: /device, where a person confirms a code a device shows.

device-title = Connect a device
device-entry-intro = Enter the code your TV, tool or other device shows.
device-code-label = Code from the device
device-continue = Continue
device-error-code = That code is not right, or it has expired or was already used. Check the code on the device; if it has expired, start again there.
device-confirm-intro = { $app } is asking to use your account on a device.
device-confirm-check = Only continue if this is the code on the device in front of you. If you did not start this, choose Deny: someone may be trying to use your account.
device-confirm-scopes = { $app } will be able to:
device-allow = Allow
device-deny = Deny
device-approved = The device is connected. You can go back to it now.
device-denied = The device was not connected. You can close this page.
