//! The human text's styles: ANSI colours on a terminal, nothing elsewhere.

/// ANSI styles, or nothing.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    pub fn for_stdout() -> Self {
        use std::io::IsTerminal;
        Self {
            colour: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }

    /// Dim, for what matters less.
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }

    /// Bold red: blocked, failed.
    pub fn red(&self, t: &str) -> String {
        self.paint("1;31", t)
    }

    /// Bold green: allowed, sent.
    pub fn green(&self, t: &str) -> String {
        self.paint("1;32", t)
    }

    /// Bold yellow: a warning, a condition.
    pub fn yellow(&self, t: &str) -> String {
        self.paint("1;33", t)
    }
}
