namespace Trainer.Kernels.Reference;

/// <summary>
/// Plain float64 loops, one per kernel, written from the kernels' documented semantics and not
/// from their code. Inputs are the float32 values the kernels see (widened exactly), so the only
/// difference between a kernel and its reference is float32 rounding. The kernel tests and
/// <c>trainer selftest</c> (<see cref="SelfTest.KernelSelfTest"/>) both check against these loops.
/// Matrices are row-major; nothing here touches a device.
/// </summary>
public static class ReferenceMath
{
    /// <summary>
    /// C[M,N] = epilogue(op(A)·op(B)), A row-major [M,K] (or [K,M] when <paramref name="transposeA"/>),
    /// B row-major [K,N] (or [N,K] when <paramref name="transposeB"/>). The epilogue adds bias[j],
    /// then applies ReLU, then zeroes entries whose mask[i,j] is not &gt; 0, in that order.
    /// <paramref name="magnitude"/>[i,j] = Σ_p |a(i,p)·b(p,j)| + |bias[j]|, the scale of the rounding error.
    /// </summary>
    public static double[] MatMul(
        float[] a, float[] b, int m, int n, int k, bool transposeA, bool transposeB,
        float[]? bias, bool relu, float[]? mask, out double[] magnitude)
    {
        var c = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = 0, abs = 0;
            for (int p = 0; p < k; p++)
            {
                double x = transposeA ? a[p * m + i] : a[i * k + p];
                double y = transposeB ? b[j * k + p] : b[p * n + j];
                sum += x * y;
                abs += Math.Abs(x * y);
            }
            if (bias is not null) { sum += bias[j]; abs += Math.Abs(bias[j]); }
            if (relu) sum = Math.Max(sum, 0);
            if (mask is not null && !(mask[i * n + j] > 0)) sum = 0;
            c[i * n + j] = sum;
            magnitude[i * n + j] = abs;
        }
        return c;
    }

    /// <summary>y[i,j] = x[i,j] + bias[j].</summary>
    public static double[] BiasAdd(float[] x, float[] bias, int rows, int columns)
    {
        var y = new double[rows * columns];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < columns; j++)
            y[i * columns + j] = (double)x[i * columns + j] + bias[j];
        return y;
    }

    /// <summary>y = max(x, 0) elementwise (−0 and negatives give +0).</summary>
    public static double[] Relu(float[] x) => Array.ConvertAll(x, v => v > 0 ? (double)v : 0.0);

    /// <summary>dx = dy where the forward output y &gt; 0, else 0.</summary>
    public static double[] ReluBackward(float[] dy, float[] y)
    {
        var dx = new double[dy.Length];
        for (int i = 0; i < dy.Length; i++) dx[i] = y[i] > 0 ? dy[i] : 0.0;
        return dx;
    }

    /// <summary>s[j] = Σ_i x[i,j]; <paramref name="magnitude"/>[j] = Σ_i |x[i,j]|.</summary>
    public static double[] ColumnSum(float[] x, int rows, int columns, out double[] magnitude)
    {
        var s = new double[columns];
        magnitude = new double[columns];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < columns; j++)
        {
            s[j] += x[i * columns + j];
            magnitude[j] += Math.Abs(x[i * columns + j]);
        }
        return s;
    }

    /// <summary>The row's maximum and Σ_j exp(x_j − max): the stable pieces of a softmax.</summary>
    private static (double Max, double SumExp) RowMaxAndSumExp(double[] logits, int start, int classes)
    {
        double max = double.NegativeInfinity;
        for (int j = 0; j < classes; j++) max = Math.Max(max, logits[start + j]);
        double sum = 0;
        for (int j = 0; j < classes; j++) sum += Math.Exp(logits[start + j] - max);
        return (max, sum);
    }

    /// <summary>Per-row cross-entropy of softmax(logits row) against the label: log Σ_j exp(x_j) − x_label, computed stably.</summary>
    public static double[] SoftmaxCrossEntropyRows(double[] logits, int[] labels, int rows, int classes)
    {
        var loss = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            var (max, sum) = RowMaxAndSumExp(logits, start, classes);
            loss[r] = Math.Log(sum) - (logits[start + labels[r]] - max);
        }
        return loss;
    }

    /// <summary>The mean over rows of <see cref="SoftmaxCrossEntropyRows"/>.</summary>
    public static double SoftmaxCrossEntropy(double[] logits, int[] labels, int rows, int classes) =>
        SoftmaxCrossEntropyRows(logits, labels, rows, classes).Average();

    /// <summary>d(dloss · mean loss)/d logits = (softmax(x) − onehot(label)) · dloss / rows.</summary>
    public static double[] SoftmaxCrossEntropyGradient(double[] logits, int[] labels, int rows, int classes, double dloss)
    {
        var grad = new double[rows * classes];
        double scale = dloss / rows;
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            var (max, sum) = RowMaxAndSumExp(logits, start, classes);
            for (int j = 0; j < classes; j++)
                grad[start + j] = (Math.Exp(logits[start + j] - max) / sum - (j == labels[r] ? 1 : 0)) * scale;
        }
        return grad;
    }

    /// <summary>y = a + b elementwise.</summary>
    public static double[] Add(float[] a, float[] b)
    {
        var y = new double[a.Length];
        for (int i = 0; i < y.Length; i++) y[i] = (double)a[i] + b[i];
        return y;
    }

    /// <summary>
    /// The convolution and both its gradients in float64, from one scatter loop over every (output
    /// element, kernel tap) pair: y gathers x·w, dx receives dy·w, dw receives dy·x, so the backward
    /// passes follow from the definition of the forward one rather than from the kernels' index
    /// arithmetic. Each array comes with the Σ|term| of each element, for error bounds.
    /// </summary>
    public static (double[] Y, double[] YMagnitude, double[] Dx, double[] DxMagnitude, double[] Dw, double[] DwMagnitude) Conv2d(
        float[] x, float[] w, float[] dy, Trainer.Kernels.Ops.Conv2dShape s)
    {
        var y = new double[s.OutputCount]; var ym = new double[s.OutputCount];
        var dx = new double[s.InputCount]; var dxm = new double[s.InputCount];
        var dw = new double[s.WeightCount]; var dwm = new double[s.WeightCount];
        for (int n = 0; n < s.N; n++)
            for (int o = 0; o < s.O; o++)
                for (int oh = 0; oh < s.OH; oh++)
                    for (int ow = 0; ow < s.OW; ow++)
                    {
                        long yi = ((long)(n * s.O + o) * s.OH + oh) * s.OW + ow;
                        for (int c = 0; c < s.C; c++)
                            for (int kh = 0; kh < s.KH; kh++)
                                for (int kw = 0; kw < s.KW; kw++)
                                {
                                    int ih = oh * s.StrideH - s.PadH + kh, iw = ow * s.StrideW - s.PadW + kw;
                                    if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) continue;
                                    long xi = ((long)(n * s.C + c) * s.H + ih) * s.W + iw;
                                    long wi = ((long)(o * s.C + c) * s.KH + kh) * s.KW + kw;
                                    y[yi] += (double)x[xi] * w[wi];
                                    ym[yi] += Math.Abs((double)x[xi] * w[wi]);
                                    dx[xi] += (double)dy[yi] * w[wi];
                                    dxm[xi] += Math.Abs((double)dy[yi] * w[wi]);
                                    dw[wi] += (double)dy[yi] * x[xi];
                                    dwm[wi] += Math.Abs((double)dy[yi] * x[xi]);
                                }
                    }
        return (y, ym, dx, dxm, dw, dwm);
    }

    /// <summary>
    /// Max pooling and its gradient by scatter: each window's first maximum (row-major) gives y, and
    /// receives the window's dy in dx.
    /// </summary>
    public static (double[] Y, double[] Dx) MaxPool2d(float[] x, float[] dy, Trainer.Kernels.Ops.Pool2dShape s)
    {
        var y = new double[s.OutputCount];
        var dx = new double[s.InputCount];
        for (long nc = 0; nc < (long)s.N * s.C; nc++)
            for (int oh = 0; oh < s.OH; oh++)
                for (int ow = 0; ow < s.OW; ow++)
                {
                    long best = -1;
                    for (int kh = 0; kh < s.KH; kh++)
                        for (int kw = 0; kw < s.KW; kw++)
                        {
                            long k = (nc * s.H + oh * s.StrideH + kh) * s.W + ow * s.StrideW + kw;
                            if (best < 0 || x[k] > x[best]) best = k;
                        }
                    long yi = (nc * s.OH + oh) * s.OW + ow;
                    y[yi] = x[best];
                    dx[best] += dy[yi];
                }
        return (y, dx);
    }

    /// <summary>y[o,c,i] = x[o,c,i] + b[c] over [outer, channels, inner].</summary>
    public static double[] ChannelBiasAdd(float[] x, float[] bias, int outer, int channels, int inner)
    {
        var y = new double[x.Length];
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++)
                {
                    long k = ((long)o * channels + c) * inner + i;
                    y[k] = (double)x[k] + bias[c];
                }
        return y;
    }

    /// <summary>s[c] = Σ_o Σ_i x[o,c,i] over [outer, channels, inner]; <paramref name="magnitude"/>[c] = Σ |x[o,c,i]|.</summary>
    public static double[] ChannelSum(float[] x, int outer, int channels, int inner, out double[] magnitude)
    {
        var s = new double[channels];
        magnitude = new double[channels];
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < inner; i++)
                {
                    float v = x[((long)o * channels + c) * inner + i];
                    s[c] += v;
                    magnitude[c] += Math.Abs(v);
                }
        return s;
    }

    /// <summary>p ← p − lr·g.</summary>
    public static double[] Sgd(float[] parameter, float[] gradient, float learningRate)
    {
        var p = new double[parameter.Length];
        for (int i = 0; i < p.Length; i++) p[i] = parameter[i] - (double)learningRate * gradient[i];
        return p;
    }

    /// <summary>
    /// The multi-tensor SGD step over a parameter block and a gradient arena: for every
    /// (parameter offset, gradient offset, length) triple in <paramref name="segments"/> (offsets
    /// and lengths in elements), block[po + i] ← block[po + i] − lr·arena[go + i]. Elements outside
    /// every segment keep their value.
    /// </summary>
    public static double[] SgdMulti(float[] block, float[] arena, int[] segments, float learningRate)
    {
        var p = Array.ConvertAll(block, v => (double)v);
        for (int s = 0; s + 2 < segments.Length; s += 3)
            for (int i = 0; i < segments[s + 2]; i++)
                p[segments[s] + i] = block[segments[s] + i] - (double)learningRate * arena[segments[s + 1] + i];
        return p;
    }

    /// <summary>SGD with momentum: a ← a·m + (g + w·p), p ← p − lr·a, w the weight decay; returns (p, a).</summary>
    public static (double[] Parameter, double[] Accumulation) Momentum(float[] parameter, float[] accumulation, float[] gradient, float learningRate, float momentum, float weightDecay = 0)
    {
        var p = new double[parameter.Length];
        var a = new double[parameter.Length];
        for (int i = 0; i < p.Length; i++)
        {
            a[i] = accumulation[i] * (double)momentum + (gradient[i] + (double)weightDecay * parameter[i]);
            p[i] = parameter[i] - learningRate * a[i];
        }
        return (p, a);
    }

    /// <summary>
    /// The multi-tensor momentum step: for every (parameter offset, accumulation offset, gradient
    /// offset, length) quadruple, the single-tensor step on those ranges; everything else keeps its value.
    /// </summary>
    public static (double[] Parameters, double[] Accumulations) MomentumMulti(float[] block, float[] accumulations, float[] arena, int[] segments, float learningRate, float momentum, float weightDecay = 0)
    {
        var p = Array.ConvertAll(block, v => (double)v);
        var a = Array.ConvertAll(accumulations, v => (double)v);
        for (int s = 0; s + 3 < segments.Length; s += 4)
            for (int i = 0; i < segments[s + 3]; i++)
            {
                a[segments[s + 1] + i] = accumulations[segments[s + 1] + i] * (double)momentum + (arena[segments[s + 2] + i] + (double)weightDecay * block[segments[s] + i]);
                p[segments[s] + i] = block[segments[s] + i] - learningRate * a[segments[s + 1] + i];
            }
        return (p, a);
    }

    /// <summary>
    /// Adam as MindSpore's ApplyAdam, in float64 from float32 inputs: βᵢᵗ = powerᵢ·βᵢ,
    /// lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), m ← m + (g − m)(1 − β₁), v ← v + (g² − v)(1 − β₂),
    /// p ← p − lr_t·m/(√v + ε), with g + w·p in place of g under a weight decay w. Returns (p, m, v).
    /// </summary>
    public static (double[] Parameter, double[] M, double[] V) Adam(float[] parameter, float[] m, float[] v, float[] gradient,
        float beta1Power, float beta2Power, float learningRate, float beta1, float beta2, float epsilon, float weightDecay = 0)
    {
        double b1t = (double)beta1Power * beta1, b2t = (double)beta2Power * beta2;
        double step = learningRate * Math.Sqrt(1 - b2t) / (1 - b1t);
        var p = new double[parameter.Length];
        var mo = new double[parameter.Length];
        var vo = new double[parameter.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradient[i] + (double)weightDecay * parameter[i];
            mo[i] = m[i] + (g - m[i]) * (1 - (double)beta1);
            vo[i] = v[i] + (g * g - v[i]) * (1 - (double)beta2);
            p[i] = parameter[i] - step * mo[i] / (Math.Sqrt(vo[i]) + epsilon);
        }
        return (p, mo, vo);
    }

    /// <summary>y = ((x·scale + shift) − mean) / std for uint8 x.</summary>
    public static double[] ImageNormalize(byte[] pixels, float scale, float shift, float mean, float std)
    {
        var y = new double[pixels.Length];
        for (int i = 0; i < y.Length; i++) y[i] = (pixels[i] * (double)scale + shift - mean) / std;
        return y;
    }

    /// <summary>The number of rows whose argmax (the first maximum on ties) equals the label.</summary>
    public static int CountCorrect(float[] logits, int[] labels, int rows, int classes)
    {
        int correct = 0;
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int j = 1; j < classes; j++)
                if ((double)logits[r * classes + j] > logits[r * classes + best]) best = j;
            if (best == labels[r]) correct++;
        }
        return correct;
    }
}
