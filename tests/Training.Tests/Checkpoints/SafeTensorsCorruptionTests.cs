using Trainer.Training.Checkpoints;
using Trainer.Training.Tests.Data;

namespace Trainer.Training.Tests.Checkpoints;

/// <summary>Every corrupted or unexpected file is refused with one line naming the file (and the tensor), never another exception.</summary>
public sealed class SafeTensorsCorruptionTests
{
    public static TheoryData<string, string, string?> Corruptions => new()
    {
        // case, expected text in the message, tensor the message must name
        { "declared length past the end", "truncated: the header says 1000 bytes but the file has", null },
        { "declared length 2^63", "header length 9223372036854775808 is over the limit of 100000000 bytes", null },
        { "declared length 2^64-1", "is over the limit", null },
        { "not json", "header is not valid JSON", null },
        { "not utf8", "header is not valid UTF-8", null },
        { "json array", "header is a JSON array, expected an object", null },
        { "overlap", "tensor 'b' data_offsets [4, 16] overlap tensor 'a' [0, 8]", "b" },
        { "out of range", "tensor 'b' has data_offsets [100, 112] past the end of the 20-byte data section", "b" },
        { "end before begin", "tensor 'b' data_offsets [20, 8] end before they begin", "b" },
        { "unknown dtype", "tensor 'b' has unknown dtype 'F33'", "b" },
        { "bytes not matching shape", "tensor 'b' has 12 bytes (data_offsets [8, 20]), expected 16 for F32 [4]", "b" },
        { "trailing garbage", "trailing data: the tensors end at byte 20 of the data section but it has 24 bytes", null },
        { "gap", "data bytes [8, 12) belong to no tensor (the next is 'b')", "b" },
        { "duplicate key", "header has key 'a' twice", "a" },
        { "duplicate field", "tensor 'b' has field 'dtype' twice", "b" },
        { "duplicate metadata key", "metadata key 'step' appears twice", null },
        { "unknown field", "tensor 'b' has unknown field 'offsets'", "b" },
        { "missing field", "tensor 'b' has no 'data_offsets'", "b" },
        { "negative dimension", "tensor 'b' shape holds -3, expected a non-negative integer", "b" },
        { "fractional dimension", "tensor 'b' shape holds 1.5, expected a non-negative integer", "b" },
        { "three offsets", "tensor 'b' data_offsets has 3 numbers, expected 2 (begin, end)", "b" },
        { "shape overflow", "tensor 'b' shape [4294967296, 4294967296] has too many elements", "b" },
        { "metadata not strings", "metadata 'step' is a JSON number, expected a string", null },
        { "tensor not object", "tensor 'b' is a JSON string, expected an object", "b" },
        { "too deep", "header is not valid JSON", null },
        { "shorter than 8", "too short: 5 bytes, but a safetensors file starts with an 8-byte header length", null },
    };

    private static byte[] Corrupt(string name) => name switch
    {
        "declared length past the end" => RawSafeTensors.Build(RawSafeTensors.ValidHeader, declaredLength: 1000),
        "declared length 2^63" => RawSafeTensors.Build(RawSafeTensors.ValidHeader, declaredLength: 1UL << 63),
        "declared length 2^64-1" => RawSafeTensors.Build(RawSafeTensors.ValidHeader, declaredLength: ulong.MaxValue),
        "not json" => RawSafeTensors.Build("this is not json at all"),
        "not utf8" => RawSafeTensors.Build([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}']),
        "json array" => RawSafeTensors.Build("[1, 2]"),
        "overlap" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}"), 16),
        "out of range" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[100,112]}")),
        "end before begin" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[20,8]}")),
        "unknown dtype" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F33\",\"shape\":[3],\"data_offsets\":[8,20]}")),
        "bytes not matching shape" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,20]}")),
        "trailing garbage" => RawSafeTensors.Build(RawSafeTensors.ValidHeader, 24),
        "gap" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}")),
        "duplicate key" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]},\"a\":{}")),
        "duplicate field" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20]}")),
        "duplicate metadata key" => RawSafeTensors.Build(RawSafeTensors.ValidHeader.Replace("{\"step\":\"7\"}", "{\"step\":\"7\",\"step\":\"8\"}")),
        "unknown field" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"offsets\":[8,20]}")),
        "missing field" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3]}")),
        "negative dimension" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[-3],\"data_offsets\":[8,20]}")),
        "fractional dimension" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[8,20]}")),
        "three offsets" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[8,20,20]}")),
        "shape overflow" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[8,20]}")),
        "metadata not strings" => RawSafeTensors.Build(RawSafeTensors.ValidHeader.Replace("\"7\"", "7")),
        "tensor not object" => RawSafeTensors.Build(RawSafeTensors.WithB("\"F32\"")),
        "too deep" => RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F32\",\"shape\":[[[[3]]]],\"data_offsets\":[8,20]}")),
        "shorter than 8" => [1, 2, 3, 4, 5],
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupted_file_is_refused_with_one_line(string name, string expected, string? tensor)
    {
        using var dir = new TempDirectory();
        string path = dir.Write("x.safetensors", Corrupt(name));
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Read(path));
        AssertOneLine(e, path);
        Assert.Contains(expected, e.Message);
        if (tensor is not null) Assert.Contains($"'{tensor}'", e.Message);
    }

    [Fact]
    public void The_unmodified_base_file_is_valid()
    {
        using var dir = new TempDirectory();
        var file = SafeTensors.Read(dir.Write("x.safetensors", RawSafeTensors.Build(RawSafeTensors.ValidHeader + "   ")));
        Assert.Equal(["a", "b"], file.Entries.Select(e => e.Name));
        Assert.Equal("7", file.RequireMetadata("step"));
        Assert.Equal(BitConverter.ToSingle([8, 9, 10, 11]), file.ReadFloat32("b", [3])[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(60)]
    [InlineData(8 + 135)]
    [InlineData(8 + 136)]
    [InlineData(8 + 136 + 8)]
    [InlineData(8 + 136 + 19)]
    public void A_file_truncated_anywhere_is_refused(int keep)
    {
        byte[] full = RawSafeTensors.Build(RawSafeTensors.ValidHeader);
        Assert.Equal(8 + 136 + 20, full.Length);
        using var dir = new TempDirectory();
        string path = dir.Write("t.safetensors", full[..keep]);
        var e = Assert.Throws<CheckpointException>(() => SafeTensors.Read(path));
        AssertOneLine(e, path);
    }

    [Fact]
    public void Unexpected_contents_name_the_tensor_and_what_was_expected()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "last.safetensors");
        File.WriteAllBytes(path, RawSafeTensors.Build(RawSafeTensors.WithB("{\"dtype\":\"F16\",\"shape\":[6],\"data_offsets\":[8,20]}")));
        var file = SafeTensors.Read(path);

        Check(() => file.ReadFloat32("b", [6]), $"{path}: tensor 'b' has dtype F16, expected F32");
        Check(() => file.ReadFloat32("a", [3]), $"{path}: tensor 'a' has shape [2], expected [3]");
        Check(() => file.ReadFloat32("c", [1]), $"{path}: missing tensor 'c'");
        Check(() => file.ExpectTensors([("a", [2]), ("fc3.bias", [10])]), $"{path}: missing tensor 'fc3.bias'; unexpected tensor 'b'");
        Check(() => file.ExpectTensors([("a", [120, 401]), ("b", [6])]),
            $"{path}: tensor 'a' has shape [2], expected [120, 401]; tensor 'b' has dtype F16, expected F32");
        file.ExpectTensors([("a", [2])], ignorePrefix: "b");
    }

    [Fact]
    public async Task A_directory_a_fifo_and_a_missing_file_are_refused_without_blocking()
    {
        using var dir = new TempDirectory();
        Check(() => SafeTensors.Read(dir.Path), $"{dir.Path}: is a directory, not a file");
        string missing = Path.Combine(dir.Path, "none.safetensors");
        Check(() => SafeTensors.Read(missing), $"{missing}: does not exist");
        Check(() => SafeTensors.Read("/dev/null"), "/dev/null: too short: 0 bytes, but a safetensors file starts with an 8-byte header length");
        if (OperatingSystem.IsWindows()) return;

        string fifo = Path.Combine(dir.Path, "pipe.safetensors");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();
        var read = Task.Run(() => Assert.Throws<CheckpointException>(() => SafeTensors.Read(fifo)));
        var refused = await read.WaitAsync(TimeSpan.FromSeconds(20)); // a TimeoutException here means the read hung
        Assert.Equal($"{fifo}: is not a regular file (a pipe, socket or terminal)", refused.Message);
    }

    [Fact]
    public void Random_byte_changes_in_the_header_only_ever_give_a_checkpoint_exception()
    {
        byte[] valid = RawSafeTensors.Build(RawSafeTensors.ValidHeader);
        int headerEnd = valid.Length - RawSafeTensors.ValidDataBytes;
        var random = new Random(20240917);
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "fuzz.safetensors");
        int refused = 0;
        for (int trial = 0; trial < 500; trial++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int changes = 1 + random.Next(3);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(headerEnd);
                bytes[at] = random.Next(2) == 0 ? (byte)(bytes[at] ^ (1 << random.Next(8))) : (byte)random.Next(256);
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                var file = SafeTensors.Read(path);
                foreach (var entry in file.Entries.Where(e => e.Dtype == "F32" && e.Shape.All(d => d <= int.MaxValue)))
                    file.ReadFloat32(entry.Name, entry.Shape.Select(d => (int)d).ToArray());
            }
            catch (CheckpointException e)
            {
                AssertOneLine(e, path);
                refused++;
            }
        }
        Assert.InRange(refused, 250, 500);
    }

    private static void Check(Action action, string message)
    {
        var e = Assert.Throws<CheckpointException>(action);
        Assert.Equal(message, e.Message);
    }

    private static void AssertOneLine(CheckpointException e, string path)
    {
        Assert.StartsWith(path + ": ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.DoesNotContain('\r', e.Message);
    }
}
