# 관리 콘솔: 사용자, 애플리케이션, 서명 키, 감사 기록, 메일 발송함.

nav-admin = 관리
admin-title = 관리
admin-intro = 계정, 애플리케이션, 서명 키와 메일을 관리합니다. 여기서 하는 모든 작업은 감사 기록에 남습니다.
admin-nav-label = 관리 메뉴
admin-nav-overview = 개요
admin-nav-users = 사용자
admin-nav-clients = 애플리케이션
admin-nav-keys = 서명 키
admin-nav-audit = 감사 기록
admin-nav-outbox = 메일 발송함
admin-overview-users = 계정 { $count }개
admin-overview-clients = 애플리케이션 { $count }개
admin-overview-outbox = 메일 발송함: 대기 { $waiting }통, 실패 { $failed }통
admin-search = 검색
admin-pager-label = 페이지
admin-pager-prev = 이전
admin-pager-next = 다음
admin-pager-newer = 최근 기록
admin-pager-older = 이전 기록
admin-pager-position = { $pages }쪽 중 { $page }쪽
admin-pager-page = { $page }쪽
admin-col-email = 이메일
admin-col-name = 이름
admin-col-status = 상태
admin-col-created = 생성일
admin-col-updated = 변경일
admin-col-last-login = 마지막 로그인
admin-col-sessions = 활성 세션
admin-col-factors = 2단계 인증
admin-factors-none = 없음
admin-factors-app = 인증 앱
admin-factors-codes = 복구 코드 { $count }개 남음
admin-col-kind = 유형
admin-col-redirects = 리디렉션 URI
admin-badge-active = 사용 중
admin-badge-disabled = 비활성화됨
admin-badge-unverified = 미인증
admin-badge-admin = 관리자
admin-back-users = 사용자 목록으로 돌아가기
admin-back-clients = 애플리케이션 목록으로 돌아가기

## 사용자

admin-users-title = 사용자
admin-users-search-label = 이메일, 사용자 이름 또는 이름
admin-users-count = 계정 { $count }개
admin-users-none = 일치하는 계정이 없습니다.
admin-user-actions = 작업
admin-user-disable = 계정 비활성화
admin-user-enable = 계정 활성화
admin-user-verify = 이메일 인증 완료로 표시
admin-user-resend = 인증 메일 다시 보내기
admin-user-send-reset = 비밀번호 재설정 메일 보내기
admin-user-end-sessions = 모든 세션 종료
admin-user-remove-factors = 2단계 인증 수단 삭제
admin-user-grant-admin = 관리자로 지정
admin-user-revoke-admin = 관리자 권한 해제
admin-user-disable-hint = 계정을 비활성화하면 세션이 모두 끝나고 애플리케이션이 가진 토큰이 모두 폐기됩니다. 세션을 종료하면 모든 기기에서 로그아웃되고 그 세션에서 발급된 토큰이 폐기됩니다.
admin-user-events = 최근 기록
admin-user-all-events = 이 계정의 모든 기록
admin-user-delete = 계정 삭제
admin-user-delete-confirm-label = 확인을 위해 이메일 주소를 입력하세요
admin-user-delete-hint = { $email } 계정이 영구히 삭제됩니다. 세션, 토큰과 동의 내역이 지워지고 sub는 다시 발급되지 않습니다. 감사 기록은 남습니다.

## 애플리케이션

admin-clients-title = 애플리케이션
admin-clients-new = 애플리케이션 등록
admin-clients-none = 아직 등록된 애플리케이션이 없습니다.
admin-client-public = 공개 클라이언트 (시크릿 없음, PKCE)
admin-client-confidential = 기밀 클라이언트 (시크릿 있음)
admin-client-first-party = 자사 앱
admin-client-name = 이름
admin-client-redirect-uris = 리디렉션 URI
admin-client-redirect-uris-hint = 한 줄에 하나씩, 정확히 일치해야 합니다. https만 허용되며, http는 localhost, 127.0.0.1, [::1]에만 쓸 수 있습니다.
admin-client-logout-uris = 로그아웃 후 리디렉션 URI (한 줄에 하나씩)
admin-client-public-label = 공개 클라이언트: 시크릿을 안전하게 보관할 수 없는 싱글 페이지 앱이나 네이티브 앱 (PKCE 필수)
admin-client-first-party-label = 자사 앱: 동의 화면을 건너뜁니다
admin-client-require-mfa-label = 2단계 인증 필수: 이 앱에는 비밀번호와 코드로 로그인해야 합니다
admin-client-self-registered = 스스로 등록함
admin-client-require-par-label = 푸시 요청만 허용: 앱이 인가 요청을 먼저 /par로 보내야 합니다
admin-client-pkce-label = PKCE 필수 (권장)
admin-client-grants = 그랜트 유형
admin-client-scopes = 요청할 수 있는 스코프
admin-client-auth-method = 토큰 엔드포인트의 클라이언트 인증 방식
admin-client-auth-both = client_secret_basic 또는 client_secret_post
admin-client-alg = ID 토큰 서명 방식
admin-client-logo = 로고 URL (https, 선택)
admin-client-home = 홈페이지 URL (https, 선택)
admin-client-backchannel = 백채널 로그아웃 URL (선택)
admin-client-backchannel-hint = 앱이 참여한 세션이 끝나면 대문이 서명된 로그아웃 토큰을 이 주소로 보냅니다 (OpenID Connect 백채널 로그아웃).
admin-client-backchannel-sid-label = 앱이 로그아웃 토큰에 세션 ID(sid)가 필요합니다
admin-client-save = 변경 사항 저장
admin-client-create = 등록
admin-client-secret = 클라이언트 시크릿
admin-client-rotate-hint = 새 시크릿은 즉시 기존 시크릿을 대체합니다. 애플리케이션에 새 시크릿을 설정할 때까지 애플리케이션이 동작하지 않습니다.
admin-client-rotate = 새 시크릿 만들기
admin-client-delete = 애플리케이션 삭제
admin-client-delete-confirm-label = 확인을 위해 애플리케이션 이름을 입력하세요
admin-client-delete-hint = { $name }이(가) 발급받은 모든 토큰, 코드, 동의 내역과 함께 삭제됩니다. 이 앱을 쓰던 사람들은 앱에서 로그아웃됩니다.
admin-client-created = { $name } 등록 완료
admin-client-rotated = { $name }의 새 시크릿
admin-client-secret-once = 지금 시크릿을 복사해 두세요. 한 번만 표시되며, 대문은 해시만 보관합니다.
admin-client-no-secret = 공개 클라이언트에는 시크릿이 없으며 PKCE를 사용합니다.
admin-client-open = 애플리케이션 설정 열기
admin-client-error-uri = { $uri }: { $reason }
admin-client-error-name = 애플리케이션 이름을 1~100자로 입력하세요.
admin-client-error-no-redirect = 인가 코드 그랜트에는 리디렉션 URI가 하나 이상 필요합니다.
admin-client-error-grants = 그랜트 유형을 하나 이상 선택하세요.
admin-client-error-public-credentials = 공개 클라이언트는 시크릿이 없으므로 client_credentials를 쓸 수 없습니다.
admin-client-error-scopes = 스코프를 하나 이상 선택하세요.
admin-client-error-auth-method = 이 인증 방식은 이 클라이언트에 맞지 않습니다.
admin-client-error-alg = RS256 또는 ES256을 선택하세요.
admin-client-error-https = https URL이어야 합니다.
admin-uri-not-absolute = 절대 URI가 아닙니다
admin-uri-fragment = 리디렉션 URI에는 #프래그먼트를 쓸 수 없습니다
admin-uri-dangerous = 코드를 실행하거나 로컬 데이터를 읽을 수 있는 스킴입니다
admin-uri-plain-http = http는 localhost, 127.0.0.1, [::1]에만 쓸 수 있습니다. https를 사용하세요
admin-uri-wildcard = 와일드카드는 쓸 수 없습니다. URI를 모두 정확히 등록하세요
admin-uri-userinfo = URI에 사용자 정보(user@)를 넣을 수 없습니다
admin-uri-too-long = 2000자를 넘습니다

## 서명 키

admin-keys-title = 서명 키
admin-keys-intro = ID 토큰은 이 키로 서명되며, 공개된 키는 JWKS에 실립니다. 키를 교체하면 새 키가 즉시 공개되고 { $delay }초 뒤부터 서명에 쓰입니다. 이전 키는 그 키로 서명한 토큰이 모두 만료될 때까지 공개 상태로 남습니다.
admin-keys-rotate = 지금 키 교체
admin-keys-retire = 폐기
admin-keys-retire-hint = 폐기한 키는 즉시 JWKS에서 빠지므로 그 키로 서명한 토큰은 더 이상 검증되지 않습니다. 키가 유출되었을 때 사용하세요. 알고리즘마다 마지막 남은 키는 폐기할 수 없으니 먼저 교체하세요.
admin-keys-signs-from = 서명 시작
admin-keys-published-until = 공개 종료
admin-key-signing = 서명 중
admin-key-published = 공개됨, 곧 서명 시작
admin-key-verifying = 검증용으로만 공개
admin-key-retired = 폐기됨

## 감사 기록

admin-audit-title = 감사 기록
admin-audit-user = 사용자 (이메일, 사용자 이름 또는 sub)
admin-audit-event = 이벤트
admin-audit-event-hint = login.failure 같은 이벤트 이름, 또는 login. 같은 접두어
admin-audit-since = 시작일 (UTC)
admin-audit-until = 종료일 (UTC, 포함)
admin-audit-bad-date = 날짜(YYYY-MM-DD)나 RFC 3339 시각을 입력하세요. 이 조건은 적용되지 않았습니다.
admin-audit-at = 시각 (UTC)
admin-audit-detail = 세부 정보
admin-audit-none = 기록이 없습니다.

## 메일 발송함

admin-outbox-title = 메일 발송함
admin-outbox-intro = 메일은 여기에 쌓였다가 백그라운드에서 발송되며, 메일 서버에 연결할 수 없는 동안에는 다시 시도합니다. 모든 시도에 실패한 메일은 다시 보낼 때까지 여기에 남습니다.
admin-outbox-failed = 실패한 메일 { $count }통
admin-outbox-waiting = 대기 중인 메일 { $count }통
admin-outbox-none = 없습니다.
admin-outbox-to = 받는 사람
admin-outbox-subject = 제목
admin-outbox-attempts = 시도 횟수
admin-outbox-next = 다음 시도
admin-outbox-failed-at = 포기한 시각
admin-outbox-error = 마지막 오류
admin-outbox-retry = 지금 다시 보내기

## 알림 메시지

flash-admin-reauth = 계속하려면 비밀번호를 확인하세요. 관리 작업에는 최근 로그인이 필요합니다. 확인한 뒤 작업을 다시 하세요.
flash-admin-not-yourself = 여기서는 자신의 계정에 이 작업을 할 수 없습니다. 정말 필요하다면 명령줄(daemun user …)을 사용하세요.
flash-admin-user-disabled = 계정을 비활성화했습니다. 세션이 모두 끝나고 토큰이 폐기되었습니다.
flash-admin-user-enabled = 계정을 활성화했습니다.
flash-admin-user-verified = 이메일 주소를 인증 완료로 표시했습니다.
flash-admin-already-verified = 이미 인증된 이메일 주소입니다.
flash-admin-verification-sent = 새 인증 메일을 보냈습니다.
flash-admin-reset-sent = 비밀번호 재설정 메일을 보냈습니다.
flash-admin-sessions-ended = 계정의 모든 세션을 종료했습니다.
flash-admin-factors-removed = 계정의 2단계 인증 수단을 삭제했습니다. 다시 설정할 때까지는 비밀번호만으로 로그인합니다.
flash-admin-role-granted = 이제 이 계정은 관리자입니다.
flash-admin-role-revoked = 이 계정의 관리자 권한을 해제했습니다.
flash-admin-delete-confirm = 계정을 삭제하지 않았습니다. 확인하려면 이메일 주소를 정확히 입력하세요.
flash-admin-user-deleted = 계정을 삭제했습니다.
flash-admin-client-saved = 애플리케이션 설정을 저장했습니다.
flash-admin-client-public = 공개 클라이언트에는 교체할 시크릿이 없습니다.
flash-admin-client-confirm = 애플리케이션을 삭제하지 않았습니다. 확인하려면 이름을 정확히 입력하세요.
flash-admin-client-deleted = 애플리케이션과 발급된 모든 토큰을 삭제했습니다.
flash-admin-keys-rotated = 새 서명 키를 공개했습니다.
flash-admin-key-retired = 키를 폐기했으며 더 이상 공개하지 않습니다.
flash-admin-key-refused = 이 키는 폐기할 수 없습니다. 알 수 없는 키이거나, 이미 폐기되었거나, 해당 알고리즘의 마지막 키입니다.
flash-admin-mail-retried = 메일을 다시 보내도록 대기열에 넣었습니다.
flash-admin-mail-not-retried = 메일을 다시 보내지 않았습니다. 이미 발송되었거나, 발송 중이거나, 더 이상 없습니다.
admin-deliveries-title = 백채널 로그아웃 전달
admin-deliveries-intro = 백채널 로그아웃 URL을 등록한 앱에 보낼 로그아웃 토큰입니다. 전달된 것은 표시하지 않습니다. 실패하면 간격을 늘려 가며 다시 시도하고, outbound.give_up_hours가 지나면 포기합니다.
admin-deliveries-failed = 포기함
admin-deliveries-waiting = 대기 중이거나 재시도 중
admin-deliveries-target = 받는 곳
flash-admin-delivery-retried = 전달을 다시 대기열에 넣었습니다. 곧 보냅니다.

admin-clients-registration = 스스로 등록하는 애플리케이션
admin-registration-title = 스스로 등록하는 애플리케이션
admin-registration-mode-off = 자체 등록이 꺼져 있습니다(registration.mode = "off"). 애플리케이션은 여기에서 또는 daemun client add로 등록합니다. 지금 만든 토큰은 모드가 "initial_token"일 때 사용할 수 있습니다.
admin-registration-mode-initial_token = 이 페이지(또는 daemun registration-token create)에서 받은 초기 액세스 토큰이 있는 애플리케이션은 스스로 등록할 수 있습니다(registration.mode = "initial_token").
admin-registration-mode-open = 누구나 공개 애플리케이션을 등록할 수 있습니다. 시크릿 없이, https 또는 루프백 리디렉션 URI만 허용됩니다(registration.mode = "open"). 초기 액세스 토큰이 있으면 시크릿이 있는 애플리케이션도 등록할 수 있습니다.
admin-registration-mode-hint = 모드는 설정 파일에서 정합니다. 스스로 등록한 애플리케이션은 항상 사용자에게 동의를 받고 PKCE를 써야 하며, 애플리케이션 목록에 "스스로 등록함"으로 표시됩니다.
admin-registration-endpoint = 등록 엔드포인트:
admin-registration-tokens = 초기 액세스 토큰
admin-registration-none = 아직 만든 토큰이 없습니다.
admin-registration-id = 토큰 ID
admin-registration-label = 이름표
admin-registration-label-hint = 토큰을 받을 팀이나 도구 등. 이 목록에만 표시됩니다.
admin-registration-label-invalid = 1자에서 100자 사이로 이름표를 입력하세요.
admin-registration-active = 사용 중
admin-registration-revoked = { $at }에 폐기됨
admin-registration-revoke = 폐기
admin-registration-revoke-hint = 폐기한 토큰으로는 더 이상 등록할 수 없습니다. 그 토큰으로 등록된 애플리케이션은 직접 삭제할 때까지 남아 있습니다.
admin-registration-new = 토큰 만들기
admin-registration-create = 토큰 만들기
admin-registration-made = { $label }용 토큰
admin-registration-token = 초기 액세스 토큰
admin-registration-token-once = 지금 토큰을 복사해 애플리케이션에 전달하세요. 다시 표시되지 않습니다. 애플리케이션은 이 토큰을 Bearer 토큰으로 등록 엔드포인트에 보냅니다.
flash-admin-registration-token-revoked = 토큰을 폐기했습니다.
flash-admin-registration-token-gone = 이미 폐기된 토큰입니다.
admin-client-resources = API (리소스 식별자)
admin-client-resources-hint = daemun resource add로 등록한 리소스 식별자를 한 줄에 하나씩 적습니다. 애플리케이션은 이 API들에 대한 액세스 토큰을 해당 스코프와 함께 요청할 수 있습니다.
admin-client-error-resource = 등록되지 않은 리소스가 있습니다. 먼저 daemun resource add로 등록하세요.
