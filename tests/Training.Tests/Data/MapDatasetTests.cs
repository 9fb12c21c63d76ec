using Trainer.Kernels.Device;
using Trainer.Training.Data;

namespace Trainer.Training.Tests.Data;

public sealed class MapDatasetTests
{
    [Fact]
    public void Map_AppliesTransformsInOrder_ToOneColumnOnly()
    {
        InMemoryDataset source = InMemoryDataset.Numbered(5);
        // Rescale then cast: (2 * v + 1) truncated; the reverse order would differ for the negative entries.
        MapDataset mapped = source.Map([new Rescale(2f, 0.5f), new TypeCast(DType.Int32)], "value");

        HostTensor[][] rows = mapped.CreateTupleIterator(0).ToArray();

        Assert.Equal(5, rows.Length);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(i, rows[i][0].AsInt32()[0]);
            Assert.Equal([(int)(2f * i + 0.5f), (int)(-2f * i + 0.5f)], rows[i][1].AsInt32());
        }
    }

    [Fact]
    public void Map_ExposesItsConfiguration()
    {
        InMemoryDataset source = InMemoryDataset.Numbered(3);
        var transforms = new List<ITransform> { new Rescale(1f, 0f) };
        MapDataset mapped = source.Map(transforms, "value");
        transforms.Add(new HWC2CHW());

        Assert.Same(source, mapped.Source);
        Assert.Same(source, mapped.Upstream);
        Assert.Equal("value", mapped.Column);
        Assert.Equal(1, mapped.ColumnIndex);
        Assert.Single(mapped.Transforms);
        Assert.IsType<Rescale>(mapped.Transforms[0]);
        Assert.Equal(source.ColumnNames, mapped.ColumnNames);
        Assert.Equal(3, mapped.GetDatasetSize());
    }

    [Fact]
    public void Map_RandomAccess_FollowsTheSource()
    {
        MapDataset randomAccess = InMemoryDataset.Numbered(4).Map([new Rescale(3f, 0f)], "value");
        MapDataset sequential = InMemoryDataset.Numbered(4, randomAccess: false).Map([new Rescale(3f, 0f)], "value");
        Assert.True(randomAccess.IsRandomAccess);
        Assert.False(sequential.IsRandomAccess);
        Assert.Equal([6f, -6f], randomAccess.GetRow(2, 0)[1].AsFloat());
        Assert.Throws<NotSupportedException>(() => sequential.GetRow(2, 0));
    }

    [Fact]
    public void Map_UnknownColumn_ListsExistingColumns()
    {
        var error = Assert.Throws<DatasetException>(() => BuiltInMnist.Test.Map([new HWC2CHW()], "imag"));
        Assert.Equal("Map: unknown column 'imag', expected one of 'image', 'label'", error.Message);
    }

    [Fact]
    public void Map_TransformErrors_SurfaceWhenRowsAreRead()
    {
        MapDataset mapped = BuiltInMnist.Test.Map([new Normalize(0.1307f, 0.3081f)], "image");
        var error = Assert.Throws<DatasetException>(() => mapped.CreateTupleIterator(0).First());
        Assert.Equal("Normalize: expected a float32 image, got uint8 [28,28,1]", error.Message);
    }

    [Fact]
    public void CreateTupleIterator_RejectsNegativeEpoch()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InMemoryDataset.Numbered(2).CreateTupleIterator(-1));
    }
}
