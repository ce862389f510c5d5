namespace Portal.Core.Publishing.LocalH5;

/// <summary>Person → group links of one sub-entity (tax unit, SPM unit, benefit unit, …) as row indices.</summary>
/// <param name="PersonEntity">Per person, the row of its group, or −1 when the id it names does not exist.</param>
/// <param name="HouseholdOffsets">CSR offsets: the groups of household h are <c>HouseholdEntities[HouseholdOffsets[h]..HouseholdOffsets[h+1]]</c>, ascending.</param>
public sealed record EntityLinks(string Entity, int Count, int[] PersonEntity, int[] HouseholdOffsets, int[] HouseholdEntities);

/// <summary>
/// Who belongs to which household, as row indices (built once per snapshot): persons per household
/// (CSR, in file order) and, per sub-entity, each person's group and each household's groups. A group
/// belongs to the household of its first member; links the reindexer cannot honour stay visible here
/// (−1, or a group owned by another household) so that <see cref="EntityReindexer"/> can refuse them.
/// </summary>
public sealed class EntityGraph
{
    private EntityGraph(int households, int[] personHousehold, int[] offsets, int[] persons, IReadOnlyList<EntityLinks> subEntities)
    {
        HouseholdCount = households;
        PersonHousehold = personHousehold;
        HouseholdPersonOffsets = offsets;
        HouseholdPersons = persons;
        SubEntities = subEntities;
    }

    public int HouseholdCount { get; }

    public int PersonCount => PersonHousehold.Length;

    /// <summary>Per person, its household row, or −1 when its household id does not exist.</summary>
    public int[] PersonHousehold { get; }

    public int[] HouseholdPersonOffsets { get; }

    public int[] HouseholdPersons { get; }

    public IReadOnlyList<EntityLinks> SubEntities { get; }

    /// <param name="householdIds">Ids of the household rows.</param>
    /// <param name="personHouseholdIds">Per person, the id of its household.</param>
    /// <param name="subEntities">Per sub-entity: its ids and, per person, the id of the person's group.</param>
    public static EntityGraph Build(long[] householdIds, long[] personHouseholdIds, IEnumerable<(string Entity, long[] Ids, long[] PersonLinks)> subEntities)
    {
        var personHousehold = Rows(householdIds, personHouseholdIds);
        var (offsets, persons) = Csr(householdIds.Length, personHousehold);
        var links = new List<EntityLinks>();
        foreach (var (entity, ids, personLinks) in subEntities)
        {
            if (personLinks.Length != personHouseholdIds.Length)
            {
                throw new ArgumentException($"person_{entity}_id has {personLinks.Length} values for {personHouseholdIds.Length} persons.");
            }

            var personEntity = Rows(ids, personLinks);
            var owner = new int[ids.Length];
            Array.Fill(owner, -1);
            for (var p = 0; p < personEntity.Length; p++)
            {
                var e = personEntity[p];
                if (e >= 0 && owner[e] < 0)
                {
                    owner[e] = personHousehold[p];
                }
            }

            // Groups without members (or whose first member has no household) belong to nobody and are dropped.
            var (hhOffsets, hhEntities) = Csr(householdIds.Length, owner);
            links.Add(new EntityLinks(entity, ids.Length, personEntity, hhOffsets, hhEntities));
        }

        return new EntityGraph(householdIds.Length, personHousehold, offsets, persons, links);
    }

    /// <summary>Maps each link to the row of the id it names (−1 when absent). Duplicate ids are refused.</summary>
    private static int[] Rows(long[] ids, long[] links)
    {
        var index = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!index.TryAdd(ids[i], i))
            {
                throw new ArgumentException($"Duplicate id {ids[i]}: ids must be unique to be remapped.");
            }
        }

        var rows = new int[links.Length];
        for (var i = 0; i < links.Length; i++)
        {
            rows[i] = index.TryGetValue(links[i], out var r) ? r : -1;
        }

        return rows;
    }

    /// <summary>Groups item indices by their parent (ascending item order within a parent); items with parent −1 are left out.</summary>
    private static (int[] Offsets, int[] Items) Csr(int parents, int[] parentOf)
    {
        var offsets = new int[parents + 1];
        foreach (var p in parentOf)
        {
            if (p >= 0)
            {
                offsets[p + 1]++;
            }
        }

        for (var i = 0; i < parents; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        var fill = offsets[..^1];
        var items = new int[offsets[parents]];
        for (var i = 0; i < parentOf.Length; i++)
        {
            var p = parentOf[i];
            if (p >= 0)
            {
                items[fill[p]++] = i;
            }
        }

        return (offsets, items);
    }
}
