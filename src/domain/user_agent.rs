//! A short, human description of a browser from its `User-Agent` ("Firefox on Windows"), for
//! the sessions page. A guess, never used for decisions.

/// `(browser, system)`; either is `None` when not recognised.
pub fn summarize(ua: &str) -> (Option<&'static str>, Option<&'static str>) {
    // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
    const BROWSERS: [(&str, &str); 7] = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ];
    const SYSTEMS: [(&str, &str); 7] = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ];
    let browser = BROWSERS
        .iter()
        .find(|(needle, _)| ua.contains(needle))
        .map(|(_, name)| *name);
    let system = SYSTEMS
        .iter()
        .find(|(needle, _)| ua.contains(needle))
        .map(|(_, name)| *name);
    (browser, system)
}

#[cfg(test)]
mod tests {
    use super::summarize;

    #[test]
    fn common_browsers_are_recognised() {
        let firefox =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(summarize(firefox), (Some("Firefox"), Some("Windows")));
        let edge =
            "Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/120 Safari/537.36 Edg/120";
        assert_eq!(summarize(edge).0, Some("Edge"));
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(summarize(iphone), (Some("Safari"), Some("iOS")));
        let android =
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36";
        assert_eq!(summarize(android), (Some("Chrome"), Some("Android")));
        assert_eq!(summarize("curl/8.0"), (None, None));
        assert_eq!(summarize(""), (None, None));
    }
}
