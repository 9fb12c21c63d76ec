using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trainer.Training.Data;
using Trainer.Training.Loops;

namespace Trainer.Training.Tests.Export;

/// <summary>Runs an exported model in ONNX Runtime over the whole test set, in batches of a chosen size.</summary>
internal static class OnnxRuntimeRun
{
    /// <summary>
    /// The logits [images × classes] ONNX Runtime computes for every image of <paramref name="test"/>,
    /// fed <paramref name="batch"/> at a time (the last batch shorter), as uint8 pixels when
    /// <paramref name="rawPixels"/>, else as float32 normalised by the host pipeline
    /// (<see cref="Datapipe.ImageTransforms"/>).
    /// </summary>
    public static float[] Logits(InferenceSession session, MnistDataset test, int batch, bool rawPixels, int classes)
    {
        const int pixels = 28 * 28;
        var bytes = test.ImageBytes.ToArray();
        float[] normalised = rawPixels ? [] : Normalised(test);
        var logits = new float[test.Count * classes];
        for (int start = 0; start < test.Count; start += batch)
        {
            int rows = Math.Min(batch, test.Count - start);
            int[] shape = [rows, 1, 28, 28];
            NamedOnnxValue input = rawPixels
                ? NamedOnnxValue.CreateFromTensor("input", new DenseTensor<byte>(bytes.AsMemory(start * pixels, rows * pixels), shape))
                : NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(normalised.AsMemory(start * pixels, rows * pixels), shape));
            using var results = session.Run([input]);
            var output = results.Single(r => r.Name == "logits").AsTensor<float>();
            Assert.Equal([rows, classes], output.Dimensions.ToArray());
            output.ToArray().CopyTo(logits, start * classes);
        }
        return logits;
    }

    /// <summary>Every test image through the tutorial's host transforms: float32 [images, 1, 28, 28].</summary>
    private static float[] Normalised(MnistDataset test)
    {
        var all = new float[test.Count * 28 * 28];
        for (int i = 0; i < test.Count; i++)
            Datapipe.PrepareImage(test.GetRow(i, 0)[0]).AsFloat().CopyTo(all, i * 28 * 28);
        return all;
    }
}
