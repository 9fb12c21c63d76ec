using Trainer.Cli.Quickstart;
using Trainer.Graph.Analysis;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Ops;
using Trainer.Kernels.Device;
using Trainer.Training.Data;
using Trainer.Training.Hosting;
using Trainer.Training.Optim;
using Trainer.Training;
using Trainer.Training.Loops;

namespace Trainer.Cli.Diagnostics;

/// <summary>
/// `trainer compare --locate`: replays the first training step twice from the same weights on the
/// same batch, once in the reference (eager mode, or the graph compiled without fusion) and once as
/// the fused graph, reading every launched node's outputs (and every parameter an update writes)
/// right after its launch, before the arena reuses the memory. Then it walks the fused graph's
/// launches in order and names the first whose tensors differ from the reference's beyond a
/// relative tolerance. A fused node is compared with the unfused node it ends in (the last of its
/// <see cref="Node.FusedFrom"/> list; the softmax-cross-entropy pair matches output by output), and
/// an eager op with the traced node at the same place in the op sequence, since both modes run the
/// same op definitions in the same order.
/// </summary>
public sealed class ParityLocator
{
    private readonly Func<Session> openSession;
    private readonly string? dataDirectory;
    private readonly int batchSize;
    private readonly ulong seed;
    private readonly float learningRate;
    private readonly OptimizerOptions optimizer;
    private readonly ModelKind model;

    /// <summary>The probability of the model's Dropout before each hidden Dense; 0 for none. Both replays draw the same masks.</summary>
    public float Dropout { get; init; }

    /// <summary>The label column of a CSV file given as the data (`--label-column`); "label" by default.</summary>
    public string LabelColumn { get; init; } = TrainingData.DefaultLabelColumn;

    /// <summary>A locator for one run's configuration: device, data, batch size, seed, learning rate, optimizer and model.</summary>
    public ParityLocator(DeviceRequest device, string? dataDirectory, int batchSize, ulong seed, float learningRate, OptimizerOptions optimizer, ModelKind model)
        : this(() => Session.Open(device), dataDirectory, batchSize, seed, learningRate, optimizer, model)
    {
    }

    /// <summary>With <paramref name="openSession"/> tests give each run a backend of their own (one that breaks a kernel, say).</summary>
    internal ParityLocator(Func<Session> openSession, string? dataDirectory, int batchSize, ulong seed, float learningRate, OptimizerOptions optimizer, ModelKind model)
    {
        this.openSession = openSession;
        this.dataDirectory = dataDirectory;
        this.batchSize = batchSize;
        this.seed = seed;
        this.learningRate = learningRate;
        this.optimizer = optimizer;
        this.model = model;
    }

    /// <summary>One line naming the device of the last check; null before the first.</summary>
    public string? DeviceSummary { get; private set; }

    /// <summary>Replays one step in <paramref name="reference"/> and as the fused graph and compares them node by node.</summary>
    public ParityReport Locate(ParityReference reference, double tolerance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tolerance);
        var expected = reference == ParityReference.Eager ? Run(ObserveEager) : Run((session, steps, batch) => ObserveGraph(session, steps, batch, fuse: false));
        var actual = Run((session, steps, batch) => ObserveGraph(session, steps, batch, fuse: true));
        return Compare(expected, actual, reference == ParityReference.Eager ? "eager" : "unfused graph", "fused graph", tolerance);
    }

    /// <summary>Walks <paramref name="actual"/> in launch order; the first node with a tensor beyond <paramref name="tolerance"/> ends the walk.</summary>
    internal static ParityReport Compare(List<StepObservation> expected, List<StepObservation> actual, string referenceName, string checkedName, double tolerance)
    {
        var byKey = expected.GroupBy(o => o.Key).ToDictionary(g => g.Key, g => new Queue<StepObservation>(g));
        int agreeing = 0, bitIdentical = 0, unmatched = 0;
        foreach (var node in actual.GroupBy(o => o.Node)) // launch order: GroupBy keeps first-seen order
        {
            bool compared = false, bits = true;
            foreach (var observation in node)
            {
                if (!byKey.TryGetValue(observation.Key, out var queue) || queue.Count == 0)
                {
                    unmatched++;
                    continue;
                }
                var difference = ParityDifference.Measure(queue.Dequeue(), observation);
                if (!difference.Within(tolerance))
                    return new ParityReport(referenceName, checkedName, tolerance, agreeing, bitIdentical, unmatched, difference);
                compared = true;
                bits &= difference.BitIdentical;
            }
            if (!compared) continue;
            agreeing++;
            if (bits) bitIdentical++;
        }
        return new ParityReport(referenceName, checkedName, tolerance, agreeing, bitIdentical, unmatched, null);
    }

    /// <summary>Opens a fresh session and steps (the seed gives the same initial weights every time) and observes the first full batch.</summary>
    private List<StepObservation> Run(Func<Session, QuickstartSteps, HostTensor[], List<StepObservation>> observe)
    {
        using var session = openSession();
        DeviceSummary = session.Backend.Description.Summary;
        using var data = TrainingData.Open(dataDirectory, LabelColumn);
        var steps = new QuickstartSteps(seed, learningRate, optimizer, model, data.Input, Dropout);
        if (data.IdxTrain is { } idxTrain && data.IdxTest is { } idxTest) Datapipe.CheckData(idxTrain, idxTest, steps.Classes);
        session.Place(steps.Model);
        session.Place(steps.Optimizer);
        using var batches = ModeComparison.FullBatches(data.CreateBatches(trainSplit: true, batchSize, seed), batchSize,
            $"{data.Source}: {data.TrainCount} training {(data.Input.IsTabular ? "rows" : "images")} make no full batch of {batchSize}").GetEnumerator();
        batches.MoveNext();
        var observations = observe(session, steps, batches.Current);
        session.EndStep();
        return observations;
    }

    private static TensorType TypeOf(HostTensor host) => new(host.Shape, host.DType);

    /// <summary>Compiles the step (fused or not), uploads the batch and runs it launch by launch, reading each launch's results at once.</summary>
    private static List<StepObservation> ObserveGraph(Session session, QuickstartSteps steps, HostTensor[] batch, bool fuse)
    {
        var function = steps.CompileTrainStep(null, new CompileOptions(Fuse: fuse));
        var (graph, parameters, _, hyperparameters) = function.Trace([TypeOf(batch[0]), TypeOf(batch[1])]);
        var program = GraphProgram.Build(graph, function.Options, session.Backend);
        using var compiled = CompiledGraph.Bind(program, session.Backend, parameters.ToDictionary(p => p.Name, p => p.DeviceMemory));
        session.Upload(batch[0], compiled.Input("data").Buffer);
        session.Upload(batch[1], compiled.Input("label").Buffer);
        foreach (var (block, input) in hyperparameters) block.UploadTo(session.Backend, compiled.Input(input).Buffer);
        var observations = new List<StepObservation>();
        compiled.Run(node =>
        {
            for (int o = 0; o < node.Outputs.Length; o++)
            {
                var (id, index) = EndsIn(node, o);
                var value = new Value(node, o);
                observations.Add(new StepObservation($"%{id}.{index}", node.ToString(), $"output {o}", value.Type, Read(session.Backend, compiled.BufferOf(value), value.Type)));
            }
            foreach (int i in OpRegistry.Get(node.Op).WrittenInputs(node.Op, node.Inputs.Count))
            {
                var input = node.Inputs[i];
                observations.Add(new StepObservation(WrittenKey(input), node.ToString(), $"writes {WrittenKey(input)}", input.Type, Read(session.Backend, compiled.BufferOf(input), input.Type)));
            }
        });
        return observations;
    }

    /// <summary>
    /// The unfused node (and output) whose value output <paramref name="output"/> of <paramref name="node"/>
    /// holds: the node itself if it was not fused; for a fused node, the last node it replaced, or, when
    /// it replaced one node per output (softmax cross-entropy's loss and gradient), the one for this output.
    /// </summary>
    internal static (int Id, int Output) EndsIn(Node node, int output) =>
        node.FusedFrom.Count == 0 ? (node.Id, output)
        : node.FusedFrom.Count == node.Outputs.Length && node.Outputs.Length > 1 ? (node.FusedFrom[output], 0)
        : (node.FusedFrom[^1], output);

    /// <summary>"param fc1.weight": a written input named by the storage it lives in, the same in every run of the step.</summary>
    private static string WrittenKey(Value input)
    {
        var storage = BufferAliasing.StorageOf(input);
        return storage.Node.Op.Kind == OpKind.Parameter ? $"param {storage.Node.Op.Name}" : $"written {storage}";
    }

    /// <summary>
    /// Runs the step eagerly, reading every op's output (or the inputs it writes) right after it runs,
    /// then traces the same step and pairs the n-th eager op with the n-th traced node that is an op
    /// (not an input, a parameter or a Depend, which eager mode does not run), checking they are the same op.
    /// </summary>
    private static List<StepObservation> ObserveEager(Session session, QuickstartSteps steps, HostTensor[] batch)
    {
        var ran = new List<(Op Op, float[][] Values)>();
        session.Eager.AfterOp = (op, inputs, output) =>
        {
            var values = output is not null
                ? [Read(session.Backend, output.DeviceMemory, output.Type)]
                : OpRegistry.Get(op).WrittenInputs(op, inputs.Length).Select(i => Read(session.Backend, inputs[i].DeviceMemory, inputs[i].Type)).ToArray();
            ran.Add((op, values));
        };
        try
        {
            steps.TrainStepFn(session.ToDevice(batch[0]), session.ToDevice(batch[1]));
        }
        finally
        {
            session.Eager.AfterOp = null;
        }

        var (graph, _) = steps.CompileTrainStep(null, new CompileOptions()).Trace(TypeOf(batch[0]), TypeOf(batch[1]));
        var traced = graph.Nodes.Where(n => n.Op.Kind is not (OpKind.Input or OpKind.Parameter or OpKind.Depend)).OrderBy(n => n.Id).ToList();
        var observations = new List<StepObservation>();
        for (int k = 0; k < Math.Max(ran.Count, traced.Count); k++)
        {
            if (k >= ran.Count || k >= traced.Count || ran[k].Op != traced[k].Op)
                throw new InvalidOperationException(
                    $"eager mode and the trace ran different ops: op {k + 1} is {(k < ran.Count ? ran[k].Op.ToString() : "absent")} eagerly, " +
                    $"{(k < traced.Count ? traced[k].ToString() : "absent")} in the trace ({ran.Count} eager ops, {traced.Count} traced)");
            var node = traced[k];
            if (node.Outputs.Length > 0)
            {
                for (int o = 0; o < node.Outputs.Length; o++)
                    observations.Add(new StepObservation($"%{node.Id}.{o}", node.ToString(), $"output {o}", node.Outputs[o], ran[k].Values[o]));
            }
            else
            {
                var written = OpRegistry.Get(node.Op).WrittenInputs(node.Op, node.Inputs.Count);
                for (int w = 0; w < written.Count; w++)
                {
                    var input = node.Inputs[written[w]];
                    observations.Add(new StepObservation(WrittenKey(input), node.ToString(), $"writes {WrittenKey(input)}", input.Type, ran[k].Values[w]));
                }
            }
        }
        return observations;
    }

    /// <summary>A tensor's elements as float (int tensors converted), read from the first bytes of <paramref name="buffer"/>.</summary>
    private static float[] Read(IKernelBackend backend, DeviceBuffer buffer, TensorType type)
    {
        var count = checked((int)type.ElementCount);
        switch (type.DType)
        {
            case DType.Float32:
            {
                var values = new float[count];
                backend.Download<float>(buffer, values);
                return values;
            }
            case DType.Int32:
            {
                var ints = new int[count];
                backend.Download<int>(buffer, ints);
                return ints.Select(i => (float)i).ToArray();
            }
            default:
            {
                var bytes = new byte[count];
                backend.Download<byte>(buffer, bytes);
                return bytes.Select(b => (float)b).ToArray();
            }
        }
    }
}
