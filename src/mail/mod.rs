//! Mail: typed messages rendered from templates, transports (SMTP, files, memory) and the
//! outbox sender that delivers queued mail with retries.
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;
use crate::store::outbox::OutboxMail;

pub mod message;
pub mod worker;

/// A delivered mail as the memory transport keeps it.
#[derive(Debug, Clone)]
pub struct SentMail {
    /// The `From` header as sent (display name and address).
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Each mail becomes an `.eml` file and its links are logged (development).
    File(PathBuf),
    /// Kept in memory (tests).
    Memory(Arc<Mutex<Vec<SentMail>>>),
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("bad mail configuration: {0}")]
    Config(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl Mailer {
    /// The mailer `config` describes; a `mail.from` without a display name gets
    /// `display_name` (the product's name).
    pub fn from_config(config: &MailConfig, display_name: &str) -> Result<Self, MailError> {
        let mut from: Mailbox = config
            .from
            .parse()
            .map_err(|e| MailError::Config(format!("mail.from: {e}")))?;
        if from.name.is_none() {
            from.name = Some(display_name.to_owned());
        }
        let transport = match config.transport.as_str() {
            "smtp" => Transport::Smtp(smtp_transport(config)?),
            "memory" => Transport::Memory(Arc::default()),
            _ => Transport::File(PathBuf::from(&config.file_dir)),
        };
        Ok(Self { from, transport })
    }

    /// Mail delivered so far by the memory transport (empty for the others).
    pub fn delivered(&self) -> Vec<SentMail> {
        match &self.transport {
            Transport::Memory(m) => m.lock().map(|v| v.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    pub async fn send(&self, mail: &OutboxMail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to_address
            .parse()
            .map_err(|e| MailError::Build(format!("recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                mail.body_text.clone(),
                mail.body_html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message)
                    .await
                    .map_err(|e| MailError::Delivery(e.to_string()))?;
            }
            Transport::File(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Delivery(format!("{}: {e}", dir.display())))?;
                let path = dir.join(format!("{:06}.eml", mail.mail_id));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| MailError::Delivery(format!("{}: {e}", path.display())))?;
                let links: Vec<&str> = mail
                    .body_text
                    .split_whitespace()
                    .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
                    .collect();
                tracing::info!(
                    to = %mail.to_address,
                    subject = %mail.subject,
                    file = %path.display(),
                    links = ?links,
                    "mail written to file"
                );
            }
            Transport::Memory(sink) => {
                if let Ok(mut v) = sink.lock() {
                    v.push(SentMail {
                        from: self.from.to_string(),
                        to: mail.to_address.clone(),
                        subject: mail.subject.clone(),
                        text: mail.body_text.clone(),
                        html: mail.body_html.clone(),
                    });
                }
            }
        }
        Ok(())
    }
}

fn smtp_transport(c: &MailConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, MailError> {
    let builder = match c.smtp_security.as_str() {
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&c.smtp_host),
        "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.smtp_host),
        _ => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
            &c.smtp_host,
        )),
    }
    .map_err(|e| MailError::Config(format!("mail.smtp_host: {e}")))?;
    let mut builder = builder
        .port(c.smtp_port)
        .timeout(Some(Duration::from_secs(c.smtp_timeout_secs)));
    if !c.smtp_username.is_empty() {
        builder = builder.credentials(Credentials::new(
            c.smtp_username.clone(),
            c.smtp_password.clone(),
        ));
    }
    Ok(builder.build())
}
