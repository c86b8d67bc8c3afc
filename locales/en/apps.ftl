apps-title = Connected apps
apps-intro = These applications can use your { $product } account. Removing access signs you out of the application and it must ask you again.
apps-since = Allowed since { $date }
apps-remove = Remove access
apps-none = You have not allowed any application yet.
account-apps = Connected apps
flash-app-removed = Access removed. The application can no longer use your account.
