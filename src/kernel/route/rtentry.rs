//! `struct rtentry` and the flag values of FreeBSD 9's `net/route.h`.

use crate::kernel::value::fmt_addr;

/// Route usable (in the table).
pub const RTF_UP: u32 = 0x1;
/// Destination is reached through a gateway.
pub const RTF_GATEWAY: u32 = 0x2;
/// Host entry (no netmask).
pub const RTF_HOST: u32 = 0x4;
pub const RTF_REJECT: u32 = 0x8;
/// Created dynamically (by a redirect or path-MTU discovery).
pub const RTF_DYNAMIC: u32 = 0x10;
/// Modified dynamically (by a redirect).
pub const RTF_MODIFIED: u32 = 0x20;
/// Message confirmed.
pub const RTF_DONE: u32 = 0x40;
pub const RTF_LLINFO: u32 = 0x400;
/// Manually added.
pub const RTF_STATIC: u32 = 0x800;
pub const RTF_BLACKHOLE: u32 = 0x1000;
/// Cloned from a network route (FreeBSD up to 7.x: ARP and PMTU clones).
pub const RTF_WASCLONED: u32 = 0x20000;
/// Protocol-specific flag 3.
pub const RTF_PROTO3: u32 = 0x40000;
/// `in_rmx.c`'s mark: unreferenced, waiting for `in_rtqtimo` to expire it at `rmx_expire`.
pub const RTPRF_OURS: u32 = RTF_PROTO3;
/// `rtalloc1_fib` flag: the caller already holds the radix head lock.
pub const RTF_RNH_LOCKED: u32 = 0x4000_0000;
/// `struct route` flag (9.x): `ro_rt` does not hold a reference.
pub const RT_NORTREF: i64 = 0x2;
/// `RT_MAXFIBS`: four mbuf flag bits.
pub const RT_MAXFIBS: u32 = 16;
/// MTU of the one notional interface routes point out of (`in_addroute` copies `if_mtu`).
pub const IF_MTU: u32 = 1500;

pub const ESRCH: i64 = 3;
pub const EEXIST: i64 = 17;

/// Names a scenario may use in a flags argument.
pub const FLAG_NAMES: &[(&str, u32)] = &[
    ("RTF_UP", RTF_UP),
    ("RTF_GATEWAY", RTF_GATEWAY),
    ("RTF_HOST", RTF_HOST),
    ("RTF_REJECT", RTF_REJECT),
    ("RTF_DYNAMIC", RTF_DYNAMIC),
    ("RTF_MODIFIED", RTF_MODIFIED),
    ("RTF_DONE", RTF_DONE),
    ("RTF_LLINFO", RTF_LLINFO),
    ("RTF_STATIC", RTF_STATIC),
    ("RTF_BLACKHOLE", RTF_BLACKHOLE),
    ("RTF_WASCLONED", RTF_WASCLONED),
    ("RTF_PROTO3", RTF_PROTO3),
    ("RTF_RNH_LOCKED", RTF_RNH_LOCKED),
];

/// `netstat -rn` flag letters, in netstat's order.
const LETTERS: &[(u32, char)] = &[
    (RTF_UP, 'U'),
    (RTF_GATEWAY, 'G'),
    (RTF_HOST, 'H'),
    (RTF_REJECT, 'R'),
    (RTF_DYNAMIC, 'D'),
    (RTF_MODIFIED, 'M'),
    (RTF_DONE, 'd'),
    (RTF_LLINFO, 'L'),
    (RTF_STATIC, 'S'),
    (RTF_BLACKHOLE, 'B'),
    (RTF_WASCLONED, 'W'),
    (RTF_PROTO3, '3'),
];

/// "UGHS" for RTF_UP|RTF_GATEWAY|RTF_HOST|RTF_STATIC.
pub fn flag_string(flags: u32) -> String {
    LETTERS
        .iter()
        .filter(|(f, _)| flags & f != 0)
        .map(|(_, c)| *c)
        .collect()
}

pub fn flag_value(name: &str) -> Option<u32> {
    FLAG_NAMES.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// "10.0.0.0/8", "10.1.2.3/32" for a host route: the form traces use.
pub fn cidr(dst: u32, mask: Option<u8>) -> String {
    format!("{}/{}", fmt_addr(dst), mask.unwrap_or(32))
}

/// One route (`struct rtentry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RtEntry {
    pub id: u32,
    /// `rt_key`: the destination, already masked.
    pub dst: u32,
    /// `rt_mask` as a prefix length; `None` for a host route.
    pub mask: Option<u8>,
    pub gateway: u32,
    /// `rt_flags`.
    pub flags: u32,
    pub refcnt: i32,
    /// `rt_mtx` is held (by the scenario's thread: there is only one).
    pub locked: bool,
    /// `rt_rmx.rmx_mtu`.
    pub mtu: u32,
    /// `rt_use`: lookups that returned this route.
    pub use_count: u64,
    pub fib: u32,
    /// FreeBSD's `rt_rmx.rmx_expire` (seconds of `time_uptime`), 0 for none: set by
    /// `in_clsroute` when the last reference goes, cleared by `in_matroute`.
    pub rmx_expire: i64,
    /// Still in the radix tree (false once deleted: then it is in rttrash until freed).
    pub in_table: bool,
    /// The tick it was freed at; a freed entry is kept so that later use can be diagnosed.
    pub freed: Option<i32>,
}

impl RtEntry {
    pub fn cidr(&self) -> String {
        cidr(self.dst, self.mask)
    }

    /// "rt#3 10.0.0.0/8", how narration names a route.
    pub fn name(&self) -> String {
        format!("rt#{} {}", self.id, self.cidr())
    }

    /// Destination as `netstat -rn` prints it: "default", a bare host, or a prefix.
    pub fn netstat_dst(&self) -> String {
        match self.mask {
            None => fmt_addr(self.dst),
            Some(0) => "default".into(),
            Some(l) => format!("{}/{l}", fmt_addr(self.dst)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netstat_flags() {
        let table = [
            (RTF_UP | RTF_GATEWAY | RTF_STATIC, "UGS"),
            (RTF_UP | RTF_GATEWAY | RTF_HOST | RTF_STATIC, "UGHS"),
            (RTF_UP | RTF_GATEWAY | RTF_HOST | RTF_DYNAMIC, "UGHD"),
            (0, ""),
        ];
        for (f, s) in table {
            assert_eq!(flag_string(f), s);
        }
        assert_eq!(flag_value("RTF_RNH_LOCKED"), Some(0x4000_0000));
        assert_eq!(cidr(0x0a01_0203, None), "10.1.2.3/32");
    }
}
