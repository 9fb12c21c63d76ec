// The tests share the process-wide GlobalSeed and compete for two cores on ILGPU's CPU
// accelerator; running them one at a time keeps seeds deterministic and timings sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
