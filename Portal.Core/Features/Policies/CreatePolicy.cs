using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Common;
using Portal.Core.Data;
using Portal.Core.Engine;
using Portal.Core.Identity;

namespace Portal.Core.Features.Policies;

/// <param name="Parameters">PolicyEngine's <c>{path: {"start.stop": value}}</c> map or a list of <c>{path, start, stop?, value}</c>; <c>{}</c> is current law.</param>
public sealed record CreatePolicyRequest(string? Country, string? Name, string? Description, JsonNode? Parameters);

/// <summary>
/// Creates a policy, or returns the existing one with the same canonical hash. The changes are
/// validated against the newest installed model release of the country (each simulation validates
/// them again against its own bundle's model). Concurrent creates of one policy converge on one
/// row through the unique hash index.
/// </summary>
public sealed class CreatePolicyHandler(PortalDbContext db, ModelCatalog catalog, TimeProvider time)
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;

    public async Task<Result<PolicyCreated>> HandleAsync(CreatePolicyRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!PortalPolicies.Allows(PortalPolicies.CanRun, actor.Roles))
        {
            return Problem.Forbidden("Creating policies needs the Analyst, Maintainer or Admin role.");
        }

        var model = request.Country is null ? null : catalog.Find(request.Country);
        var name = request.Name?.Trim();
        var validation = new Validation()
            .Require(model is not null && model.Country == request.Country, "country", $"Country must be one of {string.Join(", ", catalog.Countries)}.")
            .Require(!string.IsNullOrEmpty(name) && name.Length <= MaxNameLength, "name", $"Name is required (at most {MaxNameLength} characters).")
            .Require((request.Description?.Length ?? 0) <= MaxDescriptionLength, "description", $"Description must be at most {MaxDescriptionLength} characters.")
            .Require(request.Parameters is not null, "parameters", "Parameters are required: {\"path\": {\"start.stop\": value}}, or {} for current law.");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var canonical = PolicyParameters.Canonicalize(model!.Country, request.Parameters, model);
        if (!canonical.Succeeded)
        {
            return canonical.Problem!;
        }

        var policy = canonical.Value!;
        if (await FindAsync(policy.Hash, ct) is { } existing)
        {
            return new PolicyCreated(PolicyView.Of(existing), false);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var row = new Policy
        {
            Id = PublicIds.New("pol"),
            Country = policy.Country,
            Name = name!,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            ChangesJson = policy.ChangesJson,
            ChangeCount = policy.Changes.Count,
            PolicyHash = policy.Hash,
            ValidatedModelVersion = model.Version,
            CreatedBy = actor.Name,
            CreatedUtc = now,
            UpdatedUtc = now,
        };
        db.Policies.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent create of the same policy won the unique hash index: answer with its row.
            db.ChangeTracker.Clear();
            if (await FindAsync(policy.Hash, ct) is { } winner)
            {
                return new PolicyCreated(PolicyView.Of(winner), false);
            }

            throw;
        }

        return new PolicyCreated(PolicyView.Of(row), true);
    }

    private Task<Policy?> FindAsync(string hash, CancellationToken ct) =>
        db.Policies.AsNoTracking().FirstOrDefaultAsync(p => p.PolicyHash == hash, ct);
}
