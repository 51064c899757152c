# title: Same-tick order at a block boundary: todo, then wheel 0, then cascaded
# note: Five timeouts all due at tick 0x300 (768). W1b and W1a were added long ago and wait in
# wheel 1 bucket 3; W0a and W0b were added within 256 ticks and wait in wheel 0 bucket 0; C is
# added at 0x2ff with 1 tick and is still on timeout_todo. At tick 0x300 hardclock appends wheel
# 0 bucket 0 and then wheel 1 bucket 3 to the tail of timeout_todo, so softclock meets them in
# exactly that order: C, W0a, W0b, W1b, W1a. In 5.6 same-tick order is list order; later kernels
# (with timeout_new) changed it, so do not rely on it.
ticks = 0x1f0
timeout_set(&W1a, fW1a, NULL)
timeout_set(&W1b, fW1b, NULL)
timeout_set(&W0a, fW0a, NULL)
timeout_set(&W0b, fW0b, NULL)
timeout_set(&C, fC, NULL)
timeout_add(&W1b, 0x110)
timeout_add(&W1a, 0x110)
hardclock(0x100)
timeout_add(&W0a, 0x10)
hardclock(8)
timeout_add(&W0b, 8)
hardclock(7)
timeout_add(&C, 1)   # ask: first_to_fire
hardclock(1)
