//! Mail over real SMTP, to an aiosmtpd server started by the test (a real SMTP peer, not a
//! mock). `scripts/ensure-smtp-server` provides the interpreter; `DAEMUN_TEST_PYTHON` names it.
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::*;

struct SmtpServer {
    child: Child,
    maildir: PathBuf,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> String {
    std::env::var("DAEMUN_TEST_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into())
}

async fn start_smtp(port: u16, dir: &Path) -> SmtpServer {
    let maildir = dir.join("maildir");
    let child = Command::new(python())
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start aiosmtpd with {} (run scripts/ensure-smtp-server): {e}",
                python()
            )
        });
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return SmtpServer { child, maildir };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not start on port {port}");
}

/// Waits for the first delivered message in the Maildir and returns it.
async fn received(server: &SmtpServer) -> String {
    for _ in 0..200 {
        if let Ok(entries) = std::fs::read_dir(server.maildir.join("new"))
            && let Some(entry) = entries.flatten().next()
        {
            return std::fs::read_to_string(entry.path()).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no mail arrived at the SMTP server");
}

fn smtp_config(c: &mut daemun::config::Config, port: u16) {
    c.mail.transport = "smtp".into();
    c.mail.smtp_host = "127.0.0.1".into();
    c.mail.smtp_port = port;
    c.mail.smtp_security = "plain".into();
    c.mail.smtp_timeout_secs = 2;
    c.mail.from = "Daemun <no-reply@example.com>".into();
}

#[tokio::test]
async fn the_verification_mail_is_delivered_over_smtp() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let server = start_smtp(port, dir.path()).await;
    let app = TestApp::spawn_with(|c| smtp_config(c, port)).await;
    assert_eq!(
        app.signup("smtp@example.com", "Smtp Person").await.status(),
        200
    );
    let raw = received(&server).await;
    assert!(raw.contains("To: smtp@example.com"), "{raw}");
    assert!(raw.contains("From: Daemun <no-reply@example.com>"));
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("text/plain") && raw.contains("text/html"));
    // The link survives transfer encoding: unfold quoted-printable soft breaks first.
    let unfolded = raw.replace("=\r\n", "").replace("=\n", "");
    assert!(
        unfolded.contains(&format!("{}/verify/", app.addr)),
        "{unfolded}"
    );
    // The sender marks the mail sent just after the server accepted it.
    for _ in 0..100 {
        if app.state.store.pending_mail_count().await.unwrap() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the outbox still holds the delivered mail");
}

#[tokio::test]
async fn mail_queued_while_smtp_is_down_is_delivered_when_it_returns() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let app = TestApp::spawn_with(|c| smtp_config(c, port)).await;
    // SMTP is down: the request still succeeds and the mail waits in the outbox.
    assert_eq!(app.signup("later@example.com", "Later").await.status(), 200);
    // The sender tried once and failed: the outbox says so.
    let mut tried = false;
    for _ in 0..200 {
        let waiting = app.state.store.outbox_mails(false, 10).await.unwrap();
        if waiting.iter().any(|m| m.last_error.is_some()) {
            tried = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(tried, "a delivery was attempted");
    assert_eq!(
        app.state.store.pending_mail_count().await.unwrap(),
        1,
        "kept, not lost"
    );

    let server = start_smtp(port, dir.path()).await;
    // The retry is due after the backoff (the test clock moves only when told).
    app.clock.advance_secs(2);
    let raw = received(&server).await;
    assert!(raw.contains("To: later@example.com"));
    for _ in 0..50 {
        if app.state.store.pending_mail_count().await.unwrap() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the outbox still holds the mail after delivery");
}
