//! The integration guide's Rust example is the example application's code, word for word:
//! every block marked `<!-- test: rust-articles -->` in docs/integrate.md must stand in
//! examples/articles/src/auth.rs or one of the files of its src/auth/, whose own tests
//! (`cargo test -p articles`) run them against a real Daemun, and every dependency line the
//! guide lists must be the example's.
use std::path::PathBuf;

fn read(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

/// The fenced blocks right after each `marker`.
fn blocks_after(text: &str, marker: &str) -> Vec<String> {
    text.split(marker)
        .skip(1)
        .map(|after| {
            let after = after.trim_start();
            let (fence, rest) = after.split_once('\n').expect("a line after the marker");
            assert!(
                fence.starts_with("```"),
                "{marker} must precede a code block"
            );
            let end = rest.find("\n```").expect("a closed code block");
            rest[..=end].to_owned()
        })
        .collect()
}

/// examples/articles/src/auth.rs and every file of examples/articles/src/auth/.
fn example_auth_sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/articles/src/auth");
    let mut paths: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").file_name())
        .map(|name| format!("examples/articles/src/auth/{}", name.to_string_lossy()))
        .collect();
    paths.sort();
    paths.insert(0, "examples/articles/src/auth.rs".into());
    paths
        .into_iter()
        .map(|path| {
            let text = read(&path);
            (path, text)
        })
        .collect()
}

#[test]
fn the_guides_rust_code_is_the_example_applications_code() {
    let guide = read("docs/integrate.md");
    let sources = example_auth_sources();
    let blocks = blocks_after(&guide, "<!-- test: rust-articles -->");
    assert!(
        blocks.len() >= 4,
        "discovery, login, callback and logout are shown"
    );
    for block in &blocks {
        assert!(
            sources
                .iter()
                .any(|(_, text)| text.contains(block.as_str())),
            "this block of docs/integrate.md is in none of {:?}:\n{block}",
            sources.iter().map(|(path, _)| path).collect::<Vec<_>>()
        );
    }
    for name in [
        "discover",
        "login_redirect",
        "finish_login",
        "logout_url",
        "check_logout_token",
        "check_access_token",
    ] {
        assert!(
            blocks.iter().any(|b| b.contains(&format!("pub fn {name}("))
                || b.contains(&format!("pub async fn {name}("))),
            "the guide shows {name}"
        );
    }
}

#[test]
fn the_guides_rust_dependencies_are_the_example_applications() {
    let guide = read("docs/integrate.md");
    let manifest = read("examples/articles/Cargo.toml");
    let section = guide
        .split("### Rust (openidconnect)")
        .nth(1)
        .expect("a Rust section");
    let toml = section
        .split("```toml\n")
        .nth(1)
        .and_then(|t| t.split("\n```").next())
        .expect("a toml block");
    for line in toml.lines().filter(|l| !l.starts_with('[')) {
        assert!(
            manifest.lines().any(|m| m == line),
            "{line} is not in examples/articles/Cargo.toml"
        );
    }
}
