using Trainer.Training;
using Trainer.Training.Hosting;
using Trainer.Training.Loops;
namespace Trainer.Cli.Diagnostics;

/// <summary>What `trainer compare --locate` checks the fused graph against.</summary>
public enum ParityReference
{
    /// <summary>Eager mode: the step run op by op, every op its own kernel.</summary>
    Eager,

    /// <summary>The same graph compiled without the fusion passes (`--no-fuse`): one kernel per primitive.</summary>
    Unfused,
}
