//! The two users of rt_timer in `netinet/ip_icmp.c`: path-MTU discovery (RFC 1191) and
//! ICMP redirects, each with its own queue and its own expiry action. They work on the route
//! table and on rt_timer together, so they live with the syscall glue, beside the scenario's
//! calls that deliver an ICMP message ([`API`]) and the two sysctls ([`write_var`]).
//!
//! * `icmp_mtudisc(dst, mtu)`: an ICMP "fragmentation needed" arrived. The route to `dst` gets
//!   a host route of its own (cloned RTF_GATEWAY|RTF_HOST|RTF_DYNAMIC from a network route,
//!   copying its metrics), an `icmp_mtudisc_timeout` timer on `ip_mtudisc_timeout_q`, and the
//!   new MTU. A message with no MTU (an old router) is answered by stepping down the plateau
//!   table. Expiry deletes the learned host route, so the path MTU is probed again after
//!   `ip_mtudisc_timeout` seconds.
//! * `icmp_redirect(dst, gw)`: `rtredirect` creates (or, for an existing host route, modifies
//!   with RTF_MODIFIED) a host route via `gw` and sends RTM_REDIRECT; `icmp_redirect_timeout`
//!   deletes it after `icmp_redirtimeout` seconds.
//! * Routing-socket messages: the kernel's own `rtrequest()` calls (the clone, the timeout
//!   actions) send none; only `rtredirect`'s RTM_REDIRECT and a lookup miss's RTM_MISS go out.
//!
//! Simplifications (the metric-lock rules of reference §3.5, in the simulator's terms):
//! * RTV_MTU locks live in [`RtTimers::mtu_locked`](crate::kernel::rttimer::RtTimers::mtu_locked); a cloned route inherits its
//!   parent's lock with the other metrics. An MTU below [`MTU_MIN`] or above the interface MTU
//!   locks the route (PMTU discovery is then off for it) and the MTU is not changed.
//! * There is no quoted IP header: a message with MTU 0 guesses from the route's MTU, else the
//!   interface MTU, then steps to the next lower plateau.
//! * Lookups use FIB 0 and take no reference: `icmp_mtudisc` drops the one `rtalloc1` took
//!   before returning, so the count is unchanged.
//! * Every route is RTF_GATEWAY here, so `rtredirect`'s "route to an interface" refusal never
//!   applies.

use super::rttimer::{check_queue, queue_change, queue_create, queue_destroy, timer_add};
use crate::kernel::api::{Args, Param, Signature};
use crate::kernel::machine::{delete_by_key, with_routes};
use crate::kernel::route::rtentry::{
    cidr, IF_MTU, RTF_DYNAMIC, RTF_GATEWAY, RTF_HOST, RTF_MODIFIED,
};
use crate::kernel::route::RtmType;
use crate::kernel::rttimer::{PmtuIgnored, RtTimerEvent};
use crate::kernel::value::fmt_addr;
use crate::kernel::{Bodies, EventKind, Kernel, KernelError, Value};

/// The ICMP messages a scenario can make arrive.
pub const API: &[Signature] = &[
    Signature {
        name: "icmp_mtudisc",
        params: &[
            ("in_addr dst", Param::Addr),
            ("u_short icmp_nextmtu", Param::Int),
        ],
        optional: 0,
        ret: "void",
        page: "netinet/ip_icmp.c",
        run: icmp_mtudisc_call,
    },
    Signature {
        name: "icmp_redirect",
        params: &[
            ("in_addr dst", Param::Addr),
            ("in_addr gateway", Param::Addr),
        ],
        optional: 0,
        ret: "void",
        page: "netinet/ip_icmp.c",
        run: icmp_redirect_call,
    },
];

pub const ICMP_MTUDISC_TIMEOUT: &str = "icmp_mtudisc_timeout";
pub const ICMP_REDIRECT_TIMEOUT: &str = "icmp_redirect_timeout";

/// RFC 1191 §7 plateau table, largest first, as `mtu_table` in `ip_icmp.c`.
pub const MTU_PLATEAUS: [u32; 13] = [
    65535, 65280, 32000, 17914, 9180, 8166, 4352, 2002, 1492, 1006, 508, 296, 68,
];
/// Below this an MTU is not believed: the route's MTU gets locked instead.
pub const MTU_MIN: u32 = 296;

/// The largest plateau strictly below `mtu`; `mtu` itself if none is (68 or less).
pub fn next_plateau(mtu: u32) -> u32 {
    MTU_PLATEAUS
        .iter()
        .copied()
        .find(|&p| mtu > p)
        .unwrap_or(mtu)
}

fn emit(k: &mut Kernel, e: RtTimerEvent) {
    k.emit(EventKind::RtTimer(e));
}

/// One of the kernel's own queues (`current`), created with `timeout` on first use. A
/// pointer to a queue the scenario destroyed is a use after free.
fn kernel_queue(
    k: &mut Kernel,
    current: Option<u32>,
    name: &'static str,
    timeout: i64,
) -> Result<u32, KernelError> {
    match current {
        Some(q) => check_queue(k, q, name).map(|_| q),
        None => queue_create(k, timeout, Some(name)),
    }
}

/// `icmp_mtudisc`: an ICMP need-fragmentation message for `dst` carrying `mtu` (0 = none).
pub fn icmp_mtudisc(k: &mut Kernel, dst: u32, mtu: u32) -> Result<(), KernelError> {
    let found = with_routes(k, |r, cx| Ok(r.lookup_traced("icmp_mtudisc", dst, 0, cx)))?;
    let Some(parent) = found else {
        k.rt.rts_unreach += 1;
        with_routes(k, |r, cx| {
            r.rtm(RtmType::Miss, fmt_addr(dst), 0, 0, cx);
            Ok(())
        })?;
        let why = PmtuIgnored::NoRoute;
        emit(
            k,
            RtTimerEvent::PmtuIgnored {
                dst: fmt_addr(dst),
                mtu,
                why,
            },
        );
        return Ok(());
    };
    let p = &k.rt.entries[parent as usize];
    let cloned = p.flags & RTF_HOST == 0;
    let rt = if cloned {
        let (gw, fib, parent_mtu) = (p.gateway, p.fib, p.mtu);
        let rt = with_routes(k, |r, cx| {
            r.rt_add_host_dynamic(dst, gw, fib, parent_mtu, cx)
        })?;
        if k.rtt.mtu_locked.contains(&parent) {
            k.rtt.mtu_locked.insert(rt);
        }
        rt
    } else {
        parent
    };
    let timeout = k.rtt.ip_mtudisc_timeout;
    let q = kernel_queue(
        k,
        k.rtt.ip_mtudisc_timeout_q,
        "ip_mtudisc_timeout_q",
        timeout,
    )?;
    k.rtt.ip_mtudisc_timeout_q = Some(q);
    timer_add(k, rt, Some(ICMP_MTUDISC_TIMEOUT.into()), q);

    let current = k.rt.entries[rt as usize].mtu;
    let (mtu, plateau_from) = if mtu == 0 {
        let from = if current != 0 { current } else { IF_MTU };
        (next_plateau(from), Some(from))
    } else {
        (mtu, None)
    };
    let dst_s = fmt_addr(dst);
    let why = if k.rtt.mtu_locked.contains(&rt) {
        PmtuIgnored::Locked
    } else if !(MTU_MIN..=IF_MTU).contains(&mtu) {
        k.rtt.mtu_locked.insert(rt);
        PmtuIgnored::OutOfRange {
            lo: MTU_MIN,
            hi: IF_MTU,
        }
    } else if current == 0 || current > mtu {
        k.rt.entries[rt as usize].mtu = mtu;
        let route = k.rt.name(rt);
        emit(
            k,
            RtTimerEvent::PmtuLearned {
                dst: dst_s,
                route,
                mtu,
                plateau_from,
                cloned,
            },
        );
        return Ok(());
    } else {
        PmtuIgnored::NotSmaller { current }
    };
    emit(
        k,
        RtTimerEvent::PmtuIgnored {
            dst: dst_s,
            mtu,
            why,
        },
    );
    Ok(())
}

/// Deletes `rt` by key if it was learned (RTF_DYNAMIC and RTF_HOST); true if it was.
/// `rtrequest(RTM_DELETE, rt_key(rt), rt->rt_gateway, rt_mask(rt), rt->rt_flags)`: a host
/// route's mask is NULL, so this is a delete by key, and on a route already deleted (still
/// referenced, so its timer ran) it takes whatever now heads the key's chain.
fn delete_if_learned(k: &mut Kernel, rt: u32, func: &str) -> Result<bool, KernelError> {
    let e = &k.rt.entries[rt as usize];
    if e.flags & (RTF_DYNAMIC | RTF_HOST) != RTF_DYNAMIC | RTF_HOST {
        return Ok(false);
    }
    let (dst, fib) = (e.dst, e.fib);
    delete_by_key(k, rt, func, dst, fib)?;
    Ok(true)
}

/// `icmp_mtudisc_timeout(rt, r)`: forget a learned path MTU.
pub fn icmp_mtudisc_timeout(k: &mut Kernel, rt: u32) -> Result<(), KernelError> {
    if delete_if_learned(k, rt, ICMP_MTUDISC_TIMEOUT)? || k.rtt.mtu_locked.contains(&rt) {
        return Ok(());
    }
    let old = std::mem::take(&mut k.rt.entries[rt as usize].mtu);
    let route = k.rt.name(rt);
    emit(k, RtTimerEvent::MtuReset { route, old });
    Ok(())
}

/// `icmp_redirect_timeout(rt, r)`: forget a learned redirect.
pub fn icmp_redirect_timeout(k: &mut Kernel, rt: u32) -> Result<(), KernelError> {
    delete_if_learned(k, rt, ICMP_REDIRECT_TIMEOUT).map(|_| ())
}

/// An ICMP redirect: `dst` is better reached via `gateway` (`rtredirect` with
/// RTF_GATEWAY|RTF_HOST), then `rt_timer_add(rt, icmp_redirect_timeout, ...)` if redirects
/// expire at all.
pub fn icmp_redirect(k: &mut Kernel, dst: u32, gateway: u32) -> Result<(), KernelError> {
    let found = with_routes(k, |r, cx| Ok(r.lookup_traced("rtredirect", dst, 0, cx)))?;
    let host = found.filter(|&id| k.rt.entries[id as usize].flags & RTF_HOST != 0);
    let (rt, modified) = match host {
        Some(id) => {
            let e = &mut k.rt.entries[id as usize];
            e.gateway = gateway;
            e.flags |= RTF_GATEWAY | RTF_MODIFIED;
            (id, true)
        }
        None => (
            with_routes(k, |r, cx| {
                r.rt_add_host_dynamic(dst, gateway, 0, IF_MTU, cx)
            })?,
            false,
        ),
    };
    let e = RtTimerEvent::RedirectLearned {
        dst: cidr(dst, None),
        gateway: fmt_addr(gateway),
        route: k.rt.name(rt),
        modified,
    };
    emit(k, e);
    // rtredirect ends with rt_missmsg(RTM_REDIRECT, ...): the one message of a redirect (its
    // rtrequest(RTM_ADD) is kernel-internal and sent none). RTF_DYNAMIC for a new route,
    // RTF_MODIFIED for a changed one, as rtredirect ors them into `flags`.
    let flags = RTF_GATEWAY | RTF_HOST | if modified { RTF_MODIFIED } else { RTF_DYNAMIC };
    with_routes(k, |r, cx| {
        r.rtm(RtmType::Redirect, fmt_addr(dst), 0, flags, cx);
        Ok(())
    })?;
    let timeout = k.rtt.icmp_redirtimeout;
    if timeout != 0 {
        let q = kernel_queue(
            k,
            k.rtt.icmp_redirect_timeout_q,
            "icmp_redirect_timeout_q",
            timeout,
        )?;
        k.rtt.icmp_redirect_timeout_q = Some(q);
        timer_add(k, rt, Some(ICMP_REDIRECT_TIMEOUT.into()), q);
    }
    Ok(())
}

/// sysctl `net.inet.ip.mtudisctimeout` (already checked non-negative).
pub fn set_mtudisc_timeout(k: &mut Kernel, t: i64) -> Result<(), KernelError> {
    k.rtt.ip_mtudisc_timeout = t;
    if let Some(q) = k.rtt.ip_mtudisc_timeout_q {
        check_queue(k, q, "ip_mtudisc_timeout")?;
        queue_change(k, q, t);
    }
    Ok(())
}

/// sysctl `net.inet.icmp.redirtimeout` (already checked non-negative): 0 destroys the queue
/// running every action (all redirect routes go at once); non-zero changes or creates it.
pub fn set_redirtimeout(k: &mut Kernel, b: &mut dyn Bodies, t: i64) -> Result<(), KernelError> {
    k.rtt.icmp_redirtimeout = t;
    match k.rtt.icmp_redirect_timeout_q {
        Some(q) => {
            check_queue(k, q, "icmp_redirtimeout")?;
            if t == 0 {
                queue_destroy(k, b, q, true)?;
                k.rtt.icmp_redirect_timeout_q = None;
            } else {
                queue_change(k, q, t);
            }
        }
        None if t > 0 => {
            let q = kernel_queue(k, None, "icmp_redirect_timeout_q", t)?;
            k.rtt.icmp_redirect_timeout_q = Some(q);
        }
        None => {}
    }
    Ok(())
}

fn icmp_mtudisc_call(
    k: &mut Kernel,
    _: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let dst = args.addr(0)?;
    let mtu = args.int(1)?;
    let Ok(mtu) = u16::try_from(mtu) else {
        return Err(KernelError::arg(
            1,
            format!("icmp_mtudisc: icmp_nextmtu is a 16-bit field (0..65535), got {mtu}"),
        ));
    };
    icmp_mtudisc(k, dst, u32::from(mtu))?;
    Ok(Value::Null)
}

fn icmp_redirect_call(
    k: &mut Kernel,
    _: &mut dyn Bodies,
    args: &Args,
) -> Result<Value, KernelError> {
    let dst = args.addr(0)?;
    let gw = args.addr(1)?;
    icmp_redirect(k, dst, gw)?;
    Ok(Value::Null)
}

/// The sysctl handlers: `net.inet.ip.mtudisctimeout` and `net.inet.icmp.redirtimeout`.
pub fn write_var(
    k: &mut Kernel,
    b: &mut dyn Bodies,
    name: &str,
    v: &Value,
) -> Result<bool, KernelError> {
    let n = match (name, v) {
        ("ip_mtudisc_timeout" | "icmp_redirtimeout", Value::Int(n)) => *n,
        ("ip_mtudisc_timeout" | "icmp_redirtimeout", v) => {
            return Err(KernelError::msg(format!(
                "{name} must be an int (seconds), got {}",
                v.type_name()
            )))
        }
        ("ip_mtudisc_timeout_q" | "icmp_redirect_timeout_q", _) => {
            return Err(KernelError::msg(format!(
                "{name} is the kernel's own queue pointer and cannot be set; change its timeout with {} instead",
                if name == "ip_mtudisc_timeout_q" {
                    "ip_mtudisc_timeout"
                } else {
                    "icmp_redirtimeout"
                }
            )))
        }
        _ => return Ok(false),
    };
    if n < 0 {
        return Err(KernelError::msg(format!(
            "{name}: EINVAL, the sysctl rejects negative timeouts (got {n})"
        )));
    }
    if name == "ip_mtudisc_timeout" {
        set_mtudisc_timeout(k, n)?;
    } else {
        set_redirtimeout(k, b, n)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plateaus_step_down() {
        let table = [
            (1500, 1492),
            (1492, 1006),
            (1006, 508),
            (508, 296),
            (296, 68),
            (68, 68),
            (1, 1),
            (65535, 65280),
            (70000, 65535),
            (4353, 4352),
        ];
        for (mtu, want) in table {
            assert_eq!(next_plateau(mtu), want, "below {mtu}");
        }
    }
}
