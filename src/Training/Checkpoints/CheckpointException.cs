namespace Trainer.Training.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be used: malformed, truncated, or holding tensors other than the ones expected.
/// The message is one line, <c>{path}: {problem}</c>, naming the tensor where there is one and what was expected
/// against what was found. It is an <see cref="IOException"/>, so the command line reports it as a user error (exit 1).
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> (as the caller gave it) and a one-line <paramref name="problem"/>.</summary>
    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem.ReplaceLineEndings(" ")}", inner)
    {
        FilePath = path;
        Problem = problem.ReplaceLineEndings(" ");
    }

    /// <summary>The checkpoint's path as the caller gave it.</summary>
    public string FilePath { get; }

    /// <summary>The problem without the path prefix.</summary>
    public string Problem { get; }
}
