//! Turns scenario text into tokens with spans.
//!
//! Numbers, addresses and prefixes all start with a digit, so the lexer reads the whole word
//! (`300`, `0x2a`, `10.1.2.3`, `10.0.0.0/8`) and then decides what it is; a word that is none
//! of them (`10.1.2`, `5abc`) is an error at that word. A `-` directly before a digit is part
//! of the number: the language has no subtraction. Newlines are tokens because they end
//! statements, like `;`.

use super::ast::Span;
use super::error::ScriptError;
use super::limits::{MAX_IDENT_LEN, MAX_SCRIPT_BYTES};
use crate::kernel::value::Ipv4;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Ident(String),
    Int(i64),
    Addr(Ipv4),
    Prefix(Ipv4, u8),
    Amp,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Comma,
    Semi,
    Newline,
    Eq,
    Pipe,
    Dot,
    Eof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

/// Splits `src` into tokens, ending with [`Tok::Eof`]. `first_line` numbers the first line
/// (1 for a script; a console line gets its own number).
pub fn lex(src: &str, first_line: u32) -> Result<Vec<Token>, ScriptError> {
    let mut lx = Lexer {
        src,
        pos: 0,
        line: first_line,
        col: 1,
    };
    if src.len() > MAX_SCRIPT_BYTES {
        let mut cut = MAX_SCRIPT_BYTES;
        while !src.is_char_boundary(cut) {
            cut -= 1;
        }
        while lx.pos < cut {
            lx.bump();
        }
        let span = lx.span_from(lx.mark(), lx.pos);
        return Err(ScriptError::at(
            src,
            span,
            format!(
                "the script is longer than {MAX_SCRIPT_BYTES} bytes; this is where the limit is crossed"
            ),
        ));
    }
    let mut out = Vec::new();
    loop {
        let t = lx.next_token()?;
        let end = t.tok == Tok::Eof;
        out.push(t);
        if end {
            return Ok(out);
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    line: u32,
    col: u32,
}

/// Where a token starts.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    line: u32,
    col: u32,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        let mut it = self.src[self.pos..].chars();
        it.next();
        it.next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            line: self.line,
            col: self.col,
        }
    }

    fn span_from(&self, m: Mark, end: usize) -> Span {
        Span {
            line: m.line,
            col: m.col,
            start: m.pos,
            end,
        }
    }

    fn err(&self, m: Mark, msg: impl Into<String>) -> ScriptError {
        ScriptError::at(self.src, self.span_from(m, self.pos), msg)
    }

    fn next_token(&mut self) -> Result<Token, ScriptError> {
        // Skip blanks and comments.
        loop {
            match self.peek() {
                // A `\r\n` is one line end; the token starts at the `\r`, where the editor
                // shows the end of the line.
                Some('\r') if self.peek2() == Some('\n') => break,
                Some(' ' | '\t' | '\r') => {
                    self.bump();
                }
                Some('#') => self.skip_comment(),
                Some('/') if self.peek2() == Some('/') => self.skip_comment(),
                _ => break,
            }
        }
        let m = self.mark();
        let Some(c) = self.peek() else {
            return Ok(Token {
                tok: Tok::Eof,
                span: self.span_from(m, self.pos),
            });
        };
        let single = match c {
            '&' => Some(Tok::Amp),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '{' => Some(Tok::LBrace),
            '}' => Some(Tok::RBrace),
            ',' => Some(Tok::Comma),
            ';' => Some(Tok::Semi),
            '\n' => Some(Tok::Newline),
            '=' => Some(Tok::Eq),
            '|' => Some(Tok::Pipe),
            '.' => Some(Tok::Dot),
            _ => None,
        };
        let tok = if c == '\r' {
            self.bump();
            self.bump();
            Tok::Newline
        } else if let Some(t) = single {
            self.bump();
            t
        } else if c.is_ascii_alphabetic() || c == '_' {
            self.ident(m)?
        } else if c.is_ascii_digit()
            || (c == '-' && self.peek2().is_some_and(|d| d.is_ascii_digit()))
        {
            self.number(m)?
        } else {
            self.bump();
            let what = match c {
                '-' => "expected a number after '-' (the language has no arithmetic)".to_string(),
                '/' => "unexpected '/': a prefix needs an address before it, like 10.0.0.0/8 (comments start with // or #)".to_string(),
                '"' | '\'' => format!("unexpected {c}: the language has no strings"),
                _ => format!("unexpected character '{}'", c.escape_default()),
            };
            return Err(self.err(m, what));
        };
        Ok(Token {
            tok,
            span: self.span_from(m, self.pos),
        })
    }

    /// Up to the line end, which is not part of the comment: a `\n`, or the `\r` of a `\r\n`
    /// (so that the line end's token sits where the editor shows the end of the line).
    fn skip_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' || (c == '\r' && self.peek2() == Some('\n')) {
                break;
            }
            self.bump();
        }
    }

    fn ident(&mut self, m: Mark) -> Result<Tok, ScriptError> {
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            self.bump();
        }
        let text = &self.src[m.pos..self.pos];
        if text.len() > MAX_IDENT_LEN {
            return Err(self.err(
                m,
                format!(
                    "name is {} characters long; names may have at most {MAX_IDENT_LEN}",
                    text.len()
                ),
            ));
        }
        Ok(Tok::Ident(text.to_string()))
    }

    /// A number, address or prefix: read the whole word, then classify it.
    fn number(&mut self, m: Mark) -> Result<Tok, ScriptError> {
        let negative = self.peek() == Some('-');
        if negative {
            self.bump();
        }
        let digits_at = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            self.bump();
        }
        let word = &self.src[digits_at..self.pos];
        if word.contains('.') {
            let Some(addr) = parse_addr(word) else {
                return Err(self.err(
                    m,
                    format!(
                        "expected an IPv4 address like 10.1.2.3 (four numbers 0 to 255), found '{}'",
                        &self.src[m.pos..self.pos]
                    ),
                ));
            };
            if negative {
                return Err(self.err(m, "an IPv4 address cannot be negative"));
            }
            if self.peek() == Some('/') && self.peek2() != Some('/') {
                self.bump();
                let len_at = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.bump();
                }
                let text = &self.src[len_at..self.pos];
                return match text.parse::<u8>() {
                    Ok(len) if len <= 32 && text.bytes().all(|b| b.is_ascii_digit()) => {
                        Ok(Tok::Prefix(addr, len))
                    }
                    _ if text.is_empty() => {
                        Err(self.err(m, "expected a prefix length after '/', like 10.0.0.0/8"))
                    }
                    _ => Err(self.err(
                        m,
                        format!("expected a prefix length from 0 to 32 after '/', found '{text}'"),
                    )),
                };
            }
            return Ok(Tok::Addr(addr));
        }
        let magnitude = match parse_magnitude(word) {
            Ok(n) => n,
            Err(why) => return Err(self.err(m, why)),
        };
        let n = if negative {
            if magnitude > i64::MAX as u128 + 1 {
                None
            } else {
                Some((magnitude as i128).wrapping_neg() as i64)
            }
        } else {
            i64::try_from(magnitude).ok()
        };
        let Some(n) = n else {
            return Err(self.err(
                m,
                format!(
                    "the number {} does not fit in 64 bits",
                    &self.src[m.pos..self.pos]
                ),
            ));
        };
        if self.peek() == Some('/') && self.peek2() != Some('/') {
            self.bump();
            return Err(self.err(
                m,
                "a prefix needs a whole address before the '/', like 10.0.0.0/8",
            ));
        }
        Ok(Tok::Int(n))
    }
}

/// `10.1.2.3` -> the address; None unless it is exactly four decimal numbers 0..=255.
pub fn parse_addr(word: &str) -> Option<Ipv4> {
    let mut a: u32 = 0;
    let mut parts = 0;
    for p in word.split('.') {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = p.parse().ok()?;
        if v > 255 {
            return None;
        }
        a = (a << 8) | v;
        parts += 1;
    }
    (parts == 4).then_some(a)
}

/// The value of a decimal or `0x` hex word, or why it is not a number. u128 holds every i64
/// magnitude, and the digit count is capped so the parse itself cannot overflow.
fn parse_magnitude(word: &str) -> Result<u128, String> {
    let (digits, radix) = match word.strip_prefix("0x").or_else(|| word.strip_prefix("0X")) {
        Some(h) => (h, 16),
        None => (word, 10),
    };
    let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
    if !valid {
        return Err(if radix == 16 {
            format!("expected hex digits after 0x, found '{word}'")
        } else {
            format!("expected a number, found '{word}'")
        });
    }
    let significant = digits.trim_start_matches('0');
    if significant.len() > 30 {
        return Err(format!("the number {word} does not fit in 64 bits"));
    }
    u128::from_str_radix(digits, radix).map_err(|_| format!("expected a number, found '{word}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src, 1).unwrap().into_iter().map(|t| t.tok).collect()
    }

    /// Each token with the line and column it starts at.
    fn toks_at(src: &str) -> Vec<(Tok, u32, u32)> {
        lex(src, 1)
            .unwrap()
            .into_iter()
            .map(|t| (t.tok, t.span.line, t.span.col))
            .collect()
    }

    fn err(src: &str) -> ScriptError {
        lex(src, 1).unwrap_err()
    }

    fn id(s: &str) -> Tok {
        Tok::Ident(s.into())
    }

    #[test]
    fn numbers_addresses_and_prefixes() {
        use Tok::*;
        let cases: &[(&str, Tok)] = &[
            ("300", Int(300)),
            ("0", Int(0)),
            ("-1", Int(-1)),
            ("0x2a", Int(42)),
            ("0XFF", Int(255)),
            ("-0x10", Int(-16)),
            ("007", Int(7)),
            ("9223372036854775807", Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN)),
            ("10.1.2.3", Addr(0x0a01_0203)),
            ("255.255.255.255", Addr(u32::MAX)),
            ("0.0.0.0", Addr(0)),
            ("10.0.0.0/8", Prefix(0x0a00_0000, 8)),
            ("10.1.2.3/32", Prefix(0x0a01_0203, 32)),
            ("0.0.0.0/0", Prefix(0, 0)),
            // Kept as written: the route table decides what host bits mean.
            ("10.1.2.3/8", Prefix(0x0a01_0203, 8)),
        ];
        for (src, want) in cases {
            assert_eq!(toks(src), vec![want.clone(), Eof], "{src}");
        }
    }

    #[test]
    fn punctuation_names_and_fields() {
        use Tok::*;
        assert_eq!(
            toks("r = f(&t1, {1, -2}, A|B, ro.ro_rt, NULL);"),
            vec![
                id("r"),
                Eq,
                id("f"),
                LParen,
                Amp,
                id("t1"),
                Comma,
                LBrace,
                Int(1),
                Comma,
                Int(-2),
                RBrace,
                Comma,
                id("A"),
                Pipe,
                id("B"),
                Comma,
                id("ro"),
                Dot,
                id("ro_rt"),
                Comma,
                id("NULL"),
                RParen,
                Semi,
                Eof
            ]
        );
    }

    #[test]
    fn crlf_is_one_newline_at_the_end_of_the_line() {
        assert_eq!(
            toks_at("a\r\nb \r x"),
            vec![
                (id("a"), 1, 1),
                (Tok::Newline, 1, 2),
                (id("b"), 2, 1),
                (id("x"), 2, 5),
                (Tok::Eof, 2, 6)
            ]
        );
    }

    #[test]
    fn comments_run_to_the_end_of_the_line() {
        use Tok::*;
        assert_eq!(
            toks("a # x ( ;\nb // y )\n10.0.0.0/8// z\n# only\n"),
            vec![
                id("a"),
                Newline,
                id("b"),
                Newline,
                Prefix(0x0a00_0000, 8),
                Newline,
                Newline,
                Eof
            ]
        );
    }

    /// A comment ends before a `\r\n`, so the line end is where the editor shows it (the fuzz
    /// test found `hz#\r\n` pointing at column 5 of the 3-character line `hz#`).
    #[test]
    fn a_comment_leaves_the_crlf_line_end_in_place() {
        assert_eq!(
            toks_at("hz#\r\nb"),
            vec![
                (id("hz"), 1, 1),
                (Tok::Newline, 1, 4),
                (id("b"), 2, 1),
                (Tok::Eof, 2, 2)
            ]
        );
        assert_eq!(toks("a // x\r\n"), vec![id("a"), Tok::Newline, Tok::Eof]);
    }

    #[test]
    fn spans_count_lines_and_character_columns() {
        let ts = lex("é = 1", 1);
        // 'é' is not an identifier character.
        let e = ts.unwrap_err();
        assert_eq!(
            (e.line, e.col, e.msg.as_str()),
            (1, 1, "unexpected character '\\u{e9}'")
        );

        let ts = lex("  hz = 100;\n\tf(-5)", 7).unwrap();
        let s: Vec<(u32, u32, usize, usize)> = ts
            .iter()
            .map(|t| (t.span.line, t.span.col, t.span.start, t.span.end))
            .collect();
        assert_eq!(
            s,
            vec![
                (7, 3, 2, 4),    // hz
                (7, 6, 5, 6),    // =
                (7, 8, 7, 10),   // 100
                (7, 11, 10, 11), // ;
                (7, 12, 11, 12), // newline
                (8, 2, 13, 14),  // f
                (8, 3, 14, 15),  // (
                (8, 4, 15, 17),  // -5
                (8, 6, 17, 18),  // )
                (8, 7, 18, 18),  // eof
            ]
        );
    }

    #[test]
    fn malformed_numbers_are_errors_at_the_word() {
        let cases: &[(&str, u32, &str)] = &[
            ("x = 10.1.2", 5, "expected an IPv4 address like 10.1.2.3 (four numbers 0 to 255), found '10.1.2'"),
            ("x = 10.1.2.256", 5, "expected an IPv4 address like 10.1.2.3 (four numbers 0 to 255), found '10.1.2.256'"),
            ("x = 1.2.3.4.5", 5, "expected an IPv4 address like 10.1.2.3 (four numbers 0 to 255), found '1.2.3.4.5'"),
            ("x = -1.2.3.4", 5, "an IPv4 address cannot be negative"),
            ("x = 10.0.0.0/33", 5, "expected a prefix length from 0 to 32 after '/', found '33'"),
            ("x = 10.0.0.0/", 5, "expected a prefix length after '/', like 10.0.0.0/8"),
            ("x = 10/8", 5, "a prefix needs a whole address before the '/', like 10.0.0.0/8"),
            ("x = 5abc", 5, "expected a number, found '5abc'"),
            ("x = 0x", 5, "expected hex digits after 0x, found '0x'"),
            ("x = 0xg1", 5, "expected hex digits after 0x, found '0xg1'"),
            ("x = 9223372036854775808", 5, "the number 9223372036854775808 does not fit in 64 bits"),
            ("x = 123456789012345678901234567890123456789012", 5, "the number 123456789012345678901234567890123456789012 does not fit in 64 bits"),
            ("x = - 1", 5, "expected a number after '-' (the language has no arithmetic)"),
            ("x = \"s\"", 5, "unexpected \": the language has no strings"),
            ("f(1) / 2", 6, "unexpected '/': a prefix needs an address before it, like 10.0.0.0/8 (comments start with // or #)"),
        ];
        for (src, col, msg) in cases {
            let e = err(src);
            assert_eq!((e.line, e.col, e.msg.as_str()), (1, *col, *msg), "{src}");
        }
    }

    #[test]
    fn limits_on_names_and_script_length() {
        let long = "a".repeat(MAX_IDENT_LEN + 1);
        let e = err(&format!("x = 1\n{long}()"));
        assert_eq!((e.line, e.col), (2, 1));
        assert_eq!(
            e.msg,
            format!(
                "name is {} characters long; names may have at most {MAX_IDENT_LEN}",
                MAX_IDENT_LEN + 1
            )
        );
        assert!(lex(&"a".repeat(MAX_IDENT_LEN), 1).is_ok());

        let line = "hardclock(1)\n";
        let n = MAX_SCRIPT_BYTES / line.len() + 1;
        let e = err(&line.repeat(n));
        assert_eq!(e.line as usize, MAX_SCRIPT_BYTES / line.len() + 1);
        assert!(
            e.msg.starts_with(&format!(
                "the script is longer than {MAX_SCRIPT_BYTES} bytes"
            )),
            "{}",
            e.msg
        );
        assert!(lex(&"#".repeat(MAX_SCRIPT_BYTES), 1).is_ok());
    }
}
