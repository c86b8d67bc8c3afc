## 기기 인증: /device에서 기기에 표시된 코드를 확인합니다.

device-title = 기기 연결
device-entry-intro = TV, 도구 등 기기에 표시된 코드를 입력하세요.
device-code-label = 기기의 코드
device-continue = 계속
device-error-code = 코드가 맞지 않거나 만료되었거나 이미 사용되었습니다. 기기의 코드를 확인하고, 만료되었다면 기기에서 다시 시작해 주세요.
device-confirm-intro = { $app }에서 기기를 통해 회원님의 계정을 사용하려고 합니다.
device-confirm-check = 지금 앞에 있는 기기에 표시된 코드와 같을 때만 계속하세요. 직접 시작한 것이 아니라면 거부를 누르세요. 누군가 내 계정을 쓰려는 것일 수 있습니다.
device-confirm-scopes = { $app }에서 할 수 있는 일:
device-allow = 허용
device-deny = 거부
device-approved = 기기를 연결했습니다. 이제 기기로 돌아가세요.
device-denied = 기기를 연결하지 않았습니다. 이 페이지를 닫아도 됩니다.
