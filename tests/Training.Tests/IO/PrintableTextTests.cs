using Trainer.Training.Checkpoints;
using Trainer.Training.IO;

namespace Trainer.Training.Tests.IO;

/// <summary>Names from files are printed with their control characters shown, not obeyed.</summary>
public sealed class PrintableTextTests
{
    [Theory]
    [InlineData("fc1.weight", "fc1.weight")]
    [InlineData("\u001b[31mred", "\\x1b[31mred")]                    // SGR colour
    [InlineData("\u001b]0;title\u0007", "\\x1b]0;title\\x07")]       // window title, ended by BEL
    [InlineData("a\nb\rc\td", "a\\x0ab\\x0dc\\x09d")]               // line breaks would split a one-line error
    [InlineData("x\u007fy\u009bz", "x\\x7fy\\x9bz")]                // DEL and the C1 CSI
    [InlineData("abc\u202Egnp.exe", "abc\\u202egnp.exe")]           // right-to-left override
    [InlineData("\u2066iso\u2069", "\\u2066iso\\u2069")]             // direction isolates
    [InlineData("Größe_μ_名前", "Größe_μ_名前")]                     // letters of any script stay
    public void Escapes_controls_and_keeps_everything_else(string text, string expected) =>
        Assert.Equal(expected, PrintableText.Escape(text));

    [Fact]
    public void Checkpoint_errors_escape_the_names_they_quote()
    {
        var e = new CheckpointException("run/\u001b[2Jx.safetensors", "unexpected tensor '\u001b]0;pwned\u0007'\nsecond line");
        Assert.Equal("run/\\x1b[2Jx.safetensors: unexpected tensor '\\x1b]0;pwned\\x07' second line", e.Message);
        Assert.DoesNotContain(e.Message, c => char.IsControl(c));
    }
}
