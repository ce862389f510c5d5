namespace Portal.Core.Publishing.LocalH5;

/// <summary>Where every output row comes from, and the remapped person links (all as output row indices 0..n−1).</summary>
/// <param name="HouseholdSource">Per output household, its source household row (one per selected clone cell).</param>
/// <param name="PersonSource">Per output person, its source person row.</param>
/// <param name="PersonHousehold">Per output person, its output household.</param>
/// <param name="EntitySource">Per sub-entity, the source row of each output group.</param>
/// <param name="PersonEntity">Per sub-entity, each output person's output group.</param>
public sealed record ReindexedEntities(
    int[] HouseholdSource,
    int[] PersonSource,
    int[] PersonHousehold,
    IReadOnlyDictionary<string, int[]> EntitySource,
    IReadOnlyDictionary<string, int[]> PersonEntity)
{
    public int Households => HouseholdSource.Length;

    public int Persons => PersonSource.Length;

    /// <summary>Source rows for a variable of <paramref name="entity"/>.</summary>
    public int[] SourceOf(string entity) => entity switch
    {
        "household" => HouseholdSource,
        "person" => PersonSource,
        _ => EntitySource.TryGetValue(entity, out var rows) ? rows : throw new ArgumentException($"Unknown entity '{entity}'."),
    };

    public IReadOnlyDictionary<string, int> Rows()
    {
        var rows = new Dictionary<string, int>(StringComparer.Ordinal) { ["household"] = Households, ["person"] = Persons };
        foreach (var (entity, source) in EntitySource)
        {
            rows[entity] = source.Length;
        }

        return rows;
    }
}

/// <summary>Thrown when a person's link cannot be carried into the output (a missing group, or a group of another household).</summary>
public sealed class EntityLinkException(string message) : Exception(message);

/// <summary>
/// Turns the selected clone cells into output entities: each cell becomes one household; its persons
/// and groups are copied in source order and renumbered 0..n−1, and every person → group link is
/// remapped to the copy in the same cell. A link that cannot be remapped throws <see cref="EntityLinkException"/>
/// rather than being clipped to some other group.
/// </summary>
public static class EntityReindexer
{
    public static ReindexedEntities Reindex(EntityGraph graph, int[] householdSource)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(householdSource);
        var hhOffsets = graph.HouseholdPersonOffsets;
        var personCount = 0L;
        foreach (var h in householdSource)
        {
            if ((uint)h >= (uint)graph.HouseholdCount)
            {
                throw new EntityLinkException($"Household row {h} does not exist (the dataset has {graph.HouseholdCount}).");
            }

            personCount += hhOffsets[h + 1] - hhOffsets[h];
        }

        var personSource = new int[checked((int)personCount)];
        var personHousehold = new int[personSource.Length];
        var next = 0;
        for (var k = 0; k < householdSource.Length; k++)
        {
            var h = householdSource[k];
            for (var i = hhOffsets[h]; i < hhOffsets[h + 1]; i++)
            {
                personSource[next] = graph.HouseholdPersons[i];
                personHousehold[next++] = k;
            }
        }

        var entitySource = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var personEntity = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var links in graph.SubEntities)
        {
            var (source, map) = Remap(links, householdSource, hhOffsets, graph.HouseholdPersons, personSource.Length);
            entitySource[links.Entity] = source;
            personEntity[links.Entity] = map;
        }

        return new ReindexedEntities(householdSource, personSource, personHousehold, entitySource, personEntity);
    }

    private static (int[] Source, int[] PersonEntity) Remap(EntityLinks links, int[] householdSource, int[] hhOffsets, int[] hhPersons, int persons)
    {
        var offsets = links.HouseholdOffsets;
        var total = 0L;
        foreach (var h in householdSource)
        {
            total += offsets[h + 1] - offsets[h];
        }

        var source = new int[checked((int)total)];
        var map = new int[persons];
        var nextEntity = 0;
        var nextPerson = 0;
        for (var k = 0; k < householdSource.Length; k++)
        {
            var h = householdSource[k];
            var first = offsets[h];
            var count = offsets[h + 1] - first;
            Array.Copy(links.HouseholdEntities, first, source, nextEntity, count);
            for (var i = hhOffsets[h]; i < hhOffsets[h + 1]; i++)
            {
                var p = hhPersons[i];
                var e = links.PersonEntity[p];
                if (e < 0)
                {
                    throw new EntityLinkException($"Person row {p} links to a {links.Entity} that does not exist; the link cannot be remapped.");
                }

                // The household's groups are few and ascending: a binary search in its slice.
                var j = Array.BinarySearch(links.HouseholdEntities, first, count, e);
                if (j < 0)
                {
                    throw new EntityLinkException($"Person row {p} (household row {h}) links to {links.Entity} row {e}, which belongs to another household; the link cannot be remapped per clone.");
                }

                map[nextPerson++] = nextEntity + (j - first);
            }

            nextEntity += count;
        }

        return (source, map);
    }
}
