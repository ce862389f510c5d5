using Portal.Core.Engine;

namespace Portal.Core.Features.Aggregates;

/// <summary>A variable cannot be expressed per instance of the requested entity.</summary>
public sealed class EntityMappingException(string message) : Exception(message);

/// <summary>
/// Expresses a column of one entity per instance of another, as PolicyEngine's <c>map_to_entity</c>
/// does: up to a coarser entity by adding the members' values (person income → household income),
/// down to a finer one by giving each member its group's value (household region → each person).
/// Two groups are related the same way when one nests in the other (every tax unit lies in one
/// household); groups that overlap without nesting cannot be mapped.
/// </summary>
public static class EntityMapping
{
    /// <param name="additive">False for enums: their indices cannot be added, only handed down.</param>
    public static double[] Map(Population population, double[] values, string from, string to, string variable, bool additive = true)
    {
        if (from == to)
        {
            return values;
        }

        var person = population.Model.Person.Key;
        var fromOfPerson = from == person ? null : population.Map(person, from);
        var toOfPerson = to == person ? null : population.Map(person, to);
        if (fromOfPerson is null)
        {
            return Sum(values, toOfPerson!, population.Count(to), variable, from, to, additive);
        }

        if (toOfPerson is null)
        {
            return Project(values, fromOfPerson);
        }

        if (Nesting(fromOfPerson, toOfPerson, population.Count(from)) is { } fromToTo)
        {
            return Sum(values, fromToTo, population.Count(to), variable, from, to, additive);
        }

        if (Nesting(toOfPerson, fromOfPerson, population.Count(to)) is { } toToFrom)
        {
            return Project(values, toToFrom);
        }

        throw new EntityMappingException($"'{variable}' is a {from} variable and {from} and {to} instances overlap without nesting in this dataset; aggregate it over person or {from}.");
    }

    /// <summary>inner instance → its outer instance when every inner instance lies within one outer instance; otherwise null.</summary>
    private static int[]? Nesting(int[] innerOfPerson, int[] outerOfPerson, int innerCount)
    {
        var result = new int[innerCount];
        Array.Fill(result, -1);
        for (var p = 0; p < innerOfPerson.Length; p++)
        {
            ref var slot = ref result[innerOfPerson[p]];
            if (slot < 0)
            {
                slot = outerOfPerson[p];
            }
            else if (slot != outerOfPerson[p])
            {
                return null;
            }
        }

        return result;
    }

    private static double[] Sum(double[] values, int[] targetOfSource, int targetCount, string variable, string from, string to, bool additive)
    {
        if (!additive)
        {
            throw new EntityMappingException($"'{variable}' is an enum of {from}; its values cannot be added up to {to}. Aggregate over {from}, or filter it at {from} level.");
        }

        var result = new double[targetCount];
        for (var i = 0; i < values.Length; i++)
        {
            result[targetOfSource[i]] += values[i];
        }

        return result;
    }

    private static double[] Project(double[] values, int[] sourceOfTarget)
    {
        var result = new double[sourceOfTarget.Length];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = values[sourceOfTarget[i]];
        }

        return result;
    }
}
