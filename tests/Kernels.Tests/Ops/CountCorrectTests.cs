using Trainer.Kernels.Reference;

namespace Trainer.Kernels.Tests.Ops;

public sealed class CountCorrectTests(BackendFixture backends) : IClassFixture<BackendFixture>
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string backend in BackendFixture.All)
            foreach (int rows in new[] { 1, 7, 63, 65, 257 })
                foreach (int classes in new[] { 1, 2, 10, 13 })
                    data.Add(backend, rows, classes);
        foreach (int rows in new[] { 1, 65, 257, 300 })
            data.Add(BackendFixture.Tiled, rows, 10);
        return data;
    }

    private static int Count(Trainer.Kernels.Device.IKernelBackend backend, float[] logits, int[] labels, int rows, int classes)
    {
        using var dx = backend.Put(logits);
        using var dy = backend.Put(labels);
        using var dc = backend.Put(new[] { -12345, 777 });
        backend.CountCorrect(dx, dy, dc, rows, classes);
        var c = backend.Ints(dc, 2);
        Assert.Equal(777, c[1]);
        return c[0];
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_reference_with_ties(string backendName, int rows, int classes)
    {
        var backend = backends.Get(backendName);
        var rng = TestData.Rng(rows, classes);
        // Few distinct values, so many rows have tied maxima.
        var logits = new float[rows * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = rng.Next(4) - 1.5f;
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            // Half the rows get their (first) argmax as label, so the count is not always tiny.
            int best = 0;
            for (int j = 1; j < classes; j++) if (logits[r * classes + j] > logits[r * classes + best]) best = j;
            labels[r] = rng.Next(2) == 0 ? best : rng.Next(classes);
        }
        Assert.Equal(ReferenceMath.CountCorrect(logits, labels, rows, classes), Count(backend, logits, labels, rows, classes));
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    [InlineData(BackendFixture.Tiled)]
    public void Ties_go_to_the_first_maximum(string backendName)
    {
        var backend = backends.Get(backendName);
        float[] logits =
        [
            1f, 5f, 5f, 0f,   // max at 1 and 2: label 1 is correct
            1f, 5f, 5f, 0f,   // label 2 is not
            7f, 7f, 7f, 7f,   // all equal: label 0 is correct
            7f, 7f, 7f, 7f,   // label 3 is not
            -1f, -2f, -1f, -3f, // label 0 is correct
        ];
        int[] labels = [1, 2, 0, 3, 0];
        Assert.Equal(3, Count(backend, logits, labels, 5, 4));
    }

    [Theory]
    [InlineData(BackendFixture.Native)]
    [InlineData(BackendFixture.Fast)]
    [InlineData(BackendFixture.Wide)]
    public void Zero_rows_count_zero(string backendName)
    {
        var backend = backends.Get(backendName);
        Assert.Equal(0, Count(backend, new[] { 0f }, new[] { 0 }, 0, 10));
    }
}
