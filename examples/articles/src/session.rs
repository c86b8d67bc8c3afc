//! Browser sessions, kept in memory (an example: they are lost on restart and not shared
//! between processes), the `articles_session` cookie, per-session CSRF tokens, the
//! login-required extractor and the check that keeps `next` on this site.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::auth::PendingLogin;

pub const COOKIE: &str = "articles_session";
/// A session unused for this long is forgotten.
const IDLE: Duration = Duration::from_secs(2 * 60 * 60);
/// At most this many sessions are kept; the least recently used go first.
const MAX_SESSIONS: usize = 100_000;

#[derive(Clone, Debug)]
pub struct User {
    pub sub: String,
    pub name: String,
    pub id_token: String,
    /// The Daemun session this login belongs to (the ID token's `sid`), for back-channel logout.
    pub sid: Option<String>,
}

impl User {
    /// Whether a logout token naming `sid` and/or `sub` ends this login: the Daemun session
    /// when `sid` is given (and it is this person's, when `sub` is given too), else every login
    /// of `sub` (Back-Channel Logout 1.0 §2.7).
    fn logged_out_by(&self, sid: Option<&str>, sub: Option<&str>) -> bool {
        match (sid, sub) {
            (Some(sid), sub) => {
                self.sid.as_deref() == Some(sid) && sub.is_none_or(|sub| self.sub == sub)
            }
            (None, Some(sub)) => self.sub == sub,
            (None, None) => false,
        }
    }
}

#[derive(Clone)]
pub struct Session {
    /// The token every form of this session must carry.
    pub csrf: String,
    pub user: Option<User>,
    pub pending: Option<PendingLogin>,
    last_seen: Instant,
}

/// All sessions, by random id.
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    secure: bool,
}

impl Sessions {
    pub fn new(secure_cookies: bool) -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
            secure: secure_cookies,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live session with this id (and marks it used).
    fn touch(&self, id: &str) -> Option<Session> {
        let mut map = self.lock();
        let s = map.get_mut(id)?;
        if s.last_seen.elapsed() > IDLE {
            map.remove(id);
            return None;
        }
        s.last_seen = Instant::now();
        Some(s.clone())
    }

    fn insert(&self, session: Session) -> String {
        let id = random_token();
        let mut map = self.lock();
        if map.len() >= MAX_SESSIONS {
            map.retain(|_, s| s.last_seen.elapsed() <= IDLE);
            if map.len() >= MAX_SESSIONS
                && let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, s)| s.last_seen)
                    .map(|(k, _)| k.clone())
            {
                map.remove(&oldest);
            }
        }
        map.insert(id.clone(), session);
        id
    }

    /// Ends every session whose login a logout token names; their browsers are logged out at
    /// their next request. Returns how many ended.
    pub fn end_logged_out(&self, sid: Option<&str>, sub: Option<&str>) -> usize {
        let mut map = self.lock();
        let before = map.len();
        map.retain(|_, s| !s.user.as_ref().is_some_and(|u| u.logged_out_by(sid, sub)));
        before - map.len()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// 256 random bits, URL-safe hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the cookie must become once the handler is done.
#[derive(Clone, Default)]
enum CookieChange {
    #[default]
    None,
    Set(String),
    Clear,
}

/// The request's view of its session: handlers read and change it through this.
#[derive(Clone)]
pub struct SessionHandle {
    sessions: Arc<Sessions>,
    inner: Arc<Mutex<(Option<String>, CookieChange)>>,
}

impl SessionHandle {
    fn id(&self) -> Option<String> {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    fn set_id(&self, id: Option<String>, change: CookieChange) {
        *self.inner.lock().unwrap_or_else(|p| p.into_inner()) = (id, change);
    }

    pub fn get(&self) -> Option<Session> {
        self.sessions.touch(&self.id()?)
    }

    /// The session, created (with its cookie) when the browser has none yet.
    pub fn ensure(&self) -> Session {
        if let Some(s) = self.get() {
            return s;
        }
        let session = Session {
            csrf: random_token(),
            user: None,
            pending: None,
            last_seen: Instant::now(),
        };
        let id = self.sessions.insert(session.clone());
        self.set_id(Some(id.clone()), CookieChange::Set(id));
        session
    }

    fn update(&self, f: impl FnOnce(&mut Session)) {
        let Some(id) = self.id() else { return };
        if let Some(s) = self.sessions.lock().get_mut(&id) {
            f(s);
        }
    }

    pub fn set_pending(&self, pending: PendingLogin) {
        self.ensure();
        self.update(|s| s.pending = Some(pending));
    }

    /// The pending login, removed: a callback can use it once only.
    pub fn take_pending(&self) -> Option<PendingLogin> {
        let mut taken = None;
        self.update(|s| taken = s.pending.take());
        taken
    }

    /// Logs `user` in under a new session id and CSRF token, so an id or token planted in the
    /// browser before login is worthless afterwards (session fixation).
    pub fn log_in(&self, user: User) {
        self.end();
        let id = self.sessions.insert(Session {
            csrf: random_token(),
            user: Some(user),
            pending: None,
            last_seen: Instant::now(),
        });
        self.set_id(Some(id.clone()), CookieChange::Set(id));
    }

    /// Forgets the session and clears the cookie; returns what it held.
    pub fn end(&self) -> Option<Session> {
        let old = self.id().and_then(|id| self.sessions.lock().remove(&id));
        self.set_id(None, CookieChange::Clear);
        old
    }
}

/// Loads the session named by the cookie and writes the cookie back when it changed.
pub async fn session_layer(
    State(sessions): State<Arc<Sessions>>,
    mut req: Request,
    next: Next,
) -> Response {
    let id = cookie_value(req.headers(), COOKIE).filter(|id| sessions.touch(id).is_some());
    let handle = SessionHandle {
        sessions: sessions.clone(),
        inner: Arc::new(Mutex::new((id, CookieChange::None))),
    };
    req.extensions_mut().insert(handle.clone());
    let mut response = next.run(req).await;
    let change = handle
        .inner
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .1
        .clone();
    let cookie = match change {
        CookieChange::None => return response,
        CookieChange::Set(id) => session_cookie(id, sessions.secure),
        CookieChange::Clear => {
            let mut c = session_cookie(String::new(), sessions.secure);
            c.make_removal();
            c
        }
    };
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// HttpOnly (no script reads it) and SameSite=Lax (not sent on cross-site POSTs).
fn session_cookie(value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

fn cookie_value(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for SessionHandle {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<SessionHandle>()
            .cloned()
            .expect("session_layer runs on every route"))
    }
}

/// A logged-in person. Extracting it from a logged-out request sends the browser to
/// `/login?next=<this page>` instead (the `login_required` decorator of other frameworks).
pub struct CurrentUser {
    pub user: User,
    pub csrf: String,
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let handle = SessionHandle::from_request_parts(parts, state)
            .await
            .unwrap_or_else(|never| match never {});
        if let Some(Session {
            user: Some(user),
            csrf,
            ..
        }) = handle.get()
        {
            return Ok(CurrentUser { user, csrf });
        }
        // A form posted after the session ended cannot be replayed by a GET; start from the list.
        let next = if parts.method == Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("/".to_owned(), |p| p.to_string())
        } else {
            "/".to_owned()
        };
        Err(Redirect::to(&login_path(&next)).into_response())
    }
}

/// `/login?next=…`, with `next` percent-encoded.
pub fn login_path(next: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("next", next)
        .finish();
    format!("/login?{query}")
}

/// Whether a submitted token is this session's CSRF token (compared in constant time).
pub fn csrf_ok(expected: &str, submitted: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(submitted.as_bytes()))
}

/// `raw` when it is a path on this site, else `/`. Only one shape passes: `/` then anything but
/// a second `/` or `\`, with no control characters, spaces or backslashes, and no encoded ones
/// either — so no `//evil.example`, `/\evil.example` or `https://evil.example/`.
pub fn safe_next(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let shape_ok = raw.len() <= 2048
        && bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    let lower = raw.to_ascii_lowercase();
    let encoded_ok = !["%2f", "%5c", "%0", "%1", "%7f", "%20"]
        .iter()
        .any(|e| lower.contains(e));
    if shape_ok && encoded_ok {
        raw.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept_as_next() {
        for ok in ["/", "/articles/new", "/articles/3/edit?x=1&y=2"] {
            assert_eq!(safe_next(ok), ok);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_becomes_the_home_page() {
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/%2F%2Fevil.example",
            "/%5cevil.example",
            "/\t/evil.example",
            "/ /evil.example",
            "/a\r\nLocation: x",
            "",
        ] {
            assert_eq!(safe_next(bad), "/", "{bad:?}");
        }
        assert_eq!(safe_next(&format!("/{}", "a".repeat(3000))), "/");
    }

    #[test]
    fn login_path_encodes_next() {
        assert_eq!(
            login_path("/articles/1/edit?a=b&c"),
            "/login?next=%2Farticles%2F1%2Fedit%3Fa%3Db%26c"
        );
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        assert!(csrf_ok("abc", "abc"));
        assert!(!csrf_ok("abc", "abd"));
        assert!(!csrf_ok("abc", ""));
        assert!(!csrf_ok("", ""));
    }

    #[test]
    fn sessions_rotate_on_login_and_end_on_logout() {
        let sessions = Arc::new(Sessions::new(false));
        let handle = SessionHandle {
            sessions: sessions.clone(),
            inner: Arc::new(Mutex::new((None, CookieChange::None))),
        };
        assert!(handle.get().is_none());
        let before = handle.ensure();
        let first_id = handle.id().unwrap();
        handle.log_in(User {
            sub: "s".into(),
            name: "N".into(),
            id_token: "t".into(),
            sid: None,
        });
        let after = handle.get().unwrap();
        assert_ne!(handle.id().unwrap(), first_id, "new id at login");
        assert_ne!(after.csrf, before.csrf, "new CSRF token at login");
        assert!(sessions.touch(&first_id).is_none(), "old id is dead");
        assert_eq!(sessions.len(), 1);
        assert!(handle.end().unwrap().user.is_some());
        assert!(sessions.is_empty());
        assert!(handle.get().is_none());
    }

    #[test]
    fn a_back_channel_logout_ends_the_logins_it_names_and_no_other() {
        let sessions = Arc::new(Sessions::new(false));
        let log_in = |sub: &str, sid: Option<&str>| {
            let handle = SessionHandle {
                sessions: sessions.clone(),
                inner: Arc::new(Mutex::new((None, CookieChange::None))),
            };
            handle.log_in(User {
                sub: sub.into(),
                name: "N".into(),
                id_token: "t".into(),
                sid: sid.map(Into::into),
            });
            handle
        };
        let alice_laptop = log_in("alice", Some("sid-1"));
        let alice_laptop_tab = log_in("alice", Some("sid-1"));
        let alice_phone = log_in("alice", Some("sid-2"));
        let bob = log_in("bob", Some("sid-3"));
        let anonymous = SessionHandle {
            sessions: sessions.clone(),
            inner: Arc::new(Mutex::new((None, CookieChange::None))),
        };
        anonymous.ensure();

        assert_eq!(sessions.end_logged_out(None, None), 0);
        assert_eq!(sessions.end_logged_out(Some("sid-3"), Some("alice")), 0);
        assert_eq!(sessions.end_logged_out(Some("sid-1"), Some("alice")), 2);
        assert!(alice_laptop.get().is_none() && alice_laptop_tab.get().is_none());
        assert!(alice_phone.get().is_some() && bob.get().is_some());

        assert_eq!(sessions.end_logged_out(None, Some("alice")), 1, "sub alone");
        assert!(alice_phone.get().is_none());
        assert!(bob.get().is_some() && anonymous.get().is_some());
        assert_eq!(sessions.end_logged_out(Some("sid-3"), None), 1, "sid alone");
        assert!(bob.get().is_none());
        assert_eq!(sessions.len(), 1, "the session without a login stays");
    }

    #[test]
    fn the_session_cookie_is_http_only_and_lax() {
        let c = session_cookie("x".into(), true).to_string();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(
            !session_cookie("x".into(), false)
                .to_string()
                .contains("Secure")
        );
    }
}
