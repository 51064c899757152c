//! FreeBSD's own expiry of learned routes: `in_clsroute` and `in_rtqtimo` of
//! `netinet/in_rmx.c` (9.3), to set beside NetBSD's rt_timer.
//!
//! Where NetBSD hangs a timer on a learned route when it is learned, FreeBSD waits until nobody
//! uses it: `rtfree` at the last reference calls the tree's `rnh_close`, `in_clsroute`, which
//! marks an RTF_UP host route that is RTF_DYNAMIC (a redirect) or RTF_WASCLONED with
//! RTPRF_OURS (= RTF_PROTO3) and `rmx_expire = time_uptime + rtq_reallyold` (3600 s,
//! `net.inet.ip.rtexpire`). A lookup that finds it again (`in_matroute`) clears both: "first
//! reference revives it". A callout, `in_rtqtimo`, walks every FIB's tree with `in_rtqkill`
//! and deletes the marked routes whose `rmx_expire <= time_uptime`, then re-arms itself for
//! `rtq_timeout` (600 s) through `tvtohz`, which adds one tick: it runs at 0, 600 hz + 1,
//! 2 (600 hz + 1), ... hardclocks from boot (`in_inithead` calls it once at boot). So a marked
//! route outlives its `rmx_expire` by up to ten minutes.
//!
//! Simplifications: the callout is armed lazily, when `in_clsroute` first marks a route (so a
//! lesson without one has a clean callwheel), on the phase it has had since boot. The
//! `rtq_toomany` adaptation (more than 128 marked routes shortens `rtq_reallyold` by a third,
//! at most once per `rtq_timeout`) and `in_rtqdrain` (low memory) are not modelled.

use super::events::RouteEvent;
use super::rtentry::{RTF_DYNAMIC, RTF_HOST, RTF_LLINFO, RTF_UP, RTF_WASCLONED, RTPRF_OURS};
use super::{Cx, Routes};
use crate::kernel::KernelError;

/// `rtq_reallyold` default (`RTQ_REALLYOLD`): an hour.
pub const RTQ_REALLYOLD: i64 = 60 * 60;
/// `rtq_timeout` (`RTQ_TIMEOUT`): `in_rtqtimo` runs every ten minutes.
pub const RTQ_TIMEOUT: i64 = 60 * 10;
/// The callout's name and function.
pub const RTQ_TIMER: &str = "rtq_timer";
pub const IN_RTQTIMO: &str = "in_rtqtimo";

/// `tvtohz` of `rtq_timeout` seconds: `sec * hz` plus the one tick it always adds.
pub fn rtq_period(hz: i32) -> i64 {
    RTQ_TIMEOUT * i64::from(hz) + 1
}

/// Ticks from `elapsed` hardclocks after boot to the next `in_rtqtimo`, which ran at boot and
/// every [`rtq_period`] after.
pub fn rtq_phase_delay(elapsed: u64, hz: i32) -> i64 {
    let p = rtq_period(hz) as u64;
    (p - elapsed % p) as i64
}

impl Routes {
    /// `in_clsroute(rn, head)`: `rtfree` has just dropped the last reference to `id`.
    pub fn in_clsroute(&mut self, id: u32, cx: &mut Cx) -> Result<(), KernelError> {
        let e = &self.entries[id as usize];
        let f = e.flags;
        // Prophylactic: a deleted route is simply freed by rtfree.
        if f & RTF_UP == 0
            || f & (RTF_LLINFO | RTF_HOST) != RTF_HOST
            || f & (RTF_DYNAMIC | RTF_WASCLONED) == 0
            || f & RTPRF_OURS != 0
        {
            return Ok(());
        }
        let reallyold = self.rtq_reallyold;
        if reallyold == 0 {
            // rtexpunge: out of the tree now; rtfree then finds RTF_UP clear and frees it.
            cx.emit(RouteEvent::Closed {
                id,
                name: self.name(id),
                expire: None,
                reallyold,
            });
            let (key, fib) = (self.e_key(id), self.entries[id as usize].fib);
            self.rt_delete_by_key(key, 32, fib, cx)?;
            return Ok(());
        }
        let now = cx.uptime;
        let expire = now + reallyold;
        let e = &mut self.entries[id as usize];
        e.flags |= RTPRF_OURS;
        e.rmx_expire = expire;
        cx.emit(RouteEvent::Closed {
            id,
            name: self.name(id),
            expire: Some(expire),
            reallyold,
        });
        if !self.rtq_armed {
            self.rtq_armed = true;
            let delay = rtq_phase_delay(cx.elapsed, cx.hz);
            cx.arm_rtq_timer(delay)?;
        }
        Ok(())
    }

    fn e_key(&self, id: u32) -> u32 {
        self.entries[id as usize].dst
    }

    /// `in_matroute`: a lookup found `id`; a marked route is revived.
    pub fn in_matroute(&mut self, id: u32, cx: &mut Cx) {
        let e = &mut self.entries[id as usize];
        if e.flags & RTPRF_OURS == 0 {
            return;
        }
        e.flags &= !RTPRF_OURS;
        let was = std::mem::take(&mut e.rmx_expire);
        cx.emit(RouteEvent::Revived {
            id,
            name: self.name(id),
            was,
        });
    }

    /// `in_rtqtimo`: every FIB's tree, `in_rtqkill` on each route; then re-armed.
    pub fn in_rtqtimo(&mut self, cx: &mut Cx) -> Result<(), KernelError> {
        let now = cx.uptime;
        let mut found = 0usize;
        let mut killed = Vec::new();
        for fib in 0..self.numfibs {
            let routes: Vec<u32> = match self.tree(fib) {
                Some(t) => t
                    .walk()
                    .into_iter()
                    .filter_map(|n| t.node(n).route)
                    .collect(),
                None => continue,
            };
            for id in routes {
                let e = &self.entries[id as usize];
                if e.flags & RTPRF_OURS == 0 || !e.in_table {
                    continue;
                }
                found += 1;
                if e.rmx_expire > now {
                    continue;
                }
                if e.refcnt > 0 {
                    return Err(KernelError::Panic(format!(
                        "rtqkill route really not free: {} has rt_refcnt {}",
                        self.name(id),
                        e.refcnt
                    )));
                }
                // in_rtrequest(RTM_DELETE, rt_key(rt), rt->rt_gateway, rt_mask(rt), ...): a host
                // route's mask is NULL. Kernel-internal: no routing-socket message.
                let (key, fib) = (e.dst, e.fib);
                killed.push(self.name(id));
                self.rt_delete_by_key(key, 32, fib, cx)?;
            }
        }
        let period = rtq_period(cx.hz);
        let next_tick = cx.now.wrapping_add(period as i32);
        cx.emit(RouteEvent::RtqTimo {
            uptime: now,
            found,
            killed,
            next_tick,
        });
        cx.arm_rtq_timer(period)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_rtqtimo_keeps_its_boot_phase() {
        // tvtohz(600 s) = 600 hz + 1 ticks: runs at 0, 60001, 120002, ... at hz 100.
        assert_eq!(rtq_period(100), 60_001);
        for (elapsed, hz, want) in [
            (0, 100, 60_001),
            (1, 100, 60_000),
            (60_001, 100, 60_001),
            (60_002, 100, 60_000),
            (5, 10, 5996),
        ] {
            assert_eq!(rtq_phase_delay(elapsed, hz), want, "{elapsed} at hz {hz}");
        }
    }
}
