//! Reading what real machines print, for the instructor's kit (issue #20). Plain Rust: no web
//! imports and no kernel state, so the CLI (`hardclock-trace import-routes`) and the app share it.
//!
//! * [`routes`]: a routing table as `netstat -rn` (FreeBSD, NetBSD, OpenBSD, macOS), Linux
//!   `ip route` or `route -n` prints it, turned into the scenario's `route_add` statements.

pub mod routes;
