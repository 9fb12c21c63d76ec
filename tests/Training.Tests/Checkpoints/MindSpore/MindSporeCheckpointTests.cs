using System.Text;
using Trainer.Cli.Quickstart;
using Trainer.Training.Checkpoints;
using Trainer.Training.Checkpoints.MindSpore;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints.MindSpore;

/// <summary>
/// MindSpore .ckpt files: what MindSpore writes (hand-built on the wire) reads as MindSpore's load_checkpoint reads
/// it, our writer's files read back bit for bit, and every malformed field is one line naming the file and field.
/// </summary>
public sealed class MindSporeCheckpointTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private string Write(byte[] bytes, string name = "x.ckpt")
    {
        string path = Path.Combine(dir.Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Utf32(string text) => new UTF32Encoding(false, false).GetBytes(text);

    [Fact]
    public void A_file_as_MindSpore_writes_it_reads_with_its_names_types_slices_scalars_and_strings()
    {
        var bytes = RawCkpt.File(
            ("conv1.weight", RawCkpt.Tensor([2, 1, 1, 2], "Float32", RawCkpt.Floats(1, 2, 3, 4))),
            ("big", RawCkpt.Tensor([3, 2], "Float32", RawCkpt.Floats(1, 2))), // three slices of one tensor, as save_checkpoint splits a large one
            ("big", RawCkpt.Tensor([3, 2], "Float32", RawCkpt.Floats(3, 4))),
            ("big", RawCkpt.Tensor([3, 2], "Float32", RawCkpt.Floats(5, 6))),
            ("learning_rate", RawCkpt.Tensor([], "Float32", RawCkpt.Floats(0.01f))),
            ("global_step", RawCkpt.Tensor([0], "Int32", [7, 0, 0, 0])), // dims [0]: a scalar
            ("half", RawCkpt.Tensor([2], "Float16", [0x00, 0x3c, 0x00, 0xc0])), // 1, -2
            ("epoch_num", RawCkpt.Tensor([], "Int64", new byte[8])),
            ("note", RawCkpt.Tensor([0], "str", Utf32("héllo"))),
            ("__metadata__.model", RawCkpt.Tensor([0], "str", Utf32("lenet"))));
        string path = Write(bytes);
        var file = WeightFiles.Read(path);
        Assert.Equal(CheckpointFormat.MindSporeCkpt, file.Format);
        Assert.Equal(["conv1.weight", "big", "learning_rate", "global_step", "half", "epoch_num"], file.Tensors.Select(t => t.Name));
        var big = file.Tensors[1];
        Assert.Equal([3L, 2], big.Shape);
        Assert.Equal(RawCkpt.Floats(1, 2, 3, 4, 5, 6), big.Data.ToArray());
        Assert.Empty(file.Tensors[2].Shape);
        Assert.Empty(file.Tensors[3].Shape);
        Assert.Equal(("Int32", (FloatEncoding?)null), (file.Tensors[3].Dtype, file.Tensors[3].Encoding));
        Assert.Equal(FloatEncoding.Float16, file.Tensors[4].Encoding);
        Assert.Equal("héllo", file.Metadata["note"]);
        Assert.Equal("lenet", file.Metadata["model"]);
    }

    [Fact]
    public void Packed_dims_read_as_unpacked_ones_do()
    {
        // proto2 writes repeated int64 unpacked; a parser must accept the packed form too, and so does the wire check.
        byte[] packed = [.. RawCkpt.Delimited(1, [.. RawCkpt.Varint(2), .. RawCkpt.Varint(3)]),
            .. RawCkpt.Delimited(2, "Float32"u8.ToArray()), .. RawCkpt.Delimited(3, RawCkpt.Floats(1, 2, 3, 4, 5, 6))];
        var file = WeightFiles.Read(Write(RawCkpt.File(("w", packed))));
        Assert.Equal([2L, 3], file.Tensors.Single().Shape);
        byte[] tooMany = [.. RawCkpt.Delimited(1, [.. Enumerable.Repeat((byte)1, 33)]), .. RawCkpt.Delimited(2, "Float32"u8.ToArray()), .. RawCkpt.Delimited(3, RawCkpt.Floats(1))];
        Assert.Contains("declares more than 32 dimensions", Assert.Throws<CheckpointException>(() => WeightFiles.Read(Write(RawCkpt.File(("w", tooMany)), "many.ckpt"))).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(65)]
    public void Our_files_read_back_bit_for_bit_with_MindSpores_tags_and_types(int n)
    {
        var random = new Random(n);
        NamedTensor[] tensors =
        [
            new("dense_relu_sequential.0.weight", [n, 3], [.. Enumerable.Range(0, 3 * n).Select(_ => (float)random.NextDouble() - 0.5f)]),
            new("moments.dense_relu_sequential.0.weight", [n, 3], [.. Enumerable.Range(0, 3 * n).Select(_ => float.Epsilon * random.Next(1, 9))]),
            new("beta1_power", [1], [0.9f]),
            new("scalar", [], [-0f]),
        ];
        string path = Path.Combine(dir.Path, "ours.ckpt");
        MindSporeCheckpoint.Write(path, tensors, new Dictionary<string, string> { ["format"] = CheckpointInfo.Format, ["model"] = "mlp" });
        var file = WeightFiles.Read(path);
        Assert.Equal(tensors.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (var (t, stored) in tensors.Zip(file.Tensors))
        {
            Assert.Equal("Float32", stored.Dtype);
            Assert.Equal(t.Shape.Select(d => (long)d), stored.Shape);
            Assert.Equal(RawCkpt.Floats(t.Data), stored.Data.ToArray());
        }
        Assert.Equal(CheckpointInfo.Format, file.Metadata["format"]);
        Assert.Equal("mlp", file.Metadata["model"]);
    }

    private static readonly byte[] GoodTensor = RawCkpt.Tensor([2], "Float32", RawCkpt.Floats(1, 2));

    public static TheoryData<string, byte[], string> Malformed()
    {
        byte[] lengthOf2To62 = [.. RawCkpt.Key(1, 2), .. RawCkpt.Varint(1UL << 62), 1, 2, 3];
        byte[] tensorBody = [.. RawCkpt.Delimited(2, "Float32"u8.ToArray()), .. RawCkpt.Key(3, 2), .. RawCkpt.Varint(1UL << 62)];
        byte[] hugeContent = RawCkpt.Checkpoint(RawCkpt.Value("w", tensorBody));
        byte[] valid = RawCkpt.File(("ok", GoodTensor)); // files start like a .ckpt, so they are read as one
        byte[] elevenByteVarint = [.. RawCkpt.Key(1, 2), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        return new()
        {
            { "a length prefix of 2^62", lengthOf2To62, "value[0] at byte 1 declares 4611686018427387904 bytes but only 3 are left in the file" },
            { "a tensor_content length of 2^62", hugeContent, "value[0].tensor.tensor_content at byte 17 declares 4611686018427387904 bytes but only 0 are left in value[0].tensor" },
            { "a varint of 11 bytes", elevenByteVarint, "has a length longer than 64 bits" },
            { "negative dims", RawCkpt.File(("w", RawCkpt.Tensor([-1, 2], "Float32", RawCkpt.Floats(1, 2)))), "value 0 ('w') has negative dims [-1, 2]" },
            { "dims whose product overflows", RawCkpt.File(("w", RawCkpt.Tensor([1L << 40, 1L << 40], "Float32", RawCkpt.Floats(1)))), "value 0 ('w') has dims [1099511627776, 1099511627776] whose element count overflows" },
            { "dims that disagree with the content", RawCkpt.File(("w", RawCkpt.Tensor([4], "Float32", RawCkpt.Floats(1, 2, 3)))), "value 0 ('w'): tensor_content has 12 bytes, but dims [4] of Float32 need 16" },
            { "an unknown tensor type", RawCkpt.File(("w", RawCkpt.Tensor([2], "Float8", [1, 2]))), "value 0 ('w') has tensor_type 'Float8', which is not a MindSpore tensor type" },
            { "a name twice", RawCkpt.File(("w", GoodTensor), ("b", GoodTensor), ("w", GoodTensor)), "value 2 ('w'): tag 'w' appears twice (values 0 and 2, not consecutive slices)" },
            { "slices that disagree", RawCkpt.File(("w", GoodTensor), ("w", RawCkpt.Tensor([3], "Float32", RawCkpt.Floats(1, 2, 3)))), "value 0 ('w'): slice 1 has tensor_type 'Float32' and dims [3], but the first slice 'Float32' and [2]" },
            { "no tag", RawCkpt.Checkpoint(RawCkpt.Delimited(2, GoodTensor)), "value[0] at byte 2 has no tag (a required field)" },
            { "no tensor_type", RawCkpt.File(("w", [.. RawCkpt.Key(1, 0), 2, .. RawCkpt.Delimited(3, RawCkpt.Floats(1, 2))])), "value[0].tensor at byte" },
            { "more than 32 dims", RawCkpt.File(("w", RawCkpt.Tensor([.. Enumerable.Repeat(1L, 33)], "Float32", RawCkpt.Floats(1)))), "declares more than 32 dimensions" },
            { "a group (wire type 3)", [.. valid, .. RawCkpt.Key(1, 3), 0], $"value[1] at byte {valid.Length} has wire type 3, expected 2" },
            { "an unknown group field", [.. valid, .. RawCkpt.Key(5, 3), 0], $"field 5 at byte {valid.Length} has wire type 3, which MindSpore's checkpoint.proto never uses" },
            { "an unknown field past the end", [.. valid, .. RawCkpt.Key(5, 2), .. RawCkpt.Varint(100), 1], $"field 5 at byte {valid.Length + 1} declares 100 bytes but only 1 are left in the file" },
            { "a tag sent as a varint", RawCkpt.Checkpoint([.. RawCkpt.Key(1, 0), 5]), "value[0].tag at byte 2 has wire type 0, expected 2" },
            { "a tag of 4097 bytes", RawCkpt.File((new string('a', 4097), GoodTensor)), "value[0].tag at byte 4 is 4097 bytes long, more than the 4096 allowed" },
            { "a tag that is not UTF-8", RawCkpt.Checkpoint([.. RawCkpt.Delimited(1, [0xc3, 0x28]), .. RawCkpt.Delimited(2, GoodTensor)]), "value[0].tag at byte 3 is not valid UTF-8" },
            { "a tag with an escape sequence", RawCkpt.File(("w\u001b[2J", GoodTensor)), "value[0].tag at byte 3 holds a control character" },
            { "a str value of 5 bytes", RawCkpt.File(("s", RawCkpt.Tensor([0], "str", [1, 0, 0, 0, 2]))), "value 0 ('s'): a str value's tensor_content has 5 bytes, not a whole number of UTF-32 characters" },
            { "a maptensor", RawCkpt.Checkpoint([.. RawCkpt.Delimited(1, "m"u8.ToArray()), .. RawCkpt.Delimited(3, RawCkpt.Delimited(1, GoodTensor))]), "value 0 ('m') is a maptensor (a MindSpore MapParameter), which the trainer does not load" },
        };
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Each_malformed_field_is_one_line_naming_the_file_and_the_field(string what, byte[] bytes, string problem)
    {
        string path = Write(bytes);
        var e = Assert.Throws<CheckpointException>(() => WeightFiles.Read(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.NotEmpty(what);
    }

    [Fact]
    public void Every_truncation_of_a_valid_file_is_refused_with_one_line()
    {
        var bytes = RawCkpt.File(("dense.weight", RawCkpt.Tensor([2, 3], "Float32", RawCkpt.Floats(1, 2, 3, 4, 5, 6))), ("dense.bias", GoodTensor));
        WeightFiles.Read(Write(bytes)); // whole, it is valid
        for (int length = 1; length < bytes.Length; length++)
        {
            // Cut inside a message, the wire check refuses it; cut exactly between the two messages, the first is a
            // whole valid file, and reading must then give exactly the first tensor.
            string path = Write(bytes[..length]);
            try
            {
                var file = WeightFiles.Read(path);
                Assert.Equal(["dense.weight"], file.Tensors.Select(t => t.Name));
            }
            catch (CheckpointException e)
            {
                Assert.StartsWith($"{path}: ", e.Message);
                Assert.DoesNotContain('\n', e.Message);
            }
        }
    }
}
