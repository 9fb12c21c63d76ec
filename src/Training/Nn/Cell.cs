namespace Trainer.Training.Nn;

/// <summary>
/// A network building block, as in MindSpore: subclasses register child cells and parameters in
/// their constructor and compute in <see cref="Construct"/>. Parameter names are the path of
/// registered names, e.g. <c>dense_relu_sequential.0.weight</c>.
/// </summary>
public abstract class Cell
{
    private readonly List<(string Name, Cell Cell)> children = [];
    private readonly List<(string Name, Parameter Parameter)> parameters = [];

    /// <summary>Whether the cell is in training mode (see <see cref="SetTrain"/>).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The cell's computation (MindSpore's <c>construct</c>): what <see cref="Call"/> runs, eagerly or while tracing.</summary>
    public abstract Tensor Construct(Tensor x);

    /// <summary>Runs <see cref="Construct"/>, like calling a MindSpore cell.</summary>
    public Tensor Call(Tensor x)
    {
        var recorder = CellCallRecorder.Current;
        if (recorder is null) return Construct(x);
        int entry = recorder.Enter(this);
        var y = Construct(x);
        recorder.Exit(entry, y);
        return y;
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

    /// <summary>Registers <paramref name="cell"/> as the child <paramref name="name"/> (the prefix of its parameters' names) and returns it; throws if the name is taken.</summary>
    protected T Register<T>(string name, T cell) where T : Cell
    {
        if (children.Any(c => c.Name == name) || parameters.Any(p => p.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
        children.Add((name, cell));
        return cell;
    }

    /// <summary>Registers <paramref name="parameter"/> under <paramref name="name"/> and returns it; throws if the name is taken.</summary>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        if (children.Any(c => c.Name == name) || parameters.Any(p => p.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
        parameters.Add((name, parameter));
        return parameter;
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
        Training = mode;
        foreach (var (_, child) in children) child.SetTrain(mode);
    }
}
