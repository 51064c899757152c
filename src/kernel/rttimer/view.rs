//! Read-only views for the UI: one lane per queue in scan order, each route's timers, and when
//! each timer will go.
//!
//! The "expiry tick" assumes nothing changes in between (no `rt_timer_queue_change`, no
//! re-add): it is the first scanner fire at or after the expiry second. The scanner is a
//! timeout on the OpenBSD wheel, so when it fires next is the caller's to say ([`ScanClock`]).

use super::queue::expiry_second;
use super::{RtTimer, RtTimers};

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

/// The clock as the scanner sees it: when `rt_timer_ch` fires next (None: not armed), `hz`,
/// and the hardclocks since boot at tick `ticks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanClock {
    pub next_scan: Option<i32>,
    pub hz: i32,
    pub elapsed: u64,
    pub ticks: i32,
}

impl ScanClock {
    /// The first scan at or after uptime second `second`, assuming the scanner keeps firing
    /// every `hz` ticks from its next fire.
    pub fn scan_tick_for_second(&self, second: i64) -> Option<i32> {
        let next = self.next_scan?;
        let hz = i64::from(self.hz);
        // Hardclocks since boot at the next fire; uptime there is that over hz.
        let elapsed_next = self.elapsed as i64 + i64::from(next.wrapping_sub(self.ticks));
        let missing = second * hz - elapsed_next;
        let scans = if missing <= 0 {
            0
        } else {
            (missing + hz - 1) / hz
        };
        Some(next.wrapping_add((scans * hz) as i32))
    }
}

impl RtTimers {
    fn timer_view(&self, t: &RtTimer, clock: &ScanClock) -> TimerView {
        let timeout = self.queue(t.queue).map_or(0, |q| q.rtq_timeout);
        let second = expiry_second(t.rtt_time, timeout);
        TimerView {
            id: t.id,
            route: t.rt,
            dst: t.rt_cidr.clone(),
            func: t.func_name().to_string(),
            queue: t.queue,
            rtt_time: t.rtt_time,
            expiry_second: second,
            expiry_tick: clock.scan_tick_for_second(second),
        }
    }

    /// The live queues in scan order (newest first).
    pub fn queues(&self, clock: &ScanClock) -> Vec<QueueView> {
        self.order
            .iter()
            .filter_map(|&q| self.live_queue(q))
            .map(|q| QueueView {
                id: q.id,
                name: self.queue_name(q.id),
                rtq_timeout: q.rtq_timeout,
                count: q.rtq_count(),
                entries: q
                    .rtq_head
                    .iter()
                    .filter_map(|t| self.timers.get(t))
                    .map(|t| self.timer_view(t, clock))
                    .collect(),
            })
            .collect()
    }

    /// A route's timers, in its own list's order (most recently added first).
    pub fn route_timers(&self, rt: u32, clock: &ScanClock) -> Vec<TimerView> {
        self.on_route(rt)
            .map(|t| self.timer_view(t, clock))
            .collect()
    }
}
