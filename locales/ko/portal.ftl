# 계정 관리: 프로필, 이메일, 비밀번호, 재설정, 세션, 내보내기, 탈퇴와 관련 메일.

## 탐색

portal-nav-label = 계정 메뉴
portal-nav-overview = 개요
portal-back = 내 계정으로 돌아가기
account-export-data = 내 데이터 내려받기
account-delete-account = 계정 삭제

## 프로필

profile-title = 프로필 수정
profile-intro = { $product } 계정으로 로그인하는 앱에 이렇게 표시됩니다.
profile-display-name-label = 표시 이름
profile-given-name-label = 이름
profile-family-name-label = 성
profile-username-label = 사용자 이름
profile-locale-label = 선호 언어
profile-locale-hint = 페이지와 이메일이 이 언어로 표시됩니다.
profile-locale-auto = 브라우저 설정을 따름
profile-submit = 변경 사항 저장

## 이메일 변경

email-title = 이메일 주소 변경
email-intro = 새 주소로 확인 링크를 보내 드립니다. 그 링크를 열기 전까지는 지금 주소가 그대로 사용됩니다.
email-current-label = 현재 주소
email-new-label = 새 이메일 주소
email-password-label = 현재 비밀번호
email-password-hint = 계정 보호를 위해 비밀번호를 입력해 주세요.
email-submit = 확인 링크 보내기
email-sent-title = 새 메일함을 확인해 주세요
email-sent-body = { $email } 주소를 사용할 수 있다면 이 주소로 확인 링크를 보냈습니다. 이메일 주소는 그 링크를 열어야 바뀝니다.
email-sent-note = 그때까지는 지금 주소로 로그인하세요.
email-confirm-title = 새 이메일 주소 확인
email-confirm-body = 아래 버튼을 누르면 계정의 이메일 주소가 이 새 주소로 바뀝니다.
email-confirm-submit = 이 주소 사용하기
email-failed-title = 유효하지 않거나 만료된 링크입니다
email-failed-body = 이메일 변경 링크는 한 번만, 정해진 시간 안에만, 그리고 가장 최근에 받은 링크만 사용할 수 있습니다. 아무것도 바뀌지 않았습니다.
email-failed-taken = 이 주소는 이미 다른 계정에서 사용하고 있어 이메일 주소를 바꾸지 않았습니다.
email-failed-again = 계정 페이지에서 새 링크를 요청할 수 있습니다.

## 비밀번호 변경

password-title = 비밀번호 변경
password-intro = 변경한 뒤에도 이 브라우저에서는 로그인 상태가 유지되며, 다른 모든 세션은 로그아웃됩니다.
password-current-label = 현재 비밀번호
password-new-label = 새 비밀번호
password-confirm-label = 새 비밀번호 확인
password-submit = 비밀번호 변경

## 비밀번호 재설정

reset-title = 비밀번호 재설정
reset-intro = 계정의 이메일 주소를 입력해 주세요. 새 비밀번호를 정할 수 있는 링크를 보내 드립니다.
reset-email-label = 이메일 주소
reset-submit = 재설정 링크 보내기
reset-sent = 입력하신 주소로 가입된 계정이 있다면 비밀번호 재설정 링크를 이메일로 보내 드렸습니다.
reset-sent-help = 메일이 도착하기까지 몇 분 걸릴 수 있습니다. 보이지 않으면 스팸함도 확인해 주세요.
reset-back-to-login = 로그인으로 돌아가기
reset-form-title = 새 비밀번호 정하기
reset-form-intro = 변경하면 계정의 모든 세션이 로그아웃되며, 새 비밀번호로 다시 로그인하실 수 있습니다.
reset-form-submit = 새 비밀번호 저장
reset-failed-title = 유효하지 않거나 만료된 링크입니다
reset-failed-body = 재설정 링크는 한 번만, 정해진 시간 안에만, 그리고 가장 최근에 요청한 링크만 사용할 수 있습니다. 아무것도 바뀌지 않았습니다.
reset-failed-again = 새 링크 요청하기

## 세션

sessions-title = 로그인된 세션
sessions-intro = { $product } 계정으로 로그인되어 있는 브라우저와 기기 목록입니다. 모르는 항목이 있다면 로그아웃시킨 뒤 비밀번호를 바꿔 주세요.
sessions-this-device = 이 기기
sessions-unknown-device = 알 수 없는 기기
sessions-device = { $system }의 { $browser }
sessions-ip = IP 주소
sessions-created = 로그인 시각
sessions-last-seen = 마지막 활동
sessions-end = 이 세션 로그아웃
sessions-end-others = 다른 모든 세션 로그아웃
sessions-none-others = 다른 곳에는 로그인되어 있지 않습니다.

## 계정 삭제

delete-title = 계정 삭제
delete-intro = { $product } 계정을 영구히 삭제합니다. 삭제한 뒤에는 되돌릴 수 없습니다.
delete-what-heading = 삭제하면 이렇게 됩니다
delete-what-profile = 프로필, 이메일 주소, 비밀번호가 삭제됩니다.
delete-what-sessions = 모든 곳에서 로그아웃되며, 이메일로 보내 드린 링크도 더 이상 작동하지 않습니다.
delete-what-apps = { $product } 계정으로 로그인하던 앱에 더 이상 이 계정으로 로그인할 수 없습니다. 각 앱이 따로 보관하는 데이터는 삭제되지 않습니다.
delete-what-mail = 삭제를 알리는 마지막 메일을 보내 드립니다. 같은 주소로 새로 가입하더라도 앱에서는 다른 사람으로 취급됩니다.
delete-password-label = 비밀번호
delete-submit = 계정 삭제하기

## 데이터 내보내기

export-title = 내 데이터 내려받기
export-intro = { $product }에서 보관하고 있는 회원님의 정보(프로필, 세션, 계정 보안 기록)를 JSON 파일로 내려받을 수 있습니다.
export-submit = 내 데이터 내려받기

## 변경 후 알림

flash-profile-saved = 프로필을 저장했습니다.
flash-email-changed = 이메일 주소를 변경했습니다.
flash-password-changed = 비밀번호를 변경했습니다. 다른 모든 세션은 로그아웃되었습니다.
flash-password-reset = 비밀번호를 재설정했습니다. 이제 새 비밀번호로 로그인하실 수 있습니다.
flash-session-ended = 세션을 로그아웃했습니다.
flash-sessions-ended = 다른 모든 세션을 로그아웃했습니다.
flash-account-deleted = 계정이 삭제되었습니다. 그동안 이용해 주셔서 감사합니다.

## 입력 오류

error-email-same = 이미 사용 중인 이메일 주소입니다.
error-password-wrong = 비밀번호가 올바르지 않습니다.
error-locale-invalid = 목록에 있는 언어 중에서 선택해 주세요.

## 메일: 비밀번호 재설정

mail-reset-subject = { $product } 비밀번호 재설정 안내
mail-reset-preheader = 이 링크에서 새 비밀번호를 정하실 수 있습니다.
mail-reset-intro = { $product } 계정의 비밀번호 재설정 요청을 받았습니다.
mail-reset-open-link = 아래 링크를 열어 새 비밀번호를 정하세요.
mail-reset-button = 새 비밀번호 정하기
mail-reset-expiry = 이 링크는 { $minutes }분 후에 만료되며, 한 번만 사용할 수 있습니다.
mail-reset-ignore = 요청한 적이 없다면 이 메일은 무시하셔도 됩니다. 비밀번호는 바뀌지 않습니다.

## 메일: 새 주소 확인

mail-email-change-subject = { $product } 새 이메일 주소를 확인해 주세요
mail-email-change-preheader = 확인하시면 계정이 이 주소로 바뀝니다.
mail-email-change-intro = { $product } 계정의 이메일 주소를 { $email }(으)로 바꾸도록 요청하셨습니다. 본인의 주소가 맞는지 확인해 주세요.
mail-email-change-open-link = 아래 링크를 열어 새 주소를 확인하세요.
mail-email-change-button = 새 주소 확인하기
mail-email-change-expiry = 이 링크는 { $hours }시간 후에 만료되며, 한 번만 사용할 수 있습니다.
mail-email-change-ignore = 요청한 적이 없다면 이 메일은 무시하셔도 됩니다. 아무것도 바뀌지 않습니다.

## 메일: 변경 알림

mail-not-you = 본인이 한 일이 아니라면 다른 사람이 계정을 사용하고 있을 수 있습니다. 지금 비밀번호를 재설정해 주세요.
mail-reset-my-password = 비밀번호 재설정하기
mail-email-changed-subject = { $product } 계정의 이메일 주소가 변경되었습니다
mail-email-changed-preheader = 계정이 이제 새 이메일 주소를 사용합니다.
mail-email-changed-intro = { $product } 계정의 이메일 주소가 { $email }(으)로 변경되었습니다.
mail-email-changed-login = 앞으로는 새 주소로 로그인해 주세요. 이 주소로는 더 이상 메일을 보내지 않습니다.
mail-password-changed-subject = { $product } 비밀번호가 변경되었습니다
mail-password-changed-preheader = 계정의 비밀번호가 새로 설정되었습니다.
mail-password-changed-intro = 방금 { $product } 계정의 비밀번호가 변경되었습니다.
mail-password-changed-sessions = 안전을 위해 계정의 다른 세션은 모두 로그아웃되었습니다.
mail-factors-removed-subject = { $product } 계정의 2단계 인증 수단이 삭제되었습니다
mail-factors-removed-preheader = 이제 비밀번호만으로 로그인됩니다.
mail-factors-removed-intro = 관리자가 { $product } 계정의 2단계 인증 수단(인증 앱, 패스키와 복구 코드)을 삭제했습니다. 인증 수단을 모두 잃어버렸을 때 하는 조치입니다.
mail-factors-removed-next = 2단계 인증을 다시 설정할 때까지는 비밀번호만으로 로그인됩니다.
mail-account-deleted-subject = { $product } 계정이 삭제되었습니다
mail-account-deleted-preheader = 회원님께 보내 드리는 마지막 메일입니다.
mail-account-deleted-intro = 요청하신 대로 { $product } 계정을 삭제했습니다. 프로필, 세션, 아직 사용하지 않은 링크가 모두 삭제되었습니다.
mail-account-deleted-apps = 이제 이 계정으로는 앱에 로그인할 수 없습니다.
mail-account-deleted-come-back = 다시 이용하고 싶으시면 언제든지 새 계정을 만드실 수 있습니다.
mail-account-deleted-signup-button = 계정 만들기
mail-account-deleted-not-you = 요청한 적이 없다면 이 서비스의 운영자에게 문의해 주세요.
mail-username-changed-subject = { $product } 계정의 사용자 이름이 변경되었습니다
mail-username-changed-preheader = 계정의 로그인 이름이 바뀌었습니다.
mail-username-changed-intro = { $product } 계정의 사용자 이름이 이제 { $username }입니다. 이 이름이나 이메일 주소로 로그인하실 수 있습니다.
mail-username-removed-intro = { $product } 계정의 사용자 이름이 삭제되었습니다. 앞으로는 이메일 주소로 로그인해 주세요.

## Mail: login lock-out

mail-login-lockout-subject = { $product } 계정에 로그인하려는 시도가 여러 번 실패했습니다
mail-login-lockout-preheader = 계정 로그인이 잠시 멈추었습니다.
mail-login-lockout-intro = 누군가 { $product } 계정의 비밀번호를 여러 번 연속으로 틀리게 입력했습니다. 계정을 보호하기 위해 다음 시도는 매번 조금씩 더 기다려야 합니다.
mail-login-lockout-you = 본인이 시도하셨다면 몇 분 후에 다시 시도하시거나, 아래 버튼으로 새 비밀번호를 설정해 주세요. 새 비밀번호를 설정하면 바로 로그인하실 수 있습니다.
mail-login-lockout-not-you = 본인이 시도한 것이 아니라면, 비밀번호가 노출되지 않았고 아무도 로그인하지 못했습니다. 안전을 위해 다른 곳에서 쓰지 않는 새 비밀번호로 바꾸시기를 권합니다.

password-set-title = 비밀번호 설정
password-set-intro = 이 계정에는 아직 비밀번호가 없어 다른 서비스를 통해 로그인합니다. 비밀번호를 설정하면 여기에서 바로 로그인할 수도 있습니다.
password-set-submit = 비밀번호 설정
flash-password-set = 비밀번호를 설정했습니다. 이제 이 비밀번호로도 로그인할 수 있습니다.
account-set-password = 비밀번호 설정
security-no-password = 이 계정에는 아직 비밀번호가 없어 다른 서비스를 통해 로그인합니다. 인증 앱이나 패스키를 추가하려면 비밀번호가 필요하니 먼저 비밀번호를 설정하세요.
