//! A fuzzing run at scale, outside the test command: generated scenarios (grammar-based, from
//! the kernel's own call table) and mutated presets go through the checker and the machine under
//! the simulator's budgets. It reports Rust panics (crashes), scenarios that ran longer than a
//! second (hangs), and runs whose memory peaked above 256 MB.
//!
//! ```sh
//! cargo run --profile fuzz --example fuzz -- [COUNT] [SEED]     # COUNT defaults to 1,000,000
//! ```
//!
//! `--profile fuzz` is the release profile with unwinding, so that a panic is caught and
//! reported with its scenario instead of aborting the run. The scenarios that broke something
//! are written to `target/fuzz-findings/` to be turned into tests.
//!
//! cargo-fuzz (libFuzzer) was the standard option considered: it needs a nightly toolchain for
//! its sanitizer flags, and coverage guidance adds little where the input is a language whose
//! grammar we generate from directly; a driver of our own also measures time and memory per
//! scenario, which libFuzzer reports only as a crash.

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hardclock::kernel::api::{self, Param};
use hardclock::kernel::calls;
use hardclock::script::{presets, run, Outcome};

/// Counts the bytes in use and the peak since the last reset.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        IN_USE.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const HANG: Duration = Duration::from_secs(1);
const MEMORY: usize = 256 << 20;

/// splitmix64: small, fast, and the same sequence everywhere for a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const OBJECTS: &[&str] = &[
    "t", "t1", "t2", "c", "c1", "h", "ro", "m", "Giant", "sc_mtx",
];
const FUNCS: &[&str] = &[
    "f",
    "g",
    "NULL",
    "icmp_mtudisc_timeout",
    "icmp_redirect_timeout",
];
const VARS: &[&str] = &["rt", "rt2", "q", "q2", "h", "r", "x"];
const TUNABLES: &[&str] = &[
    "hz",
    "ticks",
    "ncallout",
    "callout_impl",
    "rt_numfibs",
    "ip_mtudisc_timeout",
    "icmp_redirtimeout",
    "rtq_reallyold",
];

/// An integer with a taste for the edges: 0, 1, 255/256/257, 65536, INT_MAX, negatives.
fn int(r: &mut Rng) -> String {
    match r.below(10) {
        0 => r
            .pick(&[
                "0",
                "1",
                "-1",
                "255",
                "256",
                "257",
                "65536",
                "2147483647",
                "-2147483648",
            ])
            .to_string(),
        1 => format!("{}", r.below(1 << 24)),
        2 => format!("0x{:x}", r.below(1 << 20)),
        _ => format!("{}", r.below(400)),
    }
}

fn addr(r: &mut Rng) -> String {
    let octet = |r: &mut Rng| *r.pick(&[0u64, 10, 1, 2, 255, 127, 192, 168]);
    format!("{}.{}.{}.{}", octet(r), octet(r), octet(r), octet(r))
}

fn arg(r: &mut Rng, p: Param) -> String {
    if r.chance(3) {
        // The wrong kind on purpose: the checker or the kernel must say so.
        return r
            .pick(&["NULL", "&t", "5", "10.0.0.1", "{1, 2}", "q", "rt", "zz"])
            .to_string();
    }
    match p {
        Param::Obj(_) => format!("&{}", r.pick(OBJECTS)),
        Param::Int => int(r),
        Param::Func => r.pick(FUNCS).to_string(),
        Param::Arg => r.pick(&["NULL", "rt", "x", "7", "arg"]).to_string(),
        Param::Route => r.pick(&["rt", "rt2", "NULL"]).to_string(),
        Param::Queue => r.pick(&["q", "q2", "ip_mtudisc_timeout_q"]).to_string(),
        Param::Handle => r.pick(&["h", "&h"]).to_string(),
        Param::Addr => addr(r),
        Param::Prefix => match r.below(3) {
            0 => addr(r),
            _ => format!("{}/{}", addr(r), r.below(33)),
        },
        Param::Struct(n) => {
            let fields: Vec<String> = (0..n).map(|_| int(r)).collect();
            format!("{{{}}}", fields.join(", "))
        }
        Param::Flags => r
            .pick(&[
                "RTF_HOST",
                "RTF_HOST|RTF_DYNAMIC",
                "RTF_RNH_LOCKED",
                "0",
                "RTF_GATEWAY",
            ])
            .to_string(),
    }
}

fn call(r: &mut Rng, sigs: &[&'static api::Signature]) -> String {
    let s = *r.pick(sigs);
    let mut n = s.params.len() - r.below(s.optional as u64 + 1) as usize;
    if r.chance(2) {
        n = r.below(5) as usize; // a wrong arity now and then
    }
    let args: Vec<String> = (0..n)
        .map(|i| arg(r, s.params.get(i).map_or(Param::Int, |p| p.1)))
        .collect();
    let bind = if r.chance(30) {
        format!("{} = ", r.pick(VARS))
    } else {
        String::new()
    };
    if s.name == "hardclock" {
        let most = if r.chance(5) { 1_000_000 } else { 600 };
        return format!("{bind}hardclock({})", r.below(most));
    }
    format!("{bind}{}({})", s.name, args.join(", "))
}

/// A scenario from the grammar: tunables, calls, handler bodies (some re-arming themselves).
fn generate(r: &mut Rng, sigs: &[&'static api::Signature]) -> String {
    let mut out = String::new();
    for _ in 0..r.below(3) {
        out.push_str(&format!("{} = {}\n", r.pick(TUNABLES), int(r)));
    }
    for _ in 0..r.below(3) {
        let name = r.pick(&["f", "g"]);
        let longest = if r.chance(10) { 400 } else { 4 };
        let body: Vec<String> = (0..1 + r.below(longest))
            .map(|_| match r.below(6) {
                0 => format!("timeout_add(&t, {})", r.below(3)),
                1 => format!("busy({})", r.below(4)),
                2 => format!("x = {}", int(r)),
                _ => call(r, sigs),
            })
            .collect();
        out.push_str(&format!("handler {name} {{ {} }}\n", body.join("; ")));
    }
    for _ in 0..1 + r.below(25) {
        out.push_str(&call(r, sigs));
        out.push('\n');
    }
    out
}

/// A preset, mutated: lines dropped, repeated or swapped, numbers changed, bytes flipped.
fn mutate(r: &mut Rng, src: &str) -> String {
    let mut lines: Vec<String> = src.lines().map(str::to_string).collect();
    for _ in 0..1 + r.below(4) {
        if lines.is_empty() {
            break;
        }
        let i = r.below(lines.len() as u64) as usize;
        match r.below(6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let j = r.below(lines.len() as u64) as usize;
                lines.swap(i, j);
            }
            3 => {
                let n = int(r);
                let l = &lines[i];
                if let Some(p) = l.find(|c: char| c.is_ascii_digit()) {
                    let end = l[p..]
                        .find(|c: char| !c.is_ascii_digit())
                        .map_or(l.len(), |e| p + e);
                    lines[i] = format!("{}{n}{}", &l[..p], &l[end..]);
                }
            }
            4 => {
                let mut b = lines[i].clone().into_bytes();
                if !b.is_empty() {
                    let k = r.below(b.len() as u64) as usize;
                    b[k] = *r.pick(b"(){};,&|#/x0 \n");
                }
                lines[i] = String::from_utf8_lossy(&b).into_owned();
            }
            _ => lines.insert(i, format!("hardclock({})", r.below(2000))),
        }
    }
    lines.join("\n")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: u64 = args.next().map_or(1_000_000, |a| a.parse().expect("COUNT"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("SEED"));
    let sigs: Vec<&'static api::Signature> = calls::signatures().collect();
    let all_presets = presets::all();
    let findings = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings");
    std::panic::set_hook(Box::new(|_| {}));

    let mut r = Rng(seed);
    let (mut ok, mut panicked, mut errors) = (0u64, 0u64, 0u64);
    let (mut crashes, mut hangs, mut heavy) = (0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new());
    let mut peak_max = 0usize;
    let start = Instant::now();
    for i in 0..count {
        let src = if r.chance(50) {
            generate(&mut r, &sigs)
        } else {
            let preset = r.pick(all_presets).source;
            mutate(&mut r, preset)
        };
        PEAK.store(IN_USE.load(Ordering::Relaxed), Ordering::Relaxed);
        let base = IN_USE.load(Ordering::Relaxed);
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| run(&src).outcome));
        let took = t.elapsed();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        peak_max = peak_max.max(peak);
        let mut keep = None;
        match result {
            Ok(Outcome::Ok) => ok += 1,
            Ok(Outcome::Panicked(_)) => panicked += 1,
            Ok(Outcome::Error(_)) => errors += 1,
            Err(_) => {
                crashes += 1;
                keep = Some("crash");
            }
        }
        if took > HANG {
            hangs += 1;
            keep = Some("hang");
        }
        if peak > MEMORY {
            heavy += 1;
            keep = Some("memory");
        }
        if took > slowest.0 {
            slowest = (took, src.clone());
        }
        if let Some(kind) = keep {
            let _ = std::fs::create_dir_all(&findings);
            let _ = std::fs::write(findings.join(format!("{kind}-{seed}-{i}.hc")), &src);
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!(
                "{} scenarios, {:.0} s",
                i + 1,
                start.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "fuzz: {count} scenarios from seed {seed} in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    println!("  ran to the end {ok}, simulated panics {panicked}, scenario errors {errors}");
    println!("  crashes (Rust panics) {crashes}, over 1 s {hangs}, over 256 MB {heavy}");
    println!(
        "  slowest {:.3} s, highest peak {:.1} MB",
        slowest.0.as_secs_f64(),
        peak_max as f64 / (1 << 20) as f64
    );
    if crashes + hangs + heavy > 0 {
        println!("  findings in {}", findings.display());
        std::process::exit(1);
    }
}
