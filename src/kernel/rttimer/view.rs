//! Read-only views for the UI: one lane per queue in scan order, the scanner's next fire,
//! each route's timers, and when each timer will go.
//!
//! The "expiry tick" assumes nothing changes in between (no `rt_timer_queue_change`, no
//! re-add): it is the first scanner fire at or after the expiry second.

use super::queue::expiry_second;
use super::{RtTimer, RT_TIMER_CH};
use crate::kernel::openbsd::TIMEOUT_ONQUEUE;
use crate::kernel::Kernel;

/// One timer as a lane shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimerView {
    pub id: u32,
    pub route: u32,
    /// "10.9.8.7/32".
    pub dst: String,
    pub func: String,
    pub queue: u32,
    pub rtt_time: i64,
    /// The first uptime second whose scan takes it: `rtt_time + rtq_timeout + 1`.
    pub expiry_second: i64,
    /// The tick of that scan, if the scanner is pending.
    pub expiry_tick: Option<i32>,
}

/// One queue with its entries, head first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueView {
    pub id: u32,
    /// "q#0" or "q#0 (ip_mtudisc_timeout_q)".
    pub name: String,
    pub rtq_timeout: i64,
    pub count: usize,
    pub entries: Vec<TimerView>,
}

/// The tick the scanner `rt_timer_ch` fires next, if it is armed.
pub fn scanner_next_tick(k: &Kernel) -> Option<i32> {
    if k.to.flags(RT_TIMER_CH, TIMEOUT_ONQUEUE) == 0 {
        return None;
    }
    k.to.get(RT_TIMER_CH).map(|v| v.to_time)
}

/// The first scan at or after uptime second `second`, assuming the scanner keeps firing every
/// `hz` ticks from its next fire.
pub fn scan_tick_for_second(k: &Kernel, second: i64) -> Option<i32> {
    let next = scanner_next_tick(k)?;
    let hz = i64::from(k.clock.hz);
    // Hardclocks since boot at the next fire; uptime there is that over hz.
    let elapsed_next = k.clock.elapsed as i64 + i64::from(next.wrapping_sub(k.clock.ticks));
    let missing = second * hz - elapsed_next;
    let scans = if missing <= 0 {
        0
    } else {
        (missing + hz - 1) / hz
    };
    Some(next.wrapping_add((scans * hz) as i32))
}

fn timer_view(k: &Kernel, t: &RtTimer) -> TimerView {
    let timeout = k.rtt.queue(t.queue).map_or(0, |q| q.rtq_timeout);
    let second = expiry_second(t.rtt_time, timeout);
    TimerView {
        id: t.id,
        route: t.rt,
        dst: k.rt.entry(t.rt).map(|e| e.cidr()).unwrap_or_default(),
        func: t.func_name().to_string(),
        queue: t.queue,
        rtt_time: t.rtt_time,
        expiry_second: second,
        expiry_tick: scan_tick_for_second(k, second),
    }
}

/// The live queues in scan order (newest first).
pub fn queues(k: &Kernel) -> Vec<QueueView> {
    k.rtt
        .order
        .iter()
        .filter_map(|&q| k.rtt.live_queue(q))
        .map(|q| QueueView {
            id: q.id,
            name: k.rtt.queue_name(q.id),
            rtq_timeout: q.rtq_timeout,
            count: q.rtq_count(),
            entries: q
                .rtq_head
                .iter()
                .filter_map(|t| k.rtt.timers.get(t))
                .map(|t| timer_view(k, t))
                .collect(),
        })
        .collect()
}

/// A route's timers, in its own list's order (most recently added first).
pub fn route_timers(k: &Kernel, rt: u32) -> Vec<TimerView> {
    k.rt.entry(rt)
        .map(|e| {
            e.timers
                .iter()
                .filter_map(|t| k.rtt.timers.get(t))
                .map(|t| timer_view(k, t))
                .collect()
        })
        .unwrap_or_default()
}
