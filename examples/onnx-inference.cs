// Classifies a picture of a digit with ONNX Runtime, from a model `trainer export --with-preprocessing`
// wrote: the model takes raw uint8 pixels [N,1,28,28] and does the training pipeline's Rescale and
// Normalize itself, so all this program does is decode the picture to 28x28 gray bytes.
//
//   trainer train --save run
//   trainer export --checkpoint run/last.safetensors --out mnist.onnx --with-preprocessing
//   dotnet run examples/onnx-inference.cs -- mnist.onnx digit.png
//
// It prints what `trainer predict --image digit.png` prints for the same checkpoint: the predicted
// digit and every class's probability. Needs nothing from this repository but the .onnx file.
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:package SkiaSharp@3.119.4
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.4
#:property PublishAot=false
#:property ManagePackageVersionsCentrally=false

using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SkiaSharp;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: dotnet run examples/onnx-inference.cs -- MODEL.onnx IMAGE");
    return 2;
}
string modelPath = args[0], imagePath = args[1];
if (!File.Exists(modelPath) || !File.Exists(imagePath))
{
    Console.Error.WriteLine($"error: '{(File.Exists(modelPath) ? imagePath : modelPath)}': no such file");
    return 1;
}

using var session = new InferenceSession(modelPath);
var (inputName, input) = session.InputMetadata.Single();
if (input.ElementType != typeof(byte))
{
    string type = input.ElementType == typeof(float) ? "normalised float32" : input.ElementType.Name;
    Console.Error.WriteLine($"error: '{modelPath}' takes {type} input, not uint8 pixels; export it with --with-preprocessing");
    return 1;
}
int height = input.Dimensions[2], width = input.Dimensions[3];

byte[]? pixels = Grayscale(imagePath, height, width);
if (pixels is null)
{
    Console.Error.WriteLine($"error: '{imagePath}': not an image SkiaSharp can decode");
    return 1;
}

// One image, a batch of one: the batch axis is symbolic, so any count of images works.
var tensor = new DenseTensor<byte>(pixels, [1, 1, height, width]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
float[] logits = results.Single().AsTensor<float>().ToArray();

// Softmax in float64 with the maximum subtracted, as `trainer predict` does.
double max = logits.Max();
double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
double sum = exp.Sum();
int best = Array.IndexOf(logits, logits.Max());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{imagePath}: predicted {best} (probability {exp[best] / sum:F4})"));
for (int c = 0; c < exp.Length; c++)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c}: {exp[c] / sum:F4}"));
Console.WriteLine($"model: {session.ModelMetadata.CustomMetadataMap.GetValueOrDefault("model", "?")} " +
                  $"({session.ModelMetadata.CustomMetadataMap.GetValueOrDefault("classes", "?")} classes), by {session.ModelMetadata.ProducerName}");
return 0;

// The picture as height x width gray bytes, as the trainer reads pictures: composited over black
// (MNIST's background), resized if needed, gray = round(0.299 R + 0.587 G + 0.114 B).
static byte[]? Grayscale(string path, int height, int width)
{
    using var codec = SKCodec.Create(path);
    if (codec is null) return null;
    var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
    using var decoded = new SKBitmap(info);
    if (codec.GetPixels(info, decoded.GetPixels()) != SKCodecResult.Success) return null;
    using var sized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
    if (decoded.Width == width && decoded.Height == height)
    {
        decoded.CopyTo(sized);
    }
    else
    {
        bool shrinking = width < decoded.Width || height < decoded.Height;
        var sampling = shrinking ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear) : new SKSamplingOptions(SKCubicResampler.Mitchell);
        using var image = SKImage.FromBitmap(decoded);
        using var canvas = new SKCanvas(sized);
        canvas.Clear(SKColors.Transparent);
        using var paint = new SKPaint { BlendMode = SKBlendMode.Src };
        canvas.DrawImage(image, new SKRect(0, 0, width, height), sampling, paint);
    }
    var gray = new byte[width * height];
    ReadOnlySpan<byte> rgba = sized.GetPixelSpan();
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int at = y * sized.RowBytes + 4 * x;
            gray[y * width + x] = (byte)Math.Clamp(Math.Round(0.299 * rgba[at] + 0.587 * rgba[at + 1] + 0.114 * rgba[at + 2]), 0, 255);
        }
    return gray;
}
