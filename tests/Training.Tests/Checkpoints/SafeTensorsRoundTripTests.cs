using System.Text;
using Trainer.Training.Checkpoints;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

public sealed class SafeTensorsRoundTripTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    private static NamedTensor Tensor(string name, params int[] shape)
    {
        int count = shape.Aggregate(1, (a, b) => a * b);
        var data = new float[count];
        for (int i = 0; i < count; i++) data[i] = MathF.Sin(i * 0.37f + name.Length) * 100f;
        if (count > 0) data[0] = float.Epsilon; // a subnormal survives
        return new NamedTensor(name, shape, data);
    }

    [Fact]
    public void Awkward_shapes_round_trip_bit_for_bit_in_order()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "ckpt.safetensors");
        NamedTensor[] tensors =
        [
            Tensor("one", 1), Tensor("seven", 7), Tensor("fc.weight", 63, 65), Tensor("long", 257),
            Tensor("empty", 0, 3), Tensor("scalar"), Tensor("négatif/ünïcode", 2, 1),
        ];
        SafeTensors.Write(path, tensors, NoMetadata);

        var file = SafeTensors.Read(path);
        Assert.Equal(tensors.Select(t => t.Name), file.Entries.Select(e => e.Name));
        Assert.Empty(file.Metadata);
        foreach (var t in tensors)
        {
            Assert.True(file.Contains(t.Name));
            Assert.Equal(t.Shape.Select(d => (long)d), file.Entries.Single(e => e.Name == t.Name).Shape);
            Assert.Equal(t.Data.Select(BitConverter.SingleToInt32Bits), file.ReadFloat32(t.Name, t.Shape).Select(BitConverter.SingleToInt32Bits));
        }
        file.ExpectTensors(tensors.Select(t => (t.Name, t.Shape)));
        Assert.Equal([path], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Data_is_contiguous_and_starts_8_byte_aligned()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "c.safetensors");
        SafeTensors.Write(path, [Tensor("a", 3), Tensor("bb", 5, 2), Tensor("z", 0)], new Dictionary<string, string> { ["k"] = "v" });
        byte[] bytes = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, (8 + headerLength) % 8);
        var entries = SafeTensors.Read(path).Entries;
        Assert.Equal([(0L, 12L), (12L, 52L), (52L, 52L)], entries.Select(e => (e.Begin, e.End)));
        Assert.Equal(8 + headerLength + 52, bytes.Length);
    }

    [Fact]
    public void Metadata_round_trips_with_awkward_strings()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "m.safetensors");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt", ["lr"] = "1e+3", ["quote\"back\\slash"] = "line1\nline2\t<&>", ["empty"] = "", ["ünï"] = "☃",
        };
        SafeTensors.Write(path, [Tensor("a", 2)], metadata);
        var file = SafeTensors.Read(path);
        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
        Assert.Equal("1e+3", file.RequireMetadata("lr"));
        var e = Assert.Throws<CheckpointException>(() => file.RequireMetadata("step"));
        Assert.Equal($"{path}: missing metadata 'step'", e.Message);
    }

    [Fact]
    public void Layout_matches_a_hand_computed_file_byte_for_byte()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "exact.safetensors");
        SafeTensors.Write(path, [new NamedTensor("w", [2], [1f, -2f]), new NamedTensor("b", [], [0.5f])],
            new Dictionary<string, string> { ["epoch"] = "12" });

        // 137 bytes of JSON, padded with 7 spaces to 144 = 0x90 so the data starts at byte 152.
        string json = "{\"__metadata__\":{\"epoch\":\"12\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                      + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}" + "       ";
        byte[] expected =
        [
            0x90, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.ASCII.GetBytes(json),
            0x00, 0x00, 0x80, 0x3F, // 1.0f
            0x00, 0x00, 0x00, 0xC0, // -2.0f
            0x00, 0x00, 0x00, 0x3F, // 0.5f
        ];
        Assert.Equal(144, json.Length);
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Overwriting_keeps_a_symlink_and_leaves_no_temp_file()
    {
        using var dir = new TempDirectory();
        string real = Path.Combine(dir.Path, "epoch-3.safetensors");
        string link = Path.Combine(dir.Path, "last.safetensors");
        SafeTensors.Write(real, [Tensor("a", 2)], NoMetadata);
        File.CreateSymbolicLink(link, real);
        SafeTensors.Write(link, [Tensor("b", 3)], NoMetadata);
        Assert.Equal(real, new FileInfo(link).LinkTarget);
        Assert.Equal(["b"], SafeTensors.Read(real).Entries.Select(e => e.Name));
        Assert.Equal(2, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    [Theory]
    [InlineData("dup", "tensor 'a' is given twice")]
    [InlineData("shape", "tensor 'a' has shape [2, 2] (4 elements) but 3 values")]
    [InlineData("negative", "tensor 'a' has a negative dimension in [-1]")]
    [InlineData("reserved", "'__metadata__' is reserved for metadata")]
    [InlineData("empty", "a tensor name is empty")]
    public void Write_refuses_inconsistent_tensors_and_writes_nothing(string problem, string message)
    {
        using var dir = new TempDirectory();
        NamedTensor[] tensors = problem switch
        {
            "dup" => [Tensor("a", 1), Tensor("a", 1)],
            "shape" => [new NamedTensor("a", [2, 2], new float[3])],
            "negative" => [new NamedTensor("a", [-1], [])],
            "reserved" => [new NamedTensor("__metadata__", [1], [1f])],
            _ => [new NamedTensor("", [1], [1f])],
        };
        var e = Assert.Throws<ArgumentException>(() => SafeTensors.Write(Path.Combine(dir.Path, "x.safetensors"), tensors, NoMetadata));
        Assert.StartsWith(message, e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Writing_into_a_missing_directory_names_the_users_path()
    {
        using var dir = new TempDirectory();
        string missing = Path.Combine(dir.Path, "d");
        string path = Path.Combine(missing, "last.safetensors");
        var e = Assert.Throws<IOException>(() => SafeTensors.Write(path, [Tensor("a", 1)], NoMetadata));
        Assert.Equal($"'{path}': directory '{missing}' does not exist", e.Message);
    }
}
