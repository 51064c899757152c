# title: A recycled untimeout handle cancels a newer timeout
# note: The man page warns: "As handles are recycled by the system, it is possible (although
# unlikely) that a handle from one invocation of timeout() may match the handle of another
# invocation of timeout() if both calls used the same function pointer and argument, and the
# first timeout is expired or canceled before the second call." h1 = timeout(hello, NULL, 10)
# takes callout[63] from the top of the callfree stack. At tick 10 hello runs and callout[63]
# goes back on top of callfree. h2 = timeout(hello, NULL, 20) takes callout[63] again, so h1 and
# h2 are the same handle. untimeout(hello, NULL, h1), with the stale handle, finds the same func
# and arg and stops the new timeout: hello never runs a second time.
h1 = timeout(hello, NULL, 10)
hardclock(10)
h2 = timeout(hello, NULL, 20)   # ask: returns untimeout
untimeout(hello, NULL, h1)
hardclock(30)
