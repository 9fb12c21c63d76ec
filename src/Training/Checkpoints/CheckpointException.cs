namespace Trainer.Training.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be used: malformed, truncated, or holding tensors other than the ones expected.
/// The message is one line, <c>{path}: {problem}</c>, naming the tensor where there is one and what was expected
/// against what was found; control characters in it (from names in the file) are escaped (<see cref="IO.PrintableText"/>). It is an <see cref="IOException"/>, so the command line reports it as a user error (exit 1).
/// </summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/> (as the caller gave it) and a one-line <paramref name="problem"/>.</summary>
    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"{IO.PrintableText.Escape(path)}: {Clean(problem)}", inner)
    {
        FilePath = path;
        Problem = Clean(problem);
    }

    // One line, and names read from the file (tensor names, metadata) cannot drive the terminal it is printed on.
    private static string Clean(string problem) => IO.PrintableText.Escape(problem.ReplaceLineEndings(" "));

    /// <summary>The checkpoint's path as the caller gave it.</summary>
    public string FilePath { get; }

    /// <summary>The problem without the path prefix.</summary>
    public string Problem { get; }
}
