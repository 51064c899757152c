//! A real routing table into `route_add` statements.
//!
//! Reads what these print, in any mix, line by line (headers tell the layouts apart):
//!
//! * `netstat -rn` of FreeBSD, NetBSD, OpenBSD and macOS: `Destination Gateway Flags ...`, with
//!   abbreviated destinations (`127`, `192.168.1/24`, `224.0.0/4`), `default`, `link#1` and
//!   link-layer gateways, and the flag letters of `route.h`;
//! * Linux `route -n`: `Destination Gateway Genmask Flags Metric Ref Use Iface`;
//! * Linux `ip route`: `default via A dev D ...`, `P dev D proto kernel scope link src A`, the
//!   route types (`blackhole`, `unreachable`, `prohibit`, `local`...) and multipath `nexthop`s.
//!
//! How a real route maps onto the simulator's (`route_add(dst, gateway, fib, flags)`):
//!
//! * a route through a gateway keeps the gateway and RTF_GATEWAY;
//! * an interface (connected, `link#N`, `dev eth0` without `via`) or link-layer (ARP) route has
//!   no gateway: the simulator's one notional interface, written `0.0.0.0` (as `route -n` does),
//!   or the interface's own address when the line names it (`src A`, OpenBSD's `UC` routes);
//! * `/32` or the H flag is a host route; `default` is `0.0.0.0/0`; an abbreviated destination
//!   has the mask of its octets (`192.168.1` is /24);
//! * flags the simulated kernel has (G S D M R B L d W) are kept; the others (cloning, local,
//!   broadcast, interface-scoped...) are named in the statement's comment, as is the whole line.
//!
//! Lines that cannot become a route (IPv6, a second route to the same destination and mask, a
//! broadcast or multicast entry of Linux, text that is no route) are listed with their line,
//! column and why, and also written into the output as comments: nothing is lost. Headers and
//! blank lines are recognised and skipped silently. The work is linear in the input, which is
//! bounded like a scenario ([`MAX_IMPORT_BYTES`], [`MAX_IMPORT_LINES`], [`MAX_IMPORT_ROUTES`]).

use std::collections::BTreeMap;

use crate::kernel::route::rtentry::{
    RTF_BLACKHOLE, RTF_DONE, RTF_DYNAMIC, RTF_GATEWAY, RTF_LLINFO, RTF_MODIFIED, RTF_REJECT,
    RTF_STATIC, RTF_WASCLONED,
};
use crate::kernel::value::fmt_addr;
use crate::script::limits::MAX_SCRIPT_BYTES;

/// Longest input, in bytes: a scenario's limit.
pub const MAX_IMPORT_BYTES: usize = MAX_SCRIPT_BYTES;
/// Most lines read.
pub const MAX_IMPORT_LINES: usize = 20_000;
/// Most routes one import gives (the statements, with their comments, stay well under a
/// scenario's length limit).
pub const MAX_IMPORT_ROUTES: usize = 4_096;
/// Longest line read as a route; a longer one is listed as unused.
pub const MAX_LINE: usize = 512;
/// Most characters of an input line echoed into a comment.
const ECHO: usize = 100;
/// Most unused lines written into the statements (all of them are in [`Import::unused`]).
const LISTED: usize = 500;

/// Which printout a line was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// BSD or macOS `netstat -rn`.
    Netstat,
    /// Linux `route -n`.
    RouteN,
    /// Linux `ip route`.
    IpRoute,
}

impl Layout {
    pub fn name(self) -> &'static str {
        match self {
            Layout::Netstat => "netstat -rn",
            Layout::RouteN => "route -n",
            Layout::IpRoute => "ip route",
        }
    }
}

/// One route to add.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// 1-based line of the input.
    pub line: u32,
    pub layout: Layout,
    pub dst: u32,
    pub len: u8,
    /// 0.0.0.0: no gateway (an interface or link-layer route).
    pub gateway: u32,
    /// RTF_* flags of the simulator (RTF_UP and RTF_HOST follow from the entry).
    pub flags: u32,
    /// What the simulator does not keep (flag letters, a link-layer gateway, the interface).
    pub notes: Vec<String>,
    /// The input line, whitespace collapsed, at most [`ECHO`] characters.
    pub echo: String,
}

/// A line that gave no route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unused {
    pub line: u32,
    /// 1-based column (characters) of what could not be used.
    pub col: u32,
    pub why: String,
    pub echo: String,
}

/// The input is past a limit: nothing is imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    pub line: u32,
    pub col: u32,
    pub msg: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.col, self.msg)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Import {
    pub fib: u32,
    pub routes: Vec<Route>,
    pub unused: Vec<Unused>,
}

/// A word of a line and its 1-based column.
#[derive(Clone, Copy)]
struct Word<'a> {
    text: &'a str,
    col: u32,
}

fn words(line: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<(usize, u32)> = None;
    let mut col = 0u32;
    for (i, c) in line.char_indices() {
        col += 1;
        if c.is_whitespace() {
            if let Some((s, sc)) = start.take() {
                out.push(Word {
                    text: &line[s..i],
                    col: sc,
                });
            }
        } else if start.is_none() {
            start = Some((i, col));
        }
    }
    if let Some((s, sc)) = start {
        out.push(Word {
            text: &line[s..],
            col: sc,
        });
    }
    out
}

fn echo(line: &str) -> String {
    let mut s = String::new();
    for (i, w) in line.split_whitespace().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(w);
    }
    if s.chars().count() > ECHO {
        s = s.chars().take(ECHO).collect::<String>() + "...";
    }
    // A comment ends at the line's end; nothing else in it matters to the lexer.
    s.replace(|c: char| c.is_control(), " ")
}

/// `a.b.c.d`, exactly four octets.
fn addr4(s: &str) -> Option<u32> {
    let (a, n) = octets(s)?;
    (n == 4).then_some(a)
}

/// One to four dotted octets, left-aligned (`192.168.1` is 192.168.1.0), and how many.
fn octets(s: &str) -> Option<(u32, u32)> {
    let mut a = 0u32;
    let mut n = 0u32;
    for p in s.split('.') {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) || n == 4 {
            return None;
        }
        let v: u32 = p.parse().ok()?;
        if v > 255 {
            return None;
        }
        a |= v << (24 - 8 * n);
        n += 1;
    }
    Some((a, n))
}

fn mask_of(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

/// A netmask's prefix length, if its ones are contiguous.
fn mask_len(m: u32) -> Option<u8> {
    let len = m.leading_ones();
    (m == mask_of(len as u8)).then_some(len as u8)
}

/// A destination: `default`, `a.b.c.d`, `a.b.c.d/len`, or netstat's abbreviations (`127`,
/// `192.168.1/24`). `host`: the line says H, so a bare address is /32. Err: why not.
fn destination(s: &str, host: bool) -> Result<(u32, u8), String> {
    if s == "default" || s == "0/0" {
        return Ok((0, 0));
    }
    if s.contains(':') {
        return Err(format!(
            "{s} is an IPv6 destination: the simulated route table is IPv4 only"
        ));
    }
    let (a, l) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let Some((addr, n)) = octets(a) else {
        return Err(format!(
            "expected an IPv4 destination like 10.0.0.0/8, 192.168.1 or default, found {s}"
        ));
    };
    let len = match l {
        Some(l) => match l.parse::<u8>() {
            Ok(v) if v <= 32 => v,
            _ => {
                return Err(format!(
                    "expected a prefix length from 0 to 32 after '/', found {l}"
                ))
            }
        },
        None if n == 4 || host => 32,
        None => (8 * n) as u8,
    };
    Ok((addr & mask_of(len), len))
}

/// netstat's flag letters: the simulator's flags, and the letters it has no flag for.
fn bsd_flags(s: &str) -> (u32, bool, String) {
    let mut f = 0;
    let mut host = false;
    let mut other = String::new();
    for c in s.chars() {
        match c {
            'U' => {}
            'H' => host = true,
            'G' => f |= RTF_GATEWAY,
            'R' => f |= RTF_REJECT,
            'D' => f |= RTF_DYNAMIC,
            'M' => f |= RTF_MODIFIED,
            'd' => f |= RTF_DONE,
            'L' => f |= RTF_LLINFO,
            'S' => f |= RTF_STATIC,
            'B' => f |= RTF_BLACKHOLE,
            'W' => f |= RTF_WASCLONED,
            c => other.push(c),
        }
    }
    (f, host, other)
}

/// The RTF_* names of `flags`, `|`-joined, or `0`.
pub fn flag_names(flags: u32) -> String {
    use crate::kernel::route::rtentry::FLAG_NAMES;
    let v: Vec<&str> = FLAG_NAMES
        .iter()
        .filter(|(_, f)| flags & f != 0)
        .map(|(n, _)| *n)
        .collect();
    if v.is_empty() {
        "0".into()
    } else {
        v.join("|")
    }
}

/// The column layout a header line announces.
#[derive(Clone, Copy, Default)]
struct Header {
    layout: Option<Layout>,
    /// Index of the interface column (`Netif`, `Iface`, `Interface`).
    iface: Option<usize>,
}

fn header(ws: &[Word]) -> Option<Header> {
    if !ws.first()?.text.eq_ignore_ascii_case("destination") {
        return None;
    }
    let names: Vec<String> = ws.iter().map(|w| w.text.to_ascii_lowercase()).collect();
    let layout = if names.iter().any(|n| n == "genmask") {
        Layout::RouteN
    } else {
        Layout::Netstat
    };
    let iface = names
        .iter()
        .position(|n| matches!(n.as_str(), "netif" | "iface" | "interface" | "if"));
    Some(Header {
        layout: Some(layout),
        iface,
    })
}

/// Lines that are a printout's furniture, not routes.
fn furniture(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    t.is_empty()
        || t.starts_with('#')
        || l.starts_with("routing table")
        || l.starts_with("kernel ip routing table")
        || l.starts_with("route tree for")
        || (l.ends_with(':') && !l.contains(' ') || l == "internet:" || l == "internet6:")
}

const IP_TYPES: &[&str] = &[
    "unicast",
    "local",
    "broadcast",
    "multicast",
    "anycast",
    "blackhole",
    "unreachable",
    "prohibit",
    "throw",
    "nat",
];

fn looks_ip_route(ws: &[Word]) -> bool {
    let first = ws[0].text;
    IP_TYPES.contains(&first)
        || ws.iter().skip(1).any(|w| {
            matches!(
                w.text,
                "dev" | "via" | "proto" | "scope" | "metric" | "src" | "table"
            )
        })
        || (ws.len() == 1 && (first == "default" || first.contains('/')))
}

struct Reader {
    import: Import,
    seen: BTreeMap<(u32, u8), u32>,
    header: Header,
    ipv6_section: bool,
    /// The last route an `ip route` multipath head line gave, waiting for its first nexthop.
    multipath: Option<usize>,
}

type Line<'a> = (u32, &'a str, Vec<Word<'a>>);

impl Reader {
    fn unused(&mut self, line: u32, col: u32, why: impl Into<String>, text: &str) {
        self.import.unused.push(Unused {
            line,
            col,
            why: why.into(),
            echo: echo(text),
        });
    }

    fn add(
        &mut self,
        (no, text, _): &Line,
        col: u32,
        layout: Layout,
        r: (u32, u8, u32, u32),
        notes: Vec<String>,
    ) -> Result<(), ImportError> {
        let (dst, len, gateway, flags) = r;
        if let Some(first) = self.seen.get(&(dst, len)) {
            let why = format!(
                "line {first} already gave {}/{len}: a FIB holds one route per destination and mask (no multipath)",
                fmt_addr(dst)
            );
            self.unused(*no, col, why, text);
            return Ok(());
        }
        if self.import.routes.len() == MAX_IMPORT_ROUTES {
            return Err(ImportError {
                line: *no,
                col,
                msg: format!("more than {MAX_IMPORT_ROUTES} routes: import at most {MAX_IMPORT_ROUTES} at a time"),
            });
        }
        self.seen.insert((dst, len), *no);
        self.import.routes.push(Route {
            line: *no,
            layout,
            dst,
            len,
            gateway,
            flags,
            notes,
            echo: echo(text),
        });
        Ok(())
    }

    fn line(&mut self, no: u32, text: &str) -> Result<(), ImportError> {
        let t = text.trim();
        if text.len() > MAX_LINE {
            let why = format!("longer than {MAX_LINE} bytes: not a line of a routing table");
            self.unused(no, MAX_LINE as u32 + 1, why, text);
            return Ok(());
        }
        if furniture(t) {
            let l = t.to_ascii_lowercase();
            if l.starts_with("internet") {
                self.ipv6_section = l.starts_with("internet6");
            }
            return Ok(());
        }
        let ws = words(text);
        if let Some(h) = header(&ws) {
            self.header = h;
            return Ok(());
        }
        let l: Line = (no, text, ws);
        if l.2[0].text == "nexthop" {
            return self.nexthop(&l);
        }
        self.multipath = None;
        if self.ipv6_section && !looks_ip_route(&l.2) {
            let why = "a route of the Internet6 section: the simulated route table is IPv4 only";
            self.unused(no, l.2[0].col, why, text);
            return Ok(());
        }
        if looks_ip_route(&l.2) {
            self.ip_route(&l)
        } else if self.header.layout == Some(Layout::RouteN)
            || (l.2.len() >= 4 && addr4(l.2[2].text).is_some() && addr4(l.2[0].text).is_some())
        {
            self.route_n(&l)
        } else {
            self.netstat(&l)
        }
    }

    fn netstat(&mut self, l: &Line) -> Result<(), ImportError> {
        let (no, text, ws) = l;
        if ws.len() < 3 {
            let at = ws
                .last()
                .map_or(1, |w| w.col + w.text.chars().count() as u32);
            let why = "expected Destination, Gateway and Flags (netstat -rn), a route -n line or an ip route line";
            self.unused(*no, at, why, text);
            return Ok(());
        }
        let (mut flags, host, other) = bsd_flags(ws[2].text);
        if !ws[2].text.chars().all(|c| c.is_ascii_alphanumeric()) {
            let why = format!(
                "expected the Flags column (letters like UGS), found {}",
                ws[2].text
            );
            self.unused(*no, ws[2].col, why, text);
            return Ok(());
        }
        let (dst, len) = match destination(ws[0].text, host) {
            Ok(d) => d,
            Err(why) => {
                self.unused(*no, ws[0].col, why, text);
                return Ok(());
            }
        };
        let mut notes = Vec::new();
        let g = ws[1].text;
        let gateway = match addr4(g) {
            Some(a) => a,
            None if g.contains(':') && g.len() <= 17 && !g.contains("::") => {
                notes.push(format!("link-layer gateway {g}"));
                0
            }
            None if g.contains(':') => {
                let why = format!("{g} is an IPv6 gateway: the simulated route table is IPv4 only");
                self.unused(*no, ws[1].col, why, text);
                return Ok(());
            }
            None => {
                notes.push(format!("on the link ({g})"));
                0
            }
        };
        if gateway == 0 {
            flags &= !RTF_GATEWAY;
        }
        if !other.is_empty() {
            notes.push(format!("flags {other} not simulated"));
        }
        let iface = match self.header.iface {
            Some(i) => ws.get(i).map(|w| w.text),
            None => ws[3..]
                .iter()
                .map(|w| w.text)
                .find(|w| w.starts_with(|c: char| c.is_ascii_alphabetic())),
        };
        if let Some(i) = iface {
            notes.push(format!("interface {i}"));
        }
        self.add(
            l,
            ws[0].col,
            Layout::Netstat,
            (dst, len, gateway, flags),
            notes,
        )
    }

    fn route_n(&mut self, l: &Line) -> Result<(), ImportError> {
        let (no, text, ws) = l;
        if ws.len() < 4 {
            let at = ws
                .last()
                .map_or(1, |w| w.col + w.text.chars().count() as u32);
            let why = "expected Destination, Gateway, Genmask and Flags (route -n)";
            self.unused(*no, at, why, text);
            return Ok(());
        }
        let Some(d) = addr4(ws[0].text) else {
            let why = if ws[0].text.contains(':') {
                format!(
                    "{} is an IPv6 destination: the simulated route table is IPv4 only",
                    ws[0].text
                )
            } else {
                format!(
                    "expected the Destination as an address like 10.0.0.0, found {}",
                    ws[0].text
                )
            };
            self.unused(*no, ws[0].col, why, text);
            return Ok(());
        };
        let Some(len) = addr4(ws[2].text).and_then(mask_len) else {
            let why = format!(
                "expected the Genmask as a contiguous netmask like 255.255.0.0, found {}",
                ws[2].text
            );
            self.unused(*no, ws[2].col, why, text);
            return Ok(());
        };
        let mut notes = Vec::new();
        let gateway = match ws[1].text {
            "*" | "-" => 0,
            g => {
                match addr4(g) {
                    Some(a) => a,
                    None => {
                        let why = format!("expected the Gateway as an address like 192.168.1.1 or 0.0.0.0, found {g}");
                        self.unused(*no, ws[1].col, why, text);
                        return Ok(());
                    }
                }
            }
        };
        let mut flags = 0;
        let mut other = String::new();
        for c in ws[3].text.chars() {
            match c {
                'U' | 'H' => {}
                'G' if gateway != 0 => flags |= RTF_GATEWAY,
                '!' => flags |= RTF_REJECT,
                'D' => flags |= RTF_DYNAMIC,
                'M' => flags |= RTF_MODIFIED,
                c => other.push(c),
            }
        }
        if !other.is_empty() {
            notes.push(format!("flags {other} not simulated"));
        }
        if let Some(w) = ws.last().filter(|w| ws.len() > 4 && w.text != "-") {
            notes.push(format!("interface {}", w.text));
        }
        self.add(
            l,
            ws[0].col,
            Layout::RouteN,
            (d & mask_of(len), len, gateway, flags),
            notes,
        )
    }

    fn ip_route(&mut self, l: &Line) -> Result<(), ImportError> {
        let (no, text, ws) = l;
        let mut i = 0;
        let kind = if IP_TYPES.contains(&ws[0].text) {
            i = 1;
            ws[0].text
        } else {
            "unicast"
        };
        let Some(dw) = ws.get(i) else {
            let why = format!("expected a destination after {kind}");
            self.unused(*no, ws[0].col + kind.len() as u32, why, text);
            return Ok(());
        };
        if matches!(
            kind,
            "broadcast" | "multicast" | "anycast" | "throw" | "nat"
        ) {
            let why = format!("a {kind} route: the simulated kernel has no {kind} routes");
            self.unused(*no, ws[0].col, why, text);
            return Ok(());
        }
        let (dst, len) = match destination(dw.text, true) {
            Ok(d) => d,
            Err(why) => {
                self.unused(*no, dw.col, why, text);
                return Ok(());
            }
        };
        let mut gateway = 0;
        let mut src = None;
        let mut dev = None;
        let mut proto = None;
        let mut j = i + 1;
        while j < ws.len() {
            let key = ws[j].text;
            let val = ws.get(j + 1);
            match (key, val) {
                ("via", Some(v)) => {
                    // `via inet 10.0.0.1`
                    let v = if v.text == "inet" {
                        ws.get(j + 2).unwrap_or(v)
                    } else {
                        v
                    };
                    match addr4(v.text) {
                        Some(a) => gateway = a,
                        None => {
                            let why =
                                format!("expected an IPv4 gateway after via, found {}", v.text);
                            self.unused(*no, v.col, why, text);
                            return Ok(());
                        }
                    }
                }
                ("src", Some(v)) => src = addr4(v.text),
                ("dev", Some(v)) => dev = Some(v.text),
                ("proto", Some(v)) => proto = Some(v.text),
                _ => {}
            }
            j += 1;
        }
        let mut notes = Vec::new();
        let mut flags = match kind {
            "blackhole" => RTF_BLACKHOLE,
            "unreachable" | "prohibit" => RTF_REJECT,
            _ => 0,
        };
        if kind == "local" {
            notes.push("a local address (Linux table local)".into());
        }
        if gateway != 0 {
            flags |= RTF_GATEWAY;
        } else if let Some(s) = src {
            gateway = s;
            notes.push(format!("interface address {}", fmt_addr(s)));
        }
        match proto {
            Some("static") => flags |= RTF_STATIC,
            Some("redirect") => flags |= RTF_DYNAMIC | RTF_MODIFIED,
            _ => {}
        }
        if let Some(d) = dev {
            notes.push(format!("interface {d}"));
        }
        let waiting = gateway == 0 && dev.is_none() && kind == "unicast";
        self.add(
            l,
            dw.col,
            Layout::IpRoute,
            (dst, len, gateway, flags),
            notes,
        )?;
        if waiting && self.import.routes.last().is_some_and(|r| r.line == *no) {
            self.multipath = Some(self.import.routes.len() - 1);
        }
        Ok(())
    }

    /// `nexthop via A dev D weight 1` under a multipath head line: the first gives the route
    /// its gateway, the others are listed as unused.
    fn nexthop(&mut self, l: &Line) -> Result<(), ImportError> {
        let (no, text, ws) = l;
        let via = ws
            .iter()
            .position(|w| w.text == "via")
            .and_then(|p| ws.get(p + 1))
            .and_then(|w| addr4(w.text));
        match (self.multipath.take(), via) {
            (Some(i), Some(g)) => {
                let r = &mut self.import.routes[i];
                r.gateway = g;
                r.flags |= RTF_GATEWAY;
                r.notes
                    .push(format!("first nexthop of a multipath route (line {no})"));
                Ok(())
            }
            (_, _) => {
                let why =
                    "a further nexthop of a multipath route: the simulated route has one gateway";
                self.unused(*no, ws[0].col, why, text);
                Ok(())
            }
        }
    }
}

/// Reads a routing table printout into routes for `fib`.
pub fn import(text: &str, fib: u32) -> Result<Import, ImportError> {
    if text.len() > MAX_IMPORT_BYTES {
        let mut cut = MAX_IMPORT_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let before = &text[..cut];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before.rsplit('\n').next().map_or(0, |s| s.chars().count()) as u32 + 1;
        return Err(ImportError {
            line,
            col,
            msg: format!("the table is longer than {MAX_IMPORT_BYTES} bytes; this is where the limit is crossed"),
        });
    }
    let mut r = Reader {
        import: Import {
            fib,
            ..Import::default()
        },
        seen: BTreeMap::new(),
        header: Header::default(),
        ipv6_section: false,
        multipath: None,
    };
    for (i, line) in text.lines().enumerate() {
        if i == MAX_IMPORT_LINES {
            return Err(ImportError {
                line: i as u32 + 1,
                col: 1,
                msg: format!("more than {MAX_IMPORT_LINES} lines: import at most {MAX_IMPORT_LINES} at a time"),
            });
        }
        r.line(i as u32 + 1, line.trim_end_matches('\r'))?;
    }
    Ok(r.import)
}

impl Route {
    /// `route_add(10.0.0.0/8, 192.168.1.1);`: the short form for what `route add` gives
    /// (RTF_GATEWAY|RTF_STATIC in fib 0), else with the fib and the flags.
    pub fn statement(&self, fib: u32) -> String {
        let dst = if self.len == 32 {
            fmt_addr(self.dst)
        } else {
            format!("{}/{}", fmt_addr(self.dst), self.len)
        };
        let gw = fmt_addr(self.gateway);
        match (self.flags == RTF_GATEWAY | RTF_STATIC, fib) {
            (true, 0) => format!("route_add({dst}, {gw});"),
            (true, f) => format!("route_add({dst}, {gw}, {f});"),
            (false, f) => format!("route_add({dst}, {gw}, {f}, {});", flag_names(self.flags)),
        }
    }
}

impl Import {
    /// Which layouts the routes were read as, in order of first appearance.
    pub fn layouts(&self) -> Vec<Layout> {
        let mut v: Vec<Layout> = Vec::new();
        for r in &self.routes {
            if !v.contains(&r.layout) {
                v.push(r.layout);
            }
        }
        v
    }

    /// The statements, each with its input line as a comment; then the unused lines, as
    /// comments (at most [`LISTED`] of them; [`Import::unused`] has all).
    pub fn statements(&self) -> String {
        let names: Vec<&str> = self.layouts().iter().map(|l| l.name()).collect();
        let mut s = format!(
            "# {} route{} imported from {} into fib {}; {} line{} not used{}\n",
            self.routes.len(),
            if self.routes.len() == 1 { "" } else { "s" },
            if names.is_empty() {
                "nothing".into()
            } else {
                names.join(" + ")
            },
            self.fib,
            self.unused.len(),
            if self.unused.len() == 1 { "" } else { "s" },
            if self.unused.is_empty() {
                ""
            } else {
                " (listed at the end)"
            },
        );
        if self.fib > 0 {
            s.push_str(&format!("rt_numfibs = {};\n", self.fib + 1));
        }
        for r in &self.routes {
            s.push_str(&r.statement(self.fib));
            s.push_str(&format!("  # line {}: {}", r.line, r.echo));
            if !r.notes.is_empty() {
                s.push_str(&format!(" [{}]", r.notes.join("; ")));
            }
            s.push('\n');
        }
        for u in self.unused.iter().take(LISTED) {
            s.push_str(&format!(
                "# not used: line {}, column {}: {}\n#   {}\n",
                u.line, u.col, u.why, u.echo
            ));
        }
        if self.unused.len() > LISTED {
            s.push_str(&format!(
                "# ... and {} more lines not used\n",
                self.unused.len() - LISTED
            ));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        let a = |s: &str| addr4(s).unwrap();
        assert_eq!(destination("default", false), Ok((0, 0)));
        assert_eq!(destination("127", false), Ok((a("127.0.0.0"), 8)));
        assert_eq!(destination("192.168.1", false), Ok((a("192.168.1.0"), 24)));
        assert_eq!(destination("224.0.0/4", false), Ok((a("224.0.0.0"), 4)));
        assert_eq!(destination("10.1.2.3", false), Ok((a("10.1.2.3"), 32)));
        assert_eq!(destination("10.1.2.3/8", false), Ok((a("10.0.0.0"), 8)));
        assert!(destination("fe80::/64", false)
            .unwrap_err()
            .contains("IPv6"));
        assert!(destination("10.0.0.0/33", false).is_err());
        assert_eq!(mask_len(a("255.255.255.0")), Some(24));
        assert_eq!(mask_len(a("255.0.255.0")), None);
        assert_eq!(mask_len(0), Some(0));
    }

    #[test]
    fn hostile_input_is_bounded() {
        assert!(import(&"x".repeat(MAX_IMPORT_BYTES + 1), 0).is_err());
        assert!(import(&"\n".repeat(MAX_IMPORT_LINES + 1), 0).is_err());
        let one = import(&"é".repeat(MAX_LINE), 0).unwrap();
        assert_eq!(one.unused[0].col, MAX_LINE as u32 + 1);
        for s in [
            "",
            "\u{0}",
            "default",
            "nexthop",
            "via",
            "a b c",
            "1.2.3.4 - - -",
            "local",
            "Destination",
        ] {
            let _ = import(s, 3);
        }
    }
}
