namespace Trainer.Training.Checkpoints;

/// <summary>
/// The floating-point element types a weights file may store and the loader converts to float32: IEEE binary16
/// (safetensors <c>F16</c>, MindSpore <c>Float16</c>), bfloat16 (<c>BF16</c>, <c>BFloat16</c>), binary32
/// (<c>F32</c>, <c>Float32</c>) and binary64 (<c>F64</c>, <c>Float64</c>), all little-endian.
/// </summary>
public enum FloatEncoding
{
    /// <summary>IEEE half precision, 2 bytes.</summary>
    Float16,
    /// <summary>bfloat16 (float32's exponent, 7 mantissa bits), 2 bytes.</summary>
    BFloat16,
    /// <summary>IEEE single precision, 4 bytes.</summary>
    Float32,
    /// <summary>IEEE double precision, 8 bytes.</summary>
    Float64,
}
