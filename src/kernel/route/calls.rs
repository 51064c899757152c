//! The scenario API of the route table: the `Signature` rows the script checker reads, and the
//! dispatch from a call's evaluated arguments to [`super::table`] and [`super::rtalloc`].

use super::rtentry::{flag_value, RTF_GATEWAY, RTF_RNH_LOCKED, RTF_STATIC, RTPRF_OURS};
use super::{rtalloc, table};
use crate::kernel::api::{Args, Param, Signature};
use crate::kernel::{Kernel, KernelError, Value};

const ROUTE: Param = Param::Obj("struct route");
const RT: (&str, Param) = ("struct rtentry *rt", Param::Route);

pub const API: &[Signature] = &[
    Signature {
        name: "route_add",
        params: &[
            ("prefix dst", Param::Prefix),
            ("in_addr gateway", Param::Addr),
            ("u_int fibnum", Param::Int),
            ("u_long flags", Param::Flags),
        ],
        optional: 2,
        ret: "int",
        page: "route(8)",
        run: route_add,
    },
    Signature {
        name: "route_delete",
        params: &[("prefix dst", Param::Prefix), ("u_int fibnum", Param::Int)],
        optional: 1,
        ret: "int",
        page: "route(8)",
        run: route_delete,
    },
    Signature {
        name: "route_change",
        params: &[
            ("prefix dst", Param::Prefix),
            ("in_addr gateway", Param::Addr),
            ("u_int fibnum", Param::Int),
        ],
        optional: 1,
        ret: "int",
        page: "route(8)",
        run: route_change,
    },
    Signature {
        name: "rtalloc1_fib",
        params: &[
            ("struct sockaddr *dst", Param::Addr),
            ("int report", Param::Int),
            ("u_long flags", Param::Flags),
            ("u_int fibnum", Param::Int),
        ],
        optional: 0,
        ret: "struct rtentry *",
        page: "rtalloc(9)",
        run: |k, a| rtalloc1(k, a, || lookup_fib(a, 3)),
    },
    Signature {
        name: "rtalloc1",
        params: &[
            ("struct sockaddr *dst", Param::Addr),
            ("int report", Param::Int),
            ("u_long flags", Param::Flags),
        ],
        optional: 0,
        ret: "struct rtentry *",
        page: "rtalloc(9)",
        run: |k, a| rtalloc1(k, a, || Ok(0)),
    },
    Signature {
        name: "rtalloc_fib",
        params: &[("struct route *ro", ROUTE), ("u_int fibnum", Param::Int)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| rtalloc_ign(k, a, |a| Ok((0, lookup_fib(a, 1)?))),
    },
    Signature {
        name: "rtalloc",
        params: &[("struct route *ro", ROUTE)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| rtalloc_ign(k, a, |_| Ok((0, 0))),
    },
    Signature {
        name: "rtalloc_ign_fib",
        params: &[
            ("struct route *ro", ROUTE),
            ("u_long flags", Param::Flags),
            ("u_int fibnum", Param::Int),
        ],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| rtalloc_ign(k, a, |a| Ok((flags_arg(a, 1)?, lookup_fib(a, 2)?))),
    },
    Signature {
        name: "rtalloc_ign",
        params: &[("struct route *ro", ROUTE), ("u_long flags", Param::Flags)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| rtalloc_ign(k, a, |a| Ok((flags_arg(a, 1)?, 0))),
    },
    Signature {
        name: "RTFREE_LOCKED",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rtfree_locked(k, id, &macro_name(a))?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RTFREE",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rtfree_unlocked(k, id)?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RT_LOCK",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rt_lock(k, id, &macro_name(a))?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RT_UNLOCK",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rt_unlock(k, id, &macro_name(a))?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RT_ADDREF",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rt_addref(k, id, &macro_name(a))?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RT_REMREF",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rt_remref(k, id, &macro_name(a))?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "RO_RTFREE",
        params: &[("struct route *ro", ROUTE)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let ro = ro_arg(k, a, 0)?;
            rtalloc::ro_rtfree(k, ro)?;
            Ok(Value::Null)
        },
    },
    Signature {
        name: "rtfree",
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, a| {
            let id = rt_arg(k, a, 0)?;
            rtalloc::rtfree(k, id)?;
            Ok(Value::Null)
        },
    },
];

/// A fib argument for `route add/delete/change`: must exist (a scenario mistake otherwise).
fn table_fib(k: &Kernel, args: &Args, i: usize) -> Result<u32, KernelError> {
    let f = args.int_or(i, 0)?;
    if f < 0 || f >= i64::from(k.rt.numfibs) {
        return Err(KernelError::arg(
            i,
            format!(
                "{}: fib {f} does not exist (rt_numfibs is {}; set rt_numfibs before adding routes)",
                args.name, k.rt.numfibs
            ),
        ));
    }
    Ok(f as u32)
}

/// A fib argument for `rtalloc*`: any non-negative number; the kernel asserts the range.
fn lookup_fib(args: &Args, i: usize) -> Result<u32, KernelError> {
    let f = args.int(i)?;
    u32::try_from(f)
        .map_err(|_| KernelError::arg(i, format!("{}: fibnum cannot be negative", args.name)))
}

/// A `u_long flags` argument: a number, or a union of RTF_* names.
fn flags_arg(args: &Args, i: usize) -> Result<u32, KernelError> {
    let names = match args.any(i)? {
        Value::Int(n) => {
            return u32::try_from(*n)
                .map_err(|_| KernelError::arg(i, format!("{}: flags out of range", args.name)))
        }
        Value::Null => return Ok(0),
        Value::Flags(v) => v.clone(),
        Value::Sym(s) => vec![s.clone()],
        v => {
            return Err(KernelError::arg(
                i,
                format!(
                    "{}: argument {} must be flags like RTF_RNH_LOCKED, or 0, got {}",
                    args.name,
                    i + 1,
                    v.type_name()
                ),
            ))
        }
    };
    names.iter().try_fold(0, |acc, n| {
        flag_value(n)
            .map(|v| acc | v)
            .ok_or_else(|| KernelError::arg(i, format!("{}: unknown flag {n}", args.name)))
    })
}

/// `route_add`'s flags: those a route in the table may carry (RTF_UP and RTF_HOST follow from
/// the entry itself).
fn route_flags(args: &Args, i: usize) -> Result<u32, KernelError> {
    let f = flags_arg(args, i)?;
    let bad = f & (RTF_RNH_LOCKED | RTPRF_OURS);
    if bad != 0 {
        return Err(KernelError::arg(
            i,
            format!(
                "route_add: {} is not a flag a route is added with (RTF_GATEWAY, RTF_STATIC, RTF_DYNAMIC, RTF_REJECT, RTF_BLACKHOLE, RTF_LLINFO...)",
                if bad & RTF_RNH_LOCKED != 0 { "RTF_RNH_LOCKED" } else { "RTF_PROTO3" }
            ),
        ));
    }
    Ok(f)
}

/// A `struct rtentry *` argument that will be dereferenced.
fn rt_arg(k: &mut Kernel, args: &Args, i: usize) -> Result<u32, KernelError> {
    match args.route(i)? {
        Some(id) if (id as usize) < k.rt.entries.len() => Ok(id),
        Some(id) => Err(KernelError::arg(
            i,
            format!("{}: no route rt#{id}", args.name),
        )),
        None => Err(rtalloc::null_deref(k, args.name)),
    }
}

/// A `&ro` argument naming a `struct route` that has been given a destination.
fn ro_arg<'a>(k: &Kernel, args: &Args<'a>, i: usize) -> Result<&'a str, KernelError> {
    let ro = args.obj(i)?;
    if !k.rt.ros.contains_key(ro) {
        return Err(KernelError::arg(
            i,
            format!(
                "{}: {ro} is not a struct route yet; set {ro}.ro_dst = a.b.c.d first",
                args.name
            ),
        ));
    }
    Ok(ro)
}

pub(super) fn route_value(r: Option<u32>) -> Value {
    r.map_or(Value::Null, Value::Route)
}

/// Every route call starts with no route touched (see `route_note`).
pub fn before_call(k: &mut Kernel) {
    k.rt.touched = None;
}

fn route_add(k: &mut Kernel, args: &Args) -> Result<Value, KernelError> {
    let (dst, len) = args.prefix(0)?;
    let gw = args.addr(1)?;
    let fib = table_fib(k, args, 2)?;
    // `route add` sets RTF_GATEWAY|RTF_STATIC; a flags argument (an imported table's
    // interface, reject or dynamic route) gives the entry exactly those flags instead.
    let flags = if args.vals.len() > 3 {
        route_flags(args, 3)?
    } else {
        RTF_GATEWAY | RTF_STATIC
    };
    Ok(Value::Int(table::route_add(k, dst, len, gw, fib, flags)))
}

fn route_delete(k: &mut Kernel, args: &Args) -> Result<Value, KernelError> {
    let (dst, len) = args.prefix(0)?;
    let fib = table_fib(k, args, 1)?;
    Ok(Value::Int(table::route_delete(k, dst, len, fib)?))
}

fn route_change(k: &mut Kernel, args: &Args) -> Result<Value, KernelError> {
    let (dst, len) = args.prefix(0)?;
    let gw = args.addr(1)?;
    let fib = table_fib(k, args, 2)?;
    Ok(Value::Int(table::route_change(k, dst, len, gw, fib)))
}

/// `rtalloc1_fib(dst, report, ignflags, fib)`; `rtalloc1` is the same in FIB 0. `fib` is read
/// after the other arguments, so an error names the first bad one.
fn rtalloc1(
    k: &mut Kernel,
    args: &Args,
    fib: impl FnOnce() -> Result<u32, KernelError>,
) -> Result<Value, KernelError> {
    let dst = args.addr(0)?;
    let report = args.int(1)? != 0;
    let ign = flags_arg(args, 2)?;
    let fib = fib()?;
    Ok(route_value(rtalloc::rtalloc1_fib(
        k, args.name, dst, report, ign, fib,
    )?))
}

/// `rtalloc_ign_fib(&ro, ignflags, fib)` and its shorter forms; `rest` reads their
/// `(ignflags, fib)`.
fn rtalloc_ign(
    k: &mut Kernel,
    args: &Args,
    rest: fn(&Args) -> Result<(u32, u32), KernelError>,
) -> Result<Value, KernelError> {
    let ro = ro_arg(k, args, 0)?;
    let (ign, fib) = rest(args)?;
    rtalloc::rtalloc_ign_fib(k, args.name, ro, ign, fib)?;
    Ok(Value::Null)
}

/// How the `net/route.h` macros name themselves in a panic.
fn macro_name(args: &Args) -> String {
    format!("net/route.h ({})", args.name)
}
