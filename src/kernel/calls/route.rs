//! The scenario API of the route table: the `Signature` rows the script checker reads, and the
//! dispatch from a call's evaluated arguments to [`Routes`] (through the machine, which says
//! who the table's neighbours are: `machine::with_routes`). Also what the interpreter needs of routes (`ro.ro_rt` fields, `RTFREE` clearing
//! its variable, the trace's refcount note) and `netstat -rn`.

use crate::kernel::api::{Args, Param, Run, Signature};
use crate::kernel::machine::with_routes;
use crate::kernel::route::rtalloc::null_deref;
use crate::kernel::route::rtentry::{
    flag_value, RTF_GATEWAY, RTF_RNH_LOCKED, RTF_STATIC, RTPRF_OURS,
};
use crate::kernel::route::{netstat_row, Cx, NetstatRow, Routes, RtEntry};
use crate::kernel::value::Operand;
use crate::kernel::{Bodies, Kernel, KernelError, Value};

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
        run: |k, _, a| rtalloc1(k, a, || lookup_fib(a, 3)),
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
        run: |k, _, a| rtalloc1(k, a, || Ok(0)),
    },
    Signature {
        name: "rtalloc_fib",
        params: &[("struct route *ro", ROUTE), ("u_int fibnum", Param::Int)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, _, a| rtalloc_ign(k, a, |a| Ok((0, lookup_fib(a, 1)?))),
    },
    Signature {
        name: "rtalloc",
        params: &[("struct route *ro", ROUTE)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, _, a| rtalloc_ign(k, a, |_| Ok((0, 0))),
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
        run: |k, _, a| rtalloc_ign(k, a, |a| Ok((flags_arg(a, 1)?, lookup_fib(a, 2)?))),
    },
    Signature {
        name: "rtalloc_ign",
        params: &[("struct route *ro", ROUTE), ("u_long flags", Param::Flags)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, _, a| rtalloc_ign(k, a, |a| Ok((flags_arg(a, 1)?, 0))),
    },
    on_rt("RTFREE_LOCKED", |k, _, a| {
        rt_op(k, a, Routes::rtfree_locked)
    }),
    on_rt("RTFREE", |k, _, a| {
        rt_op(k, a, |r, id, _, cx| r.rtfree_unlocked(id, cx))
    }),
    on_rt("RT_LOCK", |k, _, a| rt_op(k, a, Routes::rt_lock)),
    on_rt("RT_UNLOCK", |k, _, a| rt_op(k, a, Routes::rt_unlock)),
    on_rt("RT_ADDREF", |k, _, a| rt_op(k, a, Routes::rt_addref)),
    on_rt("RT_REMREF", |k, _, a| rt_op(k, a, Routes::rt_remref)),
    Signature {
        name: "RO_RTFREE",
        params: &[("struct route *ro", ROUTE)],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run: |k, _, a| {
            let ro = ro_arg(k, a, 0)?;
            with_routes(k, |r, cx| r.ro_rtfree(ro, cx))?;
            Ok(Value::Null)
        },
    },
    on_rt("rtfree", |k, _, a| {
        rt_op(k, a, |r, id, _, cx| r.rtfree(id, cx))
    }),
];

/// A `net/route.h` macro, or `rtfree`, on a `struct rtentry *rt`.
const fn on_rt(name: &'static str, run: Run) -> Signature {
    Signature {
        name,
        params: &[RT],
        optional: 0,
        ret: "void",
        page: "rtalloc(9)",
        run,
    }
}

/// Runs `op` on the route of the first argument, with the name the macro goes by in a panic.
fn rt_op(
    k: &mut Kernel,
    args: &Args,
    op: fn(&mut Routes, u32, &str, &mut Cx) -> Result<(), KernelError>,
) -> Result<Value, KernelError> {
    let id = rt_arg(k, args, 0)?;
    let what = macro_name(args);
    with_routes(k, |r, cx| op(r, id, &what, cx))?;
    Ok(Value::Null)
}

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
        None => Err(k.fail(null_deref(args.name))),
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

pub fn route_value(r: Option<u32>) -> Value {
    r.map_or(Value::Null, Value::Route)
}

/// Every route call starts with no route touched (see `route_note`).
pub fn before_call(k: &mut Kernel) {
    k.rt.touched = None;
}

fn route_add(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
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
    with_routes(k, |r, cx| {
        Ok(Value::Int(r.route_add(dst, len, gw, fib, flags, cx)))
    })
}

fn route_delete(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let (dst, len) = args.prefix(0)?;
    let fib = table_fib(k, args, 1)?;
    with_routes(k, |r, cx| r.route_delete(dst, len, fib, cx)).map(Value::Int)
}

fn route_change(k: &mut Kernel, _: &mut dyn Bodies, args: &Args) -> Result<Value, KernelError> {
    let (dst, len) = args.prefix(0)?;
    let gw = args.addr(1)?;
    let fib = table_fib(k, args, 2)?;
    with_routes(k, |r, cx| {
        Ok(Value::Int(r.route_change(dst, len, gw, fib, cx)))
    })
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
    let name = args.name;
    with_routes(k, |r, cx| r.rtalloc1_fib(name, dst, report, ign, fib, cx)).map(route_value)
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
    with_routes(k, |r, cx| r.rtalloc_ign_fib(args.name, ro, ign, fib, cx))?;
    Ok(Value::Null)
}

/// How the `net/route.h` macros name themselves in a panic.
fn macro_name(args: &Args) -> String {
    format!("net/route.h ({})", args.name)
}

/// After any call: `RTFREE(rt)` and `RTFREE_LOCKED(rt)` end with `rt = NULL`, so the variable
/// (or `ro.ro_rt`) named by the first operand is cleared. A script variable is the
/// interpreter's: it gets the name back, and clears it if it holds a route.
pub fn after_call<'a>(k: &mut Kernel, name: &str, args: &'a [Operand]) -> Option<&'a str> {
    if !API.iter().any(|s| s.name == name) {
        k.rt.touched = None;
    }
    if name != "RTFREE" && name != "RTFREE_LOCKED" {
        return None;
    }
    match args.first() {
        Some(Operand::Ident(v)) => return Some(v),
        Some(Operand::Field(ro, f)) if f == "ro_rt" => {
            if let Some(c) = k.rt.ros.get_mut(ro) {
                c.rt = None;
            }
        }
        _ => {}
    }
    None
}

/// Reads `ro.ro_rt`, `ro.ro_dst`, `ro.ro_flags`.
pub fn read_field(k: &Kernel, obj: &str, field: &str) -> Result<Value, KernelError> {
    let Some(c) = k.rt.ros.get(obj) else {
        return Err(KernelError::msg(format!(
            "{obj}.{field}: {obj} is not a struct route (set {obj}.ro_dst first)"
        )));
    };
    match field {
        "ro_rt" => Ok(route_value(c.rt)),
        "ro_dst" => Ok(Value::Addr(c.ro_dst)),
        "ro_flags" => Ok(Value::Int(c.flags)),
        _ => Err(KernelError::msg(format!(
            "{obj}.{field}: struct route has ro_rt, ro_dst and ro_flags"
        ))),
    }
}

/// Writes `ro.ro_dst = a.b.c.d` (creating the `struct route`, zeroed), `ro.ro_rt = NULL`
/// (forgetting a reference, as careless C would), `ro.ro_flags = n`.
pub fn write_field(k: &mut Kernel, obj: &str, field: &str, v: Value) -> Result<(), KernelError> {
    match (field, v) {
        ("ro_dst", Value::Addr(a)) => {
            k.rt.ros.entry(obj.to_string()).or_default().ro_dst = a;
            Ok(())
        }
        ("ro_rt", v @ (Value::Null | Value::Route(_))) => {
            let c = k.rt.ros.entry(obj.to_string()).or_default();
            c.rt = match v {
                Value::Route(id) => Some(id),
                _ => None,
            };
            Ok(())
        }
        ("ro_flags", Value::Int(n)) => {
            k.rt.ros.entry(obj.to_string()).or_default().flags = n;
            Ok(())
        }
        (f @ ("ro_dst" | "ro_rt" | "ro_flags"), v) => Err(KernelError::msg(format!(
            "{obj}.{f} cannot hold {} ({})",
            v.type_name(),
            match f {
                "ro_dst" => "an IPv4 address like 10.1.2.3",
                "ro_rt" => "NULL or a route",
                _ => "an integer",
            }
        ))),
        (f, _) => Err(KernelError::msg(format!(
            "{obj}.{f}: struct route has ro_rt, ro_dst and ro_flags"
        ))),
    }
}

/// For the trace: the refcount after the call of the route it returned, took, or (for a
/// `&ro` call) acted on, and whether that route has been freed.
pub fn route_note(k: &Kernel, ret: &Value, args: &[Value]) -> (Option<i32>, bool) {
    let id = match (ret, args.first()) {
        (Value::Route(id), _) | (_, Some(Value::Route(id))) => Some(*id),
        (_, Some(Value::Ref(_))) => k.rt.touched,
        _ => None,
    };
    match id.and_then(|id| k.rt.entry(id)) {
        Some(e) => (Some(e.refcnt), e.freed.is_some()),
        None => (None, false),
    }
}

/// One route's `netstat -rn` row, with the rt_timers on it.
pub fn netstat_row_of(k: &Kernel, e: &RtEntry) -> NetstatRow {
    netstat_row(e, k.rtt.count_on(e.id), k.rtt.expire_of(e.id))
}

/// `netstat -rn -F fib`: the routes in tree order.
pub fn netstat(k: &Kernel, fib: u32) -> Vec<NetstatRow> {
    k.rt.in_tree_order(fib)
        .into_iter()
        .map(|e| netstat_row_of(k, e))
        .collect()
}

pub fn write_var(k: &mut Kernel, name: &str, v: &Value) -> Result<bool, KernelError> {
    let now = k.clock.ticks;
    k.rt.write_var(name, v, now, &mut k.trace)
}
