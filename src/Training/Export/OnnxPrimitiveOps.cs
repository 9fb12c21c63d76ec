using Trainer.Graph.Ir;
using Trainer.Graph.Ops.Primitives;
using static Trainer.Training.Export.OnnxGraphWriter;

namespace Trainer.Training.Export;

/// <summary>
/// The ONNX form of the primitive (extension) ops an inference graph may hold, such as a BatchNorm's eval-mode scale
/// and shift (Sub, Mul, Div, Sqrt, x + s) and global average pooling (ReduceMean over axes 2 and 3): each one ONNX
/// node of the same name, NumPy broadcasting on both sides. A primitive not listed has no ONNX form here.
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
            case SqrtOp: w.Node("Sqrt", [Input(0)], [w.OutputOf(n)]); return true;
            case AddScalarOp:
                w.Node("Add", [Input(0), w.FloatConstant($"add_{n.Id}", ((ScalarAttributes)n.Op.Attributes!).Value)], [w.OutputOf(n)]);
                return true;
            case MulScalarOp:
                w.Node("Mul", [Input(0), w.FloatConstant($"mul_{n.Id}", ((ScalarAttributes)n.Op.Attributes!).Value)], [w.OutputOf(n)]);
                return true;
            case ReduceMeanOp:
                var reduce = (ReduceAttributes)n.Op.Attributes!;
                long[] axes = [.. reduce.Axes.Select(a => (long)a)];
                var keep = Int("keepdims", reduce.KeepDims ? 1 : 0);
                // Opset 13-17 take the axes as an attribute; opset 18 moved them to a second input.
                if (w.Opset >= 18) w.Node("ReduceMean", [Input(0), w.Int64Constant($"axes_{n.Id}", axes)], [w.OutputOf(n)], keep);
                else w.Node("ReduceMean", [Input(0)], [w.OutputOf(n)], Ints("axes", axes), keep);
                return true;
            default:
                return false;
        }
    }
}
