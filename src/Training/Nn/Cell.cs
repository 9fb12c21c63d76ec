namespace Trainer.Training.Nn;

/// <summary>
/// A network building block, as in MindSpore: subclasses register child cells, parameters and
/// buffers in their constructor and compute in <c>Construct</c>: a cell with one input and one
/// output overrides <see cref="Construct(Tensor)"/>, any other overrides
/// <see cref="Construct(Tensor[])"/> (MindSpore's <c>construct(*inputs)</c>). Parameter names are the
/// path of registered names, e.g. <c>dense_relu_sequential.0.weight</c>.
/// </summary>
public abstract class Cell
{
    private readonly List<(string Name, Cell Cell)> children = [];
    private readonly List<(string Name, Parameter Parameter)> parameters = [];
    private readonly List<(string Name, Parameter Buffer)> buffers = [];
    private bool training = true;

    /// <summary>
    /// Whether the cell is in training mode (see <see cref="SetTrain"/>); <c>Construct</c> may read it to
    /// act differently in evaluation (dropout off, running statistics instead of batch ones). A compiled
    /// step that read it is compiled once per mode: switching modes compiles the other graph once, then reuses both.
    /// </summary>
    public bool Training
    {
        get
        {
            CellModeReads.Current?.Read(this, training);
            return training;
        }
    }

    /// <summary>The computation of a cell with one input and one output. Cells with another arity override <see cref="Construct(Tensor[])"/> instead.</summary>
    /// <exception cref="InvalidOperationException">The cell overrides neither form, or its <see cref="Construct(Tensor[])"/> returns other than one output.</exception>
    public virtual Tensor Construct(Tensor x)
    {
        if (!OverridesMultiInput())
            throw new InvalidOperationException($"{GetType().Name} overrides neither Construct(Tensor) nor Construct(params Tensor[])");
        var outputs = Construct([x]);
        if (outputs.Length != 1)
            throw new InvalidOperationException($"{GetType().Name} returned {outputs.Length} outputs from one input: call it with Call(params Tensor[]) to get them all");
        return outputs[0];
    }

    /// <summary>
    /// The computation of a cell with any number of inputs and outputs (MindSpore's <c>construct(*inputs)</c>).
    /// The default runs <see cref="Construct(Tensor)"/> on a single input.
    /// </summary>
    /// <exception cref="ArgumentException">The cell takes one input and was given another number.</exception>
    public virtual Tensor[] Construct(params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != 1)
            throw new ArgumentException($"{GetType().Name} takes 1 input, {inputs.Length} were given", nameof(inputs));
        return [Construct(inputs[0])];
    }

    /// <summary>The mode without recording the read (what a compiled step's guard checks).</summary>
    internal bool ModeForGuard => training;

    private bool OverridesMultiInput() =>
        GetType().GetMethod(nameof(Construct), [typeof(Tensor[])])!.DeclaringType != typeof(Cell);

    /// <summary>Runs <see cref="Construct(Tensor)"/>, like calling a MindSpore cell.</summary>
    public Tensor Call(Tensor x)
    {
        var recorder = CellCallRecorder.Current;
        if (recorder is null) return Construct(x);
        int entry = recorder.Enter(this);
        var y = Construct(x);
        recorder.Exit(entry, y);
        return y;
    }

    /// <summary>Runs <see cref="Construct(Tensor[])"/> on any number of inputs and returns every output.</summary>
    public Tensor[] Call(params Tensor[] inputs)
    {
        var recorder = CellCallRecorder.Current;
        if (recorder is null) return Construct(inputs);
        int entry = recorder.Enter(this);
        var ys = Construct(inputs);
        recorder.Exit(entry, ys);
        return ys;
    }

    /// <summary>The direct children by their registered names, in registration order (MindSpore's <c>name_cells()</c>).</summary>
    public IReadOnlyList<(string Name, Cell Cell)> NameCells() => children;

    /// <summary>
    /// The cell's own settings as <see cref="ToString"/> shows them between its angle brackets
    /// (MindSpore's <c>extend_repr</c>), e.g. <c>input_channels=784, output_channels=512, has_bias=True</c>;
    /// empty for a cell with none.
    /// </summary>
    public virtual string ExtendRepr() => "";

    /// <summary>
    /// The cell tree as MindSpore's <c>print(model)</c> shows it: the class name, then in angle
    /// brackets its <see cref="ExtendRepr"/> and each child as <c>(name): child</c>, one a line,
    /// indented two spaces a level.
    /// </summary>
    public override string ToString()
    {
        string extra = ExtendRepr();
        var text = new System.Text.StringBuilder(GetType().Name).Append('<');
        if (children.Count == 0) return text.Append(extra).Append('>').ToString();
        var inner = new System.Text.StringBuilder("\n");
        if (extra.Length > 0) inner.Append(extra).Append('\n');
        foreach (var (name, child) in children) inner.Append('(').Append(name).Append("): ").Append(child).Append('\n');
        return text.Append(inner.ToString().Replace("\n", "\n  ", StringComparison.Ordinal)).Append('>').ToString();
    }

    /// <summary>Registers a child cell under <paramref name="name"/>; its parameters' names start with <c>name.</c>.</summary>
    /// <exception cref="ArgumentException">The name is already registered in this cell.</exception>
    protected T Register<T>(string name, T cell) where T : Cell
    {
        CheckFree(name);
        children.Add((name, cell));
        return cell;
    }

    /// <summary>Registers a trainable parameter under <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is already registered, or the parameter does not require a gradient (register it with <see cref="RegisterBuffer(string, Parameter)"/>).</exception>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        CheckFree(name);
        if (!parameter.RequiresGrad)
            throw new ArgumentException($"'{name}' in {GetType().Name} does not require a gradient: register it with RegisterBuffer");
        parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a non-trainable float32 buffer under <paramref name="name"/> (PyTorch's <c>register_buffer</c>,
    /// MindSpore's <c>Parameter(requires_grad=False)</c>, such as BatchNorm's <c>moving_mean</c>): placed on
    /// the session with the parameters, listed by <see cref="NamedBuffers"/> and <see cref="NamedState"/>, never
    /// by <see cref="TrainableParams"/>, never differentiated, written in place with <see cref="Ops.Assign"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is already registered, or the length differs from the shape's element count.</exception>
    protected Parameter RegisterBuffer(string name, Shape shape, float[] initialValue) =>
        RegisterBuffer(name, new Parameter(name, shape, initialValue, requiresGrad: false));

    /// <summary>Registers <paramref name="buffer"/>, a parameter made with <c>requiresGrad: false</c>, as a buffer (see <see cref="RegisterBuffer(string, Shape, float[])"/>).</summary>
    /// <exception cref="ArgumentException">The name is already registered, or the parameter requires a gradient.</exception>
    protected Parameter RegisterBuffer(string name, Parameter buffer)
    {
        CheckFree(name);
        if (buffer.RequiresGrad)
            throw new ArgumentException($"buffer '{name}' in {GetType().Name} requires a gradient: make it with requiresGrad: false, or register it with RegisterParameter");
        buffers.Add((name, buffer));
        return buffer;
    }

    private void CheckFree(string name)
    {
        if (children.Any(c => c.Name == name) || parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
    }

    /// <summary>Every buffer of this cell and its children with its full dotted name, in registration order.</summary>
    public IEnumerable<(string Name, Parameter Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in buffers)
            yield return (prefix + name, b);
        foreach (var (name, child) in children)
            foreach (var entry in child.NamedBuffers(prefix + name + "."))
                yield return entry;
    }

    /// <summary>
    /// The cell's whole persistent state by full dotted name: its trainable parameters, then its buffers,
    /// then each child's state, in registration order (PyTorch's <c>state_dict</c> order). What a checkpoint
    /// of the cell holds; tell the two kinds apart by <see cref="Parameter.RequiresGrad"/>.
    /// </summary>
    public IEnumerable<(string Name, Parameter Tensor)> NamedState(string prefix = "")
    {
        foreach (var (name, p) in parameters)
            yield return (prefix + name, p);
        foreach (var (name, b) in buffers)
            yield return (prefix + name, b);
        foreach (var (name, child) in children)
            foreach (var entry in child.NamedState(prefix + name + "."))
                yield return entry;
    }

    /// <summary>The buffers, named by their full paths (the non-trainable counterpart of <see cref="TrainableParams"/>).</summary>
    public IReadOnlyList<Parameter> Buffers()
    {
        var list = new List<Parameter>();
        foreach (var (name, b) in NamedBuffers())
        {
            b.Name = name;
            list.Add(b);
        }
        return list;
    }

    /// <summary>Every parameter of this cell and its children with its full dotted name, in registration order.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in parameters)
            yield return (prefix + name, p);
        foreach (var (name, child) in children)
            foreach (var entry in child.NamedParameters(prefix + name + "."))
                yield return entry;
    }

    /// <summary>The parameters to train, named by their full paths (MindSpore's trainable_params()).</summary>
    public IReadOnlyList<Parameter> TrainableParams()
    {
        var list = new List<Parameter>();
        foreach (var (name, p) in NamedParameters())
        {
            p.Name = name;
            list.Add(p);
        }
        return list;
    }

    /// <summary>Switches training mode for this cell and its children.</summary>
    public void SetTrain(bool mode = true)
    {
        training = mode;
        foreach (var (_, child) in children) child.SetTrain(mode);
    }
}
