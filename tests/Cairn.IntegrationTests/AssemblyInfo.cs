// Each test starts whole nodes (a ledger, a job store, Kestrel, Wasm compiles): on a 2-core machine
// running them one class at a time keeps timings sane and the run short.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
