# 공통 문구: 브랜드, 내비게이션, 언어 선택, 알림 메시지,
# 일반 양식 문구와 첫 화면.

brand = 대문

## 내비게이션

nav-label = 주 메뉴
nav-skip-to-content = 본문으로 건너뛰기
nav-login = 로그인
nav-signup = 회원가입
nav-logout = 로그아웃

## 언어 선택

lang-switch-label = 언어

## 알림 메시지 (리디렉션 후 서버가 표시)

flash-verified = 이메일 인증이 완료되었습니다. 이제 로그인할 수 있습니다.
flash-logged-out = 로그아웃되었습니다.
flash-login-required = 이 페이지를 보려면 로그인해 주세요.
flash-welcome = { $name }님, 다시 오신 것을 환영합니다.
flash-welcome-first = { $name }님, 환영합니다.

## 일반 양식 문구

form-optional = (선택)
form-errors-summary = 입력한 내용에 문제가 있습니다. 아래 표시된 항목을 확인해 주세요.

## 비밀번호 규칙 (새 비밀번호 입력란 아래 안내)

password-rules-intro = 비밀번호 조건:
password-rule-length = { $min }자 이상이어야 합니다
password-rule-similar = 다른 개인 정보와 너무 비슷하면 안 됩니다
password-rule-common = 흔히 쓰이는 비밀번호는 사용할 수 없습니다
password-rule-numeric = 숫자로만 이루어질 수 없습니다

## 첫 화면

home-title = 환영합니다
home-heading = 조직의 모든 앱을 하나의 계정으로
home-intro = 이곳은 소속 조직의 앱들이 함께 사용하는 로그인 서비스 { $product }입니다. 여기에서 계정을 한 번 만들어 두면 ‘{ $product } 계정으로 로그인’이 보이는 곳 어디서나 그 계정으로 로그인할 수 있습니다.
home-signed-in-as = 현재 로그인한 계정:
home-go-to-account = 내 계정으로 가기
home-how-heading = 이렇게 사용합니다
home-point-one-title = 비밀번호는 하나로
home-point-one-body = 앱마다 비밀번호를 따로 만들 필요 없이, 연결된 모든 앱에 같은 계정으로 로그인합니다.
home-point-two-title = 비밀번호는 { $product }에만
home-point-two-body = 앱은 로그인이 필요할 때 이곳으로 안내합니다. 앱에는 본인 확인 결과만 전달되고 비밀번호는 전달되지 않습니다.
home-point-three-title = 내 계정은 내가 관리
home-point-three-body = 내 계정 페이지에서 프로필과 로그인 중인 세션을 확인하고, 이메일 주소나 비밀번호를 바꿀 수 있습니다.
