//! The FIBs: adding, deleting and changing routes (`rtrequest1_fib`), rttrash, and the
//! read-only views (`netstat -rn`, exact and longest-prefix lookups without side effects).

use super::events::{RouteEvent, RtMsg, RtmType};
use super::radix::netmask;
use super::radix_match::LookupWalk;
use super::rtentry::{
    cidr, flag_string, RtEntry, EEXIST, ESRCH, IF_MTU, RTF_DYNAMIC, RTF_GATEWAY, RTF_HOST, RTF_UP,
};
use super::{Cx, Routes};
use crate::kernel::value::fmt_addr;
use crate::kernel::KernelError;

/// A prefix length as a radix mask: /32 is a host route, which has none.
pub fn mask_of(len: u8) -> Option<u8> {
    (len < 32).then_some(len)
}

impl Routes {
    /// Sends a routing-socket message: logged in the `rtm` list and emitted.
    pub fn rtm(&mut self, kind: RtmType, dst: String, fib: u32, flags: u32, cx: &mut Cx) {
        let m = RtMsg {
            kind,
            dst,
            fib,
            tick: cx.now,
            flags,
        };
        self.rtm.push(m.clone());
        cx.emit(RouteEvent::Rtm(m));
    }

    /// "rt#3 10.0.0.0/8".
    pub fn name(&self, id: u32) -> String {
        self.entries
            .get(id as usize)
            .map_or_else(|| format!("rt#{id}"), RtEntry::name)
    }

    /// `rtrequest1_fib(RTM_ADD)`: a new entry in the tree, or EEXIST. `report`: the request came
    /// over the routing socket (`route add`), which answers with RTM_ADD; `rtrequest()` called from
    /// inside the kernel (the PMTU clone, `rtredirect`) sends no message of its own.
    #[allow(clippy::too_many_arguments)]
    fn rtrequest_add(
        &mut self,
        dst: u32,
        mask: Option<u8>,
        gateway: u32,
        flags: u32,
        fib: u32,
        mtu: u32,
        report: bool,
        cx: &mut Cx,
    ) -> Result<u32, i64> {
        let dst = dst & netmask(mask.unwrap_or(32));
        let id = self.entries.len() as u32;
        self.tree_mut(fib)
            .rn_addroute(dst, mask, id)
            .ok_or(EEXIST)?;
        let flags = RTF_UP | flags | if mask.is_none() { RTF_HOST } else { 0 };
        self.entries.push(RtEntry {
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
            rmx_expire: 0,
            in_table: true,
            freed: None,
        });
        self.booted = true;
        let e = RouteEvent::Added {
            id,
            name: self.name(id),
            fib,
            gateway,
            flags: flag_string(flags),
            report,
        };
        cx.emit(e);
        if report {
            self.rtm(RtmType::Add, cidr(dst, mask), fib, flags, cx);
        }
        Ok(id)
    }

    /// `route add prefix gateway`: a static route (`flags` RTF_GATEWAY|RTF_STATIC); 0 or EEXIST.
    pub fn route_add(
        &mut self,
        dst: u32,
        len: u8,
        gateway: u32,
        fib: u32,
        flags: u32,
        cx: &mut Cx,
    ) -> i64 {
        let mask = mask_of(len);
        match self.rtrequest_add(dst, mask, gateway, flags, fib, IF_MTU, true, cx) {
            Ok(_) => 0,
            Err(e) => {
                let dst = cidr(dst & netmask(len), mask);
                cx.emit(RouteEvent::AddExists { dst, fib });
                e
            }
        }
    }

    /// A host route learned from the network (ICMP redirect or need-fragmentation):
    /// RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC, with its own MTU. Errors if the host route exists.
    /// A kernel-internal `rtrequest(RTM_ADD)`: no routing-socket message (`rtredirect` sends its
    /// own RTM_REDIRECT afterwards).
    pub fn rt_add_host_dynamic(
        &mut self,
        dst: u32,
        gateway: u32,
        fib: u32,
        mtu: u32,
        cx: &mut Cx,
    ) -> Result<u32, KernelError> {
        if fib >= self.numfibs {
            return Err(KernelError::msg(format!(
                "fib {fib} does not exist: rt_numfibs is {}",
                self.numfibs
            )));
        }
        let flags = RTF_GATEWAY | RTF_DYNAMIC;
        self.rtrequest_add(dst, None, gateway, flags, fib, mtu, false, cx)
            .map_err(|_| {
                KernelError::msg(format!(
                    "{} already has a host route in fib {fib} (EEXIST)",
                    fmt_addr(dst)
                ))
            })
    }

    /// `rtrequest1_fib(RTM_DELETE)`: `rnh_deladdr(dst, netmask)` takes the entry out of the tree
    /// (with `mask` None, a NULL netmask, that is the head of the key's dupedkey chain whatever its
    /// mask: see [`super::radix::RadixTree::rn_delete_target`]), RTF_UP is cleared, it goes to
    /// rttrash and is freed now if nobody holds a reference. Its rt_timers are NOT touched: only
    /// `rtfree` runs `rt_timer_remove_all`, when the entry is really freed ([`free_entry`]).
    /// `same_thread`: the caller is the scenario's thread, which may hold the entry's lock.
    /// `report`: the request came over the routing socket (`route delete`), which answers with
    /// RTM_DELETE; kernel-internal calls (timer actions, `in_rtqkill`) send nothing.
    fn rtrequest_delete(
        &mut self,
        dst: u32,
        mask: Option<u8>,
        fib: u32,
        same_thread: bool,
        report: bool,
        cx: &mut Cx,
    ) -> Result<i64, KernelError> {
        let dst = dst & netmask(mask.unwrap_or(32));
        let found = self
            .tree(fib)
            .and_then(|t| t.rn_delete_target(dst, mask).and_then(|n| t.node(n).route));
        let Some(id) = found else {
            let root_marker =
                mask.is_none() && self.tree(fib).is_some_and(|t| t.delete_hits_root(dst));
            cx.emit(RouteEvent::DeleteMissing {
                dst: cidr(dst, mask),
                fib,
                root_marker,
            });
            return Ok(ESRCH);
        };
        if same_thread && self.entries[id as usize].locked {
            // rtrequest1_fib takes RT_LOCK(rt) after unlinking it; this thread already holds it.
            return Err(KernelError::Panic(format!(
                "_mtx_lock_sleep: recursed on non-recursive mutex rtentry @ net/route.c (rtrequest1_fib, deleting {}): the scenario still holds this route's lock",
                self.name(id)
            )));
        }
        if mask.is_none() && self.entries[id as usize].mask.is_some() {
            // No host route with this key: the NULL netmask took the chain's head instead.
            let e = RouteEvent::DeletedByKey {
                key: fmt_addr(dst),
                name: self.name(id),
                fib,
            };
            cx.emit(e);
        }
        let removed = self.tree_mut(fib).rn_delete(dst, mask);
        debug_assert_eq!(removed, Some(id));
        let e = &mut self.entries[id as usize];
        e.flags &= !RTF_UP;
        e.in_table = false;
        let (flags, refcnt, key, rt_mask) = (e.flags, e.refcnt, e.dst, e.mask);
        self.rttrash += 1;
        let timers = cx.timers_on(id);
        let e = RouteEvent::Deleted {
            id,
            name: self.name(id),
            fib,
            refcnt,
            report,
            timers,
        };
        cx.emit(e);
        if report {
            self.rtm(RtmType::Delete, cidr(key, rt_mask), fib, flags, cx);
        }
        if refcnt <= 0 {
            self.free_entry(id, cx);
        }
        Ok(0)
    }

    /// `route delete prefix`: 0 or ESRCH.
    pub fn route_delete(
        &mut self,
        dst: u32,
        len: u8,
        fib: u32,
        cx: &mut Cx,
    ) -> Result<i64, KernelError> {
        self.rtrequest_delete(dst, mask_of(len), fib, true, true, cx)
    }

    /// `rtrequest(RTM_DELETE, key, gateway, netmask, flags)` from kernel context (rt_timer
    /// actions, redirect cleanup, `in_rtqkill`): like `route delete`, but not from the scenario's
    /// thread, so a lock the scenario holds is not recursion, and with no routing-socket message.
    /// `mask_len` 32 means a NULL netmask (a host route's `rt_mask`, or the NULL action's
    /// `rtrequest(RTM_DELETE, rt_key(rt), 0, 0, 0)`): the head of the key's chain goes, whichever
    /// route that is. Returns 0 or ESRCH.
    pub fn rt_delete_by_key(
        &mut self,
        dst: u32,
        mask_len: u8,
        fib: u32,
        cx: &mut Cx,
    ) -> Result<i64, KernelError> {
        self.rtrequest_delete(dst, mask_of(mask_len), fib, false, false, cx)
    }

    /// `route change prefix gateway`: 0 or ESRCH.
    pub fn route_change(&mut self, dst: u32, len: u8, gateway: u32, fib: u32, cx: &mut Cx) -> i64 {
        let mask = mask_of(len);
        let dst = dst & netmask(len);
        let Some(id) = self.rt_lookup_exact(dst, len, fib) else {
            cx.emit(RouteEvent::DeleteMissing {
                dst: cidr(dst, mask),
                fib,
                root_marker: false,
            });
            return ESRCH;
        };
        let e = &mut self.entries[id as usize];
        e.gateway = gateway;
        let flags = e.flags;
        let ev = RouteEvent::Changed {
            id,
            name: self.name(id),
            gateway,
        };
        cx.emit(ev);
        self.rtm(RtmType::Change, cidr(dst, mask), fib, flags, cx);
        0
    }

    /// The last reference is gone from an entry that is no longer in the table.
    pub fn free_entry(&mut self, id: u32, cx: &mut Cx) {
        let tick = cx.now;
        let e = &mut self.entries[id as usize];
        e.freed = Some(tick);
        e.locked = false;
        self.rttrash -= 1;
        // NetBSD's rtfree ends with rt_timer_remove_all(rt, 0): this, not the delete, is where a
        // route's timers go (rt_timer(9) says "used when a route is deleted"; the code runs it
        // when the route is freed), so no timer ever points at freed memory.
        cx.rtfree(id);
        let ev = RouteEvent::Freed {
            id,
            name: self.name(id),
        };
        cx.emit(ev);
    }

    /// The route with exactly this destination and prefix length (32 = host route), if any.
    pub fn rt_lookup_exact(&self, dst: u32, mask_len: u8, fib: u32) -> Option<u32> {
        let t = self.tree(fib)?;
        let n = t.rn_lookup(dst & netmask(mask_len), mask_of(mask_len))?;
        t.node(n).route
    }

    /// Longest-prefix match with its walk, touching nothing (no refcount, no counters, no event).
    pub fn lookup(&self, dst: u32, fib: u32) -> (Option<u32>, LookupWalk) {
        let mut walk = LookupWalk {
            dst,
            fib,
            ..LookupWalk::default()
        };
        if let Some(t) = self.tree(fib) {
            t.rn_match(dst, &mut walk);
        }
        (walk.route, walk)
    }

    /// A lookup the kernel makes (`rtalloc1_fib`, `icmp_mtudisc`, `rtredirect`): the answer, with
    /// its walk recorded as a Lookup event (the trace's `lookup` record).
    pub fn lookup_traced(&mut self, caller: &str, dst: u32, fib: u32, cx: &mut Cx) -> Option<u32> {
        let (hit, walk) = self.lookup(dst, fib);
        let found = hit.map(|id| self.name(id));
        cx.emit(RouteEvent::Lookup {
            caller: caller.to_string(),
            found,
            walk,
        });
        hit
    }

    /// [`Routes::lookup`] for a caller that only wants the answer (the UI's kit): the same route, no walk.
    pub fn lookup_quiet(&self, dst: u32, fib: u32) -> Option<u32> {
        let t = self.tree(fib)?;
        t.rn_match_quiet(dst).and_then(|n| t.node(n).route)
    }

    /// Entries deleted from the table but still referenced (what `rttrash` counts).
    pub fn rttrash_list(&self) -> Vec<&RtEntry> {
        self.entries
            .iter()
            .filter(|e| !e.in_table && e.freed.is_none())
            .collect()
    }
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
    /// The uptime second of its first NetBSD rt_timer's scan, if it has one.
    pub expire: Option<i64>,
    /// FreeBSD's `rmx_expire` (uptime second), when `in_clsroute` has marked it RTPRF_OURS.
    pub rmx_expire: Option<i64>,
    /// rt_timers pending on the route.
    pub timers: usize,
}

/// One route's `netstat -rn` row, with the NetBSD rt_timers on it (how many, and the uptime
/// second whose scan takes the first, 0 for none): `netstat -rn` builds it for every route of a
/// table, a page that shows a few rows for only those.
pub fn netstat_row(e: &RtEntry, timers: usize, expire: i64) -> NetstatRow {
    NetstatRow {
        id: e.id,
        destination: e.netstat_dst(),
        gateway: fmt_addr(e.gateway),
        flags: flag_string(e.flags),
        refs: e.refcnt,
        use_count: e.use_count,
        mtu: e.mtu,
        expire: (expire != 0).then_some(expire),
        rmx_expire: (e.rmx_expire != 0).then_some(e.rmx_expire),
        timers,
    }
}

impl Routes {
    /// The routes of FIB `fib` in tree order, as `netstat -rn -F fib` lists them.
    pub fn in_tree_order(&self, fib: u32) -> Vec<&RtEntry> {
        let Some(t) = self.tree(fib) else {
            return Vec::new();
        };
        t.walk()
            .into_iter()
            .filter_map(|n| t.node(n).route)
            .map(|id| &self.entries[id as usize])
            .collect()
    }
}
