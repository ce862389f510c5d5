using Portal.Core.Common;
using Portal.Core.Engine;

namespace Portal.Core.Features.Models;

public sealed record CompareReleasesRequest(string Country, string? From, string? To);

/// <summary>The engine's field-by-field diff of two releases, with the releases named by version and hash.</summary>
public sealed record ReleaseComparison(ModelReleaseRef From, ModelReleaseRef To, IReadOnlyList<DiffEntry> Parameters, IReadOnlyList<DiffEntry> Variables)
{
    public bool IsEmpty => Parameters.Count == 0 && Variables.Count == 0;
}

/// <summary>
/// What changed between two releases of one country (parameters and variables added, removed or
/// changed, with old and new values and formula text), for reviewing a release before promoting it.
/// </summary>
public sealed class CompareReleasesHandler(ModelCatalog catalog)
{
    public Result<ReleaseComparison> Handle(CompareReleasesRequest request)
    {
        var check = new Validation()
            .Require(!string.IsNullOrWhiteSpace(request.From), "from", "Choose the release to compare from.")
            .Require(!string.IsNullOrWhiteSpace(request.To), "to", "Choose the release to compare to.");
        if (!check.IsValid)
        {
            return check.ToProblem();
        }

        var from = ModelLookup.Find(catalog, request.Country, request.From);
        var to = ModelLookup.Find(catalog, request.Country, request.To);
        if (!from.Succeeded || !to.Succeeded)
        {
            return (from.Problem ?? to.Problem)!;
        }

        var diff = ModelDiff.Compare(from.Value!, to.Value!);
        return new ReleaseComparison(ModelReleaseRef.Of(diff.From), ModelReleaseRef.Of(diff.To), diff.Parameters, diff.Variables);
    }
}
