## 2단계 인증: 로그인의 두 번째 단계, /account/security, 복구 코드, 관련 메일.

account-security = 2단계 인증

second-factor-title = 2단계 인증
second-factor-totp-intro = 인증 앱을 열고 이 계정에 표시된 6자리 코드를 입력해 주세요.
second-factor-totp-label = 인증 앱의 코드
second-factor-submit = 계속
second-factor-recovery-summary = 복구 코드 사용하기
second-factor-recovery-intro = 휴대폰을 잃어버리셨나요? 저장해 둔 복구 코드 중 하나를 입력해 주세요. 코드마다 한 번만 쓸 수 있습니다.
second-factor-recovery-label = 복구 코드
second-factor-recovery-submit = 복구 코드로 로그인
second-factor-error-totp = 코드가 맞지 않거나 이미 사용된 코드입니다. 다음 코드가 나오면 다시 입력해 주세요.
second-factor-error-recovery = 복구 코드가 맞지 않거나 이미 사용된 코드입니다.
second-factor-lost = 본인 확인 수단을 모두 잃어버리셨나요? 관리자가 2단계 인증 수단을 삭제해 드릴 수 있습니다.
second-factor-start-over = 처음부터 다시
flash-login-start-over = 로그인 시간이 초과되었거나 다른 곳에서 완료되었습니다. 다시 로그인해 주세요.
flash-recovery-code-used = 복구 코드로 로그인했습니다. { $count ->
    [0] 남은 복구 코드가 없습니다. 지금 2단계 인증에서 새 코드를 만들어 주세요.
   *[other] 남은 복구 코드는 { $count }개입니다.
}

security-title = 2단계 인증
security-intro = 2단계 인증을 켜면 비밀번호만으로는 로그인할 수 없고, 휴대폰 앱의 코드도 입력해야 합니다. 누군가 비밀번호를 알아내더라도 로그인할 수 없습니다.

totp-heading = 인증 앱
totp-badge-on = 사용 중
totp-off-intro = Google Authenticator, Microsoft Authenticator, 1Password, Aegis 같은 인증 앱을 사용하세요. 시작하려면 비밀번호를 입력해 주세요.
totp-start = 인증 앱 설정하기
totp-setup-scan = 인증 앱으로 이 QR 코드를 스캔하세요.
totp-qr-alt = 인증 앱 설정용 QR 코드
totp-setup-open-app = 이 휴대폰에서 보고 계신가요? 인증 앱에서 키 열기
totp-setup-type = 스캔할 수 없나요? 대신 이 키를 앱에 입력하세요.
totp-setup-code = 앱에 표시된 6자리 코드를 입력하세요
totp-confirm = 2단계 인증 켜기
totp-cancel = 설정 취소
totp-error-code = 코드가 맞지 않습니다. 앱에 이 계정이 표시되는지, 휴대폰 시계가 정확한지 확인한 다음 가장 최근 코드를 입력해 주세요.
totp-on-since = { $date }부터 인증 앱으로 로그인을 보호하고 있습니다.
totp-remove-summary = 2단계 인증 끄기
totp-remove-warning = 인증 앱과 복구 코드가 삭제되고, 이후에는 비밀번호만으로 로그인됩니다.
totp-remove = 2단계 인증 끄기
flash-totp-on = 2단계 인증을 켰습니다. 이제 로그인할 때 앱의 코드도 입력합니다.
flash-totp-already-on = 이 계정에는 이미 인증 앱이 설정되어 있습니다.
flash-totp-start-again = 설정을 처음부터 다시 시작해 주세요.
flash-totp-cancelled = 설정을 취소했습니다. 바뀐 것은 없습니다.
flash-totp-off = 2단계 인증이 꺼져 있습니다.
flash-totp-removed = 2단계 인증을 껐습니다. 인증 앱과 복구 코드를 삭제했습니다.

recovery-heading = 복구 코드
recovery-left = 복구 코드 { $total }개 중 { $count }개가 남아 있습니다.
recovery-running-low = 복구 코드가 얼마 남지 않았습니다. 새 코드를 만들어 안전한 곳에 보관하세요.
recovery-renew = 새 복구 코드 만들기
recovery-codes-title = 복구 코드
recovery-codes-intro = 휴대폰을 잃어버리면 앱의 코드 대신 이 코드로 한 번씩 로그인할 수 있습니다. 휴대폰과 떨어진 안전한 곳에 보관하세요. 인쇄하거나 비밀번호 관리자에 저장해 두면 좋습니다.
recovery-codes-once = 이 코드는 지금 한 번만 보여 드립니다. 나중에 새 코드를 만들면 이 코드는 더 이상 쓸 수 없습니다.
recovery-codes-download = 텍스트 파일로 내려받기
recovery-codes-done = 코드를 저장했습니다
recovery-download-heading = { $product } 계정의 복구 코드입니다. 코드마다 한 번만 쓸 수 있습니다.
flash-recovery-renewed = 새 복구 코드를 만들었습니다. 이전 코드는 더 이상 쓸 수 없습니다.
flash-recovery-needs-factor = 복구 코드는 인증 앱과 함께 씁니다. 먼저 인증 앱을 설정해 주세요.

mail-factor-manage = 아래 보안 페이지에서 계정 보호 설정을 확인하고 바꿀 수 있습니다.
mail-factor-totp-added-subject = { $product } 계정에 2단계 인증이 켜졌습니다
mail-factor-totp-added-intro = 방금 { $product } 계정에 인증 앱이 설정되었습니다. 이제 로그인할 때 비밀번호와 함께 앱의 코드도 입력해야 합니다.
mail-factor-totp-removed-subject = { $product } 계정의 2단계 인증이 꺼졌습니다
mail-factor-totp-removed-intro = 방금 { $product } 계정의 인증 앱이 삭제되었습니다. 패스키가 없다면 이제 비밀번호만으로 로그인되며, 복구 코드도 함께 삭제되었습니다.
mail-factor-recovery-renewed-subject = { $product } 계정의 새 복구 코드가 만들어졌습니다
mail-factor-recovery-renewed-intro = 방금 { $product } 계정의 복구 코드를 새로 만들었습니다. 이전 코드는 더 이상 쓸 수 없습니다.
mail-factor-recovery-used-subject = 복구 코드로 { $product } 계정에 로그인했습니다
mail-factor-recovery-used-intro = 방금 누군가 복구 코드로 { $product } 계정에 로그인했습니다. { $count ->
    [0] 남은 복구 코드가 없으니 곧 새 코드를 만들어 주세요.
   *[other] 남은 복구 코드는 { $count }개입니다.
}
mail-factor-code-lockout-subject = 누군가 { $product } 계정의 비밀번호를 알고 있습니다
mail-factor-code-lockout-intro = 누군가 { $product } 계정의 비밀번호를 맞게 입력한 뒤, 2단계 인증 코드를 여러 번 틀렸습니다. 2단계 인증이 로그인을 막았지만 비밀번호가 다른 사람에게 알려진 상태입니다. 다른 곳에서 쓰지 않는 새 비밀번호로 바꿔 주세요.
flash-admin-needs-factor = 관리자는 무언가를 바꾸기 전에 2단계 인증으로 로그인을 보호해야 합니다. 인증 앱을 설정한 다음 관리 콘솔로 돌아가세요.
flash-factor-required = 2단계 인증이 필요합니다. 계속하려면 인증 앱을 설정해 주세요.
