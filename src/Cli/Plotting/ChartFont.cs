using SkiaSharp;

namespace Trainer.Cli.Plotting;

/// <summary>
/// The typeface every chart draws with: DejaVu Sans, embedded in the assembly. Not
/// <see cref="SKTypeface.Default"/>: SkiaSharp's NoDependencies native build finds fonts only in
/// /usr/share/fonts, and on a machine with none its default typeface has no glyphs, so text would
/// silently come out blank.
/// </summary>
internal static class ChartFont
{
    internal const string ResourceName = "fonts/DejaVuSans.ttf";

    private static readonly Lazy<SKTypeface> Loaded = new(Load);

    public static SKTypeface Typeface => Loaded.Value;

    private static SKTypeface Load()
    {
        using var stream = typeof(ChartFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource '{ResourceName}' is missing from {typeof(ChartFont).Assembly.GetName().Name}");
        var typeface = SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"embedded resource '{ResourceName}' is not a font SkiaSharp can load");
        return typeface;
    }
}
