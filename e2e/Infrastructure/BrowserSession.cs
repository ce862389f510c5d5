using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Portal.E2E.Infrastructure;

/// <summary>One browser context with its page and watcher; disposing closes the context.</summary>
public sealed class BrowserSession(PortalProcess portal, IBrowserContext context, IPage page, PageWatcher watcher) : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _acceptedDialogs = new();

    public PortalProcess Portal { get; } = portal;

    public IBrowserContext Context { get; } = context;

    public IPage Page { get; } = page;

    public PageWatcher Watcher { get; } = watcher;

    /// <summary>Messages of the confirm dialogs accepted so far (see <see cref="AcceptDialogs"/>).</summary>
    public IReadOnlyCollection<string> AcceptedDialogs => _acceptedDialogs;

    /// <summary>The absolute URL of a portal path, for exact URL assertions.</summary>
    public string Url(string path) => new Uri(Portal.BaseUrl, path).ToString();

    /// <summary>
    /// Playwright dismisses dialogs unless told otherwise, which would cancel every
    /// <c>data-confirm</c> button; from now on they are accepted, and their messages recorded.
    /// </summary>
    public void AcceptDialogs() => Page.Dialog += async (_, dialog) =>
    {
        _acceptedDialogs.Enqueue(dialog.Message);
        await dialog.AcceptAsync();
    };

    public ValueTask DisposeAsync() => Context.DisposeAsync();
}
