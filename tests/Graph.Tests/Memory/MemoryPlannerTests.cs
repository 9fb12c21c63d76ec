using Trainer.Graph.Analysis;
using Trainer.Graph.Compilation;
using Trainer.Graph.Ir;
using Trainer.Graph.Memory;
using Trainer.Graph.Ops;
using Trainer.Graph.Tests.TestSupport;
using Xunit.Abstractions;

namespace Trainer.Graph.Tests.Memory;

public class MemoryPlannerTests(ITestOutputHelper output)
{
    public static TheoryData<int, int> Dags()
    {
        var data = new TheoryData<int, int>();
        foreach (var size in new[] { 1, 7, 63, 65, 257 })
            foreach (var seed in new[] { 5, 6, 7 })
                data.Add(size, seed);
        return data;
    }

    /// <summary>Alias resolution written independently of BufferAliasing: Reshape and Depend output 0 share input 0's memory.</summary>
    private static Value Storage(Value v)
    {
        while (v.Index == 0 && v.Node.Op.Kind is OpKind.Reshape or OpKind.Depend) v = v.Node.Inputs[0];
        return v;
    }

    private static bool Planned(Node n) => n.Op.Kind is not (OpKind.Input or OpKind.Parameter or OpKind.Reshape or OpKind.Depend);

    /// <summary>Checks a plan against liveness recomputed here from the schedule.</summary>
    private static void AssertValidPlan(Ir.Graph graph, IReadOnlyList<Node> schedule, MemoryPlan plan, Kernels.Device.IKernelBackend? backend = null)
    {
        var position = new Dictionary<Node, int>();
        for (int i = 0; i < schedule.Count; i++) position[schedule[i]] = i;

        var expectedLast = new Dictionary<Value, int>();
        foreach (var node in schedule.Where(Planned))
            for (int o = 0; o < node.Outputs.Length; o++)
                expectedLast[new Value(node, o)] = position[node];
        foreach (var node in schedule)
            foreach (var input in node.Inputs)
                if (expectedLast.ContainsKey(Storage(input)))
                    expectedLast[Storage(input)] = Math.Max(expectedLast[Storage(input)], position[node]);
        foreach (var (_, value) in graph.Outputs)
            if (expectedLast.ContainsKey(Storage(value)))
                expectedLast[Storage(value)] = schedule.Count;

        Assert.Equal(expectedLast.Count, plan.Slots.Count);
        foreach (var (storage, last) in expectedLast)
        {
            Assert.True(plan.TryGetSlot(storage, out var slot), $"{storage} has no slot");
            Assert.Equal(storage.Type.ByteCount, slot.Bytes);
            Assert.Equal(position[storage.Node], slot.Lifetime.First);
            Assert.Equal(last, slot.Lifetime.Last);
        }
        foreach (var (name, value) in graph.Outputs)
            if (plan.TryGetSlot(Storage(value), out var slot))
                Assert.True(slot.Lifetime.Last >= schedule.Count, $"output {name} is not live to the end");
        foreach (var node in schedule.Where(n => !Planned(n)))
            Assert.False(plan.TryGetSlot(new Value(node, 0), out _), $"%{node.Id} {node.Op} should not have a slot");

        IntervalPackerTests.AssertValidPacking(
            plan.Slots.Select(s => s.Lifetime).Concat(plan.Workspaces.Select(w => w.Lifetime)).ToList(),
            plan.Slots.Select(s => s.Offset).Concat(plan.Workspaces.Select(w => w.Offset)).ToList(), plan.ArenaBytes, MemoryPlanner.Alignment);
        Assert.Equal(plan.Slots.Sum(s => IntervalPacker.Align(s.Bytes, MemoryPlanner.Alignment)) +
                     plan.Workspaces.Sum(w => IntervalPacker.Align(w.Bytes, MemoryPlanner.Alignment)), plan.TotalBytes);
        foreach (var node in schedule)
        {
            long declared = OpRegistry.Get(node.Op.Kind).WorkspaceBytes(node.Op, node.Inputs.Select(v => v.Type).ToArray(), backend);
            Assert.Equal(declared > 0, plan.TryGetWorkspace(node, out var w));
            if (declared > 0)
            {
                Assert.Equal(declared, w.Bytes);
                int step = schedule.ToList().IndexOf(node);
                Assert.Equal(new Lifetime(declared, step, step), w.Lifetime);
            }
        }
        Assert.True(plan.ArenaBytes <= plan.TotalBytes);
    }

    [Theory]
    [MemberData(nameof(Dags))]
    public void RandomDagPlansAreValid(int size, int seed)
    {
        var graph = RandomDags.Build(size, seed, outputs: Math.Max(1, size / 8));
        var schedule = TopologicalScheduler.Schedule(graph);

        var plan = MemoryPlanner.Plan(graph, schedule);

        AssertValidPlan(graph, schedule, plan);
    }

    [Theory]
    [MemberData(nameof(Dags))]
    public void PlansAreDeterministic(int size, int seed)
    {
        var a = RandomDags.Build(size, seed, outputs: 2);
        var b = RandomDags.Build(size, seed, outputs: 2);
        var planA = MemoryPlanner.Plan(a, TopologicalScheduler.Schedule(a));
        var planB = MemoryPlanner.Plan(b, TopologicalScheduler.Schedule(b));

        Assert.Equal(planA.ArenaBytes, planB.ArenaBytes);
        Assert.Equal(planA.Slots.Select(s => (s.Storage.Node.Id, s.Storage.Index, s.Offset, s.Lifetime)),
                     planB.Slots.Select(s => (s.Storage.Node.Id, s.Storage.Index, s.Offset, s.Lifetime)));
    }

    /// <summary>
    /// Two convolutions in a row: each one's im2col workspace (declared by the op, C·KH·KW + O rows of
    /// N·OH·OW floats) is live for its own step only, so it never overlaps the convolution's input or
    /// output, and the second reuses the first's memory.
    /// </summary>
    [Fact]
    public void ConvolutionWorkspacesLiveForTheirStepAndShareMemory()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(3, 2, 9, 7));
        var w1 = g.AddParameter("w1", TensorType.Float(5, 2, 3, 3));
        var w2 = g.AddParameter("w2", TensorType.Float(4, 5, 3, 3));
        var c1 = g.Add(new Op { Kind = OpKind.Conv2d, Attributes = new Conv2dAttributes(1, 1, 1, 1) }, x, w1);
        var c2 = g.Add(new Op { Kind = OpKind.Conv2d, Attributes = new Conv2dAttributes(2, 2, 0, 0) }, c1, w2);
        g.Outputs.Add(("y", c2));
        var schedule = TopologicalScheduler.Schedule(g);

        var plan = MemoryPlanner.Plan(g, schedule);

        AssertValidPlan(g, schedule, plan);
        Assert.True(plan.TryGetWorkspace(c1, out var ws1));
        Assert.True(plan.TryGetWorkspace(c2, out var ws2));
        Assert.Equal((2L * 3 * 3 + 5) * 3 * 9 * 7 * sizeof(float), ws1.Bytes);
        Assert.Equal((5L * 3 * 3 + 4) * 3 * 4 * 3 * sizeof(float), ws2.Bytes);
        Assert.Equal(ws1.Offset, ws2.Offset);
        Assert.True(plan.ArenaBytes < plan.TotalBytes);
    }

    /// <summary>
    /// Planned for a backend, the arena holds the workspaces that backend uses: the native CPU
    /// backend's im2col panels, none for ILGPU's direct convolutions (which then get no buffer).
    /// </summary>
    [Fact]
    public void ConvolutionWorkspacesArePlannedOnlyForABackendThatUsesThem()
    {
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(7, 3, 9, 7));
        var w = g.AddParameter("w", TensorType.Float(5, 3, 3, 3));
        var c = g.Add(new Op { Kind = OpKind.Conv2d, Attributes = new Conv2dAttributes(1, 1, 1, 1) }, x, w);
        g.Outputs.Add(("y", c));
        var schedule = TopologicalScheduler.Schedule(g);
        using var native = new Kernels.Cpu.CpuBackend(threads: 1);
        using var ilgpu = Kernels.Ilgpu.IlgpuProvider.Open(Kernels.Device.DeviceKind.IlgpuCpu, variant: null);

        var forNative = MemoryPlanner.Plan(g, schedule, native);
        var forIlgpu = MemoryPlanner.Plan(g, schedule, ilgpu);

        AssertValidPlan(g, schedule, forNative, native);
        AssertValidPlan(g, schedule, forIlgpu, ilgpu);
        Assert.True(forNative.TryGetWorkspace(c, out var panel));
        // What the native backend declares (its direct kernels' planes here), at most the im2col panel of (C·KH·KW + O)·N·OH·OW floats.
        Assert.Equal(native.Conv2dWorkspaceBytes(new Kernels.Ops.Conv2dShape(7, 3, 9, 7, 5, 3, 3, 1, 1, 1, 1)), panel.Bytes);
        Assert.InRange(panel.Bytes, 1, (3L * 3 * 3 + 5) * 7 * 9 * 7 * sizeof(float));
        Assert.Empty(forIlgpu.Workspaces);
        Assert.Equal(IntervalPacker.Align(7L * 5 * 9 * 7 * sizeof(float), MemoryPlanner.Alignment), forIlgpu.ArenaBytes); // the output alone
        Assert.True(forIlgpu.ArenaBytes < forNative.ArenaBytes);
    }

    [Fact]
    public void AliasReadsKeepTheStorageLive()
    {
        // %1 r = Relu(x); %2 view = Reshape(r); %3 Relu(x) (independent); %4 Relu(view).
        var g = new Ir.Graph();
        var x = g.AddInput("x", TensorType.Float(8, 8));
        var r = g.Add(Op.Of(OpKind.Relu), x);
        var view = g.Add(Op.Reshape(64), r);
        var other = g.Add(Op.Of(OpKind.Relu), x);
        var late = g.Add(Op.Of(OpKind.Relu), view);
        g.Outputs.Add(("late", late));
        g.Outputs.Add(("other", g.Add(Op.Of(OpKind.Depend), other)));
        var schedule = TopologicalScheduler.Schedule(g);

        var plan = MemoryPlanner.Plan(g, schedule);

        AssertValidPlan(g, schedule, plan);
        Assert.True(plan.TryGetSlot(r, out var rs));
        Assert.Equal(new Lifetime(256, 1, 4), rs.Lifetime);
        Assert.False(plan.TryGetSlot(view, out _));
        Assert.True(plan.TryGetSlot(other, out var os));
        Assert.Equal(new Lifetime(256, 3, 6), os.Lifetime);
        Assert.True(plan.TryGetSlot(late, out var ls));
        Assert.Equal(6, ls.Lifetime.Last);
    }

    [Fact]
    public void MlpTrainingStepReusesMemory()
    {
        var mlp = TestModels.TrainingStep();
        var program = GraphProgram.Build(mlp.Graph, new CompileOptions());
        var plan = program.Memory;

        output.WriteLine($"MLP training step (fused): planned peak {plan.ArenaBytes} bytes, sum of all buffers {plan.TotalBytes} bytes, {plan.Slots.Count} buffers");
        AssertValidPlan(program.Graph, program.Schedule, plan);
        Assert.True(plan.ArenaBytes < plan.TotalBytes, $"arena {plan.ArenaBytes} is not below the total {plan.TotalBytes}");

        var unfused = GraphProgram.Build(TestModels.TrainingStep().Graph, new CompileOptions(Fuse: false));
        output.WriteLine($"MLP training step (unfused): planned peak {unfused.Memory.ArenaBytes} bytes, sum of all buffers {unfused.Memory.TotalBytes} bytes, {unfused.Memory.Slots.Count} buffers");
        AssertValidPlan(unfused.Graph, unfused.Schedule, unfused.Memory);
        Assert.True(unfused.Memory.ArenaBytes < unfused.Memory.TotalBytes);
    }
}
