# title: timeout table full
# note: The legacy timeout() does not take a struct callout from its caller: it pops one from the
# callfree list of ncallout preallocated callouts, set at boot. With ncallout = 4, four pending
# timeouts use them all, and the fifth timeout() panics with "timeout table full", as the real
# kernel did. A callout that fires or is stopped goes back on callfree, so the table only fills up
# with timeouts that are pending at the same time.
ncallout = 4
h1 = timeout(f, 1, 100)
h2 = timeout(f, 2, 100)
h3 = timeout(f, 3, 100)
h4 = timeout(f, 4, 100)
h5 = timeout(f, 5, 100)
