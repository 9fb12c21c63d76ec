using SkiaSharp;
using Trainer.Cli.Plotting;

namespace Trainer.Cli.Tests.Plotting;

public class ChartFontTests
{
    /// <summary>The chart's text must not depend on system fonts, which a bare CI machine does not have.</summary>
    [Fact]
    public void Typeface_is_the_embedded_dejavu_sans_and_draws_glyphs()
    {
        var typeface = ChartFont.Typeface;

        Assert.Equal("DejaVu Sans", typeface.FamilyName);
        Assert.True(typeface.GlyphCount > 1000, $"{typeface.GlyphCount} glyphs");
        using var bitmap = new SKBitmap(120, 30);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        using var font = new SKFont(typeface, 16);
        using var paint = new SKPaint { Color = SKColors.Black };
        canvas.DrawText("loss 0.5", 4, 22, font, paint);
        int dark = 0;
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 120; x++)
                if (bitmap.GetPixel(x, y).Red < 128) dark++;
        Assert.True(dark > 50, $"only {dark} dark pixels");
    }
}
