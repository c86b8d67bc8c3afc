//! Just enough HTML to log in like a browser: the forms of a page, their inputs, and what a
//! browser would submit once a person typed an identifier and a password into one of them.
//! Login pages are small and machine-made, so a tag scanner is enough (no DOM, no scripts).

/// One `<input>` (or named submit `<button>`) of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    /// The `type`, lower case (`text` when absent; `submit` for a button).
    pub kind: String,
    pub value: String,
    pub checked: bool,
    pub disabled: bool,
}

/// One `<form>`: where it goes and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The `action` as written (`None` or empty: the page's own URL).
    pub action: Option<String>,
    /// `get` or `post`, lower case.
    pub method: String,
    pub inputs: Vec<Input>,
}

impl Form {
    pub fn has_password(&self) -> bool {
        self.inputs.iter().any(|i| i.kind == "password")
    }

    /// What a browser submits after a person typed `identifier` into the first text-like field
    /// and `password` into the password fields: hidden fields and checked boxes as they are,
    /// other fields with their values, and the first named submit button (the one pressed).
    pub fn fill(&self, identifier: &str, password: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut identifier_done = false;
        let mut submitter_done = false;
        for i in self
            .inputs
            .iter()
            .filter(|i| !i.name.is_empty() && !i.disabled)
        {
            let value = match i.kind.as_str() {
                "password" => password.to_owned(),
                "text" | "email" | "tel" | "search" if !identifier_done => {
                    identifier_done = true;
                    identifier.to_owned()
                }
                "checkbox" | "radio" if !i.checked => continue,
                "checkbox" | "radio" if i.value.is_empty() => "on".to_owned(),
                "submit" | "image" if submitter_done => continue,
                "submit" | "image" => {
                    submitter_done = true;
                    i.value.clone()
                }
                "button" | "reset" | "file" => continue,
                _ => i.value.clone(),
            };
            out.push((i.name.clone(), value));
        }
        out
    }
}

/// The first form of `html` with a password field.
pub fn login_form(html: &str) -> Option<Form> {
    forms(html).into_iter().find(Form::has_password)
}

/// The value of the first input named `name` in any form of `html` (a CSRF token, say).
pub fn field_value(html: &str, name: &str) -> Option<String> {
    forms(html)
        .into_iter()
        .flat_map(|f| f.inputs)
        .find(|i| i.name == name)
        .map(|i| i.value)
}

/// Every form of `html`, in order, with the inputs between its start and end tags.
pub fn forms(html: &str) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::new();
    let mut open = false;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some((tag, after)) = parse_tag(rest) else {
            rest = &rest[1..];
            continue;
        };
        rest = after;
        match tag.name.as_str() {
            "form" => {
                open = true;
                out.push(Form {
                    action: tag.attr("action").map(str::to_owned),
                    method: tag.attr("method").unwrap_or("get").to_ascii_lowercase(),
                    inputs: Vec::new(),
                });
            }
            "/form" => open = false,
            "input" | "button" if open => {
                let default_kind = if tag.name == "button" {
                    "submit"
                } else {
                    "text"
                };
                let kind = tag
                    .attr("type")
                    .unwrap_or(default_kind)
                    .to_ascii_lowercase();
                if let Some(form) = out.last_mut() {
                    form.inputs.push(Input {
                        name: tag.attr("name").unwrap_or_default().to_owned(),
                        kind,
                        value: tag.attr("value").unwrap_or_default().to_owned(),
                        checked: tag.attr("checked").is_some(),
                        disabled: tag.attr("disabled").is_some(),
                    });
                }
            }
            "script" | "style" | "textarea" | "title" => {
                // Raw text up to the end tag: no markup inside counts.
                let end = format!("</{}", tag.name);
                rest = find_ignoring_case(rest, &end).map_or("", |i| &rest[i..]);
            }
            _ => {}
        }
    }
    out
}

struct Tag {
    /// Lower case; `/form` for an end tag.
    name: String,
    attrs: Vec<(String, String)>,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The tag at the start of `s` (which begins with `<`) and what follows it; `None` when `<`
/// does not start a tag.
fn parse_tag(s: &str) -> Option<(Tag, &str)> {
    let body = &s[1..];
    let name_len = body
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphanumeric() || (i == 0 && c == '/')))
        .map_or(body.len(), |(i, _)| i);
    let name = body[..name_len].to_ascii_lowercase();
    if name.is_empty() || name == "/" {
        return None;
    }
    let mut rest = &body[name_len..];
    let mut attrs = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if let Some(after) = rest.strip_prefix('>') {
            return Some((Tag { name, attrs }, after));
        }
        if rest.is_empty() {
            return Some((Tag { name, attrs }, rest));
        }
        let len = rest
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
            .unwrap_or(rest.len())
            .max(1);
        let attr = rest[..len].to_ascii_lowercase();
        rest = rest[len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let mut value = String::new();
        if let Some(v) = rest.strip_prefix('=') {
            let v = v.trim_start_matches(|c: char| c.is_ascii_whitespace());
            let (raw, after) = match v.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &v[1..];
                    let end = inner.find(q).unwrap_or(inner.len());
                    (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = v
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(v.len());
                    (&v[..end], &v[end..])
                }
            };
            value = decode_entities(raw);
            rest = after;
        }
        attrs.push((attr, value));
    }
}

fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Replaces the character references an attribute value may hold (`&amp;`, `&#x2f;`, `&#39;`…).
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..].find(';').map(|i| i + 1).filter(|&i| i <= 10);
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAEMUN_LIKE: &str = r#"<!doctype html><html><head><title>Log in <form></title>
<script>if (a < b) { document.write("<form action='/x'><input type=password>") }</script></head>
<body><form method="post" action="/logout"><input type="hidden" name="csrf_token" value="t1">
<button>Log out</button></form>
<!-- <form action="/old"><input type="password" name="old"></form> -->
<form method="post" action="/login" class="form">
  <input type="hidden" name="csrf_token" value="a&amp;b&#x2f;c&#39;d">
  <input type="hidden" name="next" value="&#x2f;authorize&#x2f;resume&#x2f;xyz">
  <input id="identifier" name="identifier" type="text" autocomplete="username" required value="">
  <input id="password" name="password" type="password" required>
  <input id="remember" name="remember" type="checkbox" value="1">
  <button type="submit" class="button button-primary">Log in</button>
</form></body></html>"#;

    #[test]
    fn finds_the_form_with_a_password_field_and_fills_it_like_a_browser() {
        let f = login_form(DAEMUN_LIKE).expect("a login form");
        assert_eq!(f.action.as_deref(), Some("/login"));
        assert_eq!(f.method, "post");
        let filled = f.fill("bench@example.com", "pw");
        let pairs: Vec<(&str, &str)> = filled
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("csrf_token", "a&b/c'd"),
                ("next", "/authorize/resume/xyz"),
                ("identifier", "bench@example.com"),
                ("password", "pw"),
            ]
        );
    }

    #[test]
    fn reads_unquoted_single_quoted_and_valueless_attributes() {
        let html = "<FORM METHOD=POST action='/interaction/a-b/login'>\
            <input type=email name=email value=''>\
            <input type=password name=password>\
            <input type=checkbox name=keep checked>\
            <input type=text name=extra value=kept disabled>\
            <input type=submit name=go value=Go><input type=submit name=other value=No>\
            </FORM>";
        let f = login_form(html).expect("a login form");
        assert_eq!(f.action.as_deref(), Some("/interaction/a-b/login"));
        assert_eq!(f.method, "post");
        assert_eq!(
            f.fill("me@example.com", "secret"),
            [
                ("email".to_owned(), "me@example.com".to_owned()),
                ("password".to_owned(), "secret".to_owned()),
                ("keep".to_owned(), "on".to_owned()),
                ("go".to_owned(), "Go".to_owned()),
            ]
        );
    }

    #[test]
    fn pages_without_a_password_field_have_no_login_form() {
        assert!(
            login_form("<p>Consent?</p><form method=post><button>Allow</button></form>").is_none()
        );
        assert!(login_form("").is_none());
        assert!(
            login_form("<form><input type=password name=p").is_some_and(|f| f.action.is_none())
        );
        assert!(login_form("a < b <").is_none());
    }

    #[test]
    fn reads_a_field_value_from_any_form() {
        assert_eq!(
            field_value(DAEMUN_LIKE, "csrf_token").as_deref(),
            Some("t1")
        );
        assert_eq!(field_value(DAEMUN_LIKE, "nothing"), None);
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(decode_entities("a&amp;b&lt;&#60;&#x3C;&quot;"), "a&b<<<\"");
        assert_eq!(
            decode_entities("AT&T &unknown; &#xZZ; &"),
            "AT&T &unknown; &#xZZ; &"
        );
        assert_eq!(decode_entities("caf&#233;"), "café");
    }
}
