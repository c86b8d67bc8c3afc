//! Every crate in the dependency graph has a licence Daemun (Apache-2.0) may ship with, and
//! docs/licenses.md lists them all. Regenerate the list after changing dependencies with
//! `DAEMUN_UPDATE_LICENSES=1 cargo test --test api licenses`.
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// SPDX identifiers compatible with distributing Daemun under Apache-2.0. The reasons are in
/// docs/security.md ("Dependencies").
const ALLOWED: &[&str] = &[
    "0BSD",
    "Apache-2.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "BSL-1.0",
    "CC0-1.0",
    "ISC",
    "MIT",
    "MIT-0",
    "MPL-2.0",
    "OpenSSL",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "Zlib",
];

/// Exceptions (`X WITH E`) that only grant more than `X`.
const ALLOWED_EXCEPTIONS: &[&str] = &["LLVM-exception"];

/// The whole resolved graph (every platform, build and dev dependencies too), offline and
/// exactly as Cargo.lock has it.
fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (name, version, licence) of every crate that is not part of this workspace, sorted.
fn dependencies(meta: &Value) -> Vec<(String, String, String)> {
    let members: Vec<&str> = meta["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut deps: Vec<_> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !members.contains(&p["id"].as_str().unwrap_or_default()))
        .map(|p| {
            let text = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            (text("name"), text("version"), text("license"))
        })
        .collect();
    deps.sort();
    deps.dedup();
    deps
}

/// Whether an SPDX expression (also the old `A/B` form) lets us use the crate: an `OR` needs
/// one allowed side, an `AND` needs both.
fn allowed(expression: &str) -> bool {
    let spaced = expression
        .replace('/', " OR ")
        .replace('(', " ( ")
        .replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    let ok = any_of(&tokens, &mut pos);
    ok == Some(true) && pos == tokens.len()
}

fn any_of(t: &[&str], pos: &mut usize) -> Option<bool> {
    let mut ok = all_of(t, pos)?;
    while t.get(*pos) == Some(&"OR") {
        *pos += 1;
        ok |= all_of(t, pos)?;
    }
    Some(ok)
}

fn all_of(t: &[&str], pos: &mut usize) -> Option<bool> {
    let mut ok = one(t, pos)?;
    while t.get(*pos) == Some(&"AND") {
        *pos += 1;
        ok &= one(t, pos)?;
    }
    Some(ok)
}

fn one(t: &[&str], pos: &mut usize) -> Option<bool> {
    let token = *t.get(*pos)?;
    *pos += 1;
    if token == "(" {
        let ok = any_of(t, pos)?;
        (t.get(*pos) == Some(&")")).then_some(())?;
        *pos += 1;
        return Some(ok);
    }
    if matches!(token, ")" | "OR" | "AND" | "WITH") {
        return None;
    }
    let mut ok = ALLOWED.contains(&token.trim_end_matches('+'));
    if t.get(*pos) == Some(&"WITH") {
        let exception = *t.get(*pos + 1)?;
        *pos += 2;
        ok &= ALLOWED_EXCEPTIONS.contains(&exception);
    }
    Some(ok)
}

fn render(deps: &[(String, String, String)]) -> String {
    let mut doc = String::from(
        "# Dependency licences\n\n\
         Every crate in Daemun's resolved dependency graph (all platforms, including build and \
         development dependencies), with the licence its manifest declares. Generated; a test \
         (`licenses` in tests/api) fails when it is out of date or when a licence is not on the \
         allowlist in docs/security.md (\"Dependencies\"). Regenerate with:\n\n\
         ```sh\nDAEMUN_UPDATE_LICENSES=1 cargo test --test api licenses\n```\n\n\
         | crate | version | licence |\n| --- | --- | --- |\n",
    );
    for (name, version, license) in deps {
        doc.push_str(&format!("| {name} | {version} | {license} |\n"));
    }
    doc
}

#[test]
fn spdx_expressions_are_judged_by_their_operators() {
    assert!(allowed("MIT OR Apache-2.0"));
    assert!(allowed("MIT/Apache-2.0"));
    assert!(allowed(
        "Apache-2.0 WITH LLVM-exception OR Apache-2.0 OR MIT"
    ));
    assert!(allowed("(MIT OR Apache-2.0) AND Unicode-3.0"));
    assert!(
        allowed("Apache-2.0 OR GPL-2.0-only"),
        "one allowed choice is enough"
    );
    assert!(!allowed("MIT AND GPL-3.0-only"), "both terms apply");
    assert!(!allowed("GPL-3.0-or-later"));
    assert!(!allowed("MIT WITH Unknown-exception"));
    assert!(!allowed(""), "a crate must declare its licence");
    assert!(!allowed("(MIT OR Apache-2.0"));
    assert!(!allowed("MIT OR"));
}

#[test]
fn licenses_of_dependencies_are_allowed_and_listed() {
    let deps = dependencies(&metadata());
    assert!(deps.len() > 50, "the whole graph is read");
    let refused: Vec<String> = deps
        .iter()
        .filter(|(_, _, license)| !allowed(license))
        .map(|(name, version, license)| format!("{name} {version}: {license:?}"))
        .collect();
    assert!(
        refused.is_empty(),
        "licences outside the allowlist:\n{}",
        refused.join("\n")
    );

    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/licenses.md");
    let expected = render(&deps);
    if std::env::var("DAEMUN_UPDATE_LICENSES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &expected).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == expected,
        "docs/licenses.md is out of date; regenerate it with \
         `DAEMUN_UPDATE_LICENSES=1 cargo test --test api licenses`"
    );
}
