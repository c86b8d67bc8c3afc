# 계정 페이지: 회원가입, 이메일 인증, 로그인, 로그아웃, 내 계정.

## 회원가입

signup-title = 회원가입
signup-intro = 아래 정보를 입력해 { $product } 계정을 만드세요. 입력한 주소로 인증 메일을 보내 드립니다.
signup-email-label = 이메일 주소
signup-username-label = 아이디
signup-username-hint = 3~30자의 글자, 숫자와 . _ - 기호만 사용할 수 있습니다. 로그인할 때 이메일 대신 쓸 수 있습니다.
signup-name-label = 이름
signup-name-hint = 불리고 싶은 이름을 입력하세요. 로그인하는 앱에 이 이름이 표시됩니다.
signup-password-label = 비밀번호
signup-password-confirm-label = 비밀번호 확인
signup-submit = 가입하기
signup-have-account = 이미 계정이 있으신가요?
signup-login-link = 로그인

## 가입 후

page-check-email-title = 이메일을 확인해 주세요
signup-done-body = 입력하신 주소로 계정 활성화 링크를 보냈습니다.
signup-done-sent-to = 입력한 주소:
signup-done-next = 메일을 열고 링크를 눌러 가입을 완료해 주세요.
signup-done-help = 몇 분이 지나도 메일이 오지 않으면 스팸함을 확인하거나 인증 메일을 다시 요청해 주세요.
signup-done-login-link = 로그인 화면으로 돌아가기

## 이메일 인증

verify-confirm-title = 이메일 주소 인증
verify-confirm-body = 본인의 이메일 주소가 맞는지 확인하고 계정을 활성화하려면 가입할 때 정한 비밀번호를 입력하세요.
verify-confirm-password-label = 비밀번호
verify-confirm-submit = 이메일 인증하기
verify-confirm-wrong-password = 이 계정의 비밀번호가 아닙니다. 가입할 때 정한 비밀번호를 입력하세요.
verify-confirm-note = { $product }에 가입한 적이 없다면 다른 사람이 회원님의 주소를 사용했을 수 있습니다. 이 페이지를 닫거나, 새 비밀번호를 설정해 계정을 회원님의 것으로 만드세요.
verify-confirm-reset = 새 비밀번호 설정하기
verify-failed-title = 유효하지 않거나 만료된 링크입니다
verify-failed-body = 인증 링크는 한 번만, 정해진 시간 안에만 사용할 수 있습니다. 새 링크를 요청해 주세요.
verify-failed-already = 이미 인증을 마쳤다면 바로 로그인하면 됩니다.
verify-resend-link = 인증 메일 다시 받기
verify-resend-title = 인증 메일 다시 보내기
verify-resend-intro = 가입할 때 사용한 이메일 주소를 입력하시면 새 인증 링크를 보내 드립니다.
verify-resend-email-label = 이메일 주소
verify-resend-submit = 링크 보내기
verify-resend-sent = 인증이 필요한 계정의 주소라면 새 링크를 보냈습니다. 받은편지함을 확인해 주세요.
verify-resend-sent-help = 메일이 도착하기까지 몇 분 정도 걸릴 수 있습니다. 메일이 보이지 않으면 스팸함도 확인해 주세요.
verify-resend-back-to-login = 로그인 화면으로 돌아가기

## 로그인

login-title = 로그인
login-reauth-notice = 본인 확인을 위해 비밀번호를 다시 입력해 주세요.
login-identifier-label = 이메일 또는 아이디
login-password-label = 비밀번호
login-forgot-password = 비밀번호를 잊으셨나요?
login-remember-me = 로그인 상태 유지
login-submit = 로그인
login-no-account = 처음 오셨나요?
login-create-account = 회원가입

## 로그아웃

logout-title = 로그아웃할까요?
logout-signed-in-as = 현재 로그인한 계정:
logout-body = 이 브라우저에서 { $product } 계정이 로그아웃됩니다. { $product } 계정으로 로그인한 앱은 각 앱에서 따로 로그아웃할 때까지 로그인 상태가 유지될 수 있습니다.
logout-submit = 로그아웃
logout-cancel = 취소

## 내 계정

account-title = 내 계정
account-profile-heading = 프로필
account-name = 이름
account-email = 이메일 주소
account-email-verified = 인증됨
account-email-unverified = 인증 안 됨
account-username = 아이디
account-given-name = 이름(성 제외)
account-family-name = 성
account-member-since = 가입일
account-last-login = 마지막 로그인
account-groups = 그룹
account-manage-heading = 계정 관리
account-edit-profile = 프로필 수정
account-change-email = 이메일 주소 변경
account-change-password = 비밀번호 변경
account-sessions = 로그인 세션

## Logins through upstream providers
upstream-login-or = 또는
upstream-login-button = { $label } 계정으로 로그인
account-linked = 연결된 로그인

## /account/linked
linked-title = 연결된 로그인
linked-intro = 다음 서비스를 통해서도 { $product } 계정에 로그인할 수 있습니다. 각 로그인은 이메일 주소가 아니라 그 서비스의 계정에 연결됩니다.
linked-since = { $date }에 연결됨
linked-last-used = 마지막 사용 { $date }
linked-unlink = 연결 해제
linked-none = 계정에 연결된 다른 서비스 로그인이 없습니다.
linked-add-heading = 다른 로그인 연결
linked-add-intro = 다른 서비스에 로그인하면 그 로그인이 이 계정에 연결됩니다. 여기 로그인한 지 10분이 지났다면 먼저 다시 로그인해야 합니다.
linked-link = { $label } 연결
flash-upstream-linked = 연결했습니다. 이제 이 서비스로 로그인할 수 있습니다.
flash-upstream-already-linked = 이미 계정에 연결된 로그인입니다.
flash-upstream-unlinked = 연결을 해제했습니다. 이제 이 서비스로 로그인할 수 없습니다.
mail-factor-upstream-linked-subject = { $product } 계정에 다른 서비스 로그인이 연결되었습니다
mail-factor-upstream-linked-intro = 방금 { $product } 계정에 다른 서비스를 통한 로그인이 연결되었습니다. 이제 이 로그인으로 계정에 들어올 수 있습니다.
mail-factor-upstream-unlinked-subject = { $product } 계정에서 다른 서비스 로그인의 연결이 해제되었습니다
mail-factor-upstream-unlinked-intro = 방금 { $product } 계정에서 다른 서비스를 통한 로그인의 연결이 해제되었습니다. 이제 이 로그인으로 계정에 들어올 수 없습니다.
flash-upstream-denied = 다른 서비스에서 로그인이 취소되었거나 거부되었습니다. 다시 시도하거나 다른 방법으로 로그인하세요.
upstream-in-use-title = 이미 계정이 있는 주소입니다
upstream-in-use-intro = { $label }에서 { $email } 주소를 확인해 주었고, 이 주소를 쓰는 계정이 이미 있습니다. 주소가 같다는 이유만으로 { $label } 로그인을 그 계정에 연결하지 않습니다.
upstream-in-use-how = 본인의 계정이라면 비밀번호나 패스키로 로그인하세요. 그러면 { $label } 연결 여부를 묻고, 그 뒤로는 { $label }(으)로 로그인할 수 있습니다.
upstream-in-use-login = 로그인하고 연결
upstream-in-use-cancel = 로그인 페이지로 돌아가기
linked-confirm-title = { $label }을(를) 연결할까요?
linked-confirm-intro = 앞으로 { $label } 로그인({ $email })으로 이 계정({ $account })에 로그인하게 됩니다. ‘연결된 로그인’에서 연결을 해제할 수 있습니다.
flash-upstream-link-expired = 연결을 기다리는 로그인이 없습니다. 여기에서 연결하세요.
