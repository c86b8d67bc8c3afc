# 이메일. 링크는 메시지가 아니라 템플릿에서 넣습니다.

mail-greeting = { $name }님, 안녕하세요.
# 아직 확인되지 않은 주소로 가는 메일용: 누군가 입력한 이름을 넣지 않습니다.
mail-greeting-neutral = 안녕하세요.
mail-link-fallback = 버튼이 작동하지 않으면 아래 링크를 복사해 브라우저 주소창에 붙여 넣으세요.
mail-footer-automated = { $product }에서 자동으로 보낸 메일입니다. 이 주소로 회신하셔도 확인할 수 없습니다.

## 이메일 인증

mail-verify-subject = { $product } 이메일 주소를 인증해 주세요
mail-verify-preheader = 이메일 주소를 인증하면 { $product } 가입이 완료됩니다.
mail-verify-intro = { $product }에 가입해 주셔서 감사합니다. 가입을 완료하려면 본인의 이메일 주소가 맞는지 인증해 주세요.
mail-verify-open-link = 아래 링크를 열어 이메일 주소를 인증하세요.
mail-verify-button = 이메일 주소 인증하기
mail-verify-expiry = 이 링크는 { $hours }시간 후에 만료되며, 한 번만 사용할 수 있습니다.
mail-verify-ignore = 가입한 적이 없다면 이 메일은 무시하셔도 됩니다.

## 이미 계정이 있는 주소로 가입을 시도한 경우

mail-signup-attempt-subject = 회원님의 이메일 주소로 { $product } 가입 시도가 있었습니다
mail-signup-attempt-preheader = 계정은 그대로이며, 새 계정은 만들어지지 않았습니다.
mail-signup-attempt-intro = 누군가 이 이메일 주소로 { $product } 계정을 새로 만들려고 했습니다. 이 주소로 이미 가입된 계정이 있어서 새 계정은 만들어지지 않았습니다.
mail-signup-attempt-if-you-login = 본인이 시도한 것이라면 기존 계정으로 로그인하세요.
mail-signup-attempt-login-button = 로그인하기
mail-signup-attempt-if-you-reset = 비밀번호가 기억나지 않으면 여기에서 재설정할 수 있습니다.
mail-signup-attempt-if-not = 본인이 시도한 것이 아니라면 이 메일은 무시하셔도 됩니다. 계정에는 아무 변화가 없습니다.
