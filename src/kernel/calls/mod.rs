//! The syscall glue: how a scenario's call by name reaches a facility, and the signature
//! tables the checker and the docs read. These files, the machine and the interpreter are the
//! only code that names `Kernel`; the facilities are plain data.

pub mod freebsd;
pub mod openbsd;
