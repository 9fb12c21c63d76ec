using System.Numerics;
using System.Runtime.CompilerServices;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Kernels.Cpu;

/// <summary>
/// The families' kernels on the native backend: one generic loop per family (map, broadcasting binary op,
/// reduction over axes), specialised by the JIT for each struct functor of <see cref="FamilyCatalog"/>, and
/// registered in <see cref="Kernels"/>. Contiguous runs (and runs against a broadcast scalar) go a
/// <see cref="Vector{T}"/> at a time through the functor's vector form, which gives the scalar form's bits. Elementwise work is split in fixed chunks and each reduction output is
/// folded by one thread in row-major order, so results do not depend on the thread count.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public KernelTable Kernels { get; }

    private KernelTable CreateKernelTable()
    {
        var table = new KernelTable(Description.Summary, () => LaunchCount++);
        FamilyCatalog.Register(new FamilyRegistrar(this, table));
        // Kernels outside the families register themselves ([TableKernel] on their bind method, one file per kernel);
        // a kernel may still be registered here explicitly with table.Register(key, bind).
        TableKernelDiscovery.Register(this, table);
        LayerKernelEntries.Register(table, this);
        RegisterWindowedKernels(table);
        RegisterDropout(table);
        return table;
    }

    private sealed class FamilyRegistrar(CpuBackend backend, KernelTable table) : IFamilyRegistrar
    {
        public void Unary<TF>(Func<float, TF> create) where TF : struct, IUnaryFunctor =>
            table.Register(FamilyKeys.Unary(default(TF).Name), call =>
            {
                long count = KernelCall.ElementCount(call.OutputShapes[0]);
                if (count == 0) return null;
                var work = new RangeWork<UnaryRange<TF>>();
                var op = new UnaryRange<TF>(call.Inputs[0].Float(), call.Outputs[0].Float(), create(call.Scalar));
                return () => backend.RunRange(work, op, count);
            });

        public void Binary<TF>() where TF : struct, IBinaryFunctor =>
            table.Register(FamilyKeys.Binary(default(TF).Name), call =>
            {
                var geometry = BroadcastGeometry.For(call.InputShapes[0], call.InputShapes[1], call.OutputShapes[0]);
                if (geometry.Count == 0) return null;
                var work = new RangeWork<BinaryRange<TF>>();
                var op = new BinaryRange<TF>(call.Inputs[0].Float(), call.Inputs[1].Float(), call.Outputs[0].Float(), geometry);
                return () => backend.RunRange(work, op, geometry.Count);
            });

        public void Reduce<TF>() where TF : struct, IReduceFunctor =>
            table.Register(FamilyKeys.Reduce(default(TF).Name), call =>
            {
                var geometry = ReduceGeometry.For(call.InputShapes[0], call.Axes);
                if (geometry.OutputCount == 0) return null;
                // Whole blocks of outputs per chunk where the chunk is small and there are outputs enough to share out,
                // so the folds can go side by side; the split never changes a result, only who computes it.
                int chunk = Math.Max(1, ElementwiseChunk / Math.Max(1, geometry.ReducedCount));
                if (chunk < ReduceRange<TF>.Block && geometry.OutputCount >= 4 * ReduceRange<TF>.Block) chunk = ReduceRange<TF>.Block;
                var work = new RangeWork<ReduceRange<TF>> { Chunk = chunk };
                var op = new ReduceRange<TF>(call.Inputs[0].Float(), call.Outputs[0].Float(), geometry);
                return () => backend.RunRange(work, op, geometry.OutputCount);
            });
    }

    private readonly struct UnaryRange<TF>(float* x, float* y, TF f) : IRangeOp where TF : struct, IUnaryFunctor
    {
        public void Run(long i, long end)
        {
            for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                Unsafe.WriteUnaligned(y + i, f.Apply(Unsafe.ReadUnaligned<Vector<float>>(x + i)));
            for (; i < end; i++) y[i] = f.Apply(x[i]);
        }
    }

    /// <summary>Walks the output in runs along its innermost merged axis, so the index arithmetic is paid once per run.</summary>
    private readonly struct BinaryRange<TF>(float* a, float* b, float* y, BroadcastGeometry g) : IRangeOp where TF : struct, IBinaryFunctor
    {
        public void Run(long start, long end)
        {
            var f = default(TF);
            if (g.Rank == 0)
            {
                for (long i = start; i < end; i++) y[i] = f.Apply(a[0], b[0]);
                return;
            }
            int inner = g.Dim(g.Rank - 1), sa = g.StrideA(g.Rank - 1), sb = g.StrideB(g.Rank - 1);
            int index = (int)start;
            while (index < end)
            {
                g.Offsets(index, out int oa, out int ob);
                int run = Math.Min(inner - index % inner, (int)(end - index));
                float* pa = a + oa, pb = b + ob, py = y + index;
                int k = 0;
                if (sa == 1 && sb == 1)
                    for (; k + Vector<float>.Count <= run; k += Vector<float>.Count)
                        Unsafe.WriteUnaligned(py + k, f.Apply(Unsafe.ReadUnaligned<Vector<float>>(pa + k), Unsafe.ReadUnaligned<Vector<float>>(pb + k)));
                else if (sa == 1 && sb == 0)
                    for (var vb = new Vector<float>(pb[0]); k + Vector<float>.Count <= run; k += Vector<float>.Count)
                        Unsafe.WriteUnaligned(py + k, f.Apply(Unsafe.ReadUnaligned<Vector<float>>(pa + k), vb));
                else if (sa == 0 && sb == 0)
                    for (var v = f.Apply(new Vector<float>(pa[0]), new Vector<float>(pb[0])); k + Vector<float>.Count <= run; k += Vector<float>.Count)
                        Unsafe.WriteUnaligned(py + k, v);
                else if (sa == 0 && sb == 1)
                    for (var va = new Vector<float>(pa[0]); k + Vector<float>.Count <= run; k += Vector<float>.Count)
                        Unsafe.WriteUnaligned(py + k, f.Apply(va, Unsafe.ReadUnaligned<Vector<float>>(pb + k)));
                for (; k < run; k++) py[k] = f.Apply(pa[k * sa], pb[k * sb]);
                index += run;
            }
        }
    }

    /// <summary>
    /// Each output folded in row-major order of its reduced elements, a run along the innermost reduced axis at a time
    /// (the index arithmetic paid once per run), <see cref="Block"/> outputs side by side so their independent folds
    /// overlap; every output still combines the same elements in the same order as one element at a time.
    /// </summary>
    private readonly struct ReduceRange<TF>(float* x, float* y, ReduceGeometry g) : IRangeOp where TF : struct, IReduceFunctor
    {
        /// <summary>Outputs folded together.</summary>
        public const int Block = 4;

        public void Run(long start, long end)
        {
            var f = default(TF);
            int count = g.ReducedCount, inner = g.InnerReducedDim;
            long stride = g.InnerReducedStride;
            int o = (int)start;
            for (; o + Block <= end; o += Block)
            {
                float* p0 = x + g.Base(o), p1 = x + g.Base(o + 1), p2 = x + g.Base(o + 2), p3 = x + g.Base(o + 3);
                float a0 = f.Identity, a1 = a0, a2 = a0, a3 = a0;
                for (int r = 0; r < count; r += inner)
                {
                    long q = g.Step(r);
                    for (int k = 0; k < inner; k++, q += stride)
                    {
                        a0 = f.Combine(a0, p0[q]);
                        a1 = f.Combine(a1, p1[q]);
                        a2 = f.Combine(a2, p2[q]);
                        a3 = f.Combine(a3, p3[q]);
                    }
                }
                y[o] = f.Finish(a0, count);
                y[o + 1] = f.Finish(a1, count);
                y[o + 2] = f.Finish(a2, count);
                y[o + 3] = f.Finish(a3, count);
            }
            for (; o < end; o++)
            {
                float* p = x + g.Base(o);
                float acc = f.Identity;
                for (int r = 0; r < count; r += inner)
                {
                    long q = g.Step(r);
                    for (int k = 0; k < inner; k++, q += stride) acc = f.Combine(acc, p[q]);
                }
                y[o] = f.Finish(acc, count);
            }
        }
    }
}
