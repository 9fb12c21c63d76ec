using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// The segment table a multi-tensor update launch reads. Its inputs come in groups of n (n
/// parameters, then n of the next kind, and so on); every group must live in one allocation (the
/// parameter block, an optimizer state block, the arena), and row i of the table is the offset of
/// tensor i in each group's allocation, then its length, all in elements. The table is uploaded
/// once, at bind time.
/// </summary>
internal sealed class MultiTensorTable : IDisposable
{
    private readonly IKernelBackend backend;

    public MultiTensorTable(IKernelBackend backend, Op op, IReadOnlyList<TensorType> types, IReadOnlyList<DeviceBuffer> inputs, int groups)
    {
        this.backend = backend;
        int n = inputs.Count / groups;
        Roots = Enumerable.Range(0, groups).Select(g => inputs[g * n].Root).ToArray();
        var table = new int[(groups + 1) * n];
        for (int i = 0; i < n; i++)
        {
            for (int g = 0; g < groups; g++)
            {
                var input = inputs[g * n + i];
                if (input.Root != Roots[g])
                    throw new GraphCompileException($"{op}: each group of tensors (parameters, optimizer state, gradients) must share one allocation to update in one launch");
                table[(groups + 1) * i + g] = checked((int)(input.ByteOffset / sizeof(float)));
            }
            int length = checked((int)types[i].ElementCount);
            table[(groups + 1) * i + groups] = length;
            TotalElements += length;
        }
        Count = n;
        Segments = backend.Allocate(table.Length * sizeof(int));
        backend.Upload<int>(Segments, table);
    }

    /// <summary>Each group's allocation, in input order.</summary>
    public DeviceBuffer[] Roots { get; }

    /// <summary>The table on the device.</summary>
    public DeviceBuffer Segments { get; }

    /// <summary>Tensors per group.</summary>
    public int Count { get; }

    public int TotalElements { get; }

    public void Dispose() => backend.Free(Segments);
}
