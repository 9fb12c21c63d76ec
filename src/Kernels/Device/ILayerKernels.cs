using Trainer.Kernels.Ops;

namespace Trainer.Kernels.Device;

/// <summary>
/// The kernels that were methods of <see cref="IKernelBackend"/> before its <see cref="KernelTable"/>, as each backend
/// implements them: <see cref="LayerKernelEntries"/> registers them in the backend's table under <see cref="KernelKeys"/>,
/// which is the only way the layers above reach them. Each counts its own launches.
/// </summary>
internal interface ILayerKernels
{
    /// <summary>
    /// C = epilogue(op(A)·op(B)). With the SGD epilogue (<see cref="GemmEpilogue.SgdFlag"/>, alone)
    /// <paramref name="bias"/> is the optimizer's hyperparameter block and the learning rate is read
    /// from its first float (<see cref="Ops.HyperparameterLayout.LearningRate"/>) when the GEMM runs.
    /// </summary>
    void Gemm(DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, GemmShape shape, GemmEpilogue epilogue, DeviceBuffer? bias, DeviceBuffer? mask);

    /// <summary>
    /// Called when a GEMM of <paramref name="shape"/> is bound, before its first launch: a backend
    /// that keeps scratch per shape (the ILGPU tiled GEMM's split-K partial sums) allocates it here,
    /// once, so no launch allocates. <see cref="Gemm"/> still works without it (allocating on the
    /// first launch of a shape).
    /// </summary>
    void PrepareGemm(GemmShape shape) { }
    /// <summary>y[r,c] = x[r,c] + bias[c] over <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    void BiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int rows, int columns);
    /// <summary>y[i] = x[i] &gt; 0 ? x[i] : +0 for i &lt; <paramref name="count"/>.</summary>
    void Relu(DeviceBuffer x, DeviceBuffer y, int count);
    /// <summary>ReLU's gradient from its output: dx[i] = y[i] &gt; 0 ? dy[i] : +0.</summary>
    void ReluBackward(DeviceBuffer dy, DeviceBuffer y, DeviceBuffer dx, int count);
    /// <summary>sum[c] = Σ_r x[r,c], each column summed over r in order (the bias gradient of a dense layer).</summary>
    void ColumnSum(DeviceBuffer x, DeviceBuffer sum, int rows, int columns);

    /// <summary>
    /// y[n,o,oh,ow] = Σ_c Σ_kh Σ_kw x[n,c,oh·sh − ph + kh, ow·sw − pw + kw]·w[o,c,kh,kw], zero outside
    /// x; each output one sum over c, kh, kw in that order. The <paramref name="epilogue"/> may add
    /// bias[o] (<see cref="GemmEpilogue.BiasFlag"/>) and then apply ReLU (<see cref="GemmEpilogue.ReluFlag"/>)
    /// before the store, with the arithmetic of <see cref="ChannelBiasAdd"/> and <see cref="Relu"/>,
    /// so fusing them changes no bit. <paramref name="workspace"/> holds at least
    /// <see cref="IKernelBackend.Conv2dWorkspaceBytes"/> and is overwritten; null when that is 0.
    /// </summary>
    void Conv2d(DeviceBuffer x, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer y, Conv2dShape shape, GemmEpilogue epilogue, DeviceBuffer? workspace);

    /// <summary>
    /// The input gradient: dx[n,c,ih,iw] = Σ_o Σ_kh Σ_kw dy[n,o,oh,ow]·w[o,c,kh,kw] over the (oh, ow)
    /// whose window covers (ih, iw); each element one sum over o, kh, kw in that order (the native
    /// backend sums over o per tap, then the taps in (kh, kw) order). <paramref name="workspace"/> as for <see cref="Conv2d"/>.
    /// </summary>
    void Conv2dBackwardData(DeviceBuffer dy, DeviceBuffer weight, DeviceBuffer dx, Conv2dShape shape, DeviceBuffer? workspace);

    /// <summary>
    /// The weight gradient: dw[o,c,kh,kw] = Σ_n Σ_oh Σ_ow dy[n,o,oh,ow]·x[n,c,oh·sh − ph + kh, ow·sw − pw + kw];
    /// each element one sum over n, oh, ow in that order (ILGPU's tiled kernel: in fixed chunks of that
    /// order, added in chunk order). <paramref name="workspace"/> as for <see cref="Conv2d"/>.
    /// </summary>
    void Conv2dBackwardFilter(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dw, Conv2dShape shape, DeviceBuffer? workspace);

    /// <summary>y[n,c,oh,ow] = the largest x in the window (the first, in row-major window order, on ties).</summary>
    void MaxPool2d(DeviceBuffer x, DeviceBuffer y, Pool2dShape shape);

    /// <summary>
    /// The input gradient, by recomputing each window's argmax from x rather than storing it:
    /// dx[n,c,ih,iw] = Σ dy[n,c,oh,ow] over the windows whose first maximum is (ih, iw), windows in
    /// row-major order; 0 where no window chose the element.
    /// </summary>
    /// <remarks>
    /// With <paramref name="reluMask"/>, dx is also +0 where x is not positive: ReluBackward(dx, x) in the
    /// same launch, for a pooling whose input x is a ReLU's output (the graph fuses the two; same bits).
    /// </remarks>
    void MaxPool2dBackward(DeviceBuffer x, DeviceBuffer dy, DeviceBuffer dx, Pool2dShape shape, bool reluMask = false);

    /// <summary>
    /// Bias over a channel axis of an N-D tensor viewed as [outer, channels, inner] (NCHW with the
    /// channel axis 1: outer = N, inner = H·W): y[o,c,i] = x[o,c,i] + b[c].
    /// </summary>
    void ChannelBiasAdd(DeviceBuffer x, DeviceBuffer bias, DeviceBuffer y, int outer, int channels, int inner);

    /// <summary>
    /// The channel bias's gradient: s[c] = Σ_o Σ_i x[o,c,i], each channel summed by one thread with o
    /// outer and i inner, in order, so the result equals that float32 loop bit for bit.
    /// </summary>
    void ChannelSum(DeviceBuffer x, DeviceBuffer sum, int outer, int channels, int inner);
    /// <summary>loss[0] = the mean over rows of −log softmax(logits[r])[labels[r]], with int32 labels; one float.</summary>
    void SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, int rows, int classes);
    /// <summary>dlogits[r,j] = (softmax(logits[r])[j] − (j == labels[r] ? 1 : 0))·dloss[0]/rows: the gradient of the mean loss.</summary>
    void SoftmaxCrossEntropyBackward(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer dloss, DeviceBuffer dlogits, int rows, int classes);
    /// <summary>The loss of <see cref="SoftmaxCrossEntropy"/> and the gradient of <see cref="SoftmaxCrossEntropyBackward"/> (scaled by <paramref name="dloss"/>) in one launch, with the same bits.</summary>
    void SoftmaxCrossEntropyFused(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer loss, DeviceBuffer dlogits, int rows, int classes, float dloss);
    /// <summary>
    /// Plain SGD, p ← fl(p − fl(lr·g)) in place, with lr read from <paramref name="hyperparameters"/>
    /// (<see cref="Ops.HyperparameterLayout"/>) when the kernel runs.
    /// </summary>
    void SgdUpdate(DeviceBuffer parameter, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters);

    /// <summary>Every SGD update of a step in one launch, from (parameter offset, gradient offset, length) triples in elements; lr as <see cref="SgdUpdate"/> reads it.</summary>
    void SgdUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters);

    /// <summary>
    /// SGD with momentum (MindSpore's ApplyMomentum, PyTorch's SGD with momentum and no dampening):
    /// a ← fl(fl(a·m) + g), then p ← fl(p − fl(lr·a)), in place. With a weight decay w, g is first
    /// replaced by fl(g + fl(w·p)) (MindSpore's and PyTorch's weight decay). lr, m and w are read from
    /// <paramref name="hyperparameters"/> (<see cref="Ops.HyperparameterLayout"/>) when the kernel runs.
    /// </summary>
    void MomentumUpdate(DeviceBuffer parameter, DeviceBuffer accumulation, DeviceBuffer gradient, int count, DeviceBuffer hyperparameters);

    /// <summary>
    /// Adam as MindSpore's ApplyAdam computes it. With β₁ᵗ = fl(β1Power·β₁) and β₂ᵗ = fl(β2Power·β₂)
    /// (the powers as they stood before this step: <see cref="AdamBetaPowers"/> advances them once
    /// every update has read them) and lr_t = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ):
    /// m ← m + (g − m)·(1 − β₁), v ← v + (g·g − v)·(1 − β₂), p ← p − lr_t·m/(√v + ε), in place.
    /// <paramref name="beta1Power"/> and <paramref name="beta2Power"/> are one float each. With a weight
    /// decay w, g is first replaced by fl(g + fl(w·p)). lr, β₁, β₂, ε and w are read from
    /// <paramref name="hyperparameters"/> (<see cref="Ops.HyperparameterLayout"/>) when the kernel runs.
    /// </summary>
    void AdamUpdate(DeviceBuffer parameter, DeviceBuffer m, DeviceBuffer v, DeviceBuffer gradient, DeviceBuffer beta1Power, DeviceBuffer beta2Power,
        int count, DeviceBuffer hyperparameters);

    /// <summary>
    /// Every Adam update of a step in one launch, from (parameter offset, m offset, v offset, gradient
    /// offset, length) quintuples in elements; parameters, first moments, second moments and gradients
    /// each in one allocation.
    /// </summary>
    void AdamUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer mBlock, DeviceBuffer vBlock, DeviceBuffer gradientArena, DeviceBuffer segments,
        DeviceBuffer beta1Power, DeviceBuffer beta2Power, int segmentCount, int totalElements, DeviceBuffer hyperparameters);

    /// <summary>
    /// β1Power ← fl(β1Power·β₁), β2Power ← fl(β2Power·β₂): Adam's step count, kept as the two powers (one float each),
    /// β₁ and β₂ read from Adam's <paramref name="hyperparameters"/> block when the kernel runs.
    /// </summary>
    void AdamBetaPowers(DeviceBuffer beta1Power, DeviceBuffer beta2Power, DeviceBuffer hyperparameters);

    /// <summary>
    /// Every momentum update of a step in one launch: parameters in one block, accumulations in
    /// another, gradients in the arena; <paramref name="segments"/> holds (parameter offset,
    /// accumulation offset, gradient offset, length) quadruples in elements.
    /// </summary>
    void MomentumUpdateMulti(DeviceBuffer parameterBlock, DeviceBuffer accumulationBlock, DeviceBuffer gradientArena, DeviceBuffer segments, int segmentCount, int totalElements, DeviceBuffer hyperparameters);
    /// <summary>uint8 pixels to floats: output[i] = ((pixels[i]·scale + shift) − mean)/std in float32 steps, the host transforms' arithmetic.</summary>
    void ImageNormalize(DeviceBuffer pixels, DeviceBuffer output, int count, float scale, float shift, float mean, float std);
    /// <summary>count[0] (int32) = the number of rows whose first maximum logit is at the row's label.</summary>
    void CountCorrect(DeviceBuffer logits, DeviceBuffer labels, DeviceBuffer count, int rows, int classes);
    /// <summary>y[i] = <paramref name="value"/> for i &lt; <paramref name="count"/>.</summary>
    void Fill(DeviceBuffer y, int count, float value);
    /// <summary>y[i] = a[i] + b[i] for i &lt; <paramref name="count"/>.</summary>
    void Add(DeviceBuffer a, DeviceBuffer b, DeviceBuffer y, int count);
}
