namespace Portal.Core.Engine;

/// <summary>
/// The population cut into blocks of whole groups: block b holds persons
/// [<c>PersonStarts[b]</c>, <c>PersonStarts[b+1]</c>) and, for every group entity, the groups those
/// persons belong to (plus any memberless groups between them). A simulation evaluates a chain of
/// formulas block by block (see <c>Simulation.RunBlocked</c>) so that each block's columns stay in
/// cache from one formula to the next, and independent blocks run on different cores. A block never
/// cuts a group (a household's tax units may interleave, as long as they stay inside the block), and
/// each entity's groups in a block are consecutive rows: possible when groups are numbered in the
/// order of their first members, as generated and loaded populations are.
/// </summary>
internal sealed class RowBlocks
{
    private readonly Dictionary<string, int[]> groupStarts;

    private RowBlocks(int[] personStarts, Dictionary<string, int[]> groupStarts)
    {
        PersonStarts = personStarts;
        this.groupStarts = groupStarts;
    }

    public int Count => PersonStarts.Length - 1;

    public int[] PersonStarts { get; }

    /// <summary>Whether rows of the entity can be cut along the blocks (persons, or a group the population has).</summary>
    public bool Covers(string entity, string personKey) => entity == personKey || groupStarts.ContainsKey(entity);

    /// <summary>The entity's rows in block <paramref name="block"/>.</summary>
    public (int From, int To) Range(string entity, string personKey, int block)
    {
        var starts = entity == personKey ? PersonStarts : groupStarts[entity];
        return (starts[block], starts[block + 1]);
    }

    /// <summary>Blocks of about <paramref name="personsPerBlock"/> persons, or null when groups are not numbered in the order of their first members (or the population is one block).</summary>
    public static RowBlocks? Create(int personCount, IReadOnlyList<(string Key, int Count, int[] Map)> groups, int personsPerBlock)
    {
        if (personCount == 0 || personsPerBlock < 1)
        {
            return null;
        }

        // straddled[p] > 0: some group has members both before p and from p on, so no block starts at p.
        var straddled = new int[personCount + 1];
        var firsts = new List<int[]>(groups.Count);
        foreach (var (_, count, map) in groups)
        {
            var first = new int[count];
            var last = new int[count];
            Array.Fill(first, -1);
            for (var p = 0; p < map.Length; p++)
            {
                var g = map[p];
                if (first[g] < 0)
                {
                    first[g] = p;
                }

                last[g] = p;
            }

            for (var g = 0; g < count; g++)
            {
                if (first[g] < 0)
                {
                    first[g] = g == 0 ? 0 : first[g - 1]; // a group without members goes with the one before it
                    continue;
                }

                if (g > 0 && first[g] < first[g - 1])
                {
                    return null;
                }

                straddled[first[g] + 1]++;
                straddled[last[g] + 1]--;
            }

            firsts.Add(first);
        }

        // A block ends at the first person from its target size on where no group straddles.
        var starts = new List<int> { 0 };
        var open = 0;
        var size = 0;
        for (var p = 1; p < personCount; p++)
        {
            open += straddled[p];
            if (++size >= personsPerBlock && open == 0)
            {
                starts.Add(p);
                size = 0;
            }
        }

        if (starts.Count == 1)
        {
            return null; // one block: nothing to gain
        }

        starts.Add(personCount);
        var byGroup = new Dictionary<string, int[]>(StringComparer.Ordinal);
        for (var k = 0; k < groups.Count; k++)
        {
            // Block b's groups: those whose first member is in it (first members are in group order).
            var (first, count) = (firsts[k], groups[k].Count);
            var g0 = new int[starts.Count];
            var g = 0;
            for (var b = 1; b < starts.Count - 1; b++)
            {
                while (g < count && first[g] < starts[b])
                {
                    g++;
                }

                g0[b] = g;
            }

            g0[^1] = count;
            byGroup[groups[k].Key] = g0;
        }

        return new RowBlocks([.. starts], byGroup);
    }
}
