using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;
using static Trainer.Training.Export.OnnxGraphWriter;

namespace Trainer.Training.Export;

/// <summary>
/// The ONNX form of the primitive (extension) ops an inference graph may hold, such as a BatchNorm's eval-mode scale
/// and shift (Sub, Mul, Div, Sqrt, x + s), global average pooling (ReduceMean over axes 2 and 3), a Softmax or
/// LogSoftmax at the end of a network (ReduceMax, Sub, Exp, ReduceSum, Div, Log) and the elementwise functions: each
/// one ONNX node of the same name (a square is x·x), NumPy broadcasting on both sides. A primitive not listed has no
/// ONNX form here.
/// </summary>
internal static class OnnxPrimitiveOps
{
    /// <summary>Appends <paramref name="n"/>'s ONNX node; false when its primitive has no form here.</summary>
    public static bool TryWrite(OnnxGraphWriter w, Node n)
    {
        string Input(int i) => w.Name(n.Inputs[i]);
        switch (n.Op.Definition)
        {
            case SubOp: w.Node("Sub", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case MulOp: w.Node("Mul", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case DivOp: w.Node("Div", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case BroadcastAddOp: w.Node("Add", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case MaximumOp: w.Node("Max", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case MinimumOp: w.Node("Min", [Input(0), Input(1)], [w.OutputOf(n)]); return true;
            case SqrtOp: w.Node("Sqrt", [Input(0)], [w.OutputOf(n)]); return true;
            case ExpOp: w.Node("Exp", [Input(0)], [w.OutputOf(n)]); return true;
            case LogOp: w.Node("Log", [Input(0)], [w.OutputOf(n)]); return true;
            case NegOp: w.Node("Neg", [Input(0)], [w.OutputOf(n)]); return true;
            case AbsOp: w.Node("Abs", [Input(0)], [w.OutputOf(n)]); return true;
            case SignOp: w.Node("Sign", [Input(0)], [w.OutputOf(n)]); return true;
            case SigmoidOp: w.Node("Sigmoid", [Input(0)], [w.OutputOf(n)]); return true;
            case TanhOp: w.Node("Tanh", [Input(0)], [w.OutputOf(n)]); return true;
            case SquareOp: w.Node("Mul", [Input(0), Input(0)], [w.OutputOf(n)]); return true;
            case AddScalarOp:
                w.Node("Add", [Input(0), w.FloatConstant($"add_{n.Id}", ((ScalarAttributes)n.Op.Attributes!).Value)], [w.OutputOf(n)]);
                return true;
            case MulScalarOp:
                w.Node("Mul", [Input(0), w.FloatConstant($"mul_{n.Id}", ((ScalarAttributes)n.Op.Attributes!).Value)], [w.OutputOf(n)]);
                return true;
            case ReduceMeanOp: Reduce(w, n, "ReduceMean", axesInputFrom: 18); return true;
            case ReduceMaxOp: Reduce(w, n, "ReduceMax", axesInputFrom: 18); return true;
            // ReduceSum took its axes as an input already at opset 13.
            case ReduceSumOp: Reduce(w, n, "ReduceSum", axesInputFrom: 13); return true;
            default:
                return false;
        }
    }

    /// <summary>A reduction over the op's axes, the axes an attribute before opset <paramref name="axesInputFrom"/> and a second input from it.</summary>
    private static void Reduce(OnnxGraphWriter w, Node n, string name, int axesInputFrom)
    {
        var reduce = (ReduceAttributes)n.Op.Attributes!;
        long[] axes = [.. reduce.Axes.Select(a => (long)a)];
        var keep = Int("keepdims", reduce.KeepDims ? 1 : 0);
        if (w.Opset >= axesInputFrom) w.Node(name, [w.Name(n.Inputs[0]), w.Int64Constant($"axes_{n.Id}", axes)], [w.OutputOf(n)], keep);
        else w.Node(name, [w.Name(n.Inputs[0])], [w.OutputOf(n)], Ints("axes", axes), keep);
    }
}
