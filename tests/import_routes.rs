#![cfg(not(target_arch = "wasm32"))]
//! `import-routes` (issue #20): a sample table of each format gives the expected statements,
//! lookups on the imported table return what the real machine's table would (hand-checked
//! below, by longest prefix match over the sample), and unusable lines are reported with line
//! and column.

use std::process::Command;

use hardclock::import::routes::{import, Import};
use hardclock::kernel::value::fmt_addr;
use hardclock::script::{run, Outcome};

fn sample(name: &str) -> String {
    let p = format!("{}/tests/routes/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(p).unwrap()
}

/// The statements without their comments.
fn statements(im: &Import) -> Vec<String> {
    im.statements()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split("  #").next().unwrap().to_string())
        .collect()
}

fn addr(s: &str) -> u32 {
    s.split('.')
        .fold(0, |a, o| a << 8 | o.parse::<u32>().unwrap())
}

/// Runs the import's statements and checks each `(destination, matched route, gateway)`.
fn check_lookups(im: &Import, cases: &[(&str, &str, &str)]) {
    let src = im.statements();
    let r = run(&src);
    assert!(matches!(r.outcome, Outcome::Ok), "{:?}\n{src}", r.outcome);
    for (dst, want, gw) in cases {
        let got = r.kernel.rt.lookup_quiet(addr(dst), im.fib).map(|id| {
            let e = r.kernel.rt.entry(id).unwrap();
            (e.cidr(), fmt_addr(e.gateway))
        });
        assert_eq!(
            got,
            Some((want.to_string(), gw.to_string())),
            "lookup of {dst}"
        );
    }
}

fn unused(im: &Import) -> Vec<(u32, u32)> {
    im.unused.iter().map(|u| (u.line, u.col)).collect()
}

#[test]
fn freebsd_netstat() {
    let im = import(&sample("freebsd.txt"), 0).unwrap();
    assert_eq!(
        statements(&im),
        [
            "route_add(0.0.0.0/0, 192.168.1.1);",
            "route_add(10.0.0.0/8, 192.168.1.254);",
            "route_add(10.20.0.0/16, 192.168.1.253);",
            "route_add(10.20.30.40, 192.168.1.252);",
            "route_add(127.0.0.1, 0.0.0.0, 0, 0);",
            "route_add(192.168.1.0/24, 0.0.0.0, 0, 0);",
            "route_add(192.168.1.10, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(203.0.113.0/24, 127.0.0.1, 0, RTF_GATEWAY|RTF_STATIC|RTF_BLACKHOLE);",
        ]
    );
    // The second 10.20.0.0/16 and the three IPv6 routes.
    assert_eq!(unused(&im), [(13, 1), (17, 1), (18, 1), (19, 1)]);
    assert!(im.unused[0]
        .why
        .contains("line 7 already gave 10.20.0.0/16"));
    assert!(im.unused[1].why.contains("IPv4 only"));
    check_lookups(
        &im,
        &[
            ("10.20.30.40", "10.20.30.40/32", "192.168.1.252"),
            ("10.20.30.41", "10.20.0.0/16", "192.168.1.253"),
            ("10.21.0.1", "10.0.0.0/8", "192.168.1.254"),
            ("192.168.1.77", "192.168.1.0/24", "0.0.0.0"),
            ("192.168.1.10", "192.168.1.10/32", "0.0.0.0"),
            ("203.0.113.9", "203.0.113.0/24", "127.0.0.1"),
            ("8.8.8.8", "0.0.0.0/0", "192.168.1.1"),
        ],
    );
}

#[test]
fn openbsd_netstat() {
    let im = import(&sample("openbsd.txt"), 0).unwrap();
    assert_eq!(
        statements(&im),
        [
            "route_add(0.0.0.0/0, 192.168.1.1);",
            "route_add(224.0.0.0/4, 127.0.0.1, 0, RTF_REJECT|RTF_STATIC);",
            "route_add(127.0.0.0/8, 127.0.0.1, 0, RTF_GATEWAY|RTF_REJECT|RTF_STATIC);",
            "route_add(127.0.0.1, 127.0.0.1, 0, 0);",
            "route_add(172.16.0.0/12, 192.168.1.254);",
            "route_add(192.168.1.0/24, 192.168.1.10, 0, 0);",
            "route_add(192.168.1.1, 0.0.0.0, 0, RTF_LLINFO);",
            "route_add(192.168.1.10, 0.0.0.0, 0, RTF_LLINFO);",
            "route_add(192.168.1.255, 192.168.1.10, 0, 0);",
        ]
    );
    assert!(im.unused.is_empty());
    // Flags with no simulated counterpart are named in the comment, not lost.
    assert!(im
        .statements()
        .contains("[flags Cn not simulated; interface em0]"));
    check_lookups(
        &im,
        &[
            ("127.0.0.1", "127.0.0.1/32", "127.0.0.1"),
            ("127.1.2.3", "127.0.0.0/8", "127.0.0.1"),
            ("224.0.0.251", "224.0.0.0/4", "127.0.0.1"),
            ("172.20.1.1", "172.16.0.0/12", "192.168.1.254"),
            ("172.32.0.1", "0.0.0.0/0", "192.168.1.1"),
            ("192.168.1.1", "192.168.1.1/32", "0.0.0.0"),
            ("192.168.1.2", "192.168.1.0/24", "192.168.1.10"),
            ("192.168.1.255", "192.168.1.255/32", "192.168.1.10"),
        ],
    );
}

#[test]
fn netbsd_netstat() {
    let im = import(&sample("netbsd.txt"), 0).unwrap();
    assert_eq!(
        statements(&im),
        [
            "route_add(0.0.0.0/0, 10.0.2.2);",
            "route_add(10.0.2.0/24, 0.0.0.0, 0, 0);",
            "route_add(10.0.2.15, 0.0.0.0, 0, 0);",
            "route_add(127.0.0.0/8, 127.0.0.1, 0, RTF_GATEWAY|RTF_REJECT|RTF_STATIC);",
            "route_add(127.0.0.1, 0.0.0.0, 0, 0);",
            "route_add(198.51.100.0/24, 10.0.2.3);",
        ]
    );
    assert!(im
        .statements()
        .contains("[on the link (lo0); flags l not simulated; interface lo0]"));
    check_lookups(
        &im,
        &[
            ("10.0.2.15", "10.0.2.15/32", "0.0.0.0"),
            ("10.0.2.99", "10.0.2.0/24", "0.0.0.0"),
            ("198.51.100.7", "198.51.100.0/24", "10.0.2.3"),
            ("1.1.1.1", "0.0.0.0/0", "10.0.2.2"),
        ],
    );
}

#[test]
fn macos_netstat() {
    let im = import(&sample("macos.txt"), 0).unwrap();
    assert_eq!(
        statements(&im),
        [
            "route_add(0.0.0.0/0, 192.168.1.1);",
            "route_add(127.0.0.0/8, 127.0.0.1, 0, RTF_STATIC);",
            "route_add(127.0.0.1, 127.0.0.1, 0, 0);",
            "route_add(169.254.0.0/16, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(192.168.1.0/24, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(192.168.1.1, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(192.168.1.23, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(224.0.0.0/4, 0.0.0.0, 0, RTF_STATIC);",
            "route_add(255.255.255.255, 0.0.0.0, 0, RTF_STATIC);",
        ]
    );
    // The interface-scoped ARP entry repeats 192.168.1.1/32.
    assert_eq!(unused(&im), [(11, 1)]);
    check_lookups(
        &im,
        &[
            ("169.254.3.4", "169.254.0.0/16", "0.0.0.0"),
            ("192.168.1.1", "192.168.1.1/32", "0.0.0.0"),
            ("192.168.1.50", "192.168.1.0/24", "0.0.0.0"),
            ("127.0.0.2", "127.0.0.0/8", "127.0.0.1"),
            ("239.1.1.1", "224.0.0.0/4", "0.0.0.0"),
            ("255.255.255.255", "255.255.255.255/32", "0.0.0.0"),
            ("17.0.0.1", "0.0.0.0/0", "192.168.1.1"),
        ],
    );
}

#[test]
fn linux_ip_route() {
    let im = import(&sample("linux-ip-route.txt"), 0).unwrap();
    assert_eq!(
        statements(&im),
        [
            "route_add(0.0.0.0/0, 192.168.1.1, 0, RTF_GATEWAY);",
            "route_add(10.8.0.0/24, 10.8.0.1);",
            "route_add(10.8.0.0/16, 192.168.1.5);",
            "route_add(172.17.0.0/16, 172.17.0.1, 0, 0);",
            "route_add(192.168.1.0/24, 192.168.1.23, 0, 0);",
            "route_add(10.99.0.0/16, 0.0.0.0, 0, RTF_BLACKHOLE);",
            "route_add(10.98.0.0/16, 0.0.0.0, 0, RTF_REJECT);",
        ]
    );
    // The second default (a higher metric), the second nexthop, broadcast, IPv6, a /33.
    assert_eq!(unused(&im), [(2, 1), (6, 2), (11, 1), (12, 1), (13, 1)]);
    assert!(im.unused[4].why.contains("prefix length from 0 to 32"));
    check_lookups(
        &im,
        &[
            ("10.8.0.9", "10.8.0.0/24", "10.8.0.1"),
            ("10.8.1.1", "10.8.0.0/16", "192.168.1.5"),
            ("10.99.1.1", "10.99.0.0/16", "0.0.0.0"),
            ("172.17.0.2", "172.17.0.0/16", "172.17.0.1"),
            ("192.168.1.200", "192.168.1.0/24", "192.168.1.23"),
            ("9.9.9.9", "0.0.0.0/0", "192.168.1.1"),
        ],
    );
}

#[test]
fn linux_route_n_into_fib_2() {
    let im = import(&sample("linux-route-n.txt"), 2).unwrap();
    assert_eq!(
        statements(&im),
        [
            "rt_numfibs = 3;",
            "route_add(0.0.0.0/0, 192.168.1.1, 2, RTF_GATEWAY);",
            "route_add(10.0.0.5, 192.168.1.254, 2, RTF_GATEWAY);",
            "route_add(10.99.0.0/16, 0.0.0.0, 2, RTF_REJECT);",
            "route_add(172.17.0.0/16, 0.0.0.0, 2, 0);",
            "route_add(192.168.1.0/24, 0.0.0.0, 2, 0);",
        ]
    );
    // A non-contiguous Genmask, pointed at its column.
    assert_eq!(unused(&im), [(8, 33)]);
    check_lookups(
        &im,
        &[
            ("10.0.0.5", "10.0.0.5/32", "192.168.1.254"),
            ("10.0.0.6", "0.0.0.0/0", "192.168.1.1"),
            ("10.99.3.3", "10.99.0.0/16", "0.0.0.0"),
            ("192.168.2.1", "0.0.0.0/0", "192.168.1.1"),
        ],
    );
}

#[test]
fn garbage_lines_are_listed_with_line_and_column() {
    let im = import(
        "hello\n\nDestination Gateway Flags\nfoo bar UGS\n10.0.0.0/8 10.1.1.1 U;G\n",
        0,
    )
    .unwrap();
    assert!(im.routes.is_empty());
    assert_eq!(unused(&im), [(1, 6), (4, 1), (5, 21)]);
    assert!(im.unused[1].why.starts_with("expected an IPv4 destination"));
    // Nothing lost: every unused line is in the statements as a comment.
    let s = im.statements();
    assert!(s.contains("# not used: line 4, column 1:"));
    assert!(matches!(run(&s).outcome, Outcome::Ok));
}

#[test]
fn the_cli_prints_statements_and_lists_unused_lines() {
    let p = format!("{}/tests/routes/freebsd.txt", env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .args(["import-routes", &p, "--fib", "1"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("rt_numfibs = 2;\nroute_add(0.0.0.0/0, 192.168.1.1, 1);"));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("freebsd.txt: line 17, column 1: not used:"),
        "{err}"
    );
    let o = Command::new(env!("CARGO_BIN_EXE_hardclock-trace"))
        .args(["import-routes", &p, "--fib", "16"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
