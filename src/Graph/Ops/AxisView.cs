using Trainer.Graph.Ir;

namespace Trainer.Graph.Ops;

/// <summary>A tensor seen around one axis as [outer, length of the axis, inner], the view the channel kernels take.</summary>
internal static class AxisView
{
    public static (int Outer, int Channels, int Inner) Of(TensorType type, int axis)
    {
        long outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= type[d];
        for (int d = axis + 1; d < type.Rank; d++) inner *= type[d];
        return (checked((int)outer), type[axis], checked((int)inner));
    }
}
