//! Builds the [`Program`] tree from tokens, one statement at a time.
//!
//! The grammar is flat, so the parser is a loop with no recursion:
//!
//! ```text
//! program   := { sep } [ statement { sep { sep } statement } ] { sep }     sep := ';' | newline
//! statement := 'handler' NAME '{' { sep } [ simple { sep { sep } simple } ] { sep } '}'
//!            | simple
//! simple    := NAME '(' [ value { ',' value } ] ')'
//!            | target '=' NAME '(' [ value { ',' value } ] ')'
//!            | target '=' value
//! target    := NAME [ '.' NAME ]
//! value     := INT | ADDR | PREFIX | NULL | '&' NAME | NAME [ '.' NAME ] | NAME '|' NAME { '|' NAME }
//!            | '{' INT { ',' INT } '}'
//! ```
//!
//! A handler's closing `}` also ends the statement, so `handler f { g() } hardclock(1)` needs no
//! `;`. Calls and struct literals stay on one line, so an unclosed `(` is reported on its own line.

use super::ast::{Arg, ArgKind, Name, Program, Span, Stmt, StmtKind, Target};
use super::error::ScriptError;
use super::lexer::{lex, Tok, Token};
use super::limits::{MAX_ARGS, MAX_FLAGS, MAX_STATEMENTS, MAX_STRUCT_FIELDS};

/// The keyword that opens a handler body.
pub const HANDLER: &str = "handler";
/// The null pointer literal.
pub const NULL: &str = "NULL";

/// Parses a whole script (line numbers from 1).
pub fn parse(src: &str) -> Result<Program, ScriptError> {
    parse_at(src, 1, "end of script")
}

/// Parses text whose first line is `first_line`; `eof_name` says what running out of text is
/// called in messages ("end of script", or "end of line" for the console).
pub fn parse_at(src: &str, first_line: u32, eof_name: &str) -> Result<Program, ScriptError> {
    let toks = lex(src, first_line)?;
    let mut p = Parser {
        src,
        toks,
        i: 0,
        count: 0,
        eof_name,
    };
    p.program()
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    /// Statements seen so far, handler bodies included.
    count: usize,
    eof_name: &'a str,
}

/// What a value is for, to say what was expected when it is missing.
enum Ctx<'n> {
    Arg(&'n str, usize),
    Rhs,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof and the parser never moves past it.
        &self.toks[self.i.min(self.toks.len() - 1)]
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.i + k).min(self.toks.len() - 1)].tok
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.i += 1;
        }
        t
    }

    /// How a token is named in "found ..." messages.
    fn describe(&self, t: &Token) -> String {
        match t.tok {
            Tok::Newline => "end of line".to_string(),
            Tok::Eof => self.eof_name.to_string(),
            _ => format!(
                "'{}'",
                self.src.get(t.span.start..t.span.end).unwrap_or("?")
            ),
        }
    }

    fn error(&self, t: &Token, expected: impl std::fmt::Display) -> ScriptError {
        ScriptError::at(
            self.src,
            t.span,
            format!("expected {expected}, found {}", self.describe(t)),
        )
    }

    fn skip_seps(&mut self) {
        while matches!(self.peek().tok, Tok::Semi | Tok::Newline) {
            self.next();
        }
    }

    fn program(&mut self) -> Result<Program, ScriptError> {
        let mut stmts = Vec::new();
        loop {
            self.skip_seps();
            if self.peek().tok == Tok::Eof {
                return Ok(Program { stmts });
            }
            let s = self.statement(None)?;
            let is_handler = matches!(s.kind, StmtKind::Handler { .. });
            stmts.push(s);
            if !is_handler {
                self.end_of_statement(false)?;
            }
        }
    }

    fn end_of_statement(&self, in_handler: bool) -> Result<(), ScriptError> {
        let t = self.peek();
        match t.tok {
            Tok::Semi | Tok::Newline | Tok::Eof => Ok(()),
            Tok::RBrace if in_handler => Ok(()),
            _ => Err(self.error(t, "';' or a new line after the statement")),
        }
    }

    fn name(&mut self) -> Name {
        let t = self.next();
        let text = match t.tok {
            Tok::Ident(s) => s,
            _ => String::new(),
        };
        Name { text, span: t.span }
    }

    /// An identifier that can name something (not `NULL`).
    fn is_name(tok: &Tok) -> bool {
        matches!(tok, Tok::Ident(s) if s != NULL)
    }

    fn statement(&mut self, in_handler: Option<&Name>) -> Result<Stmt, ScriptError> {
        let first = self.peek().clone();
        self.count += 1;
        if self.count > MAX_STATEMENTS {
            return Err(ScriptError::at(
                self.src,
                first.span,
                format!("too many statements: a script may have at most {MAX_STATEMENTS}"),
            ));
        }
        match &first.tok {
            Tok::Ident(k) if k == HANDLER => match in_handler {
                Some(outer) => Err(ScriptError::at(
                    self.src,
                    first.span,
                    format!(
                        "handlers cannot be nested: this handler is inside handler {}",
                        outer.text
                    ),
                )),
                None => self.handler(),
            },
            Tok::Ident(k) if k == NULL => Err(ScriptError::at(
                self.src,
                first.span,
                "NULL cannot be assigned to or called",
            )),
            Tok::Ident(_) => self.simple(),
            _ => Err(self.error(
                &first,
                "a statement (a call like hardclock(1), an assignment like x = 5, or handler NAME { ... })",
            )),
        }
    }

    fn handler(&mut self) -> Result<Stmt, ScriptError> {
        let kw = self.next();
        if !Self::is_name(&self.peek().tok) || self.peek().tok == Tok::Ident(HANDLER.into()) {
            return Err(self.error(self.peek(), "a handler name after 'handler'"));
        }
        let name = self.name();
        if self.peek().tok != Tok::LBrace {
            return Err(self.error(
                self.peek(),
                format_args!("'{{' after handler {}", name.text),
            ));
        }
        self.next();
        let mut body = Vec::new();
        loop {
            self.skip_seps();
            let t = self.peek().clone();
            match t.tok {
                Tok::RBrace => {
                    self.next();
                    return Ok(Stmt {
                        kind: StmtKind::Handler { name, body },
                        span: kw.span.to(t.span),
                    });
                }
                Tok::Eof => {
                    return Err(self.error(
                        &t,
                        format_args!(
                            "'}}' to close handler {} (opened at line {})",
                            name.text, kw.span.line
                        ),
                    ))
                }
                _ => {
                    body.push(self.statement(Some(&name))?);
                    self.end_of_statement(true)?;
                }
            }
        }
    }

    /// A call or an assignment.
    fn simple(&mut self) -> Result<Stmt, ScriptError> {
        let first = self.name();
        let start = first.span;
        let target = match self.peek().tok {
            Tok::LParen => return self.call(None, first, start),
            Tok::Eq => Target::Var(first),
            Tok::Dot => {
                self.next();
                if !Self::is_name(&self.peek().tok) {
                    return Err(self.error(
                        self.peek(),
                        format_args!("a field name after '{}.'", first.text),
                    ));
                }
                let field = self.name();
                if self.peek().tok != Tok::Eq {
                    return Err(self.error(
                        self.peek(),
                        format_args!("'=' after {}.{}", first.text, field.text),
                    ));
                }
                Target::Field(first, field)
            }
            _ => {
                return Err(self.error(self.peek(), format_args!("'(' or '=' after {}", first.text)))
            }
        };
        self.next(); // '='
        if Self::is_name(&self.peek().tok) && *self.peek_at(1) == Tok::LParen {
            let name = self.name();
            return self.call(Some(target), name, start);
        }
        let value = self.value(Ctx::Rhs)?;
        Ok(Stmt {
            span: start.to(value.span),
            kind: StmtKind::Assign { target, value },
        })
    }

    fn call(
        &mut self,
        target: Option<Target>,
        name: Name,
        start: Span,
    ) -> Result<Stmt, ScriptError> {
        self.next(); // '('
        let mut args = Vec::new();
        if self.peek().tok == Tok::RParen {
            let close = self.next();
            return Ok(Stmt {
                kind: StmtKind::Call { target, name, args },
                span: start.to(close.span),
            });
        }
        loop {
            if args.len() == MAX_ARGS {
                return Err(ScriptError::at(
                    self.src,
                    self.peek().span,
                    format!("too many arguments: a call may have at most {MAX_ARGS}"),
                ));
            }
            args.push(self.value(Ctx::Arg(&name.text, args.len()))?);
            let t = self.next();
            match t.tok {
                Tok::Comma => {}
                Tok::RParen => {
                    return Ok(Stmt {
                        kind: StmtKind::Call { target, name, args },
                        span: start.to(t.span),
                    })
                }
                Tok::Semi | Tok::Newline | Tok::Eof | Tok::RBrace => {
                    return Err(
                        self.error(&t, format_args!("')' after the arguments of {}", name.text))
                    )
                }
                _ => {
                    return Err(self.error(
                        &t,
                        format_args!("',' or ')' after argument {} of {}", args.len(), name.text),
                    ))
                }
            }
        }
    }

    fn value(&mut self, ctx: Ctx) -> Result<Arg, ScriptError> {
        let t = self.next();
        let kind = match &t.tok {
            Tok::Int(n) => ArgKind::Int(*n),
            Tok::Addr(a) => ArgKind::Addr(*a),
            Tok::Prefix(a, l) => ArgKind::Prefix(*a, *l),
            Tok::Ident(s) if s == NULL => ArgKind::Null,
            Tok::Amp => {
                if !Self::is_name(&self.peek().tok) {
                    return Err(self.error(self.peek(), "an object name after '&', like &t1"));
                }
                let n = self.name();
                return Ok(Arg {
                    kind: ArgKind::Ref(n.text),
                    span: t.span.to(n.span),
                });
            }
            Tok::Ident(s) => match self.peek().tok {
                Tok::Dot => {
                    self.next();
                    if !Self::is_name(&self.peek().tok) {
                        return Err(
                            self.error(self.peek(), format_args!("a field name after '{s}.'"))
                        );
                    }
                    let f = self.name();
                    return Ok(Arg {
                        kind: ArgKind::Field(s.clone(), f.text),
                        span: t.span.to(f.span),
                    });
                }
                Tok::Pipe => return self.flags(s.clone(), t.span),
                _ => ArgKind::Ident(s.clone()),
            },
            Tok::LBrace => return self.strukt(t.span),
            _ => {
                let what = "a number, name, &name, NULL, address, prefix or {a, b}";
                return Err(match ctx {
                    Ctx::Arg(f, i) => {
                        self.error(&t, format_args!("argument {} of {f} ({what})", i + 1))
                    }
                    Ctx::Rhs => self.error(&t, format_args!("a value after '=' ({what})")),
                });
            }
        };
        Ok(Arg { kind, span: t.span })
    }

    fn flags(&mut self, first: String, start: Span) -> Result<Arg, ScriptError> {
        let mut names = vec![first];
        let mut end = start;
        while self.peek().tok == Tok::Pipe {
            self.next();
            if !Self::is_name(&self.peek().tok) {
                return Err(self.error(self.peek(), "a flag name after '|', like RTF_HOST"));
            }
            if names.len() == MAX_FLAGS {
                return Err(ScriptError::at(
                    self.src,
                    self.peek().span,
                    format!("too many flags: a union may have at most {MAX_FLAGS}"),
                ));
            }
            let n = self.name();
            end = n.span;
            names.push(n.text);
        }
        Ok(Arg {
            kind: ArgKind::Flags(names),
            span: start.to(end),
        })
    }

    fn strukt(&mut self, open: Span) -> Result<Arg, ScriptError> {
        let mut fields = Vec::new();
        loop {
            let t = self.next();
            match t.tok {
                Tok::Int(n) if fields.len() < MAX_STRUCT_FIELDS => fields.push(n),
                Tok::Int(_) => {
                    return Err(ScriptError::at(
                        self.src,
                        t.span,
                        format!(
                        "too many fields: a struct literal may have at most {MAX_STRUCT_FIELDS}"
                    ),
                    ))
                }
                _ => {
                    return Err(self.error(&t, "an integer in the struct literal, like {1, 500000}"))
                }
            }
            let t = self.next();
            match t.tok {
                Tok::Comma => {}
                Tok::RBrace => {
                    return Ok(Arg {
                        kind: ArgKind::Struct(fields),
                        span: open.to(t.span),
                    })
                }
                _ => return Err(self.error(&t, "',' or '}' in the struct literal")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(src: &str) -> StmtKind {
        let p = parse(src).unwrap();
        assert_eq!(p.stmts.len(), 1, "{src}");
        p.stmts.into_iter().next().unwrap().kind
    }

    fn err(src: &str) -> (u32, u32, String) {
        let e = parse(src).unwrap_err();
        (e.line, e.col, e.msg)
    }

    fn text(src: &str, s: Span) -> &str {
        &src[s.start..s.end]
    }

    #[test]
    fn a_call_with_every_kind_of_argument() {
        let src = "f(300, -1, 0x10, t, &t1, NULL, 10.1.2.3, 10.0.0.0/8, {1, -500000}, RTF_HOST|RTF_DYNAMIC, ro.ro_rt)";
        let StmtKind::Call { target, name, args } = one(src) else {
            panic!("not a call")
        };
        assert_eq!((target, name.text.as_str()), (None, "f"));
        let kinds: Vec<ArgKind> = args.iter().map(|a| a.kind.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                ArgKind::Int(300),
                ArgKind::Int(-1),
                ArgKind::Int(16),
                ArgKind::Ident("t".into()),
                ArgKind::Ref("t1".into()),
                ArgKind::Null,
                ArgKind::Addr(0x0a01_0203),
                ArgKind::Prefix(0x0a00_0000, 8),
                ArgKind::Struct(vec![1, -500_000]),
                ArgKind::Flags(vec!["RTF_HOST".into(), "RTF_DYNAMIC".into()]),
                ArgKind::Field("ro".into(), "ro_rt".into()),
            ]
        );
        let texts: Vec<&str> = args.iter().map(|a| text(src, a.span)).collect();
        assert_eq!(
            texts,
            vec![
                "300",
                "-1",
                "0x10",
                "t",
                "&t1",
                "NULL",
                "10.1.2.3",
                "10.0.0.0/8",
                "{1, -500000}",
                "RTF_HOST|RTF_DYNAMIC",
                "ro.ro_rt"
            ]
        );
    }

    #[test]
    fn assignments_of_every_shape() {
        let StmtKind::Call { target, name, args } = one("r = timeout_add(&t1, 300)") else {
            panic!()
        };
        assert!(matches!(target, Some(Target::Var(n)) if n.text == "r"));
        assert_eq!((name.text.as_str(), args.len()), ("timeout_add", 2));

        let StmtKind::Assign { target, value } = one("hz = 100;") else {
            panic!()
        };
        assert!(matches!(target, Target::Var(n) if n.text == "hz"));
        assert_eq!(value.kind, ArgKind::Int(100));

        let src = "ro.ro_dst = 10.1.2.3";
        let StmtKind::Assign { target, value } = one(src) else {
            panic!()
        };
        assert_eq!(text(src, target.span()), "ro.ro_dst");
        assert!(matches!(target, Target::Field(o, f) if o.text == "ro" && f.text == "ro_dst"));
        assert_eq!(value.kind, ArgKind::Addr(0x0a01_0203));

        assert!(
            matches!(one("x = y"), StmtKind::Assign { value: Arg { kind: ArgKind::Ident(y), .. }, .. } if y == "y")
        );
        assert!(matches!(
            one("x = ro.ro_rt"),
            StmtKind::Assign {
                value: Arg {
                    kind: ArgKind::Field(..),
                    ..
                },
                ..
            }
        ));
        assert!(matches!(one("f()"), StmtKind::Call { args, .. } if args.is_empty()));
    }

    #[test]
    fn handlers_span_lines_and_end_their_statement() {
        let src = "handler tcp_rexmt {\n  callout_reset(&c, 50, tcp_rexmt, tp)\n\n  busy(3); }  hardclock(1)";
        let p = parse(src).unwrap();
        assert_eq!(p.stmts.len(), 2);
        let StmtKind::Handler { name, body } = &p.stmts[0].kind else {
            panic!()
        };
        assert_eq!(name.text, "tcp_rexmt");
        assert_eq!(body.len(), 2);
        assert_eq!(body[1].span.line, 4);
        assert_eq!(
            text(src, p.stmts[0].span),
            &src[..src.find('}').unwrap() + 1]
        );
        assert!(
            matches!(parse("handler f {}").unwrap().stmts[0].kind, StmtKind::Handler { ref body, .. } if body.is_empty())
        );
        assert!(
            matches!(parse("handler f { g() }").unwrap().stmts[0].kind, StmtKind::Handler { ref body, .. } if body.len() == 1)
        );
    }

    #[test]
    fn separators_and_blank_lines() {
        let p = parse("\n;; a(1); b(2)\n\n c = 3 ;\n# done\n").unwrap();
        let lines: Vec<u32> = p.stmts.iter().map(|s| s.span.line).collect();
        assert_eq!(lines, vec![2, 2, 4]);
        assert!(parse("").unwrap().stmts.is_empty());
        assert!(parse("  # nothing\n// at all").unwrap().stmts.is_empty());
    }

    #[test]
    fn spans_of_statements_and_names() {
        let src = "hz = 100\n  r = timeout_add(&t1, 300);";
        let p = parse(src).unwrap();
        let s = &p.stmts[1];
        assert_eq!((s.span.line, s.span.col), (2, 3));
        assert_eq!(text(src, s.span), "r = timeout_add(&t1, 300)");
        let StmtKind::Call { name, args, .. } = &s.kind else {
            panic!()
        };
        assert_eq!((name.span.line, name.span.col), (2, 7));
        assert_eq!((args[1].span.line, args[1].span.col), (2, 24));
        assert_eq!(text(src, p.stmts[0].span), "hz = 100");
    }

    #[test]
    fn syntax_errors_say_what_was_expected() {
        let cases: &[(&str, u32, u32, &str)] = &[
            ("hz = 100\n\ntimeout_add(&t1, 300;", 3, 21, "expected ')' after the arguments of timeout_add, found ';'"),
            ("timeout_add(&t1, 300", 1, 21, "expected ')' after the arguments of timeout_add, found end of script"),
            ("timeout_add(&t1, 300\nhardclock(1)", 1, 21, "expected ')' after the arguments of timeout_add, found end of line"),
            ("timeout_add(&t1 300)", 1, 17, "expected ',' or ')' after argument 1 of timeout_add, found '300'"),
            ("f(a,)", 1, 5, "expected argument 2 of f (a number, name, &name, NULL, address, prefix or {a, b}), found ')'"),
            ("f(,)", 1, 3, "expected argument 1 of f (a number, name, &name, NULL, address, prefix or {a, b}), found ','"),
            ("x = ", 1, 5, "expected a value after '=' (a number, name, &name, NULL, address, prefix or {a, b}), found end of script"),
            ("x = ;", 1, 5, "expected a value after '=' (a number, name, &name, NULL, address, prefix or {a, b}), found ';'"),
            ("hardclock", 1, 10, "expected '(' or '=' after hardclock, found end of script"),
            ("hardclock 5", 1, 11, "expected '(' or '=' after hardclock, found '5'"),
            ("hardclock(1) hardclock(2)", 1, 14, "expected ';' or a new line after the statement, found 'hardclock'"),
            ("x = 5 6", 1, 7, "expected ';' or a new line after the statement, found '6'"),
            ("5 = x", 1, 1, "expected a statement (a call like hardclock(1), an assignment like x = 5, or handler NAME { ... }), found '5'"),
            ("}", 1, 1, "expected a statement (a call like hardclock(1), an assignment like x = 5, or handler NAME { ... }), found '}'"),
            ("NULL = 5", 1, 1, "NULL cannot be assigned to or called"),
            ("f(&)", 1, 4, "expected an object name after '&', like &t1, found ')'"),
            ("f(&NULL)", 1, 4, "expected an object name after '&', like &t1, found 'NULL'"),
            ("f(A|)", 1, 5, "expected a flag name after '|', like RTF_HOST, found ')'"),
            ("f(A|5)", 1, 5, "expected a flag name after '|', like RTF_HOST, found '5'"),
            ("f({})", 1, 4, "expected an integer in the struct literal, like {1, 500000}, found '}'"),
            ("f({1 2})", 1, 6, "expected ',' or '}' in the struct literal, found '2'"),
            ("f({x, 1})", 1, 4, "expected an integer in the struct literal, like {1, 500000}, found 'x'"),
            ("f(ro.)", 1, 6, "expected a field name after 'ro.', found ')'"),
            ("ro. = 1", 1, 5, "expected a field name after 'ro.', found '='"),
            ("ro.ro_dst 1", 1, 11, "expected '=' after ro.ro_dst, found '1'"),
            ("handler { }", 1, 9, "expected a handler name after 'handler', found '{'"),
            ("handler f g()", 1, 11, "expected '{' after handler f, found 'g'"),
            ("handler f {\n g()\n", 3, 1, "expected '}' to close handler f (opened at line 1), found end of script"),
            ("handler f { g() h() }", 1, 17, "expected ';' or a new line after the statement, found 'h'"),
            ("handler f {\n handler g { } }", 2, 2, "handlers cannot be nested: this handler is inside handler f"),
            ("x = f(1", 1, 8, "expected ')' after the arguments of f, found end of script"),
        ];
        for (src, line, col, msg) in cases {
            let got = err(src);
            assert_eq!(got, (*line, *col, msg.to_string()), "{src}");
        }
    }

    #[test]
    fn console_lines_keep_their_number_and_say_end_of_line() {
        let e = parse_at("f(1", 12, "end of line").unwrap_err();
        assert_eq!((e.line, e.col), (12, 4));
        assert_eq!(
            e.msg,
            "expected ')' after the arguments of f, found end of line"
        );
    }

    #[test]
    fn limits_on_statements_arguments_fields_and_flags() {
        let ok = "f()\n".repeat(MAX_STATEMENTS);
        assert_eq!(parse(&ok).unwrap().stmts.len(), MAX_STATEMENTS);
        let e = parse(&format!("{ok}g()")).unwrap_err();
        assert_eq!((e.line as usize, e.col), (MAX_STATEMENTS + 1, 1));
        assert_eq!(
            e.msg,
            format!("too many statements: a script may have at most {MAX_STATEMENTS}")
        );
        // Handler bodies count too.
        let body = "f();".repeat(MAX_STATEMENTS);
        assert!(parse(&format!("handler h {{ {body} }}")).is_err());

        let args = ["1"; MAX_ARGS].join(", ");
        assert!(parse(&format!("f({args})")).is_ok());
        let e = parse(&format!("f({args}, 2)")).unwrap_err();
        assert_eq!(
            e.msg,
            format!("too many arguments: a call may have at most {MAX_ARGS}")
        );
        assert_eq!(e.col as usize, 3 + args.len() + 2);

        let fields = ["1"; MAX_STRUCT_FIELDS].join(", ");
        assert!(parse(&format!("f({{{fields}}})")).is_ok());
        let e = parse(&format!("f({{{fields}, 9}})")).unwrap_err();
        assert_eq!(
            e.msg,
            format!("too many fields: a struct literal may have at most {MAX_STRUCT_FIELDS}")
        );

        let flags = ["A"; MAX_FLAGS].join("|");
        assert!(parse(&format!("f({flags})")).is_ok());
        let e = parse(&format!("f({flags}|B)")).unwrap_err();
        assert_eq!(
            e.msg,
            format!("too many flags: a union may have at most {MAX_FLAGS}")
        );
    }
}
