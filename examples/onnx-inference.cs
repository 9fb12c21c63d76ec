// Classifies a picture with ONNX Runtime, from a model `trainer export --with-preprocessing` wrote:
// the model takes raw uint8 pixels [N,C,H,W] (MNIST's [N,1,28,28], or the shape of the data it was
// trained on: 3x32x32 for CIFAR, an image folder's size and channels) and does the training
// pipeline's Rescale and Normalize itself, so all this program does is decode the picture to C
// planes of HxW bytes (gray, or R, G, B) and print the class names the model carries, if any.
//
//   trainer train --save run
//   trainer export --checkpoint run/last.safetensors --out mnist.onnx --with-preprocessing
//   dotnet run examples/onnx-inference.cs -- mnist.onnx digit.png
//
// It prints what `trainer predict --image digit.png` prints for the same checkpoint: the predicted
// class and every class's probability. Needs nothing from this repository but the .onnx file.
// (A picture of another size than the model's is resized here by SkiaSharp, which can differ in
// the last bits from the trainer's own Resize.)
#:package Microsoft.ML.OnnxRuntime@1.32.0
#:package SkiaSharp@3.119.4
#:package SkiaSharp.NativeAssets.Linux.NoDependencies@3.119.4
#:property PublishAot=false
#:property ManagePackageVersionsCentrally=false

using System.Globalization;
using System.Text.Json;
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
int channels = input.Dimensions[1], height = input.Dimensions[2], width = input.Dimensions[3];
if (channels is not (1 or 3))
{
    Console.Error.WriteLine($"error: '{modelPath}' takes {channels} channels; this program reads gray (1) or RGB (3) pictures");
    return 1;
}

byte[]? pixels = Planes(imagePath, channels, height, width);
if (pixels is null)
{
    Console.Error.WriteLine($"error: '{imagePath}': not an image SkiaSharp can decode");
    return 1;
}

// One image, a batch of one: the batch axis is symbolic, so any count of images works.
var tensor = new DenseTensor<byte>(pixels, [1, channels, height, width]);
using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, tensor)]);
float[] logits = results.Single().AsTensor<float>().ToArray();

// Softmax in float64 with the maximum subtracted, as `trainer predict` does.
double max = logits.Max();
double[] exp = logits.Select(l => Math.Exp(l - max)).ToArray();
double sum = exp.Sum();
int best = Array.IndexOf(logits, logits.Max());
// The class names the exporter wrote (a JSON array, from an image folder's or CIFAR's names); none for MNIST.
string[]? names = session.ModelMetadata.CustomMetadataMap.TryGetValue("class_names", out var json) ? JsonSerializer.Deserialize<string[]>(json) : null;
string Name(int c) => names is { } n && n.Length == exp.Length ? n[c] : c.ToString(CultureInfo.InvariantCulture);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{imagePath}: predicted {Name(best)} (probability {exp[best] / sum:F4})"));
for (int c = 0; c < exp.Length; c++)
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {(names is null ? "" : $"{c} ")}{Name(c)}: {exp[c] / sum:F4}"));
Console.WriteLine($"model: {session.ModelMetadata.CustomMetadataMap.GetValueOrDefault("model", "?")} " +
                  $"({session.ModelMetadata.CustomMetadataMap.GetValueOrDefault("classes", "?")} classes), by {session.ModelMetadata.ProducerName}");
return 0;

// The picture as channel planes of height x width bytes, as the trainer reads pictures: composited
// over black (MNIST's background), resized if needed; one channel is gray = round(0.299 R + 0.587 G
// + 0.114 B), three are the R, G and B planes.
static byte[]? Planes(string path, int channels, int height, int width)
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
    int plane = width * height;
    var planes = new byte[channels * plane];
    ReadOnlySpan<byte> rgba = sized.GetPixelSpan();
    for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int at = y * sized.RowBytes + 4 * x;
            if (channels == 1)
                planes[y * width + x] = (byte)Math.Clamp(Math.Round(0.299 * rgba[at] + 0.587 * rgba[at + 1] + 0.114 * rgba[at + 2]), 0, 255);
            else
                for (int c = 0; c < 3; c++) planes[c * plane + y * width + x] = rgba[at + c];
        }
    return planes;
}
