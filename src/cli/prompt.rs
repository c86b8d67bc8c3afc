//! Reading a password or a confirmation for a management command: from the terminal without
//! echo (asked twice), or one line from stdin when stdin is not a terminal (scripts, pipes).
use std::io::{BufRead, IsTerminal, Write};

/// A new password: `given` (from the command line) when there is one, else prompted twice on a
/// terminal, else the first line of stdin (without its line ending).
pub fn new_password(given: Option<String>) -> Result<String, String> {
    if let Some(p) = given {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New password: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let second = rpassword::prompt_password("Repeat the password: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != second {
            return Err("the two passwords differ; nothing was changed".into());
        }
        Ok(first)
    } else {
        let line = read_line()?;
        if line.is_empty() {
            return Err("no password on stdin; nothing was changed".into());
        }
        Ok(line)
    }
}

/// Whether the operator confirmed `question`: `yes` typed on a terminal. Without a terminal
/// nobody can answer, so the answer is no and the caller asks for `--yes`.
pub fn confirm(question: &str) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} Type `yes` to confirm: ");
    let _ = std::io::stderr().flush();
    Ok(read_line()?.trim() == "yes")
}

/// One line of stdin without its `\n` or `\r\n`.
fn read_line() -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(strip_line_ending(line))
}

fn strip_line_ending(mut line: String) -> String {
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_line_ending_is_removed() {
        assert_eq!(strip_line_ending("pw \n".into()), "pw ");
        assert_eq!(strip_line_ending("pw\r\n".into()), "pw");
        assert_eq!(strip_line_ending(" pw".into()), " pw");
    }
}
