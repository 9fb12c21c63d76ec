// `train` and `graph` both build the quick-start network, which draws its initial weights from the
// process-wide GlobalSeed; in-process runs must not interleave, or a run's weights (and so its
// logged losses) would depend on what else was running. They also compete for two CPU cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
