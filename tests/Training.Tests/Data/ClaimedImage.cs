using System.Buffers.Binary;

namespace Trainer.Training.Tests.Data;

/// <summary>
/// Image files whose headers claim more pixels than they hold, for the pixel-budget tests: a header
/// costs bytes, the claimed pixels would cost gigabytes. Cli.Tests compiles this file too (linked).
/// </summary>
internal static class ClaimedImage
{
    /// <summary>A 24-bit BMP header (BITMAPINFOHEADER) claiming <paramref name="width"/> x <paramref name="height"/>, followed by 16 bytes of pixels.</summary>
    public static byte[] Bmp(int width, int height)
    {
        var bmp = new byte[54 + 16];
        bmp[0] = (byte)'B';
        bmp[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        return bmp;
    }
}
