//! The FIBs: adding, deleting and changing routes (`rtrequest1_fib`), rttrash, and the
//! read-only views (`netstat -rn`, exact and longest-prefix lookups without side effects).

use super::events::{RouteEvent, RtMsg, RtmType};
use super::radix::netmask;
use super::radix_match::LookupWalk;
use super::rtentry::{
    cidr, flag_string, RtEntry, EEXIST, ESRCH, IF_MTU, RTF_DYNAMIC, RTF_GATEWAY, RTF_HOST,
    RTF_STATIC, RTF_UP,
};
use crate::kernel::value::fmt_addr;
use crate::kernel::{EventKind, Kernel, KernelError};

pub(super) fn emit(k: &mut Kernel, e: RouteEvent) {
    k.emit(EventKind::Route(e));
}

/// Sends a routing-socket message: logged in [`super::Routes::rtm`] and emitted.
pub fn rtm(k: &mut Kernel, kind: RtmType, dst: String, fib: u32, flags: u32) {
    let m = RtMsg {
        kind,
        dst,
        fib,
        tick: k.clock.ticks,
        flags,
    };
    k.rt.rtm.push(m.clone());
    emit(k, RouteEvent::Rtm(m));
}

/// A prefix length as a radix mask: /32 is a host route, which has none.
pub fn mask_of(len: u8) -> Option<u8> {
    (len < 32).then_some(len)
}

/// "rt#3 10.0.0.0/8".
pub(super) fn name(k: &Kernel, id: u32) -> String {
    k.rt.entries
        .get(id as usize)
        .map_or_else(|| format!("rt#{id}"), RtEntry::name)
}

/// `rtrequest1_fib(RTM_ADD)`: a new entry in the tree, or EEXIST.
fn rtrequest_add(
    k: &mut Kernel,
    dst: u32,
    mask: Option<u8>,
    gateway: u32,
    flags: u32,
    fib: u32,
    mtu: u32,
) -> Result<u32, i64> {
    let dst = dst & netmask(mask.unwrap_or(32));
    let id = k.rt.entries.len() as u32;
    k.rt.tree_mut(fib)
        .rn_addroute(dst, mask, id)
        .ok_or(EEXIST)?;
    let flags = RTF_UP | flags | if mask.is_none() { RTF_HOST } else { 0 };
    k.rt.entries.push(RtEntry {
        id,
        dst,
        mask,
        gateway,
        flags,
        refcnt: 0,
        locked: false,
        mtu,
        use_count: 0,
        fib,
        timers: Vec::new(),
        expire: 0,
        in_table: true,
        freed: None,
    });
    k.rt.booted = true;
    let e = RouteEvent::Added {
        id,
        name: name(k, id),
        fib,
        gateway,
        flags: flag_string(flags),
    };
    emit(k, e);
    rtm(k, RtmType::Add, cidr(dst, mask), fib, flags);
    Ok(id)
}

/// `route add prefix gateway`: a static route; 0 or EEXIST.
pub(super) fn route_add(k: &mut Kernel, dst: u32, len: u8, gateway: u32, fib: u32) -> i64 {
    let mask = mask_of(len);
    match rtrequest_add(k, dst, mask, gateway, RTF_GATEWAY | RTF_STATIC, fib, IF_MTU) {
        Ok(_) => 0,
        Err(e) => {
            let dst = cidr(dst & netmask(len), mask);
            emit(k, RouteEvent::AddExists { dst, fib });
            e
        }
    }
}

/// A host route learned from the network (ICMP redirect or need-fragmentation):
/// RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC, with its own MTU. Errors if the host route exists.
pub fn rt_add_host_dynamic(
    k: &mut Kernel,
    dst: u32,
    gateway: u32,
    fib: u32,
    mtu: u32,
) -> Result<u32, KernelError> {
    if fib >= k.rt.numfibs {
        return Err(KernelError::msg(format!(
            "fib {fib} does not exist: rt_numfibs is {}",
            k.rt.numfibs
        )));
    }
    rtrequest_add(k, dst, None, gateway, RTF_GATEWAY | RTF_DYNAMIC, fib, mtu).map_err(|_| {
        KernelError::msg(format!(
            "{} already has a host route in fib {fib} (EEXIST)",
            fmt_addr(dst)
        ))
    })
}

/// `rtrequest1_fib(RTM_DELETE)` as `route delete` drives it: out of the tree, RTF_UP cleared,
/// rt_timers dropped, into rttrash; RTM_DELETE; freed now if nobody holds a reference.
/// `same_thread`: the caller is the scenario's thread, which may hold the entry's lock.
fn rtrequest_delete(
    k: &mut Kernel,
    dst: u32,
    mask: Option<u8>,
    fib: u32,
    same_thread: bool,
) -> Result<i64, KernelError> {
    let dst = dst & netmask(mask.unwrap_or(32));
    let found =
        k.rt.tree(fib)
            .and_then(|t| t.rn_lookup(dst, mask))
            .and_then(|n| k.rt.tree(fib).and_then(|t| t.node(n).route));
    let Some(id) = found else {
        emit(
            k,
            RouteEvent::DeleteMissing {
                dst: cidr(dst, mask),
                fib,
            },
        );
        return Ok(ESRCH);
    };
    if same_thread && k.rt.entries[id as usize].locked {
        // rtrequest1_fib takes RT_LOCK(rt) after unlinking it; this thread already holds it.
        return Err(k.panic(format!(
            "_mtx_lock_sleep: recursed on non-recursive mutex rtentry @ net/route.c (rtrequest1_fib, deleting {}): the scenario still holds this route's lock",
            name(k, id)
        )));
    }
    k.rt.tree_mut(fib).rn_delete(dst, mask);
    let e = &mut k.rt.entries[id as usize];
    e.flags &= !RTF_UP;
    e.in_table = false;
    let (flags, refcnt) = (e.flags, e.refcnt);
    crate::kernel::rttimer::remove_all(k, id);
    k.rt.rttrash += 1;
    let e = RouteEvent::Deleted {
        id,
        name: name(k, id),
        fib,
        refcnt,
    };
    emit(k, e);
    rtm(k, RtmType::Delete, cidr(dst, mask), fib, flags);
    if refcnt <= 0 {
        free_entry(k, id);
    }
    Ok(0)
}

/// `route delete prefix`: 0 or ESRCH.
pub(super) fn route_delete(
    k: &mut Kernel,
    dst: u32,
    len: u8,
    fib: u32,
) -> Result<i64, KernelError> {
    rtrequest_delete(k, dst, mask_of(len), fib, true)
}

/// Deletes a route from kernel context (rt_timer expiry, redirect cleanup): like `route
/// delete`, but not from the scenario's thread, so a lock the scenario holds is not recursion.
/// `mask_len` 32 means the host route. Returns 0 or ESRCH.
pub fn rt_delete_by_key(
    k: &mut Kernel,
    dst: u32,
    mask_len: u8,
    fib: u32,
) -> Result<i64, KernelError> {
    rtrequest_delete(k, dst, mask_of(mask_len), fib, false)
}

/// `route change prefix gateway`: 0 or ESRCH.
pub(super) fn route_change(k: &mut Kernel, dst: u32, len: u8, gateway: u32, fib: u32) -> i64 {
    let mask = mask_of(len);
    let dst = dst & netmask(len);
    let Some(id) = rt_lookup_exact(k, dst, len, fib) else {
        emit(
            k,
            RouteEvent::DeleteMissing {
                dst: cidr(dst, mask),
                fib,
            },
        );
        return ESRCH;
    };
    let e = &mut k.rt.entries[id as usize];
    e.gateway = gateway;
    let flags = e.flags;
    let ev = RouteEvent::Changed {
        id,
        name: name(k, id),
        gateway,
    };
    emit(k, ev);
    rtm(k, RtmType::Change, cidr(dst, mask), fib, flags);
    0
}

/// The last reference is gone from an entry that is no longer in the table.
pub(super) fn free_entry(k: &mut Kernel, id: u32) {
    let tick = k.clock.ticks;
    let e = &mut k.rt.entries[id as usize];
    e.freed = Some(tick);
    e.locked = false;
    k.rt.rttrash -= 1;
    // NetBSD's rtfree ends with rt_timer_remove_all: timers added while the entry sat in
    // rttrash must not outlive it.
    crate::kernel::rttimer::remove_all(k, id);
    let ev = RouteEvent::Freed {
        id,
        name: name(k, id),
    };
    emit(k, ev);
}

/// The route with exactly this destination and prefix length (32 = host route), if any.
pub fn rt_lookup_exact(k: &Kernel, dst: u32, mask_len: u8, fib: u32) -> Option<u32> {
    let t = k.rt.tree(fib)?;
    let n = t.rn_lookup(dst & netmask(mask_len), mask_of(mask_len))?;
    t.node(n).route
}

/// Longest-prefix match with its walk, touching nothing (no refcount, no counters, no event).
pub fn lookup(k: &Kernel, dst: u32, fib: u32) -> (Option<u32>, LookupWalk) {
    let mut walk = LookupWalk {
        dst,
        fib,
        ..LookupWalk::default()
    };
    if let Some(t) = k.rt.tree(fib) {
        t.rn_match(dst, &mut walk);
    }
    (walk.route, walk)
}

/// [`lookup`] for a caller that would drop the walk: the same answer, nothing recorded.
pub fn lookup_quiet(k: &Kernel, dst: u32, fib: u32) -> Option<u32> {
    let t = k.rt.tree(fib)?;
    t.rn_match_quiet(dst).and_then(|n| t.node(n).route)
}

/// One line of `netstat -rn`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetstatRow {
    pub id: u32,
    pub destination: String,
    pub gateway: String,
    pub flags: String,
    pub refs: i32,
    pub use_count: u64,
    pub mtu: u32,
    /// Seconds of `time_uptime` at which it expires, when expiry code has set one.
    pub expire: Option<i64>,
    /// rt_timers pending on the route.
    pub timers: usize,
}

fn row(e: &RtEntry) -> NetstatRow {
    NetstatRow {
        id: e.id,
        destination: e.netstat_dst(),
        gateway: fmt_addr(e.gateway),
        flags: flag_string(e.flags),
        refs: e.refcnt,
        use_count: e.use_count,
        mtu: e.mtu,
        expire: (e.expire != 0).then_some(e.expire),
        timers: e.timers.len(),
    }
}

/// `netstat -rn -F fib`: the routes in tree order.
pub fn netstat(k: &Kernel, fib: u32) -> Vec<NetstatRow> {
    let Some(t) = k.rt.tree(fib) else {
        return Vec::new();
    };
    t.walk()
        .into_iter()
        .filter_map(|n| t.node(n).route)
        .map(|id| row(&k.rt.entries[id as usize]))
        .collect()
}

/// Entries deleted from the table but still referenced (what `rttrash` counts).
pub fn rttrash_list(k: &Kernel) -> Vec<&RtEntry> {
    k.rt.entries
        .iter()
        .filter(|e| !e.in_table && e.freed.is_none())
        .collect()
}
