using Trainer.Graph.Ir;
using Trainer.Kernels.Device;

namespace Trainer.Graph.Ops;

/// <summary>
/// Every SGD update of a step in one launch: inputs are n parameters then their n gradients.
/// The parameters must share one allocation and so must the gradients (the parameter block and
/// the arena); binding uploads the table of offsets once.
/// </summary>
public sealed class SgdUpdateMultiOp : OpDefinition
{
    public override OpKind Kind => OpKind.SgdUpdateMulti;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        if (inputs.Count == 0 || inputs.Count % 2 != 0) throw Mismatch(op, inputs, "expected n parameters then n gradients");
        int n = inputs.Count / 2;
        for (int i = 0; i < n; i++)
        {
            ExpectFloat(op, inputs, i);
            if (!inputs[i].Equals(inputs[n + i])) throw Mismatch(op, inputs, $"parameter {i} and its gradient differ in shape");
        }
        return [];
    }

    public override IReadOnlyList<int> WrittenInputs(Op op, int inputCount) => Enumerable.Range(0, inputCount / 2).ToArray();

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs)
    {
        int n = inputs.Count / 2;
        var paramRoot = inputs[0].Root;
        var gradRoot = inputs[n].Root;
        var table = new int[3 * n];
        int total = 0;
        for (int i = 0; i < n; i++)
        {
            if (inputs[i].Root != paramRoot || inputs[n + i].Root != gradRoot)
                throw new GraphCompileException($"{op}: parameters (and gradients) must each share one allocation to update in one launch");
            table[3 * i] = checked((int)(inputs[i].ByteOffset / sizeof(float)));
            table[3 * i + 1] = checked((int)(inputs[n + i].ByteOffset / sizeof(float)));
            table[3 * i + 2] = checked((int)inputTypes[i].ElementCount);
            total += table[3 * i + 2];
        }
        var segments = backend.Allocate(table.Length * sizeof(int));
        backend.Upload<int>(segments, table);
        float lr = op.Scalar;
        return new BoundKernel("sgd-update-multi",
            () => backend.SgdUpdateMulti(paramRoot, gradRoot, segments, n, total, lr),
            new ReleaseOnDispose(backend, segments));
    }

    private sealed class ReleaseOnDispose(IKernelBackend backend, DeviceBuffer buffer) : IDisposable
    {
        public void Dispose() => backend.Free(buffer);
    }
}
