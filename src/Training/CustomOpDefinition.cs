using Trainer.Graph;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;
using Trainer.Kernels.Families;

namespace Trainer.Training;

/// <summary>
/// A <see cref="CustomOp"/> as the IR sees it: an <see cref="OpKind.Extension"/> whose type rule asks the user's
/// shapes, whose kernel is the user's forward registered in the native backend's <see cref="KernelTable"/>
/// (<c>custom.{name}.{n}</c>, so launches count like any kernel's), and whose gradient runs the user's Backward on
/// tensors, eager or traced.
/// </summary>
internal sealed class CustomOpDefinition(CustomOp owner) : OpDefinition
{
    private static int instances;
    private readonly string key = $"{FamilyKeys.CustomPrefix}{owner.Name}.{Interlocked.Increment(ref instances)}";

    public override OpKind Kind => OpKind.Extension;

    public override string Name => owner.Name;

    public override TensorType[] InferTypes(Op op, IReadOnlyList<TensorType> inputs)
    {
        for (int i = 0; i < inputs.Count; i++) ExpectFloat(op, inputs, i);
        int[][] shapes;
        try
        {
            shapes = owner.ShapesFor(inputs.Select(t => t.Shape.ToArray()).ToArray());
        }
        catch (ArgumentException e)
        {
            throw Mismatch(op, inputs, e.Message.ReplaceLineEndings(" "));
        }
        if (shapes is null || shapes.Length == 0 || shapes.Any(s => s is null || s.Any(d => d < 0)))
            throw Mismatch(op, inputs, "OutputShapes must give one or more shapes with no negative dimension");
        return shapes.Select(s => TensorType.Float(s)).ToArray();
    }

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, T output, T dOutput, IReadOnlyList<bool> needed)
        where T : class => Gradient(b, op, inputs, [output], [dOutput], needed);

    public override T?[] Gradient<T>(IOpBuilder<T> b, Op op, IReadOnlyList<T> inputs, IReadOnlyList<T> outputs, IReadOnlyList<T> dOutputs, IReadOnlyList<bool> needed)
        where T : class
    {
        if (inputs is not IReadOnlyList<Tensor> x || outputs is not IReadOnlyList<Tensor> y || dOutputs is not IReadOnlyList<Tensor> dy)
            throw new GraphCompileException($"custom op {Name}: its gradient is written with Ops and runs only in a step traced by the trainer");
        var grads = owner.RunBackward(x, y, dy);
        if (grads is null || grads.Length != x.Count)
            throw new GraphCompileException($"custom op {Name}: Backward returned {grads?.Length ?? 0} gradients for {x.Count} inputs");
        for (int i = 0; i < grads.Length; i++)
            if (grads[i] is { } g && !g.Type.Equals(x[i].Type))
                throw new GraphCompileException($"custom op {Name}: Backward's gradient {i} is {g.Type}, input {i} is {x[i].Type}");
        return (T?[])(object)grads;
    }

    public override BoundKernel Bind(IKernelBackend backend, Op op, IReadOnlyList<TensorType> inputTypes,
        IReadOnlyList<DeviceBuffer> inputs, IReadOnlyList<DeviceBuffer> outputs, DeviceBuffer? workspace)
    {
        if (backend.Description.Kind != DeviceKind.Cpu)
            throw new NotSupportedException(
                $"custom op {Name} has a forward for the native CPU backend only; {backend.Description.Summary} cannot run it (use --device cpu)");
        if (!backend.Kernels.Contains(key))
            backend.Kernels.Register(key, call =>
            {
                var buffers = new CustomOpBuffers(call.Inputs.ToArray(), call.InputShapes.ToArray(), call.Outputs.ToArray(), call.OutputShapes.ToArray());
                return () => owner.RunForward(buffers);
            });
        var outputTypes = InferTypes(op, inputTypes);
        var call = new KernelCall(inputs, inputTypes.Select(t => t.Shape).ToArray(), outputs, outputTypes.Select(t => t.Shape).ToArray());
        return new BoundKernel(key, backend.Kernels.Bind(key, call));
    }
}
