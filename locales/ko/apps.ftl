apps-title = 연결된 앱
apps-intro = 다음 애플리케이션이 회원님의 { $product } 계정을 사용할 수 있습니다. 접근 권한을 해제하면 해당 애플리케이션에서 로그아웃되고, 다시 사용하려면 허용을 새로 받아야 합니다.
apps-since = { $date }부터 허용됨
apps-remove = 접근 권한 해제
apps-none = 아직 허용한 애플리케이션이 없습니다.
account-apps = 연결된 앱
flash-app-removed = 접근 권한을 해제했습니다. 이제 해당 애플리케이션은 회원님의 계정을 사용할 수 없습니다.
