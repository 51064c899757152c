# title: timeout_add(&to, 0): next tick, or the same pass from a handler
# note: The man page: "If the value is '0' it will, in the current implementation, be treated as
# '1'". The 5.6 code does no such conversion: to_time = ticks + 0, so the timeout is already due.
# From the script (thread context) it runs at the next hardclock, one tick late, after z1 that
# was added first with 1 tick: so "treated as 1" is what you observe. From a handler it is
# different: kick adds z2 with 0 ticks while softclock is draining timeout_todo, and 5.6 keeps
# draining until the list is empty, so z2 runs in the very same pass, at tick 5, right after kick.
handler kick {
  timeout_add(&z2, 0)
}
ticks = 4
timeout_set(&z1, one_tick, NULL)
timeout_set(&z0, zero_ticks, NULL)
timeout_set(&k, kick, NULL)
timeout_set(&z2, from_handler, NULL)
timeout_add(&z1, 1)
timeout_add(&z0, 0)   # ask: first_to_fire
hardclock(1)
timeout_add(&k, 3)
hardclock(3)
