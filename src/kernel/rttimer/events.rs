//! What the rt_timer queues and their ICMP users did, in words.
//!
//! Routes are named "rt#3 10.9.8.7/32", queues "q#0" or, for the kernel's own queues,
//! "q#0 (ip_mtudisc_timeout_q)". Seconds are `time_uptime` seconds.

/// Why a timer left its queue without its action running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RemoveWhy {
    /// `rt_timer_remove_all(rt)` called by the scenario.
    RemoveAll,
    /// The route was freed: `rtfree` runs `rt_timer_remove_all(rt, 0)` (a delete alone does
    /// not).
    RouteGone,
    /// `rt_timer_queue_destroy(q, 0)`.
    Destroy,
}

/// Why an ICMP need-fragmentation message changed nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PmtuIgnored {
    /// No route at all to the destination (rtalloc1 reports RTM_MISS).
    NoRoute,
    /// The route's RTV_MTU metric is locked: PMTU discovery is off for it.
    Locked,
    /// The MTU is below 296 or above the interface MTU: the route's MTU gets locked instead.
    OutOfRange { lo: u32, hi: u32 },
    /// The route already has an MTU no larger than the one offered.
    NotSmaller { current: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RtTimerEvent {
    /// `rt_timer_queue_create`: a new queue at the head of the global list.
    QueueCreated {
        queue: String,
        timeout: i64,
        /// This was the first queue: `rt_timer_init` armed the 1 Hz scanner, whose first scan
        /// falls on this tick (the boot phase: a multiple of hz hardclocks after boot).
        armed_scanner: Option<i32>,
    },
    /// `rt_timer_queue_change`: only `rtq_timeout` is overwritten.
    QueueChanged {
        queue: String,
        from: i64,
        to: i64,
        count: usize,
    },
    /// `rt_timer_queue_destroy`: emptied and unlinked from the global list.
    QueueDestroyed {
        queue: String,
        removed: usize,
        ran_actions: bool,
    },
    /// `rt_timer_add` appended a timer at the queue tail.
    Added {
        route: String,
        func: String,
        queue: String,
        rtt_time: i64,
        timeout: i64,
        /// `rtt_time + rtq_timeout + 1`: the first uptime second whose scan takes it.
        expiry_second: i64,
    },
    /// `rt_timer_add` first dropped the route's timer with the same function.
    Replaced {
        route: String,
        func: String,
        queue: String,
        old_rtt_time: i64,
    },
    /// `rt_timer_timer` began a scan.
    ScanStarted {
        uptime: i64,
        /// Queues in scan order (newest first), with their entry counts.
        queues: Vec<(String, usize)>,
    },
    /// The scan popped an expired timer; its action runs next.
    Expired {
        route: String,
        func: String,
        queue: String,
        rtt_time: i64,
        timeout: i64,
        uptime: i64,
    },
    /// `rt_timer_queue_destroy(q, 1)` runs a timer's action early.
    DestroyRuns {
        route: String,
        func: String,
        queue: String,
    },
    /// A timer dropped without running its action.
    Removed {
        route: String,
        func: String,
        queue: String,
        why: RemoveWhy,
    },
    /// `icmp_mtudisc` set a route's MTU.
    PmtuLearned {
        dst: String,
        route: String,
        mtu: u32,
        /// The message carried no MTU: this was guessed from the plateau table, stepping down
        /// from `from`.
        plateau_from: Option<u32>,
        /// A host route was cloned from a network route for it.
        cloned: bool,
    },
    /// `icmp_mtudisc` changed no MTU.
    PmtuIgnored {
        dst: String,
        mtu: u32,
        why: PmtuIgnored,
    },
    /// An action's `rtrequest(RTM_DELETE, rt_key(rt), ...)` (the NULL action's, with no
    /// netmask; `icmp_*_timeout`'s, with a host route's NULL `rt_mask`) deleted by key, and what
    /// went was not the timer's own route: `deleted` (the head of the key's chain), or nothing
    /// (ESRCH). It happens when the timer's route was deleted (and still referenced) before the
    /// timer ran.
    DeletedByKey {
        func: String,
        route: String,
        key: String,
        deleted: Option<String>,
    },
    /// `icmp_mtudisc_timeout` on a route that is not RTF_DYNAMIC|RTF_HOST: only its MTU resets.
    MtuReset { route: String, old: u32 },
    /// `icmp_redirect` created (or modified) a host route.
    RedirectLearned {
        dst: String,
        gateway: String,
        route: String,
        modified: bool,
    },
}

fn func_words(func: &str) -> String {
    if func == "NULL" {
        "NULL (delete the route)".into()
    } else {
        format!("{func}()")
    }
}

impl RtTimerEvent {
    pub fn narrate(&self) -> String {
        use RtTimerEvent as E;
        match self {
            E::QueueCreated {
                queue,
                timeout,
                armed_scanner,
            } => {
                let mut s = format!(
                    "rt_timer_queue_create: {queue} with rtq_timeout {timeout} s goes to the head of the queue list, so scans visit it first."
                );
                if let Some(first) = armed_scanner {
                    s.push_str(&format!(
                        " It is the first queue here, so rt_timer_ch, the 1 Hz scanner, is armed now; the kernel armed it at boot (ip_init creates its queue then) for hz ticks, so its scans keep the boot phase: every hz hardclocks from boot, next at tick {first}."
                    ));
                }
                s
            }
            E::QueueChanged {
                queue,
                from,
                to,
                count,
            } => format!(
                "rt_timer_queue_change: {queue} timeout {from} s -> {to} s; nothing is rescheduled, the next scan judges {} by the new value.",
                match count {
                    1 => "its 1 entry".to_string(),
                    n => format!("all {n} entries"),
                }
            ),
            E::QueueDestroyed {
                queue,
                removed,
                ran_actions,
            } => format!(
                "rt_timer_queue_destroy: {queue} emptied ({removed} timers, actions {}) and unlinked from the queue list; using it again would be a use after free.",
                if *ran_actions { "run" } else { "not run" }
            ),
            E::Added {
                route,
                func,
                queue,
                rtt_time,
                timeout,
                expiry_second,
            } => format!(
                "rt_timer_add: {route} gets {} at the tail of {queue} with rtt_time {rtt_time}; since {rtt_time} + {timeout} < uptime must hold, the first scan in second {expiry_second} takes it.",
                func_words(func)
            ),
            E::Replaced {
                route,
                func,
                queue,
                old_rtt_time,
            } => format!(
                "rt_timer_add: {route} already had a {} timer (on {queue}, rtt_time {old_rtt_time}); only one per function, so it is dropped and the timer restarts.",
                func_words(func)
            ),
            E::ScanStarted { uptime, queues } => {
                let qs: Vec<String> = queues
                    .iter()
                    .map(|(q, n)| format!("{q} ({n})"))
                    .collect();
                if qs.is_empty() {
                    format!("rt_timer_timer at uptime {uptime}: no queues to scan.")
                } else {
                    format!(
                        "rt_timer_timer at uptime {uptime} scans newest queue first: {}.",
                        qs.join(", ")
                    )
                }
            }
            E::Expired {
                route,
                func,
                queue,
                rtt_time,
                timeout,
                uptime,
            } => format!(
                "rt_timer_timer: head of {queue} is {route}: {rtt_time} + {timeout} < {uptime} (age {} s), so it is unlinked and {} runs.",
                uptime - rtt_time,
                func_words(func)
            ),
            E::DestroyRuns { route, func, queue } => format!(
                "rt_timer_queue_destroy: {queue} runs {} for {route} now, whatever its age.",
                func_words(func)
            ),
            E::Removed {
                route,
                func,
                queue,
                why,
            } => format!(
                "{}: the {} timer of {route} leaves {queue} without running.",
                match why {
                    RemoveWhy::RemoveAll => "rt_timer_remove_all",
                    RemoveWhy::RouteGone => "rtfree freed the route, rt_timer_remove_all",
                    RemoveWhy::Destroy => "rt_timer_queue_destroy(q, 0)",
                },
                func_words(func)
            ),
            E::PmtuLearned {
                dst,
                route,
                mtu,
                plateau_from,
                cloned,
            } => {
                let how = match plateau_from {
                    Some(from) => format!(
                        "the message carried no MTU, so the RFC 1191 plateau below {from} is {mtu}"
                    ),
                    None => format!("the message says {mtu}"),
                };
                format!(
                    "icmp_mtudisc: path to {dst} needs fragmentation; {how}; {route}{} now has MTU {mtu}.",
                    if *cloned {
                        " (a new RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC host route cloned from the network route)"
                    } else {
                        ""
                    }
                )
            }
            E::PmtuIgnored { dst, mtu, why } => match why {
                PmtuIgnored::NoRoute => format!(
                    "icmp_mtudisc: no route to {dst} at all, so rtalloc1 reports RTM_MISS and the message is dropped."
                ),
                PmtuIgnored::Locked => format!(
                    "icmp_mtudisc: the route to {dst} has RTV_MTU locked, so MTU {mtu} is ignored."
                ),
                PmtuIgnored::OutOfRange { lo, hi } => format!(
                    "icmp_mtudisc: MTU {mtu} for {dst} is outside {lo}..{hi}, so the kernel locks RTV_MTU (PMTU discovery off for this route)."
                ),
                PmtuIgnored::NotSmaller { current } => format!(
                    "icmp_mtudisc: the route to {dst} already has MTU {current}, not larger than {mtu}: unchanged."
                ),
            },
            E::DeletedByKey {
                func,
                route,
                key,
                deleted,
            } => {
                let call = if func == "NULL" {
                    "The NULL action of {route}'s timer is rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)"
                        .replace("{route}", route)
                } else {
                    format!(
                        "{func}() of {route}'s timer calls rtrequest(RTM_DELETE, rt_key(rt), rt->rt_gateway, rt_mask(rt), rt->rt_flags)"
                    )
                };
                match deleted {
                    Some(d) => format!(
                        "{call}: a key with no netmask and no route pointer, so it deleted {d}, the head of {key}'s chain, not the timer's own route."
                    ),
                    None => format!(
                        "{call}: the head of {key}'s chain is no route it may delete (ESRCH), so nothing goes."
                    ),
                }
            }
            E::MtuReset { route, old } => format!(
                "icmp_mtudisc_timeout: {route} is not RTF_DYNAMIC|RTF_HOST, so it stays and only its MTU {old} resets to 0."
            ),
            E::RedirectLearned {
                dst,
                gateway,
                route,
                modified,
            } => {
                if *modified {
                    format!(
                        "icmp_redirect: {dst} is now reached via {gateway}; the host route {route} is changed in place (RTF_MODIFIED)."
                    )
                } else {
                    format!(
                        "icmp_redirect: {dst} is now reached via {gateway}; a new RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC route {route} is created."
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_give_the_rule_and_the_numbers() {
        let table = [
            (
                RtTimerEvent::Added {
                    route: "rt#1 10.9.8.7/32".into(),
                    func: "icmp_mtudisc_timeout".into(),
                    queue: "q#0 (ip_mtudisc_timeout_q)".into(),
                    rtt_time: 4,
                    timeout: 600,
                    expiry_second: 605,
                },
                "rt_timer_add: rt#1 10.9.8.7/32 gets icmp_mtudisc_timeout() at the tail of q#0 (ip_mtudisc_timeout_q) with rtt_time 4; since 4 + 600 < uptime must hold, the first scan in second 605 takes it.",
            ),
            (
                RtTimerEvent::Expired {
                    route: "rt#2 10.0.0.1/32".into(),
                    func: "NULL".into(),
                    queue: "q#1".into(),
                    rtt_time: 3,
                    timeout: 1,
                    uptime: 5,
                },
                "rt_timer_timer: head of q#1 is rt#2 10.0.0.1/32: 3 + 1 < 5 (age 2 s), so it is unlinked and NULL (delete the route) runs.",
            ),
            (
                RtTimerEvent::QueueChanged {
                    queue: "q#1".into(),
                    from: 5,
                    to: 1,
                    count: 1,
                },
                "rt_timer_queue_change: q#1 timeout 5 s -> 1 s; nothing is rescheduled, the next scan judges its 1 entry by the new value.",
            ),
        ];
        for (e, want) in table {
            assert_eq!(e.narrate(), want);
        }
    }
}
