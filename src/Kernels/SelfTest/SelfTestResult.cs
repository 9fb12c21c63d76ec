namespace Trainer.Kernels.SelfTest;

/// <summary>
/// The outcome of one self-test check: a kernel run on the device compared with the float64
/// reference (<see cref="Reference.ReferenceMath"/>).
/// </summary>
/// <param name="Name">What was checked, e.g. <c>gemm nt 64x512x784 bias+relu</c>.</param>
/// <param name="MaxError">
/// |device − reference| at the element that came closest to (or went furthest past) its bound,
/// i.e. the largest error relative to its element's bound; where every element has the same
/// bound this is the largest absolute error.
/// </param>
/// <param name="Bound">The error bound of that same element, so <c>MaxError ≤ Bound</c> whenever the values pass.</param>
/// <param name="Passed">Every element within its bound, no NaN, and nothing written past the output.</param>
/// <param name="ElapsedMs">Wall time of the launch plus a device synchronize (no copies, no reference).</param>
/// <param name="Detail">Why it failed (the first offending element, a stray write, an exception); null when it passed.</param>
public sealed record SelfTestResult(string Name, double MaxError, double Bound, bool Passed, double ElapsedMs, string? Detail = null);
