using System.Collections.Concurrent;
using System.Text;
using Microsoft.Playwright;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Records what a user would never see but a broken page produces: error responses, failed
/// requests, content-security-policy violations (the CSP forbids inline script and style, so
/// one stray attribute shows up here) and uncaught script errors.
/// </summary>
public sealed class PageWatcher
{
    private readonly PortalProcess _portal;
    private readonly ConcurrentQueue<string> _errorResponses = new();
    private readonly ConcurrentQueue<string> _failedRequests = new();
    private readonly ConcurrentQueue<string> _cspViolations = new();
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();

    public PageWatcher(IPage page, PortalProcess portal)
    {
        _portal = portal;
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                _errorResponses.Enqueue($"{response.Status} {response.Request.Method} {response.Url}");
            }
        };
        page.RequestFailed += (_, request) =>
        {
            // ERR_ABORTED is the browser cancelling a request because the page navigated on (a test
            // clicking through faster than a script finishes loading), not a server or asset failure.
            if (request.Failure != "net::ERR_ABORTED")
            {
                _failedRequests.Enqueue($"{request.Method} {request.Url}: {request.Failure}");
            }
        };
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _cspViolations.Enqueue(message.Text);
            }
            else if (message.Type == "error")
            {
                _consoleErrors.Enqueue(message.Text);
            }
        };
        page.PageError += (_, error) => _pageErrors.Enqueue(error);
    }

    public bool IsClean =>
        _errorResponses.IsEmpty && _failedRequests.IsEmpty && _cspViolations.IsEmpty && _consoleErrors.IsEmpty && _pageErrors.IsEmpty;

    /// <summary>Fails with every recorded problem, by kind, and the end of the portal's log.</summary>
    public void AssertClean()
    {
        if (IsClean)
        {
            return;
        }

        var report = new StringBuilder("The browser saw problems:").AppendLine();
        Append(report, "HTTP responses >= 400", _errorResponses);
        Append(report, "Failed requests", _failedRequests);
        Append(report, "Content Security Policy violations", _cspViolations);
        Append(report, "Console errors", _consoleErrors);
        Append(report, "Uncaught page errors", _pageErrors);
        report.AppendLine(_portal.LogTail());
        Assert.Fail(report.ToString());
    }

    private static void Append(StringBuilder report, string title, ConcurrentQueue<string> items)
    {
        report.AppendLine($"{title} ({items.Count}):");
        foreach (var item in items)
        {
            report.AppendLine($"  - {item}");
        }
    }
}
