using Portal.Core.Microdata;

namespace Portal.Core.Publishing.LocalH5;

/// <summary>
/// Copies every input variable for the selection into a payload: each column is sliced by the source
/// rows of its entity (typed array gathers, no per-value boxing). Entity ids and person links are
/// then written fresh (0..n−1 and the remapped links), replacing the source's.
/// </summary>
public static class VariableCloner
{
    /// <param name="columns">The source columns (any entity the reindexer knows).</param>
    /// <param name="skip">Variables not to copy (overwritten later, e.g. weights and geography).</param>
    public static H5Payload Clone(string country, int period, IEnumerable<MicrodataColumn> columns, ReindexedEntities reindexed, IReadOnlySet<string> skip)
    {
        var payload = new H5Payload(country, period, reindexed.Rows());
        var structural = StructuralNames(reindexed);
        foreach (var column in columns)
        {
            if (skip.Contains(column.Name) || structural.Contains(column.Name))
            {
                continue;
            }

            payload.Set(Slice(column, reindexed.SourceOf(column.Entity)));
        }

        WriteIds(payload, reindexed);
        return payload;
    }

    /// <summary>The id and link variables the reindexer owns: <c>&lt;entity&gt;_id</c> and <c>person_&lt;entity&gt;_id</c>.</summary>
    public static HashSet<string> StructuralNames(ReindexedEntities reindexed)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "household_id", "person_id", "person_household_id" };
        foreach (var entity in reindexed.EntitySource.Keys)
        {
            names.Add(entity + "_id");
            names.Add($"person_{entity}_id");
        }

        return names;
    }

    public static MicrodataColumn Slice(MicrodataColumn column, int[] rows) => column switch
    {
        DoubleColumn d => new DoubleColumn(d.Name, d.Entity, Gather(d.Values, rows)),
        IntColumn i => new IntColumn(i.Name, i.Entity, Gather(i.Values, rows)),
        LongColumn l => new LongColumn(l.Name, l.Entity, Gather(l.Values, rows)),
        BoolColumn b => new BoolColumn(b.Name, b.Entity, Gather(b.Values, rows)),
        CategoryColumn c => new CategoryColumn(c.Name, c.Entity, c.Categories, Gather(c.Indices, rows)),
        _ => throw new NotSupportedException(column.GetType().Name),
    };

    public static T[] Gather<T>(T[] source, int[] rows)
    {
        var result = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = source[rows[i]];
        }

        return result;
    }

    private static void WriteIds(H5Payload payload, ReindexedEntities r)
    {
        payload.Set(new IntColumn("household_id", "household", Sequence(r.Households)));
        payload.Set(new IntColumn("person_id", "person", Sequence(r.Persons)));
        payload.Set(new IntColumn("person_household_id", "person", r.PersonHousehold));
        foreach (var (entity, source) in r.EntitySource)
        {
            payload.Set(new IntColumn(entity + "_id", entity, Sequence(source.Length)));
            payload.Set(new IntColumn($"person_{entity}_id", "person", r.PersonEntity[entity]));
        }
    }

    private static int[] Sequence(int n)
    {
        var ids = new int[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = i;
        }

        return ids;
    }
}
