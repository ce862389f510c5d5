using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Specs;

/// <summary>Checks a spec's reform paths against a country model release (what the reader cannot know).</summary>
public static class SpecModelCheck
{
    public static Problem? Check(SimulationSpec spec, CountryModel model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            Engine.Reform.Parse(spec.ReformJson()).Validate(model);
            return null;
        }
        catch (ReformException e)
        {
            // "$[2].path" → "spec.reform[2].path"
            var field = "spec.reform" + (e.JsonPath.StartsWith('$') ? e.JsonPath[1..] : "." + e.JsonPath);
            return Problem.Invalid(field, $"{field}: {e.Reason} (model {model.Country} {model.Version}).");
        }
    }
}
