using Trainer.Graph.Ir;
using Trainer.Training.Data;
using Trainer.Training.Nn;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Train;

/// <summary>
/// A task small enough to follow by hand: 7 rows of 5 features in 3 classes (batches of 3: 3, 3 and a short 1), a
/// one-layer classifier, and the same training in float64 loops as the independent reference.
/// </summary>
internal static class TinyTask
{
    public const int Features = 5, Classes = 3, Rows = 7, BatchSize = 3;

    /// <summary>Row r: features sin(1.3·r + 0.7·f), label r mod 3.</summary>
    public static InMemoryDataset Rows7() => new(
        ["data", "label"],
        Enumerable.Range(0, Rows).Select(r => new[]
        {
            new HostTensor([Features], Enumerable.Range(0, Features).Select(f => MathF.Sin(1.3f * r + 0.7f * f)).ToArray()),
            new HostTensor([], [r % Classes]),
        }).ToArray(),
        randomAccess: true);

    public static Dataset Batches() => Rows7().Batch(BatchSize);

    /// <summary>
    /// Plain SGD on Dense(5, 3) with mean softmax cross-entropy, in float64 from the given float32 weights, over the
    /// rows in order: the loss of every step of <paramref name="epochs"/> epochs.
    /// </summary>
    public static List<double> ReferenceLosses(float[] weight, float[] bias, double learningRate, int epochs)
    {
        var rows = Rows7().Rows(0).ToList();
        double[] w = weight.Select(v => (double)v).ToArray(), b = bias.Select(v => (double)v).ToArray();
        var losses = new List<double>();
        for (int epoch = 0; epoch < epochs; epoch++)
            for (int start = 0; start < Rows; start += BatchSize)
            {
                int n = Math.Min(BatchSize, Rows - start);
                var x = rows.Skip(start).Take(n).SelectMany(r => r[0].AsFloat().Select(v => (double)v)).ToArray();
                var y = rows.Skip(start).Take(n).Select(r => r[1].AsInt32()[0]).ToArray();
                double[] dw = new double[w.Length], db = new double[b.Length];
                double loss = 0;
                for (int i = 0; i < n; i++)
                {
                    var logits = new double[Classes];
                    for (int c = 0; c < Classes; c++)
                    {
                        logits[c] = b[c];
                        for (int f = 0; f < Features; f++) logits[c] += x[i * Features + f] * w[c * Features + f];
                    }
                    double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                    loss += Math.Log(sum) + max - logits[y[i]];
                    for (int c = 0; c < Classes; c++)
                    {
                        double d = (Math.Exp(logits[c] - max) / sum - (c == y[i] ? 1 : 0)) / n;
                        db[c] += d;
                        for (int f = 0; f < Features; f++) dw[c * Features + f] += d * x[i * Features + f];
                    }
                }
                losses.Add(loss / n);
                for (int k = 0; k < w.Length; k++) w[k] -= learningRate * dw[k];
                for (int k = 0; k < b.Length; k++) b[k] -= learningRate * db[k];
            }
        return losses;
    }
}

/// <summary>The tiny task's classifier, a network a user writes: one Dense layer under a name of its own.</summary>
internal sealed class TinyNet : Cell
{
    public TinyNet() => Layer = Register("classifier", new Dense(TinyTask.Features, TinyTask.Classes));

    public Dense Layer { get; }

    public override Tensor Construct(Tensor x) => Layer.Call(x);
}

/// <summary>
/// A user's cell with a tree of its own: an encoder, a head, and a parameter registered directly (an extra bias
/// on the logits), so checkpoint names come from three levels.
/// </summary>
internal sealed class TwoLayerNet : Cell
{
    private readonly SequentialCell encoder;
    private readonly Dense head;
    private readonly Parameter shift;

    public TwoLayerNet(int hidden = 4)
    {
        encoder = Register("encoder", new SequentialCell(new Dense(TinyTask.Features, hidden), new ReLU()));
        head = Register("head", new Dense(hidden, TinyTask.Classes));
        shift = RegisterParameter("shift", new Parameter("shift", TensorType.Float(TinyTask.Classes), GlobalSeed.Uniform(TinyTask.Classes, 0.5f)));
    }

    public override Tensor Construct(Tensor x) => Ops.BiasAdd(head.Call(encoder.Call(x)), shift);
}
