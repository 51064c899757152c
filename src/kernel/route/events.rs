//! What the route table did, and the routing-socket messages it sent, in words.

use super::radix_match::LookupWalk;
use crate::kernel::value::fmt_addr;

/// Routing-socket message types (`RTM_*` of `net/route.h`), with their numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtmType {
    Add = 0x1,
    Delete = 0x2,
    Change = 0x3,
    Redirect = 0x6,
    Miss = 0x7,
}

impl RtmType {
    pub fn as_str(self) -> &'static str {
        match self {
            RtmType::Add => "RTM_ADD",
            RtmType::Delete => "RTM_DELETE",
            RtmType::Change => "RTM_CHANGE",
            RtmType::Redirect => "RTM_REDIRECT",
            RtmType::Miss => "RTM_MISS",
        }
    }
}

/// One message as a `route monitor` would print it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtMsg {
    pub kind: RtmType,
    /// "10.0.0.0/8" for route changes, the bare address for RTM_MISS and RTM_REDIRECT.
    pub dst: String,
    pub fib: u32,
    pub tick: i32,
    /// `rtm_flags` (0 for RTM_MISS).
    pub flags: u32,
}

/// Routes are named in events as "rt#3 10.0.0.0/8" (`name`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteEvent {
    Added {
        id: u32,
        name: String,
        fib: u32,
        gateway: u32,
        flags: String,
        /// Added over the routing socket (`route add`), which sends RTM_ADD; false for the
        /// kernel's own `rtrequest()` (a PMTU clone, a redirect), which sends nothing.
        report: bool,
    },
    /// `route add` of a key and mask already present: EEXIST.
    AddExists {
        dst: String,
        fib: u32,
    },
    /// Removed from the tree with RTF_UP cleared; `refcnt` references keep it in rttrash.
    Deleted {
        id: u32,
        name: String,
        fib: u32,
        refcnt: i32,
        /// Deleted over the routing socket (`route delete`, RTM_DELETE sent); false for the
        /// kernel's own `rtrequest()` (timer actions, queue destroy, `in_rtqkill`).
        report: bool,
        /// rt_timers still on it: they outlive the delete and go only when it is freed.
        timers: usize,
    },
    /// `rtrequest(RTM_DELETE)` with a NULL netmask and no host route for `key`:
    /// `rn_delete(key, NULL)` took the head of the key's chain, the network route `name`.
    DeletedByKey {
        key: String,
        name: String,
        fib: u32,
    },
    /// `route delete` of something not in the table: ESRCH.
    DeleteMissing {
        dst: String,
        fib: u32,
        /// A NULL-netmask delete whose chain head is an end marker (0.0.0.0: the default route
        /// hangs behind the left end marker), refused by radix.c's RNF_ROOT check.
        root_marker: bool,
    },
    Changed {
        id: u32,
        name: String,
        gateway: u32,
    },
    /// The storage was released: no references left and no longer in the table.
    Freed {
        id: u32,
        name: String,
    },
    /// A lookup by `caller`; `walk.route` is the result.
    Lookup {
        caller: String,
        /// The route found, by name.
        found: Option<String>,
        walk: LookupWalk,
    },
    /// `rt_refcnt` changed.
    Refcnt {
        id: u32,
        name: String,
        by: String,
        from: i32,
        to: i32,
    },
    Locked {
        id: u32,
        name: String,
        by: String,
    },
    Unlocked {
        id: u32,
        name: String,
        by: String,
    },
    /// `rtalloc(&ro)` kept the cached `ro_rt` because it is still RTF_UP.
    CacheKept {
        ro: String,
        name: String,
    },
    /// `rtalloc(&ro)` found the cached route deleted (RTF_UP clear) and let it go.
    CacheStale {
        ro: String,
        name: String,
    },
    /// `rtfree` dropped a reference but others remain (FreeBSD logs this at LOG_DEBUG).
    StillReferenced {
        id: u32,
        name: String,
        refcnt: i32,
    },
    Rtm(RtMsg),
    /// `in_clsroute` on the last reference to a learned host route: marked RTPRF_OURS to
    /// expire at `expire` (uptime second), or expunged now (`expire` None, `reallyold` 0).
    Closed {
        id: u32,
        name: String,
        expire: Option<i64>,
        reallyold: i64,
    },
    /// `in_matroute` found a marked route: RTPRF_OURS and `rmx_expire` (`was`) cleared.
    Revived {
        id: u32,
        name: String,
        was: i64,
    },
    /// `in_rtqtimo` walked the trees: `found` marked routes, `killed` deleted; next run at
    /// `next_tick`.
    RtqTimo {
        uptime: i64,
        found: usize,
        killed: Vec<String>,
        next_tick: i32,
    },
    /// `route_init` clamped the boot tunable `net.fibs` to 1..=RT_MAXFIBS.
    NumfibsClamped {
        asked: i64,
        got: u32,
    },
}

impl RouteEvent {
    pub fn narrate(&self) -> String {
        match self {
            RouteEvent::Added {
                name,
                fib,
                gateway,
                flags,
                report,
                ..
            } => {
                if *report {
                    format!(
                        "route add: {name} via {} enters fib {fib}'s radix tree with flags {flags}.",
                        fmt_addr(*gateway)
                    )
                } else {
                    format!(
                        "rtrequest(RTM_ADD) from the kernel: {name} via {} enters fib {fib}'s radix tree with flags {flags}; a kernel-internal request sends no routing-socket message.",
                        fmt_addr(*gateway)
                    )
                }
            }
            RouteEvent::AddExists { dst, fib } => format!(
                "route add: fib {fib} already has {dst} with this very mask, so rn_addroute refuses it (EEXIST)."
            ),
            RouteEvent::Deleted {
                name,
                fib,
                refcnt,
                report,
                timers,
                ..
            } => {
                let who = if *report {
                    "route delete"
                } else {
                    "rtrequest(RTM_DELETE) from the kernel"
                };
                let mut s = if *refcnt > 0 {
                    format!(
                        "{who}: {name} leaves fib {fib}'s tree and loses RTF_UP; {refcnt} reference{} still point{} at it, so it waits in rttrash until the last RTFREE.",
                        if *refcnt == 1 { "" } else { "s" },
                        if *refcnt == 1 { "s" } else { "" }
                    )
                } else {
                    format!(
                        "{who}: {name} leaves fib {fib}'s tree and loses RTF_UP; nobody holds a reference, so it is freed at once."
                    )
                };
                if !*report {
                    s.push_str(" A kernel-internal request sends no routing-socket message.");
                }
                if *timers > 0 && *refcnt > 0 {
                    s.push_str(&format!(
                        " Its {timers} rt_timer{} keep{} running: rtrequest1 leaves timers alone, only rtfree drops them (rt_timer(9)'s \"used when a route is deleted\" means freed).",
                        if *timers == 1 { "" } else { "s" },
                        if *timers == 1 { "s" } else { "" }
                    ));
                }
                s
            }
            RouteEvent::DeletedByKey { key, name, fib } => format!(
                "rtrequest(RTM_DELETE) with a NULL netmask: fib {fib} has no host route {key}, so rn_delete({key}, NULL) takes the head of that key's dupedkey chain, {name}."
            ),
            RouteEvent::DeleteMissing {
                dst,
                fib,
                root_marker,
            } => {
                if *root_marker {
                    format!(
                        "rtrequest(RTM_DELETE) with a NULL netmask: the head of {}'s chain in fib {fib} is the radix tree's end marker (the default route hangs behind it), which rn_delete refuses (ESRCH): nothing is deleted.",
                        dst.trim_end_matches("/32")
                    )
                } else {
                    format!("route delete: fib {fib} has no route {dst} (ESRCH).")
                }
            }
            RouteEvent::Changed { name, gateway, .. } => format!(
                "route change: {name} now goes via {}.",
                fmt_addr(*gateway)
            ),
            RouteEvent::Freed { name, .. } => format!(
                "rtfree: {name} has no references left and RTF_UP is clear, so its memory is released (rttrash--)."
            ),
            RouteEvent::Lookup {
                caller,
                found,
                walk,
            } => match found {
                Some(n) => format!(
                    "{caller}({}) in fib {} matches {n}: {}.",
                    fmt_addr(walk.dst),
                    walk.fib,
                    walk.summary()
                ),
                None => format!(
                    "{caller}({}) in fib {} finds no route ({}); rts_unreach++.",
                    fmt_addr(walk.dst),
                    walk.fib,
                    walk.summary()
                ),
            },
            RouteEvent::Refcnt {
                name, by, from, to, ..
            } => format!("{by}: {name} rt_refcnt {from} -> {to}."),
            RouteEvent::Locked { name, by, .. } => {
                format!("{by}: {name} is locked (rt_mtx held by the scenario's thread).")
            }
            RouteEvent::Unlocked { name, by, .. } => format!("{by}: {name} is unlocked."),
            RouteEvent::CacheKept { ro, name } => format!(
                "rtalloc(&{ro}): the cached {ro}.ro_rt ({name}) is still RTF_UP, so no lookup is done."
            ),
            RouteEvent::CacheStale { ro, name } => format!(
                "rtalloc(&{ro}): the cached {name} lost RTF_UP (it was deleted), so it is released and {ro}.ro_dst is looked up again."
            ),
            RouteEvent::StillReferenced { name, refcnt, .. } => format!(
                "rtfree: {name} still has {refcnt} reference{}, so it stays.",
                if *refcnt == 1 { "" } else { "s" }
            ),
            RouteEvent::Closed {
                name,
                expire,
                reallyold,
                ..
            } => match expire {
                Some(e) => format!(
                    "rtfree: the last reference to {name} is gone, so rnh_close = in_clsroute runs: a learned (RTF_DYNAMIC) host route still in the table is marked RTPRF_OURS with rmx_expire = time_uptime + rtq_reallyold ({reallyold} s) = {e}; in_rtqtimo deletes it after that unless a lookup revives it first."
                ),
                None => format!(
                    "rtfree: the last reference to {name} is gone, and rtq_reallyold is 0, so in_clsroute expunges it at once (rtexpunge)."
                ),
            },
            RouteEvent::Revived { name, was, .. } => format!(
                "in_matroute: the lookup found {name}, which was waiting to expire at second {was}; its first reference revives it (RTPRF_OURS and rmx_expire cleared)."
            ),
            RouteEvent::RtqTimo {
                uptime,
                found,
                killed,
                next_tick,
            } => {
                let what = if killed.is_empty() {
                    "none has reached its rmx_expire".to_string()
                } else {
                    format!(
                        "rmx_expire <= {uptime}, so in_rtqkill deletes {}",
                        killed.join(", ")
                    )
                };
                format!(
                    "in_rtqtimo at uptime {uptime}: {found} route{} marked RTPRF_OURS; {what}. It runs again in rtq_timeout = 600 s (tvtohz adds a tick), at tick {next_tick}.",
                    if *found == 1 { "" } else { "s" }
                )
            }
            RouteEvent::NumfibsClamped { asked, got } => {
                if *got == 1 {
                    format!(
                        "route_init: rt_numfibs {asked} makes no sense, so it becomes 1 (if (rt_numfibs == 0) rt_numfibs = 1)."
                    )
                } else if *asked < 0 {
                    format!(
                        "route_init: rt_numfibs is a u_int, so {asked} reads as {} and is clamped to RT_MAXFIBS = {got} (there are only four mbuf flag bits for the fib number).",
                        *asked as u32
                    )
                } else {
                    format!(
                        "route_init: rt_numfibs {asked} is above RT_MAXFIBS, so it is clamped to {got} (there are only four mbuf flag bits for the fib number)."
                    )
                }
            }
            RouteEvent::Rtm(m) => match m.kind {
                RtmType::Miss => format!(
                    "RTM_MISS for {} (fib {}) goes to routing-socket listeners: the lookup was asked to report failure.",
                    m.dst, m.fib
                ),
                RtmType::Redirect => format!(
                    "RTM_REDIRECT for {} (fib {}) goes to routing-socket listeners: rtredirect reports the redirect with rt_missmsg (its own rtrequest sent nothing).",
                    m.dst, m.fib
                ),
                k => format!(
                    "{} for {} (fib {}) goes to routing-socket listeners.",
                    k.as_str(),
                    m.dst,
                    m.fib
                ),
            },
        }
    }
}
