using Trainer.Kernels.Device;
using Trainer.Kernels.Reference;

namespace Trainer.Kernels.SelfTest;

/// <summary>The optimizer kernels' checks: every update, single-tensor and multi-tensor, and Adam's step counter.</summary>
public static partial class KernelSelfTest
{
    private const float MomentumLr = 0.05f, MomentumFactor = 0.9f, AdamLr = 0.001f, Beta1 = 0.9f, Beta2 = 0.999f, Eps = 1e-8f, Decay = 1e-2f;

    /// <summary>The hyperparameter blocks the kernels read from the device (<see cref="Ops.HyperparameterLayout"/>).</summary>
    private static readonly float[] MomentumHyperparameters = [MomentumLr, MomentumFactor, Decay], AdamHyperparameters = [AdamLr, Beta1, Beta2, Eps, Decay];

    /// <summary>β₁ and β₂ raised to the 9th power as float32 multiplies them up: the powers Adam reads at step 10.</summary>
    private static (float Beta1Power, float Beta2Power) PowersAtStep10()
    {
        float b1p = 1f, b2p = 1f;
        for (int t = 1; t < 10; t++) { b1p *= Beta1; b2p *= Beta2; }
        return (b1p, b2p);
    }

    private static SelfTestResult CheckSgd(IKernelBackend backend, Random rng, int count)
    {
        const float lr = 0.05f;
        var p = Uniform(rng, count);
        var g = Uniform(rng, count, -5f, 5f);
        var padded = new float[count + Guard];
        p.CopyTo(padded, 0);
        Array.Fill(padded, Sentinel, count, Guard);
        using var buffers = new Buffers(backend);
        var dp = buffers.Put(padded);
        var dg = buffers.Put(g);
        var dh = buffers.Put(new[] { lr });
        double ms = Time(backend, () => backend.SgdUpdate(dp, dg, count, dh));
        return CompareOutput(buffers, dp, count, ReferenceMath.Sgd(p, g, lr), i => ErrorBounds.Sgd(p[i], g[i], lr), ms);
    }

    /// <summary>
    /// The MLP's parameters in one block with gaps, their gradients in an arena in another order, one
    /// launch. Every element of the block is compared: those outside the segments must keep their value.
    /// </summary>
    private static SelfTestResult CheckSgdMulti(IKernelBackend backend, Random rng)
    {
        const float lr = 0.125f;
        var layout = new MultiTensorLayout(1);
        var block = Uniform(rng, layout.BlockLengths[0]);
        var arena = Uniform(rng, layout.ArenaLength, -3f, 3f);

        using var buffers = new Buffers(backend);
        var dblock = buffers.Put(block);
        var darena = buffers.Put(arena);
        var dsegments = buffers.Put(layout.Segments);
        var dh = buffers.Put(new[] { lr });
        double ms = Time(backend, () => backend.SgdUpdateMulti(dblock, darena, dsegments, layout.Count, layout.Total, dh));

        var expected = ReferenceMath.SgdMulti(block, arena, layout.Segments, lr);
        var owner = layout.Owner[0];
        var got = buffers.Get<float>(dblock, block.Length);
        return SelfTestComparison.Compare("", expected, got, i => owner[i] < 0 ? 0 : ErrorBounds.Sgd(block[i], arena[owner[i]], lr), ms);
    }

    /// <summary>Momentum: the parameters and the accumulations both compared, one after the other.</summary>
    private static SelfTestResult CheckMomentum(IKernelBackend backend, Random rng, int count)
    {
        var p = Uniform(rng, count);
        var a = Uniform(rng, count, -2f, 2f);
        var g = Uniform(rng, count, -5f, 5f);
        using var buffers = new Buffers(backend);
        var dp = buffers.Put(p);
        var da = buffers.Put(a);
        var dg = buffers.Put(g);
        var dh = buffers.Put(MomentumHyperparameters);
        double ms = Time(backend, () => backend.MomentumUpdate(dp, da, dg, count, dh));
        var (ep, ea) = ReferenceMath.Momentum(p, a, g, MomentumLr, MomentumFactor, Decay);
        var got = buffers.Get<float>(dp, count).Concat(buffers.Get<float>(da, count)).ToArray();
        return SelfTestComparison.Compare("", ep.Concat(ea).ToArray(), got,
            i => i < count ? ErrorBounds.MomentumParameter(p[i], a[i], g[i], MomentumLr, MomentumFactor, Decay)
                : ErrorBounds.MomentumAccumulation(a[i - count], g[i - count], MomentumFactor, Decay, p[i - count]), ms);
    }

    /// <summary>
    /// Every momentum update of the MLP in one launch: the parameter block, then the accumulation
    /// block (laid out with other gaps), compared whole; elements outside the segments keep their value.
    /// </summary>
    private static SelfTestResult CheckMomentumMulti(IKernelBackend backend, Random rng)
    {
        var layout = new MultiTensorLayout(2);
        var block = Uniform(rng, layout.BlockLengths[0]);
        var accumulations = Uniform(rng, layout.BlockLengths[1], -2f, 2f);
        var arena = Uniform(rng, layout.ArenaLength, -5f, 5f);

        using var buffers = new Buffers(backend);
        var dblock = buffers.Put(block);
        var dacc = buffers.Put(accumulations);
        var darena = buffers.Put(arena);
        var dsegments = buffers.Put(layout.Segments);
        var dh = buffers.Put(MomentumHyperparameters);
        double ms = Time(backend, () => backend.MomentumUpdateMulti(dblock, dacc, darena, dsegments, layout.Count, layout.Total, dh));

        var (ep, ea) = ReferenceMath.MomentumMulti(block, accumulations, arena, layout.Segments, MomentumLr, MomentumFactor, Decay);
        var (parameterOf, accumulationOf) = StateIndexes(layout);
        var got = buffers.Get<float>(dblock, block.Length).Concat(buffers.Get<float>(dacc, accumulations.Length)).ToArray();
        int n = block.Length;
        return SelfTestComparison.Compare("", ep.Concat(ea).ToArray(), got, i =>
        {
            if (i < n)
            {
                int g = layout.Owner[0][i];
                return g < 0 ? 0 : ErrorBounds.MomentumParameter(block[i], accumulations[accumulationOf[i]], arena[g], MomentumLr, MomentumFactor, Decay);
            }
            int k = i - n, gk = layout.Owner[1][k];
            return gk < 0 ? 0 : ErrorBounds.MomentumAccumulation(accumulations[k], arena[gk], MomentumFactor, Decay, block[parameterOf[k]]);
        }, ms);
    }

    /// <summary>Adam at step 10: parameters, first and second moments compared, one after another.</summary>
    private static SelfTestResult CheckAdam(IKernelBackend backend, Random rng, int count)
    {
        var (b1p, b2p) = PowersAtStep10();
        var p = Uniform(rng, count);
        var m = Uniform(rng, count, -0.5f, 0.5f);
        var v = Uniform(rng, count, 0f, 0.25f);
        var g = Uniform(rng, count, -2f, 2f);
        using var buffers = new Buffers(backend);
        var dp = buffers.Put(p);
        var dm = buffers.Put(m);
        var dv = buffers.Put(v);
        var dg = buffers.Put(g);
        var d1 = buffers.Put(new[] { b1p });
        var d2 = buffers.Put(new[] { b2p });
        var dh = buffers.Put(AdamHyperparameters);
        double ms = Time(backend, () => backend.AdamUpdate(dp, dm, dv, dg, d1, d2, count, dh));
        var (ep, em, ev) = ReferenceMath.Adam(p, m, v, g, b1p, b2p, AdamLr, Beta1, Beta2, Eps, Decay);
        var got = buffers.Get<float>(dp, count).Concat(buffers.Get<float>(dm, count)).Concat(buffers.Get<float>(dv, count)).ToArray();
        return SelfTestComparison.Compare("", ep.Concat(em).Concat(ev).ToArray(), got, i => (i / count) switch
        {
            0 => ErrorBounds.AdamParameter(p[i], m[i], v[i], g[i], b1p, b2p, AdamLr, Beta1, Beta2, Eps, Decay),
            1 => ErrorBounds.AdamM(m[i - count], g[i - count], Beta1, Decay, p[i - count]),
            _ => ErrorBounds.AdamV(v[i - 2 * count], g[i - 2 * count], Beta2, Decay, p[i - 2 * count]),
        }, ms);
    }

    /// <summary>
    /// Every Adam update of the MLP in one launch at step 10: parameter, first-moment and second-moment
    /// blocks (each with its own gaps) compared whole against the single-tensor reference applied per
    /// segment; elements outside the segments keep their value.
    /// </summary>
    private static SelfTestResult CheckAdamMulti(IKernelBackend backend, Random rng)
    {
        var (b1p, b2p) = PowersAtStep10();
        var layout = new MultiTensorLayout(3);
        var p = Uniform(rng, layout.BlockLengths[0]);
        var m = Uniform(rng, layout.BlockLengths[1], -0.5f, 0.5f);
        var v = Uniform(rng, layout.BlockLengths[2], 0f, 0.25f);
        var arena = Uniform(rng, layout.ArenaLength, -2f, 2f);

        using var buffers = new Buffers(backend);
        var dp = buffers.Put(p);
        var dm = buffers.Put(m);
        var dv = buffers.Put(v);
        var darena = buffers.Put(arena);
        var dsegments = buffers.Put(layout.Segments);
        var d1 = buffers.Put(new[] { b1p });
        var d2 = buffers.Put(new[] { b2p });
        var dh = buffers.Put(AdamHyperparameters);
        double ms = Time(backend, () => backend.AdamUpdateMulti(dp, dm, dv, darena, dsegments, d1, d2, layout.Count, layout.Total, dh));

        var expected = new[] { Array.ConvertAll(p, x => (double)x), Array.ConvertAll(m, x => (double)x), Array.ConvertAll(v, x => (double)x) };
        var bounds = new[] { new double[p.Length], new double[m.Length], new double[v.Length] };
        int fields = layout.Blocks + 2;
        for (int s = 0; s < layout.Count; s++)
        {
            int po = layout.Segments[s * fields], mo = layout.Segments[s * fields + 1], vo = layout.Segments[s * fields + 2];
            int go = layout.Segments[s * fields + 3], length = layout.Segments[s * fields + 4];
            var (ep, em, ev) = ReferenceMath.Adam(p[po..(po + length)], m[mo..(mo + length)], v[vo..(vo + length)], arena[go..(go + length)],
                b1p, b2p, AdamLr, Beta1, Beta2, Eps, Decay);
            ep.CopyTo(expected[0], po);
            em.CopyTo(expected[1], mo);
            ev.CopyTo(expected[2], vo);
            for (int i = 0; i < length; i++)
            {
                float pi = p[po + i], mi = m[mo + i], vi = v[vo + i], gi = arena[go + i];
                bounds[0][po + i] = ErrorBounds.AdamParameter(pi, mi, vi, gi, b1p, b2p, AdamLr, Beta1, Beta2, Eps, Decay);
                bounds[1][mo + i] = ErrorBounds.AdamM(mi, gi, Beta1, Decay, pi);
                bounds[2][vo + i] = ErrorBounds.AdamV(vi, gi, Beta2, Decay, pi);
            }
        }
        var got = buffers.Get<float>(dp, p.Length).Concat(buffers.Get<float>(dm, m.Length)).Concat(buffers.Get<float>(dv, v.Length)).ToArray();
        var allBounds = bounds[0].Concat(bounds[1]).Concat(bounds[2]).ToArray();
        return SelfTestComparison.Compare("", expected[0].Concat(expected[1]).Concat(expected[2]).ToArray(), got, i => allBounds[i], ms);
    }

    /// <summary>Advancing the β powers from step 10 to step 11: each one multiply, rounded once.</summary>
    private static SelfTestResult CheckAdamBetaPowers(IKernelBackend backend, Random rng)
    {
        var (b1p, b2p) = PowersAtStep10();
        using var buffers = new Buffers(backend);
        var d1 = buffers.Put(new[] { b1p, Sentinel });
        var d2 = buffers.Put(new[] { b2p, Sentinel });
        var dh = buffers.Put(AdamHyperparameters);
        double ms = Time(backend, () => backend.AdamBetaPowers(d1, d2, dh));
        double e1 = (double)b1p * Beta1, e2 = (double)b2p * Beta2;
        var got1 = buffers.Get<float>(d1, 2);
        var got2 = buffers.Get<float>(d2, 2);
        var result = SelfTestComparison.Compare("", [e1, e2], [got1[0], got2[0]], i => ErrorBounds.OneRounding(i == 0 ? e1 : e2), ms);
        result = SelfTestComparison.CheckGuard(result, got1.AsSpan(1), Sentinel, "beta1 power");
        return SelfTestComparison.CheckGuard(result, got2.AsSpan(1), Sentinel, "beta2 power");
    }

    /// <summary>For a two-block layout, each parameter element's accumulation index and each accumulation's parameter index (−1 outside every segment).</summary>
    private static (int[] ParameterOf, int[] AccumulationOf) StateIndexes(MultiTensorLayout layout)
    {
        var accumulationOf = new int[layout.BlockLengths[0]];
        var parameterOf = new int[layout.BlockLengths[1]];
        Array.Fill(accumulationOf, -1);
        Array.Fill(parameterOf, -1);
        int fields = layout.Blocks + 2;
        for (int s = 0; s < layout.Count; s++)
            for (int i = 0; i < MultiTensorLayout.Lengths[s]; i++)
            {
                int po = layout.Segments[s * fields] + i, ao = layout.Segments[s * fields + 1] + i;
                accumulationOf[po] = ao;
                parameterOf[ao] = po;
            }
        return (parameterOf, accumulationOf);
    }
}
