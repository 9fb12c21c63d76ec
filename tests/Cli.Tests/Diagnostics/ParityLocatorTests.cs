using Trainer.Cli.Quickstart;
using Trainer.Training;
using Trainer.Training.Tests;
using Trainer.Kernels.Tests.SelfTest;
using Trainer.Kernels.Device;
using Trainer.Kernels.Ops;
using Trainer.Training.Loops;
using Trainer.Cli.Diagnostics;
using Trainer.Training.Optim;

namespace Trainer.Cli.Tests.Diagnostics;

/// <summary>
/// `trainer compare --locate`: on the CPU backends every node of the fused graph equals eager mode's
/// and the unfused graph's bit for bit, and a kernel broken on purpose is found at its node.
/// </summary>
public sealed class ParityLocatorTests
{
    private static ParityLocator Locator(Func<Session> open, ModelKind model = ModelKind.Mlp, OptimizerOptions? optimizer = null) =>
        new(open, dataDirectory: null, batchSize: 64, seed: 0, learningRate: 0.01f, optimizer ?? OptimizerOptions.Default, model);

    public static TheoryData<DeviceKind, ParityReference> DevicesAndReferences()
    {
        var data = new TheoryData<DeviceKind, ParityReference>();
        foreach (var kind in TestDevices.All)
            foreach (var reference in new[] { ParityReference.Eager, ParityReference.Unfused })
                data.Add(kind, reference);
        return data;
    }

    [Theory]
    [MemberData(nameof(DevicesAndReferences))]
    public void EveryNodeAgreesBitForBit(DeviceKind kind, ParityReference reference)
    {
        var report = Locator(() => Session.Open(kind)).Locate(reference, tolerance: 0);

        Assert.True(report.Agree, report.Text());
        Assert.Equal(0, report.Unmatched);
        Assert.Equal(13, report.NodesAgreeing); // the fused MLP step's launches (compare's launches/step)
        Assert.Equal(report.NodesAgreeing, report.NodesBitIdentical);
        Assert.StartsWith($"all 13 nodes agree with {(reference == ParityReference.Eager ? "eager" : "unfused graph")} within relative 0 (13 bit for bit)", report.Text());
    }

    [Fact]
    public void LeNetWithAdamAgreesWithEager()
    {
        var report = Locator(() => Session.Open(DeviceKind.Cpu), ModelKind.LeNet, new OptimizerOptions { Kind = OptimizerKind.Adam })
            .Locate(ParityReference.Eager, tolerance: 0);
        Assert.True(report.Agree, report.Text());
        Assert.Equal(0, report.Unmatched);
        Assert.Equal(report.NodesAgreeing, report.NodesBitIdentical);
    }

    [Theory]
    [InlineData(ParityReference.Eager)]
    [InlineData(ParityReference.Unfused)]
    public void ABrokenColumnSumInTheFusedGraphIsFoundAtItsNode(ParityReference reference)
    {
        // The checked run's backend adds 0.5 to element 3 of the first column sum: the gradient of the
        // last layer's bias, launched after the forward pass and the loss.
        int runs = 0;
        Session Open() => runs++ == 1
            ? new Session(new ColumnSumFault(DeviceCatalog.Open(DeviceKind.Cpu, out _), element: 3, delta: 0.5f))
            : Session.Open(DeviceKind.Cpu);

        var report = Locator(Open).Locate(reference, tolerance: 1e-6);

        Assert.Equal(2, runs);
        var d = report.FirstDifference;
        Assert.NotNull(d);
        Assert.Matches(@"^%\d+ ColumnSum", d.Node);
        Assert.Equal("[3]", d.Element);
        Assert.Equal("[10]", d.Shape);
        Assert.InRange(d.MaxAbsError, 0.49, 0.51);
        Assert.Equal(d.MaxAbsError, Math.Abs(d.CheckedValue - d.ReferenceValue), 6);
        Assert.True(report.NodesAgreeing > 0, report.Text());
        Assert.Equal(report.NodesAgreeing, report.NodesBitIdentical);
        Assert.Matches(@"^first difference: %\d+ ColumnSum\S* output 0 \[10\]: max abs error 0\.5 \(relative [\d.e+-]+\) at element \[3\] .*; all \d+ earlier nodes agree \(\d+ bit for bit\)$",
            report.Text().Trim());
    }

    [Fact]
    public void ADifferenceWithinTheToleranceIsNotReported()
    {
        int runs = 0;
        Session Open() => runs++ == 1
            ? new Session(new ColumnSumFault(DeviceCatalog.Open(DeviceKind.Cpu, out _), element: 0, delta: 1e-7f))
            : Session.Open(DeviceKind.Cpu);

        var report = Locator(Open).Locate(ParityReference.Unfused, tolerance: 1e-3);

        Assert.True(report.Agree, report.Text());
        Assert.True(report.NodesBitIdentical < report.NodesAgreeing, report.Text());
    }

    [Fact]
    public void ElementIndicesAreRowMajor()
    {
        Assert.Equal("[12, 7]", ParityDifference.Index([64, 10], 127));
        Assert.Equal("[0, 1, 2, 3]", ParityDifference.Index([2, 3, 4, 5], 1 * 20 + 2 * 5 + 3));
        Assert.Equal("[]", ParityDifference.Index([], 0));
    }

    /// <summary>Adds <c>delta</c> to one element of the first column sum it computes.</summary>
    private sealed class ColumnSumFault(IKernelBackend inner, int element, float delta) : DelegatingBackend(inner)
    {
        private bool broken;

        /// <summary>A session built on this backend owns it, and so the backend it wraps.</summary>
        public override void Dispose() => Inner.Dispose();

        protected override void Launched(string key, KernelCall call)
        {
            if (key != KernelKeys.ColumnSum || broken) return;
            broken = true;
            var sum = call.Outputs[0];
            var values = new float[call.OutputShapes[0][0]];
            Inner.Download<float>(sum, values);
            values[element] += delta;
            Inner.Upload<float>(sum, values);
        }
    }
}
