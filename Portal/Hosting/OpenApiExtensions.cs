using Microsoft.OpenApi;

namespace Portal.Hosting;

public static class OpenApiExtensions
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, with the bearer scheme declared so Swagger UI can send tokens.</summary>
    public static void AddPortalOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Portal API",
                Version = typeof(OpenApiExtensions).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                Description = "Tax-benefit microsimulation platform. Authenticate with a personal access token: `Authorization: Bearer ptl_…`.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "Personal access token created on the API tokens page or with `portal admin create-token`.",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        }));
    }
}
