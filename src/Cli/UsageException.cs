namespace Trainer.Cli;

/// <summary>A command line the user got wrong; printed as one line and exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
