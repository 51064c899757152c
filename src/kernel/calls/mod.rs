//! The syscall glue: how a scenario's call by name reaches a facility, and the signature
//! tables the checker and the docs read. These files, the machine and the interpreter are the
//! only code that names `Kernel`; the facilities are plain data. [`icmp`] is `netinet/ip_icmp.c`, which works on the route table
//! and rt_timer together.

pub mod freebsd;
pub mod icmp;
pub mod openbsd;
pub mod route;
pub mod rttimer;
