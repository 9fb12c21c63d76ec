using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Trainer.Kernels.Device;
using Trainer.Kernels.Normalization;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// Training-mode batch normalisation, fused (<see cref="BatchNormKeys"/>): each task owns whole channels and does all of a
/// channel's work, its statistics (or the backward's two sums) and then its output, while the channel is still in cache.
/// A channel's sums walk its planes o = 0, 1, … in order, adding each plane's whole 16-float vectors into four vector
/// accumulators in turn and its last inner mod 16 values into a scalar one, then ((a0 + a1) + (a2 + a3)) across lanes
/// plus the scalar: a fixed order, so the same bits whatever the thread count or the channels per task.
/// The float mean m is off the exact one by up to half an ulp of m, which is much more than that of a centred value when
/// the spread is small against the mean; so each direction also sums the centred values, whose mean r is that offset, and
/// centres with (x − m) − r (the composed ops this replaces got the same correction from autodiff, which subtracts the
/// mean of the centred gradient). Without it one dx of a [2, 257] batch was off by 4e-3 relative.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int BatchNormLanes = 16;

    [TableKernel(BatchNormKeys.Forward)]
    private Action? BindBatchNormForward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (g.Count == 0) return null;
        var work = new RangeWork<BatchNormForwardOp> { Chunk = BatchNormChannelsPerTask(g) };
        var op = new BatchNormForwardOp(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Inputs[2].Float(),
            call.Outputs[0].Float(), call.Outputs[1].Float(), call.Outputs[2].Float(), g);
        return () => RunRange(work, op, g.Channels);
    }

    [TableKernel(BatchNormKeys.Backward)]
    private Action? BindBatchNormBackward(KernelCall call)
    {
        var g = BatchNormGeometry.Of(call.InputShapes[0], call.Scalar);
        if (g.Count == 0) return null;
        var work = new RangeWork<BatchNormBackwardOp> { Chunk = BatchNormChannelsPerTask(g) };
        var i = call.Inputs;
        var op = new BatchNormBackwardOp(i[0].Float(), i[1].Float(), i[2].Float(), i[3].Float(), i[4].Float(), i[5].Float(), i[6].Float(),
            call.Outputs[0].Float(), call.Outputs[1].Float(), call.Outputs[2].Float(), g);
        return () => RunRange(work, op, g.Channels);
    }

    /// <summary>Channels per task: one where a channel holds an elementwise task's worth of values, more for small channels.</summary>
    private static int BatchNormChannelsPerTask(BatchNormGeometry g) =>
        (int)Math.Max(1, ElementwiseChunk / Math.Max(1L, (long)g.Outer * g.Inner));

    /// <summary>A value summed per element of a channel: x, x − mean, (x − mean)², dy, or dy·(x − mean).</summary>
    private interface IChannelTerm
    {
        Vector512<float> Vector(long offset);
        float Scalar(long offset);
    }

    private readonly struct ValueTerm(float* x) : IChannelTerm
    {
        public Vector512<float> Vector(long offset) => Vector512.Load(x + offset);
        public float Scalar(long offset) => x[offset];
    }

    private readonly struct CentredTerm(float* x, float mean) : IChannelTerm
    {
        public Vector512<float> Vector(long offset) => Vector512.Load(x + offset) - Vector512.Create(mean);
        public float Scalar(long offset) => x[offset] - mean;
    }

    private readonly struct CentredSquareTerm(float* x, float mean) : IChannelTerm
    {
        public Vector512<float> Vector(long offset)
        {
            var d = Vector512.Load(x + offset) - Vector512.Create(mean);
            return d * d;
        }

        public float Scalar(long offset)
        {
            float d = x[offset] - mean;
            return d * d;
        }
    }

    private readonly struct CentredProductTerm(float* dy, float* x, float mean) : IChannelTerm
    {
        public Vector512<float> Vector(long offset) => Vector512.Load(dy + offset) * (Vector512.Load(x + offset) - Vector512.Create(mean));
        public float Scalar(long offset) => dy[offset] * (x[offset] - mean);
    }

    /// <summary>Σ term over channel <paramref name="c"/>'s values in the fixed order the class describes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float SumChannel<TTerm>(TTerm term, BatchNormGeometry g, long c) where TTerm : struct, IChannelTerm
    {
        int whole = g.Inner / BatchNormLanes * BatchNormLanes;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        float tail = 0f;
        int k = 0;
        for (int o = 0; o < g.Outer; o++)
        {
            long plane = ((long)o * g.Channels + c) * g.Inner;
            for (int i = 0; i < whole; i += BatchNormLanes, k++)
            {
                var v = term.Vector(plane + i);
                switch (k & 3)
                {
                    case 0: a0 += v; break;
                    case 1: a1 += v; break;
                    case 2: a2 += v; break;
                    default: a3 += v; break;
                }
            }
            for (int i = whole; i < g.Inner; i++) tail += term.Scalar(plane + i);
        }
        return Vector512.Sum((a0 + a1) + (a2 + a3)) + tail;
    }

    /// <summary>Σ first and Σ second over channel <paramref name="c"/> in one walk, each in the order <see cref="SumChannel"/> uses.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (float First, float Second) SumChannelPair<TFirst, TSecond>(TFirst first, TSecond second, BatchNormGeometry g, long c)
        where TFirst : struct, IChannelTerm where TSecond : struct, IChannelTerm
    {
        int whole = g.Inner / BatchNormLanes * BatchNormLanes;
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        float tailA = 0f, tailB = 0f;
        int k = 0;
        for (int o = 0; o < g.Outer; o++)
        {
            long plane = ((long)o * g.Channels + c) * g.Inner;
            for (int i = 0; i < whole; i += BatchNormLanes, k++)
            {
                var u = first.Vector(plane + i);
                var v = second.Vector(plane + i);
                switch (k & 3)
                {
                    case 0: a0 += u; b0 += v; break;
                    case 1: a1 += u; b1 += v; break;
                    case 2: a2 += u; b2 += v; break;
                    default: a3 += u; b3 += v; break;
                }
            }
            for (int i = whole; i < g.Inner; i++)
            {
                tailA += first.Scalar(plane + i);
                tailB += second.Scalar(plane + i);
            }
        }
        return (Vector512.Sum((a0 + a1) + (a2 + a3)) + tailA, Vector512.Sum((b0 + b1) + (b2 + b3)) + tailB);
    }

    /// <summary>Channels [start, end): m = Σx/n, then r = Σ(x − m)/n and Σ(x − m)², then y = ((x − m) − r)·scale + beta.</summary>
    private readonly struct BatchNormForwardOp(float* x, float* gamma, float* beta, float* y, float* mean, float* variance,
        BatchNormGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            int whole = g.Inner / BatchNormLanes * BatchNormLanes;
            for (long c = start; c < end; c++)
            {
                float m = SumChannel(new ValueTerm(x), g, c) / g.N;
                var (sumCentred, sumSquares) = SumChannelPair(new CentredTerm(x, m), new CentredSquareTerm(x, m), g, c);
                float residual = sumCentred / g.N, v = sumSquares / g.N;
                mean[c] = m;
                variance[c] = v;
                float scale = gamma[c] / MathF.Sqrt(v + g.Eps), shift = beta[c];
                Vector512<float> vm = Vector512.Create(m), vr = Vector512.Create(residual), vs = Vector512.Create(scale), vb = Vector512.Create(shift);
                for (int o = 0; o < g.Outer; o++)
                {
                    long plane = ((long)o * g.Channels + c) * g.Inner;
                    float* xp = x + plane, yp = y + plane;
                    for (int i = 0; i < whole; i += BatchNormLanes)
                        Vector512.Store((Vector512.Load(xp + i) - vm - vr) * vs + vb, yp + i);
                    for (int i = whole; i < g.Inner; i++) yp[i] = (xp[i] - m - residual) * scale + shift;
                }
            }
        }
    }

    /// <summary>
    /// Channels [start, end): r = Σ(x − m)/n, Σdy and Σdy·(x − m), dgamma = (Σdy·(x − m) − r·Σdy)·invstd, then
    /// dx = a·dy + b·((x − m) − r) + d (see <see cref="BatchNormKeys.Backward"/>).
    /// </summary>
    private readonly struct BatchNormBackwardOp(float* dy, float* dMean, float* dVariance, float* x, float* gamma, float* mean, float* variance,
        float* dx, float* dGamma, float* dBeta, BatchNormGeometry g) : IRangeOp
    {
        public void Run(long start, long end)
        {
            int whole = g.Inner / BatchNormLanes * BatchNormLanes;
            for (long c = start; c < end; c++)
            {
                float m = mean[c];
                float invStd = 1f / MathF.Sqrt(variance[c] + g.Eps);
                float residual = SumChannel(new CentredTerm(x, m), g, c) / g.N;
                var (sumDy, sumProduct) = SumChannelPair(new ValueTerm(dy), new CentredProductTerm(dy, x, m), g, c);
                float gammaGrad = (sumProduct - residual * sumDy) * invStd;
                dBeta[c] = sumDy;
                dGamma[c] = gammaGrad;
                float a = gamma[c] * invStd;
                float b = 2f * dVariance[c] / g.N - a * invStd * gammaGrad / g.N;
                float d = dMean[c] / g.N - a * sumDy / g.N;
                Vector512<float> vm = Vector512.Create(m), vr = Vector512.Create(residual), va = Vector512.Create(a), vb = Vector512.Create(b), vd = Vector512.Create(d);
                for (int o = 0; o < g.Outer; o++)
                {
                    long plane = ((long)o * g.Channels + c) * g.Inner;
                    float* dyp = dy + plane, xp = x + plane, dxp = dx + plane;
                    for (int i = 0; i < whole; i += BatchNormLanes)
                        Vector512.Store(Vector512.Load(dyp + i) * va + (Vector512.Load(xp + i) - vm - vr) * vb + vd, dxp + i);
                    for (int i = whole; i < g.Inner; i++) dxp[i] = dyp[i] * a + (xp[i] - m - residual) * b + d;
                }
            }
        }
    }
}
