//! The syscall glue: how a scenario's call by name reaches a facility, and the signature
//! tables the checker and the docs read.

pub mod openbsd;
