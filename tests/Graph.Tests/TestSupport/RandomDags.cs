using Trainer.Graph.Ir;

namespace Trainer.Graph.Tests.TestSupport;

/// <summary>
/// Seeded random DAGs built through the public Graph API: inputs, parameters, Relu, Add,
/// Depend and (optionally) Reshape nodes over a few shape families, plus random extra control
/// edges. Control edges follow a random topological order of the data edges, so they may point
/// from a higher id to a lower id (which makes the id tie-break of the scheduler matter) but
/// never close a cycle.
/// </summary>
internal static class RandomDags
{
    /// <summary>Shape families: Add only combines values of one shape; Reshape moves between families of equal element count.</summary>
    private static readonly int[][] Shapes = [[3, 5], [15], [64, 33], [2112], [1]];

    private static int ReshapePartner(int family) => family switch { 0 => 1, 1 => 0, 2 => 3, 3 => 2, _ => 4 };

    public static Ir.Graph Build(int nodeCount, int seed, bool aliases = true, int? controlEdges = null, int outputs = 0)
    {
        var rng = new Random(seed);
        var graph = new Ir.Graph();
        var family = new Dictionary<Node, int>();
        int inputs = 0, parameters = 0;

        Node AddSource(int f, bool parameter)
        {
            var type = TensorType.Float(Shapes[f]);
            var n = parameter ? graph.AddParameter($"p{parameters++}", type) : graph.AddInput($"x{inputs++}", type);
            family[n] = f;
            return n;
        }

        AddSource(rng.Next(Shapes.Length), parameter: false);
        while (graph.Nodes.Count < nodeCount)
        {
            var existing = graph.Nodes;
            Node pick() => existing[rng.Next(existing.Count)];
            int choice = rng.Next(aliases ? 10 : 8);
            Node made;
            switch (choice)
            {
                case 0:
                    made = AddSource(rng.Next(Shapes.Length), parameter: rng.Next(2) == 0);
                    break;
                case 1 or 2:
                {
                    var a = pick();
                    made = graph.Add(Op.Of(OpKind.Relu), a);
                    family[made] = family[a];
                    break;
                }
                case 3 or 4 or 5:
                {
                    var a = pick();
                    var sameShape = existing.Where(n => family[n] == family[a]).ToList();
                    var b = sameShape[rng.Next(sameShape.Count)];
                    made = graph.Add(Op.Of(OpKind.Add), a, b);
                    family[made] = family[a];
                    break;
                }
                case 6 or 7:
                {
                    var a = pick();
                    made = graph.Add(Op.Of(OpKind.Depend), a);
                    family[made] = family[a];
                    break;
                }
                default:
                {
                    var a = pick();
                    int f = rng.Next(2) == 0 ? family[a] : ReshapePartner(family[a]);
                    made = graph.Add(Op.Reshape(Shapes[f]), a);
                    family[made] = f;
                    break;
                }
            }
        }

        AddControlEdges(graph, rng, controlEdges ?? nodeCount / 2);

        for (int i = 0; i < outputs && graph.Nodes.Count > 0; i++)
            graph.Outputs.Add(($"out{i}", graph.Nodes[rng.Next(graph.Nodes.Count)]));
        return graph;
    }

    /// <summary>Adds up to <paramref name="count"/> control edges u → v with u before v in a random topological order of the current graph.</summary>
    public static void AddControlEdges(Ir.Graph graph, Random rng, int count)
    {
        var rank = RandomTopologicalRank(graph, rng);
        var nodes = graph.Nodes;
        if (nodes.Count < 2) return;
        for (int e = 0; e < count; e++)
        {
            var a = nodes[rng.Next(nodes.Count)];
            var b = nodes[rng.Next(nodes.Count)];
            if (a == b) continue;
            var (u, v) = rank[a] < rank[b] ? (a, b) : (b, a);
            if (!v.ControlInputs.Contains(u)) v.ControlInputs.Add(u);
        }
    }

    /// <summary>Kahn's algorithm over data and control edges that takes a random ready node each time.</summary>
    public static Dictionary<Node, int> RandomTopologicalRank(Ir.Graph graph, Random rng)
    {
        var pending = graph.Nodes.ToDictionary(n => n, n => Predecessors(n).Count);
        var successors = graph.Nodes.ToDictionary(n => n, _ => new List<Node>());
        foreach (var n in graph.Nodes)
            foreach (var p in Predecessors(n))
                successors[p].Add(n);
        var ready = graph.Nodes.Where(n => pending[n] == 0).ToList();
        var rank = new Dictionary<Node, int>();
        while (ready.Count > 0)
        {
            int i = rng.Next(ready.Count);
            var n = ready[i];
            ready.RemoveAt(i);
            rank[n] = rank.Count;
            foreach (var s in successors[n])
                if (--pending[s] == 0) ready.Add(s);
        }
        if (rank.Count != graph.Nodes.Count) throw new InvalidOperationException("test graph has a cycle");
        return rank;
    }

    /// <summary>Distinct data and control predecessors, computed here independently of the code under test.</summary>
    public static List<Node> Predecessors(Node n) =>
        n.Inputs.Select(v => v.Node).Concat(n.ControlInputs).Distinct().ToList();

    /// <summary>Reference schedule: repeatedly the smallest-id node whose predecessors have all been emitted.</summary>
    public static List<Node> ReferenceSchedule(Ir.Graph graph)
    {
        var done = new HashSet<Node>();
        var order = new List<Node>();
        var left = graph.Nodes.OrderBy(n => n.Id).ToList();
        while (left.Count > 0)
        {
            var next = left.First(n => Predecessors(n).All(done.Contains));
            left.Remove(next);
            done.Add(next);
            order.Add(next);
        }
        return order;
    }

    /// <summary>Reorders the graph's node list (not its edges) by a seeded permutation.</summary>
    public static void ShuffleNodeList(Ir.Graph graph, int seed)
    {
        if (graph.Nodes.Count < 2) return;
        var rng = new Random(seed);
        var order = graph.Nodes.OrderBy(_ => rng.Next()).ToList();
        var anchor = order[^1];
        graph.RemoveAll(n => n != anchor);
        foreach (var n in order.Take(order.Count - 1)) graph.InsertBefore(anchor, n);
    }
}
