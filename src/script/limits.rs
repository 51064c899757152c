//! Limits that keep a hostile URL hash or a typo like `hardclock(1000000000)` from freezing a tab.
//!
//! Each limit is checked where it is crossed and reported as an ordinary [`ScriptError`]
//! pointing at the offending text, so a student sees which line went too far.
//!
//! [`ScriptError`]: super::error::ScriptError

/// Longest script, in bytes (1 MiB). The longest preset is a few hundred bytes; the largest
/// scenario we mean to run is the browser benchmark's 10,000 named timeouts (about 520 KB,
/// two statements each). Everything downstream is linear in the text (lexing, parsing,
/// checking, and running, which never copies the kernel per statement), so a hostile hash at
/// this size costs well under a second, not a frozen tab.
pub const MAX_SCRIPT_BYTES: usize = 1024 * 1024;

/// Most statements in one script, handler bodies included: room for [`MAX_OBJECTS`] timeouts
/// that are each set and added (two statements).
pub const MAX_STATEMENTS: usize = 2 * MAX_OBJECTS;

/// Most ticks one `hardclock(n)` may advance: 1,000,000 ticks is 2.8 simulated hours at
/// `hz = 100` and 16 minutes at `hz = 1000`, more than any rt_timer queue of the presets needs
/// (PMTU expiry is 600 s). A cascade out of wheel 2 or 3 needs `ticks` started near the
/// boundary (`ticks = 0xfffff0`), not millions of ticks.
///
/// Why not more: every hardclock records a `Tick` event (about 80 bytes natively, more with
/// the vector's slack), so the run's tick budget is also its memory budget; 10,000,000 ticks
/// measured 860 MB in `hardclock-trace`.
pub const MAX_TICKS_PER_STATEMENT: i64 = 1_000_000;

/// Most hardclocks in one run, counted from boot (`Clock::elapsed`), so ticks spent by the
/// kernel itself (`busy(n)`, a blocked `callout_drain`) count too. About 430 MB of events at
/// worst natively, less on wasm32 where pointers are half as wide.
pub const MAX_TICKS_PER_RUN: u64 = 5_000_000;

/// Longest identifier, in bytes.
pub const MAX_IDENT_LEN: usize = 64;

/// Most arguments in one call. The widest kernel function takes 4.
pub const MAX_ARGS: usize = 16;

/// Most fields in a struct literal (`{sec, usec}` has 2).
pub const MAX_STRUCT_FIELDS: usize = 8;

/// Most names in a flag union like `RTF_HOST|RTF_DYNAMIC`.
pub const MAX_FLAGS: usize = 32;

/// How deep blocks may nest. Only `handler NAME { ... }` opens a block, and handlers cannot
/// contain handlers, so the depth is 1 and the parser needs no recursion.
pub const MAX_NESTING: usize = 1;

/// Most distinct kernel objects (`&name`) one script may mention. The scale target is
/// 10,000 pending timeouts on the wheel view; a `struct timeout` costs a few hundred bytes of
/// kernel state (name, function, list links), so 16,384 of them stay a few MB per snapshot.
pub const MAX_OBJECTS: usize = 16_384;

/// Most script variables alive in one kernel (`x = ...` for a name that is not a kernel variable).
pub const MAX_VARIABLES: usize = 1_000;
