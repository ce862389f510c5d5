using Microsoft.Playwright;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// One headless Chromium for all browser tests (launching it is the slow part); every test
/// gets its own context, so cookies never leak between tests. Playwright cannot download
/// browsers here, so it drives the system's Chromium.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not launched.");

    public static string Executable =>
        Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : DefaultExecutable;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"No Chromium at {Executable}. Install Debian's chromium package or set PORTAL_CHROMIUM.");
        }

        // Auto-retrying assertions wait this long; the portal answers in milliseconds, a loaded CI box in seconds.
        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    /// <summary>A new browser session (own cookies) against <paramref name="portal"/>, watched for problems.</summary>
    public async Task<BrowserSession> NewSessionAsync(PortalProcess portal, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = portal.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(portal, context, page, new PageWatcher(page, portal));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>All browser test classes share the one Chromium and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
