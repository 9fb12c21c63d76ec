using System.Globalization;

namespace Trainer.Graph.Ir;

/// <summary>The scalar of an op such as x·s or x + s.</summary>
public sealed record ScalarAttributes(float Value) : OpAttributes
{
    /// <inheritdoc/>
    public override string Print() => "s=" + Value.ToString("R", CultureInfo.InvariantCulture);
}
