# 입력 오류 메시지와 오류 페이지.

## 입력 오류

error-required = 필수 입력 항목입니다.
error-email-invalid = 올바른 이메일 주소를 입력해 주세요.
error-username-invalid = 아이디는 3~30자의 글자, 숫자와 . _ - 기호만 사용할 수 있습니다.
error-username-taken = 이미 사용 중인 아이디입니다. 다른 아이디를 입력해 주세요.
error-name-too-long = 이름이 너무 깁니다. 최대 { $max }자까지 입력할 수 있습니다.
error-password-too-short = 비밀번호가 너무 짧습니다. { $min }자 이상이어야 합니다.
error-password-too-long = 비밀번호가 너무 깁니다. 최대 { $max }자까지 입력할 수 있습니다.
error-password-too-similar = 비밀번호가 개인 정보와 너무 비슷합니다.
error-password-too-common = 너무 흔한 비밀번호입니다.
error-password-entirely-numeric = 비밀번호가 숫자로만 이루어져 있습니다.
error-password-mismatch = 두 비밀번호가 일치하지 않습니다.

## 로그인

login-error-generic = 이메일(또는 아이디)과 비밀번호를 정확히 입력해 주세요. 대소문자를 구분할 수 있습니다.
login-error-unverified = 아직 이메일 인증이 완료되지 않았습니다. 받은편지함에서 인증 링크를 확인해 주세요.

## 오류 페이지

error-status = 오류 { $status }
error-go-home = 첫 화면으로 가기
error-title-bad-request = 잘못된 요청입니다
error-body-bad-request = 요청을 처리할 수 없습니다. 이전 페이지로 돌아가 다시 시도해 주세요.
error-title-forbidden = 접근할 수 없습니다
error-body-csrf = 양식이 만료되었거나 다른 사이트에서 전송되었습니다. 페이지를 새로 고친 뒤 다시 시도해 주세요.
error-body-admin-only = 관리자만 볼 수 있는 페이지입니다. 관리자 계정으로 로그인하거나, 관리자에게 권한을 요청해 주세요.
error-title-not-found = 페이지를 찾을 수 없습니다
error-body-not-found = 이 주소에는 페이지가 없습니다. 주소가 올바른지 확인하거나 첫 화면에서 다시 시작해 주세요.
error-title-gone = 더 이상 유효하지 않은 링크입니다
error-body-link-invalid = 유효하지 않거나 만료된 링크입니다.
error-title-too-many = 시도 횟수 초과
error-body-too-many = 시도 횟수가 너무 많습니다. 잠시 후 다시 시도해 주세요.
error-title-server = 문제가 발생했습니다
error-body-server = 서버에 일시적인 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.
error-title-unavailable = 서비스를 일시적으로 이용할 수 없습니다
error-body-unavailable = 점검 등의 이유로 지금은 { $product } 서비스를 이용할 수 없습니다. 몇 분 후에 다시 시도해 주세요.
error-body-unknown-host = 이 주소는 이 서버에서 제공하지 않습니다.
error-title-payload-too-large = 요청이 너무 큽니다
error-body-payload-too-large = 보낸 데이터가 너무 커서 처리할 수 없습니다.
login-error-locked = 로그인 시도가 너무 많이 실패했습니다. { $minutes }분 후에 다시 시도하시거나 비밀번호를 재설정해 주세요.
error-title-busy = 지금은 요청이 많습니다
error-body-busy = 지금 로그인하는 사람이 많습니다. 몇 초 후에 다시 시도해 주세요.

## Logins through upstream providers
upstream-error-title = 로그인하지 못했습니다
upstream-error-state = 로그인 링크가 만료되었거나 이미 사용되었거나, 다른 브라우저에서 시작되었습니다. 로그인 페이지에서 다시 시작하세요.
upstream-error-unreachable = 지금은 다른 서비스에 연결할 수 없거나 응답을 검증할 수 없습니다. 나중에 다시 시도하거나 비밀번호로 로그인하세요.
upstream-error-email-taken = 이 이메일 주소를 쓰는 계정이 이미 있고, 이 로그인과 연결되어 있지 않습니다. 본인의 계정이라면 다른 방법(비밀번호나 패스키)으로 로그인한 뒤 계정의 ‘연결된 로그인’에서 이 서비스를 연결하세요. 이메일 주소만으로는 계정을 연결하지 않습니다.
upstream-error-linked-elsewhere = 다른 서비스의 이 로그인은 이미 다른 계정에 연결되어 있습니다. 먼저 그 계정에서 연결을 해제하세요.
upstream-error-last-way-in = 계정에 로그인할 수 있는 마지막 방법입니다. 연결을 해제하기 전에 비밀번호를 설정하거나 패스키를 추가하세요.
upstream-error-stale = 애플리케이션이 요청한 대로 다른 서비스가 새 로그인을 확인해 주지 않았습니다. 다시 로그인하세요.
upstream-error-no-account = 이 로그인에 연결된 계정이 없고, 이 서비스는 계정을 자동으로 만들지 않습니다. 관리자에게 계정을 요청하세요.
upstream-error-unverified = 다른 서비스에서 이메일 주소가 인증되지 않아 계정을 만들 수 없습니다. 그곳에서 주소를 인증한 뒤 다시 시도하세요.
upstream-error-domain = 이 도메인의 이메일 주소로는 계정을 만들 수 없습니다.
upstream-error-no-email = 다른 서비스가 이메일 주소를 알려 주지 않아 계정을 만들 수 없습니다.
upstream-error-disabled = 사용이 중지된 계정입니다.

signup-closed-title = 가입을 받지 않습니다
signup-closed-body = 여기에서는 새 계정을 만들 수 없습니다. 관리자에게 계정을 요청하거나, 로그인 페이지에 있는 다른 서비스로 로그인하세요.
